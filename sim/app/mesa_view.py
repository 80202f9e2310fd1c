"""Mesa's own SolaraViz on one replication: Play / Step / Reset, parameters in the sidebar, trust as it moves.

The conventions of any Mesa model: `model_params` sliders (ranges from the pydantic schema), a seed box, plots
of DataCollector reporters (`trust_PAK_USA` ...) and a custom component, here the trust network now.
"""

from __future__ import annotations

from typing import Any

import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz, make_plot_component

from sim.app.settings import PARAMETERS
from sim.app.sources import initial
from sim.app.viz_model import VizModel
from sim.figures.network import draw_network
from sim.figures.style import OKABE_ITO
from sim.scenario.load import list_scenarios
from sim.scenario.schema import Scenario


def model_params(spec: Scenario, choice: str) -> dict[str, Any]:
    """SolaraViz's model_params: the scenario, the seed, and a slider per narrow-range model parameter."""
    names = list(list_scenarios())
    if choice not in names:
        names.append(choice)
    params: dict[str, Any] = {
        "scenario_name": {"type": "Select", "value": choice, "values": names, "label": "Scenario"},
        "rng": {"type": "InputText", "value": str(spec.seed), "label": "Random seed"},
    }
    for name, bounds in PARAMETERS.items():
        if bounds.slider:
            params[name] = {
                "type": "SliderFloat",
                "value": getattr(spec.parameters, name),
                "min": bounds.slider_min,
                "max": bounds.slider_max,
                "step": bounds.step,
                "label": name,
            }
    return params


def trust_plots(actors: list[str]) -> list[Any]:
    """Two line plots of DataCollector reporters: the first actor's trust in the others, and theirs in it."""
    pivot, others = actors[0], actors[1:]
    colours = OKABE_ITO
    outward = {f"trust_{pivot}_{o}": colours[i % 8] for i, o in enumerate(others)}
    inward = {f"trust_{o}_{pivot}": colours[i % 8] for i, o in enumerate(others)}
    return [make_plot_component(outward), make_plot_component(inward)]


def TrustNetworkNow(model: VizModel) -> Any:
    """The trust network at the model's current step (SolaraViz redraws it after every step)."""
    actors = model.world.actors
    trust = {(a, b): model.trust[0, i, j] for i, a in enumerate(actors) for j, b in enumerate(actors) if i != j}
    fig = Figure(figsize=(4.6, 4.2))
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.92)
    draw_network(fig.subplots(), trust, actors, f"{model.config.name}: trust network at month {model.steps}")
    return solara.FigureMatplotlib(fig, format="png")


@solara.component
def StepThrough() -> None:
    """SolaraViz on VizModel, starting from the scenario the app was started with."""
    first = solara.use_memo(initial, [])
    choice = first.label if first.label in list_scenarios() else first.source
    model = solara.use_memo(lambda: VizModel(choice), [])
    SolaraViz(
        model,
        components=[*trust_plots(first.spec.actors), TrustNetworkNow],
        model_params=model_params(first.spec, choice),
        name="diplosim: one replication, step by step (Mesa SolaraViz)",
    )
