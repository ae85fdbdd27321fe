"""Patient verification by the medical team, recorded by a coordinator.

The page lists the patients an event depends on (registered ones and, for sibling camps, the
patients of registered siblings' households); the POST records one answer. Every rule is in
camp_app.families.verification.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField

from camp_app.access import roles_required
from camp_app.audit.services import read_recorded
from camp_app.events.descriptions import CATEGORY_LABELS
from camp_app.events.services import event_by_slug
from camp_app.families import verification as service
from camp_app.families.models import PatientVerification
from camp_app.forms import CampForm, refusal_messages
from camp_app.redirects import safe_next
from camp_app.registrations import verification_list
from camp_app.registrations.workspace import bp
from camp_app.request_checks import page_arg
from camp_app.roles import MANAGERS
from camp_app.service_errors import ServiceError

ALL = "all"
DEFAULT_FILTER = PatientVerification.UNVERIFIED.value
MAX_SEARCH = 100
# What each button does, as the coordinator reads it.
ACTION_LABELS = {
    PatientVerification.VERIFIED.value: _l("Mark verified"),
    PatientVerification.REJECTED.value: _l("Could not verify"),
    PatientVerification.UNVERIFIED.value: _l("Reset to not verified"),
}


class VerificationForm(CampForm):
    """The CSRF token, the new state (from the pressed button) and where to go back to."""

    state = HiddenField()
    next = HiddenField()


def _chosen_filter() -> str:
    state = request.args.get("state", DEFAULT_FILTER)
    return state if state in (*service.STATES, ALL) else DEFAULT_FILTER


@bp.get("/manage/events/<slug>/verification")
@roles_required(*MANAGERS)
def verification(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    state = _chosen_filter()
    page = page_arg()
    q = request.args.get("q", "")[:MAX_SEARCH]
    listing = verification_list.verification_list(event, None if state == ALL else state, page, q)
    page_html = render_template(
        "review/verification.html",
        event=event,
        listing=listing,
        state=state,
        q=q,
        state_labels=service.STATE_LABELS,
        action_labels=ACTION_LABELS,
        category_labels=CATEGORY_LABELS,
        form=VerificationForm(),
    )
    # The rows show each patient's diagnosis: one entry naming the children shown.
    filters = [name for name, value in (("state", state), ("q", q)) if value]
    read_recorded(
        current_user.id,
        "event.verification_read",
        "events",
        event.id,
        filters,
        ids=[row.child.id for row in listing.rows],
    )
    return page_html


def _done_message(child, state: str) -> str:
    if state == PatientVerification.VERIFIED:
        return _("%(child)s is marked verified.", child=child.full_name)
    if state == PatientVerification.REJECTED:
        return _("%(child)s is marked as could not be verified.", child=child.full_name)
    return _("%(child)s is back to not verified.", child=child.full_name)


@bp.post("/manage/events/<slug>/children/<int:child_id>/verification")
@roles_required(*MANAGERS)
def set_verification(slug: str, child_id: int):
    event = event_by_slug(slug, include_unpublished=True)
    child = verification_list.child_for_event(event, child_id)
    form = VerificationForm()
    back = safe_next(form.next.data) or url_for("review.verification", slug=event.slug)
    if not form.validate_on_submit():
        flash(" ".join(refusal_messages(form)), "error")
        return redirect(back)
    try:
        service.set_verification(current_user, child, form.state.data)
    except ServiceError as error:
        flash(" ".join(problem.message for problem in error.problems), "error")
    else:
        flash(_done_message(child, form.state.data), "success")
    return redirect(back)
