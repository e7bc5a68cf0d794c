"""Spec drift detection: compare two OpenAPI 3.0/3.1 descriptions and classify every difference.

Canvas changes its LTI APIs without versioning, so a tool's CI needs to know *what* changed
between two descriptions and whether it breaks the tool. The engine is a library first
(``load_spec`` + ``compare``) so other front-ends can reuse it; the ``canvas-lti drift``
subcommand in :mod:`conformance.drift.cli` is a thin wrapper. Live mode (``run_live``, in
:mod:`conformance.drift.live` and :mod:`conformance.drift.live_plan`) holds a running target's
answers to a description, with the same findings, renderers and ignore files.
"""

from __future__ import annotations

from conformance.drift.compare import compare
from conformance.drift.ignore import IgnoreRule, load_ignore_file, parse_ignore_text
from conformance.drift.live import LIVE_RULES, LiveChecker, LiveResult, run_live
from conformance.drift.loader import LoadError, load_spec
from conformance.drift.model import Finding, Report, Severity, Side
from conformance.drift.render import render
from conformance.drift.rules import RULES, Rule

__all__ = [
    "LIVE_RULES",
    "RULES",
    "Finding",
    "IgnoreRule",
    "LiveChecker",
    "LiveResult",
    "LoadError",
    "Report",
    "Rule",
    "Severity",
    "Side",
    "compare",
    "load_ignore_file",
    "load_spec",
    "parse_ignore_text",
    "render",
    "run_live",
]
