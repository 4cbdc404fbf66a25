"""On PostgreSQL, the audit table refuses UPDATE and DELETE from everyone, including the application role.

The one exception is a DELETE inside a transaction that ran `SET LOCAL loopin.audit_retention = 'on'`:
the retention job (loopin.audit.services.audit_purge_expired). SQLite has no such trigger; there the ORM
refuses (AuditEntry.save/delete and the queryset's update/delete raise).
"""

from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION loopin_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('loopin.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION loopin_audit_append_only()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS loopin_audit_append_only()",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)  # no parameters: the '%' in RAISE stays literal

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
