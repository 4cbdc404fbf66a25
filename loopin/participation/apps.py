from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "loopin.participation"
    label = "participation"
    verbose_name = "Participation"
