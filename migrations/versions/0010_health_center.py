"""health center: the electronic medication record (dose_records: given, refused, held or
missed per medication and due time, corrections as new records naming the one they correct),
the health log (health_visits, locked once written, and health_visit_addenda). The old
medication log's rows (medication_doses) move into dose_records as `given` records, due at the
time they were given, and the old table is dropped.

Revision ID: 0010_health_center
Revises: 0009_account_closure
Create Date: 2026-12-06 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_health_center"
down_revision = "0009_account_closure"
branch_labels = None
depends_on = None

ORIGINAL_WHERE = sa.text("corrects_id IS NULL")


def upgrade():
    op.create_table(
        "dose_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("medication_id", sa.Integer(), nullable=True),
        sa.Column("medication_name", sa.Text(), nullable=False),
        sa.Column("dose", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_dose_records_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["dose_records.id"],
            name=op.f("fk_dose_records_corrects_id_dose_records"),
        ),
        sa.ForeignKeyConstraint(
            ["medication_id"],
            ["medications.id"],
            name=op.f("fk_dose_records_medication_id_medications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_dose_records_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_dose_records_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dose_records")),
    )
    with op.batch_alter_table("dose_records", schema=None) as batch_op:
        batch_op.create_index("ix_dose_records_due_at", ["due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dose_records_registration_id"), ["registration_id"], unique=False
        )
        batch_op.create_index("uq_dose_records_corrects_id", ["corrects_id"], unique=True)
        batch_op.create_index(
            "uq_dose_records_original",
            ["medication_id", "due_at"],
            unique=True,
            sqlite_where=ORIGINAL_WHERE,
            postgresql_where=ORIGINAL_WHERE,
        )

    op.create_table(
        "health_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complaint", sa.Text(), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("treatment", sa.Text(), nullable=False),
        sa.Column("disposition", sa.String(length=30), nullable=False),
        sa.Column("guardian_notified", sa.Boolean(), nullable=False),
        sa.Column("guardian_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_health_visits_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_health_visits_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_health_visits_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_visits")),
    )
    with op.batch_alter_table("health_visits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_health_visits_registration_id"), ["registration_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_health_visits_seen_at"), ["seen_at"], unique=False)

    op.create_table(
        "health_visit_addenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_health_visit_addenda_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["health_visits.id"],
            name=op.f("fk_health_visit_addenda_visit_id_health_visits"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_visit_addenda")),
    )
    with op.batch_alter_table("health_visit_addenda", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_health_visit_addenda_visit_id"), ["visit_id"], unique=False
        )

    _move_old_doses()
    with op.batch_alter_table("medication_doses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medication_doses_registration_id"))
        batch_op.drop_index("ix_medication_doses_given_at")
    op.drop_table("medication_doses")


OLD = sa.table(
    "medication_doses",
    sa.column("id", sa.Integer()),
    sa.column("registration_id", sa.Integer()),
    sa.column("child_id", sa.Integer()),
    sa.column("medication_id", sa.Integer()),
    sa.column("medication_name", sa.String()),
    sa.column("dose", sa.String()),
    sa.column("given_at", sa.DateTime(timezone=True)),
    sa.column("given_by_id", sa.Integer()),
    sa.column("note", sa.Text()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
NEW = sa.table(
    "dose_records",
    sa.column("registration_id", sa.Integer()),
    sa.column("child_id", sa.Integer()),
    sa.column("medication_id", sa.Integer()),
    sa.column("medication_name", sa.String()),
    sa.column("dose", sa.String()),
    sa.column("due_at", sa.DateTime(timezone=True)),
    sa.column("status", sa.String()),
    sa.column("note", sa.Text()),
    sa.column("corrects_id", sa.Integer()),
    sa.column("recorded_by_id", sa.Integer()),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
)


def _move_old_doses():
    """Each dose given becomes a `given` record due when it was given; its sealed values
    (name, dose, note: sealed by 0008) move as they are.
    Two old doses of one medication at the same moment cannot both be originals: the second
    keeps its medication's name and dose but not the link (medication_id NULL)."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(OLD).order_by(OLD.c.id)).mappings().all()
    taken, records = set(), []
    for row in rows:
        key = (row["medication_id"], row["given_at"])
        medication_id = row["medication_id"]
        if medication_id is not None and key in taken:
            medication_id = None
        taken.add(key)
        records.append(
            {
                "registration_id": row["registration_id"],
                "child_id": row["child_id"],
                "medication_id": medication_id,
                "medication_name": row["medication_name"],
                "dose": row["dose"],
                "due_at": row["given_at"],
                "status": "given",
                "note": row["note"] or "",  # sealed since 0008: moved as it is
                "corrects_id": None,
                "recorded_by_id": row["given_by_id"],
                "recorded_at": row["created_at"],
            }
        )
    if records:
        connection.execute(NEW.insert(), records)


def downgrade():
    op.create_table(
        "medication_doses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("medication_id", sa.Integer(), nullable=True),
        sa.Column("medication_name", sa.Text(), nullable=False),
        sa.Column("dose", sa.Text(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_medication_doses_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["given_by_id"], ["users.id"], name=op.f("fk_medication_doses_given_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["medication_id"],
            ["medications.id"],
            name=op.f("fk_medication_doses_medication_id_medications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_medication_doses_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medication_doses")),
    )
    with op.batch_alter_table("medication_doses", schema=None) as batch_op:
        batch_op.create_index("ix_medication_doses_given_at", ["given_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_medication_doses_registration_id"), ["registration_id"], unique=False
        )
    _move_given_doses_back()

    with op.batch_alter_table("health_visit_addenda", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_visit_addenda_visit_id"))
    op.drop_table("health_visit_addenda")
    with op.batch_alter_table("health_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_visits_seen_at"))
        batch_op.drop_index(batch_op.f("ix_health_visits_registration_id"))
    op.drop_table("health_visits")
    with op.batch_alter_table("dose_records", schema=None) as batch_op:
        batch_op.drop_index("uq_dose_records_original")
        batch_op.drop_index("uq_dose_records_corrects_id")
        batch_op.drop_index(batch_op.f("ix_dose_records_registration_id"))
        batch_op.drop_index("ix_dose_records_due_at")
    op.drop_table("dose_records")


def _move_given_doses_back():
    """The old log knew only doses given: the records whose current status is `given`."""
    connection = op.get_bind()
    records = sa.table(
        "dose_records",
        *(sa.column(c.name, c.type) for c in NEW.columns),
        sa.column("id", sa.Integer()),
    )
    corrected = sa.select(records.c.corrects_id).where(records.c.corrects_id.is_not(None))
    rows = (
        connection.execute(
            sa.select(records)
            .where(records.c.status == "given", records.c.id.not_in(corrected))
            .order_by(records.c.id)
        )
        .mappings()
        .all()
    )
    old = [
        {
            "registration_id": row["registration_id"],
            "child_id": row["child_id"],
            "medication_id": row["medication_id"],
            "medication_name": row["medication_name"],
            "dose": row["dose"],
            "given_at": row["due_at"],
            "given_by_id": row["recorded_by_id"],
            "note": row["note"] or "",  # sealed in both tables
            "created_at": row["recorded_at"],
        }
        for row in rows
    ]
    if old:
        connection.execute(OLD.insert(), old)
