"""Fitting the model to history: observed series, scores against them, and calibration of named parameters.

- `series`: observed series CSV files (one directed dyad per series, a value from 0 to 1 per survey).
- `score`: the simulated value at each observation and the metrics (RMSE, rank correlation, direction agreement,
  coverage of the 90% band), per series and window (train up to the split year, test after it).
- `journal`: the append-only record of a calibration's evaluations, which makes it resumable.
- `optimise`: the ranges to fit and the seeded differential-evolution search on the train window.
- `report` and `figures`: the result folder of a calibration, and its figure.
- `command`: the `diplosim calibrate` and `diplosim score` subcommands.
"""
