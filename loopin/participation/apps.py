from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "loopin.participation"
    label = "participation"
    verbose_name = "Participation"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.events.holders import register_ticket_holders
        from loopin.participation import account_hooks, cancellation, receivers, waitlist
        from loopin.participation.activity import EventsActivity
        from loopin.participation.holders import ParticipationTicketHolders
        from loopin.people.activity import register_activity_source

        hooks.register_deletion_blocker("events.hosting", account_hooks.hosts_upcoming_events_with_guests)
        hooks.register_erasure_step("events.participation", account_hooks.erase_event_participation)
        hooks.register_export_section("events", account_hooks.export_event_data)
        register_activity_source(EventsActivity())
        register_ticket_holders(ParticipationTicketHolders())
        cancellation.connect_signals()
        waitlist.connect_signals()
        receivers.connect_signals()
