"""The page forms read their limits from the declared schemas, so a browser already stops at
the length the services (and the API) allow."""

from camp_app.schemas.validation import Schema


def limit_lengths(model: type[Schema], form_class, names=None, suffix: str = "") -> None:
    """Give each text input of `form_class` named like a field of `model` (followed by
    `suffix`) the declared `maxlength` attribute (the services check the same limit)."""
    schema = model.model_json_schema()
    for name, properties in schema["properties"].items():
        if names is not None and name not in names:
            continue
        unbound = getattr(form_class, name + suffix, None)
        limit = next(
            (
                c["maxLength"]
                for c in (properties, *properties.get("anyOf", []))
                if "maxLength" in c
            ),
            None,
        )
        if unbound is None or limit is None or not hasattr(unbound, "kwargs"):
            continue
        render_kw = dict(unbound.kwargs.get("render_kw") or {})
        render_kw.setdefault("maxlength", limit)
        unbound.kwargs["render_kw"] = render_kw
