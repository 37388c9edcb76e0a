"""Distances without a network: haversine kilometres and postal-code centroids.

A place is known when it has coordinates. A consumer (and a group listed without coordinates)
is placed at the centroid of its postal code (see `store.places`).

Postal codes are compared normalized: upper case, spaces removed, a US ZIP+4 cut to 5 digits.
"""

from __future__ import annotations

import math
import re

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
