"""Operations endpoints, mounted at the site's root: /healthz, /readyz, /metrics."""

from django.urls import URLPattern, path

from pakn.ops import views

app_name = "ops"
urlpatterns: list[URLPattern] = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
