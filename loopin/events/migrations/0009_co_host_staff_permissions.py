"""Staff groups see co-hosts and messages to guests on the event's admin page: Support and Read-only look,
Operations also changes a co-host's phone-number access and removes co-hosts (audited by the admin)."""

from django.db import migrations

from loopin.staff.groups import OPERATIONS, READ_ONLY, SUPPORT, grant

LOOK_UP = ["events.view_cohost", "events.view_guestmessage"]


def forwards(apps, schema_editor):
    grant(apps, SUPPORT, LOOK_UP)
    grant(apps, READ_ONLY, LOOK_UP)
    grant(apps, OPERATIONS, [*LOOK_UP, "events.change_cohost", "events.delete_cohost"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_co_hosts_guest_messages"),
        ("staff", "0002_events_and_tickets"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
