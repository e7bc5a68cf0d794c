"""What the installed package relies on: its data files, its declared dependencies, connexion's version.

The wheel itself is exercised by the CI smoke test (.ci/wheel_smoke.sh); these are the fast checks.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

import pytest

from mockserver.connexion_adapter import TESTED, UnsupportedConnexionError, check_version, installed_version
from mockserver.resources import default_fixtures_path, spec_path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-") for requirement in requirements}


def test_bundled_files_are_the_top_level_ones() -> None:
    """One copy: in a checkout the package data resolves to specs/ and fixtures/ themselves."""
    assert spec_path() == (ROOT / "specs" / "canvas-lti.yaml").resolve()
    assert default_fixtures_path() == (ROOT / "fixtures" / "default.yaml").resolve()
    for link, target in (("specs", "specs"), ("fixtures", "fixtures")):
        path = ROOT / "mockserver" / "bundled" / link
        assert path.is_symlink() and path.resolve() == (ROOT / target).resolve()


def test_package_data_globs_ship_the_bundled_files_and_the_ui() -> None:
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["mockserver"]
    assert {"bundled/specs/*.yaml", "bundled/fixtures/*.yaml", "ui/templates/**/*", "ui/static/**/*"} <= set(globs)


def _third_party_imports(package: str) -> set[str]:
    local = {"mockserver", "conformance", "tests", "bench", "example_tool"}
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in local and top not in sys.stdlib_module_names:
                    found.add(top)
    return found


@pytest.mark.parametrize(("package", "extras"), [("mockserver", ()), ("conformance", ("conformance",))])
def test_every_direct_import_is_a_declared_dependency(package: str, extras: tuple[str, ...]) -> None:
    """The mock imports only runtime dependencies (a vendor installs no extra); the conformance suite
    may also import what its ``conformance`` extra brings (it says how to install it when missing)."""
    declared = _requirement_names(PYPROJECT["project"]["dependencies"])
    for extra in extras:
        declared |= _requirement_names(PYPROJECT["project"]["optional-dependencies"][extra])
    distributions = packages_distributions()
    missing = {}
    for module in sorted(_third_party_imports(package)):
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & declared:
            missing[module] = sorted(names)
    assert not missing, f"{package} imports what is not declared for it: {missing}"


def test_test_only_dependencies_are_in_the_dev_extra() -> None:
    runtime = _requirement_names(PYPROJECT["project"]["dependencies"])
    dev = _requirement_names(PYPROJECT["project"]["optional-dependencies"]["dev"])
    assert "openapi-spec-validator" in dev and "openapi-spec-validator" not in runtime
    assert "build" in dev


def test_connexion_pin_matches_the_adapters_tested_range() -> None:
    pin = next(r for r in PYPROJECT["project"]["dependencies"] if r.startswith("connexion"))
    low, high = TESTED
    assert pin.endswith(f">={low[0]}.{low[1]},<{high[0]}.{high[1]}")


@pytest.mark.parametrize("version", ["3.2.9", "3.4.0", "4.0.0", "2.14.2", "dev"])
def test_an_untested_connexion_is_refused_with_a_clear_message(version: str) -> None:
    with pytest.raises(UnsupportedConnexionError) as refused:
        check_version(version)
    message = str(refused.value)
    assert f"connexion {version} is installed" in message
    assert "pip install 'connexion[uvicorn]>=3.3,<3.4'" in message


@pytest.mark.parametrize("version", ["3.3.0", "3.3.7"])
def test_the_tested_connexion_minor_is_accepted(version: str) -> None:
    check_version(version)


def test_importing_the_mock_with_another_connexion_fails_loudly(tmp_path: Path) -> None:
    # another connexion, laid out as pip installs one: the package and its dist-info side by side
    (tmp_path / "connexion").mkdir()
    (tmp_path / "connexion" / "__init__.py").write_text("raise ImportError('the adapter must refuse before importing')\n")
    (tmp_path / "connexion-4.1.0.dist-info").mkdir()
    (tmp_path / "connexion-4.1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: connexion\nVersion: 4.1.0\n\n")
    code = f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nimport mockserver.app\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("mockserver.connexion_adapter.UnsupportedConnexionError: canvas-lti-contract extends connexion's internals")
    assert "connexion 4.1.0 is installed" in last


@pytest.mark.parametrize("name", ["connexion", "uvicorn", "starlette", "jsonschema"])
def test_the_adapter_reads_the_installed_version_as_importlib_metadata_does(name: str) -> None:
    assert installed_version(name) == version(name)
    assert installed_version("no_such_package_installed") is None
