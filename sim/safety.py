"""Faults: termination, crash reports, workers that die with their parent, memory and disk checks.

What the command line promises when something other than the input goes wrong: SIGTERM unwinds like Ctrl-C (so
unfinished output is removed) but reports 143; an unexpected exception becomes one line naming a saved report;
worker processes never outlive the command; a design too big for memory is refused before it starts. Only the
standard library is imported here.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_SECONDS = 0.5


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwound like Ctrl-C so that unfinished output is removed (exit 143 instead of 130)."""


_stop: list[type[KeyboardInterrupt]] = []  # signals received, in case their exception was swallowed


def raise_terminated(signum: int, frame: Any) -> NoReturn:
    """A SIGTERM handler: raise Terminated in the main thread (and remember it: see `check_stop`)."""
    _stop.append(Terminated)
    raise Terminated


def raise_interrupted(signum: int, frame: Any) -> NoReturn:
    """A SIGINT handler: raise KeyboardInterrupt in the main thread (and remember it: see `check_stop`)."""
    _stop.append(KeyboardInterrupt)
    raise KeyboardInterrupt


def clear_stop() -> None:
    """Forget the signals received (a command starts, or has finished handling them)."""
    _stop.clear()


def check_stop() -> None:
    """Raise again a Ctrl-C or SIGTERM whose exception was lost.

    A signal's exception is raised wherever the main thread is; inside a finalizer or a weakref callback run by
    the garbage collector, Python only prints it and carries on. Commit points (renaming a finished folder into
    place) call this, so an interrupted command never publishes its result.
    """
    if _stop:
        raise _stop[-1]


def quiet_unraisable(info: Any) -> None:
    """`sys.unraisablehook` for commands: a Ctrl-C or SIGTERM raised inside a finalizer is not printed.

    Python prints such an exception as "Exception ignored in ..." with a traceback, and carries on; the signal
    is remembered here, and `check_stop` raises it again at the next step or commit point, so the command still
    stops with its one line. Anything else is reported as Python would.
    """
    if isinstance(info.exc_value, KeyboardInterrupt) and _stop:
        return
    sys.__unraisablehook__(info)


# ---------------------------------------------------------------------------------------------------------------
# Crash reports


def crash_report(exc: BaseException, argv: Sequence[str]) -> Path | None:
    """Save the full traceback of an unexpected error to a file in the temporary folder; its path, or None if
    even that cannot be written (then the caller says so)."""
    from sim import __version__

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"diplosim-crash-{stamp}-{os.getpid()}.log"
    text = (
        f"diplosim {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n"
        f"command: {' '.join(argv)}\ncwd: {os.getcwd()}\n\n" + "".join(traceback.format_exception(exc))
    )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return path


def describe(exc: BaseException) -> str:
    """A short description of an exception for one line: its type and first line of message."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


# ---------------------------------------------------------------------------------------------------------------
# Worker processes die with the command


def die_with(parent: int) -> None:
    """Make this (worker) process end when process `parent` (the command) ends, even by `kill -9`.

    Two guards: on Linux the kernel sends SIGKILL when this process's own parent exits (prctl PR_SET_PDEATHSIG;
    with the forkserver start method that parent is the fork server); and a daemon thread checks twice a second
    that `parent` still runs (it may be the grandparent, which no kernel signal reports) and exits if not.
    """
    _set_parent_death_signal(signal.SIGKILL)
    if not alive(parent):  # it died before the guard was set
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="diplosim-parent-watch", daemon=True).start()


def _set_parent_death_signal(sig: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):  # no libc or no prctl: the watch thread still guards
        pass


def _watch(parent: int) -> None:
    while alive(parent):
        threading.Event().wait(WATCH_SECONDS)
    os._exit(1)


def alive(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie, killed but not yet reaped, counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rpartition(b")")[2].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


# ---------------------------------------------------------------------------------------------------------------
# Memory and disk


def available_memory() -> int | None:
    """Bytes of memory available to start new work (Linux MemAvailable; else physical memory), or None."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def size_text(nbytes: float) -> str:
    """Bytes for people: 512 B, 3.4 MB, 12 GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if nbytes >= scale:
            return f"{nbytes / scale:.2g} {unit}" if nbytes < 10 * scale else f"{nbytes / scale:,.0f} {unit}"
    return f"{int(nbytes)} B"


def folder_size(folder: Path) -> int:
    """Bytes of the files under `folder` (0 if it is gone)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total
