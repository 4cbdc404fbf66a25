from django.apps import AppConfig


class LoopPayConfig(AppConfig):
    name = "loopin.looppay"
    label = "looppay"
    verbose_name = "LoopPay credits"

    def ready(self) -> None:
        from loopin.looppay.alerts import register_looppay_alerts
        from loopin.looppay.tickets import PREFIX, ticket_refund_to_credits
        from loopin.looppay.topups import TOPUP_PURPOSE
        from loopin.payments.charge_purposes import register_charge_purpose
        from loopin.payments.refund_routes import register_credits_route, register_refund_route

        register_charge_purpose(TOPUP_PURPOSE)
        register_refund_route(PREFIX, ticket_refund_to_credits)
        register_credits_route(ticket_refund_to_credits)
        register_looppay_alerts()
