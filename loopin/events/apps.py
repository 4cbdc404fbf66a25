from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "loopin.events"
    label = "events"
    verbose_name = "Events"
