"""Any province: its areas and agencies from its own CSV file, its name and regulation in every text
(R-7.6, R-13.1). A fictional province, Sông Mây (code 99), is installed from a file the test writes and the
whole journey runs there."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from pakn.notify.channels import sms_outbox
from pakn.org.models import Agency, Area, Category, User
from tests.conftest import make_user
from tests.core.journey import deliver_all, whole_journey

pytestmark = pytest.mark.django_db

SONG_MAY_CSV = """\
level,code,name,type,parent_code,legacy_codes,email,phone,categories
province,99,Tỉnh Sông Mây,tỉnh,,,,,
commune,99001,Phường Bến Đá,phường,99,,,,
commune,99002,Xã Suối Ngàn,xã,99,,,,
commune,99003,Xã Đồi Thông,xã,99,99003 99004,,,
department,so-du-lich,Sở Văn hóa và Du lịch,,ioc,,sovhdl@songmay.example,,
enterprise,cap-nuoc-song-may,Công ty Cấp thoát nước Sông Mây,,ioc,,,0203 3870 000,ve-sinh-moi-truong
"""


@pytest.fixture
def song_may(settings: Any, tmp_path: Path) -> Path:
    settings.PAKN_PROVINCE_NAME = "Sông Mây"
    settings.PAKN_PROVINCE_TYPE = "tỉnh"
    settings.PAKN_PROVINCE_CODE = "99"
    settings.PAKN_REGULATION_NUMBER = "15/2026/QĐ-UBND"
    settings.PAKN_REGULATION_DATE = date(2026, 1, 20)
    settings.PAKN_OPEN311_JURISDICTION = "songmay.example"
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "song-may.csv"
    path.write_text(SONG_MAY_CSV, encoding="utf-8")
    return path


def _import(path: Path, dataset: str = "songmay") -> str:
    out = StringIO()
    call_command("import_areas", "--csv", str(path), "--dataset", dataset, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_provinces_file_loads_its_areas_and_agencies(song_may):
    """R-7.6, R-2.1: areas, a committee per commune escalating to the IOC, the province's own agencies."""
    text = _import(song_may)
    assert "Bộ dữ liệu songmay — Tỉnh: 1; Xã/phường: 3." in text
    communes = Area.objects.filter(dataset="songmay", kind=Area.Kind.COMMUNE, is_active=True)
    assert sorted(communes.values_list("code", flat=True)) == ["99001", "99002", "99003"]
    assert Area.objects.get(dataset="songmay", code="99003").legacy_codes == ["99003", "99004"]
    ben_da = Agency.objects.get(code="ubnd-songmay-99001")
    assert (ben_da.name, ben_da.kind, ben_da.parent.code) == ("UBND Phường Bến Đá", "commune", "ioc")
    tourism = Agency.objects.get(code="so-du-lich")
    assert (tourism.kind, tourism.email, tourism.parent.code) == (
        "department",
        "sovhdl@songmay.example",
        "ioc",
    )
    water = Agency.objects.get(code="cap-nuoc-song-may")
    assert (water.kind, water.phone) == ("enterprise", "0203 3870 000")
    # The base enterprise carries this province's name, not Lạng Sơn's.
    assert Agency.objects.get(code="moi-truong-do-thi").name.endswith("Sông Mây")
    assert Category.objects.get(code="ve-sinh-moi-truong").department == water
    assert "không có gì thay đổi" in _import(song_may)  # idempotent


def test_a_file_with_mistakes_is_refused_line_by_line_and_nothing_is_imported(song_may):
    """R-13.1: the administrator sees every problem with its line number, in Vietnamese."""
    song_may.write_text(
        "level,code,name,type,parent_code\n"
        "province,99,Tỉnh Sông Mây,tỉnh,\n"
        "commune,99001,,phường,99\n"
        "thon,99002,Thôn Một,thôn,99\n"
        "commune,99001,Xã Trùng,xã,99\n"
        "commune,99005,Xã Lạc,xã,12345\n"
        "department,So Y Te,Sở Y tế,,ioc\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="Không nhập được"):
        call_command("import_areas", "--csv", str(song_may), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert "Dòng 3: thiếu tên." in lines
    assert any(line.startswith("Dòng 4: cấp “thon” không hợp lệ") for line in lines)
    assert "Dòng 5: mã “99001” trùng với dòng 3." in lines
    assert any(line.startswith("Dòng 7: mã “So Y Te” không hợp lệ") for line in lines)
    assert not Area.objects.exists()

    # Once each row is right, the parent that is missing is named too.
    song_may.write_text(
        "level,code,name,type,parent_code\nprovince,99,Tỉnh Sông Mây,tỉnh,\ncommune,99005,Xã Lạc,xã,12345\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_areas", "--csv", str(song_may), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == ["Dòng 3: đơn vị cấp trên “12345” không có trong tệp."]


def test_a_file_of_another_province_or_in_another_encoding_is_refused(song_may, settings):
    settings.PAKN_PROVINCE_CODE = "20"
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_areas", "--csv", str(song_may), stdout=StringIO(), stderr=err)
    assert "Dòng 2: mã tỉnh 99 khác mã tỉnh đã cấu hình (PAKN_PROVINCE_CODE=20)." in err.getvalue()
    # Windows' Vietnamese code page, as an old spreadsheet may save it.
    song_may.write_bytes("level,code,name,parent_code\nprovince,20,Tỉnh Đá Đỏ,\n".encode("cp1258", "replace"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_areas", "--csv", str(song_may), stdout=StringIO(), stderr=err)
    assert "Dòng 2: tệp không phải mã UTF-8" in err.getvalue()
    song_may.write_text("cap,ma,ten\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_areas", "--csv", str(song_may), stdout=StringIO(), stderr=err)
    assert "Dòng 1: thiếu cột level, code, name, parent_code." in err.getvalue()


def _staff() -> dict[str, User]:
    ioc = Agency.objects.get(code="ioc")
    commune = Agency.objects.get(code="ubnd-songmay-99002")
    return {
        "operator": make_user(ioc, User.Role.OPERATOR),
        "leader": make_user(commune, User.Role.LEADER),
        "officer": make_user(commune, User.Role.OFFICER),
        "supervisor": make_user(Agency.objects.get(code="vp-ubnd-tinh"), User.Role.SUPERVISOR),
    }


def test_the_journey_runs_in_the_new_province_and_every_text_names_it(song_may):
    """R-7.1–R-8.3 in Sông Mây: portal, IOC, commune, rating, messages, API, Open311 and print all name it."""
    sms_outbox.clear()  # the memory gateway is per process: messages of earlier tests on this worker go
    _import(song_may)
    staff = _staff()
    area = Area.objects.get(dataset="songmay", code="99002")
    whole_journey(area=area, category=Category.objects.get(code="ve-sinh-moi-truong"), staff=staff)
    counts = deliver_all()
    assert set(counts) == {"sent"} and counts["sent"] >= 6

    texts = [m["text"] for m in sms_outbox] + [f"{m.subject}\n{m.body}" for m in mail.outbox]
    assert any(t.startswith("PAKN Sông Mây: Đã nhận phản ánh") for t in texts)
    home = Client().get(reverse("portal:home")).content.decode()
    assert "Cổng phản ánh, kiến nghị tỉnh Sông Mây" in home and "Quyết định 15/2026/QĐ-UBND" in home
    manifest = Client().get(reverse("portal:manifest")).json()
    assert (manifest["name"], manifest["short_name"]) == (
        "Cổng phản ánh, kiến nghị tỉnh Sông Mây",
        "PAKN Sông Mây",
    )
    openapi = Client().get("/api/v1/openapi.json").json()["info"]
    assert openapi["title"] == "PAKN Sông Mây" and "tỉnh Sông Mây" in openapi["description"]
    assert openapi["contact"] == {"name": "Trung tâm IOC tỉnh Sông Mây"}
    discovery = Client().get("/open311/v2/discovery.json").json()
    assert discovery["contact"].startswith("Trung tâm IOC tỉnh Sông Mây")
    services = Client().get("/open311/v2/services.json", {"jurisdiction_id": "songmay.example"})
    assert services.status_code == 200
    assert Client().get("/open311/v2/services.json", {"jurisdiction_id": "langson.gov.vn"}).status_code == 404
    printed = Client()
    printed.force_login(staff["supervisor"])
    html = printed.get(reverse("stats:periodic_print"), {"period": "year", "year": "2026"}).content.decode()
    assert "UBND TỈNH SÔNG MÂY" in html and re.search(r"Sông Mây, ngày \d\d tháng", html)
    assert "Quyết định số 15/2026/QĐ-UBND ngày 20/1/2026 của UBND tỉnh Sông Mây" in html

    for text in [*texts, home, html, str(openapi), str(discovery), str(manifest)]:
        assert "Lạng Sơn" not in text and "LẠNG SƠN" not in text


ROOT = Path(__file__).resolve().parents[2]


def test_no_lang_son_is_left_in_code_outside_data_and_defaults():
    """Any province: only the bundled data and the settings' defaults name Lạng Sơn."""
    allowed = {ROOT / "pakn" / "settings.py", ROOT / "pakn" / "settings_features.py"}
    found = []
    for path in (ROOT / "pakn").rglob("*"):
        if path.suffix not in {".py", ".html", ".txt", ".js", ".json", ".css", ".po"} or not path.is_file():
            continue
        if path in allowed or (ROOT / "pakn" / "org" / "data") in path.parents:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"Lạng Sơn|LẠNG SƠN|Lang Son|langson", text, flags=re.IGNORECASE):
            found.append(str(path.relative_to(ROOT)))
    assert found == []
