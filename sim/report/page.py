"""`diplosim report`: one self-contained HTML page for a run, comparison or sweep folder, to read and share.

The page holds the scenario's description and the essay sentences it rests on, the final-trust table (or the
sweep's summary), every figure with its caption, and the manifest (command, seed, versions). Figures are drawn
afresh from the folder's tables and embedded as base64 PNG; the styling is inline; nothing is fetched from
anywhere, so the file opens offline and can be mailed as it is.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.outputs.read import (
    folder_kind,
    read_comparison,
    read_final,
    read_manifest,
    read_outcomes,
    read_trajectories,
    window_of,
)
from sim.outputs.write import TRAJECTORIES
from sim.runs import printout, yardstick
from sim.scenario.essay import SENTENCES
from sim.scenario.load import load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.serialize import SCENARIO_FILE
from sim.util import calendar
from sim.util.errors import ConfigError
from sim.util.version import __version__

REPORT = "report.html"

CAPTIONS = {
    "trust_fan": "Trust over time. One panel per directed dyad: the row actor's trust in the column actor. Line: median"
    " over replications; dark band: the middle 50%; light band: the middle 90%; dotted: the essay's level.",
    "trust_network": "The four actors at month 0, the middle and the end. The arrow from A to B is A's trust in B"
    " (median over replications): vermillion = distrust, grey = 0.5, blue = trust; width grows with trust.",
    "alignment": "Pakistan's alignment, T(PAK→CHN) / (T(PAK→CHN) + T(PAK→USA)): 0 means Pakistan trusts only the US,"
    " 1 only China. Bands as in the fan chart.",
    "activity": "Moves and events. Cooperative and hostile moves per month and actor (means over replications), and"
    " events cumulated, so the slope is the event rate and a scheduled event is a step.",
    "compare_trust": "Trust over time by scenario: median and middle 50% of each scenario, on common random numbers.",
    "compare_difference": "Each scenario's trust minus the first's, per replication, averaged: the line is the mean"
    " difference, the dark band its 95% CI, the light band where 90% of the replications' differences fall.",
    "compare_final": "Final effect per dyad. Left: the mean paired difference with its 95% CI (how well the average"
    " effect is known). Right: where 90% of the per-replication differences fall (how much it varies between futures).",
    "sweep": "Each outcome as the swept parameters vary: the median over replications at each point (with the 90% band"
    " and the mean when one number is varied).",
    "sensitivity": "Sensitivity indices per outcome with 95% intervals; hatched: not distinguishable from zero.",
}

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 1.8em;
       border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.meta { color: #555; font-size: 0.9em; }
blockquote { margin: 0.4em 0 0.4em 1em; padding-left: 0.8em; border-left: 3px solid #0072B2; color: #333; }
.sid { font-weight: 600; color: #0072B2; margin-right: 0.4em; }
table { border-collapse: collapse; font-size: 0.88em; margin: 0.6em 0; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; margin-top: 0.3em; }
code { background: #f4f4f4; padding: 0 0.2em; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text))


def _kind(folder: Path) -> str:
    kind = folder_kind(folder)
    if kind is None:
        raise ConfigError(
            "not a result folder (no summary.csv, comparison.csv or sweep.csv)",
            file=folder,
            hint="give a folder written by run, compare or sweep",
        )
    return kind


# ---------------------------------------------------------------------------------------------------------------
# Sections


def _evidence(ids: Sequence[str]) -> str:
    return "".join(
        f"<blockquote><span class='sid'>{_e(sid)}</span>{_e(SENTENCES[sid])}</blockquote>"
        for sid in ids
        if sid in SENTENCES
    )


def _scenario_section(spec: Scenario, heading: str) -> str:
    """Description, the essay sentences the scenario rests on, and its policies with theirs."""
    parts = [f"<h3>{_e(heading)}</h3>" if heading else "", f"<p>{_e(spec.description or '(no description)')}</p>"]
    if spec.evidence:
        parts.append("<p>It rests on these sentences of the essay:</p>" + _evidence(spec.evidence))
    if spec.inferred:
        parts.append(f"<p><i>Inferred where the essay is silent:</i> {_e(spec.inferred)}</p>")
    if spec.policies:
        rows = []
        for pol in spec.policies:
            when = calendar.span(pol.start, pol.end or spec.steps, spec.start, dash="–")
            when += f", every {pol.every}" if pol.every > 1 else ""
            rows.append(
                f"<tr><td>{_e(pol.name)}</td><td>{_e(pol.actor)} → {_e(pol.target)}: {_e(pol.move)}</td>"
                f"<td>{_e(when)}</td><td class='num'>{pol.probability:g}</td><td class='num'>{pol.intensity:g}</td>"
                f"<td>{_e(', '.join(pol.evidence))}</td></tr>"
            )
        parts.append(
            "<p>Policies:</p><table><tr><th>name</th><th>move</th><th>when</th><th>probability</th>"
            "<th>intensity</th><th>essay</th></tr>" + "".join(rows) + "</table>"
        )
        cited = [sid for pol in spec.policies for sid in pol.evidence if sid not in spec.evidence]
        if cited:
            parts.append("<p>The policies cite:</p>" + _evidence(list(dict.fromkeys(cited))))
    return "".join(parts)


def _table(frame: pd.DataFrame) -> str:
    """A frame as an HTML table; text cells escaped, number-like cells right-aligned in tabular figures."""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td class='num'>{_e(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _final_run(folder: Path, meta: Mapping[str, Any]) -> pd.DataFrame:
    """final.csv, or computed from the trajectories when an older folder lacks it (both checked as read)."""
    if (folder / "final.csv").is_file():
        return read_final(folder, meta)
    if (folder / TRAJECTORIES).is_file():
        return read_trajectories(folder / TRAJECTORIES, dict(meta)).final_table()
    raise ConfigError(
        "no final.csv (and no trajectories.nc to compute it from)",
        file=folder,
        hint="run the scenario again with `diplosim run`, which writes final.csv",
    )


def _run_table(final: pd.DataFrame) -> str:
    frame = pd.DataFrame(
        {
            "observer → target": [f"{r.observer} → {r.target}" for r in final.itertuples()],
            "median [90% band]": [printout.band_text(r.p50, r.p05, r.p95) for r in final.itertuples()],
            "mean": [f"{r.mean:.3f}" for r in final.itertuples()],
        }
    )
    return _table(frame)


def _comparison_table(final: pd.DataFrame) -> str:
    """Grouped by dyad, as `diplosim compare` prints it: each scenario's final trust under its dyad, and its
    difference from the reference."""
    names = list(dict.fromkeys(final["scenario"]))
    ref = names[0]
    order = {name: i for i, name in enumerate(names)}
    dyads = list(dict.fromkeys(zip(final["observer"], final["target"], strict=True)))
    grouped = final.assign(
        _dyad=[dyads.index(d) for d in zip(final["observer"], final["target"], strict=True)],
        _scenario=final["scenario"].map(order),
    ).sort_values(["_dyad", "_scenario"], kind="stable")
    rows = []
    for r in grouped.itertuples():
        diff = spread = ""
        if r.scenario != ref:
            diff = printout.band_text(r.diff, r.diff_low, r.diff_high, signed=True)
            spread = f"[{r.diff_p05:+.3f}, {r.diff_p95:+.3f}]"
        rows.append(
            {
                "observer → target": f"{r.observer} → {r.target}" if r.scenario == ref else "",
                "scenario": r.scenario,
                "median [90% band]": printout.band_text(r.p50, r.p05, r.p95),
                f"difference from {ref} [95% CI]": diff,
                "90% of replications' differences": spread,
            }
        )
    return _table(pd.DataFrame(rows))


def _outcomes_section(table: pd.DataFrame, meta: Mapping[str, Any], window: tuple[int, int]) -> str:
    """The outcomes asked for with --outcome (outcomes.csv), in words, as the command printed them."""
    start = meta.get("start")
    text = printout.outcomes_text(table, start=start, steps=window[1], replications=int(meta["replications"]))
    return f"<h3>Outcomes</h3><pre>{_e(text)}</pre>"


def _manifest_section(meta: Mapping[str, Any]) -> str:
    rows = []
    for key, value in meta.items():
        if key in ("versions", "files"):
            continue
        shown = (
            ", ".join(map(str, value))
            if isinstance(value, list)
            else json.dumps(value)
            if isinstance(value, dict)
            else value
        )
        rows.append(f"<tr><th>{_e(key)}</th><td>{_e(shown)}</td></tr>")
    versions = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items())
    rows.append(f"<tr><th>versions</th><td>{_e(versions)}</td></tr>")
    if meta.get("files"):
        rows.append(f"<tr><th>files</th><td>{_e(', '.join(meta['files']))}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def _figures(folder: Path, kind: str, meta: Mapping[str, Any]) -> str:
    """Every figure of the folder, drawn afresh as PNG into a temporary folder and embedded as base64."""
    from sim.outputs import figures
    from sim.sweep import figures as sweep_figures

    draw = {"run": figures.plot_run, "comparison": figures.plot_comparison, "sweep": sweep_figures.plot_sweep}[kind]
    parts = []
    with tempfile.TemporaryDirectory(prefix="diplosim-report-") as tmp:
        for path in draw(folder, meta, "png", out=tmp):
            data = base64.b64encode(Path(path).read_bytes()).decode()
            caption = CAPTIONS.get(Path(path).stem, "")
            parts.append(
                f"<figure><img alt='{_e(Path(path).stem)}' src='data:image/png;base64,{data}'>"
                f"<figcaption>{_e(caption)}</figcaption></figure>"
            )
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# The page


def _run_parts(folder: Path, meta: Mapping[str, Any], window: tuple[int, int]) -> tuple[str, str, str]:
    """A run's title, its scenario, and its final trust table."""
    spec = load_scenario(folder / SCENARIO_FILE)
    when = printout.window_text(window, int(meta["replications"]), spec.start)
    results = f"<p>Final trust: {_e(when)}; median and 90% band over replications.</p>" + _run_table(
        _final_run(folder, meta)
    )
    return f"Scenario {spec.name}", _scenario_section(spec, ""), results


def _comparison_parts(folder: Path, meta: Mapping[str, Any], window: tuple[int, int]) -> tuple[str, str, str]:
    """A comparison's title, its scenarios, and its table of differences with the yardstick to read them on."""
    names = list(meta["scenarios"])
    specs = [load_scenario(folder / n / SCENARIO_FILE) for n in names]
    when = printout.window_text(window, int(meta["replications"]), specs[0].start)
    about = "".join(_scenario_section(spec, n) for spec, n in zip(specs, names, strict=True))
    note = f"<p><b>Note:</b> {_e(meta['aligned'])}.</p>" if meta.get("aligned") else ""
    results = (
        f"{note}<p>Final trust: {_e(when)}; median and 90% band over replications, grouped by dyad as"
        " <code>diplosim compare</code> prints it. Differences are taken per replication (common random"
        " numbers): the mean difference with its 95% confidence interval, and the range of 90% of the"
        " per-replication differences.</p>"
        + _comparison_table(read_comparison(folder, meta)["comparison.csv"])
        + f"<p>{_e(yardstick.observed().text())}</p>"
    )
    return "Scenarios compared: " + " vs ".join(names), about, results


def _sweep_parts(folder: Path) -> tuple[str, str, str]:
    """A sweep's title, its description and base scenario, and its summary as `diplosim sweep` prints it."""
    from sim.sweep.result import read

    sweep = read(folder)
    about = f"<p>{_e(sweep.sweep.config.description or '(no description)')}</p>" + _scenario_section(
        sweep.sweep.scenario, f"Base scenario: {sweep.sweep.scenario.name}"
    )
    return f"Sweep {sweep.sweep.name}", about, f"<pre>{_e(sweep.text())}</pre>"


def render(folder: str | Path) -> str:
    """The report of a result folder as one self-contained HTML document."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError("no such folder", file=folder, hint="give a folder written by run, compare or sweep")
    kind = _kind(folder)
    meta = read_manifest(folder, kind)
    window = window_of(meta)
    if kind == "run":
        title, about, results = _run_parts(folder, meta, window)
    elif kind == "comparison":
        title, about, results = _comparison_parts(folder, meta, window)
    else:
        title, about, results = _sweep_parts(folder)
    asked = read_outcomes(folder, meta) if kind != "sweep" else None
    if asked is not None:
        results += _outcomes_section(asked, meta, window)
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class='meta'>diplosim {__version__}: {_e(folder)}; report written {generated}."
        f" {int(meta['replications'])} replications, {int(meta['steps'])} months, seed {_e(meta.get('seed'))}.</p>"
        f"<h2>Results</h2>{results}"
        f"<h2>Figures</h2>{_figures(folder, kind, meta)}"
        f"<h2>What was run, and the essay it rests on</h2>{about}"
        f"<h2>How it was made</h2>{_manifest_section(meta)}"
        "</body></html>\n"
    )


def write_report(folder: str | Path, out: str | Path | None = None, force: bool = False) -> Path:
    """Write the report (default: folder/report.html), atomically; an existing file only with `force`."""
    path = Path(out) if out else Path(folder) / REPORT
    if path.is_dir():
        raise ConfigError("is a folder", file=path, hint="give a file name, e.g. --out report.html")
    if path.exists() and not force:
        raise ConfigError("already exists", file=path, hint="use --force to replace it, or choose another --out")
    page = render(folder)
    created = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        for parent in created:  # folders made for it, innermost first
            with contextlib.suppress(OSError):
                parent.rmdir()
        if isinstance(exc, OSError) and exc.filename in (None, str(tmp)):  # a failed write names the report
            exc.filename = str(path)
        raise
    return path
