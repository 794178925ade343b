from django.db import migrations


def seed(apps, schema_editor):
    from pakn.notify.texts import seed_templates

    seed_templates(apps.get_model("notify", "MessageTemplate"))


class Migration(migrations.Migration):
    dependencies = [("notify", "0002_outbox_deliveries")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
