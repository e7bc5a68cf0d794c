from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockserver import create_app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "canvas_spec(citation): a case mined from Canvas's RSpec suite (tests/canvas_specs)")


#: Hosts some cases send requests to (Canvas builds URLs from the request host): allowed like ``--allow-host``.
OTHER_HOSTS = ("canvas.example.edu", "school.example.edu", "test.host")


@pytest.fixture(scope="package")
def _shared_app() -> Any:
    return create_app(validate_responses=True, allowed_hosts=OTHER_HOSTS)


@pytest.fixture
def app(_shared_app: Any) -> Any:
    """One mock for the package (responses validated against the spec), reset to its fixtures
    before each case by ``client``: a reset costs a tenth of a new app, and the cases are many."""
    return _shared_app


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    with app.test_client() as test_client:
        assert test_client.post("/__mock__/reset").status_code == 204
        yield test_client


@pytest.fixture
def mock(client: Any) -> Any:
    """The same reset mock's client, under the name the REST cases use."""
    return client
