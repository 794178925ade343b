"""Notifications, the outbox and its deliveries, followers; the message templates seeded from
pakn/notify/texts.py (an administrator edits them afterwards).

Squashed before go-live (docs/operations.md, "Migrations squashed before go-live"): replaces 0001-0011.
Step 0008 (marking the notifications written before `done_at` done) had nothing to do on a new database
and is gone.
"""

import django.db.models.deletion
import django.utils.timezone
import pakn.core.crypto
import uuid
from django.conf import settings
from django.db import migrations, models

# The kinds of notification (Kind in pakn/notify/models.py) that templates, outbox messages and
# preferences list.
KINDS = [
    ('received', 'Đã tiếp nhận phản ánh (người phản ánh)'),
    ('info_requested', 'Đề nghị bổ sung thông tin (người phản ánh)'),
    ('cancelled', 'Phản ánh bị hủy do quá hạn bổ sung (người phản ánh)'),
    ('rejected', 'Từ chối tiếp nhận (người phản ánh)'),
    ('result_published', 'Có kết quả xử lý (người phản ánh)'),
    ('clarified', 'Cơ quan đã trả lời làm rõ (người phản ánh)'),
    ('duplicate_linked', 'Phản ánh trùng được gộp vào phản ánh đã có (người phản ánh)'),
    ('follow_code', 'Mã xác nhận theo dõi phản ánh (người theo dõi)'),
    ('followed_update', 'Phản ánh đang theo dõi có cập nhật (người theo dõi)'),
    ('new_report', 'Phản ánh mới chờ tiếp nhận'),
    ('supplemented', 'Người phản ánh đã bổ sung thông tin'),
    ('routed', 'Phản ánh được chuyển đến cơ quan'),
    ('escalated', 'Phản ánh được chuyển lên cơ quan'),
    ('taken_over', 'Văn phòng UBND tỉnh chủ trì xử lý'),
    ('assigned', 'Được phân công xử lý'),
    ('result_submitted', 'Kết quả chờ duyệt'),
    ('result_returned', 'Kết quả bị trả lại'),
    ('opinion_requested', 'Xin ý kiến sở, ngành'),
    ('opinion_given', 'Sở, ngành đã cho ý kiến'),
    ('clarification_requested', 'Người phản ánh đề nghị làm rõ'),
    ('due_soon', 'Sắp đến hạn'),
    ('overdue', 'Quá hạn'),
    ('urged', 'Được đôn đốc xử lý'),
    ('daily_digest', 'Tổng hợp quá hạn hằng ngày'),
    ('sign_in_code', 'Mã đăng nhập Phản ánh của tôi (người dân)'),
]


def seed(apps, schema_editor):
    from pakn.notify.texts import seed_templates

    seed_templates(apps.get_model("notify", "MessageTemplate"))


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ("notify", "0001_initial"),
        ("notify", "0002_outbox_deliveries"),
        ("notify", "0003_seed_templates"),
        ("notify", "0004_sign_in_code"),
        ("notify", "0005_urged"),
        ("notify", "0006_kinds_urged_and_sign_in"),
        ("notify", "0007_notification_done"),
        ("notify", "0008_notifications_done_so_far"),
        ("notify", "0009_followers"),
        ("notify", "0010_seed_follower_templates"),
        ("notify", "0011_kinds_after_follow"),
    ]

    dependencies = [
        ('reports', '0001_squashed_0011_ban_lifting_opinion_overdue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MessageTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=KINDS, max_length=30, verbose_name='loại thông báo')),
                ('channel', models.CharField(choices=[('console', 'Trên hệ thống'), ('push', 'Thông báo đẩy'), ('email', 'Thư điện tử'), ('sms', 'Tin nhắn SMS')], max_length=10, verbose_name='kênh')),
                ('subject', models.CharField(blank=True, help_text='Tiêu đề thư điện tử, thông báo đẩy và thông báo trên hệ thống; SMS không dùng.', max_length=200, verbose_name='tiêu đề')),
                ('body', models.TextField(verbose_name='nội dung')),
                ('is_active', models.BooleanField(default=True, help_text='Tắt để không gửi loại thông báo này qua kênh này.', verbose_name='đang dùng')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='cập nhật')),
            ],
            options={
                'verbose_name': 'mẫu thông báo',
                'verbose_name_plural': 'mẫu thông báo',
                'ordering': ['kind', 'channel'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'channel'), name='template_unique_kind_channel')],
            },
        ),
        migrations.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=KINDS, max_length=30, verbose_name='loại')),
                ('dedupe_key', models.CharField(max_length=120, unique=True)),
                ('step', models.CharField(blank=True, max_length=20, verbose_name='bước')),
                ('step_started_at', models.DateTimeField(blank=True, null=True)),
                ('context', models.JSONField(blank=True, default=dict)),
                ('private_context', pakn.core.crypto.EncryptedTextField(blank=True)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='thời điểm tạo')),
                ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='reports.event', verbose_name='sự kiện')),
                ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.report', verbose_name='phản ánh')),
            ],
            options={
                'verbose_name': 'thông báo cần gửi',
                'verbose_name_plural': 'hộp thư đi',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Preference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=KINDS, max_length=30, verbose_name='loại thông báo')),
                ('console', models.BooleanField(default=True, verbose_name='trên hệ thống')),
                ('push', models.BooleanField(default=True, verbose_name='thông báo đẩy')),
                ('email', models.BooleanField(default=True, verbose_name='thư điện tử')),
                ('sms', models.BooleanField(default=False, verbose_name='SMS')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'lựa chọn nhận thông báo',
                'verbose_name_plural': 'lựa chọn nhận thông báo',
            },
        ),
        migrations.CreateModel(
            name='PushSubscription',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('follows', models.BooleanField(default=False)),
                ('endpoint', pakn.core.crypto.EncryptedTextField()),
                ('endpoint_hash', models.CharField(db_index=True, max_length=64)),
                ('p256dh', models.CharField(max_length=200)),
                ('auth', models.CharField(max_length=100)),
                ('user_agent', models.CharField(blank=True, max_length=200, verbose_name='trình duyệt')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='đăng ký lúc')),
                ('last_success_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi thành công gần nhất')),
                ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.report')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='push_subscriptions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'thiết bị nhận thông báo đẩy',
                'verbose_name_plural': 'thiết bị nhận thông báo đẩy',
            },
        ),
        migrations.CreateModel(
            name='Follower',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('sms', 'Tin nhắn SMS'), ('push', 'Thông báo đẩy')], max_length=10, verbose_name='kênh')),
                ('origin', models.CharField(choices=[('public', 'Tự đăng ký theo dõi'), ('duplicate', 'Người gửi phản ánh trùng')], default='public', max_length=10, verbose_name='nguồn')),
                ('phone', pakn.core.crypto.EncryptedTextField(blank=True, verbose_name='số điện thoại')),
                ('phone_hash', models.CharField(blank=True, db_index=True, max_length=64)),
                ('code_hash', models.CharField(blank=True, max_length=64)),
                ('code_expires_at', models.DateTimeField(blank=True, null=True)),
                ('code_attempts', models.PositiveSmallIntegerField(default=0)),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='xác nhận lúc')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='đăng ký lúc')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.report', verbose_name='phản ánh')),
                ('subscription', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='follower', to='notify.pushsubscription')),
            ],
            options={
                'verbose_name': 'người theo dõi phản ánh',
                'verbose_name_plural': 'người theo dõi phản ánh',
            },
        ),
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('console', 'Trên hệ thống'), ('push', 'Thông báo đẩy'), ('email', 'Thư điện tử'), ('sms', 'Tin nhắn SMS')], max_length=10, verbose_name='kênh')),
                ('to_reporter', models.BooleanField(default=False, verbose_name='gửi người phản ánh')),
                ('address', pakn.core.crypto.EncryptedTextField(blank=True, verbose_name='địa chỉ nhận')),
                ('idempotency_key', models.CharField(max_length=100, unique=True, verbose_name='khóa chống gửi trùng')),
                ('status', models.CharField(choices=[('pending', 'Chờ gửi'), ('sending', 'Đang gửi'), ('sent', 'Đã gửi'), ('failed', 'Gửi không thành công'), ('skipped', 'Bỏ qua')], default='pending', max_length=10, verbose_name='trạng thái')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='số lần thử')),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='thử lại lúc')),
                ('lease_until', models.DateTimeField(blank=True, null=True, verbose_name='giữ đến')),
                ('last_error', models.TextField(blank=True, verbose_name='lỗi gần nhất')),
                ('provider_ref', models.CharField(blank=True, max_length=200, verbose_name='mã của nhà cung cấp')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi lúc')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='tạo lúc')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='cập nhật')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='cán bộ nhận')),
                ('follower', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='notify.follower')),
                ('outbox', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='notify.outboxmessage', verbose_name='thông báo')),
                ('subscription', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='notify.pushsubscription', verbose_name='thiết bị nhận')),
            ],
            options={
                'verbose_name': 'lượt gửi',
                'verbose_name_plural': 'lượt gửi',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=30, verbose_name='loại')),
                ('title', models.CharField(max_length=200, verbose_name='tiêu đề')),
                ('body', models.TextField(blank=True, verbose_name='nội dung')),
                ('url', models.CharField(blank=True, max_length=300, verbose_name='đường dẫn')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='thời điểm')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='đã đọc lúc')),
                ('step', models.CharField(blank=True, max_length=20, verbose_name='bước cần làm')),
                ('step_started_at', models.DateTimeField(blank=True, null=True)),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='đã xong lúc')),
                ('delivery', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notification', to='notify.delivery')),
                ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.report', verbose_name='phản ánh')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='người nhận')),
            ],
            options={
                'verbose_name': 'thông báo trên hệ thống',
                'verbose_name_plural': 'thông báo trên hệ thống',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['user', 'read_at'], name='notification_user_unread'), models.Index(fields=['user', '-created_at'], name='notification_user_recent'), models.Index(fields=['user', 'done_at'], name='notification_user_open'), models.Index(fields=['report', 'done_at'], name='notification_report_open')],
            },
        ),
        migrations.AddConstraint(
            model_name='outboxmessage',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'due_soon')), fields=('report', 'step', 'step_started_at'), name='outbox_due_soon_once_per_step'),
        ),
        migrations.AddConstraint(
            model_name='preference',
            constraint=models.UniqueConstraint(fields=('user', 'kind'), name='preference_unique_user_kind'),
        ),
        migrations.AddConstraint(
            model_name='pushsubscription',
            constraint=models.CheckConstraint(condition=models.Q(('user__isnull', False), ('report__isnull', False), _connector='OR'), name='push_has_owner'),
        ),
        migrations.AddConstraint(
            model_name='pushsubscription',
            constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('endpoint_hash', 'user'), name='push_unique_user'),
        ),
        migrations.AddConstraint(
            model_name='pushsubscription',
            constraint=models.UniqueConstraint(condition=models.Q(('report__isnull', False)), fields=('endpoint_hash', 'report'), name='push_unique_report'),
        ),
        migrations.AddConstraint(
            model_name='follower',
            constraint=models.UniqueConstraint(condition=models.Q(('phone_hash', ''), _negated=True), fields=('report', 'phone_hash'), name='follower_once_per_phone'),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(fields=['status', 'next_attempt_at'], name='delivery_status_next'),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(fields=['status', 'lease_until'], name='delivery_status_lease'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
