"""Every non-empty example Canvas was recorded giving — in the upstream descriptions
(``../shared/upstream/*.yml``) and the ``*-examples.json`` beside them — validates against our spec,
for the operation it belongs to.

Responses are matched by method, path and status. The upstream file files several examples of a
path under one method (a POST's 201 or a DELETE's answer under GET); where the upstream path item
lacks our other methods, those are tried too, so the body decides. Request examples validate against
the operation's request body: form-encoded ones against its JSON schema, as the mock (like Rails)
reads both into the same parameters. The few examples we deliberately do not accept are listed in
``NOT_ACCEPTED`` with the reason; each entry must still be needed (the test fails when one passes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.validators import V30RequestBodyValidator
from openapi_core.validation.response.validators import V30ResponseDataValidator

from mockserver.spec import METHODS, load_spec

UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "upstream"

#: Upstream paths whose recording lost part of the route; validated against ours.
PATH_ALIASES = {
    # Canvas's route is /api/lti/accounts/:account_id/registration_token (§12.1); the recording
    # was made through a helper that dropped the account.
    "/api/lti/registration_token": "/api/lti/accounts/{account_id}/registration_token",
}

#: ``(method, upstream path, status or "request")`` -> why we do not accept the example.
NOT_ACCEPTED = {
    ("GET", "/api/lti/accounts/{account_id}/data_services", "200"):
        "recorded with the live-events subscription service stubbed to echo the request: one object "
        "without Id/OwnerId/Active, where the service answers a list of subscriptions",
    ("GET", "/api/lti/accounts/{account_id}/data_services/{id}", "200"):
        "recorded with the subscription service stubbed to echo the request: no Id/OwnerId/Active",
    ("GET", "/api/lti/register", "302"):
        "the 2023 registration-URL redirect (DynamicRegistrationController#create), since replaced by "
        "GET /api/lti/accounts/:id/registration_token; not an operation of ours",
}


@dataclass(frozen=True)
class Example:
    source: str
    method: str
    path: str
    status: str | None  # None: a request example
    media_type: str
    value: Any

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.method, self.path, self.status or "request")

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status or 'request'} {self.media_type} ({self.source})"


def _non_empty(value: Any) -> bool:
    return value not in (None, "", {}, [])


def _from_description(path: Path) -> list[Example]:
    found = []
    for url, item in yaml.safe_load(path.read_text())["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            for media, content in (op.get("requestBody") or {}).get("content", {}).items():
                for value in _values(content):
                    found.append(Example(path.name, method.upper(), url, None, media, value))
            for status, response in op.get("responses", {}).items():
                for media, content in response.get("content", {}).items():
                    for value in _values(content):
                        found.append(Example(path.name, method.upper(), url, str(status), media, value))
    return found


def _values(content: dict[str, Any]) -> list[Any]:
    values = [content.get("example")] + [e.get("value") for e in (content.get("examples") or {}).values()]
    return [v for v in values if _non_empty(v)]


def _from_example_file(path: Path) -> list[Example]:
    found = []
    for entry in json.loads(path.read_text())["examples"]:
        method, _, url = entry["operation"].partition(" ")
        if _non_empty(entry.get("example")):
            status = entry.get("status_code") if entry["type"] == "response" else None
            found.append(Example(path.name, method, url, status, entry["content_type"], entry["example"]))
    return found


def upstream_examples() -> list[Example]:
    if not UPSTREAM.is_dir():
        return []
    examples: list[Example] = []
    for path in sorted(UPSTREAM.glob("*.yml")):
        examples += _from_description(path)
    for path in sorted(UPSTREAM.glob("*-examples.json")):
        examples += _from_example_file(path)
    return examples


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


class OurSpec:
    """Our spec, with every JSON-family media type read as JSON and only bodies validated."""

    def __init__(self) -> None:
        self.spec = load_spec()
        media = {m for item in self.spec["paths"].values() for op in item.values() if isinstance(op, dict)
                 for part in [*op.get("responses", {}).values(), op.get("requestBody", {})]
                 for m in part.get("content", {})}
        config = Config(response_validator_cls=V30ResponseDataValidator, request_validator_cls=V30RequestBodyValidator,
                        extra_media_type_deserializers={m: json.loads for m in media if m.endswith("+json")})
        self.api = OpenAPI.from_dict(self.spec, config=config)
        self.paths = {_shape(p): p for p in self.spec["paths"]}

    def operations(self, example: Example, upstream_methods: set[str]) -> list[tuple[str, str]]:
        """``(method, our path)`` to try: the example's method first, then our methods the
        upstream path item does not have (the upstream file may have filed the example there)."""
        ours = self.paths.get(_shape(PATH_ALIASES.get(example.path, example.path)))
        if ours is None:
            return []
        methods = [m.upper() for m in self.spec["paths"][ours] if m in METHODS]
        others = [m for m in methods if m != example.method and m.lower() not in upstream_methods]
        return [(m, ours) for m in ([example.method] if example.method in methods else []) + others]

    def problems(self, example: Example, method: str, path: str) -> str | None:
        url = "http://127.0.0.1:8080" + re.sub(r"\{[^}]+\}", "1", path)
        body = example.value if isinstance(example.value, str) else json.dumps(example.value)
        try:
            if example.status is None:
                op = self.spec["paths"][path][method.lower()]
                accepted = (op.get("requestBody") or {}).get("content", {})
                if not accepted:
                    return None  # the operation takes no body: whatever is sent is ignored
                json_types = [m for m in accepted if m == "application/json" or m.endswith("+json")]
                media = json_types[0] if json_types else example.media_type
                if media not in accepted:
                    return f"request media type {example.media_type} not accepted"
                request = MockRequest(url, method.lower(), "", data=body.encode(), content_type=media)
                self.api.validate_request(request)
            else:
                response = MockResponse(body.encode(), status_code=int(example.status), content_type=example.media_type)
                self.api.validate_response(MockRequest(url, method.lower(), ""), response)
        except Exception as exc:  # openapi-core's validation errors; the cause says what failed
            cause = exc.__cause__ or exc
            details = "; ".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in getattr(cause, "schema_errors", []))
            return f"{type(exc).__name__}: {details or str(cause)[:300]}"
        return None


EXAMPLES = upstream_examples()


@pytest.fixture(scope="module")
def ours() -> OurSpec:
    return OurSpec()


@pytest.fixture(scope="module")
def upstream_methods() -> dict[str, set[str]]:
    methods: dict[str, set[str]] = {}
    for path in sorted(UPSTREAM.glob("*.yml")):
        for url, item in yaml.safe_load(path.read_text())["paths"].items():
            methods.setdefault(url, set()).update(m for m in item if m in METHODS)
    return methods


def _verdict(ours: OurSpec, upstream_methods: dict[str, set[str]], example: Example) -> str | None:
    candidates = ours.operations(example, upstream_methods.get(example.path, set()))
    if not candidates:
        return "no operation of ours at this path"
    problems = []
    for method, path in candidates:
        problem = ours.problems(example, method, path)
        if problem is None:
            return None
        problems.append(f"as {method} {path}: {problem}")
    return "\n".join(problems)


def test_upstream_examples_are_found() -> None:
    if not UPSTREAM.is_dir():
        pytest.skip(f"upstream description not available at {UPSTREAM}")
    assert len(EXAMPLES) >= 60
    assert {e.status for e in EXAMPLES} >= {None, "200", "201", "400", "401", "404", "422", "500"}


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_upstream_example_validates_against_our_spec(
    example: Example, ours: OurSpec, upstream_methods: dict[str, set[str]]
) -> None:
    problem = _verdict(ours, upstream_methods, example)
    if example.key in NOT_ACCEPTED:
        assert problem is not None, f"{example} now validates: remove it from NOT_ACCEPTED"
        return
    assert problem is None, f"{example}\n{problem}"


def test_every_exclusion_names_a_recorded_example() -> None:
    if not UPSTREAM.is_dir():
        pytest.skip(f"upstream description not available at {UPSTREAM}")
    assert set(NOT_ACCEPTED) <= {e.key for e in EXAMPLES}
