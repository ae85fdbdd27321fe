"""account closure: when a parent closed their account (users.closed_at) and when the last
guardian of a household did (households.closed_at), which starts the retention clock

Revision ID: 0009_account_closure
Revises: 0008_sealed_medical
Create Date: 2026-12-06 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_account_closure"
down_revision = "0008_sealed_medical"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
