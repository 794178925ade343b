"""The Idempotency-Key records (pakn/core/idempotency.py).

They were the API's until issue 12: this migration then took the model over from api.0001 and renamed its
table. Since the squash before go-live (docs/operations.md, "Migrations squashed before go-live") the API's
migrations never create that table, so on a new database this creates it directly; a database that applied
the old version of this migration keeps its table (Django does not run an applied migration again).
"""

import django.utils.timezone
import pakn.core.crypto
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=80)),
                ('key', models.CharField(max_length=255)),
                ('fingerprint', models.CharField(max_length=64)),
                ('status_code', models.PositiveSmallIntegerField()),
                ('content_type', models.CharField(max_length=100)),
                ('body', pakn.core.crypto.EncryptedTextField()),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'yêu cầu đã xử lý (Idempotency-Key)',
                'verbose_name_plural': 'yêu cầu đã xử lý (Idempotency-Key)',
                'constraints': [models.UniqueConstraint(fields=('scope', 'key'), name='idempotency_unique_key')],
            },
        ),
    ]
