"""sealed medical fields: a child's diagnosis, conditions, allergies, dietary needs, physician,
health alerts and their note, the medications, the medication log, a contact's note, a
registration's decision note and override reason, and absence reasons (with the attendance
history's copies) are encrypted in place (sealing.EncryptedText) under the app's newest key;
their columns become TEXT

Revision ID: 0008_sealed_medical
Revises: 0007_camp_safety
Create Date: 2026-12-06 09:30:00.000000

The migration runs in the app's context (flask db upgrade, migrations/env.py), so it seals with
the keys the app will open them with (ENCRYPTION_KEYS, or the instance folder's key). The
downgrade opens every value and restores the plain columns.
"""

import sqlalchemy as sa
from alembic import op

from camp_app.sealing import seal, unseal

# revision identifiers, used by Alembic.
revision = "0008_sealed_medical"
down_revision = "0007_camp_safety"
branch_labels = None
depends_on = None

BATCH = 1000



def _column(name, before, default=None, nullable=False):
    """A column to seal: its type and server default before, and whether it takes NULL."""
    return (name, before, default, nullable)


# table -> the columns sealed in it
SEALED = {
    "children": [
        _column("diagnosis", sa.Text()),
        _column("allergies", sa.Text()),
        _column("dietary_needs", sa.Text()),
        _column("medical_conditions", sa.Text()),
        _column("physician_name", sa.String(length=120)),
        _column("physician_phone", sa.String(length=32)),
        _column("health_alerts", sa.JSON(), "[]"),
        _column("health_alert_note", sa.String(length=80), ""),
    ],
    "medications": [
        _column("name", sa.String(length=120)),
        _column("dose", sa.String(length=80)),
        _column("schedule", sa.String(length=120)),
    ],
    "medication_doses": [
        _column("medication_name", sa.String(length=120)),
        _column("dose", sa.String(length=80)),
        _column("note", sa.Text()),
    ],
    "contacts": [_column("note", sa.Text(), "")],
    "registrations": [
        _column("decision_note", sa.Text()),
        _column("override_reason", sa.Text(), ""),
    ],
    "attendance_records": [_column("absence_reason", sa.String(length=200))],
    "attendance_events": [
        _column("note", sa.String(length=200)),
        _column("before", sa.JSON(), nullable=True),
    ],
}


def _convert(table: str, columns: list[str], change) -> None:
    """Every non-NULL value of `columns` through `change`, a batch of rows at a time."""
    bind = op.get_bind()
    names = ", ".join(f'"{column}"' for column in columns)  # "before" is a keyword
    select = sa.text(f"SELECT id, {names} FROM {table} WHERE id > :after ORDER BY id LIMIT {BATCH}")
    sets = ", ".join(f'"{column}" = :{column}' for column in columns)
    update = sa.text(f"UPDATE {table} SET {sets} WHERE id = :id")
    after = 0
    while rows := bind.execute(select, {"after": after}).all():
        changed = [
            {
                "id": row[0],
                **{
                    column: None if value is None else change(value)
                    for column, value in zip(columns, row[1:], strict=True)
                },
            }
            for row in rows
        ]
        bind.execute(update, changed)
        after = rows[-1][0]


def _open(value: str) -> str:
    return unseal(value) if value else value  # "" was never sealed (a server default)


def upgrade():
    for table, columns in SEALED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, before, default, nullable in columns:
                if isinstance(before, sa.Text):
                    if default is not None:
                        batch_op.alter_column(column, existing_type=before, server_default=None)
                    continue
                batch_op.alter_column(
                    column,
                    existing_type=before,
                    type_=sa.Text(),
                    existing_nullable=nullable,
                    server_default=None,
                    postgresql_using=f'"{column}"::text',
                )
        _convert(table, [column for column, *_ in columns], seal)


def downgrade():
    for table, columns in SEALED.items():
        _convert(table, [column for column, *_ in columns], _open)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, before, default, nullable in columns:
                if isinstance(before, sa.Text):
                    if default is not None:
                        batch_op.alter_column(column, existing_type=before, server_default=default)
                    continue
                cast = "json" if isinstance(before, sa.JSON) else f"varchar({before.length})"
                batch_op.alter_column(
                    column,
                    existing_type=sa.Text(),
                    type_=before,
                    existing_nullable=nullable,
                    server_default=default,
                    postgresql_using=f'"{column}"::{cast}',
                )
