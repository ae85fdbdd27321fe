"""A deployment that installs the package with pip alone (no `make`) speaks Spanish: the
wheel's build hook (hatch_build.py) compiles the message catalogs into it."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import PoFileError

import hatch_build

ROOT = Path(__file__).resolve().parent.parent


def test_the_build_hook_compiles_every_catalog(tmp_path):
    shutil.copytree(ROOT / "camp_app" / "translations", tmp_path / "camp_app" / "translations")
    for old in tmp_path.rglob("*.mo"):
        old.unlink()

    [compiled] = hatch_build.compile_catalogs(tmp_path)

    assert compiled == tmp_path / "camp_app/translations/es/LC_MESSAGES/messages.mo"
    with compiled.open("rb") as mo:
        catalog = read_mo(mo)
    assert catalog.get("Upcoming events").string == "Próximos eventos"


def test_a_broken_catalog_fails_the_build(tmp_path):
    catalog = tmp_path / "camp_app/translations/es/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid "Upcoming events"\nmsgtsr "Próximos eventos"\n')
    with pytest.raises(PoFileError):
        hatch_build.compile_catalogs(tmp_path)
    assert not catalog.with_suffix(".mo").exists()


def test_the_wheel_is_built_with_the_hook_and_carries_the_mo_files():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert any(r.startswith("babel") for r in config["build-system"]["requires"])
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["hooks"]["custom"]["path"] == "hatch_build.py"
    assert "camp_app/translations/**/*.mo" in wheel["artifacts"]


@pytest.mark.packaging
@pytest.mark.skipif(
    os.environ.get("CAMP_PACKAGING_TEST") != "1",
    reason="builds and installs the wheel from the package index: CAMP_PACKAGING_TEST=1",
)
def test_a_fresh_venv_with_only_the_wheel_and_the_lock_renders_spanish():
    done = subprocess.run(  # noqa: S603  (our own script, with this interpreter)
        [str(ROOT / "scripts/check_wheel.sh"), sys.executable],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "OK: the installed wheel renders Spanish pages" in done.stdout
