"""The OpenAPI document and the interactive docs, served without any CDN (DESIGN: no CDN at run time)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from tests.api.conftest import API


def test_the_openapi_document_declares_problems_idempotency_and_both_credentials(api):
    doc = api.get(f"{API}/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    schemes = doc["components"]["securitySchemes"]
    assert schemes["StaffToken"]["scheme"] == "bearer"
    assert schemes["ReporterSecret"] == {"type": "apiKey", "in": "header", "name": "X-Report-Secret"}
    submit = doc["paths"][f"{API}/reports"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in submit["parameters"])
    assert "multipart/form-data" in submit["requestBody"]["content"]
    assert set(submit["responses"]["422"]["content"]) == {"application/problem+json"}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)


def test_the_docs_page_loads_swagger_ui_from_our_static_files(api):
    response = api.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in sources
    assert "/static/api/docs.js" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    for name in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "api/docs.js"):
        assert finders.find(name), name


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_page_renders_every_operation_in_chromium_without_outside_requests(page, live_server):
    """Swagger UI really starts from the local files: operations are listed, nothing leaves the server."""
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}{API}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/staff/inbox" in p for p in paths) and any("/api/v1/reports" in p for p in paths)
    assert outside == []
