"""Errors that services raise and both faces translate: the HTML pages show the messages next
to their fields, the API answers {"errors": [...]} with the status below."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str  # stable, machine-readable (e.g. "too_young", "invalid_phone")
    message: str  # a plain, translated sentence for a person
    field: str | None = None

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        return data


class ServiceError(Exception):
    status = 422

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("; ".join(p.code for p in self.problems))

    def by_field(self) -> dict[str | None, list[str]]:
        grouped: dict[str | None, list[str]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.field, []).append(problem.message)
        return grouped


class InvalidInput(ServiceError):
    """Input that breaks a rule (422). Nothing was changed."""


class NotAllowed(ServiceError):
    """Eligibility or a business rule refused the request (422). Nothing was changed."""


class Conflict(ServiceError):
    """The request clashes with the current state (409), e.g. already registered, event full."""

    status = 409


class NotFound(ServiceError):
    """Missing, or belongs to someone else (404): never reveal which."""

    status = 404
