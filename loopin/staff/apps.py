from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "loopin.staff"
    label = "staff"
    verbose_name = "Staff"
