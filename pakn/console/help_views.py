"""The user guides of docs/guides/, one per role, shown inside the console (R-13.1)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from markdown_it import MarkdownIt

from pakn.console.access import staff_user
from pakn.org.models import User

GUIDES_DIR = Path(settings.BASE_DIR) / "docs" / "guides"
# Guide slug → (file stem, title)
GUIDES: dict[str, tuple[str, str]] = {
    "tiep-nhan": ("operator", "Cán bộ tiếp nhận (Trung tâm IOC)"),
    "lanh-dao": ("leader", "Lãnh đạo cơ quan"),
    "can-bo-xu-ly": ("officer", "Cán bộ xử lý"),
    "so-nganh": ("department", "Sở, ngành"),
    "giam-sat": ("supervisor", "Giám sát (Văn phòng UBND tỉnh)"),
    "quan-tri": ("admin", "Quản trị hệ thống"),
}
ROLE_GUIDE = {
    User.Role.OPERATOR: "tiep-nhan",
    User.Role.LEADER: "lanh-dao",
    User.Role.OFFICER: "can-bo-xu-ly",
    User.Role.SPECIALIST: "so-nganh",
    User.Role.SUPERVISOR: "giam-sat",
    User.Role.ADMIN: "quan-tri",
}
STEM_SLUG = {stem: slug for slug, (stem, _) in GUIDES.items()}
_IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.png$")


@lru_cache(maxsize=16)
def _render(path: Path, mtime: float) -> SafeString:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    html = md.render(path.read_text(encoding="utf-8"))
    # Links between guides (officer.md) become console links; images stay relative (img/…).
    html = re.sub(
        r'href="([a-z]+)\.md(#[^"]*)?"',
        lambda m: f'href="../{STEM_SLUG[m[1]]}/{m[2] or ""}"' if m[1] in STEM_SLUG else m[0],
        html,
    )
    return mark_safe(html)  # our own documentation, rendered without raw HTML


@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    """The help link of the console: the guide of the official's role."""
    user = staff_user(request)
    slug = {str(k): v for k, v in ROLE_GUIDE.items()}.get(user.role, "tiep-nhan")
    return redirect("console:guide", slug=slug)


@require_GET
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in GUIDES:
        raise Http404("Không có hướng dẫn này.")
    stem, title = GUIDES[slug]
    path = GUIDES_DIR / f"{stem}.md"
    if not path.is_file():
        raise Http404("Chưa có hướng dẫn này.")
    return render(
        request,
        "console/guide.html",
        {
            "nav": "help",
            "title": title,
            "body": _render(path, path.stat().st_mtime),
            "guides": [(s, t) for s, (_, t) in GUIDES.items()],
            "current": slug,
        },
    )


@require_GET
def guide_image(request: HttpRequest, slug: str, name: str) -> FileResponse:
    if slug not in GUIDES or not _IMAGE_NAME.match(name):
        raise Http404("Không có hình này.")
    path = GUIDES_DIR / "img" / name
    if not path.is_file():
        raise Http404("Không có hình này.")
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
