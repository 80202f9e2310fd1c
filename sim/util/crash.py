"""Crash reports: an unexpected exception becomes one line naming a saved report, never a traceback."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sim.util.version import __version__


def crash_report(exc: BaseException, argv: Sequence[str]) -> Path | None:
    """Save the full traceback of an unexpected error to a file in the temporary folder; its path, or None if
    even that cannot be written (then the caller says so)."""
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


def exception_line(exc: BaseException) -> str:
    """A short description of an exception for one line: its type and first line of message."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
