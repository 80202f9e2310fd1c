"""sim.fit.series: the observed-series file, checked row by row; unverified rows kept but not scored."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.fit.series import load_series
from sim.util.errors import ConfigError

HEADER = "series,observer,target,year,month,value,source,verified\n"


def test_series_file_loads_with_types(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(HEADER + 'pew,PAK,USA,2002,6,0.10,"Pew, 2002",yes\npew,PAK,USA,2003,,0.13,Pew 2003,\n')
    frame = load_series(path)
    assert list(frame["year"]) == [2002, 2003] and frame["month"].iloc[0] == 6 and pd.isna(frame["month"].iloc[1])
    assert list(frame["verified"]) == [True, None] and list(frame["line"]) == [2, 3]
    assert frame["source"].iloc[0] == "Pew, 2002"


def test_unverified_rows_are_kept_but_not_scored_and_sample_sizes_are_read(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(
        "series,observer,target,year,month,value,sample_size,source,verified\n"
        "pew,PAK,USA,2002,,0.10,1201,Pew,yes\npew,PAK,USA,2003,,0.13,,Pew,no\npew,PAK,USA,2004,,0.2,,Pew,\n"
    )
    from sim.fit.series import scored

    frame = load_series(path)
    assert frame["sample_size"].iloc[0] == 1201 and pd.isna(frame["sample_size"].iloc[1])
    kept, unverified = scored(frame)
    assert list(kept["year"]) == [2002, 2004] and list(unverified["year"]) == [2003]
    path.write_text("series,observer,target,year,month,value,sample_size,source\npew,PAK,USA,2002,,0.1,x,Pew\n")
    with pytest.raises(ConfigError, match="column 'sample_size': 'x' is not a number of interviews"):
        load_series(path)


ROW = "pew,PAK,USA,2005,,0.2,Pew\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        (HEADER, "has no observations"),
        (
            "series,observer,target,year,month,valu,source\n",
            "line 1: unknown column 'valu' (hint: did you mean 'value'?)",
        ),
        ("series,observer,target,year,month,source\n", "line 1: missing column 'value'"),
        (
            HEADER + "pew,PAK,USA,2005,,23,Pew,\n",
            "line 2: column 'value': '23' is not a number from 0 to 1 (hint: write",
        ),
        (HEADER + "pew,PAK,USA,2005,,nan,Pew,\n", "column 'value': 'nan' is not a number"),
        (HEADER + "pew,PAK,USA,2005,13,0.2,Pew,\n", "line 2: column 'month': '13' is not a month"),
        (HEADER + "pew,PAK,USA,05x,,0.2,Pew,\n", "column 'year': '05x' is not a year"),
        (HEADER + "pew,PAK,USA,2005,,0.2,,\n", "column 'source': is empty"),
        (HEADER + "pew,PAK,pak,2005,,0.2,Pew,\n", "column 'target': 'pak' is not an actor code"),
        (HEADER + "pew,PAK,PAK,2005,,0.2,Pew,\n", "column 'target': is the same actor as the observer"),
        (HEADER + "pew,PAK,USA,2005,,0.2,Pew,maybe\n", "column 'verified': 'maybe' is not yes or no"),
        (HEADER + "pew,PAK,USA,2005,,0.2,Pew\n", "line 2: has 7 fields but the header has 8"),
        (HEADER + ROW.replace("Pew", "Pew,") + "pew,USA,PAK,2006,,0.2,Pew,\n", "line 3: column 'observer': series"),
        (
            HEADER + ROW.replace("Pew", "Pew,") + "pew,PAK,USA,2005,4,0.2,Pew,\n",
            "already has a value for 2005 on line 2",
        ),
    ],
    ids=lambda v: v[-30:] if isinstance(v, str) else None,
)
def test_series_file_errors_name_file_line_column_and_hint(tmp_path, text, expected):
    path = tmp_path / "obs.csv"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_series(path)
    assert str(err.value).startswith(str(path)) and expected in str(err.value)
