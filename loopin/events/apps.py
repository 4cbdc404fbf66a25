from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "loopin.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.events import feed_cache, lifecycle, receivers
        from loopin.events.dashboards import register_event_panels
        from loopin.events.selectors.social import EventsActivity
        from loopin.people.activity import register_activity_source

        hooks.register_deletion_blocker("events.hosting", lifecycle.hosts_upcoming_events_with_guests)
        hooks.register_erasure_step("events.participation", lifecycle.erase_event_participation)
        hooks.register_export_section("events", lifecycle.export_event_data)
        feed_cache.connect_signals()
        receivers.connect_signals()
        register_activity_source(EventsActivity())
        register_event_panels()
