"""Where a person or a group is, when only a postal code is known.

A consumer (and a group listed without coordinates) is placed at the centroid of its postal
code, found, in this order:

1. the user file ``<user config dir>/peer/postal_codes.csv`` (columns ``postal_code,latitude,
   longitude``), when it exists and lists the code — it wins;
2. the mean coordinates of the groups in the database that share the postal code (SQL);
3. for any other US ZIP code (5 digits, or ZIP+4), the centroids shipped with peer
   (``importers/uszip.py``: every US ZIP code, offline; read only when a distance needs it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from peercli.core.geo import normalize_postal_code
from peercli.importers.userfiles import load_postal_file


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
        # "97401-1234"). The LIKE prefix keeps the search to rows that can possibly match
        # (a range of the groups_postal_code index).
        sums: dict[str, list[float]] = {}
        clauses = " OR ".join("postal_code LIKE ?" for _ in rest)
        sql = (
            "SELECT postal_code, sum(latitude), sum(longitude), count(*) FROM groups "
            f"WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND ({clauses}) "
            "GROUP BY postal_code"
        )
        params = [_prefix(code).replace("%", "").replace("_", "") + "%" for code in rest]
        for stored, lat, lon, n in conn.execute(sql, params):
            code = normalize_postal_code(stored)
            if code in rest:
                acc = sums.setdefault(code, [0.0, 0.0, 0])
                acc[0] += lat
                acc[1] += lon
                acc[2] += n
        for code, (lat, lon, n) in sums.items():
            found[code] = (lat / n, lon / n)
    rest = wanted - found.keys()
    if rest:
        # any other US ZIP code: the shipped centroids (importers/uszip.py), loaded only now
        from peercli.importers.uszip import us_zip_centroid

        for code in rest:
            place = us_zip_centroid(code)
            if place is not None:
                found[code] = place
    return found


def _prefix(code: str) -> str:
    """What every stored spelling of a normalized code starts with: a five-digit code (a US
    ZIP, most of Europe) itself ("97401" of "97401-1234"); others their first three characters
    (before any space others write inside: "K1A" of "K1A 0B1", "110" of "110 001")."""
    return code if len(code) == 5 and code.isdigit() else code[:3]


def unplaced_postal_code(conn: sqlite3.Connection, code: str | None, *,
                         user_file: Path | None = None) -> str | None:
    """Why distance cannot use ``code`` (a person's postal code), or None when it can be placed
    (or is empty). The code is kept either way: a code from elsewhere is not refused."""
    if not normalize_postal_code(code):
        return None
    if centroids(conn, [code], user_file=user_file):
        return None
    from peercli.importers.userfiles import user_postal_codes_path

    path = user_file or user_postal_codes_path()
    return ("distance to groups cannot use this postal code (kept as written): peer places a "
            "US ZIP code, 5 digits (97401) or ZIP+4 (97401-1234), a code that groups with "
            f"coordinates share, or a code listed in {path} (postal_code,latitude,longitude)")
