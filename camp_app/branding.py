"""The hospital's own look, from settings: its name (in each language), logo, main colour,
contact phone and footer, so that another hospital can run the app (docs/deployment.md).

`load_brand(env)` reads and checks them once at start (a bad colour or a missing logo file
stops the app with a clear message, as a bad TRUSTED_PROXIES does); pages and mails read
`brand()` for the current language.
"""

import re
from pathlib import Path

from flask import current_app
from flask_babel import get_locale

DEFAULT_NAME = "Children's Hospital Camps"
DEFAULT_NAME_ES = "Campamentos del Hospital de Niños"
DEFAULT_COLOR = "#0b5cab"
# Text of this colour on the page's white and off-white, and white text on buttons of it.
BACKGROUNDS = ("#ffffff", "#f7f9fb")
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text
HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
LOGO_TYPES[".svg"] = "image/svg+xml"


def _luminance(color: str) -> float:
    """Relative luminance of #rrggbb (WCAG 2.1)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, from 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def checked_color(value: str) -> str:
    """`value` as #rrggbb if text of it stays readable on the page (≥ 4.5:1 on white and on
    the page's background, and white on it); else a RuntimeError saying why."""
    if not HEX_COLOR.fullmatch(value):
        raise RuntimeError(f"BRAND_PRIMARY_COLOR must be a colour like #0b5cab, not {value!r}")
    worst = min(contrast(value, background) for background in BACKGROUNDS)
    if worst < MIN_CONTRAST:
        raise RuntimeError(
            f"BRAND_PRIMARY_COLOR {value} is too light: text in it has a contrast of "
            f"{worst:.2f}:1, below {MIN_CONTRAST}:1 (WCAG AA). Choose a darker colour."
        )
    return value.lower()


def _logo(path_text: str) -> str | None:
    if not path_text:
        return None
    path = Path(path_text)
    if path.suffix.lower() not in LOGO_TYPES:
        raise RuntimeError(f"BRAND_LOGO must be a .png, .jpg or .svg file, not {path_text!r}")
    if not path.is_file():
        raise RuntimeError(f"BRAND_LOGO names no file: {path_text!r}")
    return str(path.resolve())


def load_brand(env, configured: dict | None = None) -> dict:
    """The brand settings from the environment (or the app's config, which the tests set)."""

    def setting(name: str, default: str = "") -> str:
        if configured and name in configured:
            return (configured[name] or "").strip()
        return (env.get(name) or default).strip()

    name = setting("BRAND_NAME") or DEFAULT_NAME
    # A hospital that names itself gives its Spanish name too, or reads the same in Spanish.
    name_es = setting("BRAND_NAME_ES") or (DEFAULT_NAME_ES if name == DEFAULT_NAME else name)
    return {
        "BRAND_NAME": name,
        "BRAND_NAME_ES": name_es,
        "BRAND_PRIMARY_COLOR": checked_color(setting("BRAND_PRIMARY_COLOR") or DEFAULT_COLOR),
        "BRAND_LOGO": _logo(setting("BRAND_LOGO")),
        "BRAND_PHONE": setting("BRAND_PHONE"),
        "BRAND_FOOTER": setting("BRAND_FOOTER"),
        "BRAND_FOOTER_ES": setting("BRAND_FOOTER_ES"),
    }


def brand() -> dict:
    """The brand in the current language (a page's, or the mail's under force_locale)."""
    config = current_app.config
    locale = get_locale()
    spanish = locale is not None and locale.language == "es"
    return {
        "name": config["BRAND_NAME_ES"] if spanish else config["BRAND_NAME"],
        "primary_color": config["BRAND_PRIMARY_COLOR"],
        "has_logo": bool(config["BRAND_LOGO"]),
        "phone": config["BRAND_PHONE"],
        "footer": (config["BRAND_FOOTER_ES"] if spanish else "") or config["BRAND_FOOTER"],
    }
