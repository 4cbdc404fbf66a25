"""Every existing event gets its default tier (its price; no capacity of its own, so the event's capacity is the
limit, as before), counting the event's seats taken; every order, join request and ticket points at it."""

from decimal import Decimal

from django.db import migrations


def forwards(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    TicketTier = apps.get_model("events", "TicketTier")
    JoinRequest = apps.get_model("events", "JoinRequest")
    Order = apps.get_model("payments", "Order")
    Ticket = apps.get_model("tickets", "Ticket")
    for event in Event.objects.all().only("id", "is_paid", "ticket_price", "seats_taken").iterator():
        tier = TicketTier.objects.filter(event_id=event.id, is_default=True).first()
        if tier is None:
            tier = TicketTier.objects.create(
                event_id=event.id,
                name="General admission",
                price=event.ticket_price if event.is_paid else Decimal("0.00"),
                is_default=True,
                seats_taken=event.seats_taken,
            )
        JoinRequest.objects.filter(event_id=event.id, tier__isnull=True).update(tier=tier)
        Order.objects.filter(event_id=event.id, tier__isnull=True).update(tier=tier)
        Ticket.objects.filter(event_id=event.id, tier__isnull=True).update(tier=tier)


def backwards(apps, schema_editor):
    for model in (("events", "JoinRequest"), ("payments", "Order"), ("tickets", "Ticket")):
        apps.get_model(*model).objects.update(tier=None)
    apps.get_model("events", "TicketTier").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_ticket_tiers"),
        ("payments", "0006_order_tier"),
        ("tickets", "0006_ticket_tier"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
