"""Trying every form as an attacker would: find the forms a person can reach by following links,
then send each one again and again with valid values everywhere but one hostile value in one
field. Nothing may answer 5xx, nothing hostile may be stored, and no hostile value may reach
the log."""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote_plus, urlsplit

from camp_app.extensions import db
from camp_app.text_rules import has_forbidden_characters
from tests.support.html_forms import Form, FormField, local_path, parse_page

MARK = "FUZZ"  # every hostile text carries it, so the log can be searched for it
LONG = MARK + "x" * 100_000


def _text(value: str) -> list[str]:
    return [quote_plus(value)]


# (label, the field's encoded values): one value per field, except the list.
GENERIC = [
    ("nul", _text(MARK + "\x00nul")),
    ("control", _text(MARK + "\x1b[31m\x7f")),
    ("surrogate-bytes", [MARK + "%ED%A0%80"]),  # a lone surrogate as raw bytes: not UTF-8
    ("100k", _text(LONG)),
    ("list", _text(MARK + "-a") + _text(MARK + "-b")),
]
DATES = [("9999-12-31", ["9999-12-31"]), ("0000-00-00", ["0000-00-00"]), ("0001", ["0001-01-01"])]
MOMENTS = [("9999-12-31T23:59", ["9999-12-31T23%3A59"]), ("0001T00:00", ["0001-01-01T00%3A00"])]
# 2**31 fits SQLite but not PostgreSQL's integer columns: the database scan below catches it.
NUMBERS = [("-1", ["-1"]), ("2**31", [str(2**31)]), ("2**63", [str(2**63)]), ("20", ["9" * 20])]
CHOICES = [("unknown-choice", _text(MARK + "-unknown"))]
# What must never appear in the log (the markers above, and the bare dates and numbers).
LOG_NEEDLES = (MARK, "9999-12-31", "0000-00-00", "0001-01-01", str(2**31), str(2**63), "9" * 20)

DATE_NAMES = {"date_of_birth", "starts_on", "ends_on", "date_from", "date_to", "from", "to"}
NUMBER_NAMES = {"page", "capacity", "min_age", "max_age", "group", "children", "child_ids"}
CHOICE_KINDS = {"select", "select-multiple", "radio", "checkbox", "hidden", "submit"}
SKIPPED_PATHS = re.compile(r"^/(static|dev)/|\.(csv|xlsx|pdf)$")


def hostile_values(f: FormField) -> list[tuple[str, list[str]]]:
    values = list(GENERIC)
    name = f.name.rsplit("-", 1)[-1]
    if f.kind == "date" or name in DATE_NAMES:
        values += DATES
    if f.kind == "datetime-local" or name.endswith("_at"):
        values += MOMENTS
    numeric = f.value.isdigit() or any(o.isdigit() for o in f.options)
    if f.kind == "number" or name in NUMBER_NAMES or name.endswith("_id") or numeric:
        values += NUMBERS
    if f.kind in CHOICE_KINDS:
        values += CHOICES
    return values


def pattern_of(url: str) -> str:
    """/family/children/12/edit?x=1 -> /family/children/N/edit?x, and every camp of the world
    (their slugs start with camp-) is the same: one page of each kind."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    path = re.sub(r"\d+", "N", re.sub(r"/camp-[a-z]+", "/CAMP", parts.path))
    return path + ("?" + "&".join(keys) if keys else "")


@dataclass
class Tally:
    forms: int = 0
    fields: int = 0
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # 5xx answers
    stored: list[str] = field(default_factory=list)  # hostile text found in the database
    form_names: list[str] = field(default_factory=list)
    baselines: list[str] = field(default_factory=list)  # how each form answered valid values

    def note(self, what: str, status: int) -> None:
        self.requests += 1
        self.statuses[status] += 1
        if status >= 500:
            self.errors.append(f"{status} {what}")

    def summary(self) -> str:
        return (
            f"{self.forms} forms, {self.fields} fields, {self.requests} requests, "
            f"{len(self.errors)} answers >= 500, {len(self.stored)} with hostile values stored; "
            f"statuses {dict(sorted(self.statuses.items()))}"
        )


def crawl(client, starts, tally: Tally, *, per_pattern=2, max_pages=150) -> list[tuple[str, Form]]:
    """(page, form) for every form on the pages reachable from `starts` by GET links."""
    queue, seen, patterns, found = deque(starts), set(), Counter(), []
    while queue and len(seen) < max_pages:
        url = queue.popleft()
        if url in seen or SKIPPED_PATHS.search(urlsplit(url).path):
            continue
        seen.add(url)
        patterns[pattern_of(url)] += 1
        response = client.get(url)
        tally.note(f"GET {url}", response.status_code)
        if response.status_code in (301, 302, 303):
            target = local_path(response.headers["Location"])
            if target:
                queue.append(target)
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        links, forms = parse_page(response.get_data(as_text=True), "http://localhost" + url)
        found += [(url, form) for form in forms]
        for link in links:
            target = local_path(link)
            if target and target not in seen and patterns[pattern_of(target)] < per_pattern:
                queue.append(target)
    return found


ROW_INDEX = re.compile(r"-\d+-")


def form_key(form: Form) -> tuple:
    path = local_path(form.action) or ""
    names = {*form.fields, *(b[0] for b in form.buttons if b[0])}
    # A list's rows count as one shape: an "add a row" button answers the same form with one
    # row more, which would otherwise be a new form to fuzz, forever.
    rows = sorted({ROW_INDEX.sub("-N-", name) for name in names})
    return form.method, pattern_of(path), tuple(rows)


def _unstorable(value) -> bool:
    """Text PostgreSQL refuses or we never store, or a number beyond its integer columns."""
    if isinstance(value, str):
        return has_forbidden_characters(value)
    return isinstance(value, int) and not -(2**31) <= value < 2**31


def stored_hostile_text(app) -> list[str]:
    """Table.column of every stored value that PostgreSQL would have refused with an error."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(table.select()).mappings():
                found += [f"{table.name}.{c}" for c, value in row.items() if _unstorable(value)]
        db.session.remove()
    return found


class FormFuzzer:
    """Sends one form with valid values everywhere and a hostile value in one field."""

    def __init__(self, app, snapshot, sign_in, good_values, tally: Tally):
        self.app, self.snapshot, self.sign_in = app, snapshot, sign_in
        self.good_values, self.tally = good_values, tally

    def baseline(self, form: Form) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        for f in form.fields.values():
            value = self._good(form, f)
            if value is not None:
                values[f.name] = _text(value)
        named = [b for b in form.buttons if b[0]]
        if named:
            values[named[0][0]] = _text(named[0][1] or "")
        return values

    def _good(self, form: Form, f: FormField) -> str | None:
        path = urlsplit(form.action).path
        known = self.good_values(path, f.name)
        if known is not None:
            return known
        if f.value:
            return f.value
        if f.kind in ("select", "select-multiple", "radio", "checkbox"):
            options = [o for o in f.options if o]
            return options[0] if options else None
        return {"date": "2027-08-01", "number": "1", "email": "someone@example.org"}.get(f.kind, "")

    def fields_of(self, form: Form) -> list[FormField]:
        fields = list(form.fields.values())
        for name in dict.fromkeys(b[0] for b in form.buttons if b[0]):
            options = [b[1] or "" for b in form.buttons if b[0] == name]
            fields.append(FormField(name, "submit", options[0], options))
        return fields

    def send(self, client, form: Form, values: dict[str, list[str]]):
        body = "&".join(f"{quote_plus(k)}={v}" for k, vs in values.items() for v in vs)
        path = local_path(form.action) or "/"
        if form.method == "get":
            separator = "&" if "?" in path else "?"
            return client.get(path + (separator + body if body else ""))
        return client.post(path, data=body, content_type="application/x-www-form-urlencoded")

    def fuzz(self, page: str, form: Form, role: str) -> list[Form]:
        """Fuzz every field of `form`; returns the forms on the baseline's answer page."""
        label = f"{role} {form.method.upper()} {pattern_of(local_path(form.action) or '')}"
        self.tally.forms += 1
        self.tally.form_names.append(label)
        client = self.sign_in()
        client.get(page)  # as a person would: the page first
        baseline = self.baseline(form)
        response = self.send(client, form, baseline)
        self.tally.note(f"{label} baseline", response.status_code)
        self.tally.baselines.append(f"{label} -> {response.status_code}")
        follow_ups = []
        if response.status_code == 200 and response.mimetype == "text/html":
            _links, follow_ups = parse_page(response.get_data(as_text=True), form.action)
        client = self._after(client, response, form)
        for f in self.fields_of(form):
            self.tally.fields += 1
            for name, encoded in hostile_values(f):
                values = {**baseline, f.name: encoded}
                response = self.send(client, form, values)
                self.tally.note(f"{label} {f.name}={name}", response.status_code)
                client = self._after(client, response, form, f"{label} {f.name}={name}")
        self._check_stored(label)
        return follow_ups

    def _after(self, client, response, form: Form, what: str = ""):
        """Put the data back after anything that may have changed it (and sign in again)."""
        if form.method == "get" and response.status_code < 500:
            return client
        if response.status_code < 300 or response.status_code >= 400:
            return client
        self._check_stored(what)
        self.snapshot.restore()
        return self.sign_in()

    def _check_stored(self, what: str) -> None:
        stored = stored_hostile_text(self.app)
        if stored:
            self.tally.stored.append(f"{what}: {sorted(set(stored))}")
            self.snapshot.restore()


def camp_local_input(app, days: int = 0, hour: int = 8) -> str:
    from camp_app.timeutil import camp_today

    with app.app_context():
        day = camp_today() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


# --- the JSON API -----------------------------------------------------------------------

JSON_VALUES = [
    ("nul", MARK + "\x00nul"),
    ("control", MARK + "\x1b[31m\x7f"),
    ("lone surrogate", MARK + "\ud800"),
    ("100k", LONG),
    ("9999-12-31", "9999-12-31"),
    ("0001-01-01", "0001-01-01"),
    ("year 9999 moment", "9999-12-31T23:59:59+14:00"),
    ("year 1 moment", "0001-01-01T00:00:00-12:00"),
    ("-1", -1),
    ("2**31", 2**31),
    ("2**63", 2**63),
    ("1e308", 1e308),
    ("fraction", -0.5),
    ("true", True),
    ("null", None),
    ("list", [MARK + "-a", MARK + "-b"]),
    ("object", {MARK: MARK}),
    ("unknown choice", MARK + "-unknown"),
]


def json_leaves(value, path=()) -> list[tuple]:
    """The path of every value in a JSON body (containers too), e.g. ("medications", 0, "dose")."""
    paths = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            paths += json_leaves(item, (*path, key))
    elif isinstance(value, list) and value:
        paths += json_leaves(value[0], (*path, 0))
    return paths


def with_value(body, path: tuple, value):
    """A deep copy of `body` with `value` at `path`."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(body, dict):
        return {**body, head: with_value(body[head], rest, value)}
    return [with_value(item, rest, value) if i == head else item for i, item in enumerate(body)]


def path_name(path: tuple) -> str:
    return ".".join(str(p) for p in path)
