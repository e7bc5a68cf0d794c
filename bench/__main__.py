"""``python -m bench``: our mock vs Prism vs a plain Starlette baseline, in one run, on this machine.

Prints requests/s and p50/p99 latency per operation, our ratio to each peer, start-up time and
the scale figures, each with its target and pass/fail. Figures drift on shared machines; the
ratios are measured in the same run, so they are what to compare.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
import uuid
from dataclasses import asdict
from typing import Any

import httpx
import jwt

from .load import LoadResult, Request, run_wrk, wrk_available
from .servers import baseline_command, mock_command, prism_command, serve

MOCK_PORT, BASELINE_PORT, PRISM_PORT = 18080, 18081, 18082
SCORE = "application/vnd.ims.lis.v1.score+json"


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per operation and server")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-prism", action="store_true")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if not wrk_available():
        print("wrk is not installed (Debian package `wrk`; `make bench` installs it).", file=sys.stderr)
        return 2

    figures: dict[str, Any] = {"machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
                               "connections": args.connections, "seconds": args.seconds, "operations": {}}
    load = lambda url, req: run_wrk(url, req, connections=args.connections, seconds=args.seconds)  # noqa: E731
    with serve("mock", mock_command(MOCK_PORT), f"http://127.0.0.1:{MOCK_PORT}") as mock:
        figures["startup_s"] = round(mock.started_in, 3)
        requests = scenarios(mock.base_url)
        ours = {name: load(mock.base_url, req) for name, req in requests.items()}
    with serve("baseline", baseline_command(BASELINE_PORT), f"http://127.0.0.1:{BASELINE_PORT}") as baseline:
        base_jwks = load(baseline.base_url, requests["JWKS GET"])
    prism: dict[str, LoadResult] = {}
    prism_note = ""
    command = None if args.no_prism else prism_command(PRISM_PORT)
    if command is None:
        prism_note = "Prism skipped (no Node/npm, or --no-prism)"
    else:
        with serve("prism", command, f"http://127.0.0.1:{PRISM_PORT}") as prism_server:
            prism = {name: load(prism_server.base_url, req) for name, req in requests.items()}

    print(f"\nMachine: {figures['machine']}; wrk -c{args.connections} -t2 -d{args.seconds}s\n")
    print(f"{'operation':32} {'ours: req/s  p50   p99 ms':>26} {'Prism: req/s  p50   p99':>26} {'ours/Prism':>10} {'p99≤10ms':>9}")
    for name, result in ours.items():
        peer = prism.get(name)
        ratio = result.requests_per_second / peer.requests_per_second if peer and peer.requests_per_second else None
        verdict = "" if ratio is None else ("PASS" if ratio >= 2 else "FAIL")
        p99_ok = "PASS" if result.p99_ms <= 10 else "FAIL"
        print(f"{name:32} {fmt(result):>26} {fmt(peer):>26} {f'{ratio:.2f}x' if ratio else '—':>7} {verdict:4} {p99_ok:>6}")
        figures["operations"][name] = {"ours": asdict(result), "prism": asdict(peer) if peer else None,
                                       "ratio_vs_prism": ratio}
    if prism_note:
        print(prism_note)
    share = ours["JWKS GET"].requests_per_second / base_jwks.requests_per_second
    figures["baseline_jwks"] = asdict(base_jwks)
    figures["jwks_share_of_baseline"] = share
    print(f"\nJWKS vs plain Starlette: {ours['JWKS GET'].requests_per_second:.0f} / {base_jwks.requests_per_second:.0f} req/s "
          f"= {share:.0%} (target ≥ 40%: {'PASS' if share >= 0.4 else 'FAIL'})")
    print(f"Start-up (process start → first 200): {mock.started_in:.2f} s (target ≤ 1 s: {'PASS' if mock.started_in <= 1 else 'FAIL'})")
    if not args.no_scale:
        scale = scale_figures()
        figures["scale"] = scale
        ratio = scale["loaded_page_ms"] / scale["empty_page_ms"]
        print(f"Scale: {scale['line_items']} line items, {scale['results']} results: page {scale['loaded_page_ms']:.2f} ms "
              f"vs {scale['empty_page_ms']:.2f} ms empty = {ratio:.2f}x (target ≤ 1.5x: {'PASS' if ratio <= 1.5 else 'FAIL'}); "
              f"results page {scale['loaded_results_page_ms']:.2f} ms; RSS {scale['rss_mb']:.0f} MB "
              f"(target ≤ 1536 MB: {'PASS' if scale['rss_mb'] <= 1536 else 'FAIL'})")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
