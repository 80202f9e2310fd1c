"""An on-disk cache for costly pure computations (the calibration), shared by every process of one user.

Each entry is one `.npz` file named by a SHA-256 of everything the result depends on: the computation's name,
its arguments (as canonical JSON), and a fingerprint of the code (the package version, the source of every
module of `sim`, and the numpy and Python versions), so editing the model or upgrading numpy never reuses a stale
entry. Entries are written to a temporary file in the same folder and renamed into place, so concurrent writers
of one entry are safe (each rename is atomic; they wrote the same numbers) and readers see a whole file or none.
An entry that cannot be read (truncated, corrupted, wrong shape) is ignored, recomputed and replaced; a cache
that cannot be written is skipped, never an error.

Where: `$DIPLOSIM_CACHE_DIR` if set, else the platform's user cache folder (`$XDG_CACHE_HOME/diplosim` or
`~/.cache/diplosim` on Linux, `~/Library/Caches/diplosim` on macOS, `%LOCALAPPDATA%\\diplosim\\Cache` on
Windows). `DIPLOSIM_CACHE=off` turns it off; `diplosim cache --clear` (or `clear()`) empties it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sim.util.version import __version__

SUFFIX = ".npz"
_OFF = {"0", "off", "no", "false"}


def cache_dir() -> Path:
    """The folder entries live in (not created here)."""
    if os.environ.get("DIPLOSIM_CACHE_DIR"):
        return Path(os.environ["DIPLOSIM_CACHE_DIR"]).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "diplosim" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "diplosim"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "diplosim"


def enabled() -> bool:
    """False when `DIPLOSIM_CACHE` is 0, off, no or false."""
    return os.environ.get("DIPLOSIM_CACHE", "on").strip().lower() not in _OFF


@functools.cache
def fingerprint() -> str:
    """A hash of the code a cached result may depend on: every module of `sim`, and the library versions."""
    digest = hashlib.sha256(f"{__version__} {np.__version__} {platform.python_version()}".encode())
    package = Path(__file__).resolve().parents[1]  # sim/, this module being sim/util/diskcache.py
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def entry(name: str, arguments: Any) -> Path:
    """The file of computation `name` on `arguments` (anything JSON can encode) under the current code."""
    text = json.dumps([name, arguments, fingerprint()], sort_keys=True, separators=(",", ":"))
    return cache_dir() / f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:32]}{SUFFIX}"


def load(path: Path, count: int) -> tuple[np.ndarray, ...] | None:
    """The `count` arrays stored at `path`, or None if it is missing or unreadable (then it is recomputed)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = tuple(data[f"arr_{i}"] for i in range(count))
            if len(data.files) != count:
                return None
        return arrays
    except Exception:  # missing, truncated, not a zip, wrong members: any of these means "compute it again"
        return None


def store(path: Path, arrays: tuple[np.ndarray, ...]) -> None:
    """Write `arrays` to `path` atomically (temporary file, then rename); do nothing if that is impossible."""
    buffer = io.BytesIO()
    np.savez(buffer, *arrays)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:  # read-only or missing home: run without the cache
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(buffer.getbuffer())
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached(name: str, count: int) -> Callable[[Callable[..., tuple[np.ndarray, ...]]], Callable[..., Any]]:
    """Cache a pure function of JSON-encodable positional arguments that returns `count` arrays."""

    def decorate(compute: Callable[..., tuple[np.ndarray, ...]]) -> Callable[..., tuple[np.ndarray, ...]]:
        @functools.wraps(compute)
        def wrapper(*args: Any) -> tuple[np.ndarray, ...]:
            if not enabled():
                return compute(*args)
            path = entry(name, list(args))
            found = load(path, count)
            if found is not None:
                return found
            result = tuple(compute(*args))
            store(path, result)
            return result

        return wrapper

    return decorate


def entries() -> list[Path]:
    """The cache's entry files."""
    folder = cache_dir()
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


def clear() -> int:
    """Delete every entry (and leftover temporary files); return how many entries were removed."""
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        if path.suffix == SUFFIX or path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)
            removed += path.suffix == SUFFIX
    return removed
