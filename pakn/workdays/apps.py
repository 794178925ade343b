from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "pakn.workdays"
    label = "workdays"
    verbose_name = "Lịch làm việc"
