"""US ZIP code centroids, offline: the package data file ``data/us_zip_centroids.bin`` (built by
``scripts/gen_us_zip_centroids.py`` from the ``zipcodes`` package; coordinates from GeoNames,
CC BY 4.0 — see docs/matching.md) read with a binary search over its fixed-size records.

Opening costs one read of ~0.5 MB (about a millisecond) the first time a distance needs a ZIP
code nobody else placed; each lookup is a bisection, no parsing. Imported lazily (only
``store.places`` asks). The user's own postal-code file, and coordinates of groups with the same
code, come first (``store.places.centroids``).
"""

from __future__ import annotations

import re
import struct

HEADER = 64
RECORD = struct.Struct("<Iii")
MAGIC = b"PEERZIP1"
_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")
_DATA: list[bytes] = []


def _data() -> bytes:
    if not _DATA:
        from importlib.resources import files

        try:
            blob = files("peercli").joinpath("data", "us_zip_centroids.bin").read_bytes()
        except OSError:
            blob = b""
        if not blob.startswith(MAGIC) or (len(blob) - HEADER) % RECORD.size:
            blob = b""  # missing or damaged: no US fallback, distances from other sources only
        _DATA.append(blob)
    return _DATA[0]


def us_zip_centroid(code: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a US ZIP code ("97401", "97401-1234", "974011234"), or None
    when it is not a US ZIP code the data knows."""
    m = _ZIP.match((code or "").strip())
    if not m:
        return None
    wanted = int(m.group(1))
    blob = _data()
    lo, hi = 0, (len(blob) - HEADER) // RECORD.size
    while lo < hi:
        mid = (lo + hi) // 2
        code_at = RECORD.unpack_from(blob, HEADER + mid * RECORD.size)[0]
        if code_at < wanted:
            lo = mid + 1
        else:
            hi = mid
    if lo * RECORD.size + HEADER >= len(blob):
        return None
    found, lat, lon = RECORD.unpack_from(blob, HEADER + lo * RECORD.size)
    if found != wanted:
        return None
    return lat / 10_000, lon / 10_000


def record_count() -> int:
    return (len(_data()) - HEADER) // RECORD.size if _data() else 0
