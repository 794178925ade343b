"""A separate installation for the backup test, driven in its own process (its own database and data
directory from the environment): `python -m tests.core.backup_driver setup|continue STATE_FILE`.

setup: migrate, load the areas, create the staff, a citizen submits on the portal (with a photo) and the IOC
forwards; continue (after backup, wipe and restore): the personal data still decrypts, the photo is there, the
commune handles the case, the reporter rates it and every notification is delivered.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _setup(state_file: Path) -> None:
    from django.core.management import call_command

    from pakn.org.models import Agency, Area, Category, User
    from pakn.org.services import org_import
    from tests.conftest import make_user
    from tests.core.journey import ioc_forward, jpeg, portal_submit

    call_command("migrate", interactive=False, verbosity=0)
    org_import(dataset="2025")
    ioc = Agency.objects.get(code="ioc")
    commune = Agency.objects.get(code="ubnd-2025-5977")
    staff = {
        "operator": make_user(ioc, User.Role.OPERATOR),
        "leader": make_user(commune, User.Role.LEADER),
        "officer": make_user(commune, User.Role.OFFICER),
    }
    outcome = portal_submit(
        area=Area.objects.get(dataset="2025", code="5977"),
        category=Category.objects.get(code="ve-sinh-moi-truong"),
        photo=jpeg(),
    )
    ioc_forward(outcome, operator=staff["operator"])
    state = {**outcome.__dict__, "staff": {k: u.username for k, u in staff.items()}}
    state_file.write_text(json.dumps(state))


def _continue(state_file: Path) -> None:
    from pakn.notify.models import Delivery
    from pakn.org.models import User
    from pakn.reports.models import Report
    from tests.core.journey import Outcome, Reporter, commune_handle, deliver_all, reporter_rate

    state = json.loads(state_file.read_text())
    staff = {k: User.objects.get(username=v) for k, v in state.pop("staff").items()}
    outcome = Outcome(**state)
    report = Report.objects.get(pk=outcome.report_id)
    assert (report.reporter_name, report.reporter_phone) == (Reporter().name, "+84987654321"), "personal data"
    attachment = report.attachments.get()
    with attachment.file.open("rb") as f:
        assert f.read(2) == b"\xff\xd8", "the photo"
    assert report.state == "routed"
    commune_handle(outcome, leader=staff["leader"], officer=staff["officer"])
    reporter_rate(outcome)
    counts = deliver_all()
    assert set(counts) == {Delivery.Status.SENT}, counts
    print(json.dumps({"state": Report.objects.get(pk=outcome.report_id).state, "deliveries": counts}))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pakn.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client, e-mail kept in memory
    phase, state_file = sys.argv[1], Path(sys.argv[2])
    {"setup": _setup, "continue": _continue}[phase](state_file)


if __name__ == "__main__":
    main()
