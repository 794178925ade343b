"""URLs of pakn.console (mounted at /console/)."""

from django.urls import URLPattern, URLResolver, path

from pakn.console import admin_views, auth_views, help_views, proposal_views, views

app_name = "console"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("phan-anh/<int:pk>/", views.case, name="case"),
    path("phan-anh/<int:pk>/thao-tac/<slug:action>/", views.case_action, name="case_action"),
    path("phan-anh/<int:pk>/nguoi-phan-anh/", views.case_personal, name="case_personal"),
    path("tep/<int:pk>/", views.attachment, name="attachment"),
    path("tep/<int:pk>/xem-truoc/", views.attachment, {"preview": True}, name="attachment_preview"),
    path("qua-han/", views.overdue_board, name="overdue"),
    path("can-bo/", views.staff, name="staff"),
    path("linh-vuc/", proposal_views.category_proposals, name="category_proposals"),
    path("quan-tri/nhap-tai-khoan/", admin_views.accounts_import_view, name="accounts_import"),
    # Help
    path("huong-dan/", help_views.help_index, name="help"),
    path("huong-dan/<slug:slug>/", help_views.guide, name="guide"),
    path("huong-dan/<slug:slug>/img/<str:name>", help_views.guide_image, name="guide_image"),
    # Getting in
    path("dang-nhap/", auth_views.login_view, name="login"),
    path("dang-xuat/", auth_views.logout_view, name="logout"),
    path("xac-thuc/", auth_views.otp_verify, name="otp_verify"),
    path("xac-thuc/dang-ky/", auth_views.otp_enrol, name="otp_enrol"),
    path("tai-khoan/", auth_views.account, name="account"),
    path("tai-khoan/doi-mat-khau/", auth_views.password_change, name="password_change"),
    path("tai-khoan/doi-mat-khau/xong/", auth_views.password_change_done, name="password_change_done"),
    path("quen-mat-khau/", auth_views.password_reset, name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.password_reset_done, name="password_reset_done"),
    path("quen-mat-khau/<uidb64>/<token>/", auth_views.password_reset_confirm, name="password_reset_confirm"),
    path("quen-mat-khau/xong/", auth_views.password_reset_complete, name="password_reset_complete"),
]
