"""Messages from coordinators to the families of an event: compose, preview, send, follow up."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from camp_app.access import roles_required
from camp_app.events.models import Event
from camp_app.events.services import event_by_slug
from camp_app.forms import form_problems, refusal_messages
from camp_app.messages import audience as audiences
from camp_app.messages import history, services
from camp_app.messages.forms import FILTER_FIELDS, ComposeForm, SendForm, show_problems
from camp_app.request_checks import page_arg
from camp_app.roles import MANAGERS
from camp_app.service_errors import Conflict, InvalidInput

bp = Blueprint("messages", __name__)

# The send form's fields are hidden copies of the compose form's, shown on the same page:
# prefixed, so that no two elements share an id (a label must find its own field).
SEND_PREFIX = "send"
TEST_PREFIX = "test"  # the "send me a test copy" form: the same hidden values


def _page() -> int:
    return page_arg()


def _compose_page(event: Event, form: ComposeForm, *, general=(), selection=None, status=200):
    messages = history.sent_messages(event, _page())
    counts = history.delivery_counts([m.id for m in messages.items])
    page = render_template(
        "messages/index.html",
        event=event,
        form=form,
        general=general,
        selection=selection,
        messages=messages,
        counts=counts,
    )
    return page, status


def _compose_form(event: Event, formdata=None) -> ComposeForm:
    form = ComposeForm(formdata=formdata) if formdata is not None else ComposeForm()
    form.set_choices(audiences.event_groups(event))
    if not form.status.data:
        form.status.data = audiences.DEFAULT_STATUS
    return form


def _roster_selection(args) -> MultiDict | None:
    """The roster's filter from a link (RosterFilter.query_args()), or None for the default.
    The roster leaves out "every status" (its default), so a link without a status means it."""
    if not any(args.get(name) for name in FILTER_FIELDS):
        return None
    selection = MultiDict(args)
    if not selection.get("status"):
        selection["status"] = "any"
    return selection


@bp.get("/manage/events/<slug>/messages")
@roles_required(*MANAGERS)
def index(slug: str):
    """Compose (the filter may come from a roster link's query) and the messages sent."""
    event = event_by_slug(slug, include_unpublished=True)
    form = _compose_form(event, _roster_selection(request.args))
    try:
        f = audiences.parse_audience(event, form.data)
    except InvalidInput as error:
        return _compose_page(event, form, general=show_problems(form, error))
    return _compose_page(event, form, selection=audiences.audience_for(event, f, with_names=False))


def _send_form(preview, form_values: dict, token: str, prefix=SEND_PREFIX) -> SendForm:
    send_form = SendForm(formdata=None, prefix=prefix)
    for name in FILTER_FIELDS:
        send_form[name].data = form_values.get(name) or ""
    send_form.subject.data = preview.subject
    send_form.body.data = preview.body
    send_form.token.data = token
    send_form.previewed.data = preview.previewed
    return send_form


def _preview_page(event, compose: ComposeForm, preview, *, token=None, changed=None, note=""):
    values = {name: compose[name].data for name in FILTER_FIELDS}
    token = token or preview.token
    return render_template(
        "messages/preview.html",
        event=event,
        form=compose,
        preview=preview,
        send_form=_send_form(preview, values, token),
        test_form=_send_form(preview, values, token, prefix=TEST_PREFIX),
        changed=changed,
        note=note,
    )


@bp.post("/manage/events/<slug>/messages/preview")
@roles_required(*MANAGERS)
def preview(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    form = _compose_form(event, request.form)
    if not form.validate_on_submit():
        # The fields show their own errors; an expired token has no field.
        general = [p.message for p in form_problems(form) if p.code == "csrf"]
        return _compose_page(event, form, general=general, status=422)
    try:
        f = audiences.parse_audience(event, form.data)
        result = services.preview(event, f, form.subject.data, form.body.data)
    except InvalidInput as error:
        return _compose_page(event, form, general=show_problems(form, error), status=422)
    return _preview_page(event, form, result)


@bp.post("/manage/events/<slug>/messages/send")
@roles_required(*MANAGERS)
def send(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    sent_form = SendForm(prefix=SEND_PREFIX)
    values = sent_form.message_values()
    compose = _compose_form(event, MultiDict(values))  # for a page shown again
    if not sent_form.validate_on_submit():
        return _compose_page(event, compose, general=refusal_messages(sent_form), status=422)
    try:
        f = audiences.parse_audience(event, values)
        result = services.send(
            current_user,
            event,
            f,
            sent_form.subject.data,
            sent_form.body.data,
            token=sent_form.token.data,
            previewed=sent_form.previewed.data or "",
        )
    except Conflict as error:
        return _changed(event, compose, f, sent_form, error)
    except InvalidInput as error:
        return _compose_page(event, compose, general=show_problems(compose, error), status=422)
    if result.already_sent:
        flash(_("This message was already sent; it was not sent again."), "success")
    else:
        count = result.message.recipient_count
        flash(
            ngettext(
                "Your message is on its way to %(num)d email address.",
                "Your message is on its way to %(num)d email addresses.",
                count,
            ),
            "success",
        )
    return redirect(url_for("messages.detail", slug=event.slug, message_id=result.message.id))


@bp.post("/manage/events/<slug>/messages/test")
@roles_required(*MANAGERS)
def test_copy(slug: str):
    """A copy to the coordinator's own address, then the same preview again (same token)."""
    event = event_by_slug(slug, include_unpublished=True)
    test_form = SendForm(prefix=TEST_PREFIX)
    values = test_form.message_values()
    compose = _compose_form(event, MultiDict(values))
    if not test_form.validate_on_submit():
        return _compose_page(event, compose, general=refusal_messages(test_form), status=422)
    try:
        f = audiences.parse_audience(event, values)
        services.send_test_copy(current_user, event, values["subject"], values["body"])
        result = services.preview(event, f, values["subject"], values["body"])
    except InvalidInput as error:
        return _compose_page(event, compose, general=show_problems(compose, error), status=422)
    note = _("A test copy is on its way to %(address)s.", address=current_user.email)
    return _preview_page(event, compose, result, token=test_form.token.data, note=note)


def _changed(event, compose, f, sent_form, error):
    """The audience changed since the preview: show the new counts and ask again, same token."""
    try:
        result = services.preview(event, f, sent_form.subject.data, sent_form.body.data)
    except InvalidInput as invalid:
        return _compose_page(event, compose, general=show_problems(compose, invalid), status=422)
    messages = [p.message for p in error.problems]
    return _preview_page(event, compose, result, token=sent_form.token.data, changed=messages), 409


@bp.get("/manage/events/<slug>/messages/<int:message_id>")
@roles_required(*MANAGERS)
def detail(slug: str, message_id: int):
    event = event_by_slug(slug, include_unpublished=True)
    message = history.get_message(event, message_id)
    status = request.args.get("status", "")
    status = status if status in history.STATUS_FILTERS else ""
    return render_template(
        "messages/detail.html",
        event=event,
        message=message,
        audience=history.describe_audience(event, message.audience),
        counts=history.delivery_counts([message.id])[message.id],
        recipients=history.recipients_page(message, _page(), status),
        status=status,
        status_filters=list(history.STATUS_FILTERS),
        follow_up=history.follow_up_args(message.audience),
    )
