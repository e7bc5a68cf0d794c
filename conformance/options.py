"""What a run is asked to do: its profile (example budget), selection, seed and phases."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from schemathesis import GenerationMode


@dataclass(frozen=True)
class Profile:
    """An example budget. ``max_examples`` per Canvas operation and generation mode;
    ``mock_examples`` for the mock's own control operations (not what a Canvas run pays for)."""

    name: str
    max_examples: int
    mock_examples: int
    #: The AGS reference model: scenarios and steps per scenario.
    stateful_examples: int
    stateful_steps: int
    #: The links machine, per family of linked operations: scenarios and steps per round, and at
    #: most how many rounds (a round on the next seed while a link has not answered as it promises).
    link_examples: int
    link_steps: int
    link_rounds: int
    #: Spend the links budget only until every link answered as it promises (see stateful.run_links).
    links_until_kept: bool


#: ``ci``, the default, is the smallest budget that still catches every broken mock of
#: tests/conformance/test_broken_mocks.py: against a real Canvas each request costs time and
#: throttle budget (its figures are in docs/conformance.md). ``deep`` explores further.
PROFILES = {
    "ci": Profile("ci", max_examples=7, mock_examples=2, stateful_examples=6, stateful_steps=10,
                  link_examples=1, link_steps=12, link_rounds=6, links_until_kept=True),
    "deep": Profile("deep", max_examples=100, mock_examples=100, stateful_examples=60, stateful_steps=30,
                    link_examples=10, link_steps=30, link_rounds=3, links_until_kept=False),
}


@dataclass
class SuiteOptions:
    profile: str = "ci"
    max_examples: int | None = None
    seed: int | None = None
    include_tags: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    stateful: bool = True
    #: Run the semantic checks (conformance/semantics): meaning, not only shape.
    semantic: bool = True
    progress: Callable[[str], None] = lambda _message: None

    def __post_init__(self) -> None:
        # An unseeded run draws its own seed, so every report names one that reproduces it (and
        # Hypothesis's CI profile, which derandomizes unseeded tests, cannot pin every run to one).
        if self.seed is None:
            self.seed = random.randrange(2**31)

    @property
    def settings(self) -> Profile:
        return PROFILES[self.profile]

    @property
    def examples(self) -> int:
        return self.max_examples if self.max_examples is not None else self.settings.max_examples

    def examples_for(self, op: dict[str, object]) -> int:
        """Examples per generation mode for ``op`` (``--max-examples`` applies to every operation)."""
        if self.max_examples is not None or not op["mock_only"]:
            return self.examples
        return self.settings.mock_examples
