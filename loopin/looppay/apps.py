from django.apps import AppConfig


class LoopPayConfig(AppConfig):
    name = "loopin.looppay"
    label = "looppay"
    verbose_name = "LoopPay credits"

    def ready(self) -> None:
        from loopin.looppay.topups import TOPUP_PURPOSE
        from loopin.payments.charge_purposes import register_charge_purpose

        register_charge_purpose(TOPUP_PURPOSE)
