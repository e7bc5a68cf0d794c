"""Drive a server with wrk (fixed connections and duration) and parse what it prints."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: str = ""


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    #: The server process's CPU time (user + system) per request served, µs; None off Linux.
    server_cpu_us: float | None = None


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _lua(request: Request) -> str:
    lines = [f"wrk.method = {json.dumps(request.method)}", f"wrk.body = {json.dumps(request.body)}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in request.headers.items()]
    return "\n".join(lines) + "\n"


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"cannot parse wrk latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process, from ``/proc`` (None where there is none). With one
    event loop serving every connection, latency at a fixed connection count follows from it."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(base_url: str, request: Request, *, connections: int = 16, threads: int = 2, seconds: int = 5,
            server_pid: int | None = None) -> LoadResult:
    cpu_before = process_cpu_seconds(server_pid) if server_pid else None
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(_lua(request))
        script.flush()
        out = subprocess.run(
            ["wrk", f"-c{connections}", f"-t{threads}", f"-d{seconds}s", "--latency", "-s", script.name,
             base_url + request.path],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        ).stdout
    cpu_after = process_cpu_seconds(server_pid) if server_pid else None
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    served = rps * seconds
    cpu_us = (cpu_after - cpu_before) / served * 1e6 if cpu_before is not None and cpu_after is not None and served else None
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return LoadResult(rps, p50, p99, int(non_2xx.group(1)) if non_2xx else 0,
                      sum(int(g) for g in errors.groups()) if errors else 0, cpu_us)
