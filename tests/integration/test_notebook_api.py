"""The notebook API: short reprs, HTML tables, figures by name onto given axes, the Comparison object."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pytest
from matplotlib.figure import Figure

import sim
import sim.sweep
from sim.runs import tables


@pytest.fixture(scope="module")
def runs():
    return sim.compare(["baseline", "dialogue"], replications=30, steps=24, seed=4)


def test_results_show_a_short_repr_and_a_final_trust_table(runs):
    res = runs["baseline"]
    assert len(repr(res)) < 200
    page = res._repr_html_()
    rows = page.split("<tbody>")[1].split("</tr>")[:-1]
    assert [row.split("<th>")[1].split("</th>")[0] for row in rows] == res.actors
    final = res.final_table().set_index(["observer", "target"])
    pak = rows[res.actors.index("PAK")].split("<td>")[1:]
    assert pak[res.actors.index("USA")].startswith(f"{final.loc[('PAK', 'USA'), 'p50']:.3f} [")
    assert pak[res.actors.index("PAK")].startswith("</td>")  # no trust in oneself


def test_results_plot_by_name_onto_new_figures_or_given_axes(runs):
    res = runs["baseline"]
    for kind in ("fan", "network", "alignment", "activity"):
        assert isinstance(res.plot(kind), Figure)
    ax = Figure().subplots()
    assert res.plot("fan", ax=ax, dyad="USA->PAK") is ax
    median = res.summary().query("observer == 'USA' and target == 'PAK'")["p50"].to_numpy()
    assert (ax.lines[0].get_ydata() == median).all() and ax.get_title() == "USA → PAK"
    with pytest.raises(ValueError, match="several panels"):
        res.plot("network", ax=ax)
    with pytest.raises(ValueError, match="no dyad PAK->RUS"):
        res.plot("fan", ax=ax, dyad="PAK->RUS")
    with pytest.raises(ValueError, match="unknown figure"):
        res.plot("pie")


def test_compare_returns_a_mapping_with_the_ci_table_and_figures(runs):
    assert isinstance(runs, sim.Comparison) and isinstance(runs, Mapping)
    assert list(runs) == ["baseline", "dialogue"] and runs.reference == "baseline"
    pd.testing.assert_frame_equal(runs.table(), tables.comparison_tables({k: v.dataset for k, v in runs.items()})[0])
    row = runs.table().set_index(["scenario", "observer", "target"]).loc[("dialogue", "PAK", "USA")]
    assert row["diff_low"] <= row["diff"] <= row["diff_high"] and row["diff_p05"] <= row["diff_p95"]
    assert len(repr(runs)) < 120 and "[95% CI]" in runs._repr_html_()
    final = runs.plot("final")
    assert sum(1 for ax in final.axes if ax.lines) == 2  # the CI and the spread side by side
    assert isinstance(runs.plot("difference"), Figure) and isinstance(runs.plot("trust"), Figure)
    assert "difference [95% CI]" in runs.text()


def test_a_sweep_result_is_short_in_a_terminal_and_a_table_in_a_notebook():
    result = sim.sweep.run(
        {
            "scenario": "us_pressure",
            "replications": 6,
            "steps": 12,
            "outcomes": ["trust_PAK_USA", "alignment"],
            "vary": [{"path": "policies.usa_pressure.intensity", "low": 0.1, "high": 2.0, "num": 30}],
        },
        workers=1,
    )
    assert len(repr(result)) < 300
    summary = result.summary()
    assert list(summary["outcome"]) == ["trust_PAK_USA", "alignment"]
    assert "SweepResult" in result._repr_html_() and len(result._repr_html_()) < 3000
