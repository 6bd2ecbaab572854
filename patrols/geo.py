"""Distances on the Earth's surface, for check-ins: how far from the site an officer pressed
"Arrived". Pure: plain floats in, whole metres out."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

# The mean radius of the Earth (IUGG), in metres. The haversine formula on a sphere is within
# 0.5 % of the ellipsoid's distance: a few metres at the distances a check-in is judged by.
EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """The great-circle distance between two points given in degrees, rounded to whole metres
    (the haversine formula, well conditioned for the short distances that matter here)."""
    phi1, phi2 = radians(lat1), radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = radians(lon2 - lon1) / 2
    h = sin(half_dphi) ** 2 + cos(phi1) * cos(phi2) * sin(half_dlambda) ** 2
    return round(2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(h))))
