"""US ZIP codes offline: distance works for any US ZIP code from the shipped centroids (read
lazily, by bisection); the user's own postal-code file and the groups' own coordinates come
first."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import platformdirs
import pytest

from peercli.core.geo import haversine_km
from peercli.core.schedule import Meeting
from peercli.importers import uszip

TUE = (Meeting("WEEKLY", 1, ("TU",), 19 * 60, 20 * 60),)


@pytest.mark.parametrize("code, near", [
    ("97401", (44.07, -123.08)),  # Eugene OR
    ("10001", (40.75, -74.00)),  # Manhattan
    ("00501", (40.82, -73.05)),  # the first code (Holtsville NY)
    ("99950", (55.34, -131.65)),  # the last (Ketchikan AK)
    ("60614-1234", (41.92, -87.65)),  # ZIP+4
    ("606141234", (41.92, -87.65)),
])
def test_known_codes(code: str, near: tuple[float, float]) -> None:
    place = uszip.us_zip_centroid(code)
    assert place is not None and haversine_km(*place, *near) < 5


@pytest.mark.parametrize("code", ["00000", "99999", "1234", "SW1A 1AA", "", None, "97401x",
                                  "K1A 0B1", "974O1"])
def test_unknown_codes(code: str | None) -> None:
    assert uszip.us_zip_centroid(code) is None


def test_the_data_is_whole_and_fast() -> None:
    assert uszip.record_count() > 40_000
    start = time.perf_counter()
    for _ in range(2000):
        uszip.us_zip_centroid("97401")
    assert (time.perf_counter() - start) / 2000 < 0.001


def test_not_imported_by_peer_help() -> None:
    code = ("import sys; from peercli.cli.app import main; sys.argv=['peer','--help'];\n"
            "try:\n    main()\nexcept SystemExit: pass\n"
            "print('uszip' in ' '.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().endswith("False")


def _person(peer: Any, postal: str) -> int:
    return int(peer.json("consumer", "add", "Kim", "--interests", "grief", "--available",
                         "Tue 18:00-21:00", "--postal-code", postal, "--formats",
                         "in_person")["id"])


def test_distance_from_a_zip_code_nobody_listed(peer: Any, make_group: Any) -> None:
    # the group has coordinates (Eugene), the person only a ZIP code no group shares
    make_group("Tuesday Grief Circle", topics=("grief",), meetings=TUE,
               latitude=44.0521, longitude=-123.0868, city="Eugene")
    pid = _person(peer, "97403")
    (m,) = peer.json("match", str(pid))
    assert m["distance_km"] is not None and m["distance_km"] < 5
    far = _person(peer, "10001")  # New York: 3,800 km away, so not offered
    assert peer.json("match", str(far)) == []


def test_a_group_with_only_a_zip_code(peer: Any, make_group: Any) -> None:
    make_group("Tuesday Grief Circle", topics=("grief",), meetings=TUE, postal_code="97401")
    pid = _person(peer, "97477")  # Springfield OR, next door
    (m,) = peer.json("match", str(pid))
    assert 3 < m["distance_km"] < 15


def test_the_users_file_wins(peer: Any, make_group: Any) -> None:
    path = platformdirs.user_config_path("peer") / "postal_codes.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    # the user's file says 97403 is in New York (a deliberate override)
    path.write_text("postal_code,latitude,longitude\n97403,40.75,-74.0\n", encoding="utf-8")
    make_group("Tuesday Grief Circle", topics=("grief",), meetings=TUE,
               latitude=44.0521, longitude=-123.0868)
    pid = _person(peer, "97403")
    assert peer.json("match", str(pid)) == []
