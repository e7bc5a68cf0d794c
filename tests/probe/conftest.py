from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.testing import RunningMock
from tests import net
from tests.launch import conftest as launch
from tests.launch.conftest import GRADING_KEY, GRADING_TOOL, point_key_at

from .tools import careless_tool, pylti1p3_tool, serve, strict_tool

_served_mock, mock = launch._served_mock, launch.mock  # the launch tests' package-scoped mock, shared


def _key(mock: RunningMock, client_id: str) -> dict[str, Any]:
    state = net.get(f"{mock.base_url}/__mock__/state").json()
    return next(k for k in state["developer_keys"] if k["id"] == client_id)


@pytest.fixture
def pylti_tool(mock: RunningMock, request: pytest.FixtureRequest) -> Iterator[str]:
    """The pylti1p3 tool, registered on the fixtures' "Mock Grading Tool" key; its base URL
    (``indirect=True`` parametrization passes options: ``fixes``, ``js_redirect``)."""
    tool = mock.tool("Mock Grading Tool")
    options = getattr(request, "param", {})
    with serve(pylti1p3_tool(mock.config, tool, _key(mock, GRADING_KEY)["public_jwk"], **options)) as base_url:
        point_key_at(mock, GRADING_KEY, GRADING_TOOL, base_url)
        yield base_url


@pytest.fixture
def careless(mock: RunningMock, request: pytest.FixtureRequest) -> Iterator[str]:
    """The careless tool on the same key (``@pytest.mark.parametrize("careless", [{...}], indirect=True)``
    passes its options)."""
    options = getattr(request, "param", {})
    with serve(careless_tool(mock.config, mock.tool("Mock Grading Tool"), **options)) as base_url:
        point_key_at(mock, GRADING_KEY, GRADING_TOOL, base_url)
        yield base_url


@pytest.fixture
def strict(mock: RunningMock, request: pytest.FixtureRequest) -> Iterator[str]:
    """The strict tool on the same key (``indirect=True`` parametrization passes ``mistakes``)."""
    options = getattr(request, "param", {})
    with serve(strict_tool(mock.config, mock.tool("Mock Grading Tool"), **options)) as base_url:
        point_key_at(mock, GRADING_KEY, GRADING_TOOL, base_url)
        yield base_url
