"""The dashboard page: pick a scenario, change its policies and parameters, run, compare, export.

Controls sit in the sidebar; the main column shows the scenario and its essay sentences, the run's status, the
final-trust table, trust fan charts beside the status quo with their paired difference, Pakistan's alignment,
the trust network at a chosen month, and the export. Runs go through a Solara task (a worker thread), so the
page stays responsive and shows a progress bar; all state is per browser tab.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solara

from sim.app import compute, export, figures, sources
from sim.app.server import SCENARIO_VARIABLE
from sim.app.settings import (
    INTENSITY,
    PARAMETERS,
    PROBABILITY,
    REPLICATIONS,
    STEPS,
    Range,
    Settings,
    all_dyads,
    apply,
    default_dyads,
    error_line,
    load_upload,
    parse_dyad,
    policy_label,
    sentences,
)
from sim.scenario.load import list_scenarios
from sim.scenario.schema import Scenario
from sim.util.errors import ConfigError

MAIN_PARAMETERS = ("alpha", "mu", "beta", "half_life", "sigma")  # the rest sit under "More parameters"


@dataclass(frozen=True)
class Loaded:
    """A scenario as loaded, with the file its errors name and the label the scenario picker shows."""

    spec: Scenario
    source: str
    label: str


@dataclass(frozen=True)
class View:
    """One finished update: the runs, and the charts drawn from them for the dyads shown."""

    outcome: compute.Outcome
    dyads: tuple[tuple[str, str], ...]
    trust_png: bytes
    alignment_png: bytes
    number: int
    seconds: float  # the whole update: runs, tables and these charts (the network follows in its own task)


def load(ref: str) -> Loaded:
    """A bundled scenario by name, or a scenario file by path from the places the docs name (sim.app.sources;
    errors as ConfigError)."""
    spec, path = sources.open_scenario(ref)
    bundled = ref in list_scenarios()
    return Loaded(spec, str(path), ref if bundled else f"{spec.name} ({path})")


def initial() -> Loaded:
    return load(os.environ.get(SCENARIO_VARIABLE, "baseline"))


def _names(spec: Scenario) -> dict[str, str]:
    return {code: actor.name for code, actor in spec.world.actors.items()}


@solara.component
def NumberSetting(name: str, value: float, bounds: Range, on_value: Any, disabled: bool = False) -> None:
    """A slider for a narrow range, a number field for a wide one; the label states the documented range."""
    about = f"{bounds.description}; " if bounds.description else ""
    if bounds.slider:
        solara.Text(f"{name} = {value:g}", style={"margin-top": "6px"})
        solara.SliderFloat(
            "",
            value=value,
            min=bounds.slider_min,
            max=bounds.slider_max,
            step=bounds.step,
            on_value=on_value,
            disabled=disabled,
        )
        solara.Text(f"{about}range {bounds.text()}", style={"font-size": "0.75em", "color": "#666"})
    else:
        solara.InputFloat(f"{name} ({bounds.text()})", value=value, on_value=on_value, disabled=disabled)
        if about:
            solara.Text(about.rstrip("; "), style={"font-size": "0.75em", "color": "#666"})


@solara.component
def Sources(current: Loaded, on_load: Callable[[Loaded], None]) -> None:
    """Scenario picker, a path field and a drop zone for scenario files; load errors as the CLI prints them."""
    path, error = solara.use_reactive(""), solara.use_reactive("")
    bundled = solara.use_memo(lambda: list(list_scenarios()), [])

    def choose(ref: str, reader: Callable[[str], Loaded] = load) -> None:
        try:
            new = reader(ref)
        except ConfigError as exc:
            error.set(error_line(exc))
            return
        error.set("")
        on_load(new)

    def dropped(info: Any) -> None:
        name, data = info["name"], info["data"] or info["file_obj"].read()

        def read(_: str) -> Loaded:
            spec = load_upload(name, data)
            return Loaded(spec, name, f"{spec.name} (uploaded {name})")

        choose(name, read)

    labels = bundled if current.label in bundled else [*bundled, current.label]

    def pick(label: str) -> None:
        if label != current.label:  # a loaded file's own entry is already loaded
            choose(label)

    solara.Select("Scenario", values=labels, value=current.label, on_value=pick)
    with solara.Row(style={"align-items": "center"}):
        solara.InputText("…or a scenario file (path)", value=path, continuous_update=True)
        solara.Button("Load", on_click=lambda: choose(path.value.strip()), disabled=not path.value.strip())
    solara.FileDrop(label="…or drop a scenario file here", on_file=dropped, lazy=False)
    if error.value:
        solara.Error(error.value, classes=["diplosim-load-error"])


@solara.component
def Policies(spec: Scenario, settings: solara.Reactive[Settings]) -> None:
    """Per policy: on/off, probability per step and intensity (ranges from the schema), with its essay basis."""
    if not spec.policies:
        solara.Text("This scenario has no policies: it is the status quo.")
    # zip: when another scenario loads, one render may see its policies with the previous scenario's settings
    for i, (policy, s) in enumerate(zip(spec.policies, settings.value.policies, strict=False)):

        def set_policy(i: int = i, **change: Any) -> None:
            settings.set(settings.value.with_policy(i, **change))

        with solara.Column(gap="0px", style={"margin-bottom": "10px"}):
            solara.Switch(label=policy_label(policy, i), value=s.on, on_value=lambda v, i=i: set_policy(i, on=v))
            NumberSetting(
                "probability per step",
                s.probability,
                PROBABILITY,
                lambda v, i=i: set_policy(i, probability=v),
                not s.on,
            )
            NumberSetting("intensity", s.intensity, INTENSITY, lambda v, i=i: set_policy(i, intensity=v), not s.on)
            basis = policy.description or ", ".join(policy.evidence)
            if basis:
                solara.Text(basis, style={"font-size": "0.8em", "color": "#555"})


@solara.component
def Parameters(settings: solara.Reactive[Settings]) -> None:
    """The model's parameters with their documented ranges; the main ones first, the rest folded."""

    def field(name: str) -> None:
        NumberSetting(
            name,
            settings.value.parameters[name],
            PARAMETERS[name],
            lambda v: settings.set(settings.value.with_parameter(name, v)),
        )

    for name in MAIN_PARAMETERS:
        field(name)
    with solara.Details("More parameters"):
        for name in PARAMETERS:
            if name not in MAIN_PARAMETERS:
                field(name)


@solara.component
def RunSettings(settings: solara.Reactive[Settings]) -> None:
    s = settings.value

    def set_value(**change: Any) -> None:
        settings.set(Settings(**{**s.__dict__, **change}))

    solara.InputInt(
        f"Months ({STEPS.text()})", value=s.steps, on_value=lambda v: set_value(steps=v), continuous_update=True
    )
    solara.InputInt(
        f"Replications ({REPLICATIONS.text()})",
        value=s.replications,
        on_value=lambda v: set_value(replications=v),
        continuous_update=True,
    )
    solara.InputInt("Seed", value=s.seed, on_value=lambda v: set_value(seed=v), continuous_update=True)


def _table(rows: list[dict[str, str]]) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 12px 2px 0'>{html.escape(k)}</th>" for k in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 12px 2px 0'>{html.escape(v)}</td>" for v in row.values()) + "</tr>"
        for row in rows
    )
    return f"<table style='border-collapse:collapse;font-size:0.9em'><tr>{head}</tr>{body}</table>"


@solara.component
def Chart(png: bytes, filename: str, css: str) -> None:
    """A chart with its download button."""
    with solara.Column(classes=[css], gap="4px"):
        solara.Image(png, width="100%")
        solara.FileDownload(png, filename=filename, label=f"Download {filename}", mime_type="image/png")


@solara.component
def Essay(loaded: Loaded) -> None:
    """The scenario's description and the essay sentences it and its policies rest on."""
    spec = loaded.spec
    ids = list(dict.fromkeys([*spec.evidence, *(sid for p in spec.policies for sid in p.evidence)]))
    source = Path(loaded.source)
    shown = source.relative_to(Path.cwd()) if source.is_absolute() and source.is_relative_to(Path.cwd()) else source
    with solara.Card(f"Scenario: {spec.name}", subtitle=str(shown)):
        solara.Text(spec.description or "(no description)")
        if ids:
            quotes = "".join(f"<li><b>{sid}</b> “{html.escape(text)}”</li>" for sid, text in sentences(ids))
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"<p style='margin:8px 0 2px'>Essay sentences it rests on:</p>"
                f"<ul style='font-size:0.9em'>{quotes}</ul>",
            )


@solara.component
def Dashboard() -> None:
    first = solara.use_memo(initial, [])
    loaded = solara.use_reactive(first)
    settings = solara.use_reactive(Settings.of(first.spec))
    dyads = solara.use_reactive(default_dyads(first.spec.actors))
    first_run = solara.use_memo(lambda: apply(first.spec, Settings.of(first.spec), first.source), [])
    requested = solara.use_reactive(first_run)
    runs = solara.use_reactive(1)
    settings_error = solara.use_reactive("")
    phase = solara.use_reactive("")
    month = solara.use_reactive(first.spec.steps)
    exported = solara.use_reactive("")
    export_error = solara.use_reactive("")
    spec, names = loaded.value.spec, _names(loaded.value.spec)

    def update() -> View:
        started = time.perf_counter()

        def report(fraction: float, what: str) -> None:
            task.progress = 100 * fraction
            phase.set(what)

        outcome = compute.simulate(requested.value, report)
        shown = tuple(parse_dyad(d) for d in dyads.value)
        report(0.95, "drawing")
        trust = figures.png(figures.trust_figure(outcome, shown, names))
        alignment = figures.png(figures.alignment_figure(outcome))
        return View(outcome, shown, trust, alignment, runs.value, time.perf_counter() - started)

    task = solara.lab.use_task(update, dependencies=[runs.value, tuple(dyads.value)], raise_error=False)
    view: View | None = task.latest
    steps = view.outcome.steps if view else spec.steps
    at = min(month.value, steps)

    def draw_network() -> tuple[int, int, bytes] | None:
        """The trust network at the slider's month, drawn after the update's charts (and when the slider moves)."""
        if view is None:
            return None
        return view.number, at, figures.png(figures.network_figure(view.outcome, at, names))

    network = solara.lab.use_task(draw_network, dependencies=[id(view), at], raise_error=False)
    drawn = network.latest
    network_png = drawn[2] if drawn and view and drawn[:2] == (view.number, at) else None

    def run() -> None:
        try:
            scenario = apply(loaded.value.spec, settings.value, loaded.value.source)
        except ConfigError as exc:
            settings_error.set(error_line(exc))
            return
        settings_error.set("")
        requested.set(scenario)
        exported.set("")
        runs.set(runs.value + 1)

    def load_and_run(new: Loaded) -> None:
        """A newly loaded scenario replaces the settings and runs at once, as the first one did."""
        loaded.set(new)
        settings.set(Settings.of(new.spec))
        dyads.set(default_dyads(new.spec.actors))
        run()

    def write() -> None:
        if view is None:
            return
        target = export.default_folder(view.outcome)  # the server names the folder: never a client
        screen = {"trust": view.trust_png, "alignment": view.alignment_png}
        if network_png:
            screen["network"] = network_png
        shown = {"dyads": [f"{o}->{t}" for o, t in view.dyads], "network_month": at}
        try:
            written = export.export(target, view.outcome, screen, shown)
        except ConfigError as exc:
            export_error.set(error_line(exc))
            return
        except OSError as exc:
            export_error.set(f"diplosim: error: {exc.filename or target}: {exc.strerror or exc}")
            return
        export_error.set("")
        exported.set(str(written))

    solara.Title("diplosim dashboard")
    with solara.AppBar():
        solara.AppBarTitle("diplosim: trust among Pakistan, the US, China and India")

    with solara.Sidebar():
        with solara.Card("Scenario"):
            Sources(loaded.value, load_and_run)
        with solara.Card("Policies"):
            Policies(spec, settings)
        with solara.Card("Model parameters"):
            Parameters(settings)
        with solara.Card("Run"):
            RunSettings(settings)
            solara.SelectMultiple(
                "Dyads shown",
                values=dyads.value,
                all_values=all_dyads(spec.actors),
                on_value=lambda chosen: dyads.set(chosen) if chosen else None,  # at least one stays
            )
            with solara.Row():
                solara.Button("Run", color="primary", on_click=run, disabled=task.pending, classes=["diplosim-run"])
                solara.Button(
                    "Reset to the scenario",
                    on_click=lambda: settings.set(Settings.of(spec)),
                    text=True,
                )
            if settings_error.value:
                solara.Error(settings_error.value, classes=["diplosim-settings-error"])

    Essay(loaded.value)
    if task.pending:
        solara.ProgressLinear(task.progress if task.progress is not None else True)
        solara.Text(f"Updating: {phase.value}…", classes=["diplosim-status"])
    elif task.error:
        solara.Error(f"The run failed: {task.exception}", classes=["diplosim-status"])
    if view is None:
        return
    outcome = view.outcome
    ref, scen = outcome.names
    if not task.pending:
        on, total = len(outcome.specs[scen].policies), len(spec.policies)
        policies = f" ({on} of {total} policies on)" if on != total else ""
        solara.Text(
            f"Run {view.number} done: {scen}{policies} against {ref}, {outcome.replications} replications ×"
            f" {outcome.steps} months, seed {outcome.specs[scen].seed}, in {view.seconds:.2f} s.",
            classes=["diplosim-status"],
        )
    with solara.Card("Final trust (mean of the last 12 months): median [90% of replications]"):
        solara.HTML(tag="div", unsafe_innerHTML=_table(figures.final_rows(outcome, view.dyads)))
    Chart(view.trust_png, f"{scen}_trust.png", "diplosim-trust-chart")
    Chart(view.alignment_png, f"{scen}_alignment.png", "diplosim-alignment-chart")
    with solara.Card("Trust network"):
        solara.SliderInt(f"Month: {at}", value=at, min=0, max=steps, on_value=month.set)
        if network.pending:
            solara.ProgressLinear(True)
        if network.error:
            solara.Error(f"The network could not be drawn: {network.exception}")
        if network_png:
            Chart(network_png, f"{scen}_network_month{at}.png", "diplosim-network-chart")
    with solara.Card("Export"):
        solara.Text(
            "Writes a comparison folder like `diplosim compare` (tables, trajectories, scenarios, figures, manifest)"
            " with the charts above added as plots/app_*.png, into results/<a>_vs_<b>/<time> under the folder the"
            " server was started in."
        )
        solara.Button("Export result folder", on_click=write, color="primary", classes=["diplosim-export"])
        if exported.value:
            solara.Success(f"Wrote {exported.value}/", classes=["diplosim-exported"])
        if export_error.value:
            solara.Error(export_error.value, classes=["diplosim-export-error"])
