"""Tiny OpenAPI documents for drift tests: one operation, one varying part."""

from __future__ import annotations

import copy
from typing import Any

from conformance.drift import Finding, compare


def doc(paths: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        **extra,
    }


def op_doc(
    operation: dict[str, Any] | None = None,
    path: str = "/things",
    method: str = "get",
    **extra: Any,
) -> dict[str, Any]:
    operation = {"responses": {"200": {"description": "ok"}}, **(operation or {})}
    return doc({path: {method: operation}}, **extra)


def param_doc(
    schema: dict[str, Any] | None = None,
    *,
    name: str = "q",
    where: str = "query",
    required: bool | None = None,
    **fields: Any,
) -> dict[str, Any]:
    param: dict[str, Any] = {
        "name": name,
        "in": where,
        "schema": schema or {"type": "string"},
        **fields,
    }
    if required is not None:
        param["required"] = required
    return op_doc({"parameters": [param]})


def params_doc(*params: dict[str, Any], path: str = "/things") -> dict[str, Any]:
    return op_doc({"parameters": list(params)}, path=path)


def body_doc(
    schema: dict[str, Any], *, required: bool | None = True, media: str = "application/json"
) -> dict[str, Any]:
    body: dict[str, Any] = {"content": {media: {"schema": schema}}}
    if required is not None:
        body["required"] = required
    return op_doc({"requestBody": body}, method="post")


def response_doc(
    schema: dict[str, Any] | None = None,
    *,
    code: Any = "200",
    media: str = "application/json",
    headers: dict[str, Any] | None = None,
    extra_codes: tuple[str, ...] = (),
) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        response["content"] = {media: {"schema": schema}}
    if headers is not None:
        response["headers"] = headers
    responses = {code: response, **{c: {"description": c} for c in extra_codes}}
    return op_doc({"responses": responses})


def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, **extra}
    if required:
        schema["required"] = required
    return schema


def findings(old: dict[str, Any], new: dict[str, Any]) -> list[Finding]:
    # deep copies: compare must never depend on (or mutate) shared structure
    return compare(copy.deepcopy(old), copy.deepcopy(new)).findings


def rule_ids(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    return {f.rule_id for f in findings(old, new)}


def drift_main(argv: list[str]) -> int:
    """``canvas-lti drift`` without the other subcommands (keeps these tests independent of
    them); ``conformance.cli.main`` itself is exercised by the entry-point and upstream tests."""
    import argparse

    from conformance.drift import cli

    parser = argparse.ArgumentParser(prog="canvas-lti")
    cli.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
