"""Live drift: how a running target's answers differ from the spec.

:mod:`conformance.drift.live_plan` sends safe requests (every GET of the spec with known-good ids,
safe error probes, optionally the AGS write flow) and hands each answer to :class:`LiveChecker` as
an :class:`Exchange`. The checker compares it with the operation's documented responses — status
code, media type, headers, and the body against the response schema (``$ref``s resolved, OpenAPI
``nullable`` honoured, every jsonschema error, not just the first) — and records
:class:`Observation`\\ s. :func:`aggregate` folds them into one :class:`Finding` per (operation,
rule, location) with counts and example values, so the existing renderers, ``--fail-on`` and
``--ignore`` work unchanged.

Locations are JSON pointers: ``/responses/<status>`` (status), ``/responses/<status>/content/<media
type>`` (media type), ``/responses/<status>/headers/<name>``, ``/responses/<status>/body/<field>``
with ``*`` standing for every array index (``/responses/200/body/*/label``).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from conformance.drift.model import Finding, Report, Severity, Side, pointer

BRK, WRN, INF = Severity.BREAKING, Severity.WARNING, Severity.INFO

#: rule id -> (default severity, description). Severity can be raised/lowered per observation
#: only where noted (``live-property-undocumented``, ``live-header-missing``).
LIVE_RULES: dict[str, tuple[Severity, str]] = {
    "live-status-undocumented": (WRN, "the target answered with a status code the operation does not document"),
    "live-media-type-undocumented": (WRN, "the response's Content-Type is not among the documented media types"),
    "live-body-unparseable": (WRN, "a JSON media type whose body is not JSON"),
    "live-property-undocumented": (
        INF,
        "a field the schema does not describe (warning where additionalProperties is false, info where extra fields are allowed)",
    ),
    "live-required-missing": (BRK, "a required field is absent"),
    "live-type-mismatch": (BRK, "a value of another JSON type than documented (null where not nullable included)"),
    "live-enum-value-undocumented": (WRN, "a value outside the documented enum"),
    "live-format-mismatch": (WRN, "a string that does not match its documented format (date-time, uri, email…)"),
    "live-schema-violation": (WRN, "any other schema constraint (pattern, min/max, minItems…) the value breaks"),
    "live-header-missing": (INF, "a documented response header is absent (warning when the spec marks it required)"),
    "live-header-malformed": (WRN, "a documented response header does not match its schema"),
}

SPEC_URI = "urn:canvas-lti-drift:spec"
#: The schema that admits only null (OpenAPI 3.0 has no "null" type).
NULL_ONLY: dict[str, Any] = {"enum": [None]}
MAX_EXAMPLES = 3
_JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json$|^[\w.+-]+/[\w.+-]*json$")


def is_json_media(media_type: str) -> bool:
    return bool(_JSON_MEDIA.match(media_type)) or media_type.endswith("json")


@functools.cache
def _format_checker() -> Any:
    """openapi-core's OpenAPI 3.0 format checker (date-time, int32, int64, float, double, byte …)
    plus ``uri``, which jsonschema checks only when the optional rfc3987 package is installed.

    The validator stack is imported on first use: spec-vs-spec runs never pay for it."""
    from openapi_schema_validator import oas30_format_checker

    checker = copy.deepcopy(oas30_format_checker)

    @checker.checks("uri", raises=ValueError)
    def _uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in value

    return checker


@dataclass
class Exchange:
    """One request the plan sent and the answer it got (what the checker compares)."""

    operation_id: str
    method: str
    path_template: str
    status: int
    headers: dict[str, str]
    body: Any  # parsed JSON, text, or None when empty
    media_type: str | None
    purpose: str = "request"  # "request", "probe: unknown id", "probe: no token", "write flow"
    url: str = ""

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path_template}"


@dataclass(frozen=True)
class Observation:
    """One difference seen in one exchange; aggregated later."""

    operation: str
    rule: str
    location: str
    severity: Severity
    detail: str  # what the message says (without counts/examples)
    example: Any = None
    has_example: bool = False
    #: For --suggest-patch: where in the spec an addition would go, and what.
    patch_path: str | None = None
    patch_value: Any = None


@dataclass
class Aggregate:
    operation: str
    rule: str
    location: str
    severity: Severity
    detail: str
    responses: int = 0
    occurrences: int = 0
    examples: list[Any] = field(default_factory=list)
    patch_path: str | None = None
    patch_value: Any = None
    #: (method, path template, status) of the first response that showed it (for patches).
    first: tuple[str, str, int] | None = None

    def message(self) -> str:
        seen = f"seen in {self.responses} response(s)"
        if self.occurrences > self.responses:
            seen += f", {self.occurrences} time(s)"
        text = f"{self.detail} ({seen}"
        if self.examples:
            text += "; e.g. " + ", ".join(_show(e) for e in self.examples)
        return text + ")"

    def finding(self) -> Finding:
        return Finding(operation=self.operation, location=self.location, rule_id=self.rule, severity=self.severity,
                       side=Side.RESPONSE, message=self.message())


def _show(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _escape(part: object) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


# -- the spec, made validatable ------------------------------------------------------------------


def _widen_nullable(node: Any) -> None:
    """The two ``nullable`` spellings OpenAPI 3.0.3 reads strictly but descriptions use to mean
    "or null", made explicit in place (pointers stay valid): ``nullable`` beside ``$ref``/``allOf``/
    ``oneOf``/``anyOf`` (3.0.3: meaningless without a ``type``), and a nullable ``enum`` without
    ``null`` among its values. ``nullable`` beside a ``type`` is left to the OpenAPI validator."""
    if isinstance(node, list):
        for item in node:
            _widen_nullable(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _widen_nullable(value)
    if node.get("nullable") is not True:
        return
    if isinstance(node.get("enum"), list) and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]
    if "type" not in node and ("$ref" in node or any(k in node for k in ("allOf", "oneOf", "anyOf"))):
        inner = {k: v for k, v in node.items() if k != "nullable"}
        node.clear()
        node.update({"anyOf": [inner, copy.deepcopy(NULL_ONLY)], "nullable": True})


class SpecIndex:
    """The spec made validatable, with pointer lookups and cached validators.

    Bodies are validated with openapi-core's OpenAPI 3.0 schema validator in its response
    ("read") flavour: ``nullable``, ``readOnly``/``writeOnly`` and the OpenAPI formats are its."""

    def __init__(self, spec: dict[str, Any]) -> None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        self.raw = spec
        self.doc = copy.deepcopy(spec)
        _widen_nullable(self.doc)
        self.registry: Any = Registry().with_resource(SPEC_URI, Resource.from_contents(self.doc, default_specification=DRAFT4))
        self._validators: dict[str, Any] = {}
        self._nodes: dict[int, str] = {}
        self._index(self.doc, "")

    def _index(self, node: Any, at: str) -> None:
        if isinstance(node, dict):
            self._nodes.setdefault(id(node), at)
            for key, value in node.items():
                self._index(value, f"{at}/{_escape(key)}")
        elif isinstance(node, list):
            for position, value in enumerate(node):
                self._index(value, f"{at}/{position}")

    def pointer_of(self, node: Any) -> str | None:
        return self._nodes.get(id(node))

    def node(self, at: str) -> Any:
        current: Any = self.doc
        for raw in at.split("/")[1:]:
            part = _unescape(raw)
            if isinstance(current, dict) and part in current:
                current = current[part]
            elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
                current = current[int(part)]
            else:
                return None
        return current

    def follow(self, at: str) -> str:
        """The pointer a chain of local ``$ref``s ends at."""
        seen: set[str] = set()
        node = self.node(at)
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#") and at not in seen:
            seen.add(at)
            at = node["$ref"][1:]
            node = self.node(at)
        return at

    def validator(self, at: str) -> Any:
        cached = self._validators.get(at)
        if cached is None:
            from openapi_schema_validator import OAS30ReadValidator

            cached = OAS30ReadValidator({"$ref": f"{SPEC_URI}#{at}"}, registry=self.registry, format_checker=_format_checker())
            self._validators[at] = cached
        return cached


def match_status(responses: dict[str, Any], status: int) -> str | None:
    """The key of ``responses`` that documents ``status`` (exact, then ``4XX``, then default)."""
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            return key
    return None


def match_media(documented: Iterable[str], media_type: str) -> str | None:
    candidates = list(documented)
    for key in candidates:
        if key.split(";")[0].strip().lower() == media_type:
            return key
    major = media_type.split("/")[0]
    for key in candidates:
        if key in (f"{major}/*", "*/*"):
            return key
    return None


# -- the checker ---------------------------------------------------------------------------------


class LiveChecker:
    """Compares exchanges with the spec; keeps every observation."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.index = SpecIndex(spec)
        self.observations: list[tuple[Exchange, list[Observation]]] = []

    def operation_pointer(self, exchange: Exchange) -> str:
        return f"/paths/{_escape(exchange.path_template)}/{exchange.method.lower()}"

    def check(self, exchange: Exchange) -> list[Observation]:
        found = list(self._check(exchange))
        self.observations.append((exchange, found))
        return found

    def _check(self, ex: Exchange) -> Iterator[Observation]:
        op_at = self.operation_pointer(ex)
        operation = self.index.node(op_at)
        if not isinstance(operation, dict):
            return
        responses = operation.get("responses") or {}
        key = match_status(responses, ex.status)
        status_loc = pointer("responses", ex.status)
        if key is None:
            body = ex.body if ex.body not in (None, "") else None
            yield Observation(ex.label, "live-status-undocumented", status_loc, WRN,
                              f"status {ex.status} ({ex.media_type or 'no body'}) is not documented",
                              example=body, has_example=body is not None,
                              patch_path=f"{op_at}/responses/{ex.status}", patch_value=_status_patch(ex))
            return
        response_at = self.index.follow(f"{op_at}/responses/{_escape(key)}")
        response = self.index.node(response_at) or {}
        yield from self._check_headers(ex, response_at, response, status_loc)
        content = response.get("content") or {}
        empty = ex.body is None or ex.body == ""
        if empty:
            return
        media = ex.media_type or ""
        media_key = match_media(content, media) if media else None
        schema_at: str | None = None
        if media_key is None:
            documented = ", ".join(sorted(content)) or "no body"
            yield Observation(ex.label, "live-media-type-undocumented", pointer("responses", ex.status, "content", media or "(none)"),
                              WRN, f"Content-Type {media or '(none)'} is not documented (documented: {documented})",
                              patch_path=f"{response_at}/content/{_escape(media)}" if media else None,
                              patch_value=_media_patch(content, ex))
            # Still compare the body: with the documented JSON schema when there is one.
            for candidate, value in content.items():
                if is_json_media(candidate.lower()) and isinstance(value, dict) and "schema" in value:
                    schema_at = f"{response_at}/content/{_escape(candidate)}/schema"
                    break
        elif isinstance(content.get(media_key), dict) and "schema" in content[media_key]:
            schema_at = f"{response_at}/content/{_escape(media_key)}/schema"
        if schema_at is None:
            return
        if isinstance(ex.body, str):
            if media and is_json_media(media):
                yield Observation(ex.label, "live-body-unparseable", pointer("responses", ex.status, "body"), WRN,
                                  f"the {media} body is not valid JSON", example=ex.body[:80], has_example=True)
            return
        yield from self._check_body(ex, schema_at)

    def _check_headers(self, ex: Exchange, response_at: str, response: dict[str, Any], status_loc: str) -> Iterator[Observation]:
        for name in response.get("headers") or {}:
            if name.lower() == "content-type":
                continue
            header_at = self.index.follow(f"{response_at}/headers/{_escape(name)}")
            header = self.index.node(header_at) or {}
            location = f"{status_loc}/headers/{_escape(name)}"
            value = ex.headers.get(name.lower())
            if value is None:
                required = header.get("required") is True
                yield Observation(ex.label, "live-header-missing", location, WRN if required else INF,
                                  f"documented {'required ' if required else ''}header {name} is absent")
                continue
            if "schema" not in header:
                continue
            schema_at = f"{header_at}/schema"
            target = self.index.node(self.index.follow(schema_at)) or {}
            instance: Any = value
            kind = target.get("type")
            kinds = kind if isinstance(kind, list) else [kind]
            try:
                if "integer" in kinds:
                    instance = int(value)
                elif "number" in kinds:
                    instance = float(value)
            except ValueError:
                pass
            errors = list(self.index.validator(schema_at).iter_errors(instance))
            if errors:
                yield Observation(ex.label, "live-header-malformed", location, WRN,
                                  f"header {name} does not match its schema ({errors[0].validator})", example=value, has_example=True)

    def _check_body(self, ex: Exchange, schema_at: str) -> Iterator[Observation]:
        body_loc = pointer("responses", ex.status, "body")
        for error in self.index.validator(schema_at).iter_errors(ex.body):
            yield from self._from_error(ex, error, body_loc)
        yield from self._undocumented(ex, ex.body, schema_at, body_loc, 0)

    # jsonschema errors -> observations
    def _from_error(self, ex: Exchange, error: Any, body_loc: str) -> Iterator[Observation]:
        if error.validator in ("oneOf", "anyOf") and error.context:
            branches: dict[int, list[Any]] = {}
            for sub in error.context:
                branches.setdefault(sub.relative_schema_path[0], []).append(sub)
            # The branch the value most nearly matches: fewest errors, the first on a tie.
            best = min(branches.items(), key=lambda item: (len(item[1]), item[0]))[1]
            for sub in best:
                yield from self._from_error(ex, sub, body_loc)
            return
        where = body_loc + "".join("/" + ("*" if isinstance(p, int) else _escape(p)) for p in error.absolute_path)
        schema_node = error.schema if isinstance(error.schema, dict) else {}
        if error.validator == "required":
            present = error.instance if isinstance(error.instance, dict) else {}
            for name in error.validator_value:
                if name not in present:
                    yield Observation(ex.label, "live-required-missing", f"{where}/{_escape(name)}", BRK,
                                      f"required field {name!r} is absent")
        elif error.validator == "type":
            expected = error.validator_value
            expected_text = " or ".join(expected) if isinstance(expected, list) else str(expected)
            yield Observation(ex.label, "live-type-mismatch", where, BRK,
                              f"expected {expected_text}, got {_json_type(error.instance)}", example=error.instance, has_example=True)
        elif error.validator == "enum":
            at = self.index.pointer_of(schema_node)
            yield Observation(ex.label, "live-enum-value-undocumented", where, WRN,
                              "value not in the documented enum", example=error.instance, has_example=True,
                              patch_path=f"{at}/enum/-" if at else None, patch_value=error.instance)
        elif error.validator == "format":
            yield Observation(ex.label, "live-format-mismatch", where, WRN,
                              f"not a valid {error.validator_value}", example=error.instance, has_example=True)
        elif error.validator == "additionalProperties":
            return  # reported (with the property's own location) by _undocumented
        else:
            yield Observation(ex.label, "live-schema-violation", where, WRN,
                              f"violates {error.validator}: {_show(error.validator_value, 80)}", example=error.instance, has_example=True)

    # properties the schema does not describe
    def _object_shape(self, at: str, depth: int = 0) -> tuple[dict[str, str], list[tuple[str, str]], Any, bool]:
        """Properties (name -> schema pointer), pattern properties, additionalProperties (False,
        a schema pointer, or None = allowed and undescribed), and whether anything is described.
        ``allOf`` branches are merged."""
        at = self.index.follow(at)
        node = self.index.node(at) or {}
        props = {name: f"{at}/properties/{_escape(name)}" for name in (node.get("properties") or {})}
        patterns = [(p, f"{at}/patternProperties/{_escape(p)}") for p in (node.get("patternProperties") or {})]
        additional: Any = None
        described = bool(props or patterns)
        extra = node.get("additionalProperties")
        if extra is False:
            additional, described = False, True
        elif isinstance(extra, dict) and extra:
            additional, described = f"{at}/additionalProperties", True
        elif extra is True or extra == {}:
            described = True
            additional = True
        for position, _ in enumerate(node.get("allOf") or []) if depth < 20 else ():
            p, pp, add, desc = self._object_shape(f"{at}/allOf/{position}", depth + 1)
            props = {**p, **props}
            patterns += pp
            described = described or desc
            if additional is None and add is not None:
                additional = add
        return props, patterns, additional, described

    def _pick_branch(self, instance: Any, branches: list[str]) -> str | None:
        best: tuple[int, int, str] | None = None
        for position, branch in enumerate(branches):
            errors = sum(1 for _ in self.index.validator(branch).iter_errors(instance))
            if errors == 0:
                return branch
            if best is None or (errors, position) < best[:2]:
                best = (errors, position, branch)
        return best[2] if best else None

    def _undocumented(self, ex: Exchange, instance: Any, at: str, where: str, depth: int) -> Iterator[Observation]:
        if depth > 40 or instance is None:
            return
        at = self.index.follow(at)
        node = self.index.node(at)
        if not isinstance(node, dict):
            return
        for keyword in ("oneOf", "anyOf"):
            if isinstance(node.get(keyword), list):
                branch = self._pick_branch(instance, [f"{at}/{keyword}/{i}" for i in range(len(node[keyword]))])
                if branch is not None and self.index.node(self.index.follow(branch)) != NULL_ONLY:
                    yield from self._undocumented(ex, instance, branch, where, depth + 1)
        if isinstance(instance, list):
            items = node.get("items")
            if isinstance(items, dict):
                for value in instance:
                    yield from self._undocumented(ex, value, f"{at}/items", f"{where}/*", depth + 1)
            for position, _ in enumerate(node.get("allOf") or []):
                yield from self._undocumented(ex, instance, f"{at}/allOf/{position}", where, depth + 1)
            return
        if not isinstance(instance, dict):
            return
        props, patterns, additional, described = self._object_shape(at)
        if not described:
            return  # a free-form object (or one described only by oneOf/anyOf, handled above)
        for name, value in instance.items():
            location = f"{where}/{_escape(name)}"
            if name in props:
                yield from self._undocumented(ex, value, props[name], location, depth + 1)
                continue
            pattern = next((p for p, _ in patterns if re.search(p, name)), None)
            if pattern is not None:
                yield from self._undocumented(ex, value, dict(patterns)[pattern], location, depth + 1)
            elif isinstance(additional, str):
                yield from self._undocumented(ex, value, additional, location, depth + 1)
            elif additional is True:
                continue
            else:
                strict = additional is False
                yield Observation(
                    ex.label, "live-property-undocumented", location, WRN if strict else INF,
                    f"field {name!r} is not in the schema" + (" (additionalProperties: false)" if strict else ""),
                    example=value, has_example=True, patch_path=f"{at}/properties/{_escape(name)}", patch_value=infer_schema(value))


# -- aggregation ---------------------------------------------------------------------------------


def aggregate(observed: Iterable[tuple[Exchange, list[Observation]]]) -> list[Aggregate]:
    """One aggregate per (operation, rule, location): responses that showed it, occurrences,
    up to three distinct example values, the most severe severity."""
    groups: dict[tuple[str, str, str], Aggregate] = {}
    for exchange, observations in observed:
        seen_here: set[tuple[str, str, str]] = set()
        for obs in observations:
            key = (obs.operation, obs.rule, obs.location)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Aggregate(obs.operation, obs.rule, obs.location, obs.severity, obs.detail,
                                                patch_path=obs.patch_path, patch_value=obs.patch_value,
                                                first=(exchange.method, exchange.path_template, exchange.status))
            if obs.severity.rank > group.severity.rank:
                group.severity = obs.severity
            group.occurrences += 1
            if key not in seen_here:
                group.responses += 1
                seen_here.add(key)
            if obs.has_example and len(group.examples) < MAX_EXAMPLES and obs.example not in group.examples:
                group.examples.append(obs.example)
    return [groups[key] for key in sorted(groups)]


# -- schema inference (for --suggest-patch) ------------------------------------------------------

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")


def infer_schema(value: Any, depth: int = 0) -> dict[str, Any]:
    """A minimal schema for one example value (types, object properties, first array item)."""
    if value is None:
        return {"nullable": True}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        if _DATE_TIME.match(value):
            return {"type": "string", "format": "date-time"}
        if value.startswith(("http://", "https://")):
            return {"type": "string", "format": "uri"}
        return {"type": "string"}
    if isinstance(value, list):
        schema: dict[str, Any] = {"type": "array"}
        if value and depth < 8:
            schema["items"] = infer_schema(value[0], depth + 1)
        return schema
    if isinstance(value, dict):
        schema = {"type": "object"}
        if depth < 8:
            schema["properties"] = {str(k): infer_schema(v, depth + 1) for k, v in value.items()}
        return schema
    return {}


def _status_patch(ex: Exchange) -> dict[str, Any]:
    response: dict[str, Any] = {"description": f"Observed live ({ex.status}); TODO: describe."}
    if ex.body not in (None, "") and ex.media_type:
        schema = infer_schema(ex.body) if not isinstance(ex.body, str) else {"type": "string"}
        response["content"] = {ex.media_type: {"schema": schema}}
    return response


def _media_patch(content: dict[str, Any], ex: Exchange) -> dict[str, Any]:
    for value in content.values():
        if isinstance(value, dict) and "schema" in value:
            return {"schema": copy.deepcopy(value["schema"])}
    return {"schema": infer_schema(ex.body) if not isinstance(ex.body, str) else {"type": "string"}}


# -- the result ----------------------------------------------------------------------------------


@dataclass
class LiveResult:
    """What a live run produced: the report, the aggregates behind it, and notes for the user."""

    report: Report
    aggregates: list[Aggregate]
    exchanges: list[Exchange]
    notes: list[str] = field(default_factory=list)
    requests_sent: int = 0
    duration: float = 0.0


def build_report(checker: LiveChecker, *, spec_label: str, target_label: str, ignore: Iterable[Any] = ()) -> tuple[Report, list[Aggregate]]:
    from conformance.drift.ignore import partition

    aggregates = aggregate(checker.observations)
    kept, suppressed = partition([a.finding() for a in aggregates], list(ignore))
    return Report(kept, suppressed=suppressed, old_label=spec_label, new_label=target_label), aggregates


def run_live(target: Any, spec: dict[str, Any], **kwargs: Any) -> LiveResult:
    """Library entry point; see :func:`conformance.drift.live_plan.run_live`."""
    from conformance.drift.live_plan import run_live as _run

    return _run(target, spec, **kwargs)
