"""The development mailbox (no sign-in; only without a mail server) and the outbox page for
admins and coordinators."""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from camp_app.access import public, roles_required
from camp_app.notifications import services
from camp_app.notifications.forms import RetryMailForm
from camp_app.notifications.models import MailStatus
from camp_app.notifications.presentation import html_preview_document, text_as_html
from camp_app.request_checks import page_arg
from camp_app.roles import MANAGERS
from camp_app.service_errors import Conflict

bp = Blueprint("notifications", __name__)


def _require_dev_mailbox() -> None:
    if not services.dev_mailbox_enabled():
        abort(404)


def _page() -> int:
    return page_arg()


@bp.get("/dev/mailbox")
@public  # a newcomer reads the verification mail here before they can sign in
def mailbox():
    _require_dev_mailbox()
    return render_template("notifications/mailbox.html", mails=services.list_mails(_page()))


@bp.get("/dev/mailbox/<int:mail_id>")
@public
def mailbox_mail(mail_id: int):
    _require_dev_mailbox()
    mail = services.get_mail(mail_id)
    return render_template(
        "notifications/mailbox_mail.html", mail=mail, text_html=text_as_html(mail.body_text)
    )


# The HTML part, framed by the mail's page. Its own policy, not the site's: mails carry inline
# styles, which the site's policy forbids; no scripts (the sandbox), nothing fetched from
# anywhere, and only this site may frame it.
MAIL_PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox "
    "allow-top-navigation-by-user-activation"
)


@bp.get("/dev/mailbox/<int:mail_id>/html")
@public
def mailbox_mail_html(mail_id: int):
    _require_dev_mailbox()
    mail = services.get_mail(mail_id)
    response = make_response(html_preview_document(mail.body_html))
    response.headers["Content-Security-Policy"] = MAIL_PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/manage/outbox")
@roles_required(*MANAGERS)
def outbox():
    status = request.args.get("status") or None
    if status not in set(MailStatus):
        status = None
    return render_template(
        "notifications/outbox.html",
        failed=services.count_failed(),
        mails=services.list_mails(_page(), status=status),
        status=status,
        statuses=list(MailStatus),
        retryable={MailStatus.FAILED, MailStatus.PENDING},
        form=RetryMailForm(),
    )


@bp.post("/manage/outbox/<int:mail_id>/retry")
@roles_required(*MANAGERS)
def retry_mail(mail_id: int):
    form = RetryMailForm()
    if form.validate_on_submit():
        try:
            services.retry_mail(mail_id, actor_id=current_user.id)
        except Conflict as error:  # NotFound: the 404 page
            flash(" ".join(p.message for p in error.problems), "error")
        else:
            flash(_("The mail will be sent at the next delivery run."), "success")
    else:
        flash(_("Your form expired. Please try again."), "error")
    status = request.args.get("status")
    return redirect(url_for("notifications.outbox", status=status if status else None))


@bp.post("/manage/outbox/send-failed-again")
@roles_required(*MANAGERS)
def retry_failed_mails():
    if not RetryMailForm().validate_on_submit():
        flash(_("Your form expired. Please try again."), "error")
    else:
        count = services.retry_failed(actor_id=current_user.id)
        if count:
            message = ngettext(
                "%(num)d mail will be sent again at the next delivery run.",
                "%(num)d mails will be sent again at the next delivery run.",
                count,
            )
            flash(message, "success")
        else:
            flash(_("No mail is waiting to be sent again."), "info")
    return redirect(url_for("notifications.outbox"))
