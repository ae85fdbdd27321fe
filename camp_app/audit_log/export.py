"""The filtered audit log as CSV, streamed in batches, and the record of who downloaded it."""

from collections.abc import Iterator

from sqlalchemy import func, select

from camp_app import spreadsheets
from camp_app.accounts.models import User
from camp_app.audit.models import AuditEntry
from camp_app.audit.services import record_read
from camp_app.audit_log.labels import action_label
from camp_app.audit_log.queries import AuditFilter, beyond, filtered_query
from camp_app.extensions import db
from camp_app.timeutil import camp_zone

BATCH = 1000
# The names GET /api/v1/audit uses: `kind` (change, read, sign_in) beside the action, and
# `record_count` (a list's or an export's records; empty for one record) beside the record.
HEADER = ["id", "at", "actor_email", "actor_name", "kind", "action", "description",
          "record_type", "record_id", "record_count", "fields"]  # fmt: skip


def record_download(actor, f: AuditFilter) -> None:
    """Note that `actor` downloaded the log, naming the filters used (not their values): the
    record is the log itself, up to its newest entry. Commits."""
    newest = db.session.scalar(select(func.max(AuditEntry.id)))
    record_read(actor.id, "audit.exported", "audit_entries", newest, fields=f.used)
    db.session.commit()


COLUMNS = (AuditEntry.id, AuditEntry.at, User.email, User.name, AuditEntry.kind,
           AuditEntry.action, AuditEntry.entity_type, AuditEntry.entity_id,
           AuditEntry.record_count, AuditEntry.fields)  # fmt: skip


def _batches(f: AuditFilter) -> Iterator[list]:
    # Plain rows, not objects: a long log does not pile up in the session.
    last = None
    while True:
        query = filtered_query(f).with_only_columns(*COLUMNS)
        if last is not None:
            query = query.where(beyond(last[0], older=True, cursor_at=last[1]))
        rows = db.session.execute(query.limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1]


def csv_lines(f: AuditFilter) -> Iterator[str]:
    """The header, then one line per entry, newest first."""
    return spreadsheets.csv_lines(HEADER, _rows(f))


def _rows(f: AuditFilter) -> Iterator[list]:
    zone = camp_zone()
    labels: dict[str, str] = {}  # translated once per action, not once per line
    for rows in _batches(f):
        for id_, at, email, name, kind, action, entity_type, entity_id, count, fields in rows:
            if action not in labels:
                labels[action] = action_label(action)
            yield [
                id_,
                at.astimezone(zone).isoformat(),
                email,
                name,
                kind,
                action,
                labels[action],
                entity_type,
                "" if entity_id is None else entity_id,
                "" if count is None else count,
                ";".join(fields or ()),
            ]
