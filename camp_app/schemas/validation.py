"""Checking input against a declared schema, with the contract's problems as the answer.

`validate(Model, data)` returns clean values or raises InvalidInput naming every problem at
once (so a person fixes a whole form in one go); `partial=True` checks only the fields given
(a PATCH). Unknown fields are refused (`unknown_field`) for every resource.
"""

import typing
from functools import cache

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from camp_app.schemas.fields import Rule
from camp_app.service_errors import InvalidInput, Problem


class Schema(BaseModel):
    """The base of every declared resource: unknown fields are refused, never dropped."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


def validate(model: type[Schema], data, *, partial: bool = False) -> dict:
    """Clean values of `data` by `model` (every field, defaults filled in; with `partial`,
    only the fields given), or InvalidInput with every problem."""
    clean, problems = check(model, data, partial=partial)
    if problems:
        raise InvalidInput(problems)
    return clean


def check(model: type[Schema], data, *, partial: bool = False) -> tuple[dict, list[Problem]]:
    """(clean values of the fields that passed, every problem): for services whose rules
    between fields should be reported together with the fields' own problems."""
    if not isinstance(data, dict):
        return {}, [Problem("invalid_type", _("Please send an object."), None)]
    target = patch_model(model) if partial else model
    try:
        return target.model_validate(data).model_dump(exclude_unset=partial), []
    except ValidationError as error:
        problems = problems_of(error, target)
        rest = _without(data, [tuple(e["loc"]) for e in error.errors()])
    try:
        clean = patch_model(model).model_validate(rest).model_dump(exclude_unset=True)
    except ValidationError:
        clean = {}
    return clean, problems


def _without(data: dict, locations: list[tuple]) -> dict:
    """`data` without the values at `locations` (a list counts as one value)."""
    pruned = {**data}
    for location in locations:
        parent = pruned
        for depth, part in enumerate(location):
            if not isinstance(parent, dict) or part not in parent:
                break
            if depth == len(location) - 1 or not isinstance(parent[part], dict):
                del parent[part]
                break
            parent[part] = {**parent[part]}
            parent = parent[part]
    return pruned


@cache
def patch_model(model: type[Schema]) -> type[Schema]:
    """`model` with every field optional (a partial update); nested objects partial too."""
    fields = {}
    for name, info in model.model_fields.items():
        annotation = info.rebuild_annotation()
        nested = nested_model(info.annotation)
        if nested is not None and typing.get_origin(info.annotation) is not list:
            annotation = typing.Annotated[patch_model(nested) | None, *info.metadata]
        fields[name] = (annotation, None)
    doc = f"{model.__name__} as a partial update: only the fields given change."
    name = model.__name__.removesuffix("Input") + "Patch"
    return create_model(name, __base__=Schema, __doc__=doc, **fields)


def nested_model(annotation) -> type[Schema] | None:
    """The declared model inside `annotation` (`Model | None`, `list[Model]`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = nested_model(argument)
        if found is not None:
            return found
    return None


def field_name(location: tuple) -> str:
    """("medications", 1, "name") -> "medications[1].name"; ("eligibility", "min_age") ->
    "eligibility.min_age"."""
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _rule(model: type[Schema], location: tuple) -> Rule | None:
    current = model
    for part in location[:-1]:
        if isinstance(part, str):
            info = current.model_fields.get(part) if current else None
            current = nested_model(info.annotation) if info else None
    info = current.model_fields.get(location[-1]) if current else None
    return next((m for m in info.metadata if isinstance(m, Rule)), None) if info else None


def _problem(error: dict, model: type[Schema]) -> Problem:
    kind, location = error["type"], tuple(error["loc"])
    field = field_name(location) or None
    if kind == "missing":
        rule = _rule(model, location)
        message = rule.required_message() if rule and rule.required_message else None
        return Problem("required", message or _("This field is required."), field)
    if kind == "extra_forbidden":
        return Problem("unknown_field", _("This field is unknown."), field)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return Problem("invalid_type", _("Please send an object."), field)
    if kind == "list_type":
        return Problem("invalid_type", _("Please send a list."), field)
    if "message" in (error.get("ctx") or {}):  # one of the field types' own codes
        return Problem(kind, error["msg"], field)
    return Problem("invalid_type", _("This value is not valid here."), field)


def problems_of(error: ValidationError, model: type[Schema]) -> list[Problem]:
    return [_problem(e, model) for e in error.errors(include_url=False)]
