"""Showing a stored mail in the development mailbox."""

import re

from markupsafe import Markup, escape

# A URL up to whitespace or a quote, not counting punctuation that ends a sentence.
URL = re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]")
DOCTYPE = re.compile(r"^\s*<!doctype[^>]*>", re.IGNORECASE)


def linkify(text: str) -> Markup:
    """Plain text as HTML with its links clickable (verification links, for one)."""
    parts = []
    last = 0
    for match in URL.finditer(text):
        parts.append(escape(text[last : match.start()]))
        url = match.group(0)
        parts.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def text_as_html(text: str) -> Markup:
    """The plain-text part as paragraphs with clickable links; wraps on a phone, unlike <pre>."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(linkify(line) for line in p.splitlines()))
        for p in paragraphs
    )


def html_preview_document(body_html: str) -> str:
    """The HTML part as an iframe srcdoc: links open in the whole window (the sandbox allows
    that on a click), because this site may not be shown inside a frame."""
    rest = DOCTYPE.sub("", body_html, count=1)
    return '<!doctype html><meta charset="utf-8"><base target="_top">' + rest
