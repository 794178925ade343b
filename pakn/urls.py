"""The project's URLs: each surface mounts its own app."""

from django.contrib import admin
from django.urls import path

admin.site.site_header = "Hệ thống tiếp nhận và xử lý phản ánh, kiến nghị"
admin.site.site_title = "Quản trị PAKN"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("admin/", admin.site.urls),
]
