"""URLs of pakn.stats."""

from django.urls import URLPattern, URLResolver

app_name = "stats"
urlpatterns: list[URLPattern | URLResolver] = []
