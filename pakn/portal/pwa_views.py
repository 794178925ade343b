"""The portal as an app (R-6.2): the manifest, the service worker and the offline page."""

from __future__ import annotations

import json
import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from pakn.core import province


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/offline.html", {"nav": ""})


ICON_SIZES = (192, 512)


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": province.site_name(),
        "short_name": province.site_short_name(),
        "description": _("Gửi phản ánh, kiến nghị và theo dõi kết quả xử lý."),
        "lang": "vi",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#a3161b",
        "icons": [
            *(
                {"src": static(f"portal/icons/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"}
                for n in ICON_SIZES
            ),
            {
                "src": static("portal/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [
            {"name": _("Gửi phản ánh"), "url": reverse("portal:submit")},
            {"name": _("Tra cứu"), "url": reverse("portal:lookup")},
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/manifest+json; charset=utf-8",
    )


# The pages and files kept on the phone so the form opens and a report can be written without a connection.
SHELL_PAGES = ("portal:offline", "portal:submit")


SHELL_STATIC = (
    "portal/portal.css",
    "portal/portal.js",
    "portal/outbox.js",
    "portal/form.js",
    "portal/icons/icon-192.png",
    "vendor/htmx/htmx.min.js",
)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from / so that its scope is the whole portal."""
    shell = [reverse(name) for name in SHELL_PAGES] + [static(path) for path in SHELL_STATIC]
    body: str = render_to_string(
        "portal/sw.js", {"shell_json": json.dumps(shell), "outbox_url": static("portal/outbox.js")}
    )
    version = uuid.uuid5(uuid.NAMESPACE_URL, body).hex[:12]
    body = body.replace("__VERSION__", version)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
