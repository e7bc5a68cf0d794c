"""Harvest openapi-diff's own pairs and verdicts: ``python -m tests.drift.openapi_diff_corpus.harvest GIT_DIR``.

GIT_DIR is a clone of OpenAPITools/openapi-diff (bare or not). Its JUnit tests under
``core/src/test/java`` compare two documents of ``core/src/test/resources`` through a handful of
helpers (``TestUtils``); each call pins a verdict:

- ``assertSpecUnchanged``, ``assertOpenApiAreEquals``: no change to any endpoint (not breaking);
- ``assertSpecChangedButCompatible``, ``assertOpenApiBackwardCompatible``: not breaking;
- ``assertSpecIncompatible``, ``assertOpenApiBackwardIncompatible``: breaking.

``assertOpenApiChangedEndpoints`` (changed, compatibility not asserted) and pairs compared through
hand-written assertions are not kept. Arguments are string literals or the test class's ``String``
constants; the documents are copied unchanged under ``data/`` and the pairs written to ``pairs.yaml``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TESTS = "core/src/test/java"
RESOURCES = "core/src/test/resources"
VERDICTS = {
    "assertSpecUnchanged": "unchanged",
    "assertOpenApiAreEquals": "unchanged",
    "assertSpecChangedButCompatible": "compatible",
    "assertOpenApiBackwardCompatible": "compatible",
    "assertSpecIncompatible": "breaking",
    "assertOpenApiBackwardIncompatible": "breaking",
}
_CONSTANT = re.compile(r'String\s+(\w+)\s*=\s*"([^"]+)"\s*;')
_ARG = r'\s*(\w+|"[^"]+")\s*'
_CALL = re.compile(rf"\b({'|'.join(VERDICTS)})\({_ARG},{_ARG}[,)]")
_METHOD = re.compile(r"\bvoid\s+(\w+)\s*\(")


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(git_dir), *args], check=True, capture_output=True, text=True).stdout


def harvest_file(path: str, source: str) -> list[dict[str, str]]:
    """The (base, revision, verdict, test) calls of one Java test file."""
    constants = dict(_CONSTANT.findall(source))
    found = []
    for call in _CALL.finditer(source):
        helper, old, new = call.groups()
        names = [arg.strip('"') if arg.startswith('"') else constants.get(arg) for arg in (old, new)]
        if None in names:
            continue  # built at run time: not a plain pair
        methods = _METHOD.findall(source, 0, call.start())
        test = f"{path.rsplit('/', 1)[-1]}:{methods[-1] if methods else '?'}"
        found.append({"base": names[0], "revision": names[1], "verdict": VERDICTS[helper], "test": test})
    return found


def harvest(git_dir: Path) -> list[dict[str, object]]:
    commit = _git(git_dir, "rev-parse", "HEAD").strip()
    pairs: dict[tuple[str, str], dict[str, object]] = {}
    for path in _git(git_dir, "ls-tree", "-r", "--name-only", "HEAD", TESTS).split():
        if path.endswith(".java"):
            for call in harvest_file(path, _git(git_dir, "show", f"HEAD:{path}")):
                key = (call["base"], call["revision"])
                entry = pairs.setdefault(key, {"base": key[0], "revision": key[1], "verdicts": set(), "tests": []})
                entry["verdicts"].add(call["verdict"])  # type: ignore[union-attr]
                entry["tests"].append(call["test"])  # type: ignore[union-attr]
    out = []
    for entry in sorted(pairs.values(), key=lambda e: (str(e["base"]), str(e["revision"]))):
        verdicts = entry.pop("verdicts")
        if len(verdicts) != 1:  # type: ignore[arg-type]
            continue  # the tests disagree (an option-dependent verdict): not kept
        entry["verdict"] = next(iter(verdicts))  # type: ignore[call-overload]
        for name in (entry["base"], entry["revision"]):
            target = HERE / "data" / str(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(subprocess.run(["git", "-C", str(git_dir), "show", f"HEAD:{RESOURCES}/{name}"],
                                              check=True, capture_output=True).stdout)
        out.append(entry)
    header = (f"# Harvested by tests/drift/openapi_diff_corpus/harvest.py from OpenAPITools/openapi-diff at {commit}.\n"
              "# Each pair's verdict is the one openapi-diff's tests assert (see README.md here).\n")
    (HERE / "pairs.yaml").write_text(header + yaml.safe_dump(out, sort_keys=False, width=200))
    return out


if __name__ == "__main__":
    kept = harvest(Path(sys.argv[1]))
    print(f"{len(kept)} pairs: " + ", ".join(f"{v} {sum(p['verdict'] == v for p in kept)}" for v in ("unchanged", "compatible", "breaking")))
