"""Portal submissions, stashed uploads and the citizens' sign-in (Phản ánh của tôi).

Squashed before go-live (docs/operations.md, "Migrations squashed before go-live"): replaces 0001-0003.
"""

import django.db.models.deletion
import django.utils.timezone
import pakn.core.crypto
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ("portal", "0001_initial"),
        ("portal", "0002_submission_sender"),
        ("portal", "0003_my_reports_sign_in"),
    ]

    dependencies = [
        ('reports', '0001_squashed_0011_ban_lifting_opinion_overdue'),
    ]

    operations = [
        migrations.CreateModel(
            name='CitizenSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_hash', models.CharField(max_length=64, unique=True)),
                ('phone_hash', models.CharField(db_index=True, max_length=64)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'phiên Phản ánh của tôi',
                'verbose_name_plural': 'phiên Phản ánh của tôi',
            },
        ),
        migrations.CreateModel(
            name='SignInChallenge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_hash', models.CharField(max_length=64, unique=True)),
                ('phone_hash', models.CharField(db_index=True, max_length=64)),
                ('code_hash', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'mã đăng nhập Phản ánh của tôi',
                'verbose_name_plural': 'mã đăng nhập Phản ánh của tôi',
            },
        ),
        migrations.CreateModel(
            name='StashedUpload',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('form_key', models.UUIDField(db_index=True)),
                ('file', models.FileField(upload_to='portal-stash/%Y/%m/')),
                ('name', models.CharField(max_length=200)),
                ('kind', models.CharField(max_length=10)),
                ('content_type', models.CharField(max_length=100)),
                ('size', models.PositiveBigIntegerField()),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='PortalSubmission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.UUIDField(unique=True, verbose_name='khóa gửi')),
                ('secret', pakn.core.crypto.EncryptedTextField(blank=True)),
                ('sender_hash', models.CharField(blank=True, default='', max_length=64)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('report', models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='portal_submission', to='reports.report')),
            ],
            options={
                'verbose_name': 'lượt gửi qua cổng',
                'verbose_name_plural': 'lượt gửi qua cổng',
            },
        ),
    ]
