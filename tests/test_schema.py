"""The schema comes only from migrations: the models and the migration head must agree."""

from datetime import date
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from camp_app.extensions import db
from camp_app.families.models import Child, Household, Medication
from tests.factories import make_child, make_user


def test_models_match_migration_head(app_ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ; add a migration: {differences}"


def test_every_revision_id_fits_alembic_version_on_postgresql():
    """alembic_version.version_num is VARCHAR(32): a longer id upgrades on SQLite (which does
    not enforce lengths) and fails on PostgreSQL, in production."""
    folder = Path(__file__).resolve().parent.parent / "migrations"
    ids = [script.revision for script in ScriptDirectory(str(folder)).walk_revisions()]
    assert ids and all(len(revision) <= 32 for revision in ids), ids


def test_every_model_table_exists_after_upgrade(app_ctx):
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def _foreign_keys_enforced(connection) -> bool:
    return bool(connection.exec_driver_sql("PRAGMA foreign_keys").scalar())


def test_sqlite_refuses_a_row_whose_parent_is_missing(sqlite_app):
    """SQLite enforces foreign keys only when asked to, on each connection: the app asks, so the
    default database refuses orphans as PostgreSQL does."""
    with sqlite_app.app_context():
        assert _foreign_keys_enforced(db.session.connection())
        with db.engine.connect() as connection:
            assert _foreign_keys_enforced(connection)
        db.session.rollback()

        orphan = Child(
            household_id=999_999,
            first_name="Nobody's",
            last_name="Child",
            date_of_birth=date(2016, 5, 1),
            relationship="patient",
        )
        db.session.add(orphan)
        with pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Child)) == 0


def test_sqlite_migrations_keep_rows_and_leave_foreign_keys_enforced(sqlite_app):
    """Batch mode rebuilds `children` (copy, drop, rename). With foreign keys on, dropping the
    old table would cascade to the children's medications; migrations/env.py turns them off
    for the migration, and the pooled connection must come back to the app enforcing them."""
    with sqlite_app.app_context():
        parent = make_user()
        make_child(parent.household, medications=[{"name": "A", "dose": "1", "schedule": "am"}])
        db.session.remove()

        flask_migrate.downgrade(revision="0001_initial")
        flask_migrate.upgrade()

        for _ in range(3):  # whichever pooled connection the app gets next
            with db.engine.connect() as connection:
                assert _foreign_keys_enforced(connection)
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
                counts = [
                    connection.scalar(select(func.count()).select_from(model))
                    for model in (Household, Child, Medication)
                ]
                assert counts == [1, 1, 1]
