"""mkdocs hook: the committed example results (results/examples/) and the bundled fits (scenarios/fits/) are part
of the site.

Pages link to them as `../results/examples/...` or `../scenarios/fits/...`, paths that also work when the Markdown
is read in the repository; this hook adds those files to the build under the same paths, so the links resolve (and
are checked) in the site too.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

SUFFIXES = {".png", ".svg", ".csv", ".toml", ".json"}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    docs = Path(config["docs_dir"])
    folders = {docs.parent / "results" / "examples": SUFFIXES, docs.parent / "scenarios" / "fits": {".png"}}
    found = [p for folder, kept in folders.items() for p in folder.rglob("*") if p.suffix in kept and p.is_file()]
    for path in sorted(found):
        uri = path.relative_to(docs.parent).as_posix()
        files.append(
            File(
                f"../{uri}",
                str(docs),
                config["site_dir"],
                config["use_directory_urls"],
                dest_uri=uri,
                inclusion=InclusionLevel.INCLUDED,
            )
        )
    return files
