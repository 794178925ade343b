from django.db import migrations


def seed(apps, schema_editor):
    """The texts of the new kinds (duplicate linked, follower code and update); existing texts are kept."""
    from pakn.notify.texts import seed_templates

    seed_templates(apps.get_model("notify", "MessageTemplate"))


class Migration(migrations.Migration):
    dependencies = [("notify", "0009_followers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
