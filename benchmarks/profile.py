"""Profile the benchmark cases (pyinstrument if installed, else cProfile) and print where the time goes.

python -m benchmarks.profile                     # every case
python -m benchmarks.profile baseline actors64   # some cases
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
from collections.abc import Callable
from unittest import mock

from benchmarks.actors import with_extra_actors


def _baseline_1000() -> None:
    import sim

    sim.DiplomacyModel("baseline", replications=1000, rng=1, steps=120).run()


def _replications(r: int, steps: int) -> Callable[[], None]:
    def case() -> None:
        import sim

        sim.DiplomacyModel("baseline", replications=r, rng=1, steps=steps, record=False).run()

    return case


def _actors(n: int, steps: int = 4) -> Callable[[], None]:
    spec = with_extra_actors(n)

    def case() -> None:
        import sim
        import sim.core.prepare
        from benchmarks.run import _without_calibration

        with mock.patch.object(sim.core.prepare, "anchors_for_each", _without_calibration):
            sim.DiplomacyModel(spec, replications=1000, rng=1, steps=steps, record=False).run()

    return case


def _calibration(n: int) -> Callable[[], None]:
    spec = with_extra_actors(n)

    def case() -> None:
        from sim.core.calibration import anchors_for, status_quo_moments

        status_quo_moments.cache_clear()
        anchors_for(spec)

    return case


CASES: dict[str, Callable[[], Callable[[], None]]] = {
    "baseline": lambda: _baseline_1000,
    "single": lambda: _replications(1, 120),
    "reps100k": lambda: _replications(100_000, 6),
    "actors16": lambda: _actors(16),
    "actors64": lambda: _actors(64),
    "calibration": lambda: _calibration(4),
    "calibration16": lambda: _calibration(16),
}


def profile(name: str, case: Callable[[], None], limit: int = 25) -> str:
    """Profile one case (after a warm-up call that fills the calibration cache and imports)."""
    import sim.core.model  # noqa: F401  (imports are not what we profile)

    if not name.startswith("calibration"):
        case()
    try:
        from pyinstrument import Profiler
    except ImportError:
        prof = cProfile.Profile()
        prof.enable()
        case()
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(limit)
        return out.getvalue()
    profiler = Profiler(interval=0.001)
    profiler.start()
    case()
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"any of: {', '.join(CASES)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    os.environ["DIPLOSIM_CACHE"] = "off"  # profile the calibration itself, not a read of the on-disk cache
    for name in args.cases or list(CASES):
        print(f"=== {name}")
        print(profile(name, CASES[name]()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
