"""camp readiness: the documents an event requires (and its practical details for the mail a
week before camp), documents families upload and their review, the ledger of reminders sent,
when a child's medical details were last confirmed as current

Revision ID: 0011_readiness
Revises: 0010_health_center
Create Date: 2026-12-06 09:13:20.650702

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_readiness"
down_revision = "0010_health_center"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "child_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["children.id"],
            name=op.f("fk_child_documents_child_id_children"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_child_documents_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_child_documents_reviewed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_child_documents_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_documents")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_child_documents_storage_name")),
    )
    with op.batch_alter_table("child_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_documents_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            "ix_child_documents_event_child", ["event_id", "child_id", "key"], unique=False
        )

    op.create_table(
        "sent_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("occasion", sa.String(length=40), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_sent_reminders_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_reminders")),
        sa.UniqueConstraint(
            "registration_id", "kind", "occasion", name=op.f("uq_sent_reminders_registration_id")
        ),
    )
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("medical_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("required_documents", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(
            sa.Column("arrival_details", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("packing_list", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("packing_list")
        batch_op.drop_column("arrival_details")
        batch_op.drop_column("required_documents")

    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("medical_confirmed_at")

    op.drop_table("sent_reminders")
    with op.batch_alter_table("child_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_child_documents_event_child")
        batch_op.drop_index(batch_op.f("ix_child_documents_child_id"))

    op.drop_table("child_documents")
