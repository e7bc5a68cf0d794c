from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings

from mockserver import create_app
from tests.ltiutil import get_token

# No test may depend on the machine's speed: Hypothesis's per-example deadline (200 ms) fails property tests
# on a loaded machine (seen at load 20 on test_request_origin), so the default profile here has none.
settings.register_profile("canvas-lti", deadline=None)
settings.load_profile("canvas-lti")


@pytest.fixture
def app() -> Any:
    """A fresh mock with response validation on: every answer is checked against the spec."""
    return create_app(validate_responses=True)


@pytest.fixture
def client(app: Any) -> Any:
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture
def config(client: Any) -> dict[str, Any]:
    return client.get("/__mock__/config").json()


@pytest.fixture
def grading_token(client: Any, config: dict[str, Any]) -> str:
    return get_token(client, config, "Mock Grading Tool")
