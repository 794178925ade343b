"""URLs of pakn.api: the NinjaAPI's operations, its OpenAPI document and its docs page (/api/v1/)."""

from django.urls import URLPattern, URLResolver

from pakn.api.main import api

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = api.urls[0]
