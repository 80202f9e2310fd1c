"""sim.util.rng: SplitMix64 against its reference outputs, and named streams that are pure functions of
(replication key, stream name, step), checked against a reference written here in Python integers."""

from __future__ import annotations

import hashlib

import numpy as np
from scipy.special import ndtri

from sim.util import rng

GAMMA = 0x9E3779B97F4A7C15
MASK = 2**64 - 1


def splitmix(x: int) -> int:
    """SplitMix64's finaliser in Python integers (Steele, Lea and Flood 2014), the reference for `rng.mix`."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def reference_uniform(key: int, name: str, step: int) -> float:
    """A stream's draw at a step: mix(mix(key ^ id(name)) + gamma * (step + 1)), its top 53 bits as [0, 1)."""
    stream = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")
    return (splitmix((splitmix(key ^ stream) + GAMMA * (step + 1)) & MASK) >> 11) * 2.0**-53


def test_splitmix64_known_answers():
    """SplitMix64 from state 0: the reference generator's first outputs are mix(gamma), mix(2 gamma), mix(3 gamma)."""
    states = np.array([GAMMA, (2 * GAMMA) % 2**64, (3 * GAMMA) % 2**64], dtype=np.uint64)
    assert [hex(int(x)) for x in rng.mix(states.copy())] == [
        "0xe220a8397b1dcdaf",
        "0x6e789e6aa1b965f4",
        "0x6c45d188009454f",
    ]
    assert [splitmix(int(s)) for s in states] == [int(x) for x in rng.mix(states)]


def test_replication_keys_are_the_first_word_of_each_seed_sequence_child():
    """Key of replication r of seed s: SeedSequence(s, spawn_key=(r,)).generate_state(1, uint64)[0]; for (1, 0)
    8431846347943309920. A replication's key does not depend on which others are asked for."""
    assert int(rng.replication_keys(1, [0])[0]) == 8431846347943309920
    np.testing.assert_array_equal(rng.replication_keys(7, [5, 2]), rng.replication_keys(7, range(6))[[5, 2]])


def test_stream_ids_are_stable_hashes_of_the_names():
    """blake2b-64 of the name, little-endian: independent of Python's hash seed and of the other names."""
    ids = rng.stream_ids(["noise:PAK:USA", "reply:USA:PAK:dialogue"])
    assert int(ids[0]) == int.from_bytes(hashlib.blake2b(b"noise:PAK:USA", digest_size=8).digest(), "little")
    assert int(rng.stream_ids(["reply:USA:PAK:dialogue"])[0]) == int(ids[1])


def test_uniforms_match_the_reference_for_every_replication_stream_and_step():
    keys = rng.replication_keys(3, [0, 4])
    names = ["background:AA:BB:gift", "noise:AA:BB"]
    streams = rng.Streams(keys, names)
    for step in (0, 1, 17):
        draws = streams.uniform(step)
        expected = [[reference_uniform(int(k), n, step) for n in names] for k in keys]
        assert draws.tolist() == expected
        assert ((draws >= 0) & (draws < 1)).all()


def test_normals_invert_the_normal_cdf_at_the_centre_of_each_uniform_cell():
    """z = ndtri(u + 2^-54) (the kernel's own ndtri, within 2e-15 of scipy's): never infinite, since u + 2^-54
    lies strictly inside (0, 1)."""
    from sim.core import kdraws, kmath

    keys = rng.replication_keys(3, [1])
    bases = kdraws.stream_bases(keys, rng.stream_ids(["noise:AA:BB"]))
    u = reference_uniform(int(keys[0]), "noise:AA:BB", 5)
    assert kdraws.uniform(bases[0], 0, 5) == u
    assert kdraws.normal(bases[0], 0, 5) == kmath.ndtri(u + 2.0**-54)
    np.testing.assert_allclose(kdraws.normal(bases[0], 0, 5), ndtri(u + 2.0**-54), rtol=2e-15)


def test_a_stream_draws_the_same_whatever_other_streams_and_replications_are_drawn():
    """Common random numbers and batch independence: a stream's column depends on its name and key only."""
    alone = rng.Streams(rng.replication_keys(9, [3]), ["reply:AA:BB:gift"]).uniform(4)
    crowd = rng.Streams(rng.replication_keys(9, range(5)), ["policy:x", "reply:AA:BB:gift", "noise:BB:AA"])
    assert crowd.uniform(4)[3, 1] == alone[0, 0]
    assert len(set(crowd.uniform(4)[3])) == 3  # different names, different draws


def test_successive_steps_are_uncorrelated_uniforms():
    """Over 1,000 replications (fixed seed, so the same numbers every run): mean near 1/2, no lag-one correlation."""
    u = rng.Streams(rng.replication_keys(0, range(1000)), ["x"])
    draws = np.stack([u.uniform(step)[:, 0] for step in range(4)])
    assert np.abs(draws.mean(axis=1) - 0.5).max() < 0.03
    assert max(abs(np.corrcoef(draws[t], draws[t + 1])[0, 1]) for t in range(3)) < 0.1
