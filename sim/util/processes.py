"""Worker processes die with the command that started them, even when it is killed with `kill -9`."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_SECONDS = 0.5


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
