"""The event workspace's dashboard and roster pages (coordinators, admins).

Thin: the numbers come from roster.dashboard and roster.listing, which rows from the shared
roster.filters. Unpublished events are visible here; an unknown slug is 404.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from camp_app.access import roles_required
from camp_app.audit.services import read_recorded
from camp_app.events import services as event_services
from camp_app.events.descriptions import camp_moment, camp_zone_name, event_dates
from camp_app.families.models import PatientVerification
from camp_app.families.verification import state_label
from camp_app.forms import ButtonForm
from camp_app.notifications import services as outbox
from camp_app.registrations import waitlist_routes
from camp_app.registrations.labels import status_label
from camp_app.registrations.models import RegistrationStatus
from camp_app.registrations.review import QUEUE_PER_PAGE
from camp_app.roles import MANAGERS
from camp_app.roster import charts, listing
from camp_app.roster.dashboard import event_dashboard
from camp_app.roster.exports import filter_field_names
from camp_app.roster.filters import ACTIVE_STATUSES, MAIL_FAILED, NO_GROUP, SORTS

bp = Blueprint("roster", __name__)


def line_link(slug: str, row: listing.RosterRow) -> str | None:
    """The review card of a pending registration or the waitlist entry of a waitlisted one,
    on the page of that (paged) list where it stands; None for the others."""
    status, position = row.registration.status, row.line_position
    lines = {
        RegistrationStatus.PENDING_REVIEW: ("review.queue", QUEUE_PER_PAGE),
        RegistrationStatus.WAITLISTED: ("review.waitlist", waitlist_routes.PER_PAGE),
    }
    if status not in lines or position is None:
        return None
    endpoint, per_page = lines[status]
    page = (position - 1) // per_page + 1
    anchor = f"registration-{row.registration.id}"
    return url_for(endpoint, slug=slug, page=page, _anchor=anchor)


@bp.context_processor
def roster_helpers() -> dict:
    return {
        "status_label": status_label,
        "line_link": line_link,
        "verification_label": state_label,
        "event_dates": event_dates,
        "camp_moment": camp_moment,
        "camp_zone_name": camp_zone_name,
        "registration_state": event_services.registration_state,
        "statuses": list(RegistrationStatus),
        "verification_states": list(PatientVerification),
        "ACTIVE_STATUSES": ACTIVE_STATUSES,
        "NO_GROUP": NO_GROUP,
        "MAIL_FAILED": MAIL_FAILED,
    }


@bp.get("/manage/events/<slug>/dashboard")
@roles_required(*MANAGERS)
def dashboard(slug: str):
    event = event_services.event_by_slug(slug, include_unpublished=True)
    numbers = event_dashboard(event)
    return render_template(
        "roster/dashboard.html",
        event=event,
        numbers=numbers,
        received_chart=charts.received_chart(numbers.days),
        age_chart=charts.age_chart(numbers.ages, _("other")),
    )


@bp.post("/manage/events/<slug>/mails/send-again")
@roles_required(*MANAGERS)
def send_failed_mails_again(slug: str):
    event = event_services.event_by_slug(slug, include_unpublished=True)
    if not ButtonForm().validate_on_submit():
        flash(_("Your form expired. Please try again."), "error")
    else:
        count = outbox.retry_failed(actor_id=current_user.id, event_id=event.id)
        flash(sent_again_message(count), "success" if count else "info")
    return redirect(url_for("roster.dashboard", slug=event.slug))


def sent_again_message(count: int) -> str:
    if not count:
        return _("No mail is waiting to be sent again.")
    return ngettext(
        "%(num)d mail will be sent again at the next delivery run.",
        "%(num)d mails will be sent again at the next delivery run.",
        count,
    )


def _sort_labels() -> dict[str, str]:
    labels = {
        "received": _("Order received"),
        "child": _("Child's name"),
        "age": _("Age"),
        "status": _("Status"),
        "group": _("Cabin or group"),
    }
    return {key: labels[key] for key in SORTS}


@bp.get("/manage/events/<slug>/roster")
@roles_required(*MANAGERS)
def roster(slug: str):
    event = event_services.event_by_slug(slug, include_unpublished=True)
    view = listing.roster_view(event, request.args)
    page = render_template(
        "roster/roster.html",
        event=event,
        groups=view.groups,
        chosen=view.chosen,
        page=view.page,
        problems=view.problems,
        sort_labels=_sort_labels(),
        # Filled from what was typed, so a mistake can be corrected rather than retyped.
        typed=request.args,
    )
    # The page shows which children are the hospital's patients and their verification: a
    # read, recorded with the filters used (names) and the children shown (one INSERT,
    # committed before the page is sent).
    read_recorded(
        current_user.id,
        "event.roster_read",
        "events",
        event.id,
        filter_field_names(view.chosen),
        ids=[row.registration.child_id for row in view.page.rows],
    )
    return page
