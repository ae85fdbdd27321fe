"""outbox: retried for a time window (retrying_since), crashed-worker count (interruptions),
and an index to find a registration's mails (the roster's "mail not delivered" flag)

Revision ID: 0005_mail_resilience
Revises: 0004_sessions_sign_in
Create Date: 2026-12-04 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_mail_resilience"
down_revision = "0004_sessions_sign_in"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("interruptions", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("retrying_since", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_mails_registration_id"), ["registration_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_mails_registration_id"))
        batch_op.drop_column("retrying_since")
        batch_op.drop_column("interruptions")
