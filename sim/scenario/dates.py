"""Dates in a scenario ("YYYY-MM") resolved to steps when it is loaded, so the engine works on steps only.

Errors about dates speak the user's language: they name the key the user wrote (`from`, `until`, a profile's or
an event's `at`) and show months, not the steps they became: `until` 2002-01 before `from` 2002-02, a date after
the run's last month, profile points out of order.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from sim.scenario.messages import dotted
from sim.util import calendar
from sim.util.errors import ConfigError

Loc = tuple[Any, ...]
DEFAULT_STEPS = 120  # the schema's default run length (sim.scenario.schema.Scenario.steps)
LATER = "move it earlier, or end the run later"


class _Calendar:
    """The scenario's calendar while its dates are resolved: its start, its last step, and `fail`."""

    def __init__(self, origin: Callable[[Loc], str | Path]) -> None:
        self.origin = origin
        self.start: str | None = None
        self.last: int | None = None

    def fail(self, loc: Loc, message: str, hint: str | None = None) -> NoReturn:
        raise ConfigError(message, file=self.origin(loc), key=dotted(loc), hint=hint)

    def step(self, loc: Loc, value: Any, within: bool = True) -> Any:
        """The step of a date (numbers stay as they are); `loc` is where the user wrote it. With `within`, a date
        after the run's last month is an error."""
        if not calendar.is_date(value):
            return value
        if self.start is None:
            self.fail(loc, f"{value!r} is a date but the scenario has no calendar", 'add start = "YYYY-MM" at the top')
        try:
            at = calendar.step_of(value, self.start)
        except ValueError as exc:
            self.fail(loc, str(exc))
        if at < 1:
            self.fail(
                loc, f"{_label(value)} is before the calendar starts ({self.start})", "move it later or start earlier"
            )
        if within and self.last is not None and at > self.last:
            self.fail(loc, f"{_label(value)} is after the run's last month ({self.month(self.last)})", LATER)
        return at

    def month(self, step: int) -> str:
        assert self.start is not None
        return calendar.date_of(step, self.start)

    def shown(self, written: Any, step: Any) -> str:
        """A value as the user wrote it: a month, or a step (with its month when there is a calendar)."""
        if calendar.is_date(written):
            return _label(written)
        return f"step {step}" + (f" ({self.month(step)})" if self.start and isinstance(step, int) else "")


def _label(value: Any) -> str:
    """A date as the user reads it: "2002-01" (a TOML date 2002-01-01 too)."""
    try:
        return calendar.month_label(calendar.month_index(value))
    except ValueError:
        return repr(value)


def resolve_dates(raw: dict[str, Any], origin: Callable[[Loc], str | Path]) -> None:
    """In place: the calendar as "YYYY-MM", `end` as a run length, and every date in policies, profiles and
    events as the step it falls on (`from`/`until` become `start`/`end`). Steps given as numbers stay; dates
    after the run's last month, `until` before `from` and profile dates out of order are errors in dates."""
    cal = _Calendar(origin)
    _run(raw, cal)
    policies = raw.get("policies")
    for i, pol in enumerate(policies if isinstance(policies, list) else []):
        if isinstance(pol, dict):
            _policy(pol, ("policies", i), cal)
    events = raw.get("events")
    for name, event in (events if isinstance(events, dict) else {}).items():
        at = event.get("at") if isinstance(event, dict) else None
        if isinstance(at, list):
            event["at"] = [cal.step(("events", name, "at", k), v) for k, v in enumerate(at)]


def writable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of `raw` whose parts resolve_dates writes are new (the top level, each policy and its profile's
    points, each event) and whose other parts are shared: resolving a scenario built from a shared base (a sweep's
    points) leaves the base as it was, at a small part of a deep copy's cost."""
    out = dict(raw)
    policies = out.get("policies")
    if isinstance(policies, list):
        out["policies"] = [_policy_copy(pol) for pol in policies]
    events = out.get("events")
    if isinstance(events, dict):
        out["events"] = {name: dict(e) if isinstance(e, dict) else e for name, e in events.items()}
    return out


def _policy_copy(pol: Any) -> Any:
    if not isinstance(pol, dict):
        return pol
    pol = dict(pol)
    if isinstance(pol.get("profile"), list):
        pol["profile"] = [dict(point) if isinstance(point, dict) else point for point in pol["profile"]]
    return pol


def _run(raw: dict[str, Any], cal: _Calendar) -> None:
    """The calendar's start and the run's length (`end` becomes `steps`)."""
    start = raw.get("start")
    if start is not None:
        try:
            raw["start"] = cal.start = calendar.month_label(calendar.month_index(start))
        except ValueError as exc:
            cal.fail(("start",), str(exc))
    if "end" in raw:
        end = raw.pop("end")
        if cal.start is None:
            cal.fail(("end",), "`end` needs a calendar", 'add start = "YYYY-MM", or give steps instead')
        try:
            length = calendar.months_between(cal.start, end)
        except ValueError as exc:
            cal.fail(("end",), str(exc))
        if length < 1:
            cal.fail(("end",), f"end {_label(end)} is before start {cal.start}")
        if "steps" in raw and raw["steps"] != length:
            cal.fail(
                ("steps",), f"steps = {raw['steps']} disagrees with start {cal.start} and end {end} ({length} months)"
            )
        raw["steps"] = length
    steps = raw.get("steps", DEFAULT_STEPS)
    cal.last = steps if isinstance(steps, int) and not isinstance(steps, bool) and steps >= 1 else None


def _policy(pol: dict[str, Any], loc: Loc, cal: _Calendar) -> None:
    """A policy's `from`/`until` (or dated `start`/`end`) and its profile's dates, as steps."""
    keys = {"start": "start", "end": "end"}  # the step key -> the key the user wrote
    written = {}
    for date_key, step_key in (("from", "start"), ("until", "end")):
        if date_key in pol:
            if step_key in pol:
                cal.fail((*loc, date_key), f"give `{date_key}` or `{step_key}`, not both")
            value = pol.pop(date_key)
            if not calendar.is_date(value):
                cal.fail((*loc, date_key), f'`{date_key}` takes a month like "2002-01"', f"use {step_key} for steps")
            pol[step_key], keys[step_key] = value, date_key
    for key in ("start", "end"):
        if key in pol:
            written[key] = pol[key]
            pol[key] = cal.step((*loc, keys[key]), pol[key], within=key == "start")  # it may end after the run
    start, end = pol.get("start", 1), pol.get("end")
    dated = any(calendar.is_date(v) for v in written.values())
    if dated and isinstance(start, int) and isinstance(end, int) and end < start:
        cal.fail(
            (*loc, keys["end"]),
            f"`{keys['end']}` {cal.shown(written['end'], end)} is before `{keys['start']}`"
            f" {cal.shown(written.get('start', 1), start)}: the policy would never act",
        )
    _profile(pol.get("profile"), (*loc, "profile"), cal)


def _profile(profile: Any, loc: Loc, cal: _Calendar) -> None:
    """A profile's dated points as steps, in increasing order."""
    before: tuple[Any, Any] | None = None  # the previous point's `at`: as written, and as a step
    for j, point in enumerate(profile if isinstance(profile, list) else []):
        if not (isinstance(point, dict) and "at" in point):
            continue
        value = point["at"]
        point["at"] = at = cal.step((*loc, j, "at"), value)
        ordered = before is None or not isinstance(at, int) or not isinstance(before[1], int) or at > before[1]
        if not ordered and (calendar.is_date(value) or calendar.is_date(before[0])):
            cal.fail(
                (*loc, j, "at"),
                f"profile point {cal.shown(value, at)} does not come after the one before it ({cal.shown(*before)})",
                "list profile points in increasing order of `at`, each month once",
            )
        before = (value, at)
