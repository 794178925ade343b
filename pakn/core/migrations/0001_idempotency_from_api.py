# The Idempotency-Key records moved from the API app to the core (issue 12): the model is taken over from
# api.0001 as it is, then its table is renamed; no row is lost.

import django.utils.timezone
from django.db import migrations, models

import pakn.core.crypto


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("scope", models.CharField(max_length=80)),
                        ("key", models.CharField(max_length=255)),
                        ("fingerprint", models.CharField(max_length=64)),
                        ("status_code", models.PositiveSmallIntegerField()),
                        ("content_type", models.CharField(max_length=100)),
                        ("body", pakn.core.crypto.EncryptedTextField()),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                    ],
                    options={
                        "verbose_name": "yêu cầu đã xử lý (Idempotency-Key)",
                        "verbose_name_plural": "yêu cầu đã xử lý (Idempotency-Key)",
                        "constraints": [
                            models.UniqueConstraint(fields=("scope", "key"), name="idempotency_unique_key")
                        ],
                        "db_table": "api_idempotencyrecord",
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="idempotencyrecord", table=None),
    ]
