"""The importer registry: formats are data (name, aliases, sniff, open, options), detection asks
every sniff, format-specific flags travel as one ImportOptions value and are refused where they
do not apply, and a new format is one module plus one entry."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from peercli.importers import (
    FORMATS,
    ImportFileError,
    ImportOptions,
    RecordStream,
    detect_format,
    iter_records,
    parse_file,
)
from peercli.importers import registry as R
from peercli.importers.native import open_native

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NATIVE = "id,name,topics,schedule\n1,Grief Circle,grief,Tue 18:30-20:00\n"


def test_every_entry_resolves_and_names_are_unique():
    assert FORMATS == tuple(spec.name for spec in R.IMPORTERS)
    names = [n for spec in R.IMPORTERS for n in (spec.name, *spec.aliases)]
    assert len(names) == len(set(names))
    option_fields = {f for f in ImportOptions().__dataclass_fields__}
    for spec in R.IMPORTERS:
        assert callable(spec._function(spec.sniff_name)) and callable(spec._function(spec.open_name))
        assert spec.options <= option_fields
    assert ImportOptions(source="x", max_bytes=10).given() == {}  # common options, not flags
    assert ImportOptions(mapping={"a": "name"}, delimiter=";").given() == {
        "mapping": "--map", "delimiter": "--delimiter"}


@pytest.mark.parametrize(("typed", "name"), [
    ("native", "native"), ("CSV", "native"), ("tsml", "tsml-csv"), ("TSML_CSV", "tsml-csv"),
    ("json", "meetingguide"), ("Meeting-Guide", "meetingguide"), ("mg", "meetingguide"),
    ("openreferral", "hsds"), (" hsds ", "hsds"),
])
def test_format_names_and_aliases(typed, name):
    assert R.normalize_format(typed) == name


def test_unknown_format_lists_the_known_ones(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(NATIVE, encoding="utf-8")
    with pytest.raises(ImportFileError, match="unknown format 'xml' .expected one of: native, "):
        iter_records(path, format="xml")


def test_detection_by_content_not_suffix(tmp_path):
    csv = tmp_path / "groups.json"  # a CSV whatever its name says
    csv.write_text(NATIVE, encoding="utf-8")
    assert detect_format(csv) == "native"
    feed = tmp_path / "feed.csv"
    feed.write_text(json.dumps([{"name": "A", "day": 1, "time": "18:00"}]), encoding="utf-8")
    assert detect_format(feed) == "meetingguide"
    assert detect_format(FIXTURES / "meetingguide" / "tsml-export.csv") == "tsml-csv"
    jsonp = tmp_path / "feed.txt"
    jsonp.write_text("callback([" + json.dumps({"name": "A", "day": 1}) + "])", encoding="utf-8")
    assert detect_format(jsonp) == "meetingguide"  # JSONP is JSON to every sniff
    folder = tmp_path / "pkg"
    shutil.copytree(FIXTURES / "hsds", folder)
    assert detect_format(folder) == "hsds"
    zpath = tmp_path / "pkg.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"export/{f.name}")
    assert detect_format(zpath) == "hsds"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf  \n")
    with pytest.raises(ImportFileError, match="is empty"):
        detect_format(empty)
    with pytest.raises(ImportFileError, match="Excel .xlsx workbook"):
        detect_format(_zip_without_package(tmp_path))


def _zip_without_package(tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return path


def test_sample_offers_head_text_first_record_and_member_names(tmp_path):
    path = tmp_path / "x.TSV"
    path.write_bytes("\ufeff\n name\tschedule\nA\tMon 6pm\n".encode("utf-8-sig"))
    sample = R.Sample(path, delimiter="\t")
    assert sample.suffix == ".tsv" and sample.head.startswith(b"\xef\xbb\xbf")
    assert sample.text.startswith("name\tschedule") and sample.first_record == ["name", "schedule"]
    assert sample.names == () and not sample.looks_like_json
    folder = tmp_path / "pkg"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "datapackage.json").write_text("{}", encoding="utf-8")
    listing = R.Sample(folder)
    assert listing.is_dir and listing.names == ("inner", "inner/datapackage.json")
    assert listing.has_member("datapackage.json") and listing.text == ""


@pytest.mark.parametrize(("content", "flag", "args"), [
    (NATIVE, "--fellowship", {"fellowship": "na"}),
    ("[]", "--map", {"mapping": {"Title": "name"}}),
    ("[]", "--delimiter", {"delimiter": ";"}),
])
def test_a_flag_for_another_format_is_refused(tmp_path, content, flag, args):
    path = tmp_path / "listing"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError, match=f"^{flag} applies to .*, not to .*this file is"):
        iter_records(path, **args)


def test_hsds_takes_no_csv_flags(tmp_path):
    folder = tmp_path / "pkg"
    shutil.copytree(FIXTURES / "hsds", folder)
    with pytest.raises(ImportFileError, match="--delimiter applies to native CSV files or 12 "
                                              "Step Meeting List CSV exports, not to HSDS"):
        parse_file(folder, ImportOptions(delimiter="|"))


def test_options_travel_as_one_value(tmp_path):
    path = tmp_path / "their.csv"
    path.write_text("Title;When\nGrief Circle;Tue 18:30-20:00\n", encoding="utf-8")
    options = ImportOptions(source="county", mapping={"Title": "name", "When": "schedule"},
                            delimiter=";")
    result = parse_file(path, options)
    assert result.format == "native" and result.source == "county"
    assert [r.name for r in result.records] == ["Grief Circle"]
    # keyword overrides replace fields; a misspelt one is an error, never ignored
    assert parse_file(path, options, source="other").source == "other"
    with pytest.raises(TypeError):
        parse_file(path, options, delimter=",")


# -- a new format is one module and one entry ---------------------------------------------------


def sniff_pipe(sample: R.Sample) -> float:
    """The toy format of the next test: '|'-separated files ending in .pipe."""
    return 0.95 if sample.suffix == ".pipe" and "|" in sample.text else 0.0


def open_pipe(path: Path, options: ImportOptions) -> RecordStream:
    stream = open_native(path, source=options.source or "pipe", delimiter="|",
                         progress=options.progress, max_bytes=options.max_bytes)
    stream.format = "pipe"
    return stream


def test_a_new_format_is_one_entry(peer, tmp_path, monkeypatch):
    spec = R.ImporterSpec("pipe", "pipe files", __name__, "sniff_pipe", "open_pipe",
                          aliases=("bar",))
    monkeypatch.setattr(R, "IMPORTERS", (*R.IMPORTERS, spec))
    path = tmp_path / "groups.pipe"
    path.write_text("name|schedule\nPipe Group|Wed 19:00-20:00\n", encoding="utf-8")
    assert detect_format(path) == "pipe"
    data = peer.json("group", "import", str(path))
    assert data["format"] == "pipe" and data["inserted"] == 1
    assert parse_file(path, format="bar").records[0].name == "Pipe Group"
    refused = peer("group", "import", str(path), "--delimiter", ";", ok=False)
    assert refused.exit_code == 1
    assert "--delimiter applies to native CSV files or 12 Step Meeting List CSV exports, not " \
           "to pipe files (this file is pipe)" in refused.stderr
