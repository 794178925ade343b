"""URLs of pakn.notify, mounted at /console/notifications/."""

from django.urls import URLPattern, URLResolver, path

from pakn.notify import views

app_name = "notify"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/mo/", views.notification_open, name="open"),
    path("<int:pk>/da-doc/", views.notification_read, name="read"),
    path("da-doc-tat-ca/", views.notifications_read_all, name="read_all"),
    path("cai-dat/", views.preferences, name="preferences"),
    path("thong-bao-day/dang-ky/", views.push_subscribe, name="push_subscribe"),
    path("thong-bao-day/huy/", views.push_unsubscribe, name="push_unsubscribe"),
]
