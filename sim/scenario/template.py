"""A commented starting scenario (`diplosim new NAME`): every key a first scenario needs, explained where it
stands, with one policy so that it runs as written; the optional tables commented out.

The text is built from the world (its actors, a cooperative and a hostile move, a bundle, its present) and the
schema's defaults (parameters, seed), so it stays valid when they change; `diplosim new` validates it before
writing it.
"""

from __future__ import annotations

from sim.scenario.essay import about_lines
from sim.scenario.moves import less_moves, move_class
from sim.scenario.schema import Parameters, Scenario, WorldSpec
from sim.util import calendar


def _line(code: str, comment: str) -> str:
    """A line of TOML with its comment in the template's comment column."""
    return f"{code.ljust(31)} # {comment}"


def _first(world: WorldSpec, kind: str, prefer: str) -> str:
    moves = [name for name, move in world.moves.items() if move_class(move.goldstein) == kind]
    return prefer if prefer in moves else moves[0]


def starting_scenario(name: str, world: WorldSpec) -> str:
    """The text of a new scenario file named `name`, on `world` (the bundled one unless a file says otherwise)."""
    actors = list(world.actors)
    actor, target = ("USA", "PAK") if {"USA", "PAK"} <= set(actors) else (actors[0], actors[1])
    first = world.first_month()
    year = calendar.month_label(calendar.month_index(first) + 12) if first else None
    return "\n".join(
        [
            _opening(name),
            _run_settings(name, world),
            _policy(world, actor, target, year),
            _commented_tables(world, actor, target, year),
        ]
    )


def _opening(name: str) -> str:
    """The file's first comments: how to check, run, compare and explain it; where the keys are explained."""
    about = "\n".join(f"# {line}" for line in about_lines())
    return f"""# {name}: a scenario of diplosim, started by `diplosim new {name}`.
#
#   diplosim validate {name}.toml              # check it (one line per problem: file, key, hint)
#   diplosim run {name}.toml                   # run it: results/{name}/<time>/
#   diplosim compare baseline {name}.toml      # its effect against the status quo, on common random numbers
#   diplosim explain baseline {name}.toml      # which of its parts moved trust, and through which mechanism
#
# It starts from the status quo of the bundled world (scenarios/world.toml); what follows is added on top.
# docs/authoring.md explains every key; `diplosim moves` lists the moves with their class (cooperative or
# hostile), weight and what answers them; `diplosim show baseline --full` prints the whole world.
#
{about}
"""


def _run_settings(name: str, world: WorldSpec) -> str:
    """Name, description, evidence, the calendar, steps, replications, seed, and the parameters commented out."""
    first = world.first_month()
    calendar_note = (
        f"# The calendar comes from the world: month 0 is the end of {world.present}, step 1 is {first}\n"
        '# (docs/essay.md). Give start = "YYYY-MM" for another step 1, and end = "YYYY-MM" instead of steps to end\n'
        "# in a given month."
        if first
        else '# The world has no calendar: steps are months from the start. Give start = "YYYY-MM" to date them.'
    )
    params = Parameters()
    parameter_lines = "\n".join(
        _line(f"# {key} = {getattr(params, key):g}", str(field.description))
        for key, field in Parameters.model_fields.items()
    )
    seed = Scenario.model_fields["seed"].default
    return f"""name = "{name}"
description = "What this scenario plays out, in one line (the first line shows in `diplosim list`)."
evidence = ["P8.S3"]            # the essay's sentences it rests on, P<paragraph>.S<sentence>
# inferred = "why, where the essay is silent"

{calendar_note}
steps = 120                     # months
replications = 500              # futures, each with its own random numbers
seed = {seed}                 # the bundled scenarios': compare with them on common random numbers

# The trust update's parameters (docs/MODEL.md, section 3), at their defaults. To change one, uncomment the
# table's first line and its own.
# [parameters]
{parameter_lines}
"""


def _policy(world: WorldSpec, actor: str, target: str, year: str | None) -> str:
    """One policy that runs as written: `actor` plays a cooperative move toward `target` from `year` on."""
    talk = _first(world, "cooperative", "dialogue")
    when = (
        _line(f'from = "{year}"', 'first month it may act (or start = a step); until = "YYYY-MM" to stop')
        if year
        else _line("start = 13", "first step it may act; end = a step to stop")
    )
    bundle_note = f" or a bundle ({', '.join(world.bundles)})" if world.bundles else ""
    less = ", ".join(less_moves(world)) or "a hostile move"
    return f"""# A policy: a move{bundle_note}
# from one actor to another, on a schedule.
# Actors: {", ".join(f"{code} ({a.name})" for code, a in world.actors.items())}.
[[policies]]
{_line(f'name = "{actor.lower()}_{talk}"', "unique; names the policy's random stream")}
actor = "{actor}"
move = "{talk}"
target = "{target}"
{when}
probability = 0.5               # chance it acts in each month of its schedule
intensity = 1.0                 # scales the move's weight: above 0, at most 10. "Less" is a move that does
                                # less ({less}), or a lower probability
evidence = ["P8.S3"]
"""


def _commented_tables(world: WorldSpec, actor: str, target: str, year: str | None) -> str:
    """A rule and an event, commented out: how a reaction and a changed event are written."""
    talk = _first(world, "cooperative", "dialogue")
    press = _first(world, "hostile", "demand")
    return f"""# A rule: a reaction, written as data (never code). Uncomment to add it.
# [[rules]]
# name = "{target.lower()}_answers_{press}"
# actor = "{target}"
# on = "received"               # or "trust_below" / "trust_above" with about = "{actor}", threshold = 0.2
# move = "{press}"
# sender = "{actor}"
# probability = 0.5
# respond = [{{ move = "{talk}", target = "{actor}" }}]

# An event of the world, changed key by key (or a new one: give it description, rate or at, shocks, triggers).
# [events.{next(iter(world.events), "an_event")}]
{_line("# at = [" + (f'"{year}"' if year else "13") + "]", "fixed months; rate = chance per month (Poisson)")}
"""
