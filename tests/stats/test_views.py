"""The staff pages of the statistics: each shows the hand-computed figures, links each to its list, and
refuses what the viewer may not see (R-10.1, R-10.3, R-12.1, R-14.4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.urls import reverse

from pakn.org.models import User
from pakn.stats.models import LateExplanation
from tests.conftest import at, make_user
from tests.stats.conftest import NOW

APRIL = {"period": "month", "year": "2026", "month": "4"}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(f"stats:{name}"), params)


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def test_the_dashboard_shows_the_figures_of_the_period(client, dataset, frozen):
    """R-10.1: received 10, handled 5 (60 % in time), open at the end 4, overdue now 2; median 23 h."""
    html = get(client, dataset.org.supervisor, "dashboard", **APRIL).content.decode()
    assert figure(html, "received") == "10"
    assert figure(html, "handled") == "5"
    assert figure(html, "on_time_rate") == "60,0 %"
    assert figure(html, "open") == "4"
    assert figure(html, "overdue_now") == "2"
    assert figure(html, "median") == "23,0 giờ"
    assert figure(html, "p90") == "78,6 giờ"
    # Every chart is an SVG with a title, and has its table.
    assert html.count('<svg class="s-chart"') == 8
    assert html.count('role="img" aria-labelledby=') == 8
    for key in (
        "per_day",
        "category",
        "channel",
        "area",
        "states",
        "steps",
        "satisfaction",
        "overdue",
        "handling",
    ):
        assert f'data-table="{key}"' in html
    assert 'id="s-map-cells"' in html and "[21.85, 106.76, 7]" in html


def test_the_dashboard_of_a_leader_is_his_subtree_only(client, dataset, frozen):
    """A commune's leader: C1 received 6 cases in April, resolved 3, all in time; 1 overdue now (R14)."""
    html = get(client, dataset.org.commune_leader, "dashboard", **APRIL).content.decode()
    assert figure(html, "received") == "6"
    assert figure(html, "handled") == "3"
    assert figure(html, "on_time_rate") == "100,0 %"
    assert figure(html, "overdue_now") == "1"
    assert dataset.c2.name not in html and dataset.r["R10"].tracking_code not in html


def test_the_periodic_report_compares_with_the_previous_period(client, dataset, frozen):
    response = get(client, dataset.org.supervisor, "periodic", **APRIL)
    assert response.status_code == 200
    html = response.content.decode()
    summary = html[
        html.index('data-table="summary"') : html.index("</table>", html.index('data-table="summary"'))
    ]
    rows = re.findall(r"<tr><th scope=\"row\"[^>]*>([^<]+)</th>(.*?)</tr>", summary, re.S)
    values = {
        name.strip(): re.findall(r"<td[^>]*>(?:<a [^>]*>)?([^<>]+?)(?:</a>)?</td>", cells)
        for name, cells in rows
    }
    assert values["Số phản ánh tiếp nhận trong kỳ"] == ["10", "3", "7", "233,3 %"]
    assert values["Số phản ánh đã xử lý (có kết quả) trong kỳ"] == ["5", "2", "3", "150,0 %"]
    assert values["trong đó: xử lý trễ hạn"] == ["2", "1", "1", "100,0 %"]
    assert values["Số phản ánh đang xử lý cuối kỳ"] == ["4", "1", "3", "300,0 %"]
    assert values["trong đó: đã quá hạn"] == ["1", "0", "1", "—"]


def test_each_figure_links_to_its_list(client, dataset, frozen):
    """The «late» figure of April links to R4 and R5; the list is paginated and exportable."""
    html = get(client, dataset.org.supervisor, "periodic", **APRIL).content.decode()
    links = re.findall(r'href="(/console/stats/danh-sach/\?[^"]+)"', html)
    late = next(
        link for link in links if "figure=late" in link and "month=4" in link and "agency" not in link
    )
    page = client.get(late.replace("&amp;", "&")).content.decode()
    found = set(re.findall(r"[2-9A-Z]{4}-[2-9A-Z]{4}", page))
    assert found == dataset.code("R4", "R5")


def test_the_list_links_each_report_to_its_console_page(client, dataset, frozen):
    html = get(client, dataset.org.supervisor, "reports", figure="rejected", **APRIL).content.decode()
    r7 = dataset.r["R7"]
    assert f'<a href="{reverse("console:case", args=[r7.pk])}">{r7.tracking_code}</a>' in html


def test_a_category_row_links_to_its_reports(client, dataset, frozen):
    response = get(
        client,
        dataset.org.supervisor,
        "reports",
        figure="received",
        category=dataset.org.category.pk,
        **APRIL,
    )
    found = set(re.findall(r"[2-9A-Z]{4}-[2-9A-Z]{4}", response.content.decode()))
    assert found == dataset.code("R1", "R3", "R4", "R6", "R8")


def test_the_print_page_has_the_state_document_layout(client, dataset, frozen):
    """Decree 30/2020: the national motto, the issuing body, the number, place and date, A4 and Times."""
    html = get(client, dataset.org.supervisor, "periodic_print", **APRIL).content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert "UBND TỈNH LẠNG SƠN" in html and "VĂN PHÒNG" in html
    assert "/BC-VP" in html and "Số:" in html
    assert "Lạng Sơn, ngày 15 tháng 5 năm 2026" in html
    assert "BÁO CÁO" in html and "tháng 4 năm 2026" in html
    assert "Nơi nhận:" in html and "CHÁNH VĂN PHÒNG" in html
    assert "/static/stats/print.css" in html
    css = Path(str(finders.find("stats/print.css"))).read_text(encoding="utf-8")
    assert "size: A4" in css and "Times New Roman" in css and "14pt" in css


def test_the_document_date_writes_january_and_small_days_with_a_zero(client, dataset):
    with time_machine.travel(at("2026-02-03 09:00"), tick=False):
        html = get(client, dataset.org.supervisor, "periodic_print", **APRIL).content.decode()
    assert "Lạng Sơn, ngày 03 tháng 02 năm 2026" in html


def test_the_late_page_lists_late_and_pending_steps(client, dataset, frozen):
    html = get(client, dataset.org.supervisor, "late", **APRIL).content.decode()
    for name in ("R4", "R5", "R9"):
        assert dataset.r[name].tracking_code in html
    # Late only against internal targets (R1's clarification, R6's department opinion): not listed.
    for name in ("R1", "R6"):
        assert dataset.r[name].tracking_code not in html
    assert "1,00" in html  # R4's verification: exactly one working day late
    assert "5,87" in html  # R9: 44 working hours at the end of April
    assert "Nhập giải trình" not in html  # the supervisor reads; leaders write


def test_a_leader_enters_an_explanation(client, dataset, frozen):
    """R-14.4: C1's leader explains R9's late verification; the page shows it after the redirect."""
    leader = dataset.org.commune_leader
    client.force_login(leader)
    url = reverse("stats:late") + "?period=month&year=2026&month=4"
    page = client.get(url).content.decode()
    assert page.count("Nhập giải trình") == 1  # R9's verification (R1's clarification had a target only)
    response = client.post(
        url,
        {
            "report": dataset.r["R9"].pk,
            "step": "handle",
            "due_at": at("2026-04-21 08:30").isoformat(),
            "text": "Chờ Công ty cấp nước phối hợp kiểm tra đường ống.",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Chờ Công ty cấp nước phối hợp kiểm tra đường ống." in page and "Đã lưu giải trình." in page
    assert LateExplanation.objects.get().author == leader


def test_a_bad_explanation_keeps_the_text_and_says_why(client, dataset, frozen):
    client.force_login(dataset.org.commune_leader)
    url = reverse("stats:late") + "?period=month&year=2026&month=4"
    response = client.post(
        url,
        {
            "report": dataset.r["R9"].pk,
            "step": "handle",
            "due_at": at("2026-04-21 08:30").isoformat(),
            "text": "chậm",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "ít nhất 10 ký tự" in html and ">chậm</textarea>" in html
    assert not LateExplanation.objects.exists()


def test_the_ranking_page_shows_the_score_and_its_figures(client, dataset, frozen, settings):
    settings.PAKN_RANK_WEIGHTS = {"on_time": 40, "resolution": 30, "satisfaction": 30, "overdue": 1}
    html = get(client, dataset.org.supervisor, "ranking", kind="commune", **APRIL).content.decode()
    table = html[html.index('data-table="ranking"') :]
    first = re.search(
        r"<tr><th scope=\"row\"[^>]*>1</th><td[^>]*>([^<]+)</td><td[^>]*>[^<]+</td><td class=\"s-num\">([^<]+)</td>",
        table,
    )
    assert first and first.group(1) == dataset.c1.name and first.group(2) == "79,00"
    assert "79,00" in html and "15,00" in html
    assert "40" in html and "điểm cho mỗi vụ việc quá hạn" in html


# --- Scope (R-14.2) ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["dashboard", "periodic", "late", "ranking", "periodic_print"])
def test_a_leader_cannot_ask_for_another_agency(client, dataset, frozen, page):
    response = get(client, dataset.org.commune_leader, page, agency=dataset.c2.pk, **APRIL)
    assert response.status_code == 403
    assert dataset.c2.name not in response.content.decode()


def test_a_leader_cannot_open_the_list_behind_another_agencys_figure(client, dataset, frozen):
    response = get(
        client, dataset.org.commune_leader, "reports", figure="late", agency=dataset.c2.pk, exact=1, **APRIL
    )
    assert response.status_code == 403


def test_a_leader_cannot_see_the_province(client, dataset, frozen):
    """Without an agency a leader gets his own scope, never the province's figures."""
    html = get(client, dataset.org.commune_leader, "periodic", **APRIL).content.decode()
    assert dataset.org.commune.name in html
    assert "Toàn tỉnh" not in html
    assert dataset.org.departments[1].name not in html


@pytest.mark.parametrize("role", [User.Role.OFFICER])
def test_officers_see_no_statistics(client, dataset, frozen, role):
    officer = make_user(dataset.c1, role)
    assert get(client, officer, "dashboard").status_code == 403


def test_the_supervisor_narrows_to_one_agency(client, dataset, frozen):
    html = get(client, dataset.org.supervisor, "dashboard", agency=dataset.c2.pk, **APRIL).content.decode()
    assert figure(html, "received") == "2" and figure(html, "handled") == "1"


def test_sign_in_is_required(client, dataset):
    response = client.get(reverse("stats:dashboard"))
    assert response.status_code == 302 and "/console/dang-nhap/" in response["Location"]


# --- Bad input ------------------------------------------------------------------------------------------------------


def test_a_bad_period_is_explained_beside_its_field(client, dataset, frozen):
    response = get(client, dataset.org.supervisor, "periodic", period="month", year="2026", month="13")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tháng phải từ 1 đến 12." in html and 'aria-invalid="true"' in html


def test_a_range_that_ends_before_it_starts(client, dataset, frozen):
    html = get(
        client,
        dataset.org.supervisor,
        "dashboard",
        period="range",
        **{"from": "2026-04-10", "to": "2026-04-01"},
    ).content.decode()
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in html
    assert 'value="2026-04-01"' in html  # what was typed stays in the field


def test_an_unknown_figure_or_format_is_not_found(client, dataset, frozen):
    assert get(client, dataset.org.supervisor, "reports", figure="everything").status_code == 404
    assert get(client, dataset.org.supervisor, "periodic", format="pdf").status_code == 404


def test_an_empty_period_says_so(client, dataset, frozen):
    html = get(
        client, dataset.org.supervisor, "periodic", period="month", year="2025", month="1"
    ).content.decode()
    assert "Không có số liệu trong kỳ." in html
    html = get(
        client, dataset.org.supervisor, "late", period="month", year="2025", month="1"
    ).content.decode()
    assert "Không có bước nào thực hiện trễ hạn trong kỳ." in html


def test_pages_follow_the_language_but_files_stay_vietnamese(client, dataset, frozen):
    """The UI is translated (English here); official files and the printed document stay in Vietnamese."""
    client.force_login(dataset.org.supervisor)
    client.cookies["django_language"] = (
        "en"  # chosen with the switch: the browser's language alone is not enough
    )
    html = client.get(reverse("stats:dashboard"), APRIL).content.decode()
    assert "Statistics overview" in html and "Received in the period" in html
    response = client.get(reverse("stats:periodic"), {**APRIL, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.content.decode("utf-8-sig").startswith("Chỉ tiêu,Kỳ này,Kỳ trước")
    printed = client.get(reverse("stats:periodic_print"), APRIL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Số phản ánh tiếp nhận trong kỳ" in printed and "tháng 4 năm 2026" in printed


def test_an_agencys_printed_report_is_issued_by_the_agency(client, dataset, frozen):
    html = get(client, dataset.org.commune_leader, "periodic_print", **APRIL).content.decode()
    assert dataset.c1.name.upper() in html and "/BC<" in html
    assert f"{dataset.c1.name} báo cáo kết quả" in html
    assert "Văn phòng UBND tỉnh báo cáo" not in html


def test_the_administrator_reads_explanations_in_the_admin(client, dataset, frozen):
    from pakn.stats.services import late_explanation_save

    late_explanation_save(
        actor=dataset.org.commune_leader,
        report=dataset.r["R9"],
        step="handle",
        due_at=at("2026-04-21 08:30"),
        agency=dataset.c1,
        text="Chờ đơn vị cấp nước phối hợp.",
        now=NOW,
    )
    admin = make_user(dataset.org.ioc, User.Role.ADMIN)
    client.force_login(admin)
    page = client.get("/admin/stats/lateexplanation/")
    assert page.status_code == 200 and dataset.r["R9"].tracking_code in page.content.decode()
