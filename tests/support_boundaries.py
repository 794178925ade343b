"""A small boundary file the tests make: two neighbouring wards of the 2025 data as squares."""

from __future__ import annotations

import io
import json
from fractions import Fraction

# Phường Đông Kinh (5977) holds the fixtures' usual point (21.8537, 106.7615); Phường Lương Văn Tri (5983) is
# the square just north of it.
DONG_KINH = (21.845, 21.860, 106.750, 106.770)
LUONG_VAN_TRI = (21.860, 21.875, 106.750, 106.770)
IN_DONG_KINH = (21.8537, 106.7615)
IN_LUONG_VAN_TRI = (21.8680, 106.7600)
OUTSIDE = (22.3000, 106.3000)


def square(bounds: tuple[float, float, float, float]) -> dict:
    s, n, w, e = bounds
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def boundary_file(**extra_features: dict) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"ma_xa": "5977", "ten_xa": "Phường Đông Kinh"},
            "geometry": square(DONG_KINH),
        },
        {
            "type": "Feature",
            "properties": {"name": "phường lương văn tri"},
            "geometry": square(LUONG_VAN_TRI),
        },
        *extra_features.values(),
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = Fraction(round(((value - degrees) * 60 - minutes) * 60 * 1000), 1000)
    return Fraction(degrees), Fraction(minutes), seconds


def jpeg_with_gps(latitude: float, longitude: float) -> bytes:
    """A small JPEG whose EXIF says where it was taken (as a phone's camera writes it)."""
    from PIL import Image, TiffImagePlugin

    image = Image.new("RGB", (96, 64), (180, 60, 40))
    exif = Image.Exif()
    rational = TiffImagePlugin.IFDRational
    exif[0x8825] = {
        1: "N",
        2: tuple(rational(x.numerator, x.denominator) for x in _dms(latitude)),
        3: "E",
        4: tuple(rational(x.numerator, x.denominator) for x in _dms(longitude)),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()
