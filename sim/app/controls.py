"""The dashboard's sidebar: which two scenarios to compare, the changes made to the second (policies from the
world's catalogue, model parameters), and the run settings. Every control edits a `Draft` (sim.app.settings);
nothing runs until Run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import solara

from sim.app import sources
from sim.app.policies import NewPolicy, add_policy, move_catalogue, policy_label
from sim.app.settings import (
    INTENSITY,
    PARAMETERS,
    PROBABILITY,
    REPLICATIONS,
    STEPS,
    DocumentedRange,
    Draft,
    error_line,
)
from sim.util import calendar
from sim.util.errors import ConfigError

MAIN_PARAMETERS = ("alpha", "mu", "beta", "half_life", "sigma")  # the rest sit under "More parameters"
STATUS_QUO = "status quo (the comparison, no policies)"
VARIANT = "variant (the reference, changed below)"
SMALL = {"font-size": "0.75em", "color": "#666"}
BASIS = 160  # characters of a policy's description shown under it
LIVE = {"continuous_update": True}  # the value counts as typed: Run or Add right after typing sees it

Change = Callable[[Callable[[Draft], Draft]], None]  # applies an edit to the draft as it is when the event arrives


@solara.component
def NumberSetting(
    name: str, value: float, bounds: DocumentedRange, on_value: Any, disabled: bool = False, note: str = ""
) -> None:
    """A slider for a narrow range, a number field for a wide one; the label states the documented range."""
    about = f"{bounds.description}; " if bounds.description else ""
    if bounds.slider:
        solara.Text(f"{name} = {value:g}{note}", style={"margin-top": "6px"})
        solara.SliderFloat(
            "",
            value=value,
            min=bounds.slider_min,
            max=bounds.slider_max,
            step=bounds.step,
            on_value=on_value,
            disabled=disabled,
        )
        solara.Text(f"{about}range {bounds.text()}", style=SMALL)
    else:
        solara.InputFloat(f"{name} ({bounds.text()}){note}", value=value, on_value=on_value, disabled=disabled)
        if about:
            solara.Text(about.rstrip("; "), style=SMALL)


@solara.component
def ScenarioPicker(draft: Draft, change: Change, extra: solara.Reactive[dict[str, sources.Loaded]]) -> None:
    """The reference and the comparison: bundled and history scenarios, files loaded by path or uploaded (which
    become the comparison), the status quo, or a variant; load errors as the command line prints them."""
    error = solara.use_reactive("")
    names = solara.use_memo(lambda: [*sources.bundled(), *sources.history()], [])
    labels = [*names, *(label for label in extra.value if label not in names)]

    def get(label: str) -> sources.Loaded | None:
        try:
            return extra.value.get(label) or sources.load_source(label)
        except ConfigError as exc:
            error.set(error_line(exc))
            return None

    def loaded(new: sources.Loaded) -> None:
        error.set("")
        extra.set({**extra.value, new.label: new})
        change(lambda d: d.with_comparison(new))

    def pick(side: str, label: str, special: str) -> None:
        chosen = None if label == special else get(label)
        if chosen is not None or label == special:
            error.set("")
            change(lambda d: d.with_reference(chosen) if side == "reference" else d.with_comparison(chosen))

    ref = STATUS_QUO if draft.reference is None else draft.reference.label
    solara.Select(
        "Reference", values=[STATUS_QUO, *labels], value=ref, on_value=lambda v: pick("reference", v, STATUS_QUO)
    )
    cmp = VARIANT if draft.comparison is None else draft.comparison.label
    solara.Select("Comparison", values=[VARIANT, *labels], value=cmp, on_value=lambda v: pick("comparison", v, VARIANT))
    ScenarioFiles(loaded, error)
    if error.value:
        solara.Error(error.value, classes=["diplosim-load-error"])


@solara.component
def ScenarioFiles(on_loaded: Callable[[sources.Loaded], None], error: solara.Reactive[str]) -> None:
    """A path field and a drop zone: the scenario read becomes the comparison."""
    path = solara.use_reactive("")

    def read(reader: Callable[[], sources.Loaded]) -> None:
        try:
            on_loaded(reader())
        except ConfigError as exc:
            error.set(error_line(exc))

    def dropped(info: Any) -> None:
        data = info["data"] or info["file_obj"].read()
        read(lambda: sources.load_upload(info["name"], data))

    with solara.Row(style={"align-items": "center"}):
        solara.InputText("…or a scenario file (path)", value=path, continuous_update=True)
        solara.Button(
            "Load", on_click=lambda: read(lambda: sources.load_source(path.value.strip())), disabled=not path.value
        )
    solara.FileDrop(label="…or drop a scenario file here (it becomes the comparison)", on_file=dropped, lazy=False)


@solara.component
def PolicyList(draft: Draft, change: Change) -> None:
    """Per policy of the comparison: on/off, probability per step and intensity, remove; with its basis."""
    start = draft.base.spec.start
    if not draft.policies:
        solara.Text("No policies: the comparison is its world's status quo. Add one below.")
    for i, setting in enumerate(draft.policies):
        policy = setting.policy

        def set_policy(i: int = i, **edit: Any) -> None:
            change(lambda d: d.with_policy(i, **edit))

        with solara.Column(gap="0px", style={"margin-bottom": "10px"}, classes=["diplosim-policy"]):
            with solara.Row(style={"align-items": "center"}):
                solara.Switch(
                    label=policy_label(policy, i, start), value=setting.on, on_value=lambda v, i=i: set_policy(i, on=v)
                )
                solara.Button(
                    icon_name="mdi-delete",
                    icon=True,
                    on_click=lambda i=i: change(lambda d: d.without_policy(i)),
                    classes=["diplosim-remove-policy"],
                )
            off = not setting.on
            NumberSetting(
                "probability per step",
                policy.probability,
                PROBABILITY,
                lambda v, i=i: set_policy(i, probability=v),
                off,
            )
            NumberSetting("intensity", policy.intensity, INTENSITY, lambda v, i=i: set_policy(i, intensity=v), off)
            basis = policy.description or ", ".join(policy.evidence)
            if basis:  # a history's sources run long: the first BASIS characters, all of it on hover
                short = basis if len(basis) <= BASIS else basis[: BASIS - 1] + "…"
                solara.v.Html(
                    tag="span", attributes={"title": basis}, style_="font-size: 0.8em; color: #555", children=[short]
                )


@solara.component
def AddPolicy(draft: Draft, change: Change) -> None:
    """A policy from the world's catalogue: move or bundle, actor and target (the world's codes), when (dates with
    a calendar), how often, probability and intensity. Checked at once, like a line of the scenario file."""
    spec = draft.base.spec
    moves, actors = move_catalogue(spec), spec.actors
    fresh = NewPolicy(next(iter(moves)), actors[1], actors[0], spec.start or 1)
    form = solara.use_reactive(fresh)
    error = solara.use_reactive("")

    def current() -> NewPolicy:
        """The form as filled in, or a fresh one when another scenario's world or calendar was picked."""
        f = form.value
        fits = {f.actor, f.target} <= set(actors) and f.move in moves and isinstance(f.start, str) == bool(spec.start)
        return f if fits else fresh

    def edit(**fields: Any) -> None:
        form.set(replace(current(), **fields))

    def add() -> None:
        try:
            change(lambda d: add_policy(d, current()))
        except ConfigError as exc:
            error.set(error_line(exc))
            return
        error.set("")

    f = current()
    solara.Select("Move or bundle", values=list(moves), value=f.move, on_value=lambda v: edit(move=v))
    solara.Text(moves[f.move], style=SMALL)
    with solara.Row():
        solara.Select("Actor", values=actors, value=f.actor, on_value=lambda v: edit(actor=v))
        solara.Select("Target", values=actors, value=f.target, on_value=lambda v: edit(target=v))
    When(spec.start, spec.steps, f, edit)
    NumberSetting("probability per step", f.probability, PROBABILITY, lambda v: edit(probability=v))
    NumberSetting("intensity", f.intensity, INTENSITY, lambda v: edit(intensity=v))
    solara.Button("Add policy", on_click=add, color="primary", outlined=True, classes=["diplosim-add-policy"])
    if error.value:
        solara.Error(error.value, classes=["diplosim-add-error"])


@solara.component
def When(start: str | None, steps: int, form: NewPolicy, edit: Callable[..., None]) -> None:
    """The new policy's schedule: dates "YYYY-MM" on a calendar, else months; and every how many months."""
    with solara.Row():
        if start:
            solara.InputText("from", value=str(form.start), on_value=lambda v: edit(start=v.strip()), **LIVE)
            solara.InputText("until", value=str(form.end or ""), on_value=lambda v: edit(end=v.strip()), **LIVE)
        else:
            solara.InputInt("from month", value=int(form.start), on_value=lambda v: edit(start=v), **LIVE)
            solara.InputInt("until month", value=int(form.end or 0), on_value=lambda v: edit(end=v or None), **LIVE)
        solara.InputInt("every (months)", value=form.every, on_value=lambda v: edit(every=v), **LIVE)
    if start:
        solara.Text(
            f"Dates as YYYY-MM, {start} to {calendar.date_of(steps, start)}; no until: to the end.", style=SMALL
        )
    else:
        solara.Text(f"Months 1 to {steps}; until 0: to the end.", style=SMALL)


@solara.component
def ParameterControls(draft: Draft, change: Change) -> None:
    """The comparison's model parameters with their documented ranges; a changed one shows the scenario's value."""
    own = draft.base.spec.parameters.model_dump()

    def field(name: str) -> None:
        value = draft.parameters[name]
        note = f" (was {own[name]:g})" if value != own[name] else ""
        NumberSetting(name, value, PARAMETERS[name], lambda v: change(lambda d: d.with_parameter(name, v)), note=note)

    for name in MAIN_PARAMETERS:
        field(name)
    with solara.Details("More parameters"):
        for name in PARAMETERS:
            if name not in MAIN_PARAMETERS:
                field(name)


@solara.component
def RunControls(draft: Draft, change: Change) -> None:
    """Months, replications and seed: the same for both scenarios, so they run on the same random numbers."""
    start = draft.base.spec.start
    solara.InputInt(
        f"Months ({STEPS.text()})",
        value=draft.steps,
        on_value=lambda v: change(lambda d: d.with_run(steps=v)),
        **LIVE,
    )
    if start:
        solara.Text(f"{start} to {calendar.date_of(draft.steps, start)}", style=SMALL)
    solara.InputInt(
        f"Replications ({REPLICATIONS.text()})",
        value=draft.replications,
        on_value=lambda v: change(lambda d: d.with_run(replications=v)),
        **LIVE,
    )
    solara.InputInt("Seed", value=draft.seed, on_value=lambda v: change(lambda d: d.with_run(seed=v)), **LIVE)
    solara.Text(  # what Run will use, as the page has it (and a sign that what was typed has arrived)
        f"Run: {draft.replications:,} replications × {draft.steps:,} months, seed {draft.seed}",
        style=SMALL,
        classes=["diplosim-run-settings"],
    )
