"""Progress bars (tqdm), shown only to people watching, and without tqdm's monitor thread.

tqdm starts a monitor thread with its first bar, even a disabled one. Commands fork workers (figures, sweep
chunks) after their bars; a fork of a multi-threaded process can deadlock the child (Python 3.12 warns of it).
The monitor only shortens the refresh of bars whose updates stall, which these bars do not need.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def bar(iterable: Iterable[Any] | None = None, **options: Any) -> Any:
    """A tqdm bar over `iterable` (or one updated by hand); `options` are tqdm's (`disable=None`: only on a
    terminal)."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread (read by tqdm when it creates a bar)
    return tqdm(iterable, dynamic_ncols=True, **options)
