"""Whether a child may register for an event, and why not: every failing rule, in plain words.

`evaluate` is pure: it reads only the objects it is given (the caller loads the household's
children and contacts) and the numbers passed in, never the database or the request. Messages
are translated with Flask-Babel, so it needs an app context with a locale (a request, or
`force_locale`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from camp_app.events.models import Audience
from camp_app.families.models import ContactKind
from camp_app.timeutil import age_on

REQUIRED_CONSENTS = ("medical_treatment", "liability_waiver")
CONSENT_NAMES = (*REQUIRED_CONSENTS, "photo_release")


@dataclass(frozen=True)
class Reason:
    code: str  # one of the contract's eligibility codes
    message: str  # a translated sentence naming the child and the rule
    field: str | None = None  # the form field it concerns, when there is one

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def evaluate(
    event,
    child,
    household,
    now: datetime,
    *,
    consents: Mapping | None = None,
    signature: str | None = None,
    seats_left: int | None = None,
) -> list[Reason]:
    """Every rule `child` fails for `event`; an empty list means eligible.

    `now` must be aware. `seats_left` None skips the event_full rule (unknown); consents or
    signature None mean "not asked yet" (the pre-check on the event page) and skip those rules.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    reasons = [
        *_age(event, child),
        *_audience(event, child, household),
        *_window(event, child, now),
        *_seats(event, child, seats_left),
        *_profile(event, child, household),
    ]
    if consents is not None:
        reasons += _consents(child, consents)
    if signature is not None:
        reasons += _signature(child, signature)
    return reasons


def _age_range(event) -> str:
    if event.min_age is not None and event.max_age is not None:
        return _("ages %(low)s–%(high)s", low=event.min_age, high=event.max_age)  # noqa: RUF001
    if event.min_age is not None:
        return _("ages %(low)s and up", low=event.min_age)
    return _("ages up to %(high)s", high=event.max_age)


def _age(event, child) -> list[Reason]:
    age = age_on(child.date_of_birth, event.starts_on)
    names = {"child": child.first_name, "age": age, "event": event.text("name")}
    too_young = event.min_age is not None and age < event.min_age
    too_old = event.max_age is not None and age > event.max_age
    if not (too_young or too_old):
        return []
    message = _(
        "%(child)s will be %(age)s on the first day of camp; %(event)s is for %(range)s.",
        range=_age_range(event),
        **names,
    )
    return [Reason("too_young" if too_young else "too_old", message)]


# --- audience: patients, siblings of patients, or both -------------------------------------


def _diagnosis_covered(event, patient) -> bool:
    categories = event.diagnosis_categories or []
    return not categories or patient.diagnosis_category in categories


def _qualifying_patient(event, patient) -> bool:
    """A patient whose condition the event is for (and treated here when the event asks)."""
    return (
        patient.is_patient
        and _diagnosis_covered(event, patient)
        and (patient.treated_at_hospital or not event.treated_at_hospital_required)
    )


def _has_qualifying_sibling(event, child, household) -> bool:
    return any(
        other.id != child.id and _qualifying_patient(event, other) for other in household.children
    )


def _patient_reasons(event, child) -> list[Reason]:
    names = {"child": child.first_name, "event": event.text("name")}
    if not child.is_patient:
        message = _("%(event)s is for patients, and %(child)s is not registered as one.", **names)
        return [Reason("not_a_patient", message)]
    reasons = []
    if not _diagnosis_covered(event, child):
        message = _(
            "%(event)s is for children with a condition it serves, and %(child)s's "
            "diagnosis is not one of them.",
            **names,
        )
        reasons.append(Reason("diagnosis_not_covered", message))
    if event.treated_at_hospital_required and not child.treated_at_hospital:
        message = _(
            "%(event)s is for children treated at our hospital, and %(child)s is not "
            "recorded as treated here.",
            **names,
        )
        reasons.append(Reason("not_treated_at_hospital", message))
    return reasons


def _sibling_reason(event, child) -> Reason:
    names = {"child": child.first_name, "event": event.text("name")}
    if child.is_patient:
        message = _(
            "%(event)s is for brothers and sisters of patients, and %(child)s is registered "
            "as a patient.",
            **names,
        )
    else:
        message = _(
            "%(event)s is for brothers and sisters of patients it serves, and no child in "
            "%(child)s's family is such a patient.",
            **names,
        )
    return Reason("not_a_sibling_of_patient", message)


def _audience(event, child, household) -> list[Reason]:
    audience = event.audience
    if audience == Audience.PATIENTS:
        return _patient_reasons(event, child)
    if audience == Audience.SIBLINGS:
        if child.is_patient or not _has_qualifying_sibling(event, child, household):
            return [_sibling_reason(event, child)]
        return []
    if audience == Audience.PATIENTS_AND_SIBLINGS:
        # A patient may also come as the sibling of another patient the event serves.
        if _has_qualifying_sibling(event, child, household):
            return []
        if child.is_patient:
            return _patient_reasons(event, child)
        return [_sibling_reason(event, child)]
    return []  # anyone


# --- registration window, seats, profile, consents, signature ------------------------------


def _window(event, child, now: datetime) -> list[Reason]:
    if now < event.registration_opens_at:
        message = _(
            "Registration for %(event)s opens on %(when)s; %(child)s can be registered then.",
            event=event.text("name"),
            child=child.first_name,
            when=format_datetime(event.registration_opens_at, "medium"),
        )
        return [Reason("registration_not_open", message)]
    if now >= event.registration_closes_at:
        message = _(
            "Registration for %(event)s closed on %(when)s, so %(child)s can no longer be "
            "registered.",
            event=event.text("name"),
            child=child.first_name,
            when=format_datetime(event.registration_closes_at, "medium"),
        )
        return [Reason("registration_closed", message)]
    return []


def _seats(event, child, seats_left: int | None) -> list[Reason]:
    if seats_left is None or seats_left > 0 or event.waitlist_enabled:
        return []
    message = _(
        "%(event)s is full and has no waitlist, so %(child)s cannot be registered.",
        event=event.text("name"),
        child=child.first_name,
    )
    return [Reason("event_full", message)]


def _covers(contact, child) -> bool:
    # No chosen children means the person may collect every child of the household.
    return not contact.children or any(c.id == child.id for c in contact.children)


def _profile(event, child, household) -> list[Reason]:
    contacts = household.contacts
    reasons = []
    if not any(c.kind == ContactKind.EMERGENCY for c in contacts):
        message = _(
            "Please add an emergency contact to your family profile before registering %(child)s.",
            child=child.first_name,
        )
        reasons.append(Reason("profile_incomplete", message))
    if event.is_day_camp and not any(
        c.kind == ContactKind.PICKUP and _covers(c, child) for c in contacts
    ):
        message = _(
            "%(event)s is a day camp: please add a person authorized to pick up %(child)s "
            "to your family profile.",
            event=event.text("name"),
            child=child.first_name,
        )
        reasons.append(Reason("profile_incomplete", message))
    return reasons


def _consents(child, consents: Mapping) -> list[Reason]:
    names = {"child": child.first_name}
    messages = {
        "medical_treatment": _(
            "Please consent to medical treatment for %(child)s during camp.", **names
        ),
        "liability_waiver": _("Please accept the liability waiver for %(child)s.", **names),
    }
    reasons = [
        Reason("consent_missing", messages[name], f"consents.{name}")
        for name in REQUIRED_CONSENTS
        if consents.get(name) is not True
    ]
    if not isinstance(consents.get("photo_release"), bool):
        message = _("Please answer whether photos of %(child)s may be used.", **names)
        reasons.append(Reason("consent_missing", message, "consents.photo_release"))
    return reasons


def _signature(child, signature: str) -> list[Reason]:
    if isinstance(signature, str) and signature.strip():
        return []
    message = _(
        "Please type your full name to sign the registration of %(child)s.",
        child=child.first_name,
    )
    return [Reason("signature_missing", message, "signature")]
