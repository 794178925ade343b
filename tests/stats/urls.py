"""The project's URLs with the open-data export mounted where the lead mounts it (/du-lieu-mo/)."""

from django.urls import include, path

from pakn.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("du-lieu-mo/", include("pakn.stats.public_urls")), *project_urlpatterns]
