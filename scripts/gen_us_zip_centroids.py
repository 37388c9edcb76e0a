"""Build src/peercli/data/us_zip_centroids.bin: the centroid of every US ZIP code, for distance
ranking offline (docs/matching.md "Distance").

Run by a developer when the data should be refreshed (not at install time):

    pip install "zipcodes>=3,<4"
    python scripts/gen_us_zip_centroids.py

Source: the `zipcodes` package (MIT licence), whose coordinates come from GeoNames
(https://www.geonames.org/, CC BY 4.0). The attribution is in docs/matching.md and in the
file's header.

Format (little-endian): a 64-byte ASCII header (b"PEERZIP1", the record count, the source),
then one 12-byte record per ZIP code sorted by code: uint32 ZIP (as a number), int32 latitude
x 1e4, int32 longitude x 1e4 (about 11 m). `importers/uszip.py` reads it with a binary search.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "peercli" / "data" / "us_zip_centroids.bin"
HEADER = 64


def main() -> int:
    try:
        import zipcodes  # type: ignore[import-not-found]
        from zipcodes import _zipcodes  # type: ignore[import-not-found]
    except ImportError:
        print("needs the zipcodes package: pip install 'zipcodes>=3,<4'", file=sys.stderr)
        return 1
    records: dict[int, tuple[int, int]] = {}
    for z in _zipcodes.list_all():
        code, lat, lon = z.get("zip_code"), z.get("lat"), z.get("long")
        if not (code and code.isdigit() and len(code) == 5 and lat and lon):
            continue
        la, lo = round(float(lat) * 10_000), round(float(lon) * 10_000)
        if (la, lo) == (0, 0) or not (-900_000 <= la <= 900_000 and -1_800_000 <= lo <= 1_800_000):
            continue
        records[int(code)] = (la, lo)
    header = (f"PEERZIP1 {len(records)} zipcodes {zipcodes.__version__} GeoNames CC-BY-4.0"
              .encode("ascii").ljust(HEADER, b" "))
    body = b"".join(struct.pack("<Iii", code, *records[code]) for code in sorted(records))
    OUT.write_bytes(header + body)
    print(f"{OUT}: {len(records)} ZIP codes, {HEADER + len(body)} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
