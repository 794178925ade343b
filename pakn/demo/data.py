"""Demo data: one account per role and kind of agency, and realistic reports driven through the real workflow.

Every report is created and moved by the same services the portal and the console use, with past
timestamps, so timelines, deadlines and hash chains are consistent. Run again, it keeps what it made.
"""

from __future__ import annotations

import contextlib
import json
import random
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pakn.core import province
from pakn.org.models import Agency, Area, Category, User
from pakn.org.services import user_create
from pakn.reports import services, sweeps
from pakn.reports.models import Report, State
from pakn.reports.workflow import ReporterActor, WorkflowError

PLACES = [
    "đường Trần Đăng Ninh",
    "đường Bà Triệu",
    "đường Lê Lợi",
    "đường Hùng Vương",
    "đường Phai Vệ",
    "đường Tam Thanh",
    "chợ Đông Kinh",
    "đầu cầu Kỳ Cùng",
    "ngõ 5 đường Ngô Quyền",
    "đường Bến Bắc",
    "khu đô thị Phú Lộc",
    "đường Lý Thái Tổ",
    "thôn Nà Chuông",
    "đường Nguyễn Du",
    "quốc lộ 1A đoạn qua thôn Khòn Khuyên",
]
CONTENT = {
    "an-ninh-trat-tu": [
        "Nhóm thanh niên thường xuyên tụ tập, nẹt pô gây ồn ào sau 23 giờ tại {place}.",
        "Liên tiếp xảy ra trộm cắp xe máy trong khu dân cư tại {place}, đề nghị tăng cường tuần tra.",
        "Quán karaoke tại {place} hát to quá giờ quy định, ảnh hưởng giấc ngủ của người dân.",
    ],
    "an-toan-giao-thong": [
        "Mặt đường tại {place} xuất hiện ổ gà lớn, nhiều người đi xe máy bị ngã.",
        "Đèn tín hiệu giao thông tại nút giao {place} bị hỏng nhiều ngày chưa sửa.",
        "Biển báo hạn chế tốc độ tại {place} bị đổ, đề nghị lắp lại.",
    ],
    "ve-sinh-moi-truong": [
        "Rác thải sinh hoạt tồn đọng nhiều ngày tại {place}, bốc mùi hôi thối.",
        "Cống thoát nước tại {place} bị tắc, nước thải tràn ra mặt đường.",
        "Có người đổ trộm phế thải xây dựng ven {place} vào ban đêm.",
    ],
    "y-te": [
        "Cơ sở kinh doanh thực phẩm tại {place} không bảo đảm vệ sinh an toàn thực phẩm.",
        "Khu dân cư tại {place} có nhiều ca sốt xuất huyết, đề nghị phun thuốc diệt muỗi.",
    ],
    "trat-tu-do-thi": [
        "Các hộ kinh doanh lấn chiếm vỉa hè tại {place}, người đi bộ phải xuống lòng đường.",
        "Công trình tại {place} xây dựng không có biển báo, vật liệu để tràn ra đường.",
    ],
    "vien-thong": [
        "Dây cáp viễn thông chằng chịt, võng thấp tại {place}, nguy cơ vướng xe tải.",
        "Sóng điện thoại di động tại {place} rất yếu, thường xuyên mất kết nối.",
    ],
    "linh-vuc-khac": [
        "Đề nghị lắp thêm đèn chiếu sáng công cộng tại {place}, buổi tối rất tối.",
        "Cây xanh tại {place} bị sâu mục, có nguy cơ gãy đổ khi mưa bão.",
    ],
}
RESULTS = [
    "Đã cử cán bộ kiểm tra hiện trường và phối hợp đơn vị liên quan khắc phục xong.",
    "Đã xác minh, lập biên bản và yêu cầu khắc phục; đơn vị đã thực hiện.",
    "Đã kiểm tra, nhắc nhở các hộ liên quan và sẽ tiếp tục theo dõi.",
    "Đã giao đơn vị quản lý sửa chữa, hoàn thành trong ngày.",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Hoàng", "Hà", "Nông", "Lương", "Vi", "Lăng", "Đặng", "Chu", "Mông"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Hồng", "Quang", "Thanh"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Hà",
    "Hải",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Phương",
    "Sơn",
    "Tuấn",
]
PHONE_PREFIXES = ["096", "097", "098", "086", "091", "094", "088", "090", "093", "032", "035", "038"]

CENTER = (21.8537, 106.7615)  # the default map centre (PAKN_MAP_CENTER)


@dataclass
class DemoAccount:
    role: str
    role_label: str
    agency: str
    agency_kind: str
    username: str
    password: str
    api_key: str = ""  # the Open311 demo client's api_key (role "open311"; no password)


def _accounts_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-accounts.json"


def demo_password() -> str:
    """One password for every demo account, generated once and kept beside the demo database."""
    path = _accounts_path().with_name("demo-password.txt")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Demo-" + secrets.token_urlsafe(9) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def _plan_accounts() -> list[tuple[str, Agency, str]]:
    """(username, agency, role) for one account per role and kind of agency."""
    active = Agency.objects.filter(is_active=True)
    ioc = active.get(kind=Agency.Kind.IOC)
    plan: list[tuple[str, Agency, str]] = [
        ("quantri", ioc, User.Role.ADMIN),
        ("tiepnhan", ioc, User.Role.OPERATOR),
        ("tiepnhan2", ioc, User.Role.OPERATOR),
        ("lanhdao.ioc", ioc, User.Role.LEADER),
        ("giamsat", active.get(kind=Agency.Kind.SUPERVISOR), User.Role.SUPERVISOR),
    ]
    for i, dept in enumerate(active.filter(kind=Agency.Kind.DEPARTMENT).order_by("code"), start=1):
        plan.append((f"chuyenvien.so{i}", dept, User.Role.SPECIALIST))
        if i == 1:
            plan.append((f"lanhdao.so{i}", dept, User.Role.LEADER))
    for i, district in enumerate(
        active.filter(kind=Agency.Kind.DISTRICT).order_by("area__code")[:3], start=1
    ):
        plan += [
            (f"lanhdao.huyen{i}", district, User.Role.LEADER),
            (f"canbo.huyen{i}", district, User.Role.OFFICER),
        ]
    for i, commune in enumerate(demo_communes(), start=1):
        plan += [(f"lanhdao.xa{i}", commune, User.Role.LEADER), (f"canbo.xa{i}", commune, User.Role.OFFICER)]
    enterprise = active.filter(kind=Agency.Kind.ENTERPRISE).order_by("code").first()
    if enterprise:
        plan.append(("lanhdao.dn", enterprise, User.Role.LEADER))
    return plan


def demo_communes() -> list[Agency]:
    """The communes that get staff and reports: in the districts with demo staff (2022) or the first ones."""
    communes = Agency.objects.filter(is_active=True, kind=Agency.Kind.COMMUNE).select_related("parent")
    districts = list(
        Agency.objects.filter(is_active=True, kind=Agency.Kind.DISTRICT).order_by("area__code")[:3]
    )
    if districts:
        chosen: list[Agency] = []
        for d in districts:
            chosen += list(communes.filter(parent=d).order_by("area__code")[:3])
        return chosen
    return list(communes.order_by("area__code")[:8])


def accounts_create() -> list[DemoAccount]:
    password = demo_password()
    accounts = []
    for username, agency, role in _plan_accounts():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password=password,
                full_name=_staff_name(username),
                agency=agency,
                role=role,
                is_focal=role in (User.Role.OFFICER, User.Role.SPECIALIST),
            )
        accounts.append(
            DemoAccount(
                role=role,
                role_label=str(User.Role(role).label),
                agency=agency.name,
                agency_kind=agency.kind,
                username=username,
                password=password,
            )
        )
    return accounts


def _staff_name(username: str) -> str:
    rng = random.Random(username)
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


class Demo:
    """Drives reports through the workflow from a past moment until the real present."""

    def __init__(self, seed: int = 826, now: datetime | None = None):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.categories = list(Category.objects.filter(is_active=True))
        self.communes = demo_communes()
        self.staff: dict[tuple[int, str], list[User]] = {}
        for user in User.objects.filter(is_active=True, agency__isnull=False):
            self.staff.setdefault((user.agency_id, user.role), []).append(user)  # type: ignore[arg-type]
        self.ioc = Agency.objects.get(kind=Agency.Kind.IOC, is_active=True)
        self.supervisor_agency = Agency.objects.get(kind=Agency.Kind.SUPERVISOR, is_active=True)
        self.departments = list(Agency.objects.filter(kind=Agency.Kind.DEPARTMENT, is_active=True))

    def one(self, agency: Agency, role: str) -> User:
        return self.rng.choice(self.staff[(agency.pk, role)])

    def reporter(self) -> dict[str, Any]:
        r = self.rng
        name = f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"
        return {
            "reporter_name": name,
            "reporter_address": f"Số {r.randint(1, 200)} {r.choice(PLACES)}, {province.province_label()}",
            "reporter_phone": r.choice(PHONE_PREFIXES) + "".join(str(r.randint(0, 9)) for _ in range(7)),
            "reporter_id_number": "020" + "".join(str(r.randint(0, 9)) for _ in range(9)),
        }

    def later(self, moment: datetime, low_minutes: float, high_minutes: float) -> datetime:
        return moment + timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))

    def make(self, created: datetime) -> Report:
        r = self.rng
        category = r.choice(self.categories)
        commune = r.choice(self.communes)
        place = r.choice(PLACES)
        sub = services.report_submit(
            category=category,
            content=r.choice(CONTENT.get(category.code, CONTENT["linh-vuc-khac"])).format(place=place),
            channel=r.choices(["web", "app", "open311", "staff"], weights=[45, 45, 5, 5])[0],
            address_text=place.capitalize() + ", " + (commune.area.name if commune.area else ""),
            latitude=CENTER[0] + r.uniform(-0.04, 0.04),
            longitude=CENTER[1] + r.uniform(-0.04, 0.04),
            area=commune.area,
            declared_truthful=True,
            now=created,
            **self.reporter(),
        )
        report = sub.report
        with contextlib.suppress(_Stop):
            self.advance(report, created, commune)
        return report

    def step(self, moment: datetime) -> datetime:
        if moment > self.now:
            raise _Stop
        return moment

    def advance(self, report: Report, t: datetime, commune: Agency) -> None:
        """One demo report's story, stage after stage, until its fate or its stall.

        Long by design: the stages read in the order a case lives them (issue 12)."""
        r = self.rng
        # Some cases are left waiting at one stage, to show open and overdue work in every state.
        stall = r.choices(
            ["", "triage", "assign", "handle", "approve", "coordinate"], weights=[88, 2, 3, 3, 2, 2]
        )[0]
        operator = self.one(self.ioc, User.Role.OPERATOR)
        t = self.step(self.later(t, 4, 80))
        fate = r.random()
        if (self.now - t) < timedelta(hours=1):
            fate = 0.09 if r.random() < 0.4 else 1.0
        if fate < 0.05:
            services.report_reject(
                report=report,
                actor=operator,
                reason_code=r.choice(["complaint", "duplicate", "unlawful"]),
                now=t,
            )
            if r.random() < 0.3:
                services.report_mark(
                    report=report, actor=operator, mark="abusive", now=self.step(self.later(t, 1, 30))
                )
            return
        if fate < 0.13:
            services.report_request_info(
                report=report, actor=operator, note="Đề nghị bổ sung số nhà, vị trí cụ thể.", now=t
            )
            if fate < 0.08:
                sweeps.deadlines_sweep(now=self.step(self.later(t, 61, 120)))
                return
            t = self.step(self.later(t, 5, 55))
            services.report_supplement(
                report=report, actor=ReporterActor(report.pk), note="Vị trí: cạnh cột điện số 12.", now=t
            )
            t = self.step(self.later(t, 5, 50))
        if stall == "triage":
            raise _Stop
        services.report_forward(report=report, actor=operator, now=t)
        leader = self.one(commune, User.Role.LEADER)
        t = self.step(self.later(t, 10, 150))
        if stall == "assign":
            raise _Stop
        if r.random() < 0.15 or stall == "coordinate":
            self.escalate_to_province(report, commune, leader, t, stall=stall == "coordinate")
            return
        services.report_assign(
            report=report, actor=leader, officer=self.one(commune, User.Role.OFFICER), now=t
        )
        t = self.step(self.later(t, 60, 60 * 30))
        if stall == "handle":
            raise _Stop
        officer = report.assignee
        assert officer is not None
        services.report_submit_result(report=report, actor=officer, result_text=r.choice(RESULTS), now=t)
        if stall == "approve":
            raise _Stop
        t = self.step(self.later(t, 20, 60 * 6))
        if r.random() < 0.1:
            services.report_return(
                report=report, actor=leader, note="Đề nghị bổ sung ảnh hiện trường sau khắc phục.", now=t
            )
            t = self.step(self.later(t, 60, 60 * 20))
            services.report_submit_result(
                report=report, actor=officer, result_text=r.choice(RESULTS) + " Đã bổ sung ảnh.", now=t
            )
            t = self.step(self.later(t, 20, 60 * 4))
        services.report_approve(report=report, actor=leader, now=t)
        self.aftermath(report, t, commune)

    def escalate_to_province(
        self, report: Report, commune: Agency, leader: User, t: datetime, *, stall: bool = False
    ) -> None:
        r = self.rng
        services.report_escalate(report=report, actor=leader, note="Vụ việc vượt thẩm quyền của xã.", now=t)
        while report.state == State.ROUTED:  # a district on the 2022 data
            t = self.step(self.later(t, 60, 60 * 20))
            services.report_escalate(
                report=report,
                actor=self.one(report.agency, User.Role.LEADER),
                note="Cần các sở, ngành phối hợp.",
                is_complex=r.random() < 0.5,
                now=t,
            )
        operator = self.one(self.ioc, User.Role.OPERATOR)
        t = self.step(self.later(t, 30, 240))
        asked = r.sample(self.departments, k=min(2, len(self.departments)))
        services.report_request_opinions(
            report=report,
            actor=operator,
            departments=asked,
            question="Đề nghị sở cho ý kiến về phương án xử lý.",
            now=t,
        )
        if stall:
            raise _Stop
        for dept in asked:
            t = self.step(self.later(t, 60, 60 * 10))
            services.report_give_opinion(
                report=report,
                actor=self.one(dept, User.Role.SPECIALIST),
                answer="Thống nhất phương án, giao đơn vị quản lý thực hiện.",
                now=t,
            )
        t = self.step(self.later(t, 60, 60 * 24))
        services.report_publish_result(
            report=report,
            actor=self.one(self.ioc, User.Role.LEADER),
            result_text="Các sở, ngành đã thống nhất và tổ chức khắc phục.",
            now=t,
        )
        self.aftermath(report, t, self.ioc)

    def aftermath(self, report: Report, t: datetime, agency: Agency) -> None:
        r = self.rng
        reporter = ReporterActor(report.pk)
        if r.random() < 0.15:
            t = self.step(self.later(t, 60, 60 * 24))
            services.report_reply(
                report=report, actor=reporter, note="Đề nghị cho biết thời gian hoàn thành.", now=t
            )
            t = self.step(self.later(t, 60, 60 * 10))
            role = User.Role.LEADER if (agency.pk, User.Role.LEADER) in self.staff else User.Role.OPERATOR
            services.report_clarify(
                report=report, actor=self.one(agency, role), note="Đơn vị sẽ hoàn thành trong tuần.", now=t
            )
        if r.random() < 0.65:
            t = self.step(self.later(t, 30, 60 * 48))
            rating = r.choices(["satisfied", "acceptable", "unsatisfied"], weights=[60, 25, 15])[0]
            # «Không hài lòng» says why (issue 14, item 10).
            why = "Kết quả chưa khắc phục triệt để, sự việc tái diễn." if rating == "unsatisfied" else ""
            services.report_rate(report=report, actor=reporter, rating=rating, note=why, now=t)
        if r.random() < 0.05:
            services.report_mark(
                report=report,
                actor=self.one(agency, User.Role.LEADER),
                mark="valuable",
                now=self.step(self.later(t, 1, 60)),
            )


class _Stop(Exception):
    """The next step would be in the future: the report stays where it is."""


def reports_create(count: int = 300, days: int = 90, seed: int = 826) -> int:
    demo = Demo(seed=seed)
    start = demo.now - timedelta(days=days)
    moments = sorted(start + timedelta(seconds=demo.rng.uniform(0, days * 86400)) for _ in range(count - 3))
    # A few arriving right now, so the IOC desk has fresh work (one of them awaiting more information).
    moments += [demo.now - timedelta(minutes=m) for m in (50, 25, 10)]
    made = 0
    for created in moments:
        with transaction.atomic():
            try:
                demo.make(created)
                made += 1
            except WorkflowError:
                continue
    return made


def demo_load(*, reports: int = 300, accounts_json: Path | None = None) -> tuple[list[DemoAccount], int]:
    """Create the demo accounts and reports unless they exist; return the accounts and how many reports were made."""
    fresh = not User.objects.filter(username="tiepnhan").exists()
    accounts = accounts_create()
    open311_client = open311_demo_client()
    made = reports_create(reports) if fresh and not Report.objects.exists() else 0
    if accounts_json:
        accounts_json.parent.mkdir(parents=True, exist_ok=True)
        entries = [*accounts, open311_client]  # the Open311 client's api_key too (role "open311")
        accounts_json.write_text(json.dumps([asdict(a) for a in entries], ensure_ascii=False, indent=2))
    return accounts, made


def active_dataset() -> str:
    area = Area.objects.filter(is_active=True, kind=Area.Kind.COMMUNE).first()
    return area.dataset if area else ""


OPEN311_DEMO_CLIENT = "demo-open311"


def open311_demo_client() -> DemoAccount:
    """An Open311 client application with an api_key kept beside the demo database (issue 5)."""
    from pakn.open311.models import ApiClient
    from pakn.open311.services import client_create, client_rotate_key, key_hash, new_key

    path = _accounts_path().with_name("demo-open311-key.txt")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key() + "\n")
        path.chmod(0o600)
    key = path.read_text().strip()
    client = ApiClient.objects.filter(name=OPEN311_DEMO_CLIENT).first()
    if client is None:
        client, _ = client_create(
            name=OPEN311_DEMO_CLIENT, organisation="Ứng dụng trình diễn (PAKN demo)", key=key
        )
    elif client.key_hash != key_hash(key):
        client_rotate_key(client=client, key=key)
    return DemoAccount(
        role="open311",
        role_label="Ứng dụng Open311 (api_key)",
        agency=client.organisation,
        agency_kind="",
        username=OPEN311_DEMO_CLIENT,
        password="",
        api_key=key,
    )
