"""A few response templates for every category, so a new installation has examples the admin can edit."""

from django.db import migrations

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
    dependencies = [("console", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
