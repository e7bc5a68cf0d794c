"""/__mock__/ control endpoints, fixtures loading, app independence and concurrency."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from mockserver import FixtureError, create_app
from mockserver.fixtures import DEFAULT_FIXTURES
from mockserver.testing import run_mock
from tests import net
from tests.ltiutil import SCORE, bearer, get_token


def test_config_has_what_a_tool_needs(config: dict[str, Any]) -> None:
    assert config["token_url"] == "http://testserver/login/oauth2/token"
    assert config["jwks_url"].endswith("/api/lti/security/jwks")
    tool = config["tools"][0]
    assert tool["private_key_pem"].startswith("-----BEGIN PRIVATE KEY-----")
    assert tool["deployment_id"].startswith(f"{tool['tool_id']}:") and len(tool["deployment_id"].split(":")[1]) == 40
    assert {t["binding"] for t in config["tools"]} == {"on", "off"}


def test_reset_restores_fixture_state(app: Any, client: Any, grading_token: str) -> None:
    before = client.get("/__mock__/state").json()
    client.post("/api/lti/courses/101/line_items", headers=bearer(grading_token), json={"label": "x", "scoreMaximum": 1})
    assert client.get("/__mock__/state").json() != before
    assert client.post("/__mock__/reset").status_code == 204
    assert client.get("/__mock__/state").json() == before


def test_state_round_trips(client: Any, grading_token: str) -> None:
    client.post("/api/lti/courses/101/line_items", headers=bearer(grading_token), json={"label": "Kept", "scoreMaximum": 1})
    dump = client.get("/__mock__/state").json()
    client.post("/__mock__/reset")
    assert client.put("/__mock__/state", json=dump).status_code == 204
    assert client.get("/__mock__/state").json() == dump
    labels = [i["label"] for i in client.get("/api/lti/courses/101/line_items", headers=bearer(grading_token)).json()]
    assert "Kept" in labels


@pytest.mark.parametrize("mutation", [
    lambda d: d.update(format="v0"),
    lambda d: d.update(courses="nope"),
    lambda d: d["courses"][0].update(id="x"),
    lambda d: d["courses"][0].update(unknown_field=1),
    lambda d: d["line_items"][0].update(score_maximum=None),
    lambda d: d.update(next_ids={"results": "many"}),
])
def test_bad_state_dump_is_refused_and_changes_nothing(client: Any, mutation: Any) -> None:
    dump = client.get("/__mock__/state").json()
    bad = client.get("/__mock__/state").json()
    mutation(bad)
    response = client.put("/__mock__/state", json=bad)
    assert response.status_code == 400 and response.json()["errors"][0]["message"]
    assert client.get("/__mock__/state").json() == dump


def test_two_apps_are_independent() -> None:
    first, second = create_app(), create_app()
    with first.test_client() as a, second.test_client() as b:
        token = get_token(a, a.get("/__mock__/config").json(), "Mock Grading Tool")
        a.post("/api/lti/courses/101/line_items", headers=bearer(token), json={"label": "only in a", "scoreMaximum": 1})
        assert len(first.state.world.line_items) == len(second.state.world.line_items) + 1
        # tokens are bound to the app that issued them
        assert b.get("/api/lti/courses/101/line_items", headers=bearer(token)).status_code == 401


def test_custom_fixtures_file(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_FIXTURES.read_text())
    data["courses"].append({"id": 777, "account_id": 2, "name": "Extra Course"})
    path = tmp_path / "world.yaml"
    path.write_text(yaml.safe_dump(data))
    app = create_app(path)
    with app.test_client() as client:
        assert any(c["id"] == 777 for c in client.get("/__mock__/config").json()["courses"])
        client.post("/__mock__/reset")
        assert 777 in app.state.world.courses


@pytest.mark.parametrize(("content", "message"), [
    ("accounts: [", "not valid YAML"),
    ("[1, 2]", "top level"),
    ("accounts: []\ncourses: [{id: 1, account_id: 9, name: C}]\nusers: []", "unknown account_id 9"),
    ("accounts: [{id: 1}]\ncourses: []\nusers: []", "'name' is a required property"),
    ("accounts: []\ncourses: []\nusers: []\ntools: [{id: 1, context_type: Planet, context_id: 1, name: T}]", "Planet"),
])
def test_malformed_fixtures_fail_clearly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(FixtureError, match=message) as info:
        create_app(path)
    assert str(path) in str(info.value)


def test_cli_refuses_malformed_fixtures(tmp_path: Path, capsys: Any) -> None:
    from conformance.cli import main

    path = tmp_path / "bad.yaml"
    path.write_text("accounts: {}")
    assert main(["mock", "--fixtures", str(path)]) == 2
    assert "bad.yaml" in capsys.readouterr().err


def test_concurrent_scores_leave_one_consistent_result() -> None:
    """Many scores for one user at once: exactly one result, equal to one of the posted scores."""
    with run_mock() as mock:
        async def go() -> None:
            async with httpx.AsyncClient(timeout=120) as http:  # 20 at once on a loaded machine: no 5 s deadline
                config = mock.config
                token = get_token(net.Client(), config, "Mock Grading Tool")
                user = next(u for u in config["users"] if u["id"] == 21)["lti_id"]
                url = f"{mock.base_url}/api/lti/courses/101/line_items/1/scores"

                async def post(n: int) -> httpx.Response:
                    return await http.post(url, headers={**bearer(token), "Content-Type": SCORE}, json={
                        "userId": user, "scoreGiven": n, "scoreMaximum": 10, "activityProgress": "Completed",
                        "gradingProgress": "FullyGraded", "timestamp": "2026-04-01T00:00:00Z"})

                responses = await asyncio.gather(*(post(n) for n in range(20)))
                assert {r.status_code for r in responses} == {200}
                assert len({r.json()["resultUrl"] for r in responses}) == 1
                results = (await http.get(f"{mock.base_url}/api/lti/courses/101/line_items/1/results?user_id={user}",
                                          headers=bearer(token))).json()
                assert len(results) == 1 and results[0]["resultScore"] in range(20)

        asyncio.run(go())
