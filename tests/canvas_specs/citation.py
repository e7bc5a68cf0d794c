"""The citation every Canvas-derived case carries, and the registry the per-controller table is built from.

A case cites the Canvas spec file (a path inside instructure/canvas-lms, e.g.
``spec/controllers/lti/ims/scores_controller_spec.rb``) and the example name it mines (the text of its
``it "…"``, with enclosing ``context``/``describe`` texts joined by `` / `` where they matter). Where the
spec is older than the controller and the case follows the current code, ``follows_code`` names that file.
Where the mock deliberately differs, ``difference`` gives the reason: the case then asserts Canvas's
behaviour and is a strict xfail, so it fails loudly the day the mock starts to match, and the reason must
appear in ``docs/differences.md`` (checked by ``test_citations.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Citation:
    spec_file: str
    example: str
    controller: str
    follows_code: str | None = None
    difference: str | None = None


CITATIONS: dict[str, Citation] = {}


def controller_of(spec_file: str) -> str:
    """The controller (or area) a Canvas spec file tests: its file name without ``_spec.rb``."""
    name = spec_file.rsplit("/", 1)[-1]
    return name.removesuffix(".rb").removesuffix("_spec")


def canvas_spec(spec_file: str, example: str, *, controller: str | None = None, follows_code: str | None = None,
                difference: str | None = None) -> Callable[[F], F]:
    """Mark a test as mined from ``spec_file``'s example ``example`` (see the module docstring)."""
    if not spec_file.startswith("spec/") or not spec_file.endswith(".rb"):
        raise ValueError(f"cite a Canvas spec file (spec/…_spec.rb), not {spec_file!r}")
    if not example.strip():
        raise ValueError("cite the example's name (its it \"…\" text)")
    citation = Citation(spec_file, example, controller or controller_of(spec_file), follows_code, difference)

    def mark(test: F) -> F:
        CITATIONS[f"{test.__module__}.{test.__qualname__}"] = citation
        test = pytest.mark.canvas_spec(citation)(test)
        if difference:
            test = pytest.mark.xfail(strict=True, reason=f"documented difference: {difference}")(test)
        return test

    return mark
