# The one public search (issue 12): a normalised copy of each report's public text, filled for the existing
# reports, and on PostgreSQL a trigram GIN index that answers LIKE '%word%' without a scan.

from django.db import migrations, models

BATCH = 1000


def fill(apps, schema_editor):
    from pakn.reports.search import SEARCH_FIELDS, search_text_of

    Report = apps.get_model("reports", "Report")
    last = 0
    while True:
        rows = list(
            Report.objects.filter(pk__gt=last).order_by("pk").values("pk", *SEARCH_FIELDS)[:BATCH]
        )
        if not rows:
            return
        Report.objects.bulk_update(
            [Report(pk=row["pk"], search_text=search_text_of(row)) for row in rows], ["search_text"]
        )
        last = rows[-1]["pk"]


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS report_search_trgm ON reports_report USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS report_search_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0006_deadline_nature"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
