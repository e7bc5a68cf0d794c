"""Everything the suite uses of schemathesis below its public API, in one place.

The links machine (:mod:`.stateful`) steers schemathesis's state machine, which its public API
does not let a caller do:
- Chains start only at the operations that create what they use. schemathesis starts them
  anywhere it cannot rule out: on our spec every operation with an outgoing link counts as a
  possible start (a course or an account id, consumed by every operation, is produced by none, so
  none is "reliable"), and most of a small budget went to a PUT, DELETE or GET of a random id,
  answered 404, whose chain never began.
- Which link may be followed next is up to a policy of the caller's (e.g. a delete after the
  reads and updates of what it deletes, links that answered as they promise not again).
- A step drawn into what the scenario already deleted may be left unsent: schemathesis keeps every
  earlier answer to draw from, deleted or not, and ``step`` returning None (no answer, nothing for
  later steps to follow) is what its rules accept but its documentation does not promise.
This module replaces the state machine's transition controller with one that does the first two,
says how a step is left unsent, and names a link's transitions as schemathesis does, so a step
can be matched to its spec link.

Both reach into schemathesis's internals, which change between minor versions, so this module
checks the installed version first and refuses any other than the ones the suite was run with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from mockserver.pinned import untested

#: The schemathesis versions the suite was run against (keep in step with pyproject.toml).
TESTED = ((4, 32), (4, 33))  # >= 4.32, < 4.33


class UnsupportedSchemathesisError(ImportError):
    """The installed schemathesis is not a version this adapter was written and tested for."""


def check_version(installed: str) -> None:
    """Raise :class:`UnsupportedSchemathesisError` unless ``installed`` is in :data:`TESTED`."""
    wanted = untested(installed, TESTED)
    if wanted is not None:
        raise UnsupportedSchemathesisError(
            f"canvas-lti conform extends schemathesis's internals and is tested with schemathesis {wanted}; "
            f"schemathesis {installed} is installed. Install a tested version: pip install 'schemathesis{wanted}'")


try:
    check_version(version("schemathesis"))
except PackageNotFoundError:  # pragma: no cover - the conformance extra checks for it first
    raise UnsupportedSchemathesisError("schemathesis is not installed: pip install 'canvas-lti-contract[conformance]'") from None

from schemathesis.core.errors import format_transition  # noqa: E402
from schemathesis.generation.stateful.control import TransitionController  # noqa: E402


def unsent_step() -> None:
    """What ``APIStateMachine.step`` returns for a step it does not send (see the module's docstring)."""
    return None


def transition_id(source: str, status: str, link: str, target: str) -> str:
    """How schemathesis names the transition of ``link`` (``StepInput.transition.id``), from the
    source and target operations' labels (``METHOD /path``)."""
    return format_transition(source, status, link, target)


#: ``allow(source, target, followed, called)``: whether the link from ``source`` to ``target``
#: (operation labels) may be followed now, where ``followed`` counts the links followed from
#: ``source`` in the scenario so far, by target label, and ``called`` holds the operations with
#: links of their own called in it (whose answers later links may follow).
LinkPolicy = Callable[[str, str, Mapping[str, int], Collection[str]], bool]


class _Steered(TransitionController):
    """schemathesis's controller (each root at most twice per scenario, each link at most twice
    per source), with roots limited to ``starts`` and links to what ``policy`` allows."""

    __slots__ = ("policy", "starts")

    def __init__(self, transitions: Any, starts: frozenset[str], policy: LinkPolicy) -> None:
        super().__init__(transitions, starts)
        self.starts, self.policy = starts, policy

    def allow_root_transition(self, source: str, bundles: Any) -> bool:
        return source in self.starts and super().allow_root_transition(source, bundles)

    def allow_transition(self, source: str, target: str) -> bool:
        if not super().allow_transition(source, target):
            return False
        followed: Counter[str] = Counter()
        for targets in self.statistic.get(source, {}).values():
            followed.update(targets)
        return self.policy(source, target, followed, self.statistic.keys())


def steered(machine: type, starts: Collection[str], policy: LinkPolicy) -> type:
    """A subclass of ``machine`` (from ``schema.as_state_machine()``) whose scenarios start only at
    the operations labelled ``starts`` (if any of them is among its roots) and follow a link only
    when ``policy`` allows it. When nothing else is allowed, a start is (schemathesis's rule), so a
    scenario never runs out of steps to take."""
    roots = frozenset(starts) & machine._root_labels or machine._root_labels

    class Steered(machine):  # type: ignore[misc, valid-type]
        _root_labels = roots

        def __init__(self) -> None:
            super().__init__()
            self.control = _Steered(self._transitions, roots, policy)

    return Steered
