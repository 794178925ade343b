"""Seed the seven categories of R-6.1 (lĩnh vực); an administrator edits them afterwards."""

from django.db import migrations

CATEGORIES = [
    ("an-ninh-trat-tu", "An ninh, trật tự"),
    ("an-toan-giao-thong", "An toàn giao thông"),
    ("ve-sinh-moi-truong", "Vệ sinh môi trường"),
    ("y-te", "Y tế"),
    ("trat-tu-do-thi", "Trật tự đô thị"),
    ("vien-thong", "Viễn thông"),
    ("linh-vuc-khac", "Lĩnh vực khác"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("org", "Category")
    for position, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    # Unapplying keeps the rows: reports may point at them, and they are harmless.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
