"""The move catalogue as people read it (`diplosim moves`): each move's class, Goldstein weight, credibility,
what answers it, and the essay's sentences; the bundles; the actors.

A move is cooperative when its Goldstein weight is above 0 and hostile when below (CAMEO's convention); the
moves of CAMEO's "reduce relations" family (codes 16x) are how a scenario says "less of something", since an
intensity is always above 0. Pure: a world in, text out.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from sim.scenario.essay import SENTENCES
from sim.scenario.schema import WorldSpec

LESS_FAMILY = "16"  # CAMEO 16x: reduce relations (reduce or stop aid, impose sanctions, recall envoys, ...)


def move_class(goldstein: float) -> str:
    """'cooperative' (Goldstein weight > 0), 'hostile' (< 0) or 'neutral'."""
    return "cooperative" if goldstein > 0 else "hostile" if goldstein < 0 else "neutral"


def bundle_class(world: WorldSpec, members: Iterable[str]) -> str:
    """The class its moves share, or 'mixed'."""
    classes = {move_class(world.moves[m].goldstein) for m in members}
    return classes.pop() if len(classes) == 1 else "mixed"


def less_moves(world: WorldSpec) -> list[str]:
    """The moves that say 'less of something' (CAMEO 16x)."""
    return [name for name, move in world.moves.items() if move.cameo.startswith(LESS_FAMILY)]


def answer(world: WorldSpec, move: str) -> str:
    """The move reciprocity answers `move` with ('in kind' when it is the move itself)."""
    reply = world.reciprocity.answers.get(move, move)
    return "in kind" if reply == move else reply


def _table(rows: list[list[str]], gap: int = 2) -> list[str]:
    widths = [max(len(row[j]) for row in rows) + gap for j in range(len(rows[0]))]
    return ["".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def catalogue_text(world: WorldSpec, source: str, quotes: bool = True) -> str:
    """What `diplosim moves` prints for a world (named `source` in the first line)."""
    lines = [
        f"Moves of {source}: name one as a policy's `move`, a rule's `respond` or an event's `triggers`.",
        *textwrap.wrap(_reading_guide(world), 112),
        "",
        *_move_lines(world),
        *_less_lines(world),
        *_bundle_lines(world),
        "",
        f"Actors: {', '.join(f'{code} ({actor.name})' for code, actor in world.actors.items())}.",
    ]
    cited = [sid for move in world.moves.values() for sid in move.evidence]
    if quotes and cited:
        lines += ["", "The essay's sentences cited above:"]
        for sid in sorted(dict.fromkeys(cited), key=_order):
            lines += textwrap.wrap(f'{sid} "{SENTENCES[sid]}"', 112, initial_indent="  ", subsequent_indent="      ")
    return "\n".join(lines)


def _reading_guide(world: WorldSpec) -> str:
    """How to read the table's class, weight, credibility and 'answered by' columns, with this world's reciprocity."""
    rec = world.reciprocity
    own = f" ({', '.join(rec.actors)}: their own, in [reciprocity.actors])" if rec.actors else ""
    return (
        "Class: cooperative (Goldstein weight above 0) or hostile (below 0); the weight says how much, the "
        "credibility how diagnostic (costly acts 1.0, talk less). Answered by: the move reciprocity replies with, "
        f"with probability {rec.hostile:g} to a hostile and {rec.cooperative:g} to a cooperative move, at "
        f"{rec.scale:g} times the intensity received{own}."
    )


def _move_lines(world: WorldSpec) -> list[str]:
    """The table of moves, each row followed by the move's description (indented) when it has one."""
    header = ["move", "class", "Goldstein", "credibility", "answered by", "CAMEO", "essay"]
    rows = [
        [
            name,
            move_class(move.goldstein),
            f"{move.goldstein:+.1f}",
            f"{move.credibility:.1f}",
            answer(world, name),
            move.cameo,
            " ".join(move.evidence) or "-",
        ]
        for name, move in world.moves.items()
    ]
    table = _table([header, *rows])
    lines = [table[0]]
    for row, move in zip(table[1:], world.moves.values(), strict=True):
        lines += [row, f"    {move.description}"] if move.description else [row]
    return lines


def _less_lines(world: WorldSpec) -> list[str]:
    """How to say 'less of something' with this world's moves (none when it has no CAMEO 16x move)."""
    less = less_moves(world)
    if not less:
        return []
    return [
        "",
        f"Less of something: an intensity is always above 0, so say 'less' with a move that does less: "
        f"{', '.join(less)}",
        "(CAMEO's 'reduce relations' family, 16x), or give the policy a lower probability.",
    ]


def _bundle_lines(world: WorldSpec) -> list[str]:
    """The table of bundles (none when the world has none)."""
    if not world.bundles:
        return []
    rows = [[name, bundle_class(world, members), ", ".join(members)] for name, members in world.bundles.items()]
    return ["", "Bundles: move = NAME plays every move of the bundle.", *_table([["bundle", "class", "moves"], *rows])]


def _order(sid: str) -> tuple[int, int]:
    paragraph, sentence = sid[1:].split(".S")
    return int(paragraph), int(sentence)
