from django.apps import AppConfig


class ParkingConfig(AppConfig):
    name = "loopin.parking"
    label = "parking"
    verbose_name = "Parking"

    def ready(self) -> None:
        from loopin.parking.payment import PURPOSES
        from loopin.payments.charge_purposes import register_charge_purpose

        for purpose in PURPOSES:
            register_charge_purpose(purpose)
