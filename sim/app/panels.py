"""The dashboard's main column: what the two scenarios are, what ran, and what came out (the final-trust table with
its yardstick, the charts, the trust network at a chosen month, the download of the whole comparison).

Results stay on screen after the controls change, marked out of date until the next run.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import solara

from sim.app import compute, export, figures
from sim.app.policies import when
from sim.app.settings import Draft, sentences
from sim.app.sources import Loaded
from sim.runs.yardstick import Yardstick
from sim.scenario.schema import Scenario

STALE = "Out of date — press Run: the controls have changed since these results were computed."


@dataclass(frozen=True)
class View:
    """One finished update: the draft it ran, the runs, and the charts drawn from them for the dyads shown."""

    draft: Draft
    outcome: compute.PairedRuns
    dyads: tuple[tuple[str, str], ...]
    trust_png: bytes
    alignment_png: bytes | None
    number: int
    seconds: float  # the whole update: runs, tables and these charts (the network follows in its own task)


def actor_names(spec: Scenario) -> dict[str, str]:
    return {code: actor.name for code, actor in spec.world.actors.items()}


@solara.component
def Essay(role: str, name: str, spec: Scenario, source: Loaded | None) -> None:
    """One scenario's name, description, file and the essay sentences it and its policies rest on."""
    ids = list(dict.fromkeys([*spec.evidence, *(sid for p in spec.policies for sid in p.evidence)]))
    shown = ""
    if source is not None:
        path = Path(source.source)
        inside = path.is_absolute() and path.is_relative_to(Path.cwd())
        shown = str(path.relative_to(Path.cwd()) if inside else path)
    with solara.Card(f"{role}: {name}", subtitle=shown, classes=[f"diplosim-{role.lower()}"], style={"flex": "1"}):
        solara.Text(spec.description or "(no description)")
        if ids:
            quotes = "".join(f"<li><b>{sid}</b> “{html.escape(text)}”</li>" for sid, text in sentences(ids))
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"<p style='margin:8px 0 2px'>Essay sentences it rests on:</p>"
                f"<ul style='font-size:0.9em'>{quotes}</ul>",
            )


def _table(rows: list[dict[str, str]]) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 12px 2px 0'>{html.escape(k)}</th>" for k in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 12px 2px 0'>{html.escape(v)}</td>" for v in row.values()) + "</tr>"
        for row in rows
    )
    return f"<table style='border-collapse:collapse;font-size:0.9em'><tr>{head}</tr>{body}</table>"


@solara.component
def FinalTable(view: View, yardstick: Yardstick) -> None:
    """Final trust per dyad shown, the difference with its 95% interval, and the scale to read it on."""
    outcome = view.outcome
    first, last = (when(step, outcome.start) for step in outcome.window)
    with solara.Card(f"Final trust (mean of {first} to {last}): median [90% of replications]"):
        solara.HTML(tag="div", unsafe_innerHTML=_table(figures.final_rows(outcome, view.dyads)))
        solara.Text(
            f"The difference is the mean over replications of {outcome.names[1]} − {outcome.names[0]}, each pair"
            " run on the same random numbers; its bracketed 95% interval narrows with more replications.",
            style={"font-size": "0.85em", "margin-top": "6px", "display": "block"},
        )
        solara.Text(yardstick.text(), style={"font-size": "0.85em", "display": "block"}, classes=["diplosim-yardstick"])


@solara.component
def Chart(png: bytes, filename: str, css: str) -> None:
    """A chart with its download button."""
    with solara.Column(classes=[css], gap="4px"):
        solara.Image(png, width="100%")
        solara.FileDownload(png, filename=filename, label=f"Download {filename}", mime_type="image/png")


@solara.component
def Network(view: View, names: Mapping[str, str]) -> None:
    """The trust network at the slider's month, drawn in its own task after the update's charts."""
    outcome = view.outcome
    month = solara.use_reactive(outcome.steps)
    at = min(month.value, outcome.steps)

    def draw() -> tuple[int, int, bytes]:
        return view.number, at, figures.png(figures.network_figure(outcome, at, names))

    task = solara.lab.use_task(draw, dependencies=[view.number, at], raise_error=False)
    drawn = task.latest
    png = drawn[2] if drawn and drawn[:2] == (view.number, at) else None
    with solara.Card("Trust network"):
        solara.SliderInt(f"Month: {when(at, outcome.start)}", value=at, min=0, max=outcome.steps, on_value=month.set)
        if task.pending:
            solara.ProgressLinear(True)
        if task.error:
            solara.Error(f"The network could not be drawn: {task.exception}")
        if png:
            Chart(png, f"{outcome.names[1]}_network_month{at}.png", "diplosim-network-chart")


@solara.component
def Download(view: View) -> None:
    """The comparison as a zip of the folder `diplosim compare` writes, built when the button is pressed."""
    outcome = view.outcome
    data = solara.use_memo(lambda: partial(export.zipped, outcome), [view.number])
    name = export.folder_name(outcome)
    with solara.Card("Download"):
        solara.Text(
            f"{name}.zip: the comparison folder `diplosim compare` writes for these two scenarios and run settings"
            " (comparison.csv, comparison_steps.csv, each scenario's scenario.toml and trajectories.nc, the figures"
            " under plots/, manifest.json). `diplosim compare` on its two scenario.toml files with the same"
            " --steps, --replications and --seed gives the same tables."
        )
        solara.FileDownload(
            data,
            filename=f"{name}.zip",
            label=f"Download {name}.zip",
            mime_type="application/zip",
        )
