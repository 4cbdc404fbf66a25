from django.apps import AppConfig


class LoopPayConfig(AppConfig):
    name = "loopin.looppay"
    label = "looppay"
    verbose_name = "LoopPay credits"
