import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "canvas_spec(citation): a case mined from Canvas's RSpec suite (tests/canvas_specs)")
