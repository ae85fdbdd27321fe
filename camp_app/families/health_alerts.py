"""Health alerts as people read them: the short flags every counselor sees of a child, in
place of the diagnosis, conditions and medications."""

from flask_babel import lazy_gettext as _l

from camp_app.families.models import HealthAlert

LABELS = {
    HealthAlert.EPINEPHRINE_AUTO_INJECTOR: _l("Epinephrine auto-injector"),
    HealthAlert.CENTRAL_LINE: _l("Port or central line"),
    HealthAlert.SEIZURE_PLAN: _l("Seizure plan"),
    HealthAlert.DIABETES: _l("Diabetes"),
    HealthAlert.INFECTION_RISK: _l("Infection risk"),
}


def alert_labels(alerts, note: str | None = "") -> list[str]:
    """The child's flags in the declared order, then the family's own short note."""
    chosen = set(alerts or [])
    labels = [str(label) for flag, label in LABELS.items() if flag.value in chosen]
    return [*labels, note] if note else labels
