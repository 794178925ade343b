"""Seed the 2026 New Year swap that holidays.VN lacks: 2 Jan 2026 off, Saturday 10 Jan 2026 worked."""

import datetime

from django.db import migrations

SEED = [
    (datetime.date(2026, 1, 2), "day_off", "Nghỉ bù Tết Dương lịch 2026"),
    (datetime.date(2026, 1, 10), "working_day", "Làm bù cho ngày 02/01/2026"),
]


def seed(apps, schema_editor):
    CalendarOverride = apps.get_model("workdays", "CalendarOverride")
    for day, kind, name in SEED:
        CalendarOverride.objects.get_or_create(date=day, defaults={"kind": kind, "name": name})


def unseed(apps, schema_editor):
    CalendarOverride = apps.get_model("workdays", "CalendarOverride")
    for day, kind, _name in SEED:
        CalendarOverride.objects.filter(date=day, kind=kind).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
