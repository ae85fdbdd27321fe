"""The decision form of a review card. It only carries what was pressed and typed; the
lifecycle validates the action, the note and the override reason."""

from wtforms import HiddenField, TextAreaField

from camp_app.forms import CampForm


class DecisionForm(CampForm):
    action = HiddenField()  # approve, decline or waitlist: each card action is its own form
    note = TextAreaField()  # for the family, in the decline mail
    override_reason = TextAreaField()  # required to approve despite failing rules
    page = HiddenField()  # the queue page to go back to
    # The status the card showed: a decision on a registration that moved on meanwhile
    # (another coordinator, a promotion) is refused rather than applied to something else.
    seen_status = HiddenField()

    def page_number(self) -> int:
        raw = (self.page.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) <= 6 else 1
