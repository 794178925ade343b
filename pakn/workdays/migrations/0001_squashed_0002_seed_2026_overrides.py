"""The working calendar's overrides, and the 2026 New Year swap that holidays.VN lacks (2 Jan 2026 off,
Saturday 10 Jan 2026 worked).

Squashed before go-live (docs/operations.md, "Upgrading"): replaces 0001-0002.
"""

import datetime

from django.db import migrations, models

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

    initial = True

    replaces = [
        ("workdays", "0001_initial"),
        ("workdays", "0002_seed_2026_overrides"),
    ]

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='CalendarOverride',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='ngày')),
                ('kind', models.CharField(choices=[('day_off', 'Ngày nghỉ'), ('working_day', 'Ngày làm việc bù')], max_length=20, verbose_name='loại')),
                ('name', models.CharField(help_text='Ví dụ: “Nghỉ bù Tết Dương lịch 2026”, “Làm bù cho ngày 02/01/2026”.', max_length=200, verbose_name='tên gọi')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm tạo')),
            ],
            options={
                'verbose_name': 'ngày nghỉ, ngày làm bù',
                'verbose_name_plural': 'ngày nghỉ, ngày làm bù',
                'ordering': ['date'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['day_off', 'working_day'])), name='workdays_override_kind_valid')],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]
