"""The evidence behind the model's numbers: docs/MODEL.md's tables of sections 10 and 11, made from the committed fit.

    python -m benchmarks.evidence                  # regenerate every block (the effects need about 5 minutes)
    python -m benchmarks.evidence scores lodo      # only these groups
    python -m benchmarks.evidence --check          # exit 1 if a page differs from what this script makes
    python -m benchmarks.evidence --check --cheap  # only the groups that read committed files (the test suite)
    python -m benchmarks.evidence --make-lodo      # refit leaving out each history in turn (most of an hour each)

The default fit itself is made by `python -m benchmarks.examples default_fit` (the command is in
scenarios/fits/default.toml). A block sits between two markers, the first naming it and the command that makes it,
as in the docs' other generated blocks (`benchmarks.docs`, whose groups these functions can join):

    <!-- generated: evidence-scores (python -m benchmarks.evidence scores) -->
    ...
    <!-- end generated -->
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIT = ROOT / "scenarios" / "fits" / "default"
LODO = ROOT / "scenarios" / "fits" / "lodo"
HISTORIES = ("india_pakistan", "us_china", "us_india", "us_pakistan")
OBSERVED = ROOT / "scenarios" / "history" / "observed.csv"
PAGES = ("docs/MODEL.md",)
MARKER = re.compile(
    r"^<!-- generated: (?P<block>[\w-]+) \(python -m benchmarks\.evidence (?P<group>[\w-]+)\) -->\n"
    r"(?P<body>.*?)"
    r"^<!-- end generated -->$",
    re.M | re.S,
)
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
    return _prose(f"*Made by `python -m benchmarks.evidence {group}` from {source}.*")


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


def parameters() -> dict[str, str]:
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
    return {"evidence-parameters": f"{text}\n\n{_prose(how)}\n\n{_made_by('parameters', '`scenarios/fits/default/`')}"}


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


def scores() -> dict[str, str]:
    """The default fit's posterior runs against the polls beside the three baselines, per window."""
    import pandas as pd

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
            f"{m['verdict'].replace('verdict: ', 'Verdict: ')}. The posterior's 90% band holds {inside:.0%} of the "
            f"{len(held)} held-out polls (mean over series {coverage:.0%}). Posterior runs: "
            f"{m['settings']['predictive']} per history, one parameter draw each."
        )
        + "\n\n"
        + _made_by("scores", "`scenarios/fits/default/metrics.csv` and `points.csv`")
    )
    return {"evidence-scores": text}


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
    return {"evidence-lodo": f"{_table(headers, rows)}\n\n{_prose(summary)}\n\n{made}"}


# ---------------------------------------------------------------------------------------------------------------
# A group that runs the model: the essay's effects with the posterior


def effect_draws(name: str, fit: str | Path = "default", **settings: Any) -> Any:
    """Per replication (one posterior draw each, common random numbers), the ten-year effect of scenario `name`
    against the baseline: final trust of the scenario minus the baseline's, [replication, observer, target]."""

    options = {**EFFECTS, **settings}
    base = _final("baseline", fit, options)
    return _final(name, fit, options) - base


_FINALS: dict[tuple[str, str, tuple[Any, ...]], Any] = {}


def _final(name: str, fit: str | Path, options: dict[str, Any]) -> Any:
    import sim

    key = (name, str(fit), tuple(sorted(options.items())))
    if key not in _FINALS:
        _FINALS[key] = sim.run(name, fit=fit, **options).final()
    return _FINALS[key]


def effects() -> dict[str, str]:
    """Each essay direction as a distribution over the posterior: median effect, 90% of draws, P(direction)."""
    import numpy as np

    import sim

    rows = []
    for name in sorted(n for n in sim.list_scenarios() if n != "baseline"):
        diff = effect_draws(name)
        claims = DIRECTIONS.get(name)
        if claims is None:  # no essay direction: its largest mean effect
            mean = diff.mean("replication")
            values = {
                (str(o), str(t)): float(mean.sel(observer=o, target=t))
                for o in mean.observer
                for t in mean.target
                if o != t
            }
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
    made = _made_by("effects", f'`sim.run(..., fit="default")` ({settings})')
    return {"evidence-effects": f"{_table(headers, rows)}\n\n{made}"}


# ---------------------------------------------------------------------------------------------------------------
# Making the leave-one-out fits


def make_lodo() -> None:
    """For each history: calibrate on the other three with the default fit's settings into scenarios/fits/lodo/
    <history>/ (no figure), then score the left-out history with that posterior; all scores in lodo/scores.csv."""
    import pandas as pd

    from sim.fit import api
    from sim.fit.problem import load_fit_file
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
        done = api.run_calibration(problem, out, series_file=OBSERVED, force=True, figures=False, command=command)
        scored = api.score_histories([everything.targets[i]], done.posterior, everything.settings)
        parts.append(scored.metrics.assign(left_out=left))
        print(f"wrote {out.relative_to(ROOT)}")
    table = pd.concat(parts, ignore_index=True)
    stats.write_csv(table[["left_out", *(c for c in table.columns if c != "left_out")]], LODO / "scores.csv")
    print(f"wrote {(LODO / 'scores.csv').relative_to(ROOT)}")


# ---------------------------------------------------------------------------------------------------------------
# The groups, and writing or checking the pages


@dataclass(frozen=True)
class Group:
    make: Callable[[], dict[str, str]]
    blocks: tuple[str, ...]
    cheap: bool
    cost: str


GROUPS: dict[str, Group] = {
    "parameters": Group(parameters, ("evidence-parameters",), True, "reads scenarios/fits/default"),
    "scores": Group(scores, ("evidence-scores",), True, "reads scenarios/fits/default"),
    "lodo": Group(lodo, ("evidence-lodo",), True, "reads scenarios/fits/lodo/scores.csv"),
    "effects": Group(effects, ("evidence-effects",), False, "11 runs of 300 x 120 with the posterior (minutes)"),
}


def render(block: str, group: str, body: str) -> str:
    return (
        f"<!-- generated: {block} (python -m benchmarks.evidence {group}) -->\n{body.rstrip()}\n<!-- end generated -->"
    )


def update(groups: list[str], check: bool, root: Path = ROOT) -> int:
    """Regenerate (or, with check, compare) the blocks of the groups named; the exit code."""
    made = {block: (name, body) for name in groups for block, body in GROUPS[name].make().items()}
    stale, found = [], set()
    for page in (root / p for p in PAGES):
        text = page.read_text()

        def replace(m: re.Match[str]) -> str:
            found.add(m["block"])
            if m["block"] not in made:
                return m[0]
            group, body = made[m["block"]]
            return render(m["block"], group, body)

        new = MARKER.sub(replace, text)
        if new == text:
            continue
        if check:
            stale.append(page)
            diff = difflib.unified_diff(text.splitlines(), new.splitlines(), str(page), "generated", lineterm="", n=1)
            print("\n".join(diff))
        else:
            page.write_text(new)
            print(f"wrote {page.relative_to(root)}")
    missing = [b for b in made if b not in found]
    if missing:
        print(f"no page holds the block(s) {', '.join(missing)}: add their markers", file=sys.stderr)
        return 2
    if stale:
        print(f"stale: {', '.join(str(p.relative_to(root)) for p in stale)}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.evidence", description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP", help=f"any of {', '.join(GROUPS)} (default: all)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a page differs")
    parser.add_argument("--cheap", action="store_true", help="only the groups that read committed files")
    parser.add_argument("--make-lodo", action="store_true", help="refit leaving each history out (slow)")
    args = parser.parse_args(argv)
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    if args.make_lodo:
        make_lodo()
        return 0
    groups = args.groups or [n for n, g in GROUPS.items() if g.cheap or not args.cheap]
    return update(groups, args.check)


if __name__ == "__main__":
    sys.exit(main())
