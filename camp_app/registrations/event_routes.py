"""Event pages (blueprint "events"): the public catalog and event page, and the coordinators'
management pages. They live with registrations because every one shows the event's seats.

Thin: every rule is in events.services / events.rules, events/schema.py and
registrations.event_seats (saving, a seat decision).
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from camp_app.access import public, roles_required
from camp_app.events import copying, descriptions, services
from camp_app.events.forms import (
    CopyEventForm,
    event_form,
    fill_suggested_slug,
    form_data,
    show_problems,
)
from camp_app.forms import ButtonForm
from camp_app.registrations import event_seats
from camp_app.registrations.availability import seat_summaries, seat_summary
from camp_app.registrations.models import RegistrationStatus
from camp_app.roles import MANAGERS, Role
from camp_app.service_errors import InvalidInput

bp = Blueprint("events", __name__)
CAME_FOR_KEY = "came_for_event"  # the camp page a parent last looked at


@bp.context_processor
def event_helpers() -> dict:
    return {
        "kind_label": descriptions.kind_label,
        "audience_description": descriptions.audience_description,
        "age_range": descriptions.age_range,
        "event_dates": descriptions.event_dates,
        "camp_moment": descriptions.camp_moment,
        "camp_zone_name": descriptions.camp_zone_name,
        "registration_state": services.registration_state,
    }


def _is_manager() -> bool:
    return current_user.is_authenticated and current_user.has_role(*MANAGERS)


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
    event = services.event_by_slug(slug, include_unpublished=_is_manager())
    if current_user.is_authenticated and current_user.has_role(Role.PARENT):
        # The family page suggests registering for it next (registrations.routes.next_step).
        session[CAME_FOR_KEY] = event.slug
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
            data = fill_suggested_slug(form_data(form), services.suggest_slug)
            event = services.create_event(current_user, data)
        except InvalidInput as error:
            show_problems(form, error)
        else:
            flash(_("“%(name)s” was created.", name=event.name), "success")
            return redirect(url_for("events.detail", slug=event.slug))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/manage/events/<slug>/copy", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def copy(slug: str):
    source = services.event_by_slug(slug, include_unpublished=True)
    if request.method == "GET":
        suggested = copying.suggested_copy(source)
        form = CopyEventForm(
            data={"slug": suggested["slug"], "starts_on": suggested["starts_on"].isoformat()}
        )
    else:
        form = CopyEventForm()
    if form.validate_on_submit():
        data = {"slug": form.slug.data or "", "starts_on": form.starts_on.data or ""}
        try:
            created = copying.copy_event(current_user, source, data)
        except InvalidInput as error:
            show_problems(form, error)
        else:
            flash(
                _(
                    "“%(name)s” is copied, unpublished: check it, then publish it.",
                    name=created.name,
                ),
                "success",
            )
            return redirect(url_for("events.edit", slug=created.slug))
    status = 422 if request.method == "POST" else 200
    return render_template("events/copy.html", form=form, event=source), status


@bp.route("/manage/events/<slug>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(slug: str):
    event = services.event_by_slug(slug, include_unpublished=True)
    form = event_form(event)
    if form.validate_on_submit():
        try:
            saved = event_seats.save_event(current_user, event, form_data(form))
        except InvalidInput as error:
            show_problems(form, error)
        else:
            flash(_("Your changes to “%(name)s” were saved.", name=event.name), "success")
            return redirect(_after_promotions(event, saved.promoted))
    return render_template("events/form.html", form=form, event=event)


def _after_promotions(event, promoted) -> str:
    """Where to go after saving: the event, or, when new seats went to children on the
    waitlist who now wait for review, the review queue."""
    if not promoted:
        return url_for("events.detail", slug=event.slug)
    flash(
        ngettext(
            "%(num)d child from the waitlist got a new seat, in order; the family is emailed.",
            "%(num)d children from the waitlist got the new seats, in order; "
            "their families are emailed.",
            len(promoted),
        ),
        "info",
    )
    to_review = sum(1 for r in promoted if r.status == RegistrationStatus.PENDING_REVIEW)
    if to_review and "review.queue" in current_app.view_functions:
        flash(
            ngettext(
                "%(num)d of them waits for your review.",
                "%(num)d of them wait for your review.",
                to_review,
            ),
            "info",
        )
        return url_for("review.queue", slug=event.slug)
    return url_for("events.detail", slug=event.slug)


def _set_published(slug: str, published: bool):
    if not ButtonForm().validate_on_submit():
        abort(400)
    event = services.event_by_slug(slug, include_unpublished=True)
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
