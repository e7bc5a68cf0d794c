"""``python -m bench``: our mock vs Prism vs a plain Starlette baseline, in one run, on this machine.

Prints requests/s and p50/p99 latency per operation, our ratio to each peer, start-up time, the
scale figures and what users wait for (the conformance suite's ci profile, this project's test
suite, the pytest plugin's reset), each with its target and pass/fail. Figures drift on shared
machines; the ratios are measured in the same run, so they are what to compare.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict
from typing import Any

import httpx
import jwt

from .load import LoadResult, Request, run_wrk, wrk_available
from .servers import ROOT, baseline_command, mock_command, prism_command, serve

MOCK_PORT, BASELINE_PORT, PRISM_PORT = 18080, 18081, 18082
SCORE = "application/vnd.ims.lis.v1.score+json"
#: Targets (issue 16): ours / Prism per operation, p99 at 16 connections, share of plain Starlette.
PRISM_TARGET = {"token POST (RS256 assertion)": 2.0}
PRISM_TARGET_DEFAULT = 3.0
P99_TARGET_MS = 10.0
BASELINE_TARGET = {"JWKS GET": 0.40}
BASELINE_TARGET_DEFAULT = 0.25
STARTUP_TARGET_S = 0.8


def scenarios(base_url: str) -> dict[str, Request]:
    """Representative operations, with real credentials from the mock's own config."""
    config = httpx.get(f"{base_url}/__mock__/config").json()
    tool = next(t for t in config["tools"] if t["name"] == "Mock Grading Tool")
    now = int(time.time())
    assertion = jwt.encode({"iss": tool["client_id"], "sub": tool["client_id"], "aud": config["token_url"],
                            "iat": now, "exp": now + 600, "jti": str(uuid.uuid4())},
                           tool["private_key_pem"], algorithm="RS256", headers={"kid": tool["kid"]})
    form = httpx.QueryParams({
        "grant_type": "client_credentials", "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion, "scope": " ".join(tool["scopes"]),
    })
    token = httpx.post(config["token_url"], data=dict(form)).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    student = next(u for u in config["users"] if u["id"] == 20)["lti_id"]
    score = json.dumps({"userId": student, "scoreGiven": 7, "scoreMaximum": 10, "activityProgress": "Completed",
                        "gradingProgress": "FullyGraded", "timestamp": "2026-06-01T00:00:00Z"})
    api_token = config["api_tokens"][0]["token"] if config["api_tokens"] else ""
    spec_paths = set(httpx.get(f"{base_url}/openapi.json").json()["paths"])
    found = {
        "JWKS GET": Request("GET", "/api/lti/security/jwks", {}),
        "token POST (RS256 assertion)": Request("POST", "/login/oauth2/token",
                                                {"Content-Type": "application/x-www-form-urlencoded"}, str(form)),
        "line items page": Request("GET", "/api/lti/courses/101/line_items?limit=10", auth),
        "score POST": Request("POST", "/api/lti/courses/101/line_items/1/scores", {**auth, "Content-Type": SCORE}, score),
        "NRPS page": Request("GET", "/api/lti/courses/101/names_and_roles?limit=10", auth),
        "404 (unknown line item)": Request("GET", "/api/lti/courses/101/line_items/999999", auth),
        "400 (bad limit)": Request("GET", "/api/lti/courses/101/line_items?limit=abc", auth),
    }
    if "/api/v1/courses/{course_id}/external_tools" in spec_paths:
        found["External Tools list"] = Request("GET", "/api/v1/courses/101/external_tools",
                                               {"Authorization": f"Bearer {api_token}"})
    return found


def fmt(result: LoadResult | None) -> str:
    if result is None:
        return "—"
    return f"{result.requests_per_second:8.0f} {result.p50_ms:6.2f} {result.p99_ms:7.2f}"


def scale_figures() -> dict[str, Any]:
    """Run the scale measurement in a fresh interpreter so its memory is its own."""
    out = subprocess.run([sys.executable, "-m", "bench.scale"], capture_output=True, text=True, check=True, timeout=900)
    return json.loads(out.stdout)


def record_gets(base_url: str, requests: dict[str, Request]) -> dict[str, dict[str, Any]]:
    """The mock's answers to the measured 2xx GETs, for the baseline to send byte for byte."""
    recordings = {}
    for name, request in requests.items():
        if request.method != "GET" or name.startswith(("404", "400")):
            continue
        response = httpx.get(base_url + request.path, headers=request.headers)
        recordings[request.path.split("?", 1)[0]] = {"name": name, "status": response.status_code,
                                                     "content_type": response.headers["content-type"], "body": response.text}
    return recordings


def startup_median(starts: int = 5) -> float:
    """Process start → first 200 of ``canvas-lti mock``, the median of several starts. Our
    modules' bytecode is written first, as pip does when it installs the wheel: under
    ``PYTHONDONTWRITEBYTECODE`` a checkout would otherwise compile every module on every start."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "mockserver", "conformance"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    samples = []
    for _ in range(starts):
        with serve("mock", mock_command(MOCK_PORT), f"http://127.0.0.1:{MOCK_PORT}") as mock:
            samples.append(mock.started_in)
    return statistics.median(samples)


def reset_cost_us(resets: int = 200) -> float:
    """What the pytest plugin pays before every test: ``POST /__mock__/reset``, median µs (in-process)."""
    from mockserver import create_app

    samples = []
    with create_app().test_client() as client:
        for _ in range(resets):
            start = time.perf_counter()
            client.post("/__mock__/reset").raise_for_status()
            samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def timed_command(command: list[str]) -> tuple[float, int]:
    """Wall seconds and exit code of a command run from the project root."""
    start = time.perf_counter()
    code = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=3600).returncode
    return time.perf_counter() - start, code


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__, allow_abbrev=False)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per operation and server")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-prism", action="store_true")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--no-suites", action="store_true", help="skip timing the conformance ci profile and the test suite")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if not wrk_available():
        print("wrk is not installed (Debian package `wrk`; `make bench` installs it).", file=sys.stderr)
        return 2

    figures: dict[str, Any] = {"machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
                               "connections": args.connections, "seconds": args.seconds, "operations": {}}
    def load(url: str, req: Request, pid: int | None = None) -> LoadResult:
        return run_wrk(url, req, connections=args.connections, seconds=args.seconds, server_pid=pid)

    # The mock and its Starlette ceiling are measured back to back for each operation (both idle
    # while the other is loaded), so a share compares two runs seconds apart, not minutes.
    ours: dict[str, LoadResult] = {}
    base: dict[str, LoadResult] = {}
    with serve("mock", mock_command(MOCK_PORT), f"http://127.0.0.1:{MOCK_PORT}") as mock, \
            tempfile.NamedTemporaryFile("w", suffix=".json") as recorded:
        requests = scenarios(mock.base_url)
        recordings = record_gets(mock.base_url, requests)
        json.dump(recordings, recorded)
        recorded.flush()
        recorded_names = {row["name"] for row in recordings.values()}
        with serve("baseline", baseline_command(BASELINE_PORT), f"http://127.0.0.1:{BASELINE_PORT}",
                   env={"BENCH_BASELINE_RECORDINGS": recorded.name}) as baseline:
            for name, req in requests.items():
                ours[name] = load(mock.base_url, req, mock.process.pid)
                if name in recorded_names:
                    base[name] = load(baseline.base_url, req, baseline.process.pid)
    prism: dict[str, LoadResult] = {}
    prism_note = ""
    command = None if args.no_prism else prism_command(PRISM_PORT)
    if command is None:
        prism_note = "Prism skipped (no Node/npm, or --no-prism)"
    else:
        with serve("prism", command, f"http://127.0.0.1:{PRISM_PORT}") as prism_server:
            prism = {name: load(prism_server.base_url, req) for name, req in requests.items()}

    print(f"\nMachine: {figures['machine']}; wrk -c{args.connections} -t2 -d{args.seconds}s\n")
    print(f"{'operation':32} {'ours: req/s  p50   p99 ms':>26} {'CPU µs/req':>11} {'Prism: req/s  p50   p99':>26} "
          f"{'ours/Prism':>12} {'p99≤10ms':>9} {'of Starlette':>14}")
    for name, result in ours.items():
        peer, ceiling = prism.get(name), base.get(name)
        ratio = result.requests_per_second / peer.requests_per_second if peer and peer.requests_per_second else None
        share = result.requests_per_second / ceiling.requests_per_second if ceiling else None
        target, floor = PRISM_TARGET.get(name, PRISM_TARGET_DEFAULT), BASELINE_TARGET.get(name, BASELINE_TARGET_DEFAULT)
        ratio_text = "—" if ratio is None else f"{ratio:.2f}x {verdict(ratio >= target)}"
        share_text = "" if share is None else f"{share:.0%} {verdict(share >= floor)}"
        cpu_text = "—" if result.server_cpu_us is None else f"{result.server_cpu_us:.0f}"
        print(f"{name:32} {fmt(result):>26} {cpu_text:>11} {fmt(peer):>26} {ratio_text:>12} "
              f"{verdict(result.p99_ms <= P99_TARGET_MS):>9} {share_text:>14}")
        figures["operations"][name] = {"ours": asdict(result), "prism": asdict(peer) if peer else None,
                                       "ratio_vs_prism": ratio, "prism_target": target,
                                       "starlette": asdict(ceiling) if ceiling else None, "share_of_starlette": share}
    if prism_note:
        print(prism_note)
    print(f"Targets: ours/Prism ≥ {PRISM_TARGET_DEFAULT:.0f}x (token ≥ 2x); p99 ≤ {P99_TARGET_MS:.0f} ms; "
          f"share of plain Starlette sending the same bytes: JWKS ≥ 40%, other GETs ≥ 25%")
    print("CPU µs/req: the mock process's CPU time per request served (from /proc). One event loop serves all "
          f"{args.connections} connections, so p50 is about {args.connections} × this, and p99 up to twice that.")

    figures["startup_s"] = startup = startup_median()
    print(f"\nStart-up (process start → first 200, median of 5): {startup:.2f} s "
          f"(target ≤ {STARTUP_TARGET_S} s: {verdict(startup <= STARTUP_TARGET_S)})")
    figures["reset_us"] = reset = reset_cost_us()
    print(f"pytest plugin reset (POST /__mock__/reset before each test): {reset:.0f} µs median")
    if not args.no_suites:
        env_python = [sys.executable, "-m"]
        seconds, code = timed_command([*env_python, "conformance.cli", "conform", "--profile", "ci", "--seed", "1"])
        figures["conform_ci_s"] = round(seconds, 1)
        print(f"Conformance suite, ci profile, in-process: {seconds:.0f} s (exit {code}; target ≤ 120 s: {verdict(seconds <= 120)})")
        # As `make test` runs it: one pytest-xdist worker per core.
        seconds, code = timed_command([*env_python, "pytest", "-q", "-x", "-n", "auto", "-p", "no:cacheprovider"])
        figures["test_suite_s"] = round(seconds, 1)
        print(f"This project's test suite (pytest -n auto, as `make test`): {seconds:.0f} s (exit {code})")
    if not args.no_scale:
        scale = scale_figures()
        figures["scale"] = scale
        ratio = scale["loaded_page_ms"] / scale["empty_page_ms"]
        print(f"Scale: {scale['line_items']} line items, {scale['results']} results: page {scale['loaded_page_ms']:.2f} ms "
              f"vs {scale['empty_page_ms']:.2f} ms empty = {ratio:.2f}x (target ≤ 1.5x: {verdict(ratio <= 1.5)}); "
              f"results page {scale['loaded_results_page_ms']:.2f} ms; NRPS page at {scale['students']} students "
              f"{scale['loaded_roster_page_ms']:.2f} ms vs {scale['empty_roster_page_ms']:.2f} ms; RSS {scale['rss_mb']:.0f} MB "
              f"(target ≤ 1536 MB: {verdict(scale['rss_mb'] <= 1536)})")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
