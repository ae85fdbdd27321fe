"""Event pages (blueprint "events"): the public catalog and event page, and the coordinators'
management pages. They live with registrations because every one shows the event's seats.

Thin: every rule is in events.services / events.rules, events/schema.py and
registrations.event_seats (saving, a seat decision).
"""

import re

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
from camp_app.events import consents, copying, descriptions, services
from camp_app.events.consent_texts import STANDARD_KEYS
from camp_app.events.forms import (
    CopyEventForm,
    event_form,
    fill_suggested_slug,
    form_data,
    show_problems,
)
from camp_app.forms import ButtonForm, CampForm
from camp_app.public_cache import kept_for_anonymous_visitors
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
@kept_for_anonymous_visitors
def catalog():
    events = services.published_events()
    seats = seat_summaries(event.id for event in events)
    return render_template("events/catalog.html", events=events, seats=seats)


@bp.get("/events/<slug>")
@public
@kept_for_anonymous_visitors
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
        flash(_("“%(name)s” is published.", name=event.text("name")), "success")
    else:
        flash(_("“%(name)s” is hidden from families.", name=event.text("name")), "success")
    return redirect(url_for("events.manage"))


@bp.post("/manage/events/<slug>/publish")
@roles_required(*MANAGERS)
def publish(slug: str):
    return _set_published(slug, True)


@bp.post("/manage/events/<slug>/unpublish")
@roles_required(*MANAGERS)
def unpublish(slug: str):
    return _set_published(slug, False)


# --- consent documents ---------------------------------------------------------------------


@bp.get("/events/<slug>/documents/<key>")
@public
def consent_document(slug: str, key: str):
    """A document in full on a page of its own (printable); `?version=` an earlier one."""
    event = services.event_by_slug(slug, include_unpublished=_is_manager())
    version = request.args.get("version", "")
    number = int(version) if version.isdigit() and len(version) <= 6 else None
    found = consents.document_of(event, key, number)
    return render_template(
        "events/consent_document.html",
        event=event,
        version=found,
        locale=consents.reading_locale(),
    )


DOCUMENT_TEXTS = ("title", "body", "title_es", "body_es")


def _posted_documents(event) -> tuple[list[dict], list[str]]:
    """The documents page as the API's `consent_documents`: the event's documents in order
    (less those ticked for removal), then a new one when its key or title was filled in;
    and the form's name prefix of each."""
    documents, prefixes = [], []
    for index, document in enumerate(event.active_documents):
        prefix = f"doc-{index}-"
        if request.form.get(prefix + "remove") and document.key not in STANDARD_KEYS:
            continue
        documents.append(_document_from(prefix, document.key))
        prefixes.append(prefix)
    new_key = request.form.get("new-key", "").strip()
    if new_key or request.form.get("new-title", "").strip():
        documents.append(_document_from("new-", new_key))
        prefixes.append("new-")
    return documents, prefixes


def _document_from(prefix: str, key: str) -> dict:
    texts = {name: request.form.get(prefix + name, "") for name in DOCUMENT_TEXTS}
    return {
        "key": key,
        "title": texts["title"],
        "body": texts["body"],
        "required": bool(request.form.get(prefix + "required")),
        "translations": {"es": {"title": texts["title_es"], "body": texts["body_es"]}},
    }


@bp.route("/manage/events/<slug>/documents", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def documents(slug: str):
    """The event's consent documents: edit their texts (English and Spanish), mark them
    required or optional, remove the event's own ones, add one."""
    event = services.event_by_slug(slug, include_unpublished=True)
    form = CampForm()
    problems: dict[str, list[str]] = {}
    status = 200
    if form.validate_on_submit():
        posted, prefixes = _posted_documents(event)
        try:
            event_seats.save_event(current_user, event, {"consent_documents": posted})
        except InvalidInput as error:
            for problem in error.problems:
                name = _form_field(problem.field, prefixes)
                problems.setdefault(name, []).append(problem.message)
            status = 422
        else:
            flash(_("The documents of “%(name)s” were saved.", name=event.text("name")), "success")
            return redirect(url_for("events.documents", slug=event.slug))
    elif form.is_submitted():
        status = 400
    page = render_template(
        "events/documents.html",
        event=event,
        form=form,
        problems=problems,
        values=request.form if form.is_submitted() else None,
        standard_keys=STANDARD_KEYS,
    )
    return page, status


def _form_field(field: str | None, prefixes: list[str]) -> str:
    """consent_documents[2].translations.es.body -> the input's name (doc-2-body_es, or
    new-... for the new document); "" for the page as a whole."""
    match = re.fullmatch(r"consent_documents\[(\d+)\]\.(.+)", field or "")
    if not match or int(match.group(1)) >= len(prefixes):
        return ""
    name = match.group(2)
    name = {"translations.es.title": "title_es", "translations.es.body": "body_es"}.get(name, name)
    return prefixes[int(match.group(1))] + name
