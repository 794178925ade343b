"""Draws the portal's app icons (PWA manifest, home screen, favicon) with Pillow.

Run `python -m pakn.portal.icons` after changing the drawing; the PNGs it writes under
pakn/portal/static/portal/icons/ are committed, so a deployment needs nothing but the static files.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

RED = (163, 22, 27)
YELLOW = (255, 210, 31)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent / "static" / "portal" / "icons"
SCALE = 4  # drawn larger, then reduced, for smooth edges


def draw(size: int, *, maskable: bool = False, rounded: bool = True) -> Image.Image:
    """A white speech bubble with three lines of text and a yellow star, on red."""
    s = size * SCALE
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable or not rounded:
        d.rectangle((0, 0, s, s), fill=RED)
    else:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=s // 5, fill=RED)
    # Maskable icons keep their drawing inside the central 80% safe zone.
    pad = s * (0.22 if maskable else 0.16)
    left, top, right = pad, pad * 1.05, s - pad
    bottom = s - pad * 1.45
    d.rounded_rectangle((left, top, right, bottom), radius=(bottom - top) / 5, fill=WHITE)
    tail_x = left + (right - left) * 0.28
    d.polygon(
        [
            (tail_x, bottom - 2),
            (tail_x + (right - left) * 0.2, bottom - 2),
            (tail_x - (right - left) * 0.04, s - pad * 0.75),
        ],
        fill=WHITE,
    )
    line_h = (bottom - top) / 9
    for i, width in enumerate((0.62, 0.74, 0.48)):
        y = top + line_h * (2 + i * 2.2)
        d.rounded_rectangle(
            (left + (right - left) * 0.14, y, left + (right - left) * (0.14 + width * 0.72), y + line_h),
            radius=line_h / 2,
            fill=RED,
        )
    # A small yellow star at the bubble's upper right.
    import math

    cx, cy, r = right - (right - left) * 0.17, top + (bottom - top) * 0.3, (right - left) * 0.12
    points = []
    for k in range(10):
        angle = -math.pi / 2 + k * math.pi / 5
        radius = r if k % 2 == 0 else r * 0.42
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    d.polygon(points, fill=YELLOW, outline=RED)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, maskable=True).save(OUT / "maskable-512.png", optimize=True)
    draw(180, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    draw(32).save(OUT / "favicon-32.png", optimize=True)


if __name__ == "__main__":
    main()
