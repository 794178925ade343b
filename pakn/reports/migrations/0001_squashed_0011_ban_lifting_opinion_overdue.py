"""Reports, their timeline and deadlines; the deadline policies seeded with the defaults of R-7
(docs/deadlines.md); on PostgreSQL the trigram index of the public search (pg_trgm).

Squashed before go-live (docs/operations.md, "Migrations squashed before go-live"): replaces 0001-0011.
Its steps that only transformed existing rows (re-sealing unkeyed chains, filling search_text,
classifying the open reports' deadlines, tying attachments and bans to their events) have nothing to do
on a new database and are gone; the policies are seeded with their nature and article at once.
"""

import django.db.models.deletion
import django.utils.timezone
import pakn.core.crypto
from django.conf import settings
from django.db import migrations, models

def seed(apps, schema_editor):
    from pakn.reports.sla import seed_defaults

    seed_defaults(apps.get_model("reports", "DeadlinePolicy"))


def trigram_index(apps, schema_editor):
    """The public search's LIKE '%word%' answered by a trigram GIN index (pakn/reports/search.py)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS report_search_trgm ON reports_report USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS report_search_trgm")


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ("reports", "0001_initial"),
        ("reports", "0002_seed_deadline_policies"),
        ("reports", "0003_statistics_indexes"),
        ("reports", "0004_tamper_evidence_public_text"),
        ("reports", "0005_public_list_indexes"),
        ("reports", "0006_deadline_nature"),
        ("reports", "0007_search_text"),
        ("reports", "0008_attachment_uploader_publication"),
        ("reports", "0009_event_note_public"),
        ("reports", "0010_me_too"),
        ("reports", "0011_ban_lifting_opinion_overdue"),
    ]

    dependencies = [
        ('org', '0001_squashed_0007_category_proposals'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(unique=True)),
                ('created_at', models.DateTimeField()),
                ('body', models.TextField()),
                ('signature', models.CharField(max_length=200)),
            ],
            options={
                'verbose_name': 'mốc kiểm toán',
                'verbose_name_plural': 'mốc kiểm toán',
                'ordering': ['number'],
            },
        ),
        migrations.CreateModel(
            name='DeadlinePolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step', models.CharField(choices=[('triage', 'Kiểm tra, chuyển xử lý (IOC)'), ('supplement', 'Bổ sung thông tin'), ('assign', 'Phân công xử lý'), ('handle', 'Xác minh, báo cáo kết quả'), ('approve', 'Duyệt kết quả'), ('escalate', 'Chuyển cấp trên'), ('coordinate', 'Phối hợp xử lý cấp tỉnh'), ('opinion', 'Ý kiến sở, ngành'), ('clarify', 'Trả lời làm rõ')], max_length=20, verbose_name='bước')),
                ('agency_kind', models.CharField(blank=True, choices=[('ioc', 'Trung tâm IOC'), ('supervisor', 'Văn phòng UBND tỉnh'), ('department', 'Sở, ngành'), ('district', 'UBND cấp huyện'), ('commune', 'UBND cấp xã'), ('enterprise', 'Doanh nghiệp công ích')], help_text='Để trống: áp dụng cho mọi loại cơ quan không có quy định riêng', max_length=20, verbose_name='loại cơ quan')),
                ('is_complex', models.BooleanField(default=False, verbose_name='vụ việc phức tạp')),
                ('amount', models.PositiveIntegerField(verbose_name='thời hạn')),
                ('unit', models.CharField(choices=[('hours', 'giờ'), ('working_hours', 'giờ làm việc'), ('working_days', 'ngày làm việc'), ('days', 'ngày')], max_length=20, verbose_name='đơn vị')),
                ('nature', models.CharField(choices=[('statutory', 'Thời hạn theo Quy chế (tính trễ hạn)'), ('target', 'Chỉ tiêu nội bộ (chỉ nhắc việc)')], default='target', help_text='Thời hạn theo Quy chế được tính vào số liệu trễ hạn, xếp hạng và thông tin công khai; chỉ tiêu nội bộ chỉ dùng để nhắc việc.', max_length=10, verbose_name='tính chất')),
                ('article', models.CharField(blank=True, help_text='Bắt buộc với thời hạn theo Quy chế, ví dụ: Điểm a khoản 3 Điều 7.', max_length=200, verbose_name='điều, khoản của Quy chế')),
                ('basis', models.CharField(blank=True, max_length=300, verbose_name='căn cứ')),
            ],
            options={
                'verbose_name': 'thời hạn xử lý',
                'verbose_name_plural': 'thời hạn xử lý',
                'ordering': ['step', 'agency_kind', 'is_complex'],
                'constraints': [models.UniqueConstraint(fields=('step', 'agency_kind', 'is_complex'), name='policy_unique_step')],
            },
        ),
        migrations.CreateModel(
            name='Report',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tracking_code', models.CharField(max_length=12, unique=True, verbose_name='mã tra cứu')),
                ('secret_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('channel', models.CharField(choices=[('web', 'Cổng thông tin'), ('app', 'Ứng dụng di động'), ('api', 'API'), ('open311', 'Open311'), ('staff', 'Cán bộ nhập')], max_length=10, verbose_name='kênh')),
                ('title', models.CharField(blank=True, max_length=200, verbose_name='tiêu đề')),
                ('content', models.TextField(verbose_name='nội dung')),
                ('public_title', models.CharField(blank=True, max_length=200, verbose_name='tiêu đề công khai')),
                ('public_content', models.TextField(blank=True, verbose_name='nội dung công khai')),
                ('text_public', models.BooleanField(default=False, verbose_name='đã công khai nội dung')),
                ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='vĩ độ')),
                ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='kinh độ')),
                ('address_text', models.CharField(blank=True, max_length=300, verbose_name='địa điểm')),
                ('reporter_kind', models.CharField(choices=[('person', 'Cá nhân'), ('organisation', 'Tổ chức')], default='person', max_length=15, verbose_name='người gửi là')),
                ('reporter_name', pakn.core.crypto.EncryptedTextField(blank=True, verbose_name='họ và tên')),
                ('reporter_address', pakn.core.crypto.EncryptedTextField(blank=True, verbose_name='địa chỉ liên hệ')),
                ('reporter_phone', pakn.core.crypto.EncryptedTextField(blank=True, verbose_name='số điện thoại')),
                ('reporter_id_number', pakn.core.crypto.EncryptedTextField(blank=True, verbose_name='số CMND/CCCD')),
                ('reporter_email', pakn.core.crypto.EncryptedTextField(blank=True, verbose_name='thư điện tử')),
                ('phone_hash', models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
                ('id_number_hash', models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
                ('declared_truthful', models.BooleanField(default=False, verbose_name='cam kết thông tin trung thực')),
                ('state', models.CharField(choices=[('received', 'Chờ tiếp nhận'), ('awaiting_info', 'Chờ bổ sung thông tin'), ('routed', 'Chờ phân công'), ('in_progress', 'Đang xử lý'), ('awaiting_approval', 'Chờ duyệt kết quả'), ('coordinating', 'Đang phối hợp xử lý'), ('resolved', 'Đã xử lý'), ('rejected', 'Từ chối tiếp nhận'), ('cancelled', 'Đã hủy')], default='received', max_length=20, verbose_name='trạng thái')),
                ('agency_since', models.DateTimeField(blank=True, null=True, verbose_name='nhận tại cơ quan lúc')),
                ('step', models.CharField(blank=True, choices=[('triage', 'Kiểm tra, chuyển xử lý (IOC)'), ('supplement', 'Bổ sung thông tin'), ('assign', 'Phân công xử lý'), ('handle', 'Xác minh, báo cáo kết quả'), ('approve', 'Duyệt kết quả'), ('escalate', 'Chuyển cấp trên'), ('coordinate', 'Phối hợp xử lý cấp tỉnh'), ('opinion', 'Ý kiến sở, ngành'), ('clarify', 'Trả lời làm rõ')], max_length=20, verbose_name='bước hiện tại')),
                ('step_started_at', models.DateTimeField(blank=True, null=True, verbose_name='bắt đầu bước')),
                ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='hạn bước hiện tại')),
                ('escalate_by', models.DateTimeField(blank=True, null=True, verbose_name='hạn chuyển cấp trên')),
                ('step_statutory', models.BooleanField(default=False, verbose_name='hạn bước theo Quy chế')),
                ('escalate_statutory', models.BooleanField(default=False, verbose_name='hạn chuyển cấp trên theo Quy chế')),
                ('overdue_at', models.DateTimeField(blank=True, null=True, verbose_name='quá hạn theo Quy chế từ')),
                ('overdue_noted', models.BooleanField(default=False, editable=False)),
                ('is_complex', models.BooleanField(default=False, verbose_name='phức tạp')),
                ('is_state_secret', models.BooleanField(default=False, verbose_name='bí mật nhà nước')),
                ('is_valuable', models.BooleanField(default=False, verbose_name='có giá trị')),
                ('is_abusive', models.BooleanField(default=False, verbose_name='sai sự thật, lợi dụng')),
                ('result_text', models.TextField(blank=True, verbose_name='kết quả xử lý')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm có kết quả')),
                ('closed_reason', models.TextField(blank=True, verbose_name='lý do từ chối/hủy')),
                ('clarification_pending', models.BooleanField(default=False, verbose_name='đang chờ làm rõ')),
                ('rating', models.CharField(blank=True, choices=[('satisfied', 'Hài lòng'), ('acceptable', 'Chấp nhận được'), ('unsatisfied', 'Không hài lòng')], max_length=15, verbose_name='đánh giá')),
                ('rated_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm đánh giá')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='thời điểm gửi')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='cập nhật')),
                ('search_text', models.TextField(blank=True, default='', editable=False)),
                ('version', models.PositiveIntegerField(default=0, editable=False)),
                ('head_hash', models.CharField(blank=True, editable=False, max_length=64)),
                ('event_count', models.PositiveIntegerField(default=0, editable=False)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='org.agency', verbose_name='cơ quan đang xử lý')),
                ('area', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='org.area', verbose_name='xã/phường')),
                ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assigned_reports', to=settings.AUTH_USER_MODEL, verbose_name='cán bộ xử lý')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='org.category', verbose_name='lĩnh vực')),
            ],
            options={
                'verbose_name': 'phản ánh, kiến nghị',
                'verbose_name_plural': 'phản ánh, kiến nghị',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='PersonalDataAccess',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('view', 'Xem'), ('search', 'Tra cứu')], max_length=10)),
                ('detail', models.CharField(blank=True, max_length=200)),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reports.report')),
            ],
            options={
                'verbose_name': 'truy cập dữ liệu cá nhân',
                'verbose_name_plural': 'nhật ký truy cập dữ liệu cá nhân',
                'ordering': ['-at'],
            },
        ),
        migrations.CreateModel(
            name='OpinionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('question', models.TextField(verbose_name='nội dung xin ý kiến')),
                ('requested_at', models.DateTimeField()),
                ('due_at', models.DateTimeField(verbose_name='hạn trả lời')),
                ('statutory', models.BooleanField(default=False, verbose_name='hạn theo Quy chế')),
                ('answer', models.TextField(blank=True, verbose_name='ý kiến')),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('overdue_noted_at', models.DateTimeField(blank=True, null=True, verbose_name='ghi nhận quá hạn lúc')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='org.agency', verbose_name='sở, ngành')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opinion_requests', to='reports.report')),
            ],
            options={
                'verbose_name': 'xin ý kiến sở, ngành',
                'verbose_name_plural': 'xin ý kiến sở, ngành',
                'ordering': ['requested_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='MeToo',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('voter', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='thời điểm')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='me_too', to='reports.report')),
            ],
            options={
                'verbose_name': 'người cũng gặp',
                'verbose_name_plural': 'người cũng gặp',
            },
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveIntegerField()),
                ('at', models.DateTimeField(verbose_name='thời điểm')),
                ('actor_kind', models.CharField(choices=[('staff', 'Cán bộ'), ('reporter', 'Người phản ánh'), ('system', 'Hệ thống')], max_length=10)),
                ('action', models.CharField(max_length=30, verbose_name='hành động')),
                ('from_state', models.CharField(blank=True, max_length=20)),
                ('to_state', models.CharField(max_length=20)),
                ('step', models.CharField(blank=True, max_length=20, verbose_name='bước đã hoàn thành')),
                ('step_due_at', models.DateTimeField(null=True, verbose_name='hạn của bước')),
                ('on_time', models.BooleanField(null=True, verbose_name='đúng hạn')),
                ('statutory', models.BooleanField(null=True, verbose_name='hạn theo Quy chế')),
                ('due_at', models.DateTimeField(null=True, verbose_name='hạn bước tiếp theo')),
                ('overdue_at', models.DateTimeField(null=True, verbose_name='quá hạn theo Quy chế từ')),
                ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                ('note_public', models.BooleanField(default=False, verbose_name='công khai ghi chú')),
                ('visibility', models.CharField(choices=[('public', 'Công khai'), ('reporter', 'Người phản ánh và cán bộ'), ('internal', 'Nội bộ')], max_length=10)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('prev_hash', models.CharField(blank=True, max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('key_id', models.CharField(blank=True, max_length=8)),
                ('sealed_fields', models.JSONField(blank=True, default=dict)),
                ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL, verbose_name='người thực hiện')),
                ('agency', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.agency', verbose_name='cơ quan')),
                ('target_agency', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.agency', verbose_name='chuyển đến')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='reports.report')),
            ],
            options={
                'verbose_name': 'sự kiện',
                'verbose_name_plural': 'dòng thời gian',
                'ordering': ['report', 'seq'],
            },
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('image', 'Ảnh'), ('video', 'Video'), ('audio', 'Ghi âm')], max_length=10, verbose_name='loại')),
                ('file', models.FileField(upload_to='private/%Y/%m/', verbose_name='tệp gốc')),
                ('public_file', models.FileField(blank=True, upload_to='public/%Y/%m/', verbose_name='bản công khai')),
                ('content_type', models.CharField(max_length=100)),
                ('size', models.PositiveBigIntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_by_reporter', models.BooleanField(default=True)),
                ('redacted', models.BooleanField(default=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='reports.event')),
                ('published_by_event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='published_attachments', to='reports.event')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='reports.report')),
            ],
            options={
                'verbose_name': 'tệp đính kèm',
                'verbose_name_plural': 'tệp đính kèm',
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReporterBan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phone_hash', models.CharField(blank=True, db_index=True, max_length=64)),
                ('id_number_hash', models.CharField(blank=True, db_index=True, max_length=64)),
                ('reason', models.TextField(verbose_name='lý do')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('lifted_at', models.DateTimeField(blank=True, null=True, verbose_name='đã gỡ lúc')),
                ('lift_reason', models.TextField(blank=True, verbose_name='lý do gỡ')),
                ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.agency', verbose_name='cơ quan hạn chế')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('lifted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người gỡ')),
                ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='bans', to='reports.report', verbose_name='phản ánh')),
            ],
            options={
                'verbose_name': 'hạn chế gửi phản ánh',
                'verbose_name_plural': 'hạn chế gửi phản ánh',
            },
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['state', 'due_at'], name='report_state_due'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['agency', 'state', 'due_at'], name='report_agency_state_due'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['assignee', 'state'], name='report_assignee_state'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['updated_at'], name='report_updated'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['state', 'overdue_at'], name='report_state_overdue'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['agency', 'state', 'overdue_at'], name='report_agency_state_overdue'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['area', 'created_at'], name='report_area_created'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['category', 'created_at'], name='report_category_created'),
        ),
        migrations.AddConstraint(
            model_name='metoo',
            constraint=models.UniqueConstraint(fields=('report', 'voter'), name='me_too_once_per_voter'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['step', 'at'], name='event_step_at'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['agency', 'at'], name='event_agency_at'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['action', 'at'], name='event_action_at'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['target_agency', 'at'], name='event_target_at'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.UniqueConstraint(fields=('report', 'seq'), name='event_unique_seq'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
