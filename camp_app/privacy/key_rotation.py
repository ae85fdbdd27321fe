"""Re-seal every sealed value under the newest key, so that an old key can be dropped.

The sealed columns are found in the mapped models (every column whose type is
sealing.EncryptedText or a subclass), so a column sealed tomorrow is rotated without a change
here. Each table is walked by primary key, a batch of rows per transaction. A value the newest
key already opens is left alone, so the command can be stopped and run again: it resumes where
it stopped. Each UPDATE names the token it replaces, so a value the app rewrote meanwhile is
never overwritten with the old one.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Text, bindparam, column, select, table, update

from camp_app.extensions import db
from camp_app.sealing import EncryptedText, SealingKeyError, reseal, sealed_under_newest

DEFAULT_BATCH = 500


@dataclass(frozen=True)
class SealedColumn:
    table: str
    primary_key: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.table}.{self.name}"


@dataclass
class ColumnReport:
    column: SealedColumn
    resealed: int = 0  # now under the newest key
    current: int = 0  # already under it
    empty: int = 0  # NULL, or an empty string never sealed
    changed: int = 0  # rewritten by the app between our read and our write: left as it is


def sealed_columns() -> list[SealedColumn]:
    """Every sealed column of every mapped table, in a stable order."""
    found = set()
    for mapper in db.Model.registry.mappers:
        for mapped_table in mapper.tables:
            keys = list(mapped_table.primary_key.columns)
            for col in mapped_table.columns:
                if isinstance(col.type, EncryptedText):
                    if len(keys) != 1:
                        raise RuntimeError(f"{mapped_table.name}: rotation needs a one-column key")
                    found.add(SealedColumn(mapped_table.name, keys[0].name, col.name))
    return sorted(found, key=lambda c: (c.table, c.name))


def _batches(sealed: SealedColumn, batch_size: int) -> Iterator[list[tuple[int, str | None]]]:
    """The raw tokens (no TypeDecorator: lightweight table clauses typed Text), by key."""
    key, value = column(sealed.primary_key), column(sealed.name, Text)
    table(sealed.table, key, value)  # the columns now belong to the table: SELECT ... FROM it
    after = None
    while True:
        query = select(key, value).order_by(key).limit(batch_size)
        if after is not None:
            query = query.where(key > after)
        rows = db.session.execute(query).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def rotate_column(sealed: SealedColumn, batch_size: int = DEFAULT_BATCH) -> ColumnReport:
    report = ColumnReport(sealed)
    key, value = column(sealed.primary_key), column(sealed.name, Text)
    raw = table(sealed.table, key, value)
    guarded = (
        update(raw)
        .where(key == bindparam("row_key"), value == bindparam("old", type_=Text()))
        .values({sealed.name: bindparam("new", type_=Text())})
    )
    try:
        for rows in _batches(sealed, batch_size):
            changes = []
            for row_key, token in rows:
                if not token:
                    report.empty += 1
                    continue
                if sealed_under_newest(token):
                    report.current += 1
                    continue
                try:
                    fresh = reseal(token)
                except SealingKeyError:
                    raise SealingKeyError(
                        f"no configured key opens {sealed.label} of row {row_key}"
                    ) from None
                changes.append({"row_key": row_key, "old": token, "new": fresh})
            if changes:
                written = db.session.execute(guarded, changes).rowcount
                report.resealed += written
                report.changed += len(changes) - written
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report


def rotate_all(
    batch_size: int = DEFAULT_BATCH, progress: Callable[[ColumnReport], None] | None = None
) -> list[ColumnReport]:
    """Re-seal every sealed column; one transaction per batch of rows. `progress` is called
    with each column's report when the column is done."""
    reports = []
    for sealed in sealed_columns():
        report = rotate_column(sealed, batch_size)
        reports.append(report)
        if progress:
            progress(report)
    return reports
