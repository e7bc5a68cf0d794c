from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.testing import RunningMock, run_mock
from tests import net

from .tool import LtiTool, serve

GRADING_KEY = "10000000000001"
GRADING_TOOL = 1


@pytest.fixture(scope="package")
def _served_mock() -> Iterator[RunningMock]:
    warnings.simplefilter("ignore", DeprecationWarning)
    with run_mock(validate_responses=True) as mock:
        yield mock


@pytest.fixture
def mock(_served_mock: RunningMock) -> RunningMock:
    """The mock over HTTP (responses validated against the spec), in its fixture state."""
    _served_mock.reset()
    return _served_mock


def point_key_at(mock: RunningMock, key_id: str, tool_id: int, base_url: str, **key_fields: Any) -> None:
    """Register the test tool's URLs on a developer key and its tool, through the state API."""
    state = net.get(f"{mock.base_url}/__mock__/state").json()
    for key in state["developer_keys"]:
        if key["id"] == key_id:
            key.update({"redirect_uris": [f"{base_url}/launch"], "oidc_initiation_url": f"{base_url}/login", **key_fields})
    for tool in state["tools"]:
        if tool["id"] == tool_id:
            tool.update({"url": f"{base_url}/launch", "domain": "127.0.0.1"})
    net.put(f"{mock.base_url}/__mock__/state", json=state).raise_for_status()


@pytest.fixture
def tool(mock: RunningMock) -> Iterator[LtiTool]:
    """The test tool, serving HTTP, configured as the fixtures' "Mock Grading Tool"."""
    grading = mock.tool("Mock Grading Tool")
    config = mock.config
    lti_tool = LtiTool(issuer=config["issuer"], platform_jwks_url=config["jwks_url"],
                       authorize_url=config["authorize_url"], token_url=config["token_url"],
                       client_id=grading["client_id"], private_key_pem=grading["private_key_pem"], kid=grading["kid"])
    with serve(lti_tool) as served:
        point_key_at(mock, GRADING_KEY, GRADING_TOOL, served.base_url)
        yield served


def start_launch(mock: RunningMock, **body: Any) -> dict[str, Any]:
    response = net.post(f"{mock.base_url}/__mock__/launches", json={k: v for k, v in body.items() if v is not None})
    assert response.status_code == 201, response.text
    return response.json()
