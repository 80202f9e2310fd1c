"""`diplosim explain`: why a scenario differs from another (or from itself without its moves), split into what
did it and through which mechanism, by counterfactual runs on the same random numbers (sim.runs.explain)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.args import add_settings_options, help_text
from sim.util.errors import ConfigError


def add_parsers(sub: Any) -> None:
    """Register `explain`."""
    p = sub.add_parser(
        "explain",
        **help_text("""
            Explain a difference in trust: which parts of a scenario did it, and through which mechanism.

            Given one scenario (or a run's folder), explains it against the same run without its moves; given
            two or more (or a comparison's folder), explains each against the first. The replications are run
            again with one part switched off at a time, on the same random numbers: the scenario's cooperative
            moves, hostile moves, events and other differences (what did it), and the audience term, replies,
            the level shift from habits and structural balance (through which mechanism; what remains with all
            four off is the direct response to the moves). Each part's contribution is the mean paired
            difference with its 95% CI; what the parts do only together is printed as an interaction line, so
            each table adds up to the difference. Settings as for `compare` (a folder's are its own). Default
            outcomes: final trust of the dyads the differing moves act on.

            examples:
              diplosim explain us_pressure                   # us_pressure against itself without its moves
              diplosim explain baseline dialogue --dyad "USA->PAK"
              diplosim explain results/examples/compare      # each scenario of a comparison folder
              diplosim explain baseline us_pressure --outcome "P(PAK->USA < 0.3 by 2030-12)" --out why.csv
        """),
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="names or paths, or one result folder")
    add_settings_options(p, several=True)
    p.add_argument("--dyad", action="append", default=[], metavar="A->B", help="explain this dyad's final trust")
    p.add_argument("--all", action="store_true", help="explain every dyad's final trust")
    p.add_argument("--outcome", action="append", default=[], metavar="EXPR", help="explain this outcome too")
    p.add_argument("-o", "--out", type=Path, metavar="FILE", help="also write the contributions as CSV")
    p.add_argument("-f", "--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(handler=_explain)


def _pairs(args: argparse.Namespace) -> tuple[list[Any], str | None]:
    """The scenarios to explain (reference first) and, for a result folder, where they came from."""
    from sim.runs.align import align
    from sim.runs.checks import check_comparable
    from sim.scenario.load import load_scenario, scenario_path

    first = Path(args.scenarios[0])
    if len(args.scenarios) == 1 and first.is_dir():
        from sim.outputs.read import is_comparison, read_manifest
        from sim.scenario.serialize import SCENARIO_FILE

        meta = read_manifest(first)
        names = list(meta["scenarios"]) if is_comparison(first) else [None]
        specs = [load_scenario(first / (name or "") / SCENARIO_FILE) for name in names]
        return specs, str(first)
    files = [scenario_path(ref) for ref in args.scenarios]
    specs = [load_scenario(ref) for ref in args.scenarios]
    if len(specs) > 1:
        check_comparable(specs, files)
        specs = align(specs, steps=args.steps, replications=args.replications, seed=args.seed, files=files).specs
    elif any(v is not None for v in (args.steps, args.replications, args.seed)):
        from sim.scenario.settings import apply_settings

        given = {"steps": args.steps, "replications": args.replications, "seed": args.seed}
        specs = [apply_settings(specs[0], given, file=files[0])]
    return specs, None


def _explain(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd

    from sim.runs import explain, outcomes, stats, yardstick
    from sim.runs.checks import check_run_memory

    if args.out is not None and args.out.exists() and not args.force:
        raise ConfigError("already exists", file=args.out, hint="use --force to replace it, or choose another --out")
    specs, folder = _pairs(args)
    first = specs[0]
    if folder is not None and any(v is not None for v in (args.steps, args.replications, args.seed)):
        raise ConfigError(
            "a result folder is explained with its own settings", file=folder, hint="leave out -r, -t and -s"
        )
    dyads = [f"{o}->{t}" for o, t in _dyads(first.actors)] if args.all else args.dyad
    for text in dyads:
        parse_dyad(text, first.actors, key="--dyad")
    for text in args.outcome:
        outcomes.resolve_outcome(text, first.actors, first.start, first.steps, key="--outcome")
    questions = [*dyads, *args.outcome]
    check_run_memory(first, min(first.replications, explain.CHUNK))
    pairs = [(spec, None) for spec in specs] if len(specs) == 1 else [(spec, first) for spec in specs[1:]]
    reps = np.arange(first.replications)
    found = [explain.explain(spec, ref, replications=reps, questions=questions or None) for spec, ref in pairs]
    if args.out is not None:
        from sim.util.files import write_atomic

        table = pd.concat([e.table.assign(scenario=e.scenario, reference=e.reference) for e in found])
        write_atomic(args.out, stats.csv_bytes(table[["scenario", "reference", *explain.COLUMNS]]))
    print("\n\n".join(e.text() for e in found) + "\n\n" + "\n".join(yardstick.observed().lines()))
    return 0


def _dyads(actors: list[str]) -> list[tuple[str, str]]:
    from sim.scenario.dyads import dyads

    return dyads(actors)


def parse_dyad(text: str, actors: list[str], key: str) -> None:
    from sim.scenario.dyads import parse

    parse(text, actors, key=key)
