"""Checks a schema cannot make alone: every name refers to something that exists, every schedule can act."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.scenario.messages import actors_hint, dotted
from sim.scenario.schema import Scenario
from sim.util.errors import ConfigError, did_you_mean
from sim.util.names import check_name


def check_references(scenario: Scenario, origin: Any) -> None:
    """Every actor, move, bundle and dyad named anywhere must exist; every schedule must be able to act."""
    world = scenario.world
    actors = list(world.actors)
    moves = list(world.moves)
    movelike = moves + list(world.bundles)

    def fail(loc: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        raise ConfigError(message, file=origin(loc), key=dotted(loc), hint=hint)

    def actor(loc: tuple[Any, ...], code: str | None) -> None:
        if code is not None and code not in actors:
            listed = {code: {"name": a.name} for code, a in world.actors.items()}
            fail(loc, f"unknown actor '{code}'", actors_hint({"actors": listed}, code) + "; or add it under [actors]")

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
