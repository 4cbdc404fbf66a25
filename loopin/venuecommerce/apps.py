from django.apps import AppConfig


class VenueCommerceConfig(AppConfig):
    name = "loopin.venuecommerce"
    label = "venuecommerce"
    verbose_name = "Venue commerce"
