"""Event pages: the public catalog and event page, and the coordinators' management pages.

Thin: every rule is in events.services / events.rules and schemas/events.py.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from camp_app.accounts.access import public, roles_required
from camp_app.accounts.models import Role
from camp_app.events import descriptions, services
from camp_app.events.availability import seat_summaries, seat_summary
from camp_app.events.forms import ButtonForm, event_form, form_data, show_problems
from camp_app.events.models import Event
from camp_app.service_errors import InvalidInput, NotFound

bp = Blueprint("events", __name__)

MANAGERS = (Role.COORDINATOR, Role.ADMIN)


@bp.context_processor
def event_helpers() -> dict:
    return {
        "kind_label": descriptions.kind_label,
        "audience_description": descriptions.audience_description,
        "age_range": descriptions.age_range,
        "event_dates": descriptions.event_dates,
        "camp_moment": descriptions.camp_moment,
        "camp_zone_name": descriptions.camp_zone_name,
        "phone_for_people": descriptions.phone_for_people,
        "registration_state": services.registration_state,
    }


def _is_manager() -> bool:
    return current_user.is_authenticated and current_user.has_role(*MANAGERS)


def _event_or_404(slug: str, *, include_unpublished: bool) -> Event:
    try:
        return services.event_by_slug(slug, include_unpublished=include_unpublished)
    except NotFound:
        abort(404)


@bp.get("/")
@public
def catalog():
    events = services.published_events()
    seats = seat_summaries(event.id for event in events)
    return render_template("events/catalog.html", events=events, seats=seats)


@bp.get("/events/<slug>")
@public
def detail(slug: str):
    # Coordinators preview unpublished events; to everyone else they do not exist.
    event = _event_or_404(slug, include_unpublished=_is_manager())
    return render_template(
        "events/detail.html",
        event=event,
        seats=seat_summary(event),
        can_manage=_is_manager(),
    )


@bp.get("/manage/events")
@roles_required(*MANAGERS)
def manage():
    events = services.all_events()
    seats = seat_summaries(event.id for event in events)
    return render_template("events/manage.html", events=events, seats=seats)


@bp.route("/manage/events/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create():
    form = event_form()
    if form.validate_on_submit():
        try:
            event = services.create_event(current_user, form_data(form))
        except InvalidInput as error:
            show_problems(form, error)
        else:
            flash(_("“%(name)s” was created.", name=event.name), "success")
            return redirect(url_for("events.detail", slug=event.slug))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/manage/events/<slug>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(slug: str):
    event = _event_or_404(slug, include_unpublished=True)
    form = event_form(event)
    if form.validate_on_submit():
        try:
            services.update_event(current_user, event, form_data(form))
        except InvalidInput as error:
            show_problems(form, error)
        else:
            flash(_("Your changes to “%(name)s” were saved.", name=event.name), "success")
            return redirect(_free_seats_page(event) or url_for("events.detail", slug=event.slug))
    return render_template("events/form.html", form=form, event=event)


def _free_seats_page(event) -> str | None:
    """Seats freed by a raised capacity are not given out by themselves (the coordinator may
    want one for a child out of turn): while children wait, go on to the waitlist page."""
    free = seat_summary(event).free_while_waiting
    if not free:
        return None
    flash(
        ngettext(
            "%(num)d seat is free: give it to the next child in line, or to one out of turn.",
            "%(num)d seats are free: give them to the children in line, or to one out of turn.",
            free,
        ),
        "info",
    )
    return url_for("review.waitlist", slug=event.slug)


def _set_published(slug: str, published: bool):
    if not ButtonForm().validate_on_submit():
        abort(400)
    event = _event_or_404(slug, include_unpublished=True)
    services.set_published(current_user, event, published)
    if published:
        flash(_("“%(name)s” is published.", name=event.name), "success")
    else:
        flash(_("“%(name)s” is hidden from families.", name=event.name), "success")
    return redirect(url_for("events.manage"))


@bp.post("/manage/events/<slug>/publish")
@roles_required(*MANAGERS)
def publish(slug: str):
    return _set_published(slug, True)


@bp.post("/manage/events/<slug>/unpublish")
@roles_required(*MANAGERS)
def unpublish(slug: str):
    return _set_published(slug, False)
