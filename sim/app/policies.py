"""The policies a user can add to the comparison: the world's catalogue of moves and bundles, and a policy built
from the page's form, checked like one written in the scenario file (dates resolved on the scenario's calendar).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.app.settings import Draft, on_page
from sim.scenario.load import validate_raw
from sim.scenario.schema import Policy, Scenario
from sim.util import calendar
from sim.util.errors import ConfigError

ADDED = "added on the dashboard"


@dataclass(frozen=True)
class NewPolicy:
    """The form's fields. `start` and `end` are months (1 = the first) or, with a calendar, dates "YYYY-MM";
    `end` None or "" runs to the end."""

    move: str
    actor: str
    target: str
    start: int | str = 1
    end: int | str | None = None
    every: int = 1
    probability: float = 1.0
    intensity: float = 1.0


def move_catalogue(spec: Scenario) -> dict[str, str]:
    """Every move and bundle a policy of this world can make, with what it is: the move's description, Goldstein
    weight and answer, or the bundle's moves."""
    world = spec.world
    out = {}
    for name, move in world.moves.items():
        tone = "cooperative" if move.goldstein > 0 else "hostile" if move.goldstein < 0 else "neutral"
        answer = world.reciprocity.answers.get(name)
        answered = f"; answered by {answer}" if answer else ""
        out[name] = f"{move.description} Goldstein {move.goldstein:+.1f} ({tone}){answered}."
    for name, members in world.bundles.items():
        weight = sum(world.moves[m].goldstein for m in members) / len(members)
        out[name] = f"Bundle of {', '.join(members)} (mean Goldstein {weight:+.1f})."
    return out


def add_policy(draft: Draft, form: NewPolicy) -> Draft:
    """The draft with the form's policy added to the comparison, checked with the comparison's other policies as
    a file would be (unknown move, actor or date, a schedule that never acts: one ConfigError)."""
    base = draft.base
    raw = base.spec.model_dump()
    raw["parameters"].update(draft.parameters)
    policies = [s.policy.model_dump() for s in draft.policies]
    raw["policies"] = [*policies, _raw(form, base.spec, {p["name"] for p in policies})]
    try:
        checked = validate_raw(raw, file=base.source)
    except ConfigError as exc:
        raise on_page(exc) from None
    return draft.with_added(checked.policies[-1])


def _raw(form: NewPolicy, spec: Scenario, taken: set[str]) -> dict:
    """The policy as a scenario file would write it: a name not `taken`, dates as `from`/`until` when given."""
    stem = f"{form.actor}_{form.move}_{form.target}".lower()
    name = next(n for n in (stem, *(f"{stem}_{i}" for i in range(2, len(taken) + 3))) if n not in taken)
    raw = {"name": name, "description": ADDED, "actor": form.actor, "move": form.move, "target": form.target}
    dated = spec.start is not None and isinstance(form.start, str)
    raw["from" if dated else "start"] = form.start
    if form.end not in (None, ""):
        raw["until" if dated else "end"] = form.end
    return raw | {"every": form.every, "probability": form.probability, "intensity": form.intensity}


def when(step: int, start: str | None) -> str:
    """A step as the page shows it: the month "YYYY-MM" with a calendar, else "month N"."""
    return calendar.date_of(step, start) if start else f"month {step}"


def policy_label(policy: Policy, index: int, start: str | None = None) -> str:
    """'usa_pressure: USA pressure → PAK, months 1-24, every 2 months' (dates instead with a calendar)."""
    if start:
        span = f"from {when(policy.start, start)}" + (f" to {when(policy.end, start)}" if policy.end else "")
    else:
        span = f"from month {policy.start}" if policy.end is None else f"months {policy.start}-{policy.end}"
    every = f", every {policy.every} months" if policy.every > 1 else ""
    name = policy.name or f"policy {index + 1}"
    return f"{name}: {policy.actor} {policy.move.replace('_', ' ')} → {policy.target}, {span}{every}"
