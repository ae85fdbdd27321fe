"""outbox: reply_to, where an answer to a mail should go (the event's contact address)

Revision ID: 0003_outbox_reply_to
Revises: 0002_coordinator_workspace
Create Date: 2026-11-27 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_outbox_reply_to"
down_revision = "0002_coordinator_workspace"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.drop_column("reply_to")
