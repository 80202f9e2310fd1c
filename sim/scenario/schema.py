"""The scenario schema (pydantic): a world (the status quo) plus run settings, parameters and interventions.

A scenario names (or embeds) a world: the status quo of actors, trust, moves, background behaviour, rules and
events. Its own top-level `actors`, `trust`, `moves`, `bundles`, `background` and `reciprocity` tables change that
world, and its `policies`, `rules` and `events` are played out on top. Both are interventions on the named world's
calibrated status quo (`status_quo` keeps that world for the calibration) unless the scenario asks to be
recalibrated on its own world (`calibrate = "scenario"`). Unknown keys, NaN and strings
where numbers belong are errors. No numerical library is imported here, so validation stays fast.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.scenario.essay import SENTENCES
from sim.util import calendar

WORLD_KEYS = ("actors", "trust", "moves", "bundles", "background", "reciprocity")

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
OpenUnit = Annotated[float, Field(gt=0.0, lt=1.0)]
Intensity = Annotated[float, Field(gt=0.0, le=10.0)]
ACTOR_PATTERN = r"^[A-Z][A-Z0-9_]{1,11}$"
ActorCode = Annotated[str, Field(pattern=ACTOR_PATTERN)]
SentenceId = Annotated[str, Field(pattern=r"^P\d+\.S\d+$")]


class Strict(BaseModel):
    """Base: unknown keys and NaN/inf are errors, values are not coerced from strings."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True, frozen=False)


class Evidenced(Strict):
    """Anything that rests on the essay (sentence ids) or on a stated inference where the essay is silent."""

    evidence: list[SentenceId] = []
    inferred: str | None = None

    @field_validator("evidence")
    @classmethod
    def _known_sentences(cls, ids: list[str]) -> list[str]:
        for sid in ids:
            if sid not in SENTENCES:
                raise ValueError(f"evidence '{sid}' is not a sentence of the essay (P1.S1 ... P8.S5)")
        return ids


class Parameters(Strict):
    """Model parameters of the trust update (docs/MODEL.md, section 'Trust update')."""

    alpha: float = Field(0.15, ge=0.0, le=5.0, description="weight of a surprise in what the actor did to me")
    mu: float = Field(0.06, ge=0.0, le=5.0, description="weight of a surprise in what the actor did to others")
    beta: float = Field(0.02, ge=0.0, le=5.0, description="structural balance (shared friends and enemies)")
    half_life: float = Field(24.0, ge=0.5, le=1e5, description="steps for a departure from baseline to halve")
    habituation: float = Field(4.0, ge=0.5, le=1e5, description="half-life of expectations, steps")
    negativity: float = Field(2.0, ge=1.0, le=10.0, description="weight of hostile surprises against friendly")
    level_gain: float = Field(30.0, ge=0.0, le=240.0, description="steps of habituated flow that shift the level")
    level_range: float = Field(0.75, gt=0.0, le=10.0, description="most the level can shift, log-odds")
    saturation: float = Field(0.15, ge=0.01, le=100.0, description="monthly weight where response halves its slope")
    sigma: float = Field(0.05, ge=0.0, le=2.0, description="misperception noise per step, log-odds")
    l_max: float = Field(4.6, gt=0.0, le=10.0, description="log-odds bound: trust stays in [1/(1+e^l), ...]")
    calm_half_life: float = Field(6.0, ge=0.5, le=1e5, description="how long dialogue keeps noise lowered")
    noise_reduction: float = Field(0.5, ge=0.0, le=1.0, description="share of noise that full dialogue removes")
    reply_floor: float = Field(0.2, ge=0.0, le=10.0, description="replies weaker than this intensity are dropped")


class Actor(Strict):
    name: str
    description: str = ""


class Dyad(Evidenced):
    """Observer's trust in a target: essay level, plausible range, structural baseline and dependence."""

    initial: OpenUnit = Field(description="trust at month 0, the essay's level")
    low: OpenUnit = Field(description="lowest plausible trust")
    high: OpenUnit = Field(description="highest plausible trust")
    baseline: OpenUnit | None = Field(None, description="level trust returns to (default: calibrated)")
    dependence: Prob = Field(0.0, description="how much the observer needs the target")
    sigma: float | None = Field(None, ge=0.0, le=2.0, description="misperception noise of this dyad, log-odds")

    @model_validator(mode="after")
    def _ordered(self) -> Dyad:
        if not self.low <= self.initial <= self.high:
            raise ValueError(f"need low <= initial <= high, got {self.low} <= {self.initial} <= {self.high}")
        if not self.evidence and not self.inferred:
            raise ValueError('give evidence = [sentence ids] or inferred = "reason"')
        return self


class Move(Evidenced):
    """A CAMEO event type with its Goldstein weight and how diagnostic (credible) it is."""

    cameo: Annotated[str, Field(pattern=r"^\d{2,4}$")]
    goldstein: float = Field(ge=-10.0, le=10.0)
    credibility: Prob
    calming: Prob = 0.0
    description: str = ""


class Reciprocity(Strict):
    """Generous tit-for-tat: answer each move in kind with these probabilities, at `scale` times its intensity."""

    hostile: Prob = Field(0.5, description="chance of answering a hostile move in kind")
    cooperative: Prob = Field(0.3, description="chance of answering a cooperative move in kind")
    scale: float = Field(0.8, gt=0.0, le=1.0, description="intensity of a reply relative to the move")


class ReciprocityTable(Reciprocity):
    """Reciprocity for every actor, per-actor changes, and the answer to each move (by class, not in kind).

    `answers` maps a move to the move that answers it (`military_strike = "reduce_relations"`); a move not in the
    table is answered in kind.
    """

    actors: dict[ActorCode, Reciprocity] = {}
    answers: dict[str, str] = {}


class Shock(Strict):
    observer: ActorCode
    target: ActorCode
    delta: float = Field(ge=-5.0, le=5.0)
    sd: float = Field(0.0, ge=0.0, le=5.0)


class Trigger(Strict):
    actor: ActorCode
    move: str
    target: ActorCode
    probability: Prob = 1.0
    intensity: Intensity = 1.0


class Event(Evidenced):
    """An exogenous shock: Poisson `rate` per step and/or fixed steps `at`; trust shocks and triggered moves."""

    description: str = ""
    rate: float = Field(0.0, ge=0.0, le=10.0, description="expected occurrences (Poisson)")
    at: list[Annotated[int, Field(ge=1)]] = []
    shocks: list[Shock] = []
    triggers: list[Trigger] = []


class ProfilePoint(Strict):
    """One point of an intensity profile: from step (or date, resolved to a step on loading) `at`, `value`."""

    at: int = Field(ge=1)
    value: float = Field(ge=0.0, le=10.0)


class Policy(Evidenced):
    """A deliberate move (or bundle) from actor to target on a schedule, each time with some probability.

    With a `profile` the intensity follows its points over time (held from point to point, or interpolated);
    before the first point it is the first point's value. Dates (`from`/`until`, or dates in `start`/`end` and a
    profile's `at`) are resolved to steps when the scenario is loaded.
    """

    name: str = ""
    description: str = ""
    actor: ActorCode
    move: str
    target: ActorCode
    start: int = Field(1, ge=1)
    end: int | None = Field(None, ge=1)
    every: int = Field(1, ge=1)
    probability: Prob = Field(1.0, description="chance it acts at each scheduled step")
    intensity: Intensity = Field(1.0, description="scales the move's weight")
    profile: list[ProfilePoint] = []
    interpolate: Literal["step", "linear"] = "step"

    @model_validator(mode="after")
    def _schedule(self) -> Policy:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start}): the policy would never act")
        if self.actor == self.target:
            raise ValueError("actor and target are the same")
        steps = [p.at for p in self.profile]
        if steps != sorted(set(steps)):
            raise ValueError("profile points must be in increasing order of `at`, each once")
        return self


class Response(Strict):
    """One possible answer of a rule; chosen in proportion to weight (times dependence or trust if asked)."""

    move: str
    target: ActorCode
    weight: float = Field(1.0, ge=0.0, le=1e6)
    weight_by: Literal["none", "dependence", "trust"] = "none"
    intensity: Intensity = 1.0


class Rule(Evidenced):
    """A structured reaction: on a move received, or when the actor's trust in someone crosses a threshold."""

    name: str = ""
    description: str = ""
    actor: ActorCode
    on: Literal["received", "trust_below", "trust_above"]
    move: str | None = None
    sender: ActorCode | None = None
    about: ActorCode | None = None
    threshold: OpenUnit | None = None
    probability: Prob = 1.0
    respond: list[Response] = Field(min_length=1)

    @model_validator(mode="after")
    def _condition(self) -> Rule:
        if self.on == "received" and (self.move is None or self.sender is None):
            raise ValueError("a rule with on = 'received' needs move and sender")
        if self.on != "received" and (self.about is None or self.threshold is None):
            raise ValueError(f"a rule with on = '{self.on}' needs about (whose trust) and threshold")
        return self


class Disable(Strict):
    """World behaviour a scenario switches off, by actor ("USA") or directed pair ("USA->PAK").

    These are interventions: the calibration of baselines still sees the world's full status quo.
    """

    background: list[str] = []
    reciprocity: list[str] = []

    @field_validator("background", "reciprocity")
    @classmethod
    def _selectors(cls, items: list[str]) -> list[str]:
        for item in items:
            if not re.fullmatch(r"[A-Z][A-Z0-9_]{1,11}(->[A-Z][A-Z0-9_]{1,11})?", item):
                raise ValueError(f"'{item}' is not an actor code or a pair like \"USA->PAK\"")
        return items


class WorldSpec(Strict):
    """The status quo: who, how much they trust each other, what they do unprompted, what can happen.

    `present` dates the status quo: the month (YYYY-MM) whose end month 0 describes. A scenario without a calendar
    of its own starts the month after it (docs/essay.md says how the essay's present was dated).
    """

    description: str = ""
    present: str | None = Field(None, description="the month month 0 describes, YYYY-MM; scenarios start after it")
    actors: dict[ActorCode, Actor] = Field(min_length=2)
    trust: dict[ActorCode, dict[ActorCode, Dyad]]
    moves: dict[str, Move] = Field(min_length=1)
    bundles: dict[str, list[str]] = {}
    background: dict[ActorCode, dict[ActorCode, dict[str, Prob]]] = {}
    reciprocity: ReciprocityTable = ReciprocityTable()
    rules: list[Rule] = []
    events: dict[str, Event] = {}

    @field_validator("present")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        return None if value is None else calendar.month_label(calendar.month_index(value))

    def first_month(self) -> str | None:
        """The calendar start a scenario inherits: the month after the present (None without a present)."""
        return None if self.present is None else calendar.month_label(calendar.month_index(self.present) + 1)


class Scenario(Evidenced):
    """A world plus run settings, parameters and interventions (policies, extra rules, event changes).

    `world` is the world the scenario runs in (its named world with the scenario's changes). The anchors
    (calibrated baselines and status-quo expectations, sim.core.calibration) come from `status_quo`, the named world
    before those changes, when the scenario changes it (set by `load_scenario`); with `calibrate = "scenario"`, or
    when nothing was changed (`status_quo` is None), from `world` itself.
    """

    name: str
    description: str = ""
    steps: int = Field(120, ge=1, le=100_000)
    replications: int = Field(200, ge=1, le=10_000_000)
    seed: int = Field(20261128, ge=0, le=2**63 - 1)
    start: str | None = Field(None, description="calendar month of step 1, YYYY-MM; dates then map to steps")
    initial_trust: Literal["essay", "sampled"] = "essay"
    initial_state: dict[ActorCode, dict[ActorCode, OpenUnit]] = {}
    parameters: Parameters = Parameters()
    world: WorldSpec
    calibrate: Literal["world", "scenario"] = Field(
        "world", description="anchors from the named world (changes act on its status quo), or recalibrated"
    )
    status_quo: WorldSpec | None = Field(None, description="the named world before the scenario's changes")
    disable: Disable = Disable()
    policies: list[Policy] = []
    rules: list[Rule] = []
    events: dict[str, Event] = {}

    @field_validator("start")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        return None if value is None else calendar.month_label(calendar.month_index(value))

    @model_validator(mode="after")
    def _status_quo(self) -> Scenario:
        if self.status_quo is None:
            return self
        if self.calibrate == "scenario":
            raise ValueError('calibrate = "scenario" recalibrates on the scenario\'s own world: give no status_quo')
        extra = [code for code in self.status_quo.actors if code not in self.world.actors]
        if extra:
            raise ValueError(f"status_quo has actor(s) the world lacks: {', '.join(extra)}")
        return self

    @property
    def actors(self) -> list[str]:
        return list(self.world.actors)

    @property
    def anchors_from(self) -> str:
        """Which world the anchors are calibrated on, in words (for `show` and `run`)."""
        if self.calibrate == "scenario":
            return 'recalibrated on this scenario\'s own world (calibrate = "scenario")'
        if self.status_quo is None:
            return "calibrated on its world (the scenario does not change it)"
        added = [code for code in self.world.actors if code not in self.status_quo.actors]
        tail = f"; the dyads of {', '.join(added)} calibrated on the scenario's world" if added else ""
        return f"calibrated on the named world before this scenario's changes, which act on its status quo{tail}"

    def all_rules(self) -> list[Rule]:
        return [*self.world.rules, *self.rules]

    def all_events(self) -> dict[str, Event]:
        return {**self.world.events, **self.events}

    def moves_of(self, name: str) -> list[str]:
        """A move name, or the moves of a bundle."""
        return list(self.world.bundles.get(name, [name]))

    def dates(self) -> list[str] | None:
        """The month ("YYYY-MM") of every step 0..steps when the scenario has a calendar, else None."""
        if self.start is None:
            return None
        return [calendar.date_of(t, self.start) for t in range(self.steps + 1)]
