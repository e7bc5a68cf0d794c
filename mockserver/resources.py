"""The files the package ships: the curated spec and the default fixtures.

They are package data under ``mockserver/bundled/``, found with :mod:`importlib.resources`, so an
installed wheel works from any directory. In a checkout, ``bundled/specs`` and ``bundled/fixtures``
are symlinks to the top-level ``specs/`` and ``fixtures/`` (the single source of truth); the build
copies what they point to into the wheel and the sdist. Every user of these files asks here.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib.resources import as_file, files
from pathlib import Path

#: How the curated spec is named in messages and documentation.
SPEC_LABEL = "specs/canvas-lti.yaml"

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


@functools.cache
def bundled_path(*parts: str) -> Path:
    """A real file-system path to ``mockserver/bundled/<parts>`` (extracted once from a zipped install)."""
    resource = files(__package__).joinpath("bundled", *parts)
    if isinstance(resource, Path):
        return resource.resolve()  # in a checkout: the top-level file itself, as messages should name it
    return _extracted.enter_context(as_file(resource))


def spec_path() -> Path:
    """The curated OpenAPI description (``specs/canvas-lti.yaml``)."""
    return bundled_path("specs", "canvas-lti.yaml")


def default_fixtures_path() -> Path:
    """The default fixture world (``fixtures/default.yaml``)."""
    return bundled_path("fixtures", "default.yaml")
