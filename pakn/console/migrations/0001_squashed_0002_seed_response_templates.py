"""Client submissions and response templates; a few templates for every category, so a new
installation has examples the admin can edit.

Squashed before go-live (docs/operations.md, "Migrations squashed before go-live"): replaces 0001-0002.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TEMPLATES = [
    (
        "result",
        "Đã kiểm tra và khắc phục",
        "Sau khi tiếp nhận phản ánh, cơ quan đã cử cán bộ kiểm tra thực tế tại vị trí phản ánh. "
        "Kết quả kiểm tra: [nội dung]. Cơ quan đã chỉ đạo khắc phục xong vào ngày [ngày/tháng/năm]. "
        "Cảm ơn ông/bà đã phản ánh, góp phần xây dựng địa phương.",
    ),
    (
        "result",
        "Đã giao đơn vị chuyên môn xử lý",
        "Cơ quan đã kiểm tra và giao [tên đơn vị] xử lý dứt điểm trước ngày [ngày/tháng/năm]. "
        "Kết quả sẽ được cập nhật khi hoàn thành. Cảm ơn ông/bà đã phản ánh.",
    ),
    (
        "result",
        "Phản ánh không đúng thực tế",
        "Cơ quan đã kiểm tra thực tế tại vị trí phản ánh vào ngày [ngày/tháng/năm]; nội dung phản ánh không "
        "đúng với thực tế: [nội dung]. Đề nghị ông/bà liên hệ [đầu mối] nếu cần trao đổi thêm.",
    ),
    (
        "clarify",
        "Làm rõ thời gian hoàn thành",
        "Cơ quan xin trả lời: việc khắc phục dự kiến hoàn thành trước ngày [ngày/tháng/năm]. "
        "Ông/bà có thể theo dõi tiến độ bằng mã phản ánh.",
    ),
    (
        "request_info",
        "Bổ sung vị trí cụ thể",
        "Đề nghị ông/bà bổ sung vị trí cụ thể (số nhà, tên đường, thôn/tổ dân phố hoặc điểm mốc gần nhất) "
        "để cơ quan chuyển đúng nơi xử lý.",
    ),
    (
        "request_info",
        "Bổ sung ảnh hiện trường",
        "Đề nghị ông/bà bổ sung ảnh chụp hiện trường để cơ quan xác minh và xử lý nhanh hơn.",
    ),
]


def seed(apps, schema_editor):
    ResponseTemplate = apps.get_model("console", "ResponseTemplate")
    if ResponseTemplate.objects.exists():
        return
    for i, (purpose, title, body) in enumerate(TEMPLATES):
        ResponseTemplate.objects.create(purpose=purpose, title=title, body=body, position=i)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ("console", "0001_initial"),
        ("console", "0002_seed_response_templates"),
    ]

    dependencies = [
        ('org', '0001_squashed_0007_category_proposals'),
        ('reports', '0001_squashed_0011_ban_lifting_opinion_overdue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ClientSubmission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64, unique=True)),
                ('action', models.CharField(max_length=30)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='reports.event')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.report')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'biểu mẫu đã nhận',
                'verbose_name_plural': 'biểu mẫu đã nhận',
            },
        ),
        migrations.CreateModel(
            name='ResponseTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='tên mẫu')),
                ('purpose', models.CharField(choices=[('result', 'Kết quả xử lý'), ('clarify', 'Trả lời làm rõ'), ('request_info', 'Đề nghị bổ sung thông tin')], default='result', max_length=20, verbose_name='dùng cho')),
                ('body', models.TextField(verbose_name='nội dung')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='thứ tự')),
                ('is_active', models.BooleanField(default=True, verbose_name='đang dùng')),
                ('category', models.ForeignKey(blank=True, help_text='Để trống: dùng cho mọi lĩnh vực', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='response_templates', to='org.category', verbose_name='lĩnh vực')),
            ],
            options={
                'verbose_name': 'mẫu trả lời',
                'verbose_name_plural': 'mẫu trả lời',
                'ordering': ['purpose', 'position', 'title'],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
