from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "pakn.portal"
    label = "portal"
    verbose_name = "Cổng thông tin"
