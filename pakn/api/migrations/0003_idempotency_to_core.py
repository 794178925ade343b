# The Idempotency-Key records now belong to the core (core.0001 took the table over): forget the model here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0002_token_credentials"),
        ("core", "0001_idempotency_from_api"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
        ),
    ]
