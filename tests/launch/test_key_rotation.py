"""Platform key rotation (§9.1): tools that cached the JWKS keep verifying across a rotation."""

from __future__ import annotations

import jwt

from mockserver.testing import RunningMock
from tests import net

from .conftest import start_launch
from .tool import LtiTool, browse_launch, read_form


def kids(mock: RunningMock) -> list[str]:
    response = net.get(mock.config["jwks_url"])
    assert response.headers["cache-control"].startswith("max-age=")
    return [k["kid"] for k in response.json()["keys"]]


def test_rotation_moves_keys_and_signs_with_the_new_current(mock: RunningMock, tool: LtiTool) -> None:
    assert kids(mock) == ["mock-platform-key-1", "mock-platform-key-2"]  # current, future
    first = browse_launch(start_launch(mock, tool="1", course="101", user="20"))
    assert first.status_code == 200

    rotated = net.post(f"{mock.base_url}/__mock__/keys/rotate").json()
    assert rotated["past"] == "mock-platform-key-1" and rotated["current"] == "mock-platform-key-2"
    assert kids(mock) == ["mock-platform-key-1", "mock-platform-key-2", rotated["future"]]

    # The tool's PyJWKClient still has the pre-rotation set cached: key 2 was published as future.
    login = start_launch(mock, tool="1", course="101", user="20")
    with net.Client(follow_redirects=True) as browser:
        page = browser.post(login["login_url"], data=login["params"])
        form = read_form(page.text)
        assert jwt.get_unverified_header(form.fields["id_token"])["kid"] == "mock-platform-key-2"
        answer = browser.post(form.action or "", data=form.fields)
    assert answer.status_code == 200 and answer.json()["ok"] is True

    # Twice more: key 1 leaves the set, and reset restores the fixture keys.
    net.post(f"{mock.base_url}/__mock__/keys/rotate")
    assert "mock-platform-key-1" not in kids(mock)
    mock.reset()
    assert kids(mock) == ["mock-platform-key-1", "mock-platform-key-2"]
