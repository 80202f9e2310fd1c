"""`diplosim cache`: show or clear the calibration cache."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.args import help_text, plural


def add_parsers(sub: Any) -> None:
    """Register `cache`."""
    _add_cache(sub)


def _add_cache(sub: Any) -> None:
    p = sub.add_parser(
        "cache",
        **help_text("""
            Show or clear the calibration cache: each world's calibrated baselines, computed once and reused.

            The folder is $DIPLOSIM_CACHE_DIR if set, else the user cache folder (~/.cache/diplosim on Linux).
            Entries are keyed by the world and by the code, so a stale entry is never used; DIPLOSIM_CACHE=off
            turns the cache off.

            examples:
              diplosim cache             # where it is, its entries and their size
              diplosim cache --clear     # delete them (they are recomputed when needed)
        """),
    )
    p.add_argument("--clear", action="store_true", help="delete every entry")
    p.set_defaults(handler=_cache)


def _cache(args: argparse.Namespace) -> int:
    from sim.util import diskcache

    if args.clear:
        print(f"Removed {plural(diskcache.clear(), 'entry', 'entries')} from {diskcache.cache_dir()}")
        return 0
    found = diskcache.entries()
    size = sum(p.stat().st_size for p in found) / 1e6
    state = "" if diskcache.enabled() else " (off: DIPLOSIM_CACHE is set to turn it off)"
    print(f"{diskcache.cache_dir()}: {plural(len(found), 'entry', 'entries')}, {size:.1f} MB{state}")
    return 0
