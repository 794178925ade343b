"""The portal as an app (R-6.2: manifest, icons, service worker at /, offline page) and in two languages."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image


def test_the_manifest_makes_the_portal_installable(client, db):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["start_url"].startswith("/") and data["scope"] == "/" and data["display"] == "standalone"
    assert data["name"] == "Cổng phản ánh, kiến nghị tỉnh Lạng Sơn" and data["lang"] == "vi"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as img:
            assert f"{img.width}x{img.height}" == icon["sizes"] and img.format == "PNG"


def test_every_page_links_the_manifest_and_the_icons(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "portal/icons/apple-touch-icon.png" in html and 'name="theme-color"' in html


def test_the_service_worker_is_served_from_the_root_so_its_scope_is_the_whole_site(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for url in ("/offline/", "/gui-phan-anh/", "/static/portal/portal.css", "/static/portal/outbox.js"):
        assert f'"{url}"' in body
    assert 'importScripts("/static/portal/outbox.js")' in body
    assert '"/theo-doi/"' in body  # private pages are listed as never cached
    assert "__VERSION__" not in body and "pakn-shell-" in body


def test_the_service_worker_version_changes_when_the_shell_changes(client, db, settings):
    first = client.get("/sw.js").content
    settings.STATIC_URL = "/assets/"
    second = client.get("/sw.js").content
    assert first != second


def test_the_offline_page(client, db):
    response = client.get(reverse("portal:offline"))
    assert response.status_code == 200
    assert "Không có kết nối mạng" in response.content.decode()


def test_the_privacy_notice_page(client, db):
    html = client.get(reverse("portal:privacy")).content.decode()
    assert "Luật Bảo vệ dữ liệu cá nhân" in html and "01/01/2026" in html
    assert "Ủy ban nhân dân tỉnh Lạng Sơn" in html


def test_vietnamese_is_the_default_language(client, db):
    response = client.get("/")
    assert '<html lang="vi">' in response.content.decode()
    assert "Gửi phản ánh" in response.content.decode()


def test_the_language_switch_posts_to_django_and_the_portal_speaks_english(client, org):
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html and 'name="language" value="en"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/gui-phan-anh/"})
    assert response.status_code == 302 and response["Location"] == "/gui-phan-anh/"
    html = client.get("/gui-phan-anh/").content.decode()
    assert '<html lang="en">' in html
    assert "Send a report" in html and "Personal data notice" in html
    assert 'name="language" value="vi"' in html
    # Field errors too, including the core's messages.
    response = client.post("/gui-phan-anh/", {"reporter_phone": "123"})
    errors = response.context["form"].errors
    assert errors["content"] == ["Please write what you are reporting."]
    assert errors["reporter_phone"] == ["The phone number is not valid. Example: 0912 345 678."]
    # The status labels of the core come out in English as well.
    assert "Awaiting acceptance" in client.get(reverse("portal:list"), {"trang_thai": ""}).content.decode()


def portal_msgids() -> set[tuple[str | None, str]]:
    """The literal msgids of the portal's templates ({% translate %}) and Python (gettext and friends)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "pakn" / "portal"
    found: set[tuple[str | None, str]] = set()
    for path in root.rglob("*.html"):
        found |= {(None, m) for m in re.findall(r'{% translate "([^"]+)"', path.read_text())}
    for path in root.rglob("*.py"):
        text = path.read_text()
        found |= {
            (None, m) for m in re.findall(r'\b(?:_|gettext_noop|gettext_lazy)\(\s*"([^"]+)"\s*\)', text)
        }
        found |= set(re.findall(r'pgettext_lazy\("([^"]+)", "([^"]+)"\)', text))
    return found


def test_the_english_catalogue_translates_every_portal_message():
    """Every msgid of the portal has an English translation, under its context, neither empty nor fuzzy."""
    from babel.messages.pofile import read_po

    from tests.portal.conftest import LOCALE_DIR

    with open(LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po", "rb") as f:
        catalog = read_po(f)
    wanted = portal_msgids()
    assert len(wanted) > 200 and ("timeline", "Gửi phản ánh") in wanted
    problems = []
    for context, msgid in sorted(wanted, key=str):
        message = catalog.get(msgid, context=context)
        if message is None or not message.string or message.fuzzy:
            problems.append((context, msgid))
    assert problems == []
    # The button and the timeline entry are different words in English.
    assert catalog.get("Gửi phản ánh").string == "Send a report"
    assert catalog.get("Gửi phản ánh", context="timeline").string == "Report sent"


def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen(client, db):
    """Many citizens' phones are set to English: the portal stays Vietnamese unless the switch is used."""
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html and "Gửi phản ánh" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="en">' in html and "Send a report" in html
