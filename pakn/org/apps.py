from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "pakn.org"
    label = "org"
    verbose_name = "Tổ chức"
