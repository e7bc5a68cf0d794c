"""The conformance package has no import cycle: every part of a run depends on the run's context,
not on the suite or on each other in a circle (``TYPE_CHECKING`` and function-level imports count)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import conformance

ROOT = Path(conformance.__file__).resolve().parent
#: Sub-packages with their own owners and structure (drift detection, the tool probe): not the suite.
OTHER_PACKAGES = ("drift", "probe")


def module_name(path: Path) -> str:
    parts = ["conformance", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}  # ``from . import fixtures``
    return {m for m in found if m in modules and m != name}


def graph() -> dict[str, set[str]]:
    paths = sorted(p for p in ROOT.rglob("*.py") if p.relative_to(ROOT).parts[0] not in OTHER_PACKAGES)
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path ``a -> b -> … -> a``, or None (depth-first search)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_import_cycle_in_conformance() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_parts_of_a_run_do_not_import_the_suite() -> None:
    edges = graph()
    parts = ("stateful", "recipes", "semantics", "stateless", "execution", "discovery", "steering", "fixtures")
    for part in parts:
        importers = {m for m in edges if m == f"conformance.{part}" or m.startswith(f"conformance.{part}.")}
        assert not any("conformance.suite" in edges[m] for m in importers), part


# -- schemathesis below its public API: one adapter, pinned ----------------------------------------


def test_schemathesis_pin_matches_the_adapters_tested_range() -> None:
    import tomllib

    from conformance.schemathesis_adapter import TESTED

    extra = tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    pin = next(r for r in extra["conformance"] if r.startswith("schemathesis"))
    (low_major, low_minor), (high_major, high_minor) = TESTED
    assert pin == f"schemathesis>={low_major}.{low_minor},<{high_major}.{high_minor}"


@pytest.mark.parametrize("version", ["4.31.1", "4.33.0", "5.0.0", "dev"])
def test_an_untested_schemathesis_is_refused_with_a_clear_message(version: str) -> None:
    from conformance.schemathesis_adapter import UnsupportedSchemathesisError, check_version

    with pytest.raises(UnsupportedSchemathesisError) as refused:
        check_version(version)
    assert f"schemathesis {version} is installed" in str(refused.value)
    assert "pip install 'schemathesis>=4.32,<4.33'" in str(refused.value)
    check_version("4.32.5")  # the tested minor


def test_only_the_adapter_imports_the_state_machines_internals() -> None:
    """schemathesis's stateful internals (its transition controller, how it names transitions)
    are reached from conformance/schemathesis_adapter.py alone."""
    internal = ("schemathesis.generation.stateful.control", "schemathesis.core.errors")
    users = {path.name for path in ROOT.rglob("*.py") if any(name in path.read_text() for name in internal)}
    assert users == {"schemathesis_adapter.py"}, users
