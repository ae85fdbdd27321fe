"""What a parent signs when registering: an answer for each of the event's consent documents
(the version shown), and a typed signature that must be the name of a guardian of the
household. Checked once per submission, with every problem at once; kept as a ConsentSigning
written before the event's lock (so the lock's transaction stays as small as it is).
"""

import unicodedata
from collections.abc import Mapping

from flask_babel import gettext as _

from camp_app.events.consents import current_versions, reading_locale
from camp_app.events.models import ConsentDocument, ConsentDocumentVersion
from camp_app.extensions import db
from camp_app.registrations.models import ConsentSigning, SignedConsent
from camp_app.registrations.schema import SIGNATURE_MAX
from camp_app.service_errors import Problem

Documents = list[tuple[ConsentDocument, ConsentDocumentVersion]]


def documents_to_sign(event_id: int) -> Documents:
    """(document, current version) of each document the event asks for, in reading order."""
    return current_versions(event_id)


def clean_answers(consents) -> dict[str, bool]:
    """The answers given: a boolean per key (null or a missing key: not answered)."""
    if not isinstance(consents, Mapping):
        return {}
    return {key: value for key, value in consents.items() if isinstance(value, bool)}


def consent_problems(
    documents: Documents, answers: Mapping[str, bool], seen_versions: Mapping[str, int] | None
) -> list[Problem]:
    """A required document not accepted (`consent_missing`, naming it), a key that is no
    document of the event (`unknown_consent`), a text that changed since the page showed it
    (`consent_changed`: the parent must read the new one)."""
    locale = reading_locale()
    problems = []
    keys = {document.key for document, _version in documents}
    for key in answers:
        if key not in keys:
            message = _("This event has no document called “%(key)s”.", key=key)
            problems.append(Problem("unknown_consent", message, "consents"))
    for document, version in documents:
        field, title = f"consents.{document.key}", version.title_in(locale)
        seen = (seen_versions or {}).get(document.key)
        if seen is not None and seen != version.version and answers.get(document.key):
            message = _(
                "“%(title)s” was updated while you were reading it. Please read the new text "
                "and accept it again.",
                title=title,
            )
            problems.append(Problem("consent_changed", message, field))
        elif document.required and answers.get(document.key) is not True:
            message = _("Please read and accept “%(title)s” to register.", title=title)
            problems.append(Problem("consent_missing", message, field))
    return problems


def normalized_name(text: str) -> str:
    """A name with case, accents and spaces aside: "  María  López" -> "marialopez"."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(letters.casefold().split())


def guardian_names(household) -> list[str]:
    return [g.name for g in household.guardians if g.active] if household else []


def signature_problems(household, signature) -> list[Problem]:
    """The signature must be the full name of a guardian of the household."""
    text = signature.strip() if isinstance(signature, str) else ""
    if not text:
        message = _("Please type your full name to sign.")
        return [Problem("signature_missing", message, "signature")]
    if len(text) > SIGNATURE_MAX:
        message = _("Please keep the signature under %(n)s characters.", n=SIGNATURE_MAX)
        return [Problem("too_long", message, "signature")]
    typed = normalized_name(text)
    if any(normalized_name(name) == typed for name in guardian_names(household)):
        return []
    message = _(
        "The signature must be the full name of a parent or guardian of the family, as in "
        "your family profile (for example “%(name)s”).",
        name=(guardian_names(household) or [""])[0],
    )
    return [Problem("signature_mismatch", message, "signature")]


def new_signing(actor, event, household_id, documents: Documents, answers, signature, now):
    """The record of what `actor` signed: every document version shown with its answer.
    Added to the session (the caller commits)."""
    signing = ConsentSigning(
        event_id=event.id,
        household_id=household_id,
        signed_by_id=actor.id,
        signature=signature.strip(),
        signed_at=now,
        answers=[
            SignedConsent(document_version=version, accepted=answers.get(document.key) is True)
            for document, version in documents
        ],
    )
    db.session.add(signing)
    return signing


def signed_documents(signing: ConsentSigning) -> list[dict]:
    """The contract's `consents`: [{key, title, version, accepted}] in reading order."""
    locale = reading_locale()
    return [
        {
            "key": answer.document_version.document.key,
            "title": answer.document_version.title_in(locale),
            "version": answer.document_version.version,
            "accepted": answer.accepted,
        }
        for answer in signing.answers
    ]


def standard_answers(answers: Mapping[str, bool]) -> dict[str, bool]:
    """The registration's own consent columns (kept for the roster and the review)."""
    return {
        "consent_medical_treatment": answers.get("medical_treatment") is True,
        "consent_liability_waiver": answers.get("liability_waiver") is True,
        "consent_photo_release": answers.get("photo_release") is True,
    }
