"""``canvas-lti conform`` as pytest items, for QA teams' own repositories: one item per operation.

Opt-in (it is not registered as an entry point, so it costs tool vendors' suites nothing)::

    pytest -p conformance.pytest_plugin --canvas-conform -m canvas_conform --junitxml=conform.xml \\
        --canvas-base-url https://canvas.staging.example --canvas-client-id … --canvas-private-key tool.pem …

or ``addopts = "-p conformance.pytest_plugin"`` and ``canvas_conform = true`` in the project's
pytest configuration. Each item runs the stateless suite (:func:`conformance.suite.run_suite`) for its
operation against one shared target; the safety gate, its request/time budget and the clean-up of
created line items are the CLI's. The stateful runs stay with ``canvas-lti conform``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from mockserver.cli_values import canvas_id, positive_int, positive_seconds

from .extra import MISSING, is_missing_extra
from .report import RunResult
from .safety import Gate

try:
    from .suite import PROFILES, SuiteOptions, run_suite
except ModuleNotFoundError as exc:  # `-p conformance.pytest_plugin` without the conformance extra
    if not is_missing_extra(exc):
        raise
    raise pytest.UsageError(MISSING) from None
from .targets import RemoteOptions, Target, TargetError, in_process_target, remote_target, spec_operations

MARKER = "canvas_conform"
#: option -> environment variable that provides its default (CI secrets).
ENVIRONMENT = {
    "--canvas-base-url": "CANVAS_BASE_URL", "--canvas-client-id": "CANVAS_CLIENT_ID",
    "--canvas-private-key": "CANVAS_PRIVATE_KEY_FILE", "--canvas-kid": "CANVAS_KID",
    "--canvas-token-url": "CANVAS_TOKEN_URL", "--canvas-deployment-id": "CANVAS_DEPLOYMENT_ID",
    "--canvas-api-token": "CANVAS_API_TOKEN", "--canvas-course-id": "CANVAS_COURSE_ID",
    "--canvas-account-id": "CANVAS_ACCOUNT_ID",
}
_RUNNER = pytest.StashKey["ConformanceRun"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("canvas-lti-conform", "Canvas LTI conformance suite (one item per operation)")
    group.addoption("--canvas-conform", action="store_true", help="collect the conformance items (or ini canvas_conform)")
    parser.addini("canvas_conform", type="bool", default=False, help="collect the Canvas LTI conformance items")
    helps = {
        "--canvas-base-url": "target URL: a Canvas or a running mock (default: a fresh in-process mock)",
        "--canvas-client-id": "LTI developer key (client) id", "--canvas-private-key": "PEM file of the tool's private key",
        "--canvas-kid": "key id of the tool's public JWK", "--canvas-token-url": "token URL (default BASE/login/oauth2/token)",
        "--canvas-deployment-id": "LTI deployment id", "--canvas-api-token": "Canvas API token (REST operations)",
        "--canvas-course-id": "sandbox course id", "--canvas-account-id": "sandbox account id",
    }
    for option, variable in ENVIRONMENT.items():
        group.addoption(option, default=os.environ.get(variable), help=f"{helps[option]} (env {variable})",
                        type=canvas_id if option in ("--canvas-course-id", "--canvas-account-id") else str)
    group.addoption("--canvas-allow-writes", action="store_true", help="allow AGS writes in the sandbox course of a real Canvas")
    group.addoption("--canvas-operation", action="append", default=[], metavar="OPID", help="only this operationId")
    group.addoption("--canvas-include-tag", action="append", default=[], metavar="TAG", help="only operations with TAG")
    group.addoption("--canvas-max-examples", type=positive_int, help="examples per operation and mode (overrides the profile)")
    group.addoption("--canvas-seed", type=int, help="hypothesis seed (default: random, shown in the header)")
    group.addoption("--canvas-profile", choices=sorted(PROFILES), default="ci", help="example budget (default ci)")
    group.addoption("--canvas-max-requests", type=positive_int, help="stop sending after this many requests (whole session)")
    group.addoption("--canvas-max-time", type=positive_seconds, help="stop sending after this many seconds (whole session)")


def enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("--canvas-conform") or config.getini("canvas_conform"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a Canvas LTI conformance item (one per operation)")
    if enabled(config):
        config.stash[_RUNNER] = ConformanceRun(config)


def pytest_report_header(config: pytest.Config) -> str | None:
    run = config.stash.get(_RUNNER, None)
    if run is None:
        return None
    target = config.getoption("--canvas-base-url") or "a fresh in-process mock"
    return f"canvas-lti conform: {target}; profile {run.options.profile}; seed {run.options.seed}"


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselection sees the items
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    run = config.stash.get(_RUNNER, None)
    if run is not None:
        items.extend(ConformanceCollector.from_parent(session, name="canvas-lti-conform", nodeid="canvas-lti-conform").collect())


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(_RUNNER, None)
    if run is not None:
        run.close()


class ConformanceRun:
    """The session's one target (and gate), made on first use, and the suite options."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.options = SuiteOptions(profile=config.getoption("--canvas-profile"),
                                    max_examples=config.getoption("--canvas-max-examples"),
                                    seed=config.getoption("--canvas-seed"), stateful=False,
                                    include_tags=config.getoption("--canvas-include-tag"),
                                    operations=config.getoption("--canvas-operation"))
        self._target: Target | None = None
        self._error: str | None = None

    def selected(self) -> list[dict[str, Any]]:
        tags, wanted = set(self.options.include_tags), set(self.options.operations)
        return [op for op in spec_operations() if (not tags or tags & set(op["tags"])) and (not wanted or op["operationId"] in wanted)]

    def target(self) -> Target:
        if self._target is None and self._error is None:
            option = self.config.getoption
            gate = Gate(allow_writes=True, max_requests=option("--canvas-max-requests"), max_time=option("--canvas-max-time"))
            try:
                if option("--canvas-base-url"):
                    key = option("--canvas-private-key")
                    self._target = remote_target(option("--canvas-base-url"), gate, RemoteOptions(
                        client_id=option("--canvas-client-id"), kid=option("--canvas-kid"),
                        private_key_pem=Path(key).read_text(encoding="utf-8") if key else None,
                        token_url=option("--canvas-token-url"), deployment_id=option("--canvas-deployment-id"),
                        api_token=option("--canvas-api-token"), course_id=option("--canvas-course-id"),
                        account_id=option("--canvas-account-id")))
                    if not self._target.is_mock:
                        gate.allow_writes = bool(option("--canvas-allow-writes"))
                else:
                    self._target = in_process_target(gate, course_id=option("--canvas-course-id"))
            except (TargetError, OSError) as exc:  # name this plugin's options, not the CLI's
                self._error = re.sub(r"(?<!-)--(?=client-id|private-key|kid|course-id)", "--canvas-", str(exc))
        if self._target is None:
            raise ConformanceFailure(f"canvas-lti conform: the target cannot be used: {self._error}")
        return self._target

    def run(self, operation_id: str) -> RunResult:
        options = SuiteOptions(**{**vars(self.options), "operations": [operation_id], "include_tags": []})
        return run_suite(self.target(), options)

    def close(self) -> None:
        if self._target is not None:
            self._target.close()


class ConformanceFailure(AssertionError):
    """An operation's findings, already formatted."""


class ConformanceCollector(pytest.Collector):
    def collect(self) -> list[pytest.Item]:
        run: ConformanceRun = self.config.stash[_RUNNER]
        return [OperationItem.from_parent(self, name=op["operationId"], operation=op) for op in run.selected()]


class OperationItem(pytest.Item):
    def __init__(self, *, operation: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.operation = operation
        self.add_marker(MARKER)

    def runtest(self) -> None:
        operation_id = self.operation["operationId"]
        result = self.config.stash[_RUNNER].run(operation_id)
        stat = result.stats.get(operation_id)
        if stat is None:
            pytest.skip("mock-only operation (the target is not the mock)")
        if stat.skipped:
            pytest.skip(stat.skipped)
        findings = result.failures_for(operation_id)
        errors = [error for op, error in result.errors() if op == operation_id]
        if findings or errors or result.interrupted:
            lines = [f"{self.operation['method']} {self.operation['path']}: {len(findings)} distinct failure(s), "
                     f"{len(errors)} error(s); seed {result.seed} (--canvas-seed {result.seed} reproduces)"]
            for finding in findings:
                lines.append(f"- {finding.check} (×{finding.count}): {finding.message.strip()}")
                if finding.curl:
                    lines.append(f"  reproduce: {finding.curl}")
            lines += [f"- error: {error}" for error in errors]
            lines += [f"note: {note}" for note in result.notes]
            raise ConformanceFailure("\n".join(lines))
        self.user_properties.append(("cases", stat.cases if stat else 0))
        self.user_properties.append(("statuses", stat.statuses_text() if stat else ""))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConformanceFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.operation['method']} {self.operation['path']} [{self.name}]"
