"""Cabins and groups of an event: define them, assign children (coordinators, admins).

Thin: the rules are in roster/cabins.py (groups) and roster/assignments.py (who goes where).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from camp_app.access import roles_required
from camp_app.events.models import Event
from camp_app.events.services import event_by_slug
from camp_app.extensions import db
from camp_app.forms import ButtonForm, refusal_messages
from camp_app.roles import MANAGERS
from camp_app.roster import assignments, cabins
from camp_app.roster.cabin_board import cabin_board
from camp_app.roster.cabin_forms import (
    UNASSIGN,
    AssignForm,
    GroupForm,
    group_form_for,
    show_problems,
)
from camp_app.service_errors import InvalidInput

bp = Blueprint("cabins", __name__)


@bp.context_processor
def cabin_helpers() -> dict:
    return {
        "age_limits": assignments.age_limits,
        "gender_audience": assignments.gender_audience,
        "gender_word": assignments.gender_word,
        "uses_cabins": cabins.uses_cabins,
        "UNASSIGN": UNASSIGN,
    }


def _back(event: Event, anchor: str | None = None):
    return redirect(url_for("cabins.index", slug=event.slug, _anchor=anchor))


def _render_index(event: Event, form: GroupForm | None = None, status: int = 200, **extra):
    """The page; `extra`: pending (an AssignResult awaiting "Assign anyway"), or
    assign_errors with the `ticked` ids and the `chosen_group` kept (nobody ticks 30 boxes
    twice)."""
    form = form or GroupForm(formdata=None, cabins=cabins.uses_cabins(event))
    page = render_template(
        "cabins/index.html", event=event, board=cabin_board(event), form=form, **extra
    )
    return page, status, {"Cache-Control": "no-store"}  # children's names and ages


@bp.get("/manage/events/<slug>/cabins")
@roles_required(*MANAGERS)
def index(slug: str):
    return _render_index(event_by_slug(slug, include_unpublished=True))


@bp.post("/manage/events/<slug>/cabins/groups")
@roles_required(*MANAGERS)
def create(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    form = GroupForm(cabins=cabins.uses_cabins(event))
    if form.validate_on_submit():
        try:
            group = cabins.create_group(current_user, event, form.to_data())
        except InvalidInput as error:
            show_problems(form, error)
        else:
            flash(_("“%(name)s” was added.", name=group.name), "success")
            return _back(event, f"group-{group.id}")
    return _render_index(event, form, status=422)


@bp.route("/manage/events/<slug>/cabins/groups/<int:group_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(slug: str, group_id: int):
    event = event_by_slug(slug, include_unpublished=True)
    group = cabins.group_of(event, group_id)
    in_cabins = cabins.uses_cabins(event)
    form = (
        GroupForm(cabins=in_cabins)
        if request.method == "POST"
        else group_form_for(group, in_cabins)
    )
    status = 200
    if form.validate_on_submit():
        try:
            cabins.update_group(current_user, event, group, form.to_data())
        except InvalidInput as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            flash(_("Your changes to “%(name)s” were saved.", name=group.name), "success")
            return _back(event, f"group-{group.id}")
    if form.errors or form.form_errors:
        status = 422
    page = render_template("cabins/group_form.html", event=event, group=group, form=form)
    return page, status, {"Cache-Control": "no-store"}


@bp.route("/manage/events/<slug>/cabins/groups/<int:group_id>/delete", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def delete(slug: str, group_id: int):
    event = event_by_slug(slug, include_unpublished=True)
    group = cabins.group_of(event, group_id)
    form = ButtonForm()
    if form.validate_on_submit():
        name = group.name
        unassigned = cabins.delete_group(current_user, event, group)
        message = ngettext(
            "“%(name)s” was deleted; %(num)d child is now unassigned.",
            "“%(name)s” was deleted; %(num)d children are now unassigned.",
            unassigned,
            name=name,
        )
        flash(message if unassigned else _("“%(name)s” was deleted.", name=name), "success")
        return _back(event)
    count = cabins.assigned_count(group)
    page = render_template(
        "cabins/confirm_delete.html", event=event, group=group, form=form, count=count
    )
    return page, 200, {"Cache-Control": "no-store"}


def _target(value: str | None) -> int | None:
    """The assign form's destination: a group id, or None to unassign; anything else 404."""
    value = (value or "").strip()
    if value == UNASSIGN:
        return None
    number = cabins.whole_number(value)
    if number is None:
        abort(404)
    return number


@bp.post("/manage/events/<slug>/cabins/assign")
@roles_required(*MANAGERS)
def assign(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    form = AssignForm()
    if not form.validate_on_submit():
        flash(" ".join(refusal_messages(form)), "error")
        return _back(event)
    kept = {
        "ticked": [n for n in map(cabins.whole_number, form.registration_ids.data or []) if n],
        "chosen_group": cabins.whole_number(form.group_id.data or ""),
    }
    if not (form.group_id.data or "").strip():
        errors = [_("Please choose where the children should go.")]
        return _render_index(event, None, 422, assign_errors=errors, **kept)
    try:
        result = assignments.assign(
            current_user,
            event,
            form.registration_ids.data,
            _target(form.group_id.data),
            confirm=form.confirmed,
        )
    except InvalidInput as error:
        errors = [problem.message for problem in error.problems]
        return _render_index(event, None, 422, assign_errors=errors, **kept)
    if result.needs_confirmation:
        return _render_index(event, pending=result)
    flash(_assigned_message(result), "success")
    return _back(event, f"group-{result.group.id}" if result.group else "unassigned")


def _assigned_message(result: assignments.AssignResult) -> str:
    moved = len(result.assigned)
    if not moved:
        return _("Nothing changed: they were already there.")
    if result.group is None:
        return ngettext(
            "%(num)d child is now unassigned.", "%(num)d children are now unassigned.", moved
        )
    return ngettext(
        "%(num)d child is now in %(group)s.",
        "%(num)d children are now in %(group)s.",
        moved,
        group=result.group.name,
    )
