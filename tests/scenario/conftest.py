from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver.testing import RunningMock, run_mock
from tests.scenario.tool import Tool


@pytest.fixture(scope="package")
def served() -> Iterator[RunningMock]:
    """One real-HTTP mock for the package, answers checked against the spec."""
    with run_mock(validate_responses=True) as mock:
        yield mock


@pytest.fixture
def mock(served: RunningMock) -> RunningMock:
    served.reset()
    return served


@pytest.fixture
def tool(mock: RunningMock) -> Iterator[Tool]:
    client = Tool(mock)
    yield client
    client.close()
