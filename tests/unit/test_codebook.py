"""The history codebook converter (sim/fit/codebook.py): known answers, clear errors, and every history's
policies loading as a scenario on the world."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
import tomli_w

import sim
from sim.fit.codebook import convert, intensity, load_codebook, read_events
from sim.util.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "scenarios" / "history"
WORLD = ROOT / "scenarios" / "world.toml"
# history -> calendar of its scenario (the tables run to the latest month in them; 2026-11 is the last full month)
HISTORIES = {
    "us_pakistan": ("2001-09", "2018-12"),
    "us_china": ("2001-09", "2026-11"),
    "india_pakistan": ("2001-09", "2026-11"),
    "us_india": ("2001-09", "2026-11"),
}

BOOK = """
[classes.aid]
kind = "flow"
move = "economic_aid"
period = "us_fiscal_year"
reference = 100.0
cap = 3.0

[classes.strikes]
kind = "flow"
move = "military_strike"
period = "calendar_year"
reference = 1.0

[classes.visit]
kind = "incident"
move = "high_level_visit"

[classes.tariff]
kind = "incident"
move = "impose_sanctions"
scale = "log10"
size = 10.0

[classes.attack]
kind = "world_event"
event = "terror_attack_india"
replaces_random = true
"""
HEADER = "date,actor,target,event_class,magnitude,source,note\n"


def write(tmp_path: Path, rows: str, book: str = BOOK) -> tuple[Path, Path]:
    (tmp_path / "book.toml").write_text(book)
    (tmp_path / "events.csv").write_text(HEADER + rows)
    return tmp_path / "book.toml", tmp_path / "events.csv"


def test_two_rows_give_exact_policies(tmp_path: Path) -> None:
    book, table = write(
        tmp_path,
        "2010,USA,PAK,aid,2400,CRS,FY2010\n2011-05,USA,PAK,visit,1,record,\n",
    )
    out = convert(book, table)
    assert out["events"] == {}
    assert [
        {k: p[k] for k in ("name", "actor", "move", "target", "from", "until", "intensity")} for p in out["policies"]
    ] == [
        # FY2010 = October 2009 to September 2010; 2400 / 12 / 100 = 2.0
        {
            "name": "aid_usa_pak_2010",
            "actor": "USA",
            "move": "economic_aid",
            "target": "PAK",
            "from": "2009-10",
            "until": "2010-09",
            "intensity": 2.0,
        },
        {
            "name": "visit_usa_pak_2011_05",
            "actor": "USA",
            "move": "high_level_visit",
            "target": "PAK",
            "from": "2011-05",
            "until": "2011-05",
            "intensity": 1.0,
        },
    ]
    assert "CRS" in out["policies"][0]["description"] and "FY2010" in out["policies"][0]["description"]


def test_formulas(tmp_path: Path) -> None:
    book = load_codebook(write(tmp_path, "")[0])
    assert intensity(book["aid"], 6000, 12) == 3.0  # 5.0, capped
    assert intensity(book["strikes"], 60, 12) == 5.0
    assert intensity(book["strikes"], 122, 12) == 10.0  # the schema's bound is the default cap
    assert intensity(book["tariff"], 5) == 1.0  # below size: the base
    assert intensity(book["tariff"], 100) == 2.0  # 1 + log10(100 / 10)
    assert intensity(book["visit"], 7) == 1.0  # unscaled


def test_spans_zero_flows_clipping_and_unique_names(tmp_path: Path) -> None:
    book, table = write(
        tmp_path,
        "2001-10/2007-09,USA,PAK,aid,7200,CRS,\n"
        "2003,USA,PAK,strikes,0,NA,no strikes\n"
        "2004,USA,PAK,strikes,12,NA,\n"
        "2011-05,USA,PAK,visit,1,a,\n"
        "2011-05,USA,PAK,visit,1,b,\n",
    )
    out = convert(book, table, start="2002-01", end="2004-06")
    assert [(p["name"], p["from"], p["until"], p["intensity"]) for p in out["policies"]] == [
        ("aid_usa_pak_2001_10_2007_09", "2002-01", "2004-06", 1.0),  # 7200 / 72 / 100, clipped to the window
        ("strikes_usa_pak_2004", "2004-01", "2004-06", 1.0),
    ]
    names = [p["name"] for p in convert(book, table)["policies"]]
    assert names[-2:] == ["visit_usa_pak_2011_05", "visit_usa_pak_2011_05_2"]


def test_world_events_fire_at_their_months(tmp_path: Path) -> None:
    book, table = write(tmp_path, "2008-11,PAK,IND,attack,166,record,\n2006-07,PAK,IND,attack,209,record,\n")
    assert convert(book, table)["events"] == {"terror_attack_india": {"at": ["2006-07", "2008-11"], "rate": 0.0}}
    clipped = convert(book, table, start="2007-01", end="2010-12")["events"]
    assert clipped == {"terror_attack_india": {"at": ["2008-11"], "rate": 0.0}}


@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        ("2010,USA,PAK,aidd,1,CRS,", "event_class", "unknown class 'aidd'"),
        ("2010,USA,PAQ,aid,1,CRS,", "target", "unknown actor 'PAQ'"),
        ("2010,USA,USA,aid,1,CRS,", "target", "same actor"),
        ("2010-13,USA,PAK,aid,1,CRS,", "date", "not a date"),
        ("2010-05/2010-02,USA,PAK,aid,1,CRS,", "date", "ends before it starts"),
        ("2011-01/2011-02,USA,PAK,visit,1,CRS,", "date", "needs a month"),
        ("2011,USA,PAK,visit,1,CRS,", "date", "needs a month"),
        ("2010,USA,PAK,aid,-5,CRS,", "magnitude", "negative"),
        ("2010,USA,PAK,aid,lots,CRS,", "magnitude", "not a number"),
        ("2010,USA,PAK,aid,1,,", "source", "is empty"),
    ],
)
def test_bad_rows_name_file_line_and_column(tmp_path: Path, row: str, column: str, text: str) -> None:
    book, table = write(tmp_path, "2009,USA,PAK,aid,1,CRS,\n" + row + "\n")
    with pytest.raises(ConfigError) as err:
        convert(book, table)
    assert err.value.file == f"{table}, line 3"
    assert err.value.key == column
    assert text in err.value.message and f"column '{column}'" in str(err.value)


def test_bad_header_and_bad_codebook(tmp_path: Path) -> None:
    book, table = write(tmp_path, "")
    table.write_text("date,actor,target,class,magnitude,source,note\n")
    with pytest.raises(ConfigError, match="line 1"):
        convert(book, table)
    (tmp_path / "bad.toml").write_text('[classes.x]\nkind = "flow"\nmove = "economic_aid"\nperiod = "calendar_year"\n')
    with pytest.raises(ConfigError, match="needs a reference") as err:
        load_codebook(tmp_path / "bad.toml")
    assert err.value.key == "classes.x.reference"
    with pytest.raises(ConfigError, match="not a move of the world"):
        load_codebook(book, moves=["dialogue"])


def world_names() -> tuple[list[str], list[str]]:
    world = tomllib.loads(WORLD.read_text())
    return list(world["moves"]), list(world["events"])


def test_the_codebook_names_only_the_worlds_moves_and_events() -> None:
    moves, events = world_names()
    book = load_codebook(HISTORY / "codebook.toml", moves=moves, events=events)
    assert {c.move for c in book.values() if c.move} <= set(moves)


@pytest.mark.parametrize("history", sorted(HISTORIES))
def test_every_history_loads_as_a_scenario(tmp_path: Path, history: str) -> None:
    """world + calendar + the converter's policies and events is a valid scenario (load_scenario's own checks)."""
    start, end = HISTORIES[history]
    moves, events = world_names()
    book = load_codebook(HISTORY / "codebook.toml", moves=moves, events=events)
    table = HISTORY / "events" / f"{history}.csv"
    rows = read_events(table, book)
    assert rows, "an empty history"
    out = convert(book, table, start=start, end=end)
    assert out["policies"]
    shutil.copy(WORLD, tmp_path / "world.toml")
    raw = {
        "name": f"history_{history}",
        "description": f"{history}: world + calendar + the policies of events/{history}.csv by the codebook",
        "world": "world.toml",
        "start": start,
        "end": end,
        "replications": 2,
        "policies": out["policies"],
        "events": out["events"],
    }
    path = tmp_path / f"history_{history}.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    scenario = sim.load_scenario(path)
    assert len(scenario.policies) == len(out["policies"])
    assert all(0 < p.intensity <= 10 for p in scenario.policies)
    for name, table_out in out["events"].items():
        assert len(scenario.events[name].at) == len(table_out["at"])


@pytest.mark.parametrize("history", sorted(HISTORIES))
def test_event_tables_cite_a_source_for_every_row(history: str) -> None:
    moves, events = world_names()
    book = load_codebook(HISTORY / "codebook.toml", moves=moves, events=events)
    for row in read_events(HISTORY / "events" / f"{history}.csv", book):
        read = "https://" in row.source or "http://" in row.source
        assert read or row.note.startswith("record"), f"line {row.line}: no address read and not marked record"
