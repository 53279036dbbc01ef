"""The stored notebooks carry nothing volatile or machine-specific (tools/check_notebooks.py)."""

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

import check_notebooks  # noqa: E402 - tools/ is not a package


def test_course_notebooks_are_clean():
    notebooks = check_notebooks.course_notebooks()
    assert len(notebooks) >= 9
    problems = [p for path in notebooks for p in check_notebooks.problems_of(path)]
    assert not problems, "\n".join(problems)


def _write(path, cells, **metadata):
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}, **metadata})
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_each_kind_of_problem_is_named(tmp_path):
    bad = new_code_cell("f()", execution_count=1, metadata={"execution": {"iopub.status.busy": "2026-01-01"}})
    bad.outputs = [new_output("error", ename="ValueError", evalue="shapes (2,3) and (4,5)", traceback=[]),
                   new_output("stream", name="stdout", text="<Dense object at 0x7f3a2b1c4d50>\n"),
                   new_output("execute_result", data={"text/plain": "'/home/maintainer/course/data.csv'"},
                              execution_count=1)]
    chapter = _write(tmp_path / "chapters" / "01_x.ipynb", [bad], widgets={"state": {}})
    problems = "\n".join(check_notebooks.problems_of(chapter))
    for expected in ["widget state", "volatile metadata 'execution'", "error output ValueError",
                     "a memory address", "a local path"]:
        assert expected in problems, f"{expected!r} not reported:\n{problems}"


def test_a_timing_cell_stores_its_figure_only(tmp_path):
    timed = new_code_cell("print(time.perf_counter() - start)", execution_count=1,
                          metadata={"tags": ["timing", "nbval-ignore-output"]})
    timed.outputs = [new_output("stream", name="stdout", text="0.0123 s\n")]
    untagged = new_code_cell("plot(times)", execution_count=2, metadata={"tags": ["timing"]})
    untagged.outputs = [new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})]
    problems = "\n".join(check_notebooks.problems_of(_write(tmp_path / "chapters" / "01_x.ipynb", [timed, untagged])))
    assert "cell 1: a cell tagged 'timing' stores printed output" in problems
    assert "cell 2: a cell tagged 'timing' must also be tagged 'nbval-ignore-output'" in problems
    assert "cell 2: a cell tagged 'timing' stores" not in problems  # a figure is kept


def test_an_exercise_sheet_with_outputs_is_reported(tmp_path):
    cell = new_code_cell("check('sigmoid', sigmoid)", execution_count=3)
    cell.outputs = [new_output("stream", name="stdout", text="passed\n")]
    sheet = _write(tmp_path / "exercises" / "ex01_x.ipynb", [cell])
    assert any("stored without outputs" in p for p in check_notebooks.problems_of(sheet))
    clean = _write(tmp_path / "exercises" / "ex02_x.ipynb", [new_code_cell("check('relu', relu)")])
    assert check_notebooks.problems_of(clean) == []


def test_every_chapter_title_carries_the_number_in_its_file_name():
    """A renumbering (a chapter added before the capstone) must reach every title."""
    chapters = sorted((REPO / "chapters").glob("*.ipynb"))
    assert len(chapters) >= 10
    for path in chapters:
        title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
        assert title.startswith(f"# Chapter {int(path.name[:2])} · "), (path.name, title)
