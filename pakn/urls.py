"""The project's URLs: each surface mounts its own app."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Hệ thống tiếp nhận và xử lý phản ánh, kiến nghị"
admin.site.site_title = "Quản trị PAKN"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("", include("pakn.ops.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/notifications/", include("pakn.notify.urls")),
    path("console/stats/", include("pakn.stats.urls")),
    path("console/", include("pakn.console.urls")),
    path("api/v1/", include("pakn.api.urls")),
    path("open311/v2/", include("pakn.open311.urls")),
    path("du-lieu-mo/", include("pakn.stats.public_urls")),
    path("", include("pakn.portal.urls")),
]
handler400 = "pakn.errors.bad_request"
