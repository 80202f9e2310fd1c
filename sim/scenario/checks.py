"""Checks a schema cannot make alone: every name refers to something that exists, every schedule can act."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from sim.scenario.messages import actors_hint, dotted
from sim.scenario.schema import Scenario
from sim.util import calendar
from sim.util.errors import ConfigError, did_you_mean
from sim.util.names import check_name

Loc = tuple[Any, ...]


class _References:
    """The checks of one scenario, each a named step; `fail` raises the ConfigError naming the file and key."""

    def __init__(self, scenario: Scenario, origin: Any) -> None:
        self.scenario, self.world, self.origin = scenario, scenario.world, origin
        self.actors, self.moves = list(self.world.actors), list(self.world.moves)
        self._named = {False: set(self.moves), True: set(self.moves) | set(self.world.bundles)}  # move names, +bundles

    def fail(self, loc: Loc, message: str, hint: str | None = None) -> NoReturn:
        raise ConfigError(message, file=self.origin(loc), key=dotted(loc), hint=hint)

    def actor(self, loc: Loc, code: str | None) -> None:
        if code is not None and code not in self.actors:
            listed = {"actors": {c: {"name": a.name} for c, a in self.world.actors.items()}}
            self.fail(loc, f"unknown actor '{code}'", actors_hint(listed, code) + "; or add it under [actors]")

    def move(self, loc: Loc, name: str | None, bundles: bool = True) -> None:
        if name is not None and name not in self._named[bundles]:
            valid = self.moves + list(self.world.bundles) if bundles else self.moves
            self.fail(loc, f"unknown move '{name}'", did_you_mean(name, valid) or "add it under [moves]")

    def at(self, step: int) -> str:
        """'14', or '14 (2002-02)' when the scenario has a calendar."""
        start = self.scenario.start
        return f"{step}" + (f" ({calendar.date_of(step, start)})" if start else "")

    def last(self) -> str:
        """'(12)', or '(12: 2001-12)' when the scenario has a calendar."""
        start, steps = self.scenario.start, self.scenario.steps
        return f"({steps}" + (f": {calendar.date_of(steps, start)})" if start else ")")

    def bundles(self) -> None:
        for name, members in self.world.bundles.items():
            if name in self.moves:
                self.fail(("world", "bundles", name), "a bundle cannot have the name of a move", "rename the bundle")
            if not members:
                self.fail(("world", "bundles", name), "a bundle needs at least one move")
            for i, member in enumerate(members):
                self.move(("world", "bundles", name, i), member, bundles=False)

    def trust(self) -> None:
        world = self.world
        for obs in self.actors:
            for tgt in self.actors:
                if obs != tgt and tgt not in world.trust.get(obs, {}):
                    self.fail(
                        ("world", "trust", obs, tgt),
                        f"no trust given for {obs} -> {tgt}",
                        f"add [trust.{obs}.{tgt}] with initial, low, high and evidence or inferred",
                    )
        for obs, row in world.trust.items():
            self.actor(("world", "trust", obs), obs)
            for tgt in row:
                self.actor(("world", "trust", obs, tgt), tgt)
                if tgt == obs:
                    self.fail(("world", "trust", obs, tgt), "an actor has no trust in itself", "remove this table")

    def background(self) -> None:
        for a, row in self.world.background.items():
            self.actor(("world", "background", a), a)
            for t, probs in row.items():
                self.actor(("world", "background", a, t), t)
                if t == a:
                    self.fail(("world", "background", a, t), "an actor makes no moves toward itself")
                for m in probs:
                    self.move(("world", "background", a, t, m), m, bundles=False)

    def reciprocity(self) -> None:
        table = self.world.reciprocity
        for a in table.actors:
            self.actor(("world", "reciprocity", "actors", a), a)
        for received, reply in table.answers.items():
            loc = ("world", "reciprocity", "answers", received)
            self.move(loc, received, bundles=False)
            self.move(loc, reply, bundles=False)
            if (self.world.moves[received].goldstein > 0) != (self.world.moves[reply].goldstein > 0):
                self.fail(
                    loc,
                    f"'{reply}' does not answer '{received}' in the same spirit"
                    " (one is cooperative, the other hostile)",
                    "answer cooperation with cooperation and hostility with hostility",
                )

    def rules(self) -> None:
        for prefix, rules in ((("world", "rules"), self.world.rules), (("rules",), self.scenario.rules)):
            for i, rule in enumerate(rules):
                loc = (*prefix, i)
                self.actor((*loc, "actor"), rule.actor)
                self.actor((*loc, "sender"), rule.sender)
                self.actor((*loc, "about"), rule.about)
                self.move((*loc, "move"), rule.move)
                for j, resp in enumerate(rule.respond):
                    self.actor((*loc, "respond", j, "target"), resp.target)
                    self.move((*loc, "respond", j, "move"), resp.move)
                    if resp.target == rule.actor:
                        self.fail((*loc, "respond", j, "target"), "an actor cannot respond toward itself")

    def events(self) -> None:
        last = self.scenario.steps
        for prefix, events in ((("world", "events"), self.world.events), (("events",), self.scenario.events)):
            for name, event in events.items():
                loc = (*prefix, name)
                for i, shock in enumerate(event.shocks):
                    self.actor((*loc, "shocks", i, "observer"), shock.observer)
                    self.actor((*loc, "shocks", i, "target"), shock.target)
                    if shock.observer == shock.target:
                        self.fail((*loc, "shocks", i), "a shock needs two different actors")
                for i, trig in enumerate(event.triggers):
                    self.actor((*loc, "triggers", i, "actor"), trig.actor)
                    self.actor((*loc, "triggers", i, "target"), trig.target)
                    self.move((*loc, "triggers", i, "move"), trig.move)
                    if trig.actor == trig.target:
                        self.fail((*loc, "triggers", i), "an actor makes no moves toward itself")
                for i, step in enumerate(event.at):
                    if step > last:
                        self.fail(
                            (*loc, "at", i),
                            f"step {self.at(step)} is after the last step {self.last()}",
                            "raise steps or move the event earlier",
                        )

    def policies(self) -> None:
        last = self.scenario.steps
        for i, pol in enumerate(self.scenario.policies):
            loc = ("policies", i)
            self.actor((*loc, "actor"), pol.actor)
            self.actor((*loc, "target"), pol.target)
            self.move((*loc, "move"), pol.move)
            if pol.start > last:
                self.fail(
                    (*loc, "start"),
                    f"start {self.at(pol.start)} is after the last step {self.last()}",
                    "the policy would never act; lower start or raise steps",
                )
            for j, point in enumerate(pol.profile):
                if point.at > last:
                    self.fail(
                        (*loc, "profile", j, "at"),
                        f"the profile point at step {self.at(point.at)} is after the last step {self.last()}",
                        "it would never apply; move it earlier or raise steps",
                    )
        names = [p.name for p in self.scenario.policies if p.name]
        for name in names:
            if names.count(name) > 1:
                self.fail(("policies",), f"two policies are named '{name}'", "policy names must be unique")

    def initial_state(self) -> None:
        for obs, row in self.scenario.initial_state.items():
            self.actor(("initial_state", obs), obs)
            for tgt in row:
                self.actor(("initial_state", obs, tgt), tgt)
                if tgt == obs:
                    self.fail(("initial_state", obs, tgt), "an actor has no trust in itself", "remove this entry")

    def disable(self) -> None:
        for kind in ("background", "reciprocity"):
            for i, selector in enumerate(getattr(self.scenario.disable, kind)):
                codes = selector.split("->")
                for code in codes:
                    self.actor(("disable", kind, i), code)
                if len(codes) == 2 and codes[0] == codes[1]:
                    self.fail(
                        ("disable", kind, i),
                        f"'{selector}' pairs an actor with itself, which has no {kind} to switch off",
                        f'give two different actors ("USA->PAK") or one alone ("{codes[0]}")',
                    )


def check_references(scenario: Scenario, origin: Any) -> None:
    """Every actor, move, bundle and dyad named anywhere must exist; every schedule must be able to act within
    the run; a pair names two different actors."""
    checks = _References(scenario, origin)
    for step in (
        checks.bundles,
        checks.trust,
        checks.background,
        checks.reciprocity,
        checks.rules,
        checks.events,
        checks.policies,
        checks.initial_state,
        checks.disable,
    ):
        step()
    check_name(scenario.name, file=origin(("name",)))


def check_schedules(scenario: Scenario, own_events: Mapping[str, Any], origin: Any) -> None:
    """Policies and rules that can never act (probability 0) and events that can never happen (no rate, no date)
    are errors in a file. A scenario may switch a world event off by writing its `rate = 0` explicitly."""
    for kind, what, items in (("policies", "policy", scenario.policies), ("rules", "rule", scenario.rules)):
        for i, item in enumerate(items):
            if item.probability == 0:
                loc = (kind, i, "probability")
                raise ConfigError(
                    f"probability 0: this {what} can never act",
                    file=origin(loc),
                    key=f"{kind}[{i}].probability",
                    hint="give a probability above 0, or remove it",
                )
    for i, rule in enumerate(scenario.world.rules):
        if rule.probability == 0:
            loc = ("world", "rules", i, "probability")
            raise ConfigError(
                "probability 0: this rule can never act",
                file=origin(loc),
                key=f"rules[{i}].probability",
                hint="give a probability above 0, or remove it",
            )
    world_events = scenario.world.events
    for name, event in scenario.events.items():
        switched_off = name in world_events and isinstance(own_events.get(name), dict) and "rate" in own_events[name]
        if event.rate == 0 and not event.at and not switched_off:
            raise ConfigError(
                f"event '{name}' can never happen: it has neither a rate nor dates",
                file=origin(("events", name)),
                key=f"events.{name}",
                hint="give rate = <chance per step> or at = [steps]",
            )
