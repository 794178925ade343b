"""The one public search (issue 12, R-9.2): the portal, the REST API and Open311 find the same reports by
words of their public text in any case, with or without diacritics; never by text that is not public
(a phone number typed into the content, an unapproved result, a state secret; R-3.2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from pakn.reports import services
from pakn.reports.models import Report
from pakn.reports.public import public_queryset
from pakn.reports.search import normalise, public_search
from tests.conftest import at

pytestmark = pytest.mark.django_db

ROAD = "Đường Trần Đăng Ninh có ổ gà lớn, gọi 0912 345 678 để biết thêm."
RUBBISH = "Rác thải tồn đọng ở chợ Kỳ Lừa nhiều ngày."


@pytest.fixture
def found(org: Any, submit: Any) -> Any:
    """The tracking codes each surface finds for a query (portal, REST API, Open311)."""
    client = Client()

    def search(text: str) -> dict[str, list[str]]:
        portal = client.get(reverse("portal:list"), {"q": text}).content.decode()
        api = client.get("/api/v1/reports", {"q": text}).json()["items"]
        span = {"start_date": "2026-02-20T00:00:00+07:00", "end_date": "2026-03-20T00:00:00+07:00"}
        open311 = client.get("/open311/v2/requests.json", {"q": text, **span})
        assert open311.status_code == 200, open311.content
        codes = list(Report.objects.values_list("tracking_code", flat=True))
        return {
            "portal": sorted(c for c in codes if c in portal),
            "api": sorted(r["tracking_code"] for r in api),
            "open311": sorted(r["service_request_id"] for r in open311.json()),
        }

    return search


@pytest.fixture
def published(org: Any, submit: Any) -> Any:
    """A report whose text the IOC has published by forwarding it (its text is public from then on)."""

    def publish(minute: int, **fields: Any) -> Report:
        report: Report = submit(now=at(f"2026-03-02 08:{minute:02d}"), **fields).report
        services.report_forward(report=report, actor=org.operator, now=at(f"2026-03-02 08:{minute + 1:02d}"))
        return report

    return publish


def _everywhere(codes: list[str]) -> dict[str, list[str]]:
    return {"portal": sorted(codes), "api": sorted(codes), "open311": sorted(codes)}


def test_the_normal_form_has_no_case_and_no_diacritics():
    assert normalise("ĐƯỜNG  Trần\tĐăng Ninh") == "duong tran dang ninh"
    assert normalise("Kỳ Lừa, Ổ GÀ") == "ky lua, o ga"


def test_every_surface_finds_a_word_with_or_without_diacritics_in_any_case(published, found):
    road = published(0, content=ROAD)
    published(5, content=RUBBISH, address_text="Chợ Kỳ Lừa")
    for query in ("duong", "DUONG", "Đường", "đường", "ĐƯỜNG", "o ga", "tran dang ninh"):
        assert found(query) == _everywhere([road.tracking_code]), query


def test_all_words_must_match_and_a_tracking_code_finds_its_report(published, found):
    road = published(0, content=ROAD)
    rubbish = published(5, content=RUBBISH, address_text="Chợ Kỳ Lừa")
    assert found("duong cho") == _everywhere([])
    assert found("ga") == _everywhere([road.tracking_code])  # the start of a word: «gà», not «ngày»
    assert found("cho ky lua") == _everywhere([rubbish.tracking_code])
    assert found(road.tracking_code.lower().replace("-", "")) == _everywhere([road.tracking_code])


def test_a_number_typed_into_the_content_is_not_searchable(published, found):
    """The content holds a phone number; the public text masks it, and so does the search (R-3.2)."""
    published(0, content=ROAD)
    for query in ("0912 345 678", "0912345678", "345 678"):
        assert found(query) == _everywhere([]), query
    # The reporter's own fields (name, address, phone) are never public text either.
    assert found("Nguyen Van An") == _everywhere([])
    assert found("Le Loi") == _everywhere([])


def test_the_text_is_searchable_once_the_ioc_has_published_it(org, submit, found):
    """Before triage only the place is public text (pre-triage privacy, R-3.2); forwarding publishes the
    masked copy of the content."""
    report = submit(now=at("2026-03-02 08:00"), content=ROAD, address_text="Ngã tư Bến Bắc").report
    assert found("o ga") == _everywhere([])
    assert found("ben bac") == _everywhere([report.tracking_code])
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:30"))
    assert found("o ga") == _everywhere([report.tracking_code])


def test_a_result_is_searchable_once_approved_and_a_state_secret_never(org, published):
    report = published(0, content=ROAD)
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 09:00")
    )
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã vá xong mặt đường.", now=at("2026-03-02 10:00")
    )
    assert not public_search(public_queryset(), "va xong").exists()  # awaiting approval: internal
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-02 11:00"))
    assert list(public_search(public_queryset(), "VÁ XONG")) == [report]
    services.report_mark(report=report, actor=org.operator, mark="state_secret", value=True, note="Mật")
    assert not public_search(public_queryset(), "va xong").exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_postgresql_answers_the_search_from_the_trigram_index(published):
    published(0, content=ROAD)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'report_search_trgm'")
        (definition,) = cursor.fetchone()
        assert "gin" in definition and "gin_trgm_ops" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = public_search(Report.objects.all(), "duong").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "report_search_trgm" in plan
