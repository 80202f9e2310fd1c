"""sim.fit.blocks: how a block of candidates is cut for the executor, and that records come back in candidate order
whatever order the pieces finish in (the engine's part, identical numbers in any batch, is tested end to end in
tests/integration/test_fit.py)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.fit.blocks import evaluate_pieces, pieces
from sim.sweep.chunks import MAX_BATCH
from sim.sweep.execute import Done, Serial
from sim.util.errors import ConfigError


@given(st.integers(1, 3000), st.integers(1, 2000), st.integers(1, 64))
def test_pieces_cover_the_block_in_order_one_per_slot_within_the_batch_bound(count, replications, slots):
    cuts = pieces(count, replications, slots)
    assert [i for cut in cuts for i in range(count)[cut]] == list(range(count))
    sizes = [cut.stop - cut.start for cut in cuts]
    assert min(sizes) >= 1 and max(sizes) * replications <= max(MAX_BATCH, replications)
    assert max(sizes) - min(sizes) <= 1
    # One piece per slot (at most one per candidate), or as few more as the bound needs
    fewer = len(cuts) - 1
    assert len(cuts) == min(count, slots) or math.ceil(count / fewer) * replications > max(MAX_BATCH, replications)


class Backwards:
    """An executor whose pieces finish in reverse order (as a pool's may), with `slots` of them."""

    description = "backwards"

    def __init__(self, slots: int) -> None:
        self._slots = slots

    def slots(self) -> int:
        return self._slots

    def run(self, task: Any, shared: Any, items: Sequence[Any]) -> Iterator[Done]:
        for i in reversed(range(len(items))):
            yield Done(i, task(shared, items[i]))


def records(problem: Any, xs: np.ndarray) -> list[dict[str, Any]]:
    return [{"distance": float(x.sum())} for x in xs]


PROBLEM = SimpleNamespace(settings=SimpleNamespace(replications=8))


@pytest.mark.parametrize(
    "executor", [Serial(), Backwards(1), Backwards(3), Backwards(40)], ids=["serial", "one", "three", "forty"]
)
def test_records_come_back_in_candidate_order_on_any_executor(executor):
    xs = np.arange(30.0).reshape(10, 3)
    got = list(evaluate_pieces(executor, records, PROBLEM, xs))
    assert len(got) == min(10, executor.slots())
    assert np.array_equal(np.concatenate([piece for piece, _ in got]), xs)
    assert [r["distance"] for _, rs in got for r in rs] == [float(x.sum()) for x in xs]


def refuse(problem: Any, xs: np.ndarray) -> list[dict[str, Any]]:
    raise ConfigError("refused", key="parameters.alpha")


def test_a_task_error_is_raised_with_its_parts():
    with pytest.raises(ConfigError, match=r"key 'parameters\.alpha': refused"):
        list(evaluate_pieces(Serial(), refuse, PROBLEM, np.ones((4, 2))))
