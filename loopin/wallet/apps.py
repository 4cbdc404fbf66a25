from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "loopin.wallet"
    label = "wallet"
    verbose_name = "Wallet passes"

    def ready(self) -> None:
        from loopin.events.signals import event_status_changed, event_updated, ticket_cancelled
        from loopin.wallet import receivers

        event_updated.connect(receivers.on_event_updated, dispatch_uid="wallet.event_updated")
        event_status_changed.connect(receivers.on_event_status_changed, dispatch_uid="wallet.event_status_changed")
        ticket_cancelled.connect(receivers.on_ticket_cancelled, dispatch_uid="wallet.ticket_cancelled")
