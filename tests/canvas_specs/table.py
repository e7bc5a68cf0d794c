"""Print the Canvas-derived cases per controller as a Markdown table: ``python -m tests.canvas_specs.table``."""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter

import tests.canvas_specs as package
from tests.canvas_specs.citation import CITATIONS, Citation


def collect() -> dict[str, Citation]:
    """Import every module of the package, which registers its citations."""
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("test_"):
            importlib.import_module(f"{package.__name__}.{module.name}")
    return CITATIONS


def markdown() -> str:
    citations = collect().values()
    cases = Counter(c.controller for c in citations)
    differences = Counter(c.controller for c in citations if c.difference)
    lines = ["| Canvas controller / spec | cases | documented differences |", "|---|---:|---:|"]
    lines += [f"| `{name}` | {cases[name]} | {differences[name]} |" for name in sorted(cases)]
    lines.append(f"| **total** | **{sum(cases.values())}** | **{sum(differences.values())}** |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
