"""TOML files -> a validated `Scenario`: the schema, the world/scenario merge, and clear errors.

A scenario names (or embeds) a world: the status quo of actors, trust, moves, background behaviour, rules and
events. Its own top-level `actors`, `trust`, `moves`, `bundles`, `background` and `reciprocity` tables change that
world (and so its calibrated baselines); its `policies`, `rules` and `events` are interventions played out on top.
No numerical library is imported here, so validation stays fast.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim import calendar
from sim.errors import ConfigError, did_you_mean
from sim.essay import SENTENCES
from sim.inputs import check_name, check_not_empty, check_schedules, is_sweep, is_world, read_toml

SCENARIO_DIRS = (Path(__file__).parent / "scenarios", Path(__file__).parent.parent / "scenarios")
WORLD_KEYS = ("actors", "trust", "moves", "bundles", "background", "reciprocity")

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
OpenUnit = Annotated[float, Field(gt=0.0, lt=1.0)]
Intensity = Annotated[float, Field(gt=0.0, le=10.0)]
ActorCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,11}$")]
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


def with_parameters(scenario: Scenario, parameters: dict[str, Any]) -> Scenario:
    """The scenario with some model parameters replaced, validated like a config file."""
    if not parameters:
        return scenario
    for key in parameters:
        if key not in Parameters.model_fields:
            raise ConfigError(
                f"unknown parameter '{key}'", key=f"parameters.{key}", hint=did_you_mean(key, Parameters.model_fields)
            )
    raw = scenario.model_dump()
    raw["parameters"].update(parameters)
    return validate_raw(raw, file=f"<{scenario.name} with {parameters}>")


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
    """The status quo: who, how much they trust each other, what they do unprompted, what can happen."""

    description: str = ""
    actors: dict[ActorCode, Actor] = Field(min_length=2)
    trust: dict[ActorCode, dict[ActorCode, Dyad]]
    moves: dict[str, Move] = Field(min_length=1)
    bundles: dict[str, list[str]] = {}
    background: dict[ActorCode, dict[ActorCode, dict[str, Prob]]] = {}
    reciprocity: ReciprocityTable = ReciprocityTable()
    rules: list[Rule] = []
    events: dict[str, Event] = {}


class Scenario(Evidenced):
    """A world plus run settings, parameters and interventions (policies, extra rules, event changes)."""

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
    disable: Disable = Disable()
    policies: list[Policy] = []
    rules: list[Rule] = []
    events: dict[str, Event] = {}

    @field_validator("start")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        return None if value is None else calendar.month_label(calendar.month_index(value))

    @property
    def actors(self) -> list[str]:
        return list(self.world.actors)

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


def no_moves(scenario: Scenario) -> Scenario:
    """The scenario without its interventions (policies, its own rules, its events): the reference run.

    Calendar, initial state, run settings and switched-off world behaviour are kept, so the difference between
    a scenario and its no-moves run is what its moves and events did.
    """
    raw = scenario.model_dump()
    raw.update(policies=[], rules=[], events={}, name=f"{scenario.name}-no-moves")
    return validate_raw(raw, file=f"<{scenario.name} without moves>")


# ---------------------------------------------------------------------------------------------------------------
# Loading


def scenario_path(name_or_path: str | Path) -> Path:
    """Resolve a scenario name (a file in scenarios/) or a path; a clear error with a suggestion otherwise."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.parent != Path("."):
        if not path.is_file():
            raise ConfigError("no such file", file=path, hint="check the path, or give a scenario name")
        return path
    for folder in SCENARIO_DIRS:
        if (folder / f"{path.name}.toml").is_file():
            return folder / f"{path.name}.toml"
    raise ConfigError(
        f"no scenario named '{path.name}'", hint=did_you_mean(path.name, list_scenarios()) or "see `diplosim list`"
    )


def scenario_dir() -> Path:
    """The folder holding the bundled scenarios (installed copy first, then the source tree)."""
    return next((d for d in SCENARIO_DIRS if d.is_dir()), SCENARIO_DIRS[-1])


def list_scenarios(problems: list[ConfigError] | None = None) -> dict[str, str]:
    """Scenario names in the scenarios folder with their descriptions (the world file is not a scenario).

    A file that cannot be read is left out (and its error appended to `problems`), so one broken file does not
    hide the others.
    """
    out = {}
    for path in sorted(scenario_dir().glob("*.toml")):
        try:
            raw = read_toml(path)
        except ConfigError as exc:
            if problems is not None:
                problems.append(exc)
            continue
        if not is_world(raw):
            out[path.stem] = str(raw.get("description", "")).strip().splitlines()[0] if raw.get("description") else ""
    return out


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read a scenario by name or path, merge it onto its world, validate, and check every cross-reference."""
    path = scenario_path(name_or_path)
    raw = read_toml(path)
    check_not_empty(raw, path)
    if is_sweep(raw):
        raise ConfigError("is a sweep file, not a scenario", file=path, hint=f"run it with `diplosim sweep {path}`")
    if is_world(raw):  # a world file on its own is its status quo
        raw = {"name": path.stem, "world": raw}
    raw.setdefault("name", path.stem)
    world_ref = raw.pop("world", None)
    overrides = {k: raw.pop(k) for k in WORLD_KEYS if k in raw}
    if isinstance(world_ref, dict):
        world_raw, world_file = world_ref, path
    elif world_ref is None or isinstance(world_ref, str):  # default: the bundled essay world
        world_file = (path.parent / world_ref).resolve() if world_ref else scenario_dir() / "world.toml"
        world_raw = _read_world(world_file, world_ref, path)
    else:
        raise ConfigError("must be a file name or a table", file=path, key="world", hint='world = "world.toml"')
    resolve_dates(raw, lambda loc: path)
    merged = _deep_merge(world_raw, overrides)
    raw_events = raw.get("events", {})
    if isinstance(raw_events, dict):  # a scenario's event table changes the world's event of that name
        raw["events"] = {
            k: _deep_merge(world_raw.get("events", {}).get(k, {}), v) if isinstance(v, dict) else v
            for k, v in raw_events.items()
        }
    raw["world"] = merged
    added = _keys(overrides.get("actors")) - _keys(world_raw.get("actors"))

    def origin(loc: tuple[Any, ...]) -> Path:
        inner = loc[1:] if loc and loc[0] == "world" else None
        if inner is None or _has_path(overrides, inner):
            return path
        if added & set(map(str, inner)) and not _has_path(world_raw, inner):
            return path  # missing for an actor the scenario adds (say, its dyads): the scenario's to give
        return world_file

    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise error_from_pydantic(exc, origin) from None
    check_references(scenario, origin)
    check_schedules(scenario, raw_events if isinstance(raw_events, dict) else {}, origin)
    return scenario


def _read_world(world_file: Path, world_ref: str | None, path: Path) -> dict[str, Any]:
    """The world file a scenario names, refusing one that is missing, a folder, the scenario itself or another
    scenario, with a message that says so."""
    hint = 'name a world file next to the scenario, e.g. world = "world.toml", or leave world out'
    if world_file.is_dir():
        raise ConfigError(f"'{world_ref}' is a folder, not a world file", file=path, key="world", hint=hint)
    if not world_file.is_file():
        raise ConfigError(f"world file '{world_ref}' not found", file=path, key="world", hint=hint)
    if world_ref is not None and world_file.resolve() == path.resolve():
        raise ConfigError("points at this scenario file itself, not at a world file", file=path, key="world", hint=hint)
    world_raw = read_toml(world_file)
    if "actors" not in world_raw and set(world_raw) & (set(Scenario.model_fields) - set(WorldSpec.model_fields)):
        raise ConfigError(f"'{world_ref}' is a scenario, not a world file", file=path, key="world", hint=hint)
    return world_raw


def _keys(table: Any) -> set[str]:
    return set(table) if isinstance(table, dict) else set()


def validate_raw(raw: dict[str, Any], file: str | Path = "<scenario>") -> Scenario:
    """Validate an already-resolved scenario mapping (as `Scenario.model_dump()` gives) with the same checks."""
    raw = copy.deepcopy(raw)
    resolve_dates(raw, lambda loc: Path(file))
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise error_from_pydantic(exc, lambda loc: Path(file)) from None
    check_references(scenario, lambda loc: Path(file))
    return scenario


def resolve_dates(raw: dict[str, Any], origin: Callable[[tuple[Any, ...]], str | Path]) -> None:
    """In place: the calendar as "YYYY-MM", `end` as a run length, and every date in policies, profiles and
    events as the step it falls on (`from`/`until` become `start`/`end`). Steps given as numbers stay."""

    def fail(loc: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        raise ConfigError(message, file=origin(loc), key=_dotted(loc), hint=hint)

    start = raw.get("start")
    if start is not None:
        try:
            raw["start"] = start = calendar.month_label(calendar.month_index(start))
        except ValueError as exc:
            fail(("start",), str(exc))
    if "end" in raw:
        end = raw.pop("end")
        if start is None:
            fail(("end",), "`end` needs a calendar", 'add start = "YYYY-MM", or give steps instead')
        try:
            length = calendar.months_between(start, end)
        except ValueError as exc:
            fail(("end",), str(exc))
        if length < 1:
            fail(("end",), f"end {end} is before start {start}")
        if "steps" in raw and raw["steps"] != length:
            fail(("steps",), f"steps = {raw['steps']} disagrees with start {start} and end {end} ({length} months)")
        raw["steps"] = length

    def step(loc: tuple[Any, ...], value: Any) -> Any:
        if not calendar.is_date(value):
            return value
        if start is None:
            fail(loc, f"{value!r} is a date but the scenario has no calendar", 'add start = "YYYY-MM" at the top')
        try:
            at = calendar.step_of(value, start)
        except ValueError as exc:
            fail(loc, str(exc))
        if at < 1:
            fail(loc, f"{value} is before the calendar starts ({start})", "move it later or start earlier")
        return at

    policies = raw.get("policies")
    for i, pol in enumerate(policies if isinstance(policies, list) else []):
        if not isinstance(pol, dict):
            continue
        for date_key, step_key in (("from", "start"), ("until", "end")):
            if date_key in pol:
                if step_key in pol:
                    fail(("policies", i, date_key), f"give `{date_key}` or `{step_key}`, not both")
                value = pol.pop(date_key)
                if not calendar.is_date(value):
                    hint = f"use {step_key} for steps"
                    fail(("policies", i, date_key), f'`{date_key}` takes a month like "2002-01"', hint)
                pol[step_key] = value
        for key in ("start", "end"):
            if key in pol:
                pol[key] = step((("policies", i, key)), pol[key])
        profile = pol.get("profile")
        for j, point in enumerate(profile if isinstance(profile, list) else []):
            if isinstance(point, dict) and "at" in point:
                point["at"] = step(("policies", i, "profile", j, "at"), point["at"])
    events = raw.get("events")
    for name, event in (events if isinstance(events, dict) else {}).items():
        at = event.get("at") if isinstance(event, dict) else None
        if isinstance(at, list):
            event["at"] = [step(("events", name, "at", k), v) for k, v in enumerate(at)]


def _deep_merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = copy.deepcopy(base)
        for key, value in over.items():
            out[key] = _deep_merge(out[key], value) if key in out else copy.deepcopy(value)
        return out
    return copy.deepcopy(over)


def _has_path(tree: Any, loc: tuple[Any, ...]) -> bool:
    for part in loc:
        in_dict = isinstance(tree, dict) and part in tree
        if in_dict or (isinstance(tree, list) and isinstance(part, int) and part < len(tree)):
            tree = tree[part]
        else:
            return False
    return True


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema class under `root` that owns the last key of `loc` (for 'did you mean' on unknown keys)."""
    model: Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            continue
        ann = field.annotation
        for _ in range(3):  # dict[str, X] / list[X] / X | None -> X
            args = [a for a in getattr(ann, "__args__", ()) if a is not type(None)]
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                break
            ann = args[-1] if args else ann
        model = ann
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def error_from_pydantic(
    exc: ValidationError,
    origin: Callable[[tuple[Any, ...]], str | Path],
    root: type[BaseModel] = Scenario,
    missing_hint: str = "add it; see docs/MODEL.md or an example in scenarios/",
) -> ConfigError:
    """Pydantic's first error as one ConfigError: the file (from `origin(loc)`), the dotted key, a hint."""
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))  # drop union branch tags
    key = _dotted(loc)
    kind = err["type"]
    hint = None
    if kind == "extra_forbidden":
        owner = _model_at(root, loc)
        message = "unknown key"
        if owner is not None:
            hint = did_you_mean(str(loc[-1]), owner.model_fields)
    elif kind == "missing":
        message = "required key is missing"
        hint = missing_hint
    elif kind == "finite_number":
        message = "must be a finite number (NaN and inf are not allowed)"
    else:
        given = err.get("input")
        shown = "" if isinstance(given, dict | list) else f" (got {given!r})"
        message = err["msg"].removeprefix("Value error, ") + shown
        if isinstance(given, float) and math.isnan(given):
            message = "must be a finite number (NaN is not allowed)"
        if "pattern" in kind and "cameo" not in key:
            hint = "actor codes are ISO 3166 alpha-3 style, e.g. PAK; evidence ids look like P4.S2"
    return ConfigError(message, file=origin(loc), key=key or None, hint=hint)


def check_references(scenario: Scenario, origin: Any) -> None:
    """Every actor, move, bundle and dyad named anywhere must exist; every schedule must be able to act."""
    world = scenario.world
    actors = list(world.actors)
    moves = list(world.moves)
    movelike = moves + list(world.bundles)

    def fail(loc: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        raise ConfigError(message, file=origin(loc), key=_dotted(loc), hint=hint)

    def actor(loc: tuple[Any, ...], code: str | None) -> None:
        if code is not None and code not in actors:
            fail(loc, f"unknown actor '{code}'", did_you_mean(code, actors) or "add it under [actors]")

    def move(loc: tuple[Any, ...], name: str | None, bundles: bool = True) -> None:
        valid = movelike if bundles else moves
        if name is not None and name not in valid:
            fail(loc, f"unknown move '{name}'", did_you_mean(name, valid) or "add it under [moves]")

    for name, members in world.bundles.items():
        if name in moves:
            fail(("world", "bundles", name), "a bundle cannot have the name of a move", "rename the bundle")
        if not members:
            fail(("world", "bundles", name), "a bundle needs at least one move")
        for i, member in enumerate(members):
            move(("world", "bundles", name, i), member, bundles=False)
    for obs in actors:
        for tgt in actors:
            if obs != tgt and tgt not in world.trust.get(obs, {}):
                fail(
                    ("world", "trust", obs, tgt),
                    f"no trust given for {obs} -> {tgt}",
                    f"add [trust.{obs}.{tgt}] with initial, low, high and evidence or inferred",
                )
    for obs, row in world.trust.items():
        actor(("world", "trust", obs), obs)
        for tgt in row:
            actor(("world", "trust", obs, tgt), tgt)
            if tgt == obs:
                fail(("world", "trust", obs, tgt), "an actor has no trust in itself", "remove this table")
    for a, row in world.background.items():
        actor(("world", "background", a), a)
        for t, probs in row.items():
            actor(("world", "background", a, t), t)
            if t == a:
                fail(("world", "background", a, t), "an actor makes no moves toward itself")
            for m in probs:
                move(("world", "background", a, t, m), m, bundles=False)
    for a in world.reciprocity.actors:
        actor(("world", "reciprocity", "actors", a), a)
    for received, reply in world.reciprocity.answers.items():
        move(("world", "reciprocity", "answers", received), received, bundles=False)
        move(("world", "reciprocity", "answers", received), reply, bundles=False)
        if (world.moves[received].goldstein > 0) != (world.moves[reply].goldstein > 0):
            fail(
                ("world", "reciprocity", "answers", received),
                f"'{reply}' does not answer '{received}' in the same spirit (one is cooperative, the other hostile)",
                "answer cooperation with cooperation and hostility with hostility",
            )
    for prefix, rules in ((("world", "rules"), world.rules), (("rules",), scenario.rules)):
        for i, rule in enumerate(rules):
            loc = (*prefix, i)
            actor((*loc, "actor"), rule.actor)
            actor((*loc, "sender"), rule.sender)
            actor((*loc, "about"), rule.about)
            move((*loc, "move"), rule.move)
            for j, resp in enumerate(rule.respond):
                actor((*loc, "respond", j, "target"), resp.target)
                move((*loc, "respond", j, "move"), resp.move)
                if resp.target == rule.actor:
                    fail((*loc, "respond", j, "target"), "an actor cannot respond toward itself")
    for prefix, events in ((("world", "events"), world.events), (("events",), scenario.events)):
        for name, event in events.items():
            loc = (*prefix, name)
            for i, shock in enumerate(event.shocks):
                actor((*loc, "shocks", i, "observer"), shock.observer)
                actor((*loc, "shocks", i, "target"), shock.target)
                if shock.observer == shock.target:
                    fail((*loc, "shocks", i), "a shock needs two different actors")
            for i, trig in enumerate(event.triggers):
                actor((*loc, "triggers", i, "actor"), trig.actor)
                actor((*loc, "triggers", i, "target"), trig.target)
                move((*loc, "triggers", i, "move"), trig.move)
                if trig.actor == trig.target:
                    fail((*loc, "triggers", i), "an actor makes no moves toward itself")
            for i, step in enumerate(event.at):
                if step > scenario.steps:
                    fail(
                        (*loc, "at", i),
                        f"step {step} is after the last step ({scenario.steps})",
                        "raise steps or move the event earlier",
                    )
    for i, pol in enumerate(scenario.policies):
        loc = ("policies", i)
        actor((*loc, "actor"), pol.actor)
        actor((*loc, "target"), pol.target)
        move((*loc, "move"), pol.move)
        if pol.start > scenario.steps:
            fail(
                (*loc, "start"),
                f"start {pol.start} is after the last step ({scenario.steps})",
                "the policy would never act; lower start or raise steps",
            )
    for obs, row in scenario.initial_state.items():
        actor(("initial_state", obs), obs)
        for tgt in row:
            actor(("initial_state", obs, tgt), tgt)
            if tgt == obs:
                fail(("initial_state", obs, tgt), "an actor has no trust in itself", "remove this entry")
    for kind in ("background", "reciprocity"):
        for i, selector in enumerate(getattr(scenario.disable, kind)):
            for code in selector.split("->"):
                actor(("disable", kind, i), code)
    names = [p.name for p in scenario.policies if p.name]
    for name in names:
        if names.count(name) > 1:
            fail(("policies",), f"two policies are named '{name}'", "policy names must be unique")
    check_name(scenario.name, file=origin(("name",)))
