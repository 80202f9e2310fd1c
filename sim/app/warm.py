"""What the server does once as it starts, in the background: calibrate the first scenario's world and load the
numerical and plotting stack (about 2 s per process), so that the first page's first update is as quick as the
next ones."""

from __future__ import annotations

from sim.app import compute, figures, sources
from sim.app.settings import Draft, resolve_draft
from sim.scenario.load import load_scenario


def warm_up(scenario: str) -> None:
    """A tiny comparison of `scenario` (as given on the command line, already checked) against its status quo, one
    chart of it, and the list of history replays."""
    sources.history()
    draft = Draft.start(sources.Loaded(load_scenario(scenario), scenario, scenario))
    reference, comparison = resolve_draft(draft)
    outcome = compute.run_pair(compute.Request(reference, comparison, draft.steps, 2, draft.seed))
    figures.png(figures.trust_figure(outcome, [tuple(reference.actors[:2])], {}, 0.0))
