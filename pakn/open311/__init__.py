"""Open311 GeoReport v2 (issue 5)."""
