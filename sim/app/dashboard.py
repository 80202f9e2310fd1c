"""The dashboard page: pick two scenarios (or one and a variant of it), change the second, run, compare, download.

Controls sit in the sidebar (sim.app.controls) and edit one `Draft`; Run resolves it into two scenarios and
compares them on common random numbers in a Solara task (a worker thread), so the page stays responsive and shows
a progress bar. The main column (sim.app.panels) shows the scenarios, the run's status, the final-trust table with
its yardstick, trust fan charts with the paired difference, Pakistan's alignment, the trust network and the
download. Results stay up after any change, marked out of date until the next run. All state is per browser tab.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import solara

from sim.app import compute, figures, sources
from sim.app.controls import AddPolicy, Change, ParameterControls, PolicyList, RunControls, ScenarioPicker
from sim.app.panels import STALE, Chart, Download, Essay, FinalTable, Network, View, actor_names
from sim.app.settings import Draft, default_dyads, dyad_labels, error_line, resolve_draft, status_quo, variant_name
from sim.runs import yardstick
from sim.scenario.dyads import parse, split
from sim.util.errors import ConfigError


@dataclass(frozen=True)
class Asked:
    """What Run asked for: the draft as it was, and the request it resolved to."""

    draft: Draft
    request: compute.Request


def ask(draft: Draft) -> Asked:
    """The draft resolved into two scenarios and the run settings both share (ConfigError if it cannot be)."""
    reference, comparison = resolve_draft(draft)
    return Asked(draft, compute.Request(reference, comparison, draft.steps, draft.replications, draft.seed))


def run_and_draw(asked: Asked, dyads: list[str], number: int, report: Callable[[float, str], None]) -> View:
    """Run (or fetch from the cache) the comparison and draw its charts for the dyads shown."""
    started, request = time.perf_counter(), asked.request
    size = f"{request.replications} replications × {request.steps} months each"
    report(0.1, f"running {request.comparison.name} and {request.reference.name}: {size}")
    outcome = compute.run_pair(request)
    actors = request.reference.actors
    shown = tuple(pair for pair in map(split, dyads) if pair and set(pair) <= set(actors))
    shown = shown or tuple(parse(d, actors) for d in default_dyads(actors))
    report(0.8, "drawing")
    error = yardstick.observed().sampling_error
    trust = figures.png(figures.trust_figure(outcome, shown, actor_names(request.reference), error))
    alignment = figures.png(figures.alignment_figure(outcome, error)) if outcome.alignment is not None else None
    return View(asked.draft, outcome, shown, trust, alignment, number, time.perf_counter() - started)


@solara.component
def Dashboard() -> None:
    first = solara.use_memo(sources.initial, [])
    draft = solara.use_reactive(Draft.start(first))
    extra = solara.use_reactive({first.label: first})
    dyads = solara.use_reactive(default_dyads(first.spec.actors))
    asked = solara.use_reactive(solara.use_memo(lambda: ask(draft.value), []))
    runs, phase, error = solara.use_reactive(1), solara.use_reactive(""), solara.use_reactive("")

    def work() -> View:
        def report(fraction: float, what: str) -> None:
            task.progress = 100 * fraction
            phase.set(what)

        return run_and_draw(asked.value, dyads.value, runs.value, report)

    task = solara.lab.use_task(work, dependencies=[runs.value, tuple(dyads.value)], raise_error=False)

    def run() -> None:
        try:
            asked.set(ask(draft.value))
        except ConfigError as exc:
            error.set(error_line(exc))
            return
        error.set("")
        runs.set(runs.value + 1)

    def change(edit: Callable[[Draft], Draft]) -> None:
        """Apply an edit to the draft as it is now (never to the one a control was drawn with)."""
        old = draft.value
        new = edit(old)
        if new.base.spec.actors != old.base.spec.actors:
            dyads.set(default_dyads(new.base.spec.actors))
        draft.set(new)

    solara.Title("diplosim dashboard")
    Sidebar(draft.value, change, extra, dyads, run, task.pending, error.value)
    ResultsPanel(draft.value, task, phase.value)


@solara.component
def Sidebar(
    draft: Draft,
    change: Change,
    extra: solara.Reactive[dict[str, sources.Loaded]],
    dyads: solara.Reactive[list[str]],
    run: Callable[[], None],
    running: bool,
    error: str,
) -> None:
    """The controls: scenarios, the comparison's changes, run settings, and Run."""
    base = draft.base.spec.name
    with solara.Sidebar():
        with solara.Card("Compare", subtitle="the comparison against the reference"):
            ScenarioPicker(draft, change, extra)
        with solara.Card("Policies", subtitle=f"of the comparison: {base}"):
            PolicyList(draft, change)
            with solara.Details("Add a policy"):
                AddPolicy(draft, change)
        with solara.Card("Model parameters", subtitle=f"of the comparison: {base}"):
            ParameterControls(draft, change)
        with solara.Card("Run", subtitle="both scenarios, on the same random numbers"):
            RunControls(draft, change)
            solara.SelectMultiple(
                "Dyads shown",
                values=dyads.value,
                all_values=dyad_labels(draft.base.spec.actors),
                on_value=lambda chosen: dyads.set(chosen) if chosen else None,  # at least one stays
            )
            with solara.Row():
                solara.Button("Run", color="primary", on_click=run, disabled=running, classes=["diplosim-run"])
                solara.Button("Undo changes", on_click=lambda: change(Draft.reset), text=True)
            if error:
                solara.Error(error, classes=["diplosim-settings-error"])


@solara.component
def ResultsPanel(draft: Draft, task: solara.lab.Task, phase: str) -> None:
    """The scenarios, the status of the last run, and its results (marked when the controls have moved on)."""
    view: View | None = task.latest
    reference = status_quo(draft.base.spec) if draft.reference is None else draft.reference.spec
    with solara.Row(style={"align-items": "stretch"}):
        Essay("Reference", reference.name, reference, draft.reference)
        Essay("Comparison", variant_name(draft), draft.base.spec, draft.base)
    Status(task, phase, view)
    if view is None:
        return
    stale = view.draft != draft
    if stale:
        solara.Warning(STALE, classes=["diplosim-stale"])
    with solara.Column(style={"opacity": "0.45"} if stale else {}, classes=["diplosim-results"]):
        FinalTable(view, yardstick.observed())
        ref, scen = view.outcome.names
        Chart(view.trust_png, f"{scen}_trust.png", "diplosim-trust-chart")
        if view.alignment_png:
            Chart(view.alignment_png, f"{scen}_alignment.png", "diplosim-alignment-chart")
        Network(view, actor_names(view.outcome.specs[ref]))
        Download(view)


@solara.component
def Status(task: solara.lab.Task, phase: str, view: View | None) -> None:
    """A progress bar while running, the error of a failed run, or what the shown results are."""
    if task.pending:
        solara.ProgressLinear(task.progress if task.progress is not None else True)
        solara.Text(f"Updating: {phase}…", classes=["diplosim-status"])
    elif task.error:
        exc = task.exception
        text = error_line(exc) if isinstance(exc, ConfigError) else f"The run failed: {exc}"
        solara.Error(text, classes=["diplosim-status", "diplosim-run-error"])
    if view is None or task.pending:
        return
    outcome, draft = view.outcome, view.draft
    ref, scen = outcome.names
    changes = " (changed on the page)" if draft.changed else ""
    solara.Text(
        f"Run {view.number} done: {scen}{changes} against {ref}, {outcome.replications} replications ×"
        f" {outcome.steps} months, seed {outcome.specs[ref].seed}, in {view.seconds:.2f} s.",
        classes=["diplosim-status"],
    )
