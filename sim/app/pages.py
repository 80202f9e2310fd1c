"""The Solara app `diplosim app` serves: the dashboard at / and Mesa's SolaraViz step-through view at /mesa."""

from __future__ import annotations

from typing import Any

import solara

from sim.app.dashboard import Dashboard
from sim.app.mesa_view import StepThrough


@solara.component
def Layout(children: list[Any] = []) -> Any:  # noqa: B006 (Solara's component signature)
    """Solara's app layout with the routes as tabs named by their labels."""
    route, all_routes = solara.use_route()
    router = solara.use_router()
    index = all_routes.index(route) if route in all_routes else 0

    def go(i: int) -> None:
        router.push("/" + all_routes[i].path.strip("/"))

    tabs = solara.lab.Tabs(
        value=index, on_value=go, align="center", children=[solara.lab.Tab(r.label) for r in all_routes]
    )
    return solara.AppLayout(children=[solara.AppBar(children=[tabs]), *children], title="diplosim")


# The root route's layout wraps every page (Solara applies it to all siblings of "/")
routes = [
    solara.Route(path="/", component=Dashboard, label="Dashboard", layout=Layout),
    solara.Route(path="mesa", component=StepThrough, label="Step through (Mesa SolaraViz)"),
]
