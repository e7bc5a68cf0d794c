"""An honest verdict (issues 11, 23): one verdict word last (PASS, FAIL, INTERRUPTED with why),
success coverage and --strict, selectors and report paths that cannot work, failures named on the
console, shrunk reproductions, interrupted runs that list every operation they did not reach, the
links row, and an AGS reference model whose steps vary unless seeded and replay exactly when seeded.

Budgets are driven by a clock that counts requests, never by the wall clock.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from conformance import run as run_module
from conformance import stateless as stateless_module
from conformance.cli import main
from conformance.render import junit_xml, markdown, summary_table
from conformance.report import EXIT_WARNINGS, Finding, RunResult
from conformance.safety import Gate
from conformance.stateful import AGS_ROW, LINKS_PHASE, LINKS_ROW, spec_links
from conformance.stateless import TOOL_TAG
from conformance.suite import Suite, SuiteOptions, run_suite
from conformance.targets import in_process_target, spec_operations
from mockserver import create_app
from mockserver.spec import load_spec
from mockserver.testing import run_mock

from . import variants
from .conftest import DefaultRun

logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)
SEED = 4242
AGS_OPERATIONS = ["createScore"]


def request_clock(gate: Gate) -> Gate:
    """'Time' is the number of requests sent: a ``max_time`` of N seconds fires after N requests,
    whatever the machine's speed."""
    gate.clock = lambda: float(gate.sent)
    return gate


def ags_suite(seed: int | None, app: Any = None, **options: Any) -> Suite:
    options.setdefault("max_examples", 1)
    suite = Suite(in_process_target(Gate(), app=app),
                  SuiteOptions(seed=seed, operations=AGS_OPERATIONS, stateful=True, **options))
    suite.run()
    return suite


# -- selectors and report paths: exit 2 before anything runs -------------------------------------


@pytest.mark.parametrize(("argv", "expected"), [
    (["--operation", "getLineItm"], "argument --operation: getLineItm matches nothing in the spec; did you mean getLineItem"),
    (["--include-tag", "LineItem"], "argument --include-tag: LineItem matches nothing in the spec; did you mean LineItems"),
    (["--operation", "zzzzzz"], "argument --operation: zzzzzz matches nothing in the spec; known: "),
])
def test_selector_matching_nothing_exits_2_with_close_names(argv: list[str], expected: str, capsys: Any) -> None:
    assert main(["conform", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing ran
    assert captured.err.count("\n") == 1 and expected in captured.err


def test_unwritable_report_paths_exit_2_before_the_run(tmp_path: Any, capsys: Any) -> None:
    assert main(["conform", "--operation", "getPlatformJwks", "--report", str(tmp_path / "missing" / "r.md")]) == 2
    assert "argument --report: directory " in capsys.readouterr().err
    assert main(["conform", "--operation", "getPlatformJwks", "--junit-xml", str(tmp_path)]) == 2
    err = capsys.readouterr()
    assert err.out == "" and err.err.strip() == f"canvas-lti conform: error: argument --junit-xml: {tmp_path} is a directory; give a file name"


# -- success coverage, warnings and --strict -----------------------------------------------------


def registration_token_always_401(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    """Well-formed but useless: the registration token endpoint refuses everyone (a documented 401)."""
    if path.endswith("/registration_token"):
        body = b'{"status":"unauthenticated","errors":[{"message":"user authorization required"}]}'
        return 401, {"content-type": "application/json", "www-authenticate": 'Bearer realm="canvas-lms"'}, body
    return status, headers, body


def test_an_operation_that_never_succeeds_is_a_warning_and_strict_fails(tmp_path: Any, capsys: Any) -> None:
    report, junit = tmp_path / "r.md", tmp_path / "j.xml"
    argv = ["conform", "--operation", "getRegistrationToken", "--seed", "1", "--max-examples", "3", "-q",
            "--report", str(report), "--junit-xml", str(junit)]
    with run_mock(app=variants.wrap(registration_token_always_401)) as mock:
        lenient = main([*argv, "--base-url", mock.base_url])
        out = capsys.readouterr().out
        strict = main([*argv, "--base-url", mock.base_url, "--strict"])
        strict_out = capsys.readouterr().out
    assert lenient == 0 and strict == EXIT_WARNINGS == 3
    lines = out.strip().splitlines()
    row = next(line for line in lines if line.startswith("getRegistrationToken"))
    assert row.split()[2] == "0"  # no success answer
    assert lines[-3].startswith("warning: getRegistrationToken: no success (2xx) answer in")  # before the totals
    assert lines[-1].startswith("PASS (1 warning) — ")  # the verdict comes last
    assert strict_out.strip().splitlines()[-1].startswith("FAIL (strict: 1 warning) — ")
    text = report.read_text()
    assert "**FAIL** (strict: 1 warning) — " in text
    assert re.search(r"^\| `getRegistrationToken` \| \d+ \| 0 \| 0 \|", text, re.M)  # cases, no success, no failure
    assert "- getRegistrationToken: no success (2xx) answer" in text
    failure = ET.parse(junit).getroot().find("testcase/failure")
    assert failure is not None and failure.get("type") == "no_success"


def test_every_operation_reaches_a_success_answer_on_the_mock_at_the_default_profile(default_run: DefaultRun) -> None:
    """The default profile, in-process (the shared full run): no operation is left without a 2xx
    (or, for a redirecting operation, its 3xx), so ``--strict`` passes on the mock."""
    result = default_run.result
    rows = [stat for stat in result.stats.values() if stat.is_operation]
    skipped = {stat.operation for stat in rows if stat.skipped}
    assert skipped == {op["operationId"] for op in spec_operations() if TOOL_TAG in op["tags"]}, skipped
    missing = {stat.operation: stat.statuses_text() for stat in rows
               if stat.expects_success and not stat.skipped and not stat.reached_success}
    assert not missing, missing
    assert result.ok and not result.warnings() and result.exit_code(strict=True) == 0, markdown(result)
    assert len([s for s in result.stats.values() if s.is_operation]) >= 88


# -- failures on the console, and their reproductions -------------------------------------------


def test_console_names_each_failing_check_and_operation_before_the_summary(capsys: Any) -> None:
    with run_mock(app=variants.wrap(variants.created_as_200)) as mock:
        code = main(["conform", "--base-url", mock.base_url, "--operation", "createLineItem", "--seed", "3",
                     "--max-examples", "5", "--no-stateful", "-q"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    summary = next(i for i, line in enumerate(out) if re.match(r"1 operations, ", line))
    failed = [i for i, line in enumerate(out) if line.startswith("FAILED ")]
    assert failed and max(failed) < summary
    assert re.match(r"FAIL \(\d+ distinct failures?\) — \d+ requests to the target in ", out[-1]), out[-1]
    assert any(out[i].startswith("FAILED status_code_conformance on createLineItem (") for i in failed)


def test_auth_probe_reproduction_is_the_probe_itself() -> None:
    app = create_app()
    with app.test_client() as client:
        from tests.ltiutil import get_token

        token = get_token(client, client.get("/__mock__/config").json(), "Mock Grading Tool")
    wrapped = variants.RewritingApp(app, variants.unchanged, variants.auth_injector(token))
    result = run_suite(in_process_target(Gate(), app=wrapped),
                       SuiteOptions(seed=SEED, max_examples=5, operations=["listLineItems"], stateful=False))
    finding = next(f for f in result.findings.values() if f.check == "auth_enforced")
    assert finding.curl is not None
    words = shlex.split(finding.curl)
    assert words[:3] == ["curl", "-X", "GET"] and "/api/lti/courses/101/line_items" in words[-1]
    assert not any(w.lower().startswith("authorization:") for w in words), finding.curl  # the no-token probe


def test_failing_examples_are_shrunk() -> None:
    """The mock accepts an invalid line item; the report's example is the minimal one."""
    result = run_suite(in_process_target(Gate(), app=variants.wrap(variants.accepts_invalid_body)),
                       SuiteOptions(seed=SEED, max_examples=25, operations=["createLineItem"], stateful=False))
    finding = next(f for f in result.findings.values() if f.check == "negative_data_rejection")
    assert finding.curl is not None
    words = shlex.split(finding.curl)
    body = words[words.index("-d") + 1] if "-d" in words else ""
    assert len(body) <= 40, finding.curl  # e.g. {} or {"label": ""}: not a long fuzz body


def test_stateful_failure_is_reproduced_by_its_minimal_steps_in_order(tmp_path: Any) -> None:
    with variants.patched_handler("createScore", variants.forget_scores) as app:
        suite = ags_suite(SEED, app=app)
    findings = [f for f in suite.result.findings.values() if f.check == "ags_model"]
    assert findings
    shortest = min(findings, key=lambda f: len(f.steps))
    methods = [shlex.split(step)[2] + " " + shlex.split(step)[-1].split("?")[0].rsplit("/api/lti/courses/101", 1)[-1]
               for step in shortest.steps]
    assert len(methods) <= 6, shortest.steps
    created = next(i for i, m in enumerate(methods) if m == "POST /line_items")
    scored = next(i for i, m in enumerate(methods) if m.startswith("POST /line_items/") and m.endswith("/scores"))
    assert created < scored < len(methods) - 1  # create, score, …, then the read that shows the loss
    text = markdown(suite.result)
    assert f"Reproduce ({len(shortest.steps)} steps, in order):" in text and shortest.steps[0] in text


# -- interrupted runs: the verdict says so, and JUnit names every operation not reached ---------


class CtrlCAt(Gate):
    """A gate where Ctrl-C arrives just as the first request to ``path`` of the stateless phase is
    about to leave (once: clean-up must still get through). Discovery and the semantic checks
    read the same paths earlier; the stateless phase arms it."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path, self.armed, self.fired = path, False, False

    def admit(self, method: str, url: str) -> None:
        if self.armed and not self.fired and self.path in url:
            self.fired = True
            raise KeyboardInterrupt
        super().admit(method, url)


def arm_in_stateless_phase(monkeypatch: Any) -> None:
    original = stateless_module.StatelessPhase.run

    def run(self: Any) -> None:
        self.ctx.target.gate.armed = True
        original(self)

    monkeypatch.setattr(stateless_module.StatelessPhase, "run", run)


INTERRUPTED_SELECTION = ["getPlatformJwks", "getOpenIdConfiguration", "listLineItems", "createScore"]


def test_an_interrupted_run_says_interrupted_and_its_junit_lists_every_selected_operation(
        tmp_path: Any, capsys: Any, monkeypatch: Any) -> None:
    """Ctrl-C during the second operation: the console ends with INTERRUPTED and why; the JUnit
    file lists all four selected operations, the three not reached ``skipped`` as such, and the
    suite carries an error, so no dashboard shows the run green."""
    monkeypatch.setattr(run_module, "Gate", lambda **kw: CtrlCAt("/api/lti/security/openid-configuration", **kw))
    arm_in_stateless_phase(monkeypatch)
    junit, report = tmp_path / "j.xml", tmp_path / "r.md"
    argv = [f"--operation={op}" for op in INTERRUPTED_SELECTION]
    code = main(["conform", *argv, "--seed", "5", "--max-examples", "2", "-q", "--junit-xml", str(junit),
                 "--report", str(report)])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert out[-1].startswith("INTERRUPTED (Ctrl-C (SIGINT)) — ")
    assert report.read_text().rstrip().splitlines()[-1].startswith("**INTERRUPTED** (Ctrl-C (SIGINT)) — ")
    root = ET.parse(junit).getroot()
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(INTERRUPTED_SELECTION) <= set(cases)
    assert cases["getPlatformJwks"].find("skipped") is None  # reached before the interruption
    for operation in INTERRUPTED_SELECTION[1:]:
        skipped = cases[operation].find("skipped")
        assert skipped is not None and skipped.get("message", "").startswith("not reached: interrupted"), operation
    assert int(root.get("errors", "0")) >= 1 and root.get("failures") == "0"
    error = cases["run"].find("error")
    assert error is not None and error.get("type") == "interrupted"
    assert next(p for p in root.iter("property") if p.get("name") == "verdict").get("value", "").startswith("INTERRUPTED")


def test_max_time_ends_the_run_as_interrupted_with_summary_and_report(tmp_path: Any, capsys: Any,
                                                                      monkeypatch: Any) -> None:
    monkeypatch.setattr(run_module, "Gate", lambda **kw: request_clock(Gate(**kw)))
    report = tmp_path / "r.md"
    code = main(["conform", "--operation", "createScore", "--operation", "listResults", "--seed", "5",
                 "--max-time", "120", "--report", str(report), "-q"])
    out = capsys.readouterr().out
    assert code == 1
    assert re.search(r"^\d+ operations, \d+ cases", out, re.M)
    assert re.match(r"INTERRUPTED \(time budget of 120s spent\) — 1[23]\d requests to the target", out.strip().splitlines()[-1])
    assert "- Interrupted: time budget of 120s spent" in report.read_text()


def _stopped_run(budget: int) -> RunResult:
    gate = request_clock(Gate(max_time=budget))
    options = SuiteOptions(seed=SEED, max_examples=3, operations=["createScore", "listResults"], stateful=True)
    return run_suite(in_process_target(gate), options)


def test_max_time_firing_inside_the_state_machines_ends_cleanly() -> None:
    """Stops at several points, each inside Hypothesis (stateless generation, the links machine,
    the AGS model): no traceback, no error rows, a report, and the verdict INTERRUPTED."""
    whole = _stopped_run(10**6)
    assert whole.interrupted is None and whole.verdict() == "PASS"
    cleanup = int(re.search(r"deleted the (\d+) line item", " ".join(whole.notes)).group(1))  # type: ignore[union-attr]
    ags_end = whole.requests_sent - cleanup
    for budget in (ags_end // 4, ags_end // 2, ags_end - whole.stats[AGS_ROW].cases // 2):
        result = _stopped_run(budget)
        assert result.interrupted == f"time budget of {budget}s spent", (budget, result.notes)
        assert not result.errors() and not result.findings, (budget, markdown(result))
        assert result.verdict() == f"INTERRUPTED (time budget of {budget}s spent)"
        assert "**INTERRUPTED**" in markdown(result) and 'type="interrupted"' in junit_xml(result)
    assert result.stats[AGS_ROW].cases > 0  # the last stop happened inside the AGS model


# -- the links row -------------------------------------------------------------------------------


def test_links_state_machine_has_its_own_row() -> None:
    """Over the line items' links (create -> get -> update -> get -> delete -> get): its own row,
    and chains that reach success answers, counted in the totals."""
    suite = Suite(in_process_target(Gate()), SuiteOptions(
        seed=SEED, max_examples=1, semantic=False,
        operations=["createLineItem", "getLineItem", "updateLineItem", "deleteLineItem"]))
    suite.run()
    row = suite.result.stats[LINKS_ROW]
    assert row.cases > 0 and row.phase == LINKS_PHASE
    assert suite.result.links_succeeded > 0, suite.result.links_followed
    assert f"{suite.result.links_succeeded} of {suite.result.links_followed} link transitions" in markdown(suite.result)
    suite.result.add(Finding("getLineItem", "use_after_free", "read after delete", phase=LINKS_PHASE,
                             steps=["curl -X DELETE …", "curl -X GET …"]))
    assert suite.result.failure_count(LINKS_ROW) == 1
    table = summary_table(suite.result)
    assert re.search(rf"^{LINKS_ROW}\s+{row.cases}\s+-\s+1\s+-", table, re.M)


def test_every_openapi_link_answers_as_it_promises_in_the_default_run(default_run: DefaultRun) -> None:
    """The full default run (the shared one) follows every OpenAPI link of the spec with the
    link's values, and each answers as it promises: a 2xx, or a 404 for a link that reads what its
    source just deleted (a 2xx there is use_after_free's failure). Before the links machine ran
    per family and started its chains only at creates, 5 of the 9 links it followed answered 2xx."""
    result = default_run.result
    links = {link.name: link for link in spec_links(load_spec())}
    assert set(result.transitions) == set(links)  # every link of the spec was to be followed …
    report = default_run.report.read_text()
    for name, tally in result.transitions.items():
        assert tally.after_delete == links[name].after_delete, name
        if tally.after_delete:
            assert tally.statuses.get(404), (name, tally.statuses_text())  # … a read after a delete: 404
        else:
            assert tally.succeeded >= 1, (name, tally.statuses_text())  # … every other one: a 2xx
        assert f"| `{name}` | {tally.followed} | {tally.succeeded} | {tally.statuses_text()} | yes" in report
    assert result.links_kept == len(links)
    assert f"{len(links)} of {len(links)} OpenAPI links answered as they promise" in default_run.console
    assert not result.findings and result.stats[LINKS_ROW].cases > 0
    properties = {p.get("name"): p.get("value") for p in ET.parse(default_run.junit).getroot().iter("property")}
    assert properties["links"] == properties["links_kept"] == str(len(links))


# -- the AGS reference model ---------------------------------------------------------------------


def test_same_seed_replays_the_ags_model_exactly() -> None:
    first, second = ags_suite(SEED), ags_suite(SEED)
    assert first.ags_trace and first.ags_trace == second.ags_trace


def test_runs_without_a_seed_differ() -> None:
    """Different seeds give different runs; unseeded runs draw their own seed (two unseeded runs can
    coincide by chance, so three are compared: all equal would mean the seed is fixed)."""
    assert ags_suite(1).ags_trace != ags_suite(2).ags_trace
    traces = [ags_suite(None).ags_trace for _ in range(3)]
    assert all(traces) and len({tuple(trace) for trace in traces}) > 1


def test_ags_model_exercises_decimals_timestamps_users_deletes_filters_and_paging() -> None:
    trace = ags_suite(SEED, profile="deep").ags_trace
    lines = [_parse(line) for line in trace]
    created = [json.loads(body) for method, url, body, status in lines if method == "POST" and url.endswith("/line_items")]
    assert any(float(li["scoreMaximum"]) != int(li["scoreMaximum"]) for li in created)  # decimal maxima
    scores = [(url, json.loads(body), status) for method, url, body, status in lines if url.endswith("/scores")]
    assert any(float(s["scoreGiven"]) != int(s["scoreGiven"]) for _, s, _ in scores)  # decimal scores
    assert len({s["userId"] for _, s, _ in scores}) >= 2  # several users
    last: dict[tuple[str, str], str] = {}
    equal = stale = 0
    for url, score, status in scores:
        key = (url, score["userId"])
        if status == 200:
            equal += last.get(key) == score["timestamp"]
            last[key] = score["timestamp"]
        elif status == 400 and key in last and score["timestamp"] < last[key]:
            stale += 1
    assert equal and stale  # equal timestamps accepted, stale ones refused
    deleted = {url for method, url, _, status in lines if method == "DELETE" and status == 204}
    assert any(method == "GET" and url.split("?")[0] in deleted and status == 404 for method, url, _, status in lines)
    gets = [url for method, url, _, _ in lines if method == "GET"]
    assert any("tag=conform-" in url for url in gets) and any("resource_id=conform-" in url for url in gets)
    assert any("user_id=" in url for url in gets)
    assert any(re.search(r"limit=[23]\b", url) and "page=2" in url for url in gets)  # followed a small page


def _parse(line: str) -> tuple[str, str, str, int]:
    head, _, status = line.rpartition(" -> ")
    method, url, *body = head.split(" ", 2)
    return method, url, body[0] if body else "", int(status)
