#!/bin/sh
# Builds the wheel as a deployment would (pip alone, no `make`), installs it with
# requirements.lock into a fresh virtual environment, and checks that the installed app
# speaks Spanish: the compiled catalog is inside the wheel and a page renders in Spanish.
# Needs the package index (pip fetches the build backend and the pinned dependencies).
# Usage: scripts/check_wheel.sh [python]   (tests/test_packaging.py runs it when asked)
set -eu
PYTHON=${1:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --upgrade pip
# Build from a copy without compiled catalogs, so that only the build can have made them.
mkdir "$WORK/src"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$WORK/src")
"$WORK/venv/bin/python" -m pip wheel --quiet --no-deps -w "$WORK/dist" "$WORK/src"
WHEEL=$(ls "$WORK"/dist/camp_app-*.whl)
"$WORK/venv/bin/python" - "$WHEEL" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
if "camp_app/translations/es/LC_MESSAGES/messages.mo" not in names:
    sys.exit("FAIL: the wheel has no compiled Spanish catalog")
PY
"$WORK/venv/bin/python" -m pip install --quiet -r "$ROOT/requirements.lock"
"$WORK/venv/bin/python" -m pip install --quiet --no-deps "$WHEEL"

cd "$WORK"  # not the source tree: the installed package must be the one imported
export DATABASE_URL="sqlite:///$WORK/camp.sqlite3" SECRET_KEY=check-wheel
"$WORK/venv/bin/flask" --app camp_app db upgrade >/dev/null 2>&1
"$WORK/venv/bin/python" - <<'PY'
import camp_app

app = camp_app.create_app()
assert "/venv/" in camp_app.__file__, camp_app.__file__
client = app.test_client()
page = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
assert "Próximos eventos" in page, page[:500]
print("OK: the installed wheel renders Spanish pages")
PY
