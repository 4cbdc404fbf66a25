from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "loopin.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from loopin.events import feed_cache, receivers
        from loopin.events.dashboards import register_event_panels

        # Account hooks, people's activity source and ticket holders: loopin.participation.apps.
        feed_cache.connect_signals()
        receivers.connect_signals()
        register_event_panels()
