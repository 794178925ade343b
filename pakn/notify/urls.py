"""URLs of pakn.notify."""

from django.urls import URLPattern, URLResolver

app_name = "notify"
urlpatterns: list[URLPattern | URLResolver] = []
