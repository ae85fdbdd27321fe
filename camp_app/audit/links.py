"""Where an audited record can be seen: a link for the records that have a page.

The audit log sits below the features whose records it names, so it does not know their pages:
each feature connects a linker for its table at app start (its hooks.connect()). A linker takes
ids and answers {id: url} in one query, so a page of the log costs one query per kind of record
present on it, never one per row.
"""

from collections.abc import Callable, Iterable

Linker = Callable[[list[int]], dict[int, str]]

LINKERS: dict[str, Linker] = {}


def connect_linker(entity_type: str, linker: Linker) -> None:
    """Link the audited records of table `entity_type` with `linker`."""
    LINKERS[entity_type] = linker


def record_links(entries: Iterable) -> dict[tuple[str, int], str]:
    """{(entity_type, entity_id): url} for the entries whose record has a page."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.entity_type in LINKERS and entry.entity_id is not None:
            wanted.setdefault(entry.entity_type, set()).add(entry.entity_id)
    links = {}
    for entity_type, ids in wanted.items():
        for id_, url in LINKERS[entity_type](sorted(ids)).items():
            links[(entity_type, id_)] = url
    return links
