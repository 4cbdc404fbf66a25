from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "loopin.payments"
    label = "payments"
    verbose_name = "Payments and payouts"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.events.signals import event_status_changed
        from loopin.payments import account_hooks
        from loopin.payments.dashboards import register_payment_panels
        from loopin.payments.receivers import on_event_status_changed

        event_status_changed.connect(on_event_status_changed, dispatch_uid="payments.refund_cancelled_event")
        hooks.register_erasure_step("payments.orders", account_hooks.erase_payments, order=50)
        hooks.register_export_section("payments", account_hooks.export_payments)
        register_payment_panels()
