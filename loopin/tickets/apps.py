from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "loopin.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.tickets import lifecycle
        from loopin.tickets.dashboards import register_ticket_panels

        hooks.register_export_section("checkins", lifecycle.export_checkins)
        register_ticket_panels()
