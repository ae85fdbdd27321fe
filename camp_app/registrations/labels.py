"""Statuses as a parent reads them, in the current locale."""

from flask_babel import gettext as _

from camp_app.registrations.models import RegistrationStatus


def status_label(status: str) -> str:
    labels = {
        RegistrationStatus.PENDING_REVIEW: _("Received: waiting for a coordinator's review"),
        RegistrationStatus.CONFIRMED: _("Confirmed"),
        RegistrationStatus.WAITLISTED: _("On the waitlist"),
        RegistrationStatus.DECLINED: _("Declined"),
        RegistrationStatus.CANCELLED: _("Cancelled"),
    }
    return labels.get(status, status)
