"""Forms of the attendance pages. Only shape checks here; the rules are in services.py."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    RadioField,
    SearchField,
    StringField,
)
from wtforms.validators import InputRequired, Length, Optional

from camp_app.forms import CampForm

UNLISTED = "other"  # the pickup choice for a person who is not on the list
GUARDIAN_PREFIX = "guardian-"  # a guardian's choice is "guardian-<user id>"; a contact's its id
NOBODY = "none"  # overnight departures need not name anyone


class SearchForm(CampForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Search by name"), validators=[Optional(), Length(max=80)])


class RangeForm(CampForm):
    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])


class AbsentForm(CampForm):
    reason = StringField(
        _l("Reason"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: sick, family trip. Leave empty if unknown."),
    )


class CheckOutForm(CampForm):
    pickup = RadioField(
        _l("Who is picking up?"),
        validators=[InputRequired(message=_l("Choose the person who is picking up."))],
        coerce=str,
        validate_choice=False,  # an unexpected value goes to the service, which refuses it
    )
    unlisted_name = StringField(
        _l("Name of the person, if not on the list"), validators=[Optional(), Length(max=120)]
    )

    def set_choices(self, pickups, *, allow_none: bool) -> None:
        """Guardians first (always allowed), then pickup people, then anyone the family named
        as never to take the child: choosing one of those records the attempt and refuses."""
        choices = [
            (f"{GUARDIAN_PREFIX}{g.id}", _l("%(name)s (guardian)", name=g.name))
            for g in pickups.guardians
        ]
        choices += [(str(c.id), f"{c.name} ({c.relationship})") for c in pickups.contacts]
        choices += [
            (str(c.id), _l("%(name)s: DO NOT RELEASE", name=c.name)) for c in pickups.restricted
        ]
        if allow_none:
            choices.insert(0, (NOBODY, _l("Nobody recorded (overnight camp departure)")))
        choices.append((UNLISTED, _l("Someone who is not on this list")))
        self.pickup.choices = choices
