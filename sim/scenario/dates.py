"""Dates in a scenario ("YYYY-MM") resolved to steps when it is loaded, so the engine works on steps only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from sim.scenario.messages import dotted
from sim.util import calendar
from sim.util.errors import ConfigError

Fail = Callable[..., NoReturn]  # fail(loc, message, hint=None): raise the ConfigError for that key


def resolve_dates(raw: dict[str, Any], origin: Callable[[tuple[Any, ...]], str | Path]) -> None:
    """In place: the calendar as "YYYY-MM", `end` as a run length, and every date in policies, profiles and
    events as the step it falls on (`from`/`until` become `start`/`end`). Steps given as numbers stay."""

    def fail(loc: tuple[Any, ...], message: str, hint: str | None = None) -> NoReturn:
        raise ConfigError(message, file=origin(loc), key=dotted(loc), hint=hint)

    start = _calendar(raw, fail)

    def step(loc: tuple[Any, ...], value: Any) -> Any:
        return _step(loc, value, start, fail)

    policies = raw.get("policies")
    for i, policy in enumerate(policies if isinstance(policies, list) else []):
        if isinstance(policy, dict):
            _policy_dates(policy, ("policies", i), step, fail)
    events = raw.get("events")
    for name, event in (events if isinstance(events, dict) else {}).items():
        at = event.get("at") if isinstance(event, dict) else None
        if isinstance(at, list):
            event["at"] = [step(("events", name, "at", k), v) for k, v in enumerate(at)]


def _calendar(raw: dict[str, Any], fail: Fail) -> str | None:
    """The calendar's first month ("YYYY-MM", or None without a calendar), with `end` turned into `steps`."""
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
    return start


def _step(loc: tuple[Any, ...], value: Any, start: str | None, fail: Fail) -> Any:
    """A date as the step it falls on (a step given as a number stays as it is)."""
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


def _policy_dates(policy: dict[str, Any], loc: tuple[Any, ...], step: Callable[..., Any], fail: Fail) -> None:
    """A policy's `from`/`until` as `start`/`end`, and its dates and its profile's dates as steps."""
    for date_key, step_key in (("from", "start"), ("until", "end")):
        if date_key in policy:
            if step_key in policy:
                fail((*loc, date_key), f"give `{date_key}` or `{step_key}`, not both")
            value = policy.pop(date_key)
            if not calendar.is_date(value):
                fail((*loc, date_key), f'`{date_key}` takes a month like "2002-01"', f"use {step_key} for steps")
            policy[step_key] = value
    for key in ("start", "end"):
        if key in policy:
            policy[key] = step((*loc, key), policy[key])
    profile = policy.get("profile")
    for j, point in enumerate(profile if isinstance(profile, list) else []):
        if isinstance(point, dict) and "at" in point:
            point["at"] = step((*loc, "profile", j, "at"), point["at"])
