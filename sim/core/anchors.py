"""What the status quo fixes for every dyad: the baseline trust returns to and the flows observers expect.

Computed by sim.core.calibration from the world's status quo and handed to the engine, which starts every observer
habituated to the status quo (so the baseline scenario begins at rest) and measures the shift of the level
trust returns to against these expectations (so the status quo keeps the essay's levels).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Anchors:
    """Baseline log-odds L0 [N, N] and the status quo's expected flows [3, N, N] (friendly, hostile, audience)."""

    baseline: np.ndarray
    expected: np.ndarray
