"""The figures of a result folder, drawn from its tables: the jobs that draw them (for helper processes) and
`diplosim plot`, which redraws them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure

from sim.figures import compare, run
from sim.figures.style import STYLE, calendar_start, save
from sim.outputs.read import read_comparison, run_tables
from sim.runs.stats import final_window
from sim.util import parallel
from sim.util.errors import ConfigError


def _job(path: Path, chart: Callable[..., Figure], *args: Any, **kwargs: Any) -> Callable[[], Path]:
    """A job that draws one figure in the house style and saves it to `path`."""

    def draw() -> Path:
        with mpl.rc_context(STYLE):
            return save(chart(*args, **kwargs), path)

    return draw


def _plots_dir(folder: Path, out: str | Path | None) -> Path:
    """Where the figures go: `out` if given, else folder/plots/."""
    target = Path(out) if out else folder / "plots"
    target.mkdir(parents=True, exist_ok=True)
    return target


def run_figures(
    folder: str | Path,
    meta: Mapping[str, Any],
    fmt: str = "png",
    network_steps: Sequence[int] | None = None,
    out: str | Path | None = None,
) -> list[Callable[[], Path]]:
    """Jobs drawing a run's figures into folder/plots/ (or `out`) from its tables, longest first (sim.util.parallel).

    `meta` is the run's manifest (scenario, replications, actors). The tables and months are checked here. The
    alignment figure is drawn only for worlds with Pakistan, the US and China (whose alignment it shows).
    """
    folder = Path(folder)
    t = run_tables(folder, meta)
    summary = t["summary.csv"]
    last = int(summary["step"].max())
    steps = list(network_steps) if network_steps else run.default_network_steps(last)
    bad = [s for s in steps if not 0 <= s <= last]
    if bad:
        raise ConfigError(f"month {bad[0]} is outside this run (0 to {last})", key="--network-steps")
    common = {"scenario": meta["scenario"], "replications": meta["replications"]}
    names = meta.get("actors", {})
    target = _plots_dir(folder, out)
    jobs = [
        _job(target / f"trust_fan.{fmt}", run.fan_chart, summary, names=names, **common),
        _job(target / f"activity.{fmt}", run.activity_chart, t["moves.csv"], t["events.csv"], names=names, **common),
        _job(target / f"trust_network.{fmt}", run.network_chart, summary, steps, names=names, **common),
    ]
    if "alignment.csv" in t:
        jobs.append(_job(target / f"alignment.{fmt}", run.alignment_chart, t["alignment.csv"], **common))
    return jobs


def comparison_figures(
    folder: str | Path, meta: Mapping[str, Any], fmt: str = "png", out: str | Path | None = None
) -> list[Callable[[], Path]]:
    """Jobs drawing a comparison's figures into folder/plots/ (or `out`) from comparison.csv and
    comparison_steps.csv."""
    folder = Path(folder)
    t = read_comparison(folder, meta)
    over_time = t["comparison_steps.csv"]
    window = final_window(int(over_time["step"].max()))
    start = calendar_start(over_time)
    common = {"names": meta.get("actors", {}), "replications": meta["replications"]}
    target = _plots_dir(folder, out)
    return [
        _job(target / f"compare_trust.{fmt}", compare.compare_chart, over_time, **common),
        _job(target / f"compare_difference.{fmt}", compare.difference_chart, over_time, **common),
        _job(
            target / f"compare_final.{fmt}",
            compare.effects_chart,
            t["comparison.csv"],
            window=window,
            replications=common["replications"],
            start=start,
        ),
    ]


def plot_run(
    folder: str | Path,
    meta: Mapping[str, Any],
    fmt: str = "png",
    network_steps: Sequence[int] | None = None,
    out: str | Path | None = None,
) -> list[Path]:
    """Draw a run's figures into folder/plots/ (or `out`), several at once where there are CPUs to spare."""
    return parallel.run_all(run_figures(folder, meta, fmt, network_steps, out))


def plot_comparison(
    folder: str | Path, meta: Mapping[str, Any], fmt: str = "png", out: str | Path | None = None
) -> list[Path]:
    """Draw a comparison's figures into folder/plots/ (or `out`), several at once where there are CPUs to spare."""
    return parallel.run_all(comparison_figures(folder, meta, fmt, out))
