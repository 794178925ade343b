#!/usr/bin/env python3
"""Refresh the screenshots of the user guides (docs/guides/img/): `make screenshots`.

Everything happens on a throwaway site: a temporary PAKN_DATA_DIR holds a fresh SQLite database, the demo
secrets and the uploaded media, so a developer's own database (var/ or PAKN_DATABASE_URL) is never touched.
The site is loaded the way `make run` does (migrate, import-areas --dataset 2025, demo), a few public demo
reports get a drawn photo (so lists show thumbnails), `pakn serve` runs on a free loopback port, and
Playwright drives Debian's Chromium (headless) on a 390×844 phone and a 1366×768 desktop. Staff sign in with
the demo password through the login form (the demo does not require a second factor). Every picture is saved
as a palette PNG (Pillow, optimised) named after the page, with `-dien-thoai` / `-may-tinh` for phone and
desktop. Only demo data is shown: generated names, masked numbers.

    .venv/bin/python scripts/screenshots.py [--out docs/guides/img] [--only NAME ...] [--keep]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PHONE: Any = {"width": 390, "height": 844}
DESKTOP: Any = {"width": 1366, "height": 768}
CENTER: Any = {"latitude": 21.8537, "longitude": 106.7615}  # Lạng Sơn, the demo map centre
PHOTOS = 12  # public demo reports that get a drawn photo


def site_env(data_dir: Path, port: int) -> dict[str, str]:
    """The environment of the throwaway site: no PAKN_* setting of the developer leaks in (their database
    URL least of all); everything lives under `data_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAKN_")}
    env.update(
        PAKN_ENV="demo",
        PAKN_DEBUG="false",
        PAKN_DATA_DIR=str(data_dir),
        PAKN_SITE_URL=f"http://127.0.0.1:{port}",
        PAKN_LOGIN_LOCKOUT="false",
        DJANGO_SETTINGS_MODULE="pakn.settings",
    )
    return env


def pakn(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "pakn.cli", *args], env=env, cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def add_photos() -> None:
    """(Run inside the throwaway site.) Give the newest public demo reports a drawn photo, as if the
    citizen had attached one: the public lists then show thumbnails, the public page a picture."""
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from pakn.reports.media import attachment_add
    from pakn.reports.models import Attachment, Report
    from pakn.reports.public import list_photos

    candidates = list(Report.objects.order_by("-created_at")[:200])
    shown = 0
    for i, report in enumerate(candidates):
        if shown >= PHOTOS:
            break
        if Attachment.objects.filter(report=report).exists():
            continue
        img = Image.new("RGB", (800, 600), (150 + 9 * (i % 8), 170, 190 - 7 * (i % 8)))
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, 330, 800, 600), fill=(92, 92, 96))  # a road
        draw.rectangle((380, 450, 420, 470), fill=(240, 240, 240))
        draw.ellipse((180 + 30 * (i % 5), 400, 460 + 20 * (i % 4), 540), fill=(60, 45, 35))  # the damage
        draw.polygon([(600, 330), (680, 120), (760, 330)], fill=(40, 120, 60))  # a tree
        out = io.BytesIO()
        img.save(out, "JPEG", quality=80)
        upload = SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")
        attachment = attachment_add(report=report, upload=upload, by_reporter=True)
        if report.pk in list_photos([report]):
            shown += 1
        else:  # not public (not yet accepted, or private): leave no stray file behind
            attachment.delete()


def find_cases(data_dir: Path) -> None:
    """(Run inside the throwaway site.) The cases the action pictures need and who acts on them, written to
    cases.json; and the private follow-up path of a few reports (a new link through the service a citizen's
    "Phản ánh của tôi" uses: only hashes are stored, the demo's own links are gone)."""
    import django

    django.setup()
    from django.utils import timezone

    from pakn.org.models import User
    from pakn.reports.actions import allowed_actions
    from pakn.reports.models import OpinionRequest, Report, State
    from pakn.reports.services import report_followup_renew

    demo_staff = User.objects.filter(is_active=True, username__regex=r"^(lanhdao|canbo|chuyenvien|tiepnhan)")
    reports = Report.objects.filter(is_state_secret=False).exclude(phone_hash="").order_by("-created_at")
    cases: dict[str, Any] = {}

    def pick(key: str, state: str, who: str, action: str) -> None:
        """The newest case in `state` on which a demo account of role `who` may take `action` now."""
        for report in reports.filter(state=state)[:300]:
            if who == "officer":
                user = demo_staff.filter(pk=report.assignee_id).first() if report.assignee_id else None
            elif who == "leader":
                user = demo_staff.filter(agency=report.agency_id, role=User.Role.LEADER).first()
            else:
                user = User.objects.get(username=who)
            if user is not None and action in {a.action for a in allowed_actions(report, user)}:
                cases[key], cases[f"{key}_user"] = report.pk, user.username
                return
        cases[key] = cases[f"{key}_user"] = None

    pick("received", State.RECEIVED, "tiepnhan", "forward")
    pick("coordinating", State.COORDINATING, "tiepnhan", "request_opinions")
    pick("routed", State.ROUTED, "leader", "escalate")
    pick("approval", State.AWAITING_APPROVAL, "leader", "approve")
    pick("in_progress", State.IN_PROGRESS, "officer", "report_result")
    pick("take_over", State.IN_PROGRESS, "giamsat", "take_over")
    cases["year"] = timezone.localdate().year
    cases["opinion"] = cases["opinion_user"] = None
    for asked in OpinionRequest.objects.filter(answered_at=None).order_by("-requested_at")[:200]:
        user = demo_staff.filter(agency=asked.department_id, role=User.Role.SPECIALIST).first()
        if user is not None:
            cases["opinion"], cases["opinion_user"] = asked.report_id, user.username
            break
    for key, state, where in (
        ("follow_progress", State.IN_PROGRESS, {}),
        ("follow_info", State.AWAITING_INFO, {}),
        ("follow_rate", State.RESOLVED, {"rating": ""}),
    ):
        report = reports.filter(state=state, **where).first()
        renewed = report and report_followup_renew(
            tracking_code=report.tracking_code, phone_hash=report.phone_hash
        )
        cases[key] = f"/theo-doi/{renewed[1]}/" if renewed else None
    (data_dir / "cases.json").write_text(json.dumps(cases))


@dataclass
class Shot:
    name: str  # file stem, e.g. "dan-trang-chu"
    path: str  # where to go, or "" when `prepare` navigates
    user: str = ""  # demo account to sign in as ("" = a citizen, not signed in)
    prepare: Callable[[Any], None] | None = None  # after loading: click through, scroll to something
    devices: tuple[str, ...] = ("dien-thoai", "may-tinh")


def first_link(selector: str) -> Callable[[Any], None]:
    def go(page: Any) -> None:
        page.locator(selector).first.click()
        page.wait_for_load_state("networkidle")

    return go


def detail_with_photo(page: Any) -> None:
    page.locator("a:has(img)[href^='/phan-anh/'], li:has(img) a[href^='/phan-anh/']").first.click()
    page.wait_for_load_state("networkidle")


def near_me(page: Any) -> None:
    """The home page after "Gần tôi": the map and list of reports near the demo location (the browser grants
    it); map tiles need the internet, the markers and the list do not."""
    page.get_by_role("button", name="Gần tôi").click()
    page.locator("#near-list li").first.wait_for()
    page.wait_for_timeout(1500)  # tiles and markers settle
    page.locator("#near-title").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('near-title').scrollIntoView({block: 'start'})")


def case_page(page: Any) -> None:
    first_link("main a[href^='/console/phan-anh/']")(page)


def send_report(page: Any) -> None:
    """Fill the form as a citizen would (made-up details: the example number the form itself shows) and send:
    the confirmation page with the tracking code and the private link."""
    page.select_option("#id_category", index=1)
    page.fill("#id_content", "Đèn chiếu sáng trước số nhà 15 đường Lê Lợi không sáng từ ba hôm nay.")
    page.select_option("#id_area", index=1)
    page.fill("#id_address_text", "Trước số 15 Lê Lợi")
    page.fill("#id_reporter_name", "Nguyễn Văn An")
    page.fill("#id_reporter_phone", "0912345678")
    page.fill("#id_reporter_id_number", "020123456789")
    page.fill("#id_reporter_address", "Số 12 Lê Lợi")
    page.check("#id_declared_truthful")
    page.click("#submit-button")
    page.wait_for_url("**/gui-phan-anh/da-gui/**")
    page.wait_for_load_state("networkidle")


def thumbnails(page: Any) -> None:
    """The public list scrolled to its first report with a photo (the newest ones await the IOC: no photo)."""
    page.evaluate("document.querySelector('.report-list li:has(img)').scrollIntoView({block: 'start'})")
    page.evaluate("window.scrollBy(0, -90)")


def scroll_to(element_id: str) -> Callable[[Any], None]:
    def go(page: Any) -> None:
        page.evaluate(f"document.getElementById('{element_id}').scrollIntoView({{block: 'start'}})")
        page.evaluate("window.scrollBy(0, -16)")

    return go


def heading(name: str) -> Callable[[Any], None]:
    def go(page: Any) -> None:
        page.get_by_role("heading", name=name).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -16)")

    return go


def action(slug: str) -> Callable[[Any], None]:
    """The case page with one action's form open and in view (the <details id="action-…"> of the page)."""

    def go(page: Any) -> None:
        page.evaluate(f"document.getElementById('action-{slug}').open = true")
        page.evaluate(f"document.getElementById('action-{slug}').scrollIntoView({{block: 'start'}})")

    return go


def offline_result(page: Any) -> None:
    """An officer without a connection sends a result: it waits on the phone (never sent: the browser context
    closes first)."""
    action("report_result")(page)
    page.fill("#id_report_result-result_text", "Đã kiểm tra hiện trường, yêu cầu cơ sở khắc phục.")
    page.context.set_offline(True)
    page.locator("#action-report_result button[type=submit]").click()
    page.get_by_text("Kết quả đã được lưu trên máy").first.wait_for()
    page.locator("#offline-queue").wait_for()
    page.evaluate("window.scrollTo(0, 0)")


def reveal_personal(page: Any) -> None:
    """The operator's "show the reporter" button (the access is recorded; demo data only)."""
    page.locator("#personal form button").first.click()
    page.locator("[data-testid=personal]").wait_for()
    page.evaluate("document.getElementById('personal').parentElement.scrollIntoView({block: 'start'})")


SHOTS = [
    Shot("dan-trang-chu", "/"),
    Shot("dan-gan-toi", "/", prepare=near_me),
    Shot("dan-gui-phan-anh", "/gui-phan-anh/"),
    Shot("dan-da-gui", "/gui-phan-anh/", prepare=send_report),
    Shot("dan-danh-sach", "/phan-anh/", prepare=thumbnails),
    Shot("dan-cong-khai", "/phan-anh/", prepare=detail_with_photo),
    Shot("dan-tra-cuu", "/tra-cuu/"),
    Shot("dan-phan-anh-cua-toi", "/phan-anh-cua-toi/dang-nhap/"),
    Shot("dang-nhap", "/console/dang-nhap/"),
    Shot("tiep-nhan-viec-can-lam", "/console/", user="tiepnhan"),
    Shot("tiep-nhan-trang-phan-anh", "/console/", user="tiepnhan", prepare=case_page),
    Shot("thong-bao", "/console/notifications/", user="tiepnhan"),
    Shot("lanh-dao-viec-can-lam", "/console/", user="{approval_user}"),
    Shot("can-bo-viec-can-lam", "/console/", user="{in_progress_user}"),
    Shot(
        "can-bo-ket-qua-cua-toi", "/console/stats/can-bo/?period=year&year={year}", user="{in_progress_user}"
    ),
    Shot("so-nganh-viec-can-lam", "/console/", user="chuyenvien.so1"),
    Shot("giam-sat-qua-han", "/console/qua-han/", user="giamsat"),
    Shot("giam-sat-thong-ke", "/console/stats/?period=year&year={year}", user="giamsat"),
    Shot("quan-tri-nhap-tai-khoan", "/console/quan-tri/nhap-tai-khoan/", user="quantri"),
    Shot("tai-khoan", "/console/tai-khoan/", user="tiepnhan", prepare=heading("Xác thực hai lớp")),
    # Action forms on cases in the state they need (ids found by find_cases).
    Shot("tiep-nhan-chuyen-xu-ly", "/console/phan-anh/{received}/", "tiepnhan", action("forward")),
    Shot("tiep-nhan-thong-tin-nguoi-phan-anh", "/console/phan-anh/{received}/", "tiepnhan", reveal_personal),
    Shot("tiep-nhan-xin-y-kien", "/console/phan-anh/{coordinating}/", "tiepnhan", action("request_opinions")),
    Shot("lanh-dao-phan-cong", "/console/phan-anh/{routed}/", "{routed_user}", action("assign")),
    Shot("lanh-dao-chuyen-cap-tren", "/console/phan-anh/{routed}/", "{routed_user}", action("escalate")),
    Shot("lanh-dao-duyet-ket-qua", "/console/phan-anh/{approval}/", "{approval_user}", action("approve")),
    Shot("lanh-dao-can-bo", "/console/can-bo/", user="{approval_user}"),
    Shot(
        "can-bo-bao-cao-ket-qua",
        "/console/phan-anh/{in_progress}/",
        "{in_progress_user}",
        action("report_result"),
    ),
    Shot("giam-sat-chu-tri", "/console/phan-anh/{take_over}/", "giamsat", action("take_over")),
    Shot("so-nganh-cho-y-kien", "/console/phan-anh/{opinion}/", "{opinion_user}", action("give_opinion")),
    Shot(
        "can-bo-mat-ket-noi",
        "/console/phan-anh/{in_progress}/",
        "{in_progress_user}",
        offline_result,
        devices=("dien-thoai",),
    ),
    # A citizen's private follow-up page (the demo's link), waiting for information, and to rate.
    Shot("dan-theo-doi", "{follow_progress}"),
    Shot("dan-bo-sung", "{follow_info}"),
    Shot("dan-danh-gia", "{follow_rate}", prepare=scroll_to("thread-title")),
]


def save_png(data: bytes, path: Path) -> int:
    """A palette PNG (256 colours, optimised): a screenshot of flat UI loses nothing visible."""
    from PIL import Image

    img = Image.open(io.BytesIO(data)).convert("RGB")
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    return path.stat().st_size


def sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/console/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    if "/dang-nhap/" in page.url or "/xac-thuc/" in page.url:
        raise SystemExit(f"could not sign in as {username}: {page.url}")


def take(
    base_url: str, password: str, out: Path, shots: list[Shot], cases: dict[str, Any]
) -> list[tuple[Path, int]]:
    from playwright.sync_api import sync_playwright

    saved: list[tuple[Path, int]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            # --lang: the browser's own words (a file input's button) in Vietnamese, when chromium-l10n is installed.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--lang=vi",
            ],
            env={**os.environ, "LANGUAGE": "vi", "LANG": "vi_VN.UTF-8"},
        )
        for device in ("dien-thoai", "may-tinh"):
            phone = device == "dien-thoai"
            contexts: dict[str, Any] = {}
            for shot in shots:
                if device not in shot.devices:
                    continue
                path, user = shot.path.format(**cases), shot.user.format(**cases)
                if "None" in path or user == "None":
                    print(f"  {shot.name}: the demo has no case for {shot.path}; skipped")
                    continue
                if user not in contexts:
                    context = browser.new_context(
                        base_url=base_url,
                        viewport=PHONE if phone else DESKTOP,
                        is_mobile=phone,
                        has_touch=phone,
                        locale="vi-VN",
                        timezone_id="Asia/Ho_Chi_Minh",
                        geolocation=CENTER,
                        permissions=["geolocation"],
                    )
                    context.set_default_timeout(20_000)
                    if user:
                        sign_in(context.new_page(), user, password)
                    contexts[user] = context
                page = contexts[user].new_page()
                response = page.goto(path)
                page.wait_for_load_state("networkidle")
                if shot.prepare:
                    shot.prepare(page)
                if response is None or response.status >= 400:
                    raise SystemExit(f"{shot.name}: {path} answered {response and response.status}")
                page.wait_for_timeout(300)
                target = out / f"{shot.name}-{device}.png"
                saved.append((target, save_png(page.screenshot(), target)))
                print(f"  {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {page.url}")
                page.close()
            for context in contexts.values():
                context.close()
        browser.close()
    return saved


def wait_up(url: str, server: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("pakn serve stopped before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "guides" / "img")
    parser.add_argument("--only", nargs="*", help="only these pictures (file stems)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway site's directory")
    parser.add_argument("--add-photos", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--find-cases", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.add_photos:
        add_photos()
        return
    if args.find_cases:
        find_cases(args.find_cases)
        return
    # A SIGTERM (or a SIGINT, which a background job ignores) still stops the server and removes the site.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    shots = [s for s in SHOTS if not args.only or s.name in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="pakn-screenshots-"))
    port = free_port()
    env = site_env(data_dir, port)
    server = None
    try:
        pakn(env, "migrate", "--noinput", "-v", "0")
        pakn(env, "import-areas", "--dataset", "2025")
        pakn(env, "demo")
        subprocess.run([sys.executable, __file__, "--add-photos"], env=env, cwd=ROOT, check=True)
        subprocess.run(
            [sys.executable, __file__, "--find-cases", str(data_dir)], env=env, cwd=ROOT, check=True
        )
        cases = json.loads((data_dir / "cases.json").read_text())
        password = (data_dir / "demo-password.txt").read_text().strip()
        # The server's output (its worker prints the demo's SMS) goes to a log beside the throwaway database.
        log = (data_dir / "serve.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "pakn.cli", "serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "2"],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        wait_up(base_url + "/", server)
        saved = take(base_url, password, args.out, shots, cases)
        total = sum(size for _, size in saved)
        print(f"{len(saved)} pictures, {total / 1e6:.1f} MB, in {args.out}")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if args.keep:
            print(f"throwaway site kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
