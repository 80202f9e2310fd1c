"""`diplosim run` and `diplosim compare`: run scenarios and write their result folders.

Options are checked by argparse (sim.cli.args) and the scenario when it is loaded, once; memory is checked before
anything is written; the runs then go straight to `sim.runs.api.simulate`. Heavy libraries load inside the
handlers, after the result folder's figure helpers are forked (sim.outputs.folder).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.args import RESULTS_ROOT, add_run_options, help_text, watching

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario


def add_parsers(sub: Any) -> None:
    """Register `run` and `compare`."""
    _add_run(sub)
    _add_compare(sub)


def _add_run(sub: Any) -> None:
    """`diplosim run SCENARIO`: one scenario's results folder."""
    p = sub.add_parser(
        "run",
        **help_text("""
            Run a scenario and write its results folder.

            Writes summary.csv (per month and directed dyad: mean and 5/25/50/75/95% quantiles of trust over
            replications), alignment.csv, moves.csv, events.csv, trajectories.nc (every replication; load it
            with sim.Results.load), scenario.toml (the resolved scenario: `diplosim run` on it reproduces the
            run exactly), manifest.json and plots/. The folder appears only when complete.

            examples:
              diplosim run                                  # the baseline, with the scenario's settings
              diplosim run dialogue --replications 1000 --seed 7
              diplosim run my_scenarios/talks.toml --steps 60 --out results/talks
              diplosim run results/talks/scenario.toml --out results/talks-again   # reproduce a run
              diplosim run dialogue --fit default    # parameters drawn from the bundled fit's posterior
        """),
    )
    p.add_argument("scenario", nargs="?", default="baseline", help="name (see `diplosim list`) or path to a .toml")
    add_run_options(p)
    add_outcome_option(p)
    _add_fit_option(p)
    p.set_defaults(handler=_run)


def _add_compare(sub: Any) -> None:
    """`diplosim compare A B ...`: scenarios on common random numbers, each against the first."""
    p = sub.add_parser(
        "compare",
        **help_text("""
            Run scenarios on the same random numbers and compare each with the first.

            For every directed dyad: each scenario's final trust (mean over the last 12 months of each
            replication; the median and 90% band over replications) and its difference from the first scenario:
            the mean paired difference with its 95% confidence interval, and the range of 90% of the
            per-replication differences. Replications share random numbers across scenarios, so differences are
            paired per replication: mean difference +- 1.96 sd / sqrt(R). The interval is Monte Carlo precision
            (replication noise), not uncertainty about the model; a yardstick line gives the poll sampling
            error and the largest one-year swing observed, to read effects on.

            No scenario is changed silently. Replications, months and seed come from the options or, when the
            scenarios agree, from them; otherwise the command stops and says which option to give. Scenarios
            on one calendar that end in different months are compared over the months they all cover (a note
            says so); scenarios that start in different months, or a dated and an undated one, are refused
            with the fix. Writes comparison.csv, comparison_steps.csv (the same per month),
            <scenario>/scenario.toml and trajectories.nc, manifest.json and plots/.

            examples:
              diplosim compare baseline dialogue
              diplosim compare baseline dialogue us_pressure --replications 1000 --out results/policies
              diplosim compare baseline dialogue --fit default   # effects with parameter uncertainty, P(above)
        """),
    )
    p.add_argument(
        "scenarios", nargs="+", metavar="SCENARIO", help="two or more names or paths; the first is the reference"
    )
    add_run_options(p, several=True)
    add_outcome_option(p)
    _add_fit_option(p)
    p.set_defaults(handler=_compare)


def add_outcome_option(p: argparse.ArgumentParser) -> None:
    """--outcome EXPR (repeatable): outcomes beyond final trust, printed with intervals and written to
    outcomes.csv (docs/analysis.md)."""
    p.add_argument(
        "--outcome",
        action="append",
        default=[],
        metavar="EXPR",
        help='also report this outcome, e.g. "P(PAK->USA < 0.2 by 2030-12)", "first(PAK->USA < 0.2)", '
        '"PAK->USA at 2028-06"; repeatable (written to outcomes.csv)',
    )


def _add_fit_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--fit",
        metavar="FIT_DIR",
        help="draw each replication's parameters from a fit's posterior: a folder written by `diplosim calibrate`, "
        "or the name of a bundled fit (default)",
    )


def check_outcomes(expressions: list[str], spec: Scenario) -> None:
    """Every --outcome must parse and fit the run (its actors, its months), before any work."""
    from sim.runs.outcomes import resolve_outcome

    for text in expressions:
        resolve_outcome(text, spec.actors, spec.start, spec.steps, key="--outcome")


def scenario_with_settings(ref: str, steps: int | None, replications: int | None, seed: int | None) -> Scenario:
    """Load a scenario and apply the run settings given, re-checking it (e.g. events after the last step)."""
    from sim.scenario.load import load_scenario, scenario_path
    from sim.scenario.settings import apply_settings

    given = {"steps": steps, "replications": replications, "seed": seed}
    return apply_settings(load_scenario(ref), given, file=scenario_path(ref))


def _run(args: argparse.Namespace) -> int:
    from sim.outputs.folder import default_dir, result_folder
    from sim.outputs.manifest import run_fields
    from sim.runs.checks import check_run_memory
    from sim.runs.posterior import load_posterior

    spec = scenario_with_settings(args.scenario, args.steps, args.replications, args.seed)
    check_outcomes(args.outcome, spec)
    check_run_memory(spec, spec.replications)
    fit = str(load_posterior(args.fit).folder) if args.fit is not None else None
    out = args.out or default_dir(RESULTS_ROOT, spec.name)
    fields = {"scenario": spec.name, **run_fields(spec), **({"fit": fit} if fit else {})}
    figures = None if args.no_plots else _run_figures
    with result_folder(out, force=args.force, command=args.command_line, fields=fields, figures=figures) as writing:
        import numpy as np

        from sim.outputs.write import write_run
        from sim.runs.api import posterior_draws, simulate_sets

        reps = np.arange(spec.replications)
        drawn = posterior_draws(fit, spec.seed, reps)
        results = simulate_sets(spec, reps, drawn, progress=watching(args), fit=fit)
        files, jobs = write_run(writing.path, results, spec)
        asked = results.outcomes_table(args.outcome) if args.outcome else None
        writing.files += files + _outcomes_file(writing.path, asked)
        writing.jobs += jobs
    if not args.quiet:
        from sim.runs import printout, stats

        window = stats.final_window(spec.steps)
        print(
            printout.final_text(
                results.final_table(),
                scenario=spec.name,
                window=window,
                replications=spec.replications,
                start=spec.start,
                fit=fit,
            )
        )
        if asked is not None:
            print(
                "\n" + printout.outcomes_text(asked, start=spec.start, steps=spec.steps, replications=spec.replications)
            )
        _print_anchors([spec])
    print(out if args.quiet else f"\nWrote {out}/")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from sim.outputs.folder import default_dir, result_folder
    from sim.outputs.manifest import run_fields
    from sim.runs.align import align
    from sim.runs.checks import check_comparable, check_run_memory, comparison_name
    from sim.runs.posterior import load_posterior
    from sim.scenario.load import load_scenario, scenario_path

    files = [scenario_path(ref) for ref in args.scenarios]
    loaded = [load_scenario(ref) for ref in args.scenarios]
    check_comparable(loaded, files)
    aligned = align(loaded, steps=args.steps, replications=args.replications, seed=args.seed, files=files)
    resolved, first = aligned.specs, aligned.specs[0]
    check_outcomes(args.outcome, first)
    check_run_memory(first, first.replications, len(resolved))
    fit = str(load_posterior(args.fit).folder) if args.fit is not None else None
    specs = {spec.name: spec for spec in resolved}
    out = args.out or default_dir(RESULTS_ROOT, comparison_name(list(specs)))
    fields = {"scenarios": list(specs), **run_fields(first), **({"fit": fit} if fit else {})}
    fields |= {"aligned": aligned.note} if aligned.note else {}
    figures = None if args.no_plots else _comparison_figures
    with result_folder(out, force=args.force, command=args.command_line, fields=fields, figures=figures) as writing:
        import numpy as np

        from sim.outputs.write import write_comparison
        from sim.runs.api import posterior_draws, simulate_sets
        from sim.runs.comparison import Comparison

        reps = np.arange(first.replications)
        drawn = posterior_draws(fit, first.seed, reps)
        runs = Comparison(
            {name: simulate_sets(spec, reps, drawn, progress=watching(args), fit=fit) for name, spec in specs.items()},
            note=aligned.note,
        )
        files, jobs = write_comparison(writing.path, runs, specs)
        asked = runs.outcomes(args.outcome) if args.outcome else None
        files += _outcomes_file(writing.path, asked)
        writing.files += files
        writing.jobs += jobs
    if not args.quiet:
        print(runs.text(asked))
        _print_anchors(resolved)
    print(out if args.quiet else f"\nWrote {out}/")
    return 0


def _outcomes_file(folder: Path, table: Any) -> list[Path]:
    """outcomes.csv, when outcomes were asked for."""
    from sim.runs import stats

    return [] if table is None else [stats.write_csv(table, folder / "outcomes.csv")]


def _print_anchors(specs: list[Scenario]) -> None:
    """Say where the anchors came from for every scenario that changes its world (the others keep its own)."""
    for spec in specs:
        if spec.status_quo is not None or spec.calibrate == "scenario":
            print(f"Anchors of {spec.name}: {spec.anchors_from}.")


def _run_figures(folder: Path, fields: dict[str, Any]) -> list[Any]:
    from sim.outputs.figures import run_figures

    return run_figures(folder, fields)


def _comparison_figures(folder: Path, fields: dict[str, Any]) -> list[Any]:
    from sim.outputs.figures import comparison_figures

    return comparison_figures(folder, fields)
