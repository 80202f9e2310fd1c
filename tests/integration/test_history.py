"""The 2001-2018 US-Pakistan replay against the opinion polls, and the effect envelope of every bundled scenario."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

import sim
from sim.scenario.load import list_scenarios
from sim.scenario.settings import no_moves
from tests.conftest import face_run

REPLAY = "scenarios/history/us_pakistan_2001_2018.toml"
OBSERVED = "scenarios/history/observed_opinion.csv"
SERIES = {"pew_pak_usa": ("PAK", "USA"), "gallup_usa_pak": ("USA", "PAK")}


@cache
def yearly(which: str) -> dict[tuple[str, str], pd.Series]:
    spec = sim.load_scenario(REPLAY)
    res = sim.run(spec if which == "replay" else no_moves(spec), replications=150, seed=5)
    mean = res.trust.mean("replication").isel(step=slice(1, None))
    years = mean["date"].dt.year.values
    return {
        dyad: pd.Series(mean.sel(observer=dyad[0], target=dyad[1]).values, index=years).groupby(level=0).mean()
        for dyad in SERIES.values()
    }


def observed(series: str) -> pd.Series:
    table = pd.read_csv(OBSERVED)
    return table[table["series"] == series].set_index("year")["value"]


@pytest.mark.parametrize("series", sorted(SERIES))
def test_replay_tracks_the_polls_better_than_no_moves(series):
    obs = observed(series)
    obs = obs[(obs.index > 2001) & (obs.index <= 2018)]
    dyad = SERIES[series]

    def rmse(sim_years: pd.Series) -> float:
        return float(np.sqrt(((sim_years.reindex(obs.index) - obs) ** 2).mean()))

    assert rmse(yearly("replay")[dyad]) < rmse(yearly("no-moves")[dyad])


def test_replay_never_saturates_and_falls_like_the_polls():
    pak_usa = yearly("replay")[("PAK", "USA")]
    assert all(0.03 < s.max() < 0.6 and s.min() > 0.03 for s in yearly("replay").values())
    assert pak_usa.loc[2011:2013].mean() < pak_usa.loc[2005:2007].mean() - 0.03


def test_observed_series_cite_a_source_on_every_row():
    table = pd.read_csv(OBSERVED)
    assert {"series", "observer", "target", "year", "value", "source", "verified"} <= set(table.columns)
    assert table["source"].str.len().min() > 10 and table["value"].between(0, 1).all()
    assert set(table["verified"]) <= {"yes", "no"}


def _direct_dyads(spec: sim.Scenario) -> set[tuple[str, str]]:
    """The dyads a scenario acts on: its policies', rules' and events' actors and targets, both ways."""
    pairs = {(p.actor, p.target) for p in spec.policies}
    pairs |= {(r.actor, x.target) for r in spec.rules for x in r.respond}
    for event in spec.events.values():
        pairs |= {(s.observer, s.target) for s in event.shocks}
        pairs |= {(t.actor, t.target) for t in event.triggers}
    return pairs | {(b, a) for a, b in pairs}


@pytest.mark.parametrize("name", sorted(n for n in list_scenarios() if n != "baseline" and "/" not in n))
def test_every_bundled_scenario_stays_inside_the_effect_envelope(name):
    """Ten-year effect on any dyad within 0.3; spillover below half the largest direct effect (plus a noise floor
    of 0.01 for scenarios, like a single shock, whose ten-year effects are all close to zero)."""
    effect = face_run(name).final().mean("replication") - face_run("baseline").final().mean("replication")
    direct = _direct_dyads(sim.load_scenario(name))
    actors = [str(a) for a in effect.observer.values]
    values = {(o, t): float(effect.sel(observer=o, target=t)) for o in actors for t in actors if o != t}
    largest_direct = max((abs(v) for k, v in values.items() if k in direct), default=0.0)
    largest_spill = max((abs(v) for k, v in values.items() if k not in direct), default=0.0)
    assert max(abs(v) for v in values.values()) <= 0.3
    assert largest_spill < 0.5 * largest_direct + 0.01
