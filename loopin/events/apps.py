from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "loopin.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.events import account_hooks, feed_cache, receivers
        from loopin.events.dashboards import register_event_panels
        from loopin.events.selectors.social import EventsActivity
        from loopin.people.activity import register_activity_source

        hooks.register_deletion_blocker("events.hosting", account_hooks.hosts_upcoming_events_with_guests)
        hooks.register_erasure_step("events.participation", account_hooks.erase_event_participation)
        hooks.register_export_section("events", account_hooks.export_event_data)
        feed_cache.connect_signals()
        receivers.connect_signals()
        register_activity_source(EventsActivity())
        register_event_panels()
