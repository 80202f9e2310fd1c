"""Why a trust difference arose: the same replications run again with one part switched off at a time.

The difference explained is D = Y(scenario) - Y(reference), per replication on common random numbers (Y: final
trust of a dyad, or any outcome of sim.scenario.outcome_syntax). It is split two ways, each a table that adds up:

- What did it (the parts the scenario adds, or the reference has and it lacks): its cooperative moves, its
  hostile moves (policies and rules, classed by the sign of their moves' Goldstein weights), its events, and any
  other difference (parameters, world tables, starting state). Part p of the scenario contributes
  Y(scenario) - Y(scenario without p); part p of the reference contributes Y(reference without p) -
  Y(reference).
- Through which mechanism: for each term of the trust update, D minus the difference with that term switched
  off in both runs: the audience term (mu = 0), reciprocity (every actor's replies off), the level shift from
  habits (level_gain = 0) and structural balance (beta = 0); what remains with all four off is the direct
  response to the moves themselves (the surprise in what was done to the observer, and event shocks).

One at a time, the parts need not add up to D: what they do only together (their interaction) is reported as
its own line, never folded into a part. Every contribution is a mean of per-replication differences with its 95%
confidence interval (Monte Carlo precision). Parameter switches recalibrate the baselines to the same status quo
(docs/MODEL.md, section 6); switching replies off does not, so both runs lose the status quo's replies alike.

Runs go through the engine step by step, keeping only the outcomes asked for (sim.runs.outcomes.Tracker), so
an explanation of R replications holds no trajectory; identical counterfactuals are run once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.core.batch import Batch
from sim.core.prepare import calibrated
from sim.runs import outcomes, printout, stats
from sim.scenario.dyads import dyads
from sim.scenario.load import validate_raw
from sim.scenario.moves import move_class
from sim.scenario.outcome_syntax import Outcome, quantity_label
from sim.scenario.schema import Scenario
from sim.scenario.settings import no_moves
from sim.util import calendar

CHUNK = 4096  # replications per engine, as sim.runs.api
SETTINGS = ("parameters", "world", "initial_state", "initial_trust", "disable")  # "other differences"
COLUMNS = ("outcome", "label", "group", "part", "contribution", "low", "high")


@dataclass(frozen=True)
class Switch:
    """A term of the trust update and how to switch it off in a scenario."""

    label: str
    apply: Callable[[dict], None]  # edits a scenario mapping in place


def _parameter(name: str) -> Callable[[dict], None]:
    def apply(raw: dict) -> None:
        raw["parameters"][name] = 0.0

    return apply


def _no_replies(raw: dict) -> None:
    raw["disable"]["reciprocity"] = sorted(set(raw["disable"]["reciprocity"]) | set(raw["world"]["actors"]))


MECHANISMS = {
    "audience": Switch("audience term (mu = 0)", _parameter("mu")),
    "reciprocity": Switch("reciprocity (every actor's replies off)", _no_replies),
    "habits": Switch("level shift from habits (level_gain = 0)", _parameter("level_gain")),
    "balance": Switch("structural balance (beta = 0)", _parameter("beta")),
}


def intervention_class(spec: Scenario, moves: Sequence[str]) -> str:
    """'cooperative' or 'hostile' by the sign of the summed Goldstein weights of `moves` (bundles unpacked)."""
    weight = sum(spec.world.moves[m].goldstein for name in moves for m in spec.moves_of(name))
    return move_class(weight) if weight else "cooperative"


@dataclass
class Part:
    """Something one scenario has that the other lacks, as the scenario without it."""

    label: str
    without: Scenario


def parts(spec: Scenario, other: Scenario) -> list[Part]:
    """What `spec` has and `other` lacks: cooperative and hostile moves (policies and rules), events, and other
    differences (parameters, world, starting state), each with `spec` without it."""
    policies = [p for p in spec.policies if p not in other.policies]
    rules = [r for r in spec.rules if r not in other.rules]
    events = {k: v for k, v in spec.events.items() if other.events.get(k) != v}
    out = []
    for kind in ("cooperative", "hostile"):
        chosen_p = [p for p in policies if intervention_class(spec, [p.move]) == kind]
        chosen_r = [r for r in rules if intervention_class(spec, [x.move for x in r.respond]) == kind]
        if chosen_p or chosen_r:
            names = ", ".join([*(p.name or p.move for p in chosen_p), *(r.name or r.actor for r in chosen_r)])
            raw = spec.model_dump()
            raw["policies"] = [p.model_dump() for p in spec.policies if p not in chosen_p]
            raw["rules"] = [r.model_dump() for r in spec.rules if r not in chosen_r]
            out.append(Part(f"{spec.name}'s {kind} moves ({names})", _valid(raw, spec)))
    if events:
        raw = spec.model_dump()
        raw["events"] = {k: v for k, v in raw["events"].items() if k not in events}
        out.append(Part(f"{spec.name}'s events ({', '.join(events)})", _valid(raw, spec)))
    differing = [key for key in SETTINGS if getattr(spec, key) != getattr(other, key)]
    if differing:
        raw = spec.model_dump() | {key: other.model_dump()[key] for key in differing}
        out.append(Part(f"{spec.name}'s other differences ({', '.join(differing)})", _valid(raw, spec)))
    return out


def _valid(raw: dict, spec: Scenario) -> Scenario:
    return validate_raw(raw, file=f"<{spec.name}, a part switched off>")


def switched_off(spec: Scenario, names: Sequence[str]) -> Scenario:
    """The scenario with the named mechanisms (keys of MECHANISMS) switched off."""
    raw = spec.model_dump()
    for name in names:
        MECHANISMS[name].apply(raw)
    return _valid(raw, spec)


def outcome_values(spec: Scenario, replications: np.ndarray, asked: Sequence[Outcome]) -> np.ndarray:
    """Per replication [R, K] of the outcomes `asked`, from a run of `spec` kept only as they need
    (sim.runs.outcomes.Tracker); the same numbers as sim.runs.api.simulate gives for these replications."""
    world, anchors = calibrated(spec)
    blocks = []
    for start in range(0, len(replications), CHUNK):
        block = replications[start : start + CHUNK]
        batch = Batch(spec, block, seed=spec.seed, anchors=anchors, world=world, record=False)
        tracker = outcomes.Tracker(asked, spec.actors, spec.steps, spec.start)
        for step in sorted(tracker.needed()):
            batch.run(until=step)
            tracker.update(step, batch.trust)
        blocks.append(tracker.result())
        del batch  # as sim.runs.api.simulate: free the batch's arrays now
    values = np.concatenate(blocks)
    for k, outcome in enumerate(asked):  # first(...) is explained as the share that crossed within the run
        if outcome.kind == "first":
            values[:, k] = values[:, k] <= spec.steps
    return values


@dataclass
class Explanation:
    """The contributions (a table) and what they explain; `text()` is what `diplosim explain` prints."""

    table: pd.DataFrame
    scenario: str
    reference: str  # its name, or "<scenario> without its moves"
    replications: int
    window: tuple[int, int]
    start: str | None
    notes: list[str] = field(default_factory=list)

    def text(self, dyads_only: Sequence[str] | None = None) -> str:
        """Per outcome: the difference, then what did it and through which mechanism, with the interaction."""
        lines = [
            f"Why {self.scenario} differs from {self.reference}: final values are means over "
            f"{calendar.span(*self.window, self.start)} of each of {self.replications} replications, on the same "
            "random numbers in every run.",
            "Each part: how much of the difference goes when that part alone is switched off (everything else kept);",
            "the parts of a table add up to the difference together with their interaction (what they do only",
            "together), printed as its own line. Brackets: 95% CI of the mean (Monte Carlo precision).",
            *self.notes,
        ]
        width = max(len(p) for p in self.table["part"]) + 4
        for name, rows in self.table.groupby("outcome", sort=False):
            if dyads_only is not None and name not in dyads_only:
                continue
            total = rows[rows["group"] == "total"].iloc[0]
            lines += ["", f"{total.label}: {_cell(total)}"]
            for group, title in (("what", "what did it"), ("how", "through which mechanism")):
                chosen = rows[rows["group"] == group]
                if chosen.empty:
                    continue
                lines.append(f"  {title}")
                lines += [f"    {row.part:<{width}}{_cell(row)}" for row in chosen.itertuples()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Explanation of {self.scenario} vs {self.reference}: {self.table['outcome'].nunique()} outcomes>"


def _cell(row: object) -> str:
    value, low, high = row.contribution, row.low, row.high  # type: ignore[attr-defined]
    if np.isnan(low):
        return f"{value:+.3f}"
    return printout.band_text(value, low, high, signed=True)


def acted_on_dyads(scenario: Scenario, reference: Scenario) -> list[str]:
    """Final trust of the dyads the differing moves act on (both directions), or of every dyad."""
    acts = [p for p in scenario.policies if p not in reference.policies]
    acts += [p for p in reference.policies if p not in scenario.policies]
    pairs = {(p.actor, p.target) for p in acts}
    for rule in [r for r in scenario.rules if r not in reference.rules]:
        pairs |= {(rule.actor, x.target) for x in rule.respond}
    chosen = [f"{o}->{t}" for o, t in dyads(scenario.actors) if (o, t) in pairs or (t, o) in pairs]
    return chosen or [f"{o}->{t}" for o, t in dyads(scenario.actors)]


def explain(
    scenario: Scenario,
    reference: Scenario | None = None,
    *,
    replications: np.ndarray,
    questions: Sequence[str] | None = None,
) -> Explanation:
    """Explain `scenario` against `reference` (default: its own run without moves) over `replications`, for the
    outcomes `questions` (default: final trust of the dyads its moves act on; see `acted_on_dyads`). Both must
    share seed, months and actors (sim.runs.align makes them so)."""
    against = "the same run without its moves" if reference is None else reference.name
    reference = no_moves(scenario) if reference is None else reference
    texts = list(questions) if questions else acted_on_dyads(scenario, reference)
    asked = [outcomes.resolve_outcome(t, scenario.actors, scenario.start, scenario.steps) for t in texts]
    cache: dict[str, np.ndarray] = {}

    def y(spec: Scenario) -> np.ndarray:
        key = spec.model_copy(update={"name": "x"}).model_dump_json()
        if key not in cache:
            cache[key] = outcome_values(spec, replications, asked)
        return cache[key]

    total = y(scenario) - y(reference)
    what: list[tuple[str, np.ndarray]] = []
    for part in parts(scenario, reference):
        what.append((part.label, y(scenario) - y(part.without)))
    for part in parts(reference, scenario):
        what.append((part.label + " (the reference's)", y(part.without) - y(reference)))
    how: list[tuple[str, np.ndarray]] = []
    for name, switch in MECHANISMS.items():
        off = y(switched_off(scenario, [name])) - y(switched_off(reference, [name]))
        how.append((switch.label, total - off))
    everything = list(MECHANISMS)
    direct = y(switched_off(scenario, everything)) - y(switched_off(reference, everything))
    how.insert(0, ("direct response to the moves (with the four below off)", direct))
    rows = []
    for k, outcome in enumerate(asked):
        label = _label(outcome)
        rows.append(_row(outcome, label, "total", "difference", total[:, k]))
        for group, items in (("what", what), ("how", how)):
            if not items:
                continue
            for part, values in items:
                rows.append(_row(outcome, label, group, part, values[:, k]))
            rest = total[:, k] - sum(values[:, k] for _, values in items)
            rows.append(_row(outcome, label, group, "interaction (what the parts do only together)", rest))
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    window = stats.final_window(scenario.steps)
    notes = [f"({len(cache)} runs of {len(replications)} replications.)"]
    return Explanation(table, scenario.name, against, len(replications), window, scenario.start, notes)


def _label(outcome: Outcome) -> str:
    if outcome.kind == "final":
        return f"{quantity_label(outcome.quantity).replace('->', ' -> ')}, final"
    if outcome.kind == "first":
        return f"{outcome.label}, as the share that crossed within the run"
    return outcome.label


def _row(outcome: Outcome, label: str, group: str, part: str, values: np.ndarray) -> dict:
    paired = stats.paired(values[:, None], axis=0)
    return {
        "outcome": outcome.name,
        "label": label,
        "group": group,
        "part": part,
        "contribution": float(paired["diff"][0]),
        "low": float(paired["diff_low"][0]),
        "high": float(paired["diff_high"][0]),
    }
