"""Screenshots of browser tests, kept in test-artifacts/ (gitignored) for people to look at."""

import re
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def safe_name(text: str) -> str:
    """A file name from a test id or a label: letters, digits, dots, dashes."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-")[:150]


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG of what the browser shows now; returns its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{safe_name(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
