"""Parking's writes: lots and their rules (`lots`), quotes and reservations (`reservations`), the gate (`gate`)."""
