from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "loopin.web"
    label = "web"
    verbose_name = "Public pages"
