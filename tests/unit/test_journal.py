"""The calibration journal: a block of evaluations is written as one, the same bytes as one at a time, and a block
cut short by an interruption loses only its torn last line."""

from __future__ import annotations

from sim.fit.journal import Journal

XS = [[0.1, 2.0], [0.3, 4.0], [0.5, 6.0]]
RECORDS = [{"distance": 0.2}, {"distance": 0.1}, {"distance": 0.3}]


def test_a_block_is_the_same_bytes_as_one_evaluation_at_a_time(tmp_path):
    one = Journal.create(tmp_path / ".one.unfinished", "f", {})
    for x, record in zip(XS, RECORDS, strict=True):
        one.extend([x], [record])
    block = Journal.create(tmp_path / ".block.unfinished", "f", {})
    block.extend(XS, RECORDS)
    assert block.path.read_bytes() == one.path.read_bytes()
    assert block.entries == one.entries and block.get(XS[1])["distance"] == 0.1


def test_a_block_torn_by_an_interruption_keeps_its_whole_lines(tmp_path):
    journal = Journal.create(tmp_path / ".j.unfinished", "f", {})
    journal.extend(XS, RECORDS)
    data = journal.path.read_bytes()
    journal.path.write_bytes(data[: len(data) - 10])  # the last line cut short
    again = Journal.load(journal.root)
    assert [list(k) for k in again.entries] == XS[:2]
