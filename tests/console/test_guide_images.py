"""The pictures of the user guides (docs/guides/img/, refreshed by `make screenshots`, issue 14): every picture
a guide shows exists, every picture in the folder is shown by some guide, and the folder stays small."""

from __future__ import annotations

import re

from pakn.console.help_views import _IMAGE_NAME, GUIDES_DIR

IMAGE_REF = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def referenced() -> dict[str, list[str]]:
    """Picture path (relative to docs/guides/) → the guides that show it."""
    refs: dict[str, list[str]] = {}
    for guide in sorted(GUIDES_DIR.glob("*.md")):
        for target in IMAGE_REF.findall(guide.read_text(encoding="utf-8")):
            refs.setdefault(target, []).append(guide.name)
    return refs


def test_every_picture_a_guide_shows_exists_and_the_console_can_serve_it():
    refs = referenced()
    assert len(refs) >= 20
    missing = {t: g for t, g in refs.items() if not (GUIDES_DIR / t).is_file()}
    assert not missing, f"pictures referenced but absent: {missing}"
    # The console serves img/<name>.png only (help_views.guide_image); anything else would be a broken image.
    unservable = [t for t in refs if not (t.startswith("img/") and _IMAGE_NAME.match(t.removeprefix("img/")))]
    assert not unservable, unservable


def test_no_picture_in_the_folder_is_left_unused():
    files = {f"img/{p.name}" for p in (GUIDES_DIR / "img").iterdir() if p.is_file()}
    orphans = sorted(files - set(referenced()))
    assert not orphans, f"pictures no guide shows (remove them): {orphans}"


def test_the_pictures_stay_small():
    sizes = {p.name: p.stat().st_size for p in (GUIDES_DIR / "img").glob("*.png")}
    assert sum(sizes.values()) < 4_000_000, f"{sum(sizes.values()) / 1e6:.1f} MB"
    assert max(sizes.values()) < 250_000, max(sizes, key=lambda n: sizes[n])
