"""URLs of pakn.stats for staff, mounted at /console/stats/."""

from django.urls import URLPattern, URLResolver, path

from pakn.stats import people_views, views

app_name = "stats"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("bao-cao/", views.periodic, name="periodic"),
    path("bao-cao/ban-in/", views.periodic_print, name="periodic_print"),
    path("danh-sach/", views.reports, name="reports"),
    path("tre-han/", views.late, name="late"),
    path("xep-hang/", views.ranking, name="ranking"),
    path("can-bo/", people_views.staff, name="staff"),
]
