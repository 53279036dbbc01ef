"""Keep the text sources in text/ in step with the notebooks (jupytext, MyST Markdown).

Every notebook in chapters/, exercises/ and solutions/ has a paired Markdown file under text/,
at the same relative path: ``chapters/03_backpropagation.ipynb`` <-> ``text/chapters/03_backpropagation.md``.
The pairing is declared in ``jupytext.toml`` (so ``jupytext --sync`` and the Jupytext
JupyterLab extension use the same files); the text files hold the inputs only, the notebooks
also hold the stored outputs. Review a change in the text file's diff.

Usage::

    python tools/sync_text.py                 # notebooks -> text: rewrite every text file from its notebook
                                              # (and remove the text of a notebook that was deleted)
    python tools/sync_text.py --check         # exit 1 and say which pairs differ (CI and pre-commit run this)
    python tools/sync_text.py --from-text text/chapters/03_backpropagation.md
                                              # text -> notebook: new inputs, outputs of unchanged cells kept

The default direction never changes a notebook. After ``--from-text``, re-run the notebook so
that its outputs match its new inputs: ``python tools/run_notebook.py chapters/NN_name.ipynb``.
"""

import argparse
import difflib
import sys
from pathlib import Path

import jupytext
from jupytext.combine import combine_inputs_with_outputs
from jupytext.config import load_jupytext_configuration_file
from jupytext.formats import long_form_multiple_formats
from jupytext.paired_paths import base_path, full_path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_FOLDERS = ("chapters", "exercises", "solutions")
TEXT_FORMAT = "md:myst"


def _config(repo=REPO):
    path = Path(repo) / "jupytext.toml"
    if not path.is_file():
        raise SystemExit(f"no jupytext configuration at {path}")
    return load_jupytext_configuration_file(str(path))


def text_path(notebook, config=None):
    """The text file paired with ``notebook``, as jupytext.toml declares it."""
    config = config or _config()
    paired = config.default_formats(str(notebook))
    if paired is None:
        raise ValueError(f"{notebook} is not covered by the pairings in jupytext.toml")
    formats = long_form_multiple_formats(paired)
    ipynb_fmt = next(f for f in formats if f["extension"] == ".ipynb")
    text_fmt = next(f for f in formats if f["extension"] == ".md")
    return Path(full_path(base_path(str(notebook), ipynb_fmt), text_fmt))


def notebooks(repo=REPO):
    return sorted(p for folder in NOTEBOOK_FOLDERS for p in (repo / folder).glob("*.ipynb"))


def _cells(nb):
    """What a pair must agree on: the cells' types, sources and (filtered) metadata."""
    return [(c.cell_type, c.source, dict(c.metadata)) for c in nb.cells]


def text_of(notebook, config=None):
    """The text file's content as it should be for ``notebook``."""
    return jupytext.writes(jupytext.read(notebook), fmt=TEXT_FORMAT, config=config or _config())


def check_pair(notebook, text_file, config=None):
    """None if the pair is in sync, otherwise a message saying where they differ."""
    config = config or _config()
    if not text_file.exists():
        return f"{text_file} is missing (the text source of {notebook})"
    expected = jupytext.reads(text_of(notebook, config), fmt=TEXT_FORMAT)
    stored = jupytext.reads(text_file.read_text(encoding="utf-8"), fmt=TEXT_FORMAT)
    want, have = _cells(expected), _cells(stored)
    if want == have:
        return None
    index = next((i for i, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have)))
    if index >= min(len(want), len(have)):
        return (f"{text_file} has {len(have)} cells, {notebook} has {len(want)}: "
                f"they agree on the first {index}")
    (want_type, want_src, want_meta), (have_type, have_src, have_meta) = want[index], have[index]
    detail = difflib.unified_diff(want_src.splitlines(), have_src.splitlines(), "notebook", "text", lineterm="", n=1)
    lines = list(detail)[:12]
    if want_type != have_type:
        lines.insert(0, f"cell type: notebook {want_type}, text {have_type}")
    if want_meta != have_meta:
        lines.insert(0, f"cell metadata: notebook {want_meta}, text {have_meta}")
    return f"{text_file} and {notebook} differ from cell {index + 1} on (counting from 1):\n    " + "\n    ".join(lines)


def check_all(repo=REPO):
    """Messages for every pair out of sync, every notebook without text and every orphan text."""
    config = _config(repo)
    problems, expected_texts = [], set()
    for notebook in notebooks(repo):
        text_file = text_path(notebook, config)
        expected_texts.add(text_file)
        problem = check_pair(notebook, text_file, config)
        if problem:
            problems.append(problem)
    for text_file in sorted((repo / "text").rglob("*.md")):
        if text_file not in expected_texts:
            problems.append(f"{text_file} has no notebook (was the notebook renamed or deleted?)")
    return problems


def write_texts(repo=REPO):
    """Write every text file from its notebook; remove text files whose notebook is gone."""
    config = _config(repo)
    written = set()
    for notebook in notebooks(repo):
        text_file = text_path(notebook, config)
        written.add(text_file)
        content = text_of(notebook, config)
        if not text_file.exists() or text_file.read_text(encoding="utf-8") != content:
            text_file.parent.mkdir(parents=True, exist_ok=True)
            text_file.write_text(content, encoding="utf-8")
            print(f"wrote {text_file.relative_to(repo)}")
    for text_file in sorted((Path(repo) / "text").rglob("*.md")):
        if text_file not in written:
            text_file.unlink()
            print(f"removed {text_file.relative_to(repo)} (its notebook is gone)")


def notebook_of(text_file, repo=REPO):
    """The notebook paired with a text file under text/."""
    rel = Path(text_file).resolve().relative_to(repo / "text")
    return repo / rel.with_suffix(".ipynb")


def update_notebook(text_file, repo=REPO):
    """Take the inputs from ``text_file``, keep the notebook's outputs and metadata."""
    notebook = notebook_of(text_file, repo)
    if not notebook.exists():
        raise SystemExit(f"{text_file}: no notebook {notebook} to update")
    config = _config(repo)
    new_inputs = jupytext.read(text_file, fmt=TEXT_FORMAT)
    combined = combine_inputs_with_outputs(new_inputs, jupytext.read(notebook), fmt=TEXT_FORMAT)
    combined.metadata.pop("jupytext", None)  # the pairing lives in jupytext.toml, not in each notebook
    jupytext.write(combined, notebook, fmt="ipynb", config=config)
    print(f"updated {notebook.relative_to(repo)} from {Path(text_file).resolve().relative_to(repo)}; "
          f"re-run it to refresh its outputs: python tools/run_notebook.py {notebook.relative_to(repo)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="report pairs out of sync, change nothing")
    group.add_argument("--from-text", nargs="+", metavar="TEXT.md", help="update these notebooks from their text")
    args = parser.parse_args(argv)
    if args.check:
        problems = check_all()
        for problem in problems:
            print(problem)
        if problems:
            print(f"\n{len(problems)} text source(s) out of sync. If the notebooks are right: "
                  "python tools/sync_text.py; if the text is: python tools/sync_text.py --from-text FILE.md")
            return 1
        print(f"all {len(notebooks())} notebooks and their text sources are in sync")
        return 0
    if args.from_text:
        for text_file in args.from_text:
            update_notebook(text_file)
        return 0
    write_texts()
    return 0


if __name__ == "__main__":
    sys.exit(main())
