"""`diplosim app`: the interactive dashboard (Solara) and Mesa's SolaraViz step-through view.

Modules: `settings` (what a user can change, as pure functions on validated scenarios), `compute` (runs with
common random numbers and their tables), `figures` (the charts on screen), `export` (a result folder of what is
on screen), `dashboard` and `mesa_view` (the two pages), `pages` (the Solara app), `server` (serving it offline).
Only `settings`, `compute`, `figures` and `export` work without the optional `app` extra.
"""
