"""mkdocs hook: the committed example results (results/examples/) are part of the site.

Pages link to them as `../results/examples/...`, a path that also works when the Markdown is read in the
repository; this hook adds those files to the build under `results/examples/`, so the links resolve (and are
checked) in the site too.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

SUFFIXES = {".png", ".svg", ".csv", ".toml", ".json"}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    docs = Path(config["docs_dir"])
    examples = docs.parent / "results" / "examples"
    for path in sorted(p for p in examples.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
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
