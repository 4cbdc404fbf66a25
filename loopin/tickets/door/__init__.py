"""The door: who may work it and its settings, staff and keys, scans, pictures on the door screens, and the
scheduled work (check-in opens, no-shows). One module per subject; import from the sub-module.

The names tests and the HTTP layer use are re-exported so `from loopin.tickets.door import X` keeps working.
"""

from loopin.tickets.door.pictures import annotated_picture, first_picture, with_pictures
from loopin.tickets.door.scans import ScanIn, checkin_batch, checkin_scan, checkin_user
from loopin.tickets.door.schedule import checkin_open_due, checkin_reschedule, no_shows_mark
from loopin.tickets.door.settings import door_event, door_settings, door_settings_update, opens_at
from loopin.tickets.door.staff import checkin_key_rotate, door_staff_add, door_staff_remove

__all__ = [
    "ScanIn",
    "annotated_picture",
    "checkin_batch",
    "checkin_key_rotate",
    "checkin_open_due",
    "checkin_reschedule",
    "checkin_scan",
    "checkin_user",
    "door_event",
    "door_settings",
    "door_settings_update",
    "door_staff_add",
    "door_staff_remove",
    "first_picture",
    "no_shows_mark",
    "opens_at",
    "with_pictures",
]
