"""The whole procedure in Chromium, as the people do it (R-7, R-7.5, R-7.6, R-8.3, R-3.1): a citizen submits on
the portal, the IOC forwards, the commune (and on the 2022 data the district) escalates, the IOC asks two
departments, each answers in the console, the IOC publishes, the citizen sees the result and rates it.
Also the field: an officer on a phone reports a result with a photo, and one written offline is sent once
when the connection returns.

The pictures of the user guides come from `make screenshots` (scripts/screenshots.py), not from these tests.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image

from pakn.console.models import ClientSubmission
from pakn.org.models import User
from pakn.reports.models import Attachment, Event, Report, State
from tests.conftest import PASSWORD, PHONE, VALID, Org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


NAMES = {
    "operator": ("Nguyễn Thị Lan", "ioc", User.Role.OPERATOR),
    "ioc_leader": ("Hoàng Minh Đức", "ioc", User.Role.LEADER),
    "supervisor": ("Vi Văn Thành", "supervisor_agency", User.Role.SUPERVISOR),
    "commune_leader": ("Lương Văn Hùng", "commune", User.Role.LEADER),
    "officer": ("Lộc Thị Hằng", "commune", User.Role.OFFICER),
}


def name_people(org: Org) -> None:
    """Officials with real-looking names, so the guides' pictures read naturally."""
    for key, (name, agency, role) in NAMES.items():
        org.people.setdefault(key, make_user(getattr(org, agency), role, name=name))
    if org.district is not None:
        org.people.setdefault(
            "district_leader", make_user(org.district, User.Role.LEADER, name="Nông Văn Phúc")
        )
    for i, name in enumerate(("Đinh Thị Mai", "Triệu Văn Sơn")):
        org.people.setdefault(
            f"specialist{i}", make_user(org.departments[i], User.Role.SPECIALIST, name=name)
        )


@pytest.fixture(autouse=True)
def _named(request: Any) -> None:
    for fixture in ("org", "org2022"):
        if fixture in request.fixturenames:
            name_people(request.getfixturevalue(fixture))


def no_tiles(page: Any) -> None:
    """Map tiles come from a tile server the test machine cannot reach: answer nothing, quickly."""
    page.route(re.compile(r"https?://[^/]*tile[^/]*/.*"), lambda route: route.abort())


def staff(browser: Any, live_server: Any, user: User, *, phone: bool = False) -> Any:
    """A new browser (context) where this official signed in through the login form."""
    options: dict[str, Any] = {
        "base_url": live_server.url,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
    }
    if phone:
        options.update(viewport=PHONE, is_mobile=True, has_touch=True)
    else:
        options.update(viewport={"width": 1280, "height": 860})
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(15_000)
    no_tiles(page)
    page.goto("/console/dang-nhap/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/console/$"))
    return page


def open_case(page: Any, code: str) -> None:
    page.goto("/console/")
    page.fill("#q", code)
    page.click(".c-search button[type=submit]")
    page.wait_for_url(re.compile(r"/console/phan-anh/\d+/$"))


def open_panel(page: Any, action: str) -> Any:
    panel = page.locator(f"#action-{action}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


def take(
    page: Any, action: str, fields: dict[str, str] | None = None, *, checks: tuple[str, ...] = ()
) -> None:
    """Open an action's panel, fill its form and send it; wait for the confirmation."""
    panel = open_panel(page, action)
    for name, value in (fields or {}).items():
        page.fill(f"#id_{action}-{name}", value)
    for selector in checks:
        page.check(selector)
    panel.locator("button[type=submit]").click()
    try:
        page.wait_for_selector(".c-msg--success")
    except Exception:
        print("DEBUG", page.url, page.inner_text("main")[:1500])
        raise


def citizen_submits(phone_page: Any, org: Org) -> tuple[str, str]:
    """On the portal, from a phone: returns the tracking code and the private follow-up path."""
    no_tiles(phone_page)
    phone_page.goto("/gui-phan-anh/")
    phone_page.select_option("#id_category", str(org.category.pk))
    phone_page.fill("#id_content", "Bãi rác tự phát ven suối, bốc mùi, ảnh hưởng nhiều hộ dân.")
    phone_page.fill("#id_address_text", "Ven suối cạnh cầu Đông Kinh")
    phone_page.select_option("#id_area", str(org.commune_area.pk))
    phone_page.fill("#id_reporter_name", VALID["reporter_name"])
    phone_page.fill("#id_reporter_phone", VALID["reporter_phone"])
    phone_page.fill("#id_reporter_id_number", VALID["reporter_id_number"])
    phone_page.fill("#id_reporter_address", VALID["reporter_address"])
    phone_page.check("#id_declared_truthful")
    phone_page.click("#submit-button")
    phone_page.wait_for_url(re.compile(r"/gui-phan-anh/da-gui/"))
    code = phone_page.inner_text("#tracking-code").strip()
    follow = phone_page.get_attribute("#follow-up-link", "href")
    assert follow and "/theo-doi/" in follow
    return code, follow


def province_asks_two_departments_and_publishes(browser: Any, live_server: Any, org: Org, code: str) -> None:
    operator = staff(browser, live_server, org.operator)
    open_case(operator, code)
    panel = open_panel(operator, "request_opinions")
    for dept in org.departments[:2]:
        operator.check(f"#action-request_opinions input[value='{dept.pk}']")
    operator.fill("#id_request_opinions-question", "Đề nghị sở cho ý kiến về phương án xử lý bãi rác.")
    panel.locator("button[type=submit]").click()
    operator.wait_for_selector(".c-msg--success")

    for i in (0, 1):
        dept = staff(browser, live_server, org.specialist(i))
        assert code in dept.inner_text("table.c-rows")  # waiting in the department's "mine" tab
        dept.click(f"text={code}")
        assert "Xem thông tin người phản ánh" not in dept.content()  # departments never see the reporter
        open_panel(dept, "give_opinion")
        dept.fill("#id_give_opinion-answer", f"Sở thống nhất phương án, giao đơn vị thực hiện ({i}).")
        dept.locator("#action-give_opinion button[type=submit]").click()
        dept.wait_for_selector(".c-msg--success")
        dept.context.close()

    operator.reload()
    assert "Sở thống nhất phương án, giao đơn vị thực hiện (0)." in operator.inner_text("#h-opinions + *")
    take(
        operator,
        "publish_result",
        {"result_text": "Các sở đã thống nhất; bãi rác được thu dọn, lắp biển cấm đổ rác."},
    )
    assert "Đã xử lý" in operator.inner_text(".c-case-head")
    operator.context.close()


def citizen_sees_and_rates(phone_page: Any, code: str, follow: str) -> None:
    phone_page.goto(f"/phan-anh/{code}/")
    assert "lắp biển cấm đổ rác" in phone_page.content()
    assert VALID["reporter_name"] not in phone_page.content()
    phone_page.goto(follow)
    phone_page.check("#danh-gia input[value=satisfied]")
    phone_page.click("#danh-gia button[type=submit]")
    phone_page.wait_for_selector("text=Cảm ơn bạn đã đánh giá")


def test_the_whole_journey_on_the_2022_data(browser, live_server, phone_page, org2022):
    """R-7.6 (2022): commune → district → province, the departments' opinions, the result, the rating."""
    org = org2022
    code, follow = citizen_submits(phone_page, org)

    operator = staff(browser, live_server, org.operator)
    assert code in operator.inner_text("table.c-rows")
    open_case(operator, code)
    panel = open_panel(operator, "forward")
    # The commune is suggested from the place (R-7.2a).
    assert operator.input_value("#id_forward-agency") == str(org.commune.pk)
    assert f"Gợi ý theo địa điểm: {org.commune.name}" in panel.inner_text()
    panel.locator("button[type=submit]").click()
    operator.wait_for_selector(".c-msg--success")
    operator.context.close()

    commune = staff(browser, live_server, org.commune_leader)
    assert code in commune.inner_text("table.c-rows")
    commune.click(f"text={code}")
    open_panel(commune, "escalate")
    commune.fill("#id_escalate-note", "Bãi rác ven suối liên quan nhiều xã, vượt thẩm quyền của xã.")
    commune.locator("#action-escalate button[type=submit]").click()
    commune.wait_for_selector(".c-msg--success")
    commune.context.close()

    district = staff(browser, live_server, org.district_leader)
    open_case(district, code)
    take(district, "escalate", {"note": "Cần các sở phối hợp xử lý."}, checks=("#id_escalate-is_complex",))
    district.context.close()

    report = Report.objects.get(tracking_code=code)
    assert report.state == State.COORDINATING and report.agency == org.ioc and report.is_complex

    province_asks_two_departments_and_publishes(browser, live_server, org, code)
    citizen_sees_and_rates(phone_page, code, follow)

    report.refresh_from_db()
    assert report.state == State.RESOLVED and report.rating == "satisfied"
    assert list(report.events.order_by("seq").values_list("action", flat=True)) == [
        "submit",
        "forward",
        "escalate",
        "escalate",
        "request_opinions",
        "give_opinion",
        "give_opinion",
        "publish_result",
        "rate",
    ]
    agencies = list(
        report.events.filter(action="escalate").order_by("seq").values_list("target_agency", flat=True)
    )
    assert agencies == [org.district.pk, org.ioc.pk]


def test_the_whole_journey_on_the_2025_data(browser, live_server, phone_page, org):
    """R-7.6 (2025): the commune escalates straight to the province."""
    code, follow = citizen_submits(phone_page, org)
    operator = staff(browser, live_server, org.operator)
    open_case(operator, code)
    take(operator, "forward")
    operator.context.close()

    commune = staff(browser, live_server, org.commune_leader)
    open_case(commune, code)
    take(commune, "escalate", {"note": "Vượt thẩm quyền của phường."})
    assert "escalate-is_complex" not in commune.content()  # only a district has the complex mark
    commune.context.close()
    report = Report.objects.get(tracking_code=code)
    assert report.state == State.COORDINATING and report.agency == org.ioc

    province_asks_two_departments_and_publishes(browser, live_server, org, code)
    citizen_sees_and_rates(phone_page, code, follow)
    report.refresh_from_db()
    assert report.state == State.RESOLVED and report.rating == "satisfied"
    assert [a for a in report.events.order_by("seq").values_list("action", flat=True)] == [
        "submit",
        "forward",
        "escalate",
        "request_opinions",
        "give_opinion",
        "give_opinion",
        "publish_result",
        "rate",
    ]


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 110, 60)).save(out, format="JPEG")
    return out.getvalue()


def routed_report(org: Org) -> Report:
    from pakn.reports import services
    from tests.conftest import VALID as fields

    report = services.report_submit(**{**fields, "category": org.category, "area": org.commune_area}).report
    services.report_forward(report=report, actor=org.operator)
    return report


def test_assign_then_the_officer_reports_from_a_phone_with_a_photo_then_approval(browser, live_server, org):
    """R-7.3a in the field: the leader assigns, the officer reports with a photo from the phone's camera."""
    report = routed_report(org)
    officer_user = org.officer
    leader = staff(browser, live_server, org.commune_leader)
    open_case(leader, report.tracking_code)
    open_panel(leader, "assign")
    leader.select_option("#id_assign-officer", str(officer_user.pk))
    leader.locator("#action-assign button[type=submit]").click()
    leader.wait_for_selector(".c-msg--success")

    officer = staff(browser, live_server, org.officer, phone=True)
    assert report.tracking_code in officer.inner_text("main")
    officer.click(f"text={report.tracking_code}")
    file_input = officer.locator("#id_report_result-photos")
    assert file_input.get_attribute("capture") == "environment"  # the phone opens its camera
    open_panel(officer, "report_result")  # staff media actions sit beside it now
    officer.fill("#id_report_result-result_text", "Đã thu dọn rác, phun khử mùi.")
    file_input.set_input_files(
        [{"name": "sau-khi-don.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    officer.locator("#action-report_result").scroll_into_view_if_needed()
    officer.locator("#action-report_result button[type=submit]").click()
    officer.wait_for_selector(".c-msg--success")
    report.refresh_from_db()
    assert report.state == State.AWAITING_APPROVAL
    assert Attachment.objects.filter(report=report, uploaded_by_reporter=False).count() == 1

    leader.reload()
    assert "Đã thu dọn rác, phun khử mùi." in leader.inner_text("#h-result + *")
    leader.locator("#h-result").scroll_into_view_if_needed()
    take(leader, "approve")
    report.refresh_from_db()
    assert report.state == State.RESOLVED


def test_a_result_written_offline_is_kept_and_sent_once_when_the_connection_returns(
    browser, live_server, org
):
    """The field without a connection: the result waits in the phone and is applied exactly once."""
    from pakn.reports import services

    report = routed_report(org)
    services.report_assign(report=report, actor=org.commune_leader, officer=org.officer)
    officer = staff(browser, live_server, org.officer, phone=True)
    open_case(officer, report.tracking_code)
    open_panel(officer, "report_result")  # staff media actions sit beside it now
    officer.fill("#id_report_result-result_text", "Đã xử lý xong, viết khi mất sóng.")
    officer.locator("#id_report_result-photos").set_input_files(
        [{"name": "hien-truong.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    officer.context.set_offline(True)
    officer.locator("#action-report_result button[type=submit]").click()
    officer.wait_for_selector("text=Kết quả đã được lưu trên máy")
    officer.wait_for_selector("#offline-queue")
    assert Report.objects.get(pk=report.pk).state == State.IN_PROGRESS

    officer.context.set_offline(False)
    officer.evaluate("window.dispatchEvent(new Event('online'))")
    officer.wait_for_selector("text=Đã gửi kết quả đã lưu")
    report.refresh_from_db()
    assert (
        report.state == State.AWAITING_APPROVAL and report.result_text == "Đã xử lý xong, viết khi mất sóng."
    )
    assert Attachment.objects.filter(report=report, uploaded_by_reporter=False).count() == 1
    # Sent again (the answer was lost, the page reloaded): still once.
    officer.reload()
    officer.evaluate("window.paknConsole.flush()")
    assert Event.objects.filter(report=report, action="report_result").count() == 1
    assert ClientSubmission.objects.filter(report=report).count() == 1
    assert officer.locator("#offline-queue").count() == 0


def test_the_operator_reveals_the_reporter_and_inserts_a_response_template(browser, live_server, org):
    from pakn.console.models import ResponseTemplate
    from pakn.reports import services

    report = services.report_submit(**{**VALID, "category": org.category, "area": org.commune_area}).report
    operator = staff(browser, live_server, org.operator)
    open_case(operator, report.tracking_code)
    operator.click("text=Xem thông tin người phản ánh")
    operator.wait_for_selector("[data-testid=personal]")
    assert VALID["reporter_name"] in operator.inner_text("[data-testid=personal]")
    template = ResponseTemplate.objects.filter(purpose="request_info").first()
    assert template is not None  # seeded by the console's migration
    open_panel(operator, "request_info")
    operator.select_option("#tpl-request_info", str(template.pk))
    assert operator.input_value("#id_request_info-note") == template.body


def test_supervisor_board_and_screens_for_the_guides(browser, live_server, org):
    """The supervisor's overdue board, the admin's import page and the sign-in with a second factor."""
    from datetime import timedelta

    from django.utils import timezone

    from pakn.reports import services

    long_ago = timezone.now() - timedelta(days=10)
    for area in (org.commune_area, org.other_commune.area, org.commune_area):
        r = services.report_submit(**{**VALID, "category": org.category, "area": area}, now=long_ago).report
        services.report_forward(report=r, actor=org.operator, now=long_ago + timedelta(minutes=20))
    supervisor = staff(browser, live_server, org.supervisor)
    supervisor.click('nav.c-nav >> text="Quá hạn"')
    assert "3 phản ánh quá hạn" in supervisor.inner_text("main")

    admin = make_user(org.ioc, User.Role.ADMIN, name="Phạm Quang Huy")
    page = staff(browser, live_server, admin)
    page.click('nav.c-nav >> text="Nhập tài khoản"')
    csv = "Mã cơ quan,Vai trò,Họ và tên,Điện thoại,Thư điện tử,Tên đăng nhập\n"
    csv += f"ioc,operator,Nguyễn Thị Hoa,0912345678,hoa@langson.gov.vn,hoa.nt\n{org.commune.code},officer,Lê Văn Bình,,,\n"
    page.set_input_files("#id_file", [{"name": "can-bo.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.click("main button[type=submit]")
    page.wait_for_selector("text=1 dòng hợp lệ, 1 dòng có lỗi")
    page.click("text=Tạo 1 tài khoản")
    page.wait_for_selector("text=Đã tạo 1 tài khoản")
    assert User.objects.filter(username="hoa.nt", agency=org.ioc).exists()

    page.click('nav.c-nav >> text="Tài khoản"')
    page.click("main >> text=Bật xác thực hai lớp")
    page.wait_for_selector("img.c-qr")

    login = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    login.goto("/console/dang-nhap/")
    login.context.close()


def test_a_leader_hands_over_a_departing_officials_cases_in_one_step(browser, live_server, org):
    """R-14.1 in the browser: the staff page moves every open case and the focal role."""
    from pakn.reports import services

    departing = make_user(org.commune, User.Role.OFFICER, name="Hoàng Văn Đi", is_focal=True)
    successor = make_user(org.commune, User.Role.OFFICER, name="Lý Thị Đến")
    for _ in range(2):
        report = routed_report(org)
        services.report_assign(report=report, actor=org.commune_leader, officer=departing)
    leader = staff(browser, live_server, org.commune_leader)
    leader.click('nav.c-nav >> text="Cán bộ"')
    leader.select_option("#id_from_user", str(departing.pk))
    leader.select_option("#id_to_user", str(successor.pk))
    leader.click("main button[type=submit]")
    leader.wait_for_selector("text=Đã bàn giao 2 phản ánh")
    assert Report.objects.filter(assignee=successor).count() == 2
    successor.refresh_from_db()
    assert successor.is_focal


def test_the_supervisor_takes_over_a_disputed_case(browser, live_server, org):
    """R-4.4 in the browser."""
    report = routed_report(org)
    supervisor = staff(browser, live_server, org.supervisor)
    open_case(supervisor, report.tracking_code)
    panel = open_panel(supervisor, "take_over")
    supervisor.fill("#id_take_over-note", "Hai phường chưa thống nhất phạm vi xử lý.")
    panel.scroll_into_view_if_needed()
    panel.locator("button[type=submit]").click()
    supervisor.wait_for_selector(".c-msg--success")
    report.refresh_from_db()
    assert report.state == State.COORDINATING and report.agency == org.supervisor_agency
