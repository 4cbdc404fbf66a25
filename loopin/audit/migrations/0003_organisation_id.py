"""The organisation of an entry as its own indexed column (filled by `audit_record` from now on); existing entries
get it from `data["organisation_id"]`, which stays for older readers.

The backfill is the one UPDATE ever run on the table: on PostgreSQL the append-only trigger (0002) is switched off
for it inside this migration's transaction and on again right after.
"""

from django.db import migrations, models

UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only")
            cursor.execute(
                "UPDATE audit_auditentry SET organisation_id = (data->>'organisation_id')::uuid "
                "WHERE organisation_id IS NULL AND data->>'organisation_id' ~ %s",
                [UUID_PATTERN],
            )
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_auditentry_append_only")
        else:  # SQLite keeps a UUID as 32 hex digits
            cursor.execute(
                "UPDATE audit_auditentry SET organisation_id = lower(replace(json_extract(data, '$.organisation_id'), "
                "'-', '')) WHERE organisation_id IS NULL "
                "AND length(json_extract(data, '$.organisation_id')) = 36"
            )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="organisation_id",
            field=models.UUIDField(
                blank=True,
                db_index=True,
                help_text="The organisation this action belongs to (also in `data` for older readers).",
                null=True,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
