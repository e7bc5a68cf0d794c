#!/usr/bin/env bash
# The product as users get it: build the wheel and the sdist, install the wheel into a fresh virtual
# environment outside the checkout as a tool vendor does (no extras), run a tiny pytest project (the example
# tool and its tests) that uses the canvas_mock fixture, check that `canvas-lti conform` asks for the
# conformance extra; then install the extra and, from an empty directory, run the CLI smoke check.
# Usage: .ci/wheel_smoke.sh [PYTHON]   (PYTHON must have `build`; default .venv/bin/python)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${1:-$ROOT/.venv/bin/python}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/canvas-lti-smoke.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "== build (wheel + sdist)"
"$PYTHON" -m build --outdir "$WORK/dist" "$ROOT" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
ls "$WORK/dist"

WHEEL="$(ls "$WORK"/dist/*.whl)"

echo "== install the wheel into a fresh venv, as a tool vendor does (no extras)"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet "$WHEEL"
"$WORK/venv/bin/python" -c "import importlib.util as u, sys; sys.exit('schemathesis came without the conformance extra' if u.find_spec('schemathesis') else 0)"

echo "== a vendor's pytest project with canvas_mock"
mkdir "$WORK/tool"
cp "$ROOT/examples/example_tool.py" "$ROOT/examples/test_example_tool.py" "$WORK/tool/"
(cd "$WORK/tool" && "$WORK/venv/bin/python" -m pytest -q -p no:cacheprovider)

echo "== canvas-lti conform without the extra: one line that says how to install it"
set +e
MESSAGE="$(cd "$WORK/tool" && "$WORK/venv/bin/canvas-lti" conform 2>&1)"; CODE=$?
set -e
echo "$MESSAGE"
[ "$CODE" = 2 ] && [ "$(echo "$MESSAGE" | wc -l)" = 1 ] && echo "$MESSAGE" | grep -qF "canvas-lti-contract[conformance]"

echo "== add the conformance extra, then the CLI from an empty directory"
"$WORK/venv/bin/pip" install --quiet "$WHEEL[conformance]"
mkdir "$WORK/project"
cp "$ROOT/.ci/smoke_check.py" "$WORK/smoke_check.py"
(cd "$WORK/project" && "$WORK/venv/bin/python" "$WORK/smoke_check.py")
echo "== wheel smoke test passed"
