"""A sweep's results as a Python object: its tables, a printout, figures, and rich display in notebooks.

`SweepResult` is what `sim.sweep.run` returns and what `sim.sweep.read(folder)` loads back from a sweep folder.
In a terminal its repr is one line; in Jupyter it shows as a compact table (per outcome, the points with the
lowest and highest median), not the whole per-point table.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.outputs.read import read_sweep
from sim.runs import printout
from sim.scenario import labels
from sim.sweep.spec import Sweep, load_sweep
from sim.util.errors import ConfigError


@dataclass(repr=False)
class SweepResult:
    """What a sweep produced: the per-point table, sensitivity indices (Sobol/Morris), failed points, and where
    the files are (None when run without an output folder)."""

    sweep: Sweep
    table: pd.DataFrame
    sensitivity: pd.DataFrame | None
    failures: pd.DataFrame
    out: Path | None
    executor: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.failures.empty

    def _info(self) -> Any:
        from sim.sweep.figures import SweepInfo

        return SweepInfo.of(self.sweep)

    def summary(self) -> pd.DataFrame:
        """Per outcome: the lowest and the highest median over the points (median [90% band]), each with its
        point's values."""
        rows = []
        ok = self.table.dropna()
        for name in self.sweep.outcomes:
            if ok.empty:
                break
            row: dict[str, Any] = {"outcome": name}
            for end, idx in (("lowest", ok[f"{name}_p50"].idxmin()), ("highest", ok[f"{name}_p50"].idxmax())):
                point = ok.loc[idx]
                row[end] = printout.band_text(point[f"{name}_p50"], point[f"{name}_p05"], point[f"{name}_p95"])
                row[f"{end} at"] = ", ".join(f"{labels.short(p)}={point[p]:.3g}" for p in self.sweep.parameters)
            rows.append(row)
        return pd.DataFrame(rows)

    def text(self) -> str:
        """The printout of `diplosim sweep`: per outcome the lowest and highest median; the top parameters."""
        info = self._info()
        return printout.sweep_text(
            self.summary(),
            labels={p: labels.short(p) for p in self.sweep.parameters},
            window=info.window,
            replications=self.sweep.replications,
            sensitivity=self.sensitivity,
            design=self.sweep.config.design,
        )

    def plot(self, kind: str = "sweep") -> Any:
        """A figure of the sweep by name: "sweep" (outcomes against the parameters) or "sensitivity"."""
        from sim.sweep import figures

        drawn = figures.figures(self.table, self.sensitivity, self._info())
        if kind not in drawn:
            raise ValueError(f"no {kind!r} figure for this sweep; available: {', '.join(drawn) or 'none'}")
        return drawn[kind]

    def _headline(self) -> str:
        s = self.sweep
        failed = f", {len(self.failures)} failed" if not self.ok else ""
        return (
            f"{s.name}: {s.config.design} over {', '.join(map(labels.short, s.parameters))}; {len(s.points)} points x"
            f" {s.replications} replications{failed} (base scenario {s.scenario.name})"
        )

    def __repr__(self) -> str:
        where = f", out={str(self.out)!r}" if self.out else ""
        return f"<SweepResult {self._headline()}{where}>"

    def _repr_html_(self) -> str:
        head = f"<p><b>SweepResult</b> {html.escape(self._headline())}</p>"
        return head + self.summary().to_html(index=False, border=0)


def read(folder: str | Path) -> SweepResult:
    """Load a sweep folder written by `diplosim sweep` or `sim.sweep.run(..., out=...)`; its tables are checked
    against its manifest (sim.outputs.read), and the manifest against its sweep.toml."""
    folder = Path(folder)
    if not (folder / "sweep.csv").is_file() or not (folder / "sweep.toml").is_file():
        raise ConfigError("not a sweep folder (no sweep.csv and sweep.toml)", file=folder)
    meta, table, sensitivity, failures = read_sweep(folder)
    sweep = load_sweep(folder / "sweep.toml")
    recorded = {"parameters": meta["parameters"], "outcomes": meta["outcomes"], "points": meta["points"]}
    for key, value in recorded.items():
        theirs = len(sweep.points) if key == "points" else list(getattr(sweep, key))
        if value != theirs:
            raise ConfigError(
                f"does not match the folder's manifest.json ({key}: {theirs} here, {value} there)",
                file=folder / "sweep.toml",
                hint="the folder looks damaged; run the command in its manifest.json again",
            )
    elapsed = meta.get("elapsed_seconds", 0.0)
    return SweepResult(
        sweep=sweep,
        table=table,
        sensitivity=sensitivity,
        failures=failures,
        out=folder,
        executor=str(meta.get("executor", "")),
        seconds=float(elapsed) if isinstance(elapsed, int | float) else 0.0,
    )
