"""sealed medical fields: a child's diagnosis, conditions, allergies, dietary needs, physician,
health alerts and their note, the medications, the medication log and a contact's note are
encrypted in place (sealing.EncryptedText) under the app's newest key; their columns become TEXT

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

# table -> [(column, type before, server default before)]
SEALED = {
    "children": [
        ("diagnosis", sa.Text(), None),
        ("allergies", sa.Text(), None),
        ("dietary_needs", sa.Text(), None),
        ("medical_conditions", sa.Text(), None),
        ("physician_name", sa.String(length=120), None),
        ("physician_phone", sa.String(length=32), None),
        ("health_alerts", sa.JSON(), "[]"),
        ("health_alert_note", sa.String(length=80), ""),
    ],
    "medications": [
        ("name", sa.String(length=120), None),
        ("dose", sa.String(length=80), None),
        ("schedule", sa.String(length=120), None),
    ],
    "medication_doses": [
        ("medication_name", sa.String(length=120), None),
        ("dose", sa.String(length=80), None),
        ("note", sa.Text(), None),
    ],
    "contacts": [("note", sa.Text(), "")],
}


def _convert(table: str, columns: list[str], change) -> None:
    """Every non-NULL value of `columns` through `change`, a batch of rows at a time."""
    bind = op.get_bind()
    names = ", ".join(columns)
    select = sa.text(f"SELECT id, {names} FROM {table} WHERE id > :after ORDER BY id LIMIT {BATCH}")
    sets = ", ".join(f"{column} = :{column}" for column in columns)
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
            for column, before, default in columns:
                if isinstance(before, sa.Text):
                    if default is not None:
                        batch_op.alter_column(column, existing_type=before, server_default=None)
                    continue
                batch_op.alter_column(
                    column,
                    existing_type=before,
                    type_=sa.Text(),
                    existing_nullable=False,
                    server_default=None,
                    postgresql_using=f"{column}::text",
                )
        _convert(table, [column for column, _, _ in columns], seal)


def downgrade():
    for table, columns in SEALED.items():
        _convert(table, [column for column, _, _ in columns], _open)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, before, default in columns:
                if isinstance(before, sa.Text):
                    if default is not None:
                        batch_op.alter_column(column, existing_type=before, server_default=default)
                    continue
                cast = "json" if isinstance(before, sa.JSON) else f"varchar({before.length})"
                batch_op.alter_column(
                    column,
                    existing_type=sa.Text(),
                    type_=before,
                    existing_nullable=False,
                    server_default=default,
                    postgresql_using=f"{column}::{cast}",
                )
