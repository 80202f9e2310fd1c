"""The evidence behind the model's numbers: docs/MODEL.md's tables of sections 10 and 11, made from the committed fit.

The functions here are groups of `python -m benchmarks.docs` (their blocks sit between its markers in
docs/MODEL.md):

    python -m benchmarks.docs fit lodo      # the posterior and its scores, the leave-one-out scores (cheap)
    python -m benchmarks.docs posterior-effects   # the essay's effects over the posterior (runs; minutes)

The fits themselves are made by

    python -m benchmarks.examples default_fit      # scenarios/fits/default/ (the command: scenarios/fits/default.toml)
    python -m benchmarks.evidence --make-lodo      # scenarios/fits/lodo/: each history left out in turn (slow)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIT = ROOT / "scenarios" / "fits" / "default"
LODO = ROOT / "scenarios" / "fits" / "lodo"
HISTORIES = ("india_pakistan", "us_china", "us_india", "us_pakistan")
OBSERVED = ROOT / "scenarios" / "history" / "observed.csv"
RUNS = ("run", "no_moves", "train_mean", "persistence")
LABELS = {"run": "posterior", "no_moves": "no moves", "train_mean": "train mean", "persistence": "persistence"}

# The essay's directions (docs/MODEL.md section 11, tests/integration/test_face_validity.py): scenario -> the dyads
# whose ten-year effect against the baseline the essay signs, and the sign.
DIRECTIONS: dict[str, list[tuple[str, str, int, str]]] = {
    "dialogue": [("PAK", "USA", 1, "P8.S3"), ("USA", "PAK", 1, "P8.S5")],
    "one_sided_dialogue": [("USA", "PAK", 1, "P8.S4")],
    "us_pressure": [("PAK", "USA", -1, "P4.S3")],
    "china_balancing": [("USA", "PAK", -1, "P3.S1"), ("IND", "PAK", -1, "P3.S2"), ("PAK", "CHN", 1, "P3.S1")],
    "us_india_tilt": [("PAK", "USA", -1, "P5.S2")],
    "imf_support": [("PAK", "USA", 1, "P6.S1")],
    "ct_cooperation": [("PAK", "USA", 1, "P7.S1")],
}
EFFECTS = {"replications": 300, "seed": 7}


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def _prose(text: str) -> str:
    return textwrap.fill(text, 115, break_on_hyphens=False)


def _made_by(group: str, source: str) -> str:
    return _prose(f"*Made by `python -m benchmarks.docs {group}` from {source}.*")


def _num(value: Any, fmt: str = ".3f") -> str:
    import math

    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, fmt)


def _dyad(observer: str, target: str) -> str:
    return f"{observer}→{target}"


def _manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text())


def _cells(metrics: Any, keys: dict[str, Any], column: str) -> dict[str, float]:
    """Each run's value of `column` in the rows matching `keys`."""
    rows = metrics
    for key, value in keys.items():
        rows = rows[rows[key] == value]
    return dict(zip(rows["run"], rows[column], strict=True))


# ---------------------------------------------------------------------------------------------------------------
# Cheap groups: from the committed fit folders


def _parameters() -> str:
    """The posterior of each fitted parameter beside its prior range and the schema's default."""
    import pandas as pd

    import sim

    table = pd.read_csv(FIT / "parameters.csv")
    defaults = sim.Scenario.model_fields["parameters"].default
    rows = [
        [
            f"`{r.parameter.removeprefix('parameters.')}`",
            f"{r.prior_low:g} – {r.prior_high:g}",
            f"{getattr(defaults, r.parameter.removeprefix('parameters.')):g}",
            f"{r.mean:.3g}",
            f"{r.sd:.2g}",
            f"{r.p05:.3g} – {r.p95:.3g}",
        ]
        for r in table.itertuples()
    ]
    m = _manifest(FIT)
    s = m["settings"]
    last = m["generations"][-1]
    text = _table(["parameter", "prior (uniform)", "default", "posterior mean", "sd", "90% interval"], rows)
    how = (
        f"ABC-SMC over {len(m['scenarios'])} histories: {len(m['generations'])} populations of {s['particles']} "
        f"particles, {m['evaluations']} candidates simulated, each {s['replications']} times on common random "
        f"numbers; final tolerance (mean over series of the training RMSE) {last['epsilon']:.4f}, effective sample "
        f"size {m['posterior_ess']:.0f}; stopped after {m['stopped']}."
    )
    return f"{text}\n\n{_prose(how)}\n\n{_made_by('fit', '`scenarios/fits/default/`')}"


def _scores_table(metrics: Any, window: str) -> str:
    rows = []
    keys = ["history", "series"]
    for (history, series), part in metrics[metrics["window"] == window].groupby(keys, sort=False):
        rmse = _cells(part, {}, "rmse")
        crps = _cells(part, {}, "crps")
        first = part.iloc[0]
        rows.append(
            [
                history,
                f"{series} ({_dyad(first['observer'], first['target'])})",
                str(int(first["n"])),
                _num(first["poll_se"]),
                *(f"{_num(rmse.get(r))} / {_num(crps.get(r))}" for r in RUNS),
                _num(_cells(part, {}, "coverage90").get("run"), ".2f"),
            ]
        )
    headers = ["history", "series", "n", "poll SE", *(f"{LABELS[r]} RMSE / CRPS" for r in RUNS), "in 90% band"]
    return _table(headers, rows)


def fit() -> dict[str, str]:
    """The default fit: its posterior beside the priors, and its runs against the polls beside the baselines."""
    return {"fit-parameters": _parameters(), "fit-scores": _scores()}


def _beaten(metrics: Any, window: str) -> str:
    """'the no-moves run in 8 of 9 series, the training mean in 5 of 9, ...' by CRPS, in `window`."""
    rows = metrics[metrics["window"] == window]
    parts = []
    for ref in RUNS[1:]:
        wins = total = 0
        for _, part in rows.groupby(["history", "series"], sort=False):
            crps = _cells(part, {}, "crps")
            if ref in crps and crps[ref] == crps[ref] and crps.get("run") == crps.get("run"):
                total += 1
                wins += crps["run"] < crps[ref]
        names = {"no_moves": "the no-moves run", "train_mean": "the training mean", "persistence": "persistence"}
        parts.append(f"{names[ref]} in {wins} of {total}")
    return ", ".join(parts)


def _scores() -> str:
    """The default fit's posterior runs against the polls beside the three baselines, per window."""
    import pandas as pd

    from sim.fit.score import verdict

    metrics = pd.read_csv(FIT / "metrics.csv")
    m = _manifest(FIT)
    split = m["settings"]["split"]
    test = metrics[(metrics["window"] == "test") & (metrics["run"] == "run")]
    coverage = test["coverage90"].mean()
    points = pd.read_csv(FIT / "points.csv")
    held = points[(points["window"] == "test") & (points["run"] == "run")]
    inside = ((held["value"] >= held["p05"]) & (held["value"] <= held["p95"])).mean()
    text = (
        f"**Training years (up to {split})**\n\n{_scores_table(metrics, 'train')}\n\n"
        f"**Held-out years (from {split + 1})**\n\n{_scores_table(metrics, 'test')}\n\n"
        + _prose(
            f"By CRPS the posterior runs beat {_beaten(metrics, 'train')} series on the training years (in sample "
            f"for the training mean and persistence), and {_beaten(metrics, 'test')} on the held-out years. "
            f"{verdict(metrics).replace('verdict: ', 'Verdict: ')}. The posterior's 90% band holds {inside:.0%} of the "
            f"{len(held)} held-out polls (mean over series {coverage:.0%}). Posterior runs: "
            f"{m['settings']['predictive']} per history, one parameter draw each."
        )
        + "\n\n"
        + _made_by("fit", "`scenarios/fits/default/metrics.csv` and `points.csv`")
    )
    return text


def lodo() -> dict[str, str]:
    """Leave one history out: fitted on the other three, the left-out history scored on all its years."""
    import pandas as pd

    path = LODO / "scores.csv"
    metrics = pd.read_csv(path)
    rows = []
    for (left, series, window), part in metrics.groupby(["left_out", "series", "window"], sort=False):
        crps = _cells(part, {}, "crps")
        first = part.iloc[0]
        refs = [r for r in RUNS[1:] if not pd.isna(crps.get(r))]
        beaten = sum(crps["run"] < crps[r] for r in refs)
        rows.append(
            [
                left,
                f"{series} ({_dyad(first['observer'], first['target'])})",
                window,
                str(int(first["n"])),
                *(_num(crps.get(r)) for r in RUNS),
                f"{beaten} of {len(refs)}",
            ]
        )
    headers = ["left out", "series", "window", "n", *(f"CRPS {LABELS[r]}" for r in RUNS), "baselines beaten"]
    count = len(rows)
    total = sum(int(r[-1].split(" of ")[0]) == int(r[-1].split(" of ")[1]) for r in rows)
    summary = (
        f"Fitted on the other three histories only, the left-out history's posterior runs beat every baseline in "
        f"{total} of {count} series-windows."
    )
    made = _made_by("lodo", "`scenarios/fits/lodo/scores.csv` (`python -m benchmarks.evidence --make-lodo`)")
    return {"lodo": f"{_table(headers, rows)}\n\n{_prose(summary)}\n\n{made}"}


# ---------------------------------------------------------------------------------------------------------------
# A group that runs the model: the essay's effects with the posterior


def effect_draws(name: str, fit: str | Path = "default", **settings: Any) -> Any:
    """Per replication (one posterior draw each, common random numbers), the ten-year effect of scenario `name`
    against the baseline: final trust of the scenario minus the baseline's, [replication, observer, target]."""
    options = tuple(sorted({**EFFECTS, **settings}.items()))
    return _final(name, str(fit), options) - _final("baseline", str(fit), options)


@cache
def _final(name: str, fit: str, options: tuple[tuple[str, Any], ...]) -> Any:
    """Each replication's final trust of a scenario run on the fit's draws (runs once per process)."""
    import sim

    return sim.run(name, fit=fit, **dict(options)).final()


def posterior_effects() -> dict[str, str]:
    """Each essay direction as a distribution over the posterior: median effect, 90% of draws, P(direction)."""
    import numpy as np

    import sim

    rows = []
    for name in sorted(n for n in sim.list_scenarios() if n != "baseline" and "/" not in n):  # not histories
        diff = effect_draws(name)
        claims = DIRECTIONS.get(name)
        if claims is None:  # no essay direction: its largest mean effect
            mean = diff.mean("replication")
            codes = [str(c) for c in mean["observer"].values]
            values = {(o, t): float(mean.sel(observer=o, target=t)) for o in codes for t in codes if o != t}
            obs, tgt = max(values, key=lambda k: abs(values[k]))
            claims = [(obs, tgt, 0, "")]
        for obs, tgt, sign, sentence in claims:
            d = diff.sel(observer=obs, target=tgt).values
            p05, p50, p95 = np.quantile(d, [0.05, 0.5, 0.95])
            share = "–" if sign == 0 else f"{np.mean(np.sign(d) == sign):.2f}"
            claim = {1: "raises", -1: "lowers", 0: "(no essay direction)"}[sign]
            rows.append(
                [name, _dyad(obs, tgt), f"{claim} {sentence}".strip(), f"{p50:+.3f} [{p05:+.3f}, {p95:+.3f}]", share]
            )
    headers = ["scenario", "dyad", "essay", "effect: median [90% of draws]", "share of draws in the essay's direction"]
    settings = (
        f"{EFFECTS['replications']} replications, seed {EFFECTS['seed']}, each on its own draw from the default "
        "fit's posterior; final trust = mean of the last 12 of 120 months, minus the baseline's on the same draw"
    )
    made = _made_by("posterior-effects", f'`sim.run(..., fit="default")` ({settings})')
    return {"posterior-effects": f"{_table(headers, rows)}\n\n{made}"}


# ---------------------------------------------------------------------------------------------------------------
# Making the leave-one-out fits


def make_lodo() -> None:
    """For each history: calibrate on the other three with the default fit's settings into scenarios/fits/lodo/
    <history>/ (no figure), then score the left-out history with that posterior; all scores in lodo/scores.csv."""
    import pandas as pd

    from sim.fit import api
    from sim.fit.problem import load_fit_file
    from sim.outputs.resumable import store_dir
    from sim.runs import stats

    ranges, settings = load_fit_file(ROOT / "scenarios" / "fits" / "default.toml")
    paths = [ROOT / "scenarios" / "history" / f"{h}.toml" for h in HISTORIES]
    everything = api.load_problem(paths, OBSERVED, ranges, settings)
    parts = []
    for i, left in enumerate(HISTORIES):
        others = [p for j, p in enumerate(paths) if j != i]
        problem = api.load_problem(others, OBSERVED, ranges, settings)
        out = LODO / left
        command = ["python", "-m", "benchmarks.evidence", "--make-lodo"]
        resume = store_dir(out).is_dir()  # an interrupted run continues from its journal
        with contextlib.chdir(ROOT):  # the manifest records the series file as in the repository, not this machine
            done = api.run_calibration(
                problem,
                out,
                series_file=OBSERVED.relative_to(ROOT),
                resume=resume,
                force=True,
                figures=False,
                command=command,
            )
        scored = api.score_histories([everything.targets[i]], done.posterior, everything.settings)
        parts.append(scored.metrics.assign(left_out=left))
        print(f"wrote {out.relative_to(ROOT)}")
    table = pd.concat(parts, ignore_index=True)
    stats.write_csv(table[["left_out", *(c for c in table.columns if c != "left_out")]], LODO / "scores.csv")
    print(f"wrote {(LODO / 'scores.csv').relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.evidence", description=__doc__.split("\n\n")[0])
    parser.add_argument("--make-lodo", action="store_true", help="refit leaving each history out (slow)")
    args = parser.parse_args(argv)
    if not args.make_lodo:
        parser.error("nothing to do: the docs' tables are made by python -m benchmarks.docs (see --help)")
    make_lodo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
