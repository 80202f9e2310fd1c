"""Fitting the model to history: observed series, histories built by rule, scores, and a posterior of parameters.

- `series`: observed series CSV files (one directed dyad per series, a value from 0 to 1 per survey).
- `codebook` and `histories`: event tables turned into history scenarios by one codebook and one rule.
- `split`: the frozen split between training and held-out years (scenarios/fits/split.toml).
- `score`: the simulated value at each observation, the baselines (no moves, training mean, persistence) and the
  metrics (RMSE, CRPS, coverage of the 90% band, direction, the polls' sampling error), per series and window.
- `abc`: ABC-SMC, a posterior sample for a simulator without a likelihood, a block of candidates at a time.
- `problem`: the histories, rows and prior ranges of a calibration, and the block evaluator.
- `blocks`: a block of candidates cut into pieces for the sweep's executors (this process, worker processes, Dask),
  their records handed back in candidate order.
- `journal`: the append-only record of a calibration's evaluations, which makes it resumable.
- `report` and `figures`: what a score or a calibration prints and writes, and its figure.
- `api`: `score_run`, `run_calibration` and the checked Python API (`sim.score`, `sim.calibrate`).
"""
