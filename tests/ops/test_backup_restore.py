"""scripts/backup-restore-check against the test PostgreSQL: a dump of the app's database is
restored into a scratch database and its rows compared table by table."""

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path

import psycopg

from camp_app.extensions import db
from tests.factories import make_event
from tests.registrations.helpers import fill
from tests.support.databases import POSTGRES_ADMIN_URL

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "backup-restore-check"


def run_script(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (our interpreter, our script)
        [sys.executable, str(SCRIPT), *args],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def databases() -> set[str]:
    with psycopg.connect(POSTGRES_ADMIN_URL) as conn:
        return {name for (name,) in conn.execute("SELECT datname FROM pg_database")}


def test_a_dump_restores_with_every_row(pg_app, tmp_path):
    with pg_app.app_context():
        fill(make_event(capacity=3), 5)  # users, households, children, registrations, mails
        db.session.remove()
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]
    before = databases()

    done = run_script("--keep-dir", str(tmp_path / "backups"), url=url)

    assert done.returncode == 0, done.stderr
    assert "restored into a scratch database and identical" in done.stdout
    assert "rows dumped" in done.stdout and " 0 rows" not in done.stdout
    [kept] = (tmp_path / "backups").glob("camp-*.dump")
    assert kept.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    # The scratch database is gone. (Only ours are compared: other test runs on the same server
    # create and drop their own databases meanwhile.)
    scratch = {name for name in databases() - before if "_restore_check_" in name}
    assert scratch == set()


def test_an_unreachable_database_fails_clearly(tmp_path):
    done = run_script(url="postgresql+psycopg://127.0.0.1:1/camp")
    assert done.returncode == 2
    assert "FAILED" in done.stderr


def load_script():
    loader = importlib.machinery.SourceFileLoader("backup_restore_check", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_differences_name_each_table_that_does_not_match():
    script = load_script()
    source = {"events": 3, "registrations": 10, "users": 4}
    restored = {"events": 3, "registrations": 9, "audit_entries": 1}
    assert script.differences(source, restored) == [
        "audit_entries: only in the restore",
        "registrations: 10 rows, 9 restored",
        "users: missing from the restore",
    ]
    assert script.differences(source, dict(source)) == []
    assert script.libpq_url("postgresql+psycopg://u@h/db") == "postgresql://u@h/db"
