"""The coordinator's exports at 5,000 and 10,000 registrations: the roster as CSV (streamed) and
XLSX, and the nurse's medical summary PDF (every child confirmed, two medications each, in
20 cabins and some not assigned). Seconds, rows per second, SQL statements, and the peak of
Python memory allocated while exporting (tracemalloc, a separate run: it slows Python down)."""

import time
import tracemalloc
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from benchmarks import data
from benchmarks.support import bench_app, counting_queries
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Medication
from camp_app.registrations.models import Registration
from camp_app.roster import exports, medical_summary
from camp_app.roster.models import CampGroup

SIZES = (5000, 10000)
CABINS = 20
MEDICATIONS = (
    ("Ondansetron", "4 mg by mouth", "every 8 hours as needed for nausea"),
    ("Trimethoprim-sulfamethoxazole", "160 mg", "twice daily on Mondays and Tuesdays"),
)


def _camp(size: int) -> int:
    """An event with `size` confirmed registrations, medications and cabins."""
    [event_id] = data.events(1, capacity=size, prefix=f"export{size}")
    families = data.families(size, prefix=f"export{size}-")
    data.registrations(event_id, size, families)
    db.session.execute(
        insert(Medication),
        [
            {"child_id": f.child_id, "name": name, "dose": dose, "schedule": schedule}
            for f in families
            for name, dose, schedule in MEDICATIONS
        ],
    )
    rows = [{"event_id": event_id, "name": f"Cabin {n:02}", "capacity": 600} for n in range(CABINS)]
    cabins = list(db.session.scalars(insert(CampGroup).returning(CampGroup.id), rows))
    query = select(Registration.id, Registration.sequence).where(Registration.event_id == event_id)
    assigned = [
        {"id": reg_id, "group_id": cabins[sequence % CABINS], "updated_at": datetime.now(UTC)}
        for reg_id, sequence in db.session.execute(query)
        if sequence % 10  # one child in ten not yet assigned
    ]
    db.session.execute(update(Registration), assigned)
    db.session.commit()
    return event_id


def _roster_csv(event: Event) -> int:
    f = exports.export_filter(event, {})
    return sum(1 for _ in exports.roster_csv_lines(event, f)) - 1  # without the header


def _roster_xlsx(event: Event) -> int:
    spool, size = exports.roster_xlsx(event, exports.export_filter(event, {}))
    spool.close()
    return size


def _medical_pdf(event: Event) -> int:
    choice = medical_summary.SummaryChoice()
    sections = medical_summary.summary_sections(event, choice)
    return len(medical_summary.summary_pdf(event, sections, choice))


def _measure(action, event_id: int, rows: int, memory: bool) -> dict:
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    with counting_queries() as counter:
        start, cpu = time.perf_counter(), time.process_time()
        result = action(event)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    measured = {
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),  # this process only: the honest figure on a busy machine
        "rows_per_second": round(rows / seconds),
        "statements": len(counter.statements),
    }
    if action is not _roster_csv:
        measured["bytes"] = result
    if memory:
        db.session.expire_all()
        event = db.session.get(Event, event_id)
        tracemalloc.start()
        action(event)
        measured["peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return measured


def run():
    app = bench_app()
    with app.test_request_context():
        for size in SIZES:
            event_id = _camp(size)
            memory = size == SIZES[-1]  # one traced run is enough to see the shape
            yield f"roster CSV, {size} registrations", _measure(_roster_csv, event_id, size, memory)
            yield (
                f"roster XLSX, {size} registrations",
                _measure(_roster_xlsx, event_id, size, memory),
            )
            yield (
                f"medical summary PDF, {size} children",
                _measure(_medical_pdf, event_id, size, False),
            )
