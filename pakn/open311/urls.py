"""URLs of pakn.open311: GeoReport v2, every document in .json and .xml."""

from django.urls import URLPattern, URLResolver, re_path

from pakn.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[A-Za-z0-9_\-]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.request_list, name="requests"),
    re_path(r"^requests/(?P<request_id>[A-Za-z0-9_\-]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9_\-]+)" + FMT, views.token_detail, name="token"),
]
