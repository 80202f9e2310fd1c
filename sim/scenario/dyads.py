"""Directed dyads: the pairs (observer, target) of a world's actors, in one order, and how users name them.

Every table, figure, outcome and option that lists dyads takes them from here: observer-major, self-trust left
out (PAK->USA, PAK->CHN, ..., IND->CHN for the essay's actors). Users write a dyad as "PAK->USA" (or with "→").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.util.errors import ConfigError

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

ALIGNMENT_ACTORS = ("PAK", "CHN", "USA")  # alignment = T[PAK, CHN] / (T[PAK, CHN] + T[PAK, USA])
ARROWS = ("->", "→")


def dyads(actors: Sequence[str]) -> list[tuple[str, str]]:
    """Every directed dyad of `actors`, observer-major, self-trust left out."""
    return [(o, t) for o in actors for t in actors if o != t]


def acted_on(spec: Scenario) -> set[tuple[str, str]]:
    """The dyads a scenario acts on directly, both ways: its policies', rules' and events' actors and targets."""
    found = {(p.actor, p.target) for p in spec.policies}
    found |= {(r.actor, x.target) for r in spec.rules for x in r.respond}
    for event in spec.events.values():
        found |= {(s.observer, s.target) for s in event.shocks}
        found |= {(t.actor, t.target) for t in event.triggers}
    return found | {(b, a) for a, b in found}


def dyad_indices(n: int) -> tuple[list[int], list[int]]:
    """Observer and target indices of every directed dyad among `n` actors, in the order of `dyads`."""
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    return [i for i, _ in pairs], [j for _, j in pairs]


def pairs(actors: Sequence[str]) -> list[tuple[str, str]]:
    """Every unordered pair of `actors` (for mutual trust), in the order the actors are given."""
    return [(a, b) for i, a in enumerate(actors) for b in actors[i + 1 :]]


def label(observer: str, target: str, arrow: str = "->") -> str:
    """'PAK->USA' (or 'PAK → USA' with arrow=' → ')."""
    return f"{observer}{arrow}{target}"


def split(text: str) -> tuple[str, str] | None:
    """'PAK->USA' or 'PAK → USA' as ('PAK', 'USA'), unchecked; None without an arrow."""
    for arrow in ARROWS:
        if arrow in text:
            observer, _, target = (part.strip() for part in text.partition(arrow))
            return observer, target
    return None


def parse(text: str, actors: Sequence[str], *, key: str | None = None) -> tuple[str, str]:
    """'PAK->USA' or 'PAK → USA' as (observer, target), checked against `actors`; a ConfigError otherwise."""
    pair = split(text)
    if pair is None:
        raise ConfigError(f"'{text}' is not a dyad", key=key, hint='write observer->target, e.g. "PAK->USA"')
    observer, target = pair
    unknown = [code for code in (observer, target) if code not in actors]
    if unknown or observer == target:
        what = f"unknown actor {', '.join(unknown)}" if unknown else "an actor has no trust in itself"
        raise ConfigError(f"no dyad {observer}->{target}: {what}", key=key, hint=f"actors are {', '.join(actors)}")
    return observer, target


def trust_name(observer: str, target: str) -> str:
    """'trust_PAK_USA': a dyad's trust as an outcome of sweeps and a reporter of the Mesa model."""
    return f"trust_{observer}_{target}"


def mutual_name(a: str, b: str) -> str:
    """'mutual_PAK_USA': the mean of a pair's trust both ways, as an outcome."""
    return f"mutual_{a}_{b}"


def has_alignment(actors: Sequence[str]) -> bool:
    """Pakistan's alignment between the US and China needs all three; worlds without them have none."""
    return set(ALIGNMENT_ACTORS) <= set(actors)
