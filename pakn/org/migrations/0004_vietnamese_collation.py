"""Names of areas, agencies and categories sort in Vietnamese alphabetical order (collation `vi`)."""

from django.db import migrations, models

from pakn.core.collation import COLLATION, POSTGRES_CREATE


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


class Migration(migrations.Migration):
    dependencies = [("org", "0003_account_events")]

    operations = [
        migrations.RunPython(create_collation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="area", name="name",
            field=models.CharField(db_collation=COLLATION, max_length=200, verbose_name="tên"),
        ),
        migrations.AlterField(
            model_name="agency", name="name",
            field=models.CharField(db_collation=COLLATION, max_length=200, verbose_name="tên"),
        ),
        migrations.AlterField(
            model_name="category", name="name",
            field=models.CharField(db_collation=COLLATION, max_length=200, verbose_name="tên"),
        ),
    ]
