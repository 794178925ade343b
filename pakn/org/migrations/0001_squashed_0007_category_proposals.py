"""Agencies, areas, staff accounts and categories; the seven categories of R-6.1 (lĩnh vực), which an
administrator edits afterwards.

Names of areas, agencies and categories sort in Vietnamese order: on PostgreSQL the ICU collation `vi`
is created before the columns that use it (pakn/core/collation.py).

Squashed before go-live (docs/operations.md, "Migrations squashed before go-live"): replaces 0001-0007.
"""

import django.contrib.auth.models
import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from pakn.core.collation import POSTGRES_CREATE

CATEGORIES = [
    ("an-ninh-trat-tu", "An ninh, trật tự"),
    ("an-toan-giao-thong", "An toàn giao thông"),
    ("ve-sinh-moi-truong", "Vệ sinh môi trường"),
    ("y-te", "Y tế"),
    ("trat-tu-do-thi", "Trật tự đô thị"),
    ("vien-thong", "Viễn thông"),
    ("linh-vuc-khac", "Lĩnh vực khác"),
]


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def seed(apps, schema_editor):
    Category = apps.get_model("org", "Category")
    for position, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ("org", "0001_initial"),
        ("org", "0002_seed_categories"),
        ("org", "0003_account_events"),
        ("org", "0004_vietnamese_collation"),
        ("org", "0005_area_boundaries"),
        ("org", "0006_focal_help_text"),
        ("org", "0007_category_proposals"),
    ]

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(create_collation, migrations.RunPython.noop),
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                ('role', models.CharField(blank=True, choices=[('operator', 'Cán bộ tiếp nhận (IOC)'), ('leader', 'Lãnh đạo'), ('officer', 'Cán bộ xử lý'), ('specialist', 'Chuyên viên sở, ngành'), ('supervisor', 'Giám sát (Văn phòng UBND tỉnh)'), ('admin', 'Quản trị hệ thống')], max_length=20, verbose_name='vai trò')),
                ('is_focal', models.BooleanField(default=False, help_text='Cán bộ đầu mối của cơ quan (theo Điều 14 Quy chế)', verbose_name='đầu mối')),
                ('phone', models.CharField(blank=True, max_length=20, verbose_name='điện thoại')),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
            ],
            options={
                'verbose_name': 'tài khoản cán bộ',
                'verbose_name_plural': 'tài khoản cán bộ',
            },
            managers=[
                ('objects', django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name='AccountEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('second_factor_reset', 'Đặt lại xác thực hai lớp')], max_length=40, verbose_name='thao tác')),
                ('reason', models.TextField(verbose_name='lý do')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='thời điểm')),
                ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người thực hiện')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='account_events', to=settings.AUTH_USER_MODEL, verbose_name='tài khoản')),
            ],
            options={
                'verbose_name': 'nhật ký tài khoản',
                'verbose_name_plural': 'nhật ký tài khoản',
                'ordering': ['-at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Agency',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(unique=True, verbose_name='mã')),
                ('name', models.CharField(db_collation='vi', max_length=200, verbose_name='tên')),
                ('kind', models.CharField(choices=[('ioc', 'Trung tâm IOC'), ('supervisor', 'Văn phòng UBND tỉnh'), ('department', 'Sở, ngành'), ('district', 'UBND cấp huyện'), ('commune', 'UBND cấp xã'), ('enterprise', 'Doanh nghiệp công ích')], db_index=True, max_length=20, verbose_name='loại')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='thư điện tử')),
                ('phone', models.CharField(blank=True, max_length=20, verbose_name='điện thoại')),
                ('is_active', models.BooleanField(default=True, verbose_name='đang hoạt động')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='org.agency', verbose_name='cấp trên (nơi chuyển vượt thẩm quyền)')),
            ],
            options={
                'verbose_name': 'cơ quan xử lý',
                'verbose_name_plural': 'cơ quan xử lý',
                'ordering': ['kind', 'name'],
            },
        ),
        migrations.AddField(
            model_name='user',
            name='agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='org.agency', verbose_name='cơ quan'),
        ),
        migrations.CreateModel(
            name='Area',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('dataset', models.CharField(help_text='2022 hoặc 2025', max_length=10, verbose_name='bộ dữ liệu')),
                ('code', models.CharField(max_length=10, verbose_name='mã')),
                ('name', models.CharField(db_collation='vi', max_length=200, verbose_name='tên')),
                ('kind', models.CharField(choices=[('province', 'Tỉnh'), ('district', 'Huyện'), ('commune', 'Xã/phường')], max_length=10, verbose_name='cấp')),
                ('type_label', models.CharField(blank=True, help_text='tỉnh, huyện, xã, phường…', max_length=50, verbose_name='loại')),
                ('legacy_codes', models.JSONField(blank=True, default=list, help_text='Mã các đơn vị trước sắp xếp năm 2025', verbose_name='mã cũ')),
                ('is_active', models.BooleanField(default=True, verbose_name='đang dùng')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='org.area', verbose_name='thuộc')),
            ],
            options={
                'verbose_name': 'đơn vị hành chính',
                'verbose_name_plural': 'đơn vị hành chính',
                'ordering': ['dataset', 'kind', 'name'],
            },
        ),
        migrations.AddField(
            model_name='agency',
            name='area',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='agencies', to='org.area', verbose_name='địa bàn'),
        ),
        migrations.CreateModel(
            name='AreaBoundary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('geometry', models.JSONField(verbose_name='ranh giới (GeoJSON)')),
                ('min_lat', models.FloatField()),
                ('max_lat', models.FloatField()),
                ('min_lng', models.FloatField()),
                ('max_lng', models.FloatField()),
                ('source', models.CharField(blank=True, max_length=200, verbose_name='tệp nguồn')),
                ('imported_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='nhập lúc')),
                ('area', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='boundary', to='org.area', verbose_name='đơn vị hành chính')),
                ('imported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
            ],
            options={
                'verbose_name': 'ranh giới hành chính',
                'verbose_name_plural': 'ranh giới hành chính',
            },
        ),
        migrations.CreateModel(
            name='Category',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(unique=True, verbose_name='mã')),
                ('name', models.CharField(db_collation='vi', max_length=200, verbose_name='tên')),
                ('description', models.TextField(blank=True, verbose_name='mô tả')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='thứ tự')),
                ('is_active', models.BooleanField(default=True, verbose_name='đang dùng')),
                ('department', models.ForeignKey(blank=True, limit_choices_to={'kind': 'department'}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='categories', to='org.agency', verbose_name='sở chủ trì ở cấp tỉnh')),
            ],
            options={
                'verbose_name': 'lĩnh vực',
                'verbose_name_plural': 'lĩnh vực',
                'ordering': ['position', 'name'],
            },
        ),
        migrations.CreateModel(
            name='CategoryProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('new', 'Bổ sung lĩnh vực mới'), ('change', 'Cập nhật lĩnh vực')], max_length=10, verbose_name='loại đề xuất')),
                ('name', models.CharField(max_length=200, verbose_name='tên lĩnh vực')),
                ('description', models.TextField(blank=True, verbose_name='mô tả')),
                ('reason', models.TextField(verbose_name='lý do đề xuất')),
                ('proposed_at', models.DateTimeField(verbose_name='đề xuất lúc')),
                ('status', models.CharField(choices=[('pending', 'Chờ xem xét'), ('approved', 'Đã chấp thuận'), ('refused', 'Không chấp thuận')], db_index=True, default='pending', max_length=10, verbose_name='tình trạng')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='quyết định lúc')),
                ('decision_note', models.TextField(blank=True, verbose_name='lý do, ghi chú của quản trị')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='category_proposals', to='org.agency', verbose_name='cơ quan đề xuất')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='org.category', verbose_name='lĩnh vực cần cập nhật')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người quyết định')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.agency', verbose_name='sở chủ trì ở cấp tỉnh')),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người đề xuất')),
                ('result', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.category', verbose_name='lĩnh vực sau khi áp dụng')),
            ],
            options={
                'verbose_name': 'đề xuất lĩnh vực',
                'verbose_name_plural': 'đề xuất lĩnh vực',
                'ordering': ['-proposed_at', '-id'],
            },
        ),
        migrations.AddConstraint(
            model_name='area',
            constraint=models.UniqueConstraint(fields=('dataset', 'code'), name='area_unique_code'),
        ),
        migrations.AddIndex(
            model_name='areaboundary',
            index=models.Index(fields=['min_lat', 'max_lat', 'min_lng', 'max_lng'], name='boundary_bbox'),
        ),
        # Unapplying keeps the rows: reports may point at them, and they are harmless.
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
