"""Distances without a network: haversine kilometres and postal-code centroids.

A place is known when it has coordinates. A consumer (and a group listed without coordinates)
is placed at the centroid of its postal code, found, in this order:

1. the user file ``<user config dir>/peer/postal_codes.csv`` (columns ``postal_code,latitude,
   longitude``), when it exists and lists the code — it wins;
2. the mean coordinates of the groups in the database that share the postal code (SQL).

Postal codes are compared normalized: upper case, spaces removed, a US ZIP+4 cut to 5 digits.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    import sqlite3

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two (latitude, longitude) points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))

_ZIP4 = re.compile(r"^(\d{5})-?\d{4}$")


def normalize_postal_code(code: str | None) -> str:
    """"97401-1234" -> "97401", "sw1a 1aa" -> "SW1A1AA", None -> ""."""
    if not code:
        return ""
    text = re.sub(r"\s+", "", code).upper()
    m = _ZIP4.match(text)
    return m.group(1) if m else text


def user_postal_codes_path() -> Path:
    import platformdirs

    return platformdirs.user_config_path("peer") / "postal_codes.csv"


@lru_cache(maxsize=4)
def _load_cached(path: str, _mtime: int, _size: int) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
            need = ("postal_code", "latitude", "longitude")
            if not all(n in fields for n in need):
                raise PeerError(
                    f"postal code file '{path}' needs the columns postal_code,latitude,longitude "
                    f"(found: {', '.join(fields) or 'none'})"
                )
            for line, row in enumerate(reader, start=2):
                code = normalize_postal_code(row.get(fields["postal_code"]))
                try:
                    lat = float(row.get(fields["latitude"]) or "")
                    lon = float(row.get(fields["longitude"]) or "")
                except ValueError:
                    raise PeerError(
                        f"postal code file '{path}', line {line}: latitude and longitude must be "
                        "numbers"
                    ) from None
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise PeerError(
                        f"postal code file '{path}', line {line}: coordinates out of range"
                    )
                if code:
                    out[code] = (lat, lon)
    except OSError as exc:
        raise PeerError(f"cannot read postal code file '{path}': {exc.strerror}") from None
    except UnicodeDecodeError:
        raise PeerError(f"postal code file '{path}' is not UTF-8 text") from None
    return out


def load_postal_file(path: Path | None = None) -> dict[str, tuple[float, float]]:
    """Centroids from the user file (empty when there is none). Re-read when it changes."""
    path = path or user_postal_codes_path()
    try:
        st = path.stat()
    except OSError:
        return {}
    return _load_cached(str(path), st.st_mtime_ns, st.st_size)


def centroids(
    conn: sqlite3.Connection, codes: Iterable[str | None], *, user_file: Path | None = None
) -> dict[str, tuple[float, float]]:
    """Normalized postal code -> (lat, lon) for each code that can be placed."""
    wanted = {normalize_postal_code(c) for c in codes} - {""}
    if not wanted:
        return {}
    found: dict[str, tuple[float, float]] = {}
    from_file = load_postal_file(user_file)
    for code in wanted:
        if code in from_file:
            found[code] = from_file[code]
    rest = wanted - found.keys()
    if rest:
        # Group by the stored spelling, then merge spellings that normalize alike ("97401",
        # "97401-1234"). The LIKE prefix keeps the scan to rows that can possibly match.
        sums: dict[str, list[float]] = {}
        clauses = " OR ".join("postal_code LIKE ?" for _ in rest)
        sql = (
            "SELECT postal_code, sum(latitude), sum(longitude), count(*) FROM groups "
            f"WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND ({clauses}) "
            "GROUP BY postal_code"
        )
        params = [code[:3].replace("%", "").replace("_", "") + "%" for code in rest]
        for stored, lat, lon, n in conn.execute(sql, params):
            code = normalize_postal_code(stored)
            if code in rest:
                acc = sums.setdefault(code, [0.0, 0.0, 0])
                acc[0] += lat
                acc[1] += lon
                acc[2] += n
        for code, (lat, lon, n) in sums.items():
            found[code] = (lat / n, lon / n)
    return found
