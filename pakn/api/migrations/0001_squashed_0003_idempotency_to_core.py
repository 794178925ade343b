"""API tokens. (The Idempotency-Key records the first API migrations created belong to the core:
core/0001.)

Squashed before go-live (docs/operations.md, "Migrations squashed before go-live"): replaces 0001-0003.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ("api", "0001_initial"),
        ("api", "0002_token_credentials"),
        ("api", "0003_idempotency_to_core"),
    ]

    dependencies = [
        ('otp_totp', '0003_add_timestamps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('device_name', models.CharField(max_length=100, verbose_name='thiết bị')),
                ('prefix', models.CharField(help_text='Vài ký tự đầu để nhận ra mã', max_length=12, verbose_name='đầu mã')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='cấp lúc')),
                ('expires_at', models.DateTimeField(verbose_name='hết hạn lúc')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='dùng lần cuối')),
                ('last_used_ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='địa chỉ dùng lần cuối')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='thu hồi lúc')),
                ('revoked_reason', models.CharField(blank=True, choices=[('owner', 'chủ tài khoản thu hồi'), ('admin', 'quản trị thu hồi'), ('password', 'mật khẩu đã đổi'), ('second_factor', 'xác thực hai lớp đã đặt lại'), ('policy', 'chưa có xác thực hai lớp theo quy định')], default='', max_length=20, verbose_name='lý do thu hồi')),
                ('credential_stamp', models.CharField(default='', editable=False, max_length=64)),
                ('with_second_factor', models.BooleanField(default=False, verbose_name='cấp kèm xác thực hai lớp')),
                ('otp_device', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='otp_totp.totpdevice')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='tài khoản')),
            ],
            options={
                'verbose_name': 'mã truy cập API',
                'verbose_name_plural': 'mã truy cập API',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['user', 'revoked_at'], name='apitoken_user_revoked')],
            },
        ),
    ]
