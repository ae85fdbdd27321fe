"""translations: an event's name, summary and description in other languages
({"es": {name, summary, description}}), shown to readers of that language

Revision ID: 0014_translations
Revises: 0013_consent
Create Date: 2026-12-06 09:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_translations"
down_revision = "0013_consent"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translations", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("translations")
