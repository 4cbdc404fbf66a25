from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "loopin.organisations"
    label = "organisations"
    verbose_name = "Host organisations"
