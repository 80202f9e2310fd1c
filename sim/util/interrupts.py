"""Ctrl-C and SIGTERM: one way to stop a command, even when the signal arrives inside a finalizer.

SIGTERM unwinds like Ctrl-C (so unfinished output is removed) but reports 143 instead of 130. A signal whose
exception a finalizer swallowed is remembered and raised again at the next step or commit point.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn


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
