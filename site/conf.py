"""Sphinx configuration of the course website (built by ``python tools/build_site.py``).

The build command copies the pages into build/site-src/ (same relative paths as in the
repository, so every link between them works as on GitHub) and runs Sphinx there with this
folder as its configuration directory. The notebooks are rendered with their stored outputs and
never executed.
"""

import os
import re

project = "Neural networks from scratch"
author = "the course's contributors"
copyright = "2026, the course's contributors; text and figures CC BY 4.0, code MIT"

extensions = [
    "myst_nb",                 # notebooks and MyST Markdown
    "sphinx-mathjax-offline",  # MathJax 3 copied into _static/mathjax: formulas typeset with no network
]

root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]  # README.md is included by index.md
# Notebooks are shown as stored: re-running them is CI's job (nbval), not the website's.
nb_execution_mode = "off"
nb_output_stderr = "show"
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_context = {"default_mode": "light"}  # a defined theme mode (the reader can still switch)
html_css_files = ["course.css"]
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
}

# Launch buttons (Binder) need the public address of the repository. Set it when building the
# published site, e.g. NN_COURSE_REPOSITORY_URL=https://github.com/OWNER/REPO; without it the
# pages say how to run the notebooks locally.
REPOSITORY_URL = os.environ.get("NN_COURSE_REPOSITORY_URL", "").rstrip("/")
REPOSITORY_BRANCH = os.environ.get("NN_COURSE_REPOSITORY_BRANCH", "main")
if REPOSITORY_URL:
    html_theme_options.update({
        "repository_url": REPOSITORY_URL,
        "repository_branch": REPOSITORY_BRANCH,
        "path_to_docs": "",
        "use_repository_button": True,
        "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
    })

# ---------------------------------------------------------------------------------------------
# Notes added to the pages (the notebooks themselves are not changed)
# ---------------------------------------------------------------------------------------------

EXPLORER_CALL = re.compile(r"\bexplorers\.(\w+_explorer)\(")


def _binder_link(path):
    if not REPOSITORY_URL or "github.com/" not in REPOSITORY_URL:
        return ""
    owner_repo = REPOSITORY_URL.split("github.com/", 1)[1]
    url = f"https://mybinder.org/v2/gh/{owner_repo}/{REPOSITORY_BRANCH}?urlpath=lab/tree/{path}"
    return f" or [open it on Binder]({url})"


def explorer_note(name, docname):
    return (
        ":::{note}\n"
        f"**An interactive explorer** (`nnlib.explorers.{name}`). It is live when you run this chapter "
        f"in Jupyter: `jupyter lab {docname}.ipynb` from the course folder{_binder_link(docname + '.ipynb')}. "
        "This page shows the output stored when the chapter was last run; the figure after it draws "
        "the explorer's starting setting.\n"
        ":::"
    )


def exercise_note(docname):
    name = docname.rsplit("/", 1)[-1]
    return (
        ":::{tip}\n"
        f"**Run this sheet.** Download {{download}}`{name}.ipynb <{name}.ipynb>` or, from the course "
        f"folder, `jupyter lab {docname}.ipynb`{_binder_link(docname + '.ipynb')}. Fill in each function, "
        f"run the check below it, and grade the whole sheet with `python -m nnlib.grade {docname}.ipynb`.\n"
        ":::"
    )


def add_notes(app, docname, source):
    """Insert the explorer and exercise notes into a notebook's JSON as it is read."""
    if not (docname.startswith("chapters/") or docname.startswith("exercises/ex")):
        return
    import nbformat

    nb = nbformat.reads(source[0], as_version=4)
    cells = []
    for index, cell in enumerate(nb.cells):
        cells.append(cell)
        if docname.startswith("exercises/") and index == 0 and cell.cell_type == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(exercise_note(docname)))
        if cell.cell_type == "code":
            for name in EXPLORER_CALL.findall(cell.source):
                cells.append(nbformat.v4.new_markdown_cell(explorer_note(name, docname)))
    for cell in cells:
        cell.pop("id", None)  # the inserted cells have fresh ids; none is needed for the page
    nb.cells = cells
    source[0] = nbformat.writes(nb)


def setup(app):
    app.connect("source-read", add_notes)
