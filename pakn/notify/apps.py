from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "pakn.notify"
    label = "notify"
    verbose_name = "Thông báo"
