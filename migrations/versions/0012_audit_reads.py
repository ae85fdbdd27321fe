"""audit reads: each entry's kind (a change, a read of medical details, a sign-in), and for a
read of a list or an export how many records it held and which (for a page: bounded)

Revision ID: 0012_audit_reads
Revises: 0011_readiness
Create Date: 2026-12-06 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_audit_reads"
down_revision = "0011_readiness"
branch_labels = None
depends_on = None

# The downloads recorded before this revision were reads.
READS = (
    "event.export_roster_csv",
    "event.export_roster_xlsx",
    "event.export_medical_summary",
    "audit.exported",
    "child.medical_read",
)


def upgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), server_default="change", nullable=False)
        )
        batch_op.add_column(sa.Column("record_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("record_ids", sa.JSON(), nullable=True))
        batch_op.create_index("ix_audit_entries_kind_at", ["kind", "at"], unique=False)
    entries = sa.table("audit_entries", sa.column("kind"), sa.column("action"))
    op.execute(entries.update().where(entries.c.action.in_(READS)).values(kind="read"))


def downgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_kind_at")
        batch_op.drop_column("record_ids")
        batch_op.drop_column("record_count")
        batch_op.drop_column("kind")
