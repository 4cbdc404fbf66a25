from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "loopin.tickets"
    label = "tickets"
    verbose_name = "Tickets"
