"""Tests of the exercise system: solutions/ is the single source, exercises/ is generated from it
(and agrees with nbgrader), solution notebooks pass every check, blank exercise notebooks run
cleanly and report every exercise as not attempted, and `python -m nnlib.grade` never modifies a
notebook.

The notebook runs happen once per session, in two `python -m nnlib.grade` processes started in
parallel (one for solutions/, one for exercises/ plus a simulated learner notebook).
"""

import copy
import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnlib.grading import EXERCISES as REGISTRY
from nnlib.grading import exercise_ids

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
CHAPTERS = ["01_forward_propagation", "02_softmax_cross_entropy", "03_backpropagation",
            "04_training", "05_initialization", "06_regularization_dropout",
            "07_preprocessing", "08_tuning", "09_capstone", "10_debugging"]


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_exercises",
                                                  ROOT / "tools" / "make_exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mk = _load_generator()


def _read(path):
    return nbformat.read(path, as_version=4)


def _code(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


# ---------------------------------------------------------------------------------------------
# Structure of the notebooks
# ---------------------------------------------------------------------------------------------


def test_notebooks_exist_and_cover_the_whole_contract_once():
    assert [p.name for p in SOLUTIONS] == [p.name for p in EXERCISES] == [
        "ex01_forward.ipynb", "ex02_softmax.ipynb", "ex03_backprop.ipynb", "ex04_training.ipynb",
        "ex05_init.ipynb", "ex06_regularization.ipynb", "ex07_preprocessing.ipynb",
        "ex08_tuning.ipynb", "ex09_capstone.ipynb", "ex10_debugging.ipynb"]
    listed = [e for p in SOLUTIONS for e in _read(p).metadata["nnlib"]["exercises"]]
    # exercises per sheet (sheets 1-6 began with 18; every sheet has grown since)
    per_sheet = {"ex01_forward": 5, "ex02_softmax": 8, "ex03_backprop": 11, "ex04_training": 5,
                 "ex05_init": 5, "ex06_regularization": 7, "ex07_preprocessing": 5,
                 "ex08_tuning": 7, "ex09_capstone": 6, "ex10_debugging": 6}
    assert {p.stem: len(_read(p).metadata["nnlib"]["exercises"]) for p in SOLUTIONS} == per_sheet
    assert sorted(listed) == sorted(exercise_ids()) and len(listed) == len(set(listed)) == sum(per_sheet.values())
    assert f"{sum(per_sheet.values())} exercises" in \
        (ROOT / "README.md").read_text(encoding="utf-8")  # the README's count stays true
    assert [_read(p).metadata["nnlib"]["chapter"] for p in SOLUTIONS] == CHAPTERS


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_each_exercise_has_text_solution_cell_and_check_cell(path):
    nb = _read(path)
    ids = [c.get("id") for c in nb.cells]
    for exercise_id in nb.metadata["nnlib"]["exercises"]:
        i = ids.index(f"{exercise_id}-solution")
        text, solution, check_cell = nb.cells[i - 1], nb.cells[i], nb.cells[i + 1]
        assert text.cell_type == "markdown" and "$" in text.source  # a formula
        assert "Example" in text.source  # with the expected output of a tiny example
        assert solution.metadata["nbgrader"] == {
            "grade": False, "grade_id": exercise_id, "locked": False, "schema_version": 3,
            "solution": True, "task": False}
        params = REGISTRY[exercise_id].signature[len(exercise_id) + 1:-1]
        if exercise_id[0].isupper():  # a class: its constructor takes the sheet's parameters
            assert f"class {exercise_id}:" in solution.source
            assert f"def __init__(self{', ' if params else ''}{params}):" in solution.source
            regions = solution.source.count("### BEGIN SOLUTION")
            assert regions >= 1 and solution.source.count("### END SOLUTION") == regions
        else:
            assert f"def {exercise_id}(" in solution.source
            # the grader quotes the sheet's signature, defaults included
            assert f"def {REGISTRY[exercise_id].signature}:" in solution.source
            assert solution.source.count("### BEGIN SOLUTION") == 1
            assert solution.source.count("### END SOLUTION") == 1
        assert check_cell.source == f'check("{exercise_id}", {exercise_id})'
        assert check_cell.metadata["nbgrader"] == {  # a locked autograder cell with points
            "grade": True, "grade_id": f"{exercise_id}-check", "locked": True, "points": 1,
            "schema_version": 3, "solution": False, "task": False}
    assert nb.metadata["kernelspec"]["name"] == "python3"
    chapter = nb.metadata["nnlib"]["chapter"]
    assert f"../chapters/{chapter}.ipynb" in nb.cells[0].source
    assert nb.cells[0].source.startswith(f"# Exercises {int(chapter[:2])}:")  # the sheet's own number
    assert f"python -m nnlib.grade exercises/{path.name}" in nb.cells[0].source


def test_solutions_are_stored_executed_and_exercises_blank():
    for path in SOLUTIONS:
        nb = _read(path)
        checks = [c for c in nb.cells if c.get("id", "").endswith("-check")]
        assert checks and all(c.outputs for c in checks), path.name
        for c in checks:
            text = c.outputs[0]["data"]["text/plain"]
            assert ": PASSED" in text and "0x" not in text
    for path in EXERCISES:
        nb = _read(path)
        assert all(not c.outputs and c.execution_count is None
                   for c in nb.cells if c.cell_type == "code"), path.name


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


def test_regenerating_reproduces_the_committed_exercises_exactly(tmp_path):
    assert mk.generate(ROOT / "solutions", tmp_path) == 0
    for path in EXERCISES:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
    assert mk.main(["--check"]) == 0


def test_check_mode_detects_an_out_of_date_exercise(tmp_path, capsys):
    mk.generate(ROOT / "solutions", tmp_path)
    stale = tmp_path / "ex04_training.ipynb"
    stale.write_text(stale.read_text().replace("One step of gradient", "One step of gradient!"))
    (tmp_path / "ex99_extra.ipynb").write_text((tmp_path / "ex01_forward.ipynb").read_text())
    assert mk.generate(ROOT / "solutions", tmp_path, check=True) == 1
    out = capsys.readouterr().out
    assert "ex04_training.ipynb: out of date" in out and "ex99_extra.ipynb: has no source" in out


def test_stubs_replace_solution_regions_at_their_indentation():
    source = ("def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n"
              "    ### END SOLUTION\n\nz = 2")
    assert mk.clear_solutions(source) == ("def f(x):\n    y = 1\n    # YOUR CODE HERE\n"
                                          "    raise NotImplementedError()\n\nz = 2")
    for sol, ex in zip(SOLUTIONS, EXERCISES):
        for a, b in zip(_code(_read(sol)), _code(_read(ex))):
            if "### BEGIN SOLUTION" in a:
                indent = re.search(r"^( *)### BEGIN SOLUTION", a, re.M).group(1)
                assert f"\n{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()" in b
                assert "BEGIN SOLUTION" not in b and "END SOLUTION" not in b
            else:
                assert a == b


@pytest.mark.parametrize("source", [
    "### BEGIN SOLUTION\nx = 1",
    "x = 1\n### END SOLUTION",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"])
def test_malformed_regions_are_refused(source):
    with pytest.raises(mk.SolutionFormatError):
        mk.clear_solutions(source)


def test_a_region_outside_a_solution_cell_is_refused():
    nb = _read(SOLUTIONS[0])
    nb.cells[1].source += "\n### BEGIN SOLUTION\npass\n### END SOLUTION"  # the setup cell
    with pytest.raises(mk.SolutionFormatError, match="nbgrader metadata"):
        mk.make_exercise(nb)


def test_nbgrader_clear_solutions_produces_the_same_code_cells():
    from nbgrader.preprocessors import ClearSolutions

    for path in SOLUTIONS:
        nb = _read(path)
        theirs, _ = ClearSolutions().preprocess(copy.deepcopy(nb), {})
        assert _code(theirs) == _code(mk.make_exercise(nb)), path.name
        assert _code(theirs) == _code(_read(ROOT / "exercises" / path.name)), path.name


def _edit(cell_id, change):
    def apply(nb):
        cell = next(c for c in nb.cells if c.get("id") == cell_id)
        cell.source = change(cell.source)
    return apply


def _add_own_cell(nb):
    nb.cells.append(nbformat.v4.new_code_cell("print('my experiment')", id="mine"))


# Every kind of learner edit, with the words the refusal must use for it.
LEARNER_EDITS = {
    "filled-in stub": (_edit("relu-solution", lambda s: s.replace(
        "# YOUR CODE HERE\n    raise NotImplementedError()", "return np.maximum(z, 0)  # mine")),
        "solution cell 'relu' (cell 7) was filled in"),
    "note in a markdown cell": (_edit("sigmoid-text", lambda s: s + "\n\nMy note: exp(-z)!"),
                                "cell 3 (markdown, id 'sigmoid-text') was edited"),
    "line added to a check cell": (_edit("relu-check", lambda s: s + "\nprint(relu(np.ones(2)))"),
                                   "cell 8 (code, id 'relu-check') was edited"),
    "import added to the setup cell": (_edit("setup", lambda s: "import math\n" + s),
                                       "cell 2 (code, id 'setup') was edited"),
    "a cell of the learner's own": (_add_own_cell, "(code, id 'mine') was added"),
}


@pytest.mark.parametrize("kind", list(LEARNER_EDITS))
def test_no_learner_edit_is_ever_overwritten(kind, tmp_path, capsys):
    mk.generate(ROOT / "solutions", tmp_path)
    target = tmp_path / "ex01_forward.ipynb"
    nb = _read(target)
    edit, reason = LEARNER_EDITS[kind]
    edit(nb)
    nbformat.write(nb, target)
    mine = target.read_bytes()
    capsys.readouterr()
    assert mk.generate(ROOT / "solutions", tmp_path) == 1
    out = capsys.readouterr().out
    assert "ex01_forward.ipynb: NOT overwritten" in out and reason in out, out
    assert "1 cell(s)" in out and "--force" in out
    assert target.read_bytes() == mine
    assert mk.generate(ROOT / "solutions", tmp_path, force=True) == 0
    assert target.read_bytes() == (ROOT / "exercises" / "ex01_forward.ipynb").read_bytes()


def test_an_untouched_out_of_date_sheet_is_rewritten(tmp_path, capsys):
    solutions = tmp_path / "solutions"
    shutil.copytree(ROOT / "solutions", solutions)
    exercises = tmp_path / "exercises"
    assert mk.generate(solutions, exercises) == 0
    for name in ("ex02_softmax.ipynb", "ex01_forward.ipynb"):  # the maintainer edits both
        path = solutions / name
        nb = _read(path)
        nb.cells[2].source += "\n\nA sentence the maintainer added."
        if name == "ex01_forward.ipynb":
            nb.cells.insert(3, nbformat.v4.new_markdown_cell("A new paragraph.", id="new-text"))
        nbformat.write(nb, path)
    capsys.readouterr()
    assert mk.generate(solutions, exercises) == 0
    out = capsys.readouterr().out
    assert out.count(": written") == 2 and "NOT overwritten" not in out
    assert mk.generate(solutions, exercises, check=True) == 0


def test_a_sheet_from_an_older_generator_is_compared_with_the_new_sheet(tmp_path, capsys):
    mk.generate(ROOT / "solutions", tmp_path)
    target = tmp_path / "ex01_forward.ipynb"
    nb = _read(target)
    del nb.metadata["nnlib"]["generated"]  # as written before the record existed
    nbformat.write(nb, target)
    assert mk.generate(ROOT / "solutions", tmp_path) == 0  # unchanged cells: replaced
    nb = _read(target)
    del nb.metadata["nnlib"]["generated"]
    LEARNER_EDITS["note in a markdown cell"][0](nb)
    nbformat.write(nb, target)
    capsys.readouterr()
    assert mk.generate(ROOT / "solutions", tmp_path) == 1
    assert "cell 3 (markdown, id 'sigmoid-text') was edited" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# Running the notebooks (one session-wide run, two processes in parallel)
# ---------------------------------------------------------------------------------------------


def _learner_notebook(path):
    """A copy of exercise sheet 1 as a learner might leave it: one wrong answer, one syntax
    error, one correct answer."""
    nb = _read(ROOT / "exercises" / "ex01_forward.ipynb")
    answers = {"sigmoid": "return 1 / (1 + np.exp(z))",   # the minus sign is missing
               "relu": "return np.maximum(z 0)",           # a syntax error
               "dense_forward": "return x @ W + b"}
    for cell in nb.cells:
        exercise_id = cell.get("id", "").removesuffix("-solution")
        if exercise_id in answers and cell.get("id", "").endswith("-solution"):
            cell.source = cell.source.replace("# YOUR CODE HERE\n    raise NotImplementedError()",
                                              answers[exercise_id])
    nbformat.write(nb, path)
    return path


def _digest(paths):
    return {str(p): (hashlib.sha256(Path(p).read_bytes()).hexdigest(), Path(p).stat().st_mtime_ns)
            for p in paths}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grade")
    learner = _learner_notebook(tmp / "learner.ipynb")
    runs = {"solutions": SOLUTIONS, "exercises": EXERCISES + [learner]}
    before = _digest(SOLUTIONS + EXERCISES + [learner])
    procs = {name: subprocess.Popen(
        [sys.executable, "-m", "nnlib.grade", "--json", str(tmp / f"{name}.json"),
         *map(str, paths)], cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, paths in runs.items()}
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        report = json.loads((tmp / f"{name}.json").read_text())
        out[name] = {"rc": proc.returncode, "stdout": stdout, "stderr": stderr,
                     "report": {Path(r["notebook"]).name: r for r in report}}
    out["unchanged"] = _digest(SOLUTIONS + EXERCISES + [learner]) == before
    return out


def test_every_solution_notebook_runs_and_every_check_passes(graded):
    run = graded["solutions"]
    assert run["rc"] == 0, run["stdout"] + run["stderr"]
    seen = []
    for path in SOLUTIONS:
        report = run["report"][path.name]
        assert report["passed"] and report["cell_errors"] == [] and report["problem"] is None
        assert [r["status"] for r in report["exercises"]] == ["passed"] * len(report["exercises"])
        seen += [r["exercise"] for r in report["exercises"]]
    assert sorted(seen) == sorted(exercise_ids())
    n = len(exercise_ids())
    assert f"total: {n}/{n} exercises passed" in run["stdout"]


def test_blank_exercises_run_without_error_and_report_not_attempted(graded):
    run = graded["exercises"]
    assert run["rc"] == 1
    for path in EXERCISES:
        report = run["report"][path.name]
        assert report["cell_errors"] == [] and report["problem"] is None, path.name
        assert report["exercises"] and not report["passed"]
        for row in report["exercises"]:
            assert row["status"] == "not attempted", row
            assert row["reason"].startswith("Not attempted yet")
    assert re.search(r"sigmoid\s+not attempted", run["stdout"])


def test_grade_reports_a_learners_mistakes_one_line_each(graded):
    rows = {r["exercise"]: r for r in graded["exercises"]["report"]["learner.ipynb"]["exercises"]}
    assert rows["sigmoid"]["status"] == "failed" and "minus sign" in rows["sigmoid"]["reason"]
    assert rows["relu"]["status"] == "error" and "SyntaxError" in rows["relu"]["reason"]
    assert rows["dense_forward"]["status"] == "passed"
    assert "score: 1/5 passed" in graded["exercises"]["stdout"]  # sheet 1 has 5 exercises


def test_grading_never_modifies_a_notebook(graded):
    assert graded["unchanged"]
