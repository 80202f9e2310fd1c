"""The docs' tables and numbers that come from the code or from runs, regenerated instead of typed.

    python -m benchmarks.docs                      # regenerate every block (about a minute on 2 cores)
    python -m benchmarks.docs effects calibration  # only these groups
    python -m benchmarks.docs --check              # exit 1 if a page differs from what this script produces
    python -m benchmarks.docs --check --cheap      # only the groups that need no simulation (the test suite)
    python -m benchmarks.docs --list               # the groups, their blocks and what each costs

A block sits in README.md or a page of docs/ between two markers; the first names the block and the command
that makes it, and the script rewrites both the marker and what lies between:

    <!-- generated: effects (python -m benchmarks.docs effects) -->
    ...
    <!-- end generated -->

Every block is found by its name, wherever it is; a block name the script does not make, or a block it makes
that no page holds, is an error. The script uses the public API (`sim.run`, `sim.load_scenario`), the command
line (`diplosim run`, `compare`, `score`) and the files it writes; its one internal import (the calibrated
baselines) is in `_calibrated_baselines`. The groups about the fit to history (fit, lodo, posterior-effects) are
in `benchmarks.evidence`.
"""

from __future__ import annotations

import argparse
import difflib
import math
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import evidence

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("README.md", "docs/*.md")
OBSERVED = "scenarios/history/observed.csv"
MARKER = re.compile(
    r"^<!-- generated: (?P<block>[\w-]+) \(python -m benchmarks\.docs (?P<group>[\w-]+)\) -->\n"
    r"(?P<body>.*?)"
    r"^<!-- end generated -->$",
    re.M | re.S,
)


# ---------------------------------------------------------------------------------------------------------------
# The only imports from inside the package: where they live changes as the package is laid out


def _calibrated_baselines(spec: Any) -> Any:
    """Calibrated baseline trust (0-1) of every directed dyad, [observer, target] in the world's actor order."""
    import numpy as np

    from sim.core.calibration import anchors_for

    return 1 / (1 + np.exp(-anchors_for(spec).baseline))


# ---------------------------------------------------------------------------------------------------------------
# Shared helpers


def _diplosim(*args: str, cwd: Path = ROOT) -> str:
    """Run the command line as a user would (`python -m sim`); return what it prints."""
    done = subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"diplosim {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def _made_by(group: str, source: str) -> str:
    return _prose(f"*Made by `python -m benchmarks.docs {group}` from {source}.*")


def _prose(text: str) -> str:
    """A generated sentence, wrapped as the pages' hand-written text is."""
    return textwrap.fill(text, 115, break_on_hyphens=False)


def _dyad(observer: str, target: str) -> str:
    return f"{observer} → {target}"


def _number(x: float) -> str:
    """A bound or default as the schema states it: 24, 0.15, 1e5."""
    if x >= 1e4 and math.log10(x).is_integer():
        return f"1e{int(math.log10(x))}"
    return f"{x:g}"


# ---------------------------------------------------------------------------------------------------------------
# Cheap groups: from the scenario files, the schema and committed results


# What each parameter means and its unit; the defaults and ranges come from the schema (sim.Scenario).
PARAMETERS = {
    "alpha": ("", "weight of a surprise in what the actor did to me"),
    "mu": ("", "weight of a surprise in what the actor did to third parties, by my stance toward them"),
    "beta": ("", "structural balance"),
    "half_life": ("steps", "a departure from the level halves in this many steps"),
    "habituation": ("steps", "half-life of expectations: how fast a flow becomes routine"),
    "negativity": ("", "weight of hostile surprises against friendly ones"),
    "level_gain": ("steps", "G: how far habituated flows move the level (steps of flow, before the bound)"),
    "level_range": ("log-odds", "K: the most habits can move the level (the audience: K/2)"),
    "saturation": ("", "x0: monthly weight at which the response to size has halved its slope"),
    "sigma": ("", "misperception noise per step (log-odds); a dyad may set its own"),
    "l_max": ("", "log-odds bound"),
    "calm_half_life": ("steps", "how long dialogue keeps the pair calm"),
    "noise_reduction": ("", "share of the noise that a fully calm pair loses"),
    "reply_floor": ("", "replies weaker than this intensity are not made (ends echo chains)"),
}


def parameters() -> dict[str, str]:
    import sim

    fields = type(sim.load_scenario("baseline").parameters).model_fields
    rows = []
    for name, field in fields.items():
        unit, meaning = PARAMETERS.get(name, ("", field.description or ""))
        bounds = {type(m).__name__: getattr(m, type(m).__name__.lower()) for m in field.metadata}
        low = f"[{_number(bounds['Ge'])}" if "Ge" in bounds else f"({_number(bounds['Gt'])}"
        high = f"{_number(bounds['Le'])}]" if "Le" in bounds else f"{_number(bounds['Lt'])})"
        rows.append([name, _number(field.default), f"{low}, {high}" + (f" {unit}" if unit else ""), meaning])
    table = _table(["name", "default", "range accepted", "meaning"], rows)
    return {"parameters": table + "\n\n" + _made_by("parameters", "the schema's defaults and bounds")}


def moves() -> dict[str, str]:
    import sim

    world = sim.load_scenario("baseline").world
    rows = [
        [name, m.cameo, f"{m.goldstein:+.1f}", f"{m.credibility:.1f}", f"{m.calming:.1f}", ", ".join(m.evidence)]
        for name, m in world.moves.items()
    ]
    bundles = "; ".join(f"*{name}* = {', '.join(parts)}" for name, parts in world.bundles.items())
    text = _table(["move", "CAMEO", "g", "c", "calming", "essay"], rows)
    text += f"\n\n{_prose(f'Bundles (what users mean by a policy): {bundles}.')}\n\n"
    return {"moves": text + _made_by("moves", "`scenarios/world.toml`")}


# Short quotes of the essay's sentences for the calibration table (tests check each against the essay).
EXCERPTS = {
    "P1.S1": "a relationship shaped by their mutual political needs",
    "P1.S2": "the support of the US is crucial",
    "P1.S4": "tension and mistrust also persist",
    "P2.S1": "a lack of trust",
    "P2.S2": "CPEC and US concerns, Pakistan-India relations, the Kashmir issue",
    "P3.S1": "views the growing relationship ... as potentially problematic",
    "P3.S2": "create problems for its important partner, India",
    "P4.S1": "rather than relying heavily on China",
    "P4.S2": "not aligned with US expectations ... ongoing pressure",
    "P4.S3": "trust rather than suspicion, excessive pressure, or mere allegations",
    "P4.S4": "support for India's dominance",
    "P5.S2": "should not come at the expense of Pakistan's interests",
    "P5.S3": "balanced relations with China",
    "P7.S1": "Pakistan-China relations and cooperation should be supported by the US",
}


def calibration() -> dict[str, str]:
    import sim

    spec = sim.load_scenario("baseline")
    world = spec.world
    actors = list(world.actors)
    baseline = _calibrated_baselines(spec)
    rows = []
    for i, observer in enumerate(actors):
        for j, target in enumerate(actors):
            dyad = world.trust.get(observer, {}).get(target)
            if dyad is None:
                continue
            quotes = [f"{s} “{EXCERPTS[s]}”" if s in EXCERPTS else s for s in dyad.evidence]
            if dyad.inferred:
                quotes.append(f"*inferred:* {dyad.inferred}")
            rows.append(
                [
                    _dyad(observer, target),
                    f"{dyad.initial:.2f}",
                    f"{dyad.low:.2f}–{dyad.high:.2f}",
                    f"{dyad.dependence:.2f}",
                    f"{baseline[i, j]:.2f}",
                    "; ".join(quotes),
                ]
            )
    headers = ["observer → target", "initial", "range", "dependence", "calibrated baseline", "evidence"]
    source = "`scenarios/world.toml` and the calibration of its status quo at the default parameters"
    return {"calibration": _table(headers, rows) + "\n\n" + _made_by("calibration", source)}


def polls() -> dict[str, str]:
    """The observed series the histories are scored against: years, rows and how many were verified (the others
    are kept but never scored)."""
    import pandas as pd

    table = pd.read_csv(ROOT / OBSERVED)
    rows = [
        [
            name,
            _dyad(g["observer"].iloc[0], g["target"].iloc[0]),
            f"{g['year'].min()}–{g['year'].max()}",
            str(len(g)),
            str(int((g["verified"] == "yes").sum())),
        ]
        for name, g in table.groupby("series", sort=True)
    ]
    verified = int((table["verified"] == "yes").sum())
    text = _table(["series", "observer → target", "years", "rows", "verified"], rows)
    text += (
        f"\n\n{verified} of {len(table)} rows are verified and scored; the others are kept, with what was searched, "
        "but never scored or fitted.\n\n" + _made_by("polls", f"`{OBSERVED}`")
    )
    return {"polls": text}


SWEEPS = "results/examples"


def examples() -> dict[str, str]:
    """The numbers the sweeps page quotes, read from the committed example sweeps and discovery."""
    import pandas as pd

    root = ROOT / SWEEPS
    pressure = pd.read_csv(root / "sweep_pressure_intensity" / "sweep.csv")
    path = "policies.usa_pressure.intensity"
    low, own, high = (pressure.iloc[(pressure[path] - x).abs().argmin()] for x in (pressure[path].min(), 1.0, 4e9))

    def span(column: str) -> str:
        return f"{low[column]:.2f} to {high[column]:.2f}"

    pressure_text = (
        f"Pakistan's median trust in the US goes from {low['trust_PAK_USA_p50']:.2f} at intensity {low[path]:g} to "
        f"{own['trust_PAK_USA_p50']:.2f} at {own[path]:g} (next to the scenario's own 1) and "
        f"{high['trust_PAK_USA_p50']:.2f} at "
        f"{high[path]:g}; US trust in Pakistan from {span('trust_USA_PAK_p50')}, and Pakistan's alignment toward "
        f"China from {span('alignment_p50')} ({len(pressure)} points)."
    )

    sobol = pd.read_csv(root / "sweep_calibration_sobol" / "sweep.csv")
    indices = pd.read_csv(root / "sweep_calibration_sobol" / "sensitivity.csv")
    own_indices = indices[indices["outcome"] == "trust_PAK_USA"].sort_values("ST", ascending=False)
    ranked = ", ".join(
        f"{row.parameter.split('.')[-1]} {row.ST:.2f} ± {row.ST_conf:.2f}" for row in own_indices.itertuples()
    )
    sobol_text = (
        f"Over its {len(sobol)} points Pakistan's median trust in the US ends between "
        f"{sobol['trust_PAK_USA_p50'].min():.2f} and {sobol['trust_PAK_USA_p50'].max():.2f}. Total-order "
        f"indices (ST, with 95% intervals) of that outcome: {ranked}."
    )

    found = root / "sweep_beta_pressure" / "discover" / "trust_PAK_USA-below-0.1"
    boxes = pd.read_csv(found / "boxes.csv")
    box = pd.read_csv(found / "box.csv")
    chosen = boxes[boxes["chosen"]].iloc[0]
    limits = "; ".join(
        f"{' '.join(r.parameter.split('.')[1:]).replace('_', ' ')} from {r.low:g} to {r.high:g} of "
        f"the {r.sweep_low:g} to {r.sweep_high:g} swept (quasi-p {min(q for q in (r.qp_low, r.qp_high) if q == q):.2g})"
        for r in box[box["restricted"]].itertuples()
    )
    discovery_text = (
        f"Of the {int(boxes.iloc[0]['cases']):,} runs, {boxes.iloc[0]['of_interest'] / boxes.iloc[0]['cases']:.0%} "
        f"end with Pakistan's trust in the US below 0.1. The box reported holds {chosen['coverage']:.0%} of them at "
        f"a density of {chosen['density']:.0%}: {limits}."
    )
    sources = {
        "pressure-sweep": f"`{SWEEPS}/sweep_pressure_intensity/sweep.csv`",
        "sobol-sweep": f"`{SWEEPS}/sweep_calibration_sobol`",
        "discovery": f"`{found.relative_to(ROOT)}`",
    }
    texts = {"pressure-sweep": pressure_text, "sobol-sweep": sobol_text, "discovery": discovery_text}
    return {block: f"{_prose(text)}\n\n{_made_by('examples', sources[block])}" for block, text in texts.items()}


# ---------------------------------------------------------------------------------------------------------------
# Groups that simulate


EFFECTS = {"replications": 300, "seed": 7}


def effects() -> dict[str, str]:
    """Every bundled scenario's ten-year effect against the baseline (not the history/ replays, which run on their own
    calendar and world): the largest direct one and spillover."""
    import sim
    from sim.scenario.dyads import acted_on

    final = {
        name: sim.run(name, **EFFECTS).final().mean("replication")
        for name in ["baseline", *sorted(n for n in sim.list_scenarios() if n != "baseline" and "/" not in n)]
    }
    rows, direct_sizes = [], []
    for name, value in final.items():
        if name == "baseline":
            continue
        effect = value - final["baseline"]
        actors = [str(a) for a in effect.observer.values]
        cells = {(o, t): float(effect.sel(observer=o, target=t)) for o in actors for t in actors if o != t}
        direct = acted_on(sim.load_scenario(name))
        top = max((k for k in cells if k in direct), key=lambda k: abs(cells[k]))
        spill = max((k for k in cells if k not in direct), key=lambda k: abs(cells[k]))
        ratio = abs(cells[spill]) / abs(cells[top]) if abs(cells[top]) >= 0.01 else None
        direct_sizes.append(abs(cells[top]))
        rows.append(
            [
                name,
                f"{_dyad(*top).replace(' ', '')} {cells[top]:+.3f}",
                f"{_dyad(*spill).replace(' ', '')} {cells[spill]:+.3f}",
                f"{ratio:.2f}" if ratio is not None else "(no lasting direct effect)",
            ]
        )
    lasting = [s for s in direct_sizes if s >= 0.01]
    table = _table(["scenario", "largest direct effect", "largest spillover", "spillover / direct"], rows)
    summary = (
        f"Of the {len(rows)} bundled scenarios, {len(lasting)} leave a lasting direct effect (0.01 or more); "
        f"their largest direct effects range from {min(lasting):.3f} to {max(lasting):.3f}."
    )
    settings = f"{EFFECTS['replications']} replications, seed {EFFECTS['seed']}, mean of the last 12 of 120 months"
    made = _made_by("effects", f"runs of every bundled scenario ({settings})")
    return {"effects": f"{table}\n\n{_prose(summary)}\n\n{made}"}


COMPARISON = ("baseline", "dialogue", "us_pressure")
SHOWN = ("PAK -> USA", "USA -> PAK")


def printouts() -> dict[str, str]:
    """What `diplosim run` and `diplosim compare` print for the committed examples, and README's reading of it."""
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        ran = _diplosim("run", "--no-plots", "-o", str(Path(tmp) / "run"))
        compared = _diplosim("compare", *COMPARISON, "--no-plots", "-o", str(Path(tmp) / "compare"))
        table = pd.read_csv(Path(tmp) / "compare" / "comparison.csv")
    run_lines = ran.rstrip("\n").splitlines()
    first_rows = [i for i, line in enumerate(run_lines) if re.match(r"^[A-Z]{3} -> ", line)]
    run_text = "\n".join([*run_lines[: first_rows[1] + 1], "...", "Wrote results/baseline/<time>/"])

    lines = compared.rstrip("\n").splitlines()
    header = lines[: next(i for i, line in enumerate(lines) if line.startswith("observer -> target")) + 1]
    blocks: dict[str, list[str]] = {}
    current = None
    for line in lines[len(header) :]:
        if re.match(r"^[A-Z]{3} -> [A-Z]{3}", line):
            current = line[:10]
        if current and line.strip() and not line.startswith("Wrote"):
            blocks.setdefault(current, []).append(line)
    compare_text = "\n".join([*header, *(line for dyad in SHOWN for line in blocks[dyad]), "..."])

    def row(scenario: str, observer: str, target: str) -> Any:
        hit = table[(table["scenario"] == scenario) & (table["observer"] == observer) & (table["target"] == target)]
        return hit.iloc[0]

    base, talk, push = (row(s, "PAK", "USA") for s in COMPARISON)
    back = row("dialogue", "USA", "PAK")
    replications = int(re.search(r"of each of (\d+) replications", compared)[1])
    reading = (
        f"Dialogue moves Pakistan's median trust in the US after ten years from {base['p50']:.3f} to "
        f"{talk['p50']:.3f}. The effect is measured replication by replication (both scenarios see the same random "
        f"events), and the mean of those {replications} paired differences is {talk['diff']:+.3f}, with a 95% "
        f"confidence interval of [{talk['diff_low']:+.3f}, {talk['diff_high']:+.3f}]. In 90% of the simulated "
        f"futures the effect lies between {talk['diff_p05']:+.3f} and {talk['diff_p95']:+.3f}. The US side moves "
        f"too ({back['diff']:+.3f} in the US's trust in Pakistan), and US pressure moves Pakistan's trust in the "
        f"US by {push['diff']:+.3f} [{push['diff_low']:+.3f}, {push['diff_high']:+.3f}], with futures ranging "
        f"from {push['diff_p05']:+.3f} to {push['diff_p95']:+.3f}."
    )
    return {
        "run-printout": f"```\n{run_text}\n```",
        "compare-printout": f"```\n{compare_text}\n```",
        "compare-reading": _prose(reading),
    }


def fit_printouts() -> dict[str, str]:
    """README's comparison again with every replication's parameters drawn from the bundled fit, and its reading."""
    import json

    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        compared = _diplosim("compare", *COMPARISON, "--fit", "default", "--no-plots", "-o", str(Path(tmp) / "c"))
        table = pd.read_csv(Path(tmp) / "c" / "comparison.csv")
    lines = compared.rstrip("\n").splitlines()
    header = lines[: next(i for i, line in enumerate(lines) if line.startswith("observer -> target")) + 1]
    start = next(i for i, line in enumerate(lines) if line.startswith("PAK -> USA"))
    text = "\n".join([*header, *lines[start : start + len(COMPARISON)], "..."])
    talk = table[(table["scenario"] == "dialogue") & (table["observer"] == "PAK") & (table["target"] == "USA")].iloc[0]
    fit = json.loads((evidence.FIT / "manifest.json").read_text())
    verdict = fit["verdict"].removeprefix("verdict: ")
    reading = (
        f"With the parameters drawn from the fit, dialogue's effect on Pakistan's trust in the US ranges from "
        f"{talk['diff_p05']:+.3f} to {talk['diff_p95']:+.3f} over 90% of the draws, and it is above the baseline in "
        f"{talk['p_above']:.0%} of them: the model's answer holds across the parameters the histories allow. Whether "
        f"the model is right is another matter, and the fit says little for it. {verdict[0].upper()}{verdict[1:]}. "
        f"The posterior's 90% bands hold only {fit['coverage90_test']:.0%} of the held-out polls ([the model, section "
        f"10](docs/MODEL.md#10-history-histories-built-by-rule-against-the-polls)). These ranges are what the model "
        f"does not know about its own parameters, not a forecast interval."
    )
    return {"compare-fit-printout": f"```\n{text}\n```", "compare-fit-reading": _prose(reading)}


# ---------------------------------------------------------------------------------------------------------------
# The groups, and writing or checking the pages


@dataclass(frozen=True)
class Group:
    make: Callable[[], dict[str, str]]
    blocks: tuple[str, ...]  # the blocks it makes, by name
    cheap: bool  # needs no simulation: the test suite checks these
    cost: str


GROUPS: dict[str, Group] = {
    "parameters": Group(parameters, ("parameters",), True, "reads the schema"),
    "moves": Group(moves, ("moves",), True, "reads scenarios/world.toml"),
    "calibration": Group(calibration, ("calibration",), True, "calibrates the status quo once (about 1 s; cached)"),
    "fit": Group(evidence.fit, ("fit-parameters", "fit-scores"), True, "reads scenarios/fits/default"),
    "lodo": Group(evidence.lodo, ("lodo",), True, "reads scenarios/fits/lodo/scores.csv"),
    "polls": Group(polls, ("polls",), True, f"reads {OBSERVED}"),
    "examples": Group(examples, ("pressure-sweep", "sobol-sweep", "discovery"), True, f"reads {SWEEPS}"),
    "effects": Group(effects, ("effects",), False, "11 runs of 300 x 120 (about 10 s)"),
    "posterior-effects": Group(
        evidence.posterior_effects,
        ("posterior-effects",),
        False,
        "11 runs of 300 x 120, each replication on its own posterior draw (batched parameters)",
    ),
    "printouts": Group(
        printouts,
        ("run-printout", "compare-printout", "compare-reading"),
        False,
        "diplosim run and compare at 500 x 120 (about 10 s)",
    ),
    "fit-printouts": Group(
        fit_printouts,
        ("compare-fit-printout", "compare-fit-reading"),
        False,
        "diplosim compare --fit default at 500 x 120 (about 10 s)",
    ),
}


def pages(root: Path = ROOT) -> list[Path]:
    return [p for pattern in PAGES for p in sorted(root.glob(pattern))]


def blocks_in(root: Path = ROOT) -> dict[str, tuple[Path, str]]:
    """Every generated block of the pages: name -> (page, group named in its marker)."""
    found: dict[str, tuple[Path, str]] = {}
    for page in pages(root):
        for m in MARKER.finditer(page.read_text()):
            if m["block"] in found:
                raise SystemExit(f"block '{m['block']}' appears twice: {found[m['block']][0]} and {page}")
            found[m["block"]] = (page, m["group"])
    return found


def render(block: str, group: str, body: str) -> str:
    return f"<!-- generated: {block} (python -m benchmarks.docs {group}) -->\n{body.rstrip()}\n<!-- end generated -->"


def update(groups: list[str], check: bool, root: Path = ROOT) -> int:
    """Regenerate (or, with check, compare) the blocks of the groups named; the exit code."""
    found = blocks_in(root)
    made: dict[str, tuple[str, str]] = {}
    owners = {block: name for name, group in GROUPS.items() for block in group.blocks}
    for block, (page, group) in found.items():
        if owners.get(block) != group:
            print(f"{page.relative_to(root)}: block '{block}' is not made by group '{group}'", file=sys.stderr)
            return 2
    for name in groups:
        bodies = GROUPS[name].make()
        assert set(bodies) == set(GROUPS[name].blocks), f"{name} made {sorted(bodies)}"
        made.update({block: (name, body) for block, body in bodies.items()})
    missing = [b for b in made if b not in found]
    if missing:
        print(f"no page holds the block(s) {', '.join(missing)}: add their markers", file=sys.stderr)
        return 2
    stale = []
    for page in {found[b][0] for b in made}:
        text = page.read_text()

        def replace(m: re.Match[str]) -> str:
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
    if stale:
        print(
            f"stale: {', '.join(str(p.relative_to(root)) for p in stale)}; run python -m benchmarks.docs "
            + " ".join(groups),
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.docs", description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP", help=f"any of {', '.join(GROUPS)} (default: all)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a page differs")
    parser.add_argument("--cheap", action="store_true", help="only the groups that need no simulation")
    parser.add_argument("--list", action="store_true", help="list the groups and exit")
    args = parser.parse_args(argv)
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    if args.list:
        for name, group in GROUPS.items():
            kind = "cheap" if group.cheap else "runs "
            print(f"{name:12} {kind}  {', '.join(group.blocks):48} {group.cost}")
        return 0
    groups = args.groups or [n for n, g in GROUPS.items() if g.cheap or not args.cheap]
    return update(groups, args.check)


if __name__ == "__main__":
    sys.exit(main())
