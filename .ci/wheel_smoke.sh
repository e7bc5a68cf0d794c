#!/usr/bin/env bash
# The product as users get it: build the wheel and the sdist, install the wheel into a fresh virtual
# environment outside the checkout, then, from an empty directory, run the CLI smoke check and a tiny
# pytest project (the example tool and its tests) that uses the canvas_mock fixture.
# Usage: .ci/wheel_smoke.sh [PYTHON]   (PYTHON must have `build`; default .venv/bin/python)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${1:-$ROOT/.venv/bin/python}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/canvas-lti-smoke.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "== build (wheel + sdist)"
"$PYTHON" -m build --outdir "$WORK/dist" "$ROOT" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
ls "$WORK/dist"

echo "== install the wheel into a fresh venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet "$WORK"/dist/*.whl

echo "== the CLI from an empty directory"
mkdir "$WORK/project"
cp "$ROOT/.ci/smoke_check.py" "$WORK/smoke_check.py"
(cd "$WORK/project" && "$WORK/venv/bin/python" "$WORK/smoke_check.py")

echo "== a user's pytest project with canvas_mock"
mkdir "$WORK/tool"
cp "$ROOT/examples/example_tool.py" "$ROOT/examples/test_example_tool.py" "$WORK/tool/"
(cd "$WORK/tool" && "$WORK/venv/bin/python" -m pytest -q -p no:cacheprovider)
echo "== wheel smoke test passed"
