from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loopin.core"
    label = "core"
