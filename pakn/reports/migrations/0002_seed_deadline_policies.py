"""Seed the deadline policies with the defaults of R-7 (docs/deadlines.md)."""

from django.db import migrations


def seed(apps, schema_editor):
    from pakn.reports.sla import seed_defaults

    seed_defaults(apps.get_model("reports", "DeadlinePolicy"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
