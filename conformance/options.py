"""What a run is asked to do: its profile (example budget), selection, seed and phases."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from schemathesis import GenerationMode


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int
    stateful_examples: int
    stateful_steps: int


PROFILES = {
    "ci": Profile("ci", max_examples=25, stateful_examples=15, stateful_steps=12),
    "deep": Profile("deep", max_examples=100, stateful_examples=60, stateful_steps=30),
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
