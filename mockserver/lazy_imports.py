"""Import a library without the parts of it that a server never runs.

connexion imports, when it is imported, Starlette's test client (and with it httpx's command-line
client: rich, pygments), its Flask framework (flask, werkzeug's routing), werkzeug's development
server and requests, none of which the mock uses to serve; together they are most of its start-up.
Two tools put that work off until something actually uses it, without changing what it does:

- :func:`lazy_package`: the package's module object is created but its ``__init__`` runs only when an
  attribute it would define is first read. Submodules the library imports meanwhile import as usual
  (``from package import submodule`` too); anyone else's submodule import runs the ``__init__`` first. The module in
  ``sys.modules`` is the real one throughout, so later imports and reads see the real package.
- :class:`Deferred`: a name that ``from module import name`` binds while ``module`` is stood in for
  (:func:`standing_in`); it imports the real module the first time it is called, subclassed, checked
  with ``isinstance`` or read, and behaves as what it stands for.

Which of connexion's modules get this treatment is connexion's business, so the list lives in the
adapter (``connexion_adapter.py``); this module knows nothing about connexion. A third tool is for
our own modules:

- :class:`LazyModule`: for our own modules' imports of a library that only some requests use
  (PyJWT, and through it cryptography: tokens, keys, launches). Bound to the name a module would
  import, it imports the library when a name of it is first read. Nothing is put in ``sys.modules``
  meanwhile, so the process's other imports of the library are untouched.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

_init_lock = threading.RLock()


def lazy_package(name: str, deferred: Mapping[str, str] | None = None, *, libraries: Iterable[str] = ()) -> None:
    """Put ``name`` in ``sys.modules`` uninitialised, to run its ``__init__`` on first attribute read.

    ``deferred`` maps names its ``__init__`` would import from a submodule to that submodule: they are
    :class:`Deferred` until the ``__init__`` runs, so ``from package import Name`` does not run it.
    A submodule imported by the package itself or by one of ``libraries`` (packages or modules: the
    libraries whose imports are being put off, and whoever imports them so) leaves the ``__init__`` for later; imported by anyone else (a vendor's
    ``from requests.adapters import HTTPAdapter``), the ``__init__`` runs first, as without this module:
    packages set things up there (requests silences urllib3's DependencyWarning).
    Does nothing when the package is imported already, or is not installed."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    module = importlib.util.module_from_spec(spec)
    search_path = module.__dict__.pop("__path__")  # read through __getattr__: a submodule import asks for it
    quiet = (name, *libraries)
    for attribute, submodule in (deferred or {}).items():
        setattr(module, attribute, Deferred(submodule, attribute))

    def run_init() -> None:
        with _init_lock:
            if module.__dict__.get("__getattr__") is initialise:  # first reader: run the real __init__
                del module.__getattr__
                module.__path__ = search_path
                spec.loader.exec_module(module)  # type: ignore[union-attr]

    def initialise(attribute: str) -> Any:
        if attribute == "__path__":
            importer = _importer()
            if not any(importer == library or importer.startswith(f"{library}.") for library in quiet):
                run_init()
            return search_path
        if importlib.machinery.PathFinder.find_spec(f"{name}.{attribute}", search_path) is not None:
            return importlib.import_module(f"{name}.{attribute}")  # ``from package import submodule``
        run_init()
        try:
            return module.__dict__[attribute]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attribute!r}") from None

    module.__getattr__ = initialise  # type: ignore[attr-defined]
    sys.modules[name] = module


def _importer() -> str:
    """The module whose code is importing: the first caller outside the import machinery and this module."""
    frame: types.FrameType | None = sys._getframe(1)
    while frame is not None:
        caller = frame.f_globals.get("__name__", "")
        if caller != __name__ and not caller.startswith(("importlib", "_frozen_importlib")):
            return caller
        frame = frame.f_back
    return ""


class Deferred:
    """Stands for ``module.name`` until first used, then forwards everything to it."""

    def __init__(self, module: str, name: str) -> None:
        self._where = (module, name)

    def _target(self) -> Any:
        module, name = self._where
        return getattr(importlib.import_module(module), name)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._target(), attribute)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[Any, ...]:  # class X(deferred): subclass the real one
        return (self._target(),)

    def __instancecheck__(self, instance: Any) -> bool:
        return isinstance(instance, self._target())

    def __subclasscheck__(self, subclass: Any) -> bool:
        return issubclass(subclass, self._target())

    def __repr__(self) -> str:
        return f"<deferred {'.'.join(self._where)}>"


class LazyModule:
    """Stands for module ``name``, imported the first time one of its names is read; each name
    read is then kept here, so later reads are plain attribute lookups."""

    def __init__(self, name: str) -> None:
        self.__name = name

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # copy, pickle and inspect probing: not the module's names
            raise AttributeError(attribute)
        module = importlib.import_module(self.__name)
        try:
            value = getattr(module, attribute)
        except AttributeError:  # a submodule the package's __init__ does not import
            if importlib.util.find_spec(f"{self.__name}.{attribute}") is None:
                raise
            value = importlib.import_module(f"{self.__name}.{attribute}")
        setattr(self, attribute, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__name!r}>"


@contextlib.contextmanager
def standing_in(modules: Mapping[str, Iterable[str]]) -> Iterator[None]:
    """While the block runs, ``import module`` gives a stand-in whose names are :class:`Deferred`;
    afterwards the stand-ins are gone and the next import of the module is the real one."""
    placed: dict[str, types.ModuleType] = {}
    for name, attributes in modules.items():
        if name in sys.modules:
            continue
        stand_in = types.ModuleType(name, f"Stands in for {name} while a library is imported (mockserver.lazy_imports).")
        for attribute in attributes:
            setattr(stand_in, attribute, Deferred(name, attribute))
        sys.modules[name] = placed[name] = stand_in
    try:
        yield
    finally:
        for name, stand_in in placed.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
