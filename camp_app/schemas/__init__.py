"""One declaration per resource: pydantic models built from the shared field types in
fields.py. The services validate input with them (so the pages and the API refuse the same
things), the page forms read their limits from them, and api/openapi.py generates the OpenAPI
3.1 document from them. A new field joins its resource's model and is then checked, documented
and limited in the form at once.
"""
