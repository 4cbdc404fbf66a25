from django.apps import AppConfig


class ParkingConfig(AppConfig):
    name = "loopin.parking"
    label = "parking"
    verbose_name = "Parking"
