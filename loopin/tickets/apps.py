from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "loopin.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.events.signals import event_status_changed, event_updated
        from loopin.tickets import account_hooks
        from loopin.tickets.dashboards import register_ticket_panels
        from loopin.tickets.receivers import on_event_rescheduled

        hooks.register_export_section("checkins", account_hooks.export_checkins)
        hooks.register_erasure_step("tickets.door_duties", account_hooks.erase_door_duties)
        register_ticket_panels()
        event_updated.connect(on_event_rescheduled, dispatch_uid="tickets.door_rescheduled")
        event_status_changed.connect(on_event_rescheduled, dispatch_uid="tickets.door_postponed")
