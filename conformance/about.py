"""``canvas-lti version`` and ``canvas-lti --version``: what is installed, for a bug report or a CI log.

The JSON names the package's version, the curated spec's ``info.version`` (the contract the mock
and the suite follow) and the version of every dependency, those of the optional extras included
(``null`` when an extra is not installed). Only the standard library and PyYAML are imported, so
the command answers at once.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
from importlib.metadata import PackageNotFoundError, requires, version
from typing import Any

DISTRIBUTION = "canvas-lti-contract"
#: The extras a user may install (``pip install 'canvas-lti-contract[conformance]'``); ``dev`` is ours.
USER_EXTRAS = ("conformance",)


def package_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # a checkout on sys.path without an install
        return "unknown (not installed)"


def spec_version() -> str | None:
    """The curated spec's ``info.version``."""
    import yaml

    from mockserver.resources import spec_path

    text = spec_path().read_text(encoding="utf-8")
    head = re.split(r"^(?:paths|components):", text, maxsplit=1, flags=re.M)[0]  # parse only what precedes paths
    info = (yaml.safe_load(head) or {}).get("info") or {}
    return str(info["version"]) if "version" in info else None


def dependencies() -> dict[str, str | None]:
    """Each requirement of the package (and of its user extras) -> the installed version or ``None``."""
    found: dict[str, str | None] = {}
    try:
        requirements = requires(DISTRIBUTION) or []
    except PackageNotFoundError:
        return found
    for requirement in requirements:
        name, _, marker = requirement.partition(";")
        extra = re.search(r"""extra\s*==\s*["']([^"']+)["']""", marker)
        if extra and extra.group(1) not in USER_EXTRAS:
            continue
        project = re.split(r"[\s\[<>=!~;]", name.strip(), maxsplit=1)[0]
        try:
            found[project] = version(project)
        except PackageNotFoundError:
            found[project] = None
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def report() -> dict[str, Any]:
    return {"canvas-lti-contract": package_version(), "spec": {"info.version": spec_version()},
            "python": platform.python_version(), "dependencies": dependencies()}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "version", help="print the versions of the package, the spec and the dependencies (JSON)",
        description="Print, as JSON, the version of this package, the version of the curated Canvas spec it "
                    "follows (its info.version), Python's, and each installed dependency's (null: not installed).")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(report(), indent=2))
    return 0
