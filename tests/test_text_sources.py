"""The jupytext text sources under text/ are in step with the notebooks, and the check notices when not.

A failure here means a notebook was changed without its text file (or the reverse). If the
notebook is right, ``python tools/sync_text.py`` rewrites the text files; if the text file is,
``python tools/sync_text.py --from-text text/FOLDER/NAME.md`` updates the notebook's inputs.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

try:
    import jupytext  # noqa: F401 - tools/sync_text.py needs it
except ImportError:
    if os.environ.get("CI"):
        raise ImportError("CI is set but jupytext is not installed: it is in requirements-dev.txt") from None
    pytest.skip("jupytext is not installed (pip install -r requirements-dev.txt)", allow_module_level=True)
import sync_text  # noqa: E402 - tools/ is not a package

SAMPLE = "chapters/01_forward_propagation.ipynb"
SAMPLE_TEXT = "text/chapters/01_forward_propagation.md"


def test_every_notebook_has_a_text_source_in_sync():
    problems = sync_text.check_all()
    assert not problems, ("text sources out of sync with their notebooks (fix: python tools/sync_text.py):\n"
                          + "\n".join(problems))


def test_every_folder_of_notebooks_is_paired():
    found = {p.parent.name for p in sync_text.notebooks()}
    assert found == set(sync_text.NOTEBOOK_FOLDERS)
    assert sync_text.text_path(REPO / SAMPLE) == REPO / SAMPLE_TEXT


@pytest.fixture
def copy_of_repo(tmp_path):
    """A small copy: the jupytext configuration, one chapter and one solution with their text files."""
    for rel in ["jupytext.toml", SAMPLE, SAMPLE_TEXT, "solutions/ex01_forward.ipynb", "text/solutions/ex01_forward.md"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / rel, tmp_path / rel)
    assert sync_text.check_all(tmp_path) == []
    return tmp_path


def _edit_text(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}: pick another sample phrase"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_names_the_cell_that_differs(copy_of_repo):
    _edit_text(copy_of_repo / SAMPLE_TEXT, "multilayer perceptron", "multi-layer perceptron")
    problems = sync_text.check_all(copy_of_repo)
    assert len(problems) == 1
    assert "01_forward_propagation" in problems[0] and "multi-layer perceptron" in problems[0]


def test_check_reports_missing_and_orphan_text(copy_of_repo):
    (copy_of_repo / "text/solutions/ex01_forward.md").rename(copy_of_repo / "text/solutions/ex01_renamed.md")
    problems = sync_text.check_all(copy_of_repo)
    assert any("ex01_forward.md is missing" in p for p in problems), problems
    assert any("ex01_renamed.md has no notebook" in p for p in problems), problems


def test_check_reports_a_changed_code_cell(copy_of_repo):
    _edit_text(copy_of_repo / "text/solutions/ex01_forward.md", "return 1 / (1 + np.exp(-z))", "return 0.5")
    problems = sync_text.check_all(copy_of_repo)
    assert len(problems) == 1 and "return 0.5" in problems[0], problems


def test_from_text_changes_the_input_and_keeps_the_outputs(copy_of_repo):
    import nbformat

    notebook = copy_of_repo / SAMPLE
    before = nbformat.read(notebook, as_version=4)
    _edit_text(copy_of_repo / SAMPLE_TEXT, "multilayer perceptron", "multi-layer perceptron")
    sync_text.update_notebook(copy_of_repo / SAMPLE_TEXT, repo=copy_of_repo)
    after = nbformat.read(notebook, as_version=4)
    changed = [i for i, (a, b) in enumerate(zip(before.cells, after.cells)) if a.source != b.source]
    assert len(changed) == 1 and "multi-layer perceptron" in after.cells[changed[0]].source
    assert [c.get("outputs") for c in before.cells] == [c.get("outputs") for c in after.cells]
    assert sync_text.check_all(copy_of_repo) == []


def test_jupytext_itself_pairs_the_files(copy_of_repo):
    """`jupytext --sync` (and the JupyterLab extension) find the same text file through jupytext.toml."""
    text_file = copy_of_repo / SAMPLE_TEXT
    text_file.unlink()
    result = subprocess.run([sys.executable, "-m", "jupytext", "--sync", SAMPLE], cwd=copy_of_repo,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert text_file.exists(), f"jupytext --sync did not write {SAMPLE_TEXT}:\n{result.stderr}"
    assert sync_text.check_all(copy_of_repo) == []


def test_writing_from_the_notebooks_restores_sync(copy_of_repo):
    """The command after a merge: text files rewritten from the notebooks, orphans removed."""
    _edit_text(copy_of_repo / SAMPLE_TEXT, "multilayer perceptron", "multi-layer perceptron")
    orphan = copy_of_repo / "text/solutions/ex99_gone.md"
    orphan.write_text((copy_of_repo / "text/solutions/ex01_forward.md").read_text(encoding="utf-8"))
    (copy_of_repo / "text/solutions/ex01_forward.md").unlink()
    assert len(sync_text.check_all(copy_of_repo)) == 3
    notebook_bytes = (copy_of_repo / SAMPLE).read_bytes()
    sync_text.write_texts(copy_of_repo)
    assert sync_text.check_all(copy_of_repo) == []
    assert not orphan.exists()
    assert (copy_of_repo / SAMPLE).read_bytes() == notebook_bytes  # notebooks are never changed
