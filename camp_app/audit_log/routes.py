"""The audit log, for admins: who did what, when, on which record (field names, never values).

A record's history is the same page filtered by record type and number, e.g.
/admin/audit?entity_type=registrations&entity_id=5. A child's history also holds the reads of
a list (a roster page, a day's sheet) that showed that child (queries._record).
"""

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user

from camp_app.access import roles_required
from camp_app.audit.links import record_links
from camp_app.audit_log import export, queries
from camp_app.audit_log.labels import (
    ACTION_GROUP_LABELS,
    KIND_LABELS,
    action_label,
    entity_label,
    is_download,
)
from camp_app.roles import Role
from camp_app.timeutil import camp_today

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@roles_required(Role.ADMIN)
def log():
    audit_filter, problems = queries.parse_filter(request.args)
    before = queries.parse_cursor(request.args, "before", problems)
    after = queries.parse_cursor(request.args, "after", problems) if before is None else None
    page = queries.audit_page(audit_filter, before=before, after=after)
    actions, entity_types = queries.filter_choices()
    errors: dict[str | None, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
    return render_template(
        "audit/log.html",
        page=page,
        f=audit_filter,
        args=audit_filter.query_args(),
        errors=errors,
        actions=actions,
        action_groups=ACTION_GROUP_LABELS,
        kinds=KIND_LABELS,
        entity_types=entity_types,
        links=record_links(row.entry for row in page.rows),
        action_label=action_label,
        entity_label=entity_label,
        is_download=is_download,
    )


@bp.get("/admin/audit.csv")
@roles_required(Role.ADMIN)
def download():
    audit_filter, _problems = queries.parse_filter(request.args)  # bad values are left out
    export.record_download(current_user, audit_filter)
    name = f"audit-log-{camp_today().isoformat()}.csv"
    return Response(
        stream_with_context(export.csv_lines(audit_filter)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
