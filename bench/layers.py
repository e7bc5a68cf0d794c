"""``python -m bench.layers [OPERATION] [N]``: where a request's time goes, layer by layer.

Every ASGI layer of the mock (connexion's, Starlette's error layer and ours) is found by walking
the built app, and its class's ``__call__`` is timed, in this process only. A layer's own time is
its time minus the time of the layers it called, so the column adds up to the request. In-process
wall time: a layer's figure includes the wrappers it puts around ``send``. The README's layer
table comes from it; ``bench.profile_request`` gives the cProfile view.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from mockserver import create_app

from .profile_request import OPERATIONS, loop, requests


def _chain(app: Any) -> Iterator[Any]:
    """The layers, outermost first: the middleware chain (``.app``), and the operations that
    connexion's routing and routed middlewares dispatch to."""
    node, seen = app.middleware.app, set()
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        yield node
        router = getattr(node, "router", None)
        if router is not None:
            yield router
        for route in getattr(router, "routes", ()):
            for child in getattr(route, "routes", ()) or (route,):  # a mounted API, or a route
                endpoint = getattr(child, "app", None)
                if endpoint is not None and hasattr(endpoint, "next_app"):
                    yield endpoint
        for listed in (getattr(node, "apis", None) or {}).values():
            for api in listed:
                yield from api.operations.values()
        node = getattr(node, "app", None)


@contextlib.contextmanager
def timed_layers(app: Any) -> Iterator[Counter[str]]:
    """Wrap each layer class's ``__call__`` while in the block (classes are shared by every app in
    the process, so they are put back after); the counter, keys outermost first, fills with each
    layer's own time, ns. Sequential requests only: the open calls are one stack."""
    own: Counter[str] = Counter()
    children: list[int] = []  # time spent in called layers, per open call

    def timed(name: str, inner: Any) -> Any:
        async def __call__(self: Any, scope: Any, receive: Any, send: Any) -> Any:
            children.append(0)
            start = time.perf_counter_ns()
            try:
                return await inner(self, scope, receive, send)
            finally:
                elapsed = time.perf_counter_ns() - start
                own[name] += elapsed - children.pop()
                if children:
                    children[-1] += elapsed

        return __call__

    patched = [cls for cls in dict.fromkeys(type(layer) for layer in _chain(app))
               if inspect.iscoroutinefunction(cls.__call__)]  # ASGI layers, not the bound methods in between
    saved = [(cls, cls.__dict__.get("__call__")) for cls in patched]
    for cls in patched:
        cls.__call__ = timed(cls.__name__, cls.__call__)
        own[cls.__name__] = 0
    try:
        yield own
    finally:
        for cls, original in saved:
            if original is None:
                del cls.__call__  # it was inherited
            else:
                cls.__call__ = original


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.layers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    parser.add_argument("operation", nargs="?", default="line_items", choices=OPERATIONS,
                        help="the request to repeat (default: line_items)")
    parser.add_argument("n", nargs="?", type=int, default=4000, help="requests to time (default: 4000)")
    args = parser.parse_args(argv)
    app = create_app()
    request = requests(app)[args.operation]

    asyncio.run(loop(app, request, 1))  # connexion builds its stack on the first request
    with timed_layers(app) as own:
        asyncio.run(loop(app, request, 200))  # warm up
        for name in own:
            own[name] = 0
        start = time.perf_counter_ns()
        asyncio.run(loop(app, request, args.n))
        total = (time.perf_counter_ns() - start) / args.n / 1000
    print(f"{args.operation}: {total:.1f} µs per request (in-process wall time, timers included); own time per layer:")
    for name, nanoseconds in own.items():
        print(f"  {name:34} {nanoseconds / args.n / 1000:7.1f} µs")
    print(f"  {'(outside the layers: the loop, the ASGI call)':34} {total - sum(own.values()) / args.n / 1000:7.1f} µs")


if __name__ == "__main__":
    main()
