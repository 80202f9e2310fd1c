"""`diplosim app`: the interactive dashboard (Solara) and Mesa's SolaraViz step-through view.

Modules: `sources` (the scenarios one can pick: bundled, history, files, uploads read from memory), `settings`
(what the controls set, as a pure `Draft`, and the two scenarios it resolves to), `policies` (the world's catalogue
and policies added from it), `compute` (the two runs on common random numbers and their tables), `figures` (the
charts, read on the yardstick of `sim.runs.yardstick`), `export` (the download: the comparison folder, zipped),
`controls`, `panels` and `dashboard` (the page), `mesa_view`, `pages` (the Solara app), `warm` and `server`
(serving it offline). Only `controls`, `panels`, `dashboard`, `mesa_view` and `pages` need the optional `app`
extra.
"""
