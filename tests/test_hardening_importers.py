"""Issue 12: hostile listing files. HSDS resource paths that leave the package (item 7), JSON
nested 100,000 deep, 5,000-digit numbers, NaN and Infinity: each a one-line refusal, exit 1, no
traceback, nothing written."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def dbfile(peer, db_path) -> Path:
    peer("consumer", "list")
    return db_path


def refused(peer, db_path: Path, *args: str) -> str:
    before = digest(db_path)
    result = peer("group", "import", *args, ok=False)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.exception is None or isinstance(
        result.exception, SystemExit)
    assert digest(db_path) == before
    return result.stderr


def hsds_package(tmp_path: Path, services_path: str) -> Path:
    package = tmp_path / "pkg"
    shutil.copytree(FIXTURES / "hsds", package)
    meta = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in meta["resources"]:
        if resource["name"] == "service":
            resource["path"] = services_path
    (package / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    return package


ESCAPES = ["../outside.csv", "x/../../outside.csv", "/etc/passwd", "sub/../../../outside.csv",
           "..\\outside.csv", "C:\\outside.csv", "./../outside.csv", "....//..//outside.csv"]


@pytest.mark.parametrize("escape", ESCAPES)
def test_hsds_folder_resource_path_leaving_the_package_is_refused(peer, dbfile, tmp_path,
                                                                  escape):
    package = hsds_package(tmp_path, escape)
    shutil.copy(FIXTURES / "hsds" / "services.csv", tmp_path / "outside.csv")
    message = refused(peer, dbfile, str(package))
    assert "leaves the package" in message


@pytest.mark.parametrize("escape", ESCAPES)
def test_hsds_zip_resource_path_leaving_the_package_is_refused(peer, dbfile, tmp_path, escape):
    package = hsds_package(tmp_path, escape)
    archive = tmp_path / "pkg.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(package.iterdir()):
            zf.write(f, f"pkg/{f.name}")
        zf.writestr("outside.csv", (FIXTURES / "hsds" / "services.csv").read_text())
    message = refused(peer, dbfile, str(archive))
    assert "leaves the package" in message


def test_hsds_symlink_leaving_the_package_is_refused(peer, dbfile, tmp_path):
    package = hsds_package(tmp_path, "services.csv")
    outside = tmp_path / "outside.csv"
    shutil.copy(package / "services.csv", outside)
    (package / "services.csv").unlink()
    (package / "services.csv").symlink_to(outside)
    message = refused(peer, dbfile, str(package))
    assert "leaves the package" in message


def test_hsds_ordinary_subfolder_paths_still_work(peer, dbfile, tmp_path):
    package = hsds_package(tmp_path, "data/./services.csv")
    (package / "data").mkdir()
    shutil.move(package / "services.csv", package / "data" / "services.csv")
    data = peer.json("group", "import", str(package))
    assert data["inserted"] > 0


@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_meeting_guide_nested_deep_is_refused(peer, dbfile, tmp_path, depth):
    feed = tmp_path / "feed.json"
    feed.write_text("[" + "[" * depth + "]" * depth + "]", encoding="utf-8")
    assert "nested" in refused(peer, dbfile, str(feed))
    feed.write_text('[{"name": "x", "day": 1, "time": "10:00", "types": '
                    + "[" * depth + "]" * depth + "}]", encoding="utf-8")
    assert "nested" in refused(peer, dbfile, str(feed))


def test_meeting_guide_object_nested_deep_is_refused(peer, dbfile, tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text('[{"a":' * 50_000 + "1" + "}" * 50_000 + "]", encoding="utf-8")
    assert "nested" in refused(peer, dbfile, str(feed), "--format", "meetingguide")


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "9" * 5000, "1" + "0" * 4400])
def test_meeting_guide_giant_numbers_are_refused(peer, dbfile, tmp_path, number):
    feed = tmp_path / "feed.json"
    feed.write_text(f'[{{"name": "x", "day": 1, "time": "10:00", "latitude": {number}}}]',
                    encoding="utf-8")
    message = refused(peer, dbfile, str(feed))
    assert "digits" in message and "line 1" in message


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_meeting_guide_non_finite_numbers_never_stored(peer, dbfile, tmp_path, value):
    feed = tmp_path / "feed.json"
    feed.write_text(f'[{{"name": "x", "day": 1, "time": "10:00", "latitude": {value}, '
                    f'"longitude": {value}}}]', encoding="utf-8")
    before = digest(dbfile)
    result = peer("group", "import", str(feed), ok=False)
    assert result.exit_code in (0, 1) and "Traceback" not in result.stderr
    if result.exit_code == 1:
        assert digest(dbfile) == before
    for g in peer.json("group", "list"):
        assert g.get("latitude") is None


def test_hsds_descriptor_nested_deep_or_giant_is_refused(peer, dbfile, tmp_path):
    package = hsds_package(tmp_path, "services.csv")
    (package / "datapackage.json").write_text('{"resources": ' + "[" * 100_000 + "]" * 100_000
                                              + "}", encoding="utf-8")
    assert "nested" in refused(peer, dbfile, str(package))
    (package / "datapackage.json").write_text('{"version": ' + "7" * 5000 + "}",
                                              encoding="utf-8")
    assert "digits" in refused(peer, dbfile, str(package))
