"""Build hook: the wheel carries the compiled message catalogs (.mo), so an installation made
with pip alone, without `make`, speaks Spanish too.

Each camp_app/translations/<language>/LC_MESSAGES/messages.po is compiled next to itself
before the files are collected (the wheel's `artifacts` setting picks the .mo files up: they
are not in git). A catalog that does not parse fails the build instead of shipping English.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # imported by the tests, where hatchling (a build-time tool) is absent
    BuildHookInterface = object

TRANSLATIONS = Path("camp_app") / "translations"


def compile_catalogs(root: Path) -> list[Path]:
    """Compile every .po under root's translations into its .mo; returns the .mo files."""
    compiled = []
    for po_path in sorted((root / TRANSLATIONS).glob("*/LC_MESSAGES/*.po")):
        language = po_path.parent.parent.name
        with po_path.open("rb") as po:
            catalog = read_po(po, locale=language, abort_invalid=True)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo:
            write_mo(mo, catalog)
        compiled.append(mo_path)
    return compiled


class CustomBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        compiled = compile_catalogs(Path(self.root))
        if not compiled:
            raise RuntimeError(f"no message catalogs found under {TRANSLATIONS}")
