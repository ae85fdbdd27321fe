"""camp safety: do_not_release contacts (with a note), pickups by a guardian of the household,
a child's health alerts (what counselors see), the times a medication is due at camp

Revision ID: 0007_camp_safety
Revises: 0006_privacy
Create Date: 2026-12-06 07:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_camp_safety"
down_revision = "0006_privacy"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("medications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("times", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("health_alerts", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(
            sa.Column("health_alert_note", sa.String(length=80), server_default="", nullable=False)
        )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("attendance_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("picked_up_by_guardian_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_attendance_records_picked_up_by_guardian_id_users",
            "users",
            ["picked_up_by_guardian_id"],
            ["id"],
        )
    with op.batch_alter_table("attendance_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pickup_guardian_id", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("attendance_events", schema=None) as batch_op:
        batch_op.drop_column("pickup_guardian_id")
    with op.batch_alter_table("attendance_records", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_attendance_records_picked_up_by_guardian_id_users", type_="foreignkey"
        )
        batch_op.drop_column("picked_up_by_guardian_id")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("health_alert_note")
        batch_op.drop_column("health_alerts")
    with op.batch_alter_table("medications", schema=None) as batch_op:
        batch_op.drop_column("times")
