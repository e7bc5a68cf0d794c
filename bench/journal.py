"""The request journal under oversized bodies: the mock's memory, and what a journal read costs others.

``python -m bench.journal [--bodies 20] [--mib 10] [--fill 0]`` starts the mock as users run it
(uvicorn, ``canvas-lti mock``), sends ``--bodies`` JSON and form bodies of ``--mib`` MiB each (one
long string, many small objects, a long form field, in turn), then ``--fill`` JSON bodies just
under the size kept whole (the most a read has to settle per entry), then reads the whole journal
while another client keeps fetching the JWKS, and prints one JSON object:

- ``rss_mb``: the server's resident memory before and after the bodies, and after the read;
- ``read_s`` and ``read_bytes``: how long the journal read took, and its size;
- ``jwks_ms``: JWKS latency idle, and while the read runs (median, p99, max): the stall a journal
  read causes to every other request.

Figures drift on a shared machine; compare the idle and during-read figures of one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from typing import Any

import httpx

from .servers import mock_command, serve

PORT = 18090
JWKS = "/api/lti/security/jwks"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def bodies(count: int, size: int) -> list[tuple[str, bytes]]:
    """``count`` request bodies of about ``size`` bytes, alternating the shapes that cost most."""
    long_string = json.dumps({"label": "x" * size, "scoreMaximum": 10}).encode()
    item = {"label": "s" * 40, "scoreMaximum": 10, "tag": "t"}
    many = json.dumps({"items": [item] * (size // len(json.dumps(item)))}).encode()
    form = b"grant_type=client_credentials&scope=" + b"y" * size
    shapes = [("application/json", long_string), ("application/json", many),
              ("application/x-www-form-urlencoded", form)]
    return [shapes[n % len(shapes)] for n in range(count)]


def latencies(client: httpx.Client, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        client.get(JWKS)
        out.append((time.perf_counter() - start) * 1000)


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 2),
            "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2), "max": round(ordered[-1], 2)}


def near_cap(count: int) -> list[bytes]:
    """JSON bodies just under ``MAX_BODY_TEXT``: many short strings, the costliest to redact."""
    from mockserver.journal import MAX_BODY_TEXT

    items = [f"note {n} with a.b.c and token_type=Bearer" for n in range(MAX_BODY_TEXT // 48)]
    return [json.dumps({"label": f"fill {n}", "scoreMaximum": 1, "notes": items}).encode() for n in range(count)]


def run(count: int, mib: float, fill: int = 0) -> dict[str, Any]:
    base_url = f"http://127.0.0.1:{PORT}"
    with serve("mock", mock_command(PORT), base_url) as server, httpx.Client(base_url=base_url, timeout=600) as client:
        pid = server.process.pid
        idle: list[float] = []
        for _ in range(200):
            start = time.perf_counter()
            client.get(JWKS)
            idle.append((time.perf_counter() - start) * 1000)
        before = rss_mb(pid)
        for content_type, body in bodies(count, int(mib * 1024 * 1024)):
            client.post("/api/lti/courses/101/line_items", content=body, headers={"Content-Type": content_type})
        after_bodies = rss_mb(pid)
        for body in near_cap(fill):
            client.post("/api/lti/courses/101/line_items", content=body, headers={"Content-Type": "application/json"})

        during: list[float] = []
        stop = threading.Event()
        with httpx.Client(base_url=base_url, timeout=600) as other:
            poller = threading.Thread(target=latencies, args=(other, stop, during))
            poller.start()
            time.sleep(0.2)
            start = time.perf_counter()
            read = client.get("/__mock__/requests")
            read_s = time.perf_counter() - start
            stop.set()
            poller.join()
        entries = read.json()["requests"]
        return {
            "bodies": count, "mib_each": mib, "fill": fill,
            "rss_mb": {"before": before, "after_bodies": after_bodies, "after_read": rss_mb(pid)},
            "read_s": round(read_s, 3), "read_bytes": len(read.content), "entries": len(entries),
            "largest_entry_bytes": max(len(json.dumps(e)) for e in entries),
            "jwks_ms": {"idle": summary(idle), "during_read": summary(during or [float("nan")])},
        }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.journal", description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=20)
    parser.add_argument("--mib", type=float, default=10.0)
    parser.add_argument("--fill", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(run(args.bodies, args.mib, args.fill), indent=2))


if __name__ == "__main__":
    main()
