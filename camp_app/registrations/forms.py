"""The register form. It only carries what was ticked and typed; the lifecycle decides, and
its problems are put next to the fields here.

The event's consent documents vary, so their boxes are read from the request by name:
`consent-<key>` (ticked: accepted) and `consent-version-<key>` (the version the page showed).
"""

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from camp_app.forms import CampForm
from camp_app.service_errors import ServiceError

MAX_VERSION_DIGITS = 6


class RegisterForm(CampForm):
    children = SelectMultipleField(
        _l("Children to register"),
        coerce=int,
        validate_choice=False,  # the lifecycle says why a child cannot come
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    signature = StringField(
        _l("Signature"),
        description=_l("Type your full name. It counts as your signature, with today's date."),
        render_kw={"autocomplete": "name", "maxlength": 200},
    )

    def typed_signature(self) -> str:
        return self.signature.data or ""  # a missing field is an empty signature, not "not asked"

    def consent_answers(self, keys) -> dict[str, bool]:
        """A boolean per document key: ticked or not."""
        return {key: request.form.get(f"consent-{key}") == "yes" for key in keys}

    def seen_versions(self, keys) -> dict[str, int]:
        versions = {}
        for key in keys:
            raw = request.form.get(f"consent-version-{key}", "")
            if raw.isdigit() and len(raw) <= MAX_VERSION_DIGITS:
                versions[key] = int(raw)
        return versions

    def accepted_keys(self) -> set[str]:
        """What the page ticks again when it is shown with problems."""
        prefix = "consent-"
        return {
            name.removeprefix(prefix)
            for name, value in request.form.items()
            if name.startswith(prefix) and not name.startswith("consent-version-") and value
        }

    def show_problems(self, error: ServiceError) -> tuple[dict[int, list[str]], dict]:
        """Put each problem next to its field; returns the problems of each child by id and
        of each consent document by key."""
        by_child: dict[int, list[str]] = {}
        by_document: dict[str, list[str]] = {}
        for problem in error.problems:
            field = problem.field or ""
            head, _dot, tail = field.partition(".")
            if head == "children" and tail.isdigit():
                by_child.setdefault(int(tail), []).append(problem.message)
            elif head == "consents" and tail:
                by_document.setdefault(tail, []).append(problem.message)
            elif field in ("children", "signature"):
                self._add_error(field, problem.message)
            else:
                self.form_errors.append(problem.message)
        return by_child, by_document

    def _add_error(self, name: str, message: str) -> None:
        if message not in self[name].errors:
            self[name].errors = [*self[name].errors, message]
