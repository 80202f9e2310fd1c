"""numba for this package: compiled code cached on disk, found again by every later process, announced once.

Import numba through this module (`from sim.jit import njit`), never directly: it decides where the compiled code
is cached before numba is imported. numba keeps it in `__pycache__` beside the sources; where the install is
read-only, in `<diplosim cache folder>/numba` (sim.diskcache.cache_dir), unless `NUMBA_CACHE_DIR` is set.

Only the commands that simulate import this module: `diplosim --help`, `list`, `show` and `validate` never load
numba. The first command after installing (or after the engine's code changed) compiles the engine, which takes
a while; `announce_compiling` says so once, on standard error.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
#: The modules whose compiled functions are cached; a change to any of them means compiling again.
COMPILED = ("kmath.py", "kernel.py")


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def cache_root() -> Path:
    """Where numba writes the compiled code of this package (set up before numba is imported)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    return PACKAGE / "__pycache__"


if not os.environ.get("NUMBA_CACHE_DIR") and not _writable(PACKAGE / "__pycache__"):
    from sim.diskcache import cache_dir

    os.environ["NUMBA_CACHE_DIR"] = str(cache_dir() / "numba")

import numba  # noqa: E402  (after the cache folder is chosen)

#: Every compiled function: cached, no fast-math (no reassociation, no fused multiply-add: the same bits on any
#: CPU), releasing the GIL so that threads run replications side by side (sim.kernel.threads).
OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "fastmath": False, "error_model": "numpy"}


def njit(function: Callable[..., Any]) -> Any:
    """numba.njit with this package's options."""
    return numba.njit(**OPTIONS)(function)


def _stamp() -> Path:
    digest = hashlib.sha256(numba.__version__.encode())
    for name in COMPILED:
        digest.update((PACKAGE / name).read_bytes())
    return cache_root() / f"diplosim-compiled-{digest.hexdigest()[:16]}"


_announced = False


def announce_compiling() -> None:
    """Say once, on standard error, that the engine is being compiled, when no process has compiled this code into
    this cache folder yet (a stamp file records that it was). Call before the first compiled call."""
    global _announced
    if _announced:
        return
    _announced = True
    stamp = _stamp()
    if stamp.exists():
        return
    print("diplosim: compiling the engine (once after installing; about a minute)...", file=sys.stderr, flush=True)
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    except OSError:  # a read-only cache folder: numba then compiles in memory, every time
        pass
