"""The machinery of the declared schemas: the shared field types (fields.py), validation into
the contract's problems (validation.py) and the forms' limits (forms.py). Each resource is
declared once, by its feature (`accounts/schema.py`, `events/schema.py`, `families/schema.py`,
`registrations/schema.py`, `attendance/schema.py`): pydantic models built from these field types.
The services validate input with them (so the pages and the API refuse the same things), the page
forms read their limits from them, and api/openapi.py generates the OpenAPI 3.1 document from
them. A new field joins its resource's model and is then checked, documented and limited in the
form at once. This package is core: it imports no feature.
"""
