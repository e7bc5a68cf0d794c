"""The ``conformance`` extra: schemathesis and Hypothesis, which only the conformance suite needs.

A tool vendor installs ``canvas-lti-contract`` for the mock and the ``canvas_mock`` fixture; the
suite's generators are an extra (``pip install 'canvas-lti-contract[conformance]'``), because
schemathesis registers a pytest plugin of its own that every pytest run would otherwise load. Where
the suite is asked for without them, this says so in one line.
"""

from __future__ import annotations

#: The top-level modules the extra brings.
MODULES = ("schemathesis", "hypothesis")
INSTALL = "pip install 'canvas-lti-contract[conformance]'"


def is_missing_extra(exc: ModuleNotFoundError) -> bool:
    """Whether an import failed for want of the extra (not for a bug of ours)."""
    return (exc.name or "").split(".")[0] in MODULES


#: What ``canvas-lti conform`` (and ``-p conformance.pytest_plugin``) say without the extra.
MISSING = f"the conformance suite needs the conformance extra (schemathesis and Hypothesis), which is not installed; install it: {INSTALL}"
