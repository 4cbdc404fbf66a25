from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "loopin.payments"
    label = "payments"
    verbose_name = "Payments and payouts"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.payments import account_hooks, receivers
        from loopin.payments.dashboards import register_payment_panels
        from loopin.payments.selectors import ticket_order_paid
        from loopin.tickets.door.purchases import register_purchase_check

        receivers.connect()
        hooks.register_erasure_step("payments.orders", account_hooks.erase_payments, order=50)
        hooks.register_export_section("payments", account_hooks.export_payments)
        register_payment_panels()
        register_purchase_check(ticket_order_paid)
