from django.apps import AppConfig


class VenueCommerceConfig(AppConfig):
    name = "loopin.venuecommerce"
    label = "venuecommerce"
    verbose_name = "Venue commerce"

    def ready(self) -> None:
        from loopin.payments.charge_purposes import ChargePurpose, register_charge_purpose
        from loopin.tickets.door.grants import register_door_grant
        from loopin.venuecommerce.access import venue_door_may
        from loopin.venuecommerce.payment import PURPOSE
        from loopin.venuecommerce.services.transitions import order_card_failed, order_paid_by_card

        register_charge_purpose(ChargePurpose(name=PURPOSE, on_paid=order_paid_by_card, on_failed=order_card_failed))
        register_door_grant(venue_door_may)
