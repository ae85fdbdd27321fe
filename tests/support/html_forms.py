"""Reading a page the way a browser does: its links and its forms with their fields and the
values a person would send without typing anything (for the hostile-input fuzz test)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

SUBMITS = ("submit", "image")
NOT_SENT = ("reset", "button", "file")


@dataclass
class FormField:
    name: str
    kind: str  # input type, "textarea", "select", "select-multiple"
    value: str = ""  # what the page would send as it is (first checked/selected option)
    options: list[str] = field(default_factory=list)  # choices of a select, radio or checkbox


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)
    buttons: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)

    def add(self, name: str, kind: str, value: str, checked: bool) -> None:
        """A field; radio buttons and checkboxes of one name become one field with options."""
        existing = self.fields.get(name)
        if kind in ("radio", "checkbox"):
            if existing is None:
                existing = self.fields[name] = FormField(name, kind, "")
            existing.options.append(value)
            if checked and not existing.value:
                existing.value = value
        elif existing is None:
            self.fields[name] = FormField(name, kind, value)


class _PageParser(HTMLParser):
    def __init__(self, base_url: str):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: FormField | None = None
        self._option: tuple[str | None, bool] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base_url, a["href"]))
        elif tag == "form":
            action = urljoin(self.base_url, a.get("action") or self.base_url)
            self._form = Form((a.get("method") or "get").lower(), action)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button":
            kind = (a.get("type") or "submit").lower()
            if kind == "submit":
                self._form.buttons.append((a.get("name"), a.get("value", ""), a.get("formaction")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = FormField(a["name"], kind, "")
            self._form.fields[a["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            self._text = []

    def _input(self, a: dict) -> None:
        kind = (a.get("type") or "text").lower()
        name = a.get("name")
        if kind in SUBMITS:
            self._form.buttons.append((name, a.get("value", ""), a.get("formaction")))
        elif name and kind not in NOT_SENT:
            self._form.add(name, kind, a.get("value", "on" if kind == "checkbox" else ""),
                           "checked" in a)  # fmt: skip

    def handle_data(self, data):
        if self._textarea is not None or self._option is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._text).removeprefix("\n")
            self._form.fields[self._textarea] = FormField(self._textarea, "textarea", text)
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            value = "".join(self._text).strip() if value is None else value
            self._select.options.append(value)
            if selected and not self._select.value:
                self._select.value = value
            self._option = None
        elif tag == "select":
            self._select = None


def parse_page(html: str, url: str) -> tuple[list[str], list[Form]]:
    """(the page's link targets, its forms); a button with its own formaction is its own form."""
    parser = _PageParser(url)
    parser.feed(html)
    parser.close()
    forms = []
    for form in parser.forms:
        targets = {b[2] for b in form.buttons if b[2]}
        forms.append(form)
        for target in sorted(targets):
            action = urljoin(url, target)
            forms.append(Form(form.method, action, dict(form.fields), list(form.buttons)))
    return parser.links, forms


def local_path(url: str, host: str = "localhost") -> str | None:
    """The path and query of a link to this site, or None for another site or a fragment."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", host):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
