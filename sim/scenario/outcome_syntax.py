"""Outcomes as people ask for them: "PAK->USA", "P(PAK->USA < 0.2 by 2030-12)", "first(PAK->USA < 0.2)",
"PAK->USA at 2028-06", parsed into an `Outcome` with a name safe for files and table columns.

A quantity is a directed dyad's trust (`PAK->USA`, or `trust_PAK_USA`), mutual trust (`PAK-USA`, or
`mutual_PAK_USA`: the mean of both directions), `alignment` or `polarization`. What is asked of it, per
replication:

| written | per replication | name |
|---|---|---|
| `Q` | the mean over the final window (the final value) | `trust_PAK_USA` |
| `Q at WHEN` | the value at the end of that month | `trust_PAK_USA_at_2028-06` |
| `P(Q < x by WHEN)` | 1 if Q is below x in some month up to WHEN, else 0 | `prob_trust_PAK_USA_lt_0.2_by_2030-12` |
| `P(Q < x at WHEN)` | 1 if Q is below x at the end of that month, else 0 | `prob_trust_PAK_USA_lt_0.2_at_2030-12` |
| `P(Q < x)` | as `by` the last month of the run | `prob_trust_PAK_USA_lt_0.2` |
| `first(Q < x)` | the first month Q is below x (never: the month after the run) | `first_trust_PAK_USA_lt_0.2` |

`<`, `<=`, `>` and `>=` compare; WHEN is a month `YYYY-MM` (a scenario with a calendar) or a month number (`36`);
month 0, the starting state, is never counted. Over replications the mean of a `P(...)` outcome is the
probability. Names are accepted wherever expressions are, so a sweep's columns can be asked for again. Pure:
the standard library and sim.scenario.dyads only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sim.scenario.dyads import mutual_name, split, trust_name
from sim.util import calendar
from sim.util.errors import ConfigError

OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
NAMED = {v: k for k, v in OPS.items()}
Kind = Literal["final", "at", "prob", "first"]
SYNTAX = 'e.g. "PAK->USA", "PAK->USA at 2028-06", "P(PAK->USA < 0.2 by 2030-12)", "first(PAK->USA < 0.2)"'

_CODE = r"[A-Z][A-Z0-9_]{1,11}"
_QUANTITY = rf"(?:{_CODE}\s*(?:->|→|-)\s*{_CODE}|(?:trust|mutual)_{_CODE}_{_CODE}|alignment|polarization)"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_WHEN = r"\d{4}-\d{2}|\d+"
_EXPRESSIONS = {
    "prob": re.compile(
        rf"^P\(\s*(?P<q>{_QUANTITY})\s*(?P<op><=|>=|<|>)\s*(?P<x>{_NUMBER})(?:\s+(?P<mode>by|at)\s+(?P<when>{_WHEN}))?\s*\)$"
    ),
    "first": re.compile(rf"^first\(\s*(?P<q>{_QUANTITY})\s*(?P<op><=|>=|<|>)\s*(?P<x>{_NUMBER})\s*\)$"),
    "at": re.compile(rf"^(?P<q>{_QUANTITY})\s+at\s+(?P<when>{_WHEN})$"),
    "final": re.compile(rf"^(?P<q>{_QUANTITY})$"),
}
_NAMES = {
    "prob": re.compile(
        rf"^prob_(?P<q>(?:trust|mutual)_{_CODE}_{_CODE}|alignment|polarization)_(?P<op>lt|le|gt|ge)_(?P<x>{_NUMBER})"
        rf"(?:_(?P<mode>by|at)_(?P<when>{_WHEN}))?$"
    ),
    "first": re.compile(
        rf"^first_(?P<q>(?:trust|mutual)_{_CODE}_{_CODE}|alignment|polarization)_(?P<op>lt|le|gt|ge)_(?P<x>{_NUMBER})$"
    ),
    "at": re.compile(rf"^(?P<q>(?:trust|mutual)_{_CODE}_{_CODE}|alignment|polarization)_at_(?P<when>{_WHEN})$"),
}


@dataclass(frozen=True)
class Outcome:
    """What is asked of a quantity per replication (see the module's table)."""

    kind: Kind
    quantity: str  # trust_PAK_USA, mutual_PAK_USA, alignment or polarization
    op: str | None = None  # "<", "<=", ">", ">="
    threshold: float | None = None
    when: str | None = None  # "2030-12" or "36" as written; None: the end of the run (prob) or not used
    mode: Literal["by", "at"] = "by"

    @property
    def name(self) -> str:
        """The name in tables, files and sweep columns: letters, digits, '_', '-' and '.' only."""
        if self.kind == "final":
            return self.quantity
        if self.kind == "at":
            return f"{self.quantity}_at_{self.when}"
        base = f"{self.kind if self.kind == 'first' else 'prob'}_{self.quantity}_{OPS[self.op]}_{self.threshold:g}"
        return base if self.kind == "first" or self.when is None else f"{base}_{self.mode}_{self.when}"

    @property
    def label(self) -> str:
        """As a person writes it: 'P(PAK->USA < 0.2 by 2030-12)'."""
        q = quantity_label(self.quantity)
        if self.kind == "final":
            return q
        if self.kind == "at":
            return f"{q} at {self.when}"
        test = f"{q} {self.op} {self.threshold:g}"
        if self.kind == "first":
            return f"first({test})"
        return f"P({test})" if self.when is None else f"P({test} {self.mode} {self.when})"

    @property
    def probability(self) -> bool:
        """Whether its mean over replications is a probability (per replication 0 or 1)."""
        return self.kind == "prob"

    def step(self, start: str | None, steps: int, key: str = "outcome") -> int:
        """The month WHEN names, as a step of a run of `steps` months whose step 1 is `start` (None: no calendar);
        the last step when no month is named. A ConfigError when it is outside the run."""
        if self.when is None:
            return steps
        if "-" in self.when:
            if start is None:
                raise ConfigError(
                    f"'{self.label}' names a month, but the scenario has no calendar",
                    key=key,
                    hint=f"name a month number instead, e.g. {self.label.replace(self.when, '36')}",
                )
            at = calendar.step_of(self.when, start)
        else:
            at = int(self.when)
        if not 1 <= at <= steps:
            span = calendar.span(1, steps, start)
            raise ConfigError(f"'{self.label}' asks for a month outside the run ({span})", key=key)
        return at


def value_range(name: str) -> tuple[float, float | None]:
    """The range one replication's value of the outcome `name` lies in: 0 to 1 for trust, mutual trust, alignment
    and probabilities; -1 to 1 for polarization (and its value at a month); months from 1 for a first crossing
    (the month after the run for never: no upper bound without the run's length)."""
    asked = parse_outcome(name)
    if asked.kind == "first":
        return 1.0, None
    if asked.kind == "prob" or asked.quantity != "polarization":
        return 0.0, 1.0
    return -1.0, 1.0


def holds(value: object, op: str, threshold: float) -> object:
    """`value op threshold` for numbers or numpy arrays."""
    if op == "<":
        return value < threshold
    if op == "<=":
        return value <= threshold
    if op == ">":
        return value > threshold
    return value >= threshold


def quantity_name(text: str) -> str:
    """'PAK->USA' -> trust_PAK_USA, 'PAK-USA' -> mutual_PAK_USA; names and alignment/polarization as they are."""
    text = text.strip()
    pair = split(text)
    if pair is not None:
        return trust_name(*pair)
    if "-" in text and not text.startswith(("trust_", "mutual_")):
        a, b = (part.strip() for part in text.split("-"))
        return mutual_name(a, b)
    return text


def quantity_label(name: str) -> str:
    """trust_PAK_USA -> 'PAK->USA', mutual_PAK_USA -> 'PAK-USA'."""
    kind, _, rest = name.partition("_")
    if kind in ("trust", "mutual") and rest:
        a, b = rest.split("_", 1)
        return f"{a}->{b}" if kind == "trust" else f"{a}-{b}"
    return name


def parse_outcome(text: str, actors: list[str] | None = None, key: str = "outcome") -> Outcome:
    """An outcome from an expression or a name; with `actors`, its dyad is checked against them. A ConfigError
    naming what is wrong and the syntax otherwise."""
    written = " ".join(str(text).split())
    found_kind, match = next(
        ((kind, m) for kind, pattern in (*_EXPRESSIONS.items(), *_NAMES.items()) if (m := pattern.match(written))),
        (None, None),
    )
    if match is None or found_kind is None:
        raise ConfigError(f"'{text}' is not an outcome", key=key, hint=SYNTAX)
    found = match.groupdict()
    quantity = quantity_name(found["q"])
    op = found.get("op")
    op = NAMED.get(op, op)
    threshold = float(found["x"]) if found.get("x") is not None else None
    when = found.get("when")
    if when is not None and "-" in when:
        try:
            when = calendar.month_label(calendar.month_index(when))
        except ValueError as exc:
            raise ConfigError(str(exc), key=key, hint=SYNTAX) from None
    outcome = Outcome(found_kind, quantity, op, threshold, when, found.get("mode") or "by")  # type: ignore[arg-type]
    if actors is not None:
        _check_actors(outcome, list(actors), key)
    return outcome


def _check_actors(outcome: Outcome, actors: list[str], key: str) -> None:
    kind, _, rest = outcome.quantity.partition("_")
    if kind not in ("trust", "mutual"):
        return
    a, b = rest.split("_", 1)
    unknown = [code for code in (a, b) if code not in actors]
    if unknown or a == b:
        what = f"unknown actor {', '.join(unknown)}" if unknown else "an actor has no trust in itself"
        raise ConfigError(f"'{outcome.label}': {what}", key=key, hint=f"the actors are {', '.join(actors)}; {SYNTAX}")
