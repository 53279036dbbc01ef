"""nbgrader grades the sheets for real: a temporary course built from every sheet in solutions/,
``nbgrader generate_assignment``, then ``nbgrader autograde`` of three submissions per sheet (the
solutions, the untouched release, the solutions with the first exercise left blank), read back
from the gradebook. ``nbgrader validate`` on a sheet with one mistake names the failing case.

The instructor's workflow that this follows is in exercises/README.md.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
ASSIGNMENT = "sheets"
STUDENTS = ("full", "blank", "partial")

pytestmark = pytest.mark.timeout(900)


def _nbgrader(course, *args, timeout=600):
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def _blank_first_exercise(solution, release):
    """The solution notebook with its first exercise's solution cell as released (the stub)."""
    nb = nbformat.read(solution, as_version=4)
    first = nb.metadata["nnlib"]["exercises"][0]
    stub = next(c for c in nbformat.read(release, as_version=4).cells
                if c.get("id") == f"{first}-solution")
    for cell in nb.cells:
        if cell.get("id") == f"{first}-solution":
            cell.source = stub.source
    return nb


WRONG_SIGMOID = "return 1 / 1 + np.exp(-z)"  # parentheses missing: a long hint


def _wrong_sigmoid(release, path):
    """Sheet 1 as released, with a mistake in sigmoid and the rest right."""
    nb = nbformat.read(release, as_version=4)
    answers = {"sigmoid": WRONG_SIGMOID, "relu": "return np.maximum(z, 0)",
               "dense_forward": "return x @ W + b",
               "forward_network": "import nnlib.nets\n    return nnlib.nets.forward_network(X, params, layers)",
               "init_network": "import nnlib.nets\n    return nnlib.nets.init_network(layers, rng)"}
    for cell in nb.cells:
        exercise_id = (cell.get("id") or "").removesuffix("-solution")
        if cell.get("id", "").endswith("-solution") and exercise_id in answers:
            cell.source = cell.source.replace(
                "# YOUR CODE HERE\n    raise NotImplementedError()", answers[exercise_id])
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'nn-course'\n")
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for path in SOLUTIONS:
        shutil.copy(path, source / path.name)
    _nbgrader(course, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT
    for student in STUDENTS:  # autograde adds the students to the gradebook
        (course / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
    for path in SOLUTIONS:
        shutil.copy(path, course / "submitted" / "full" / ASSIGNMENT / path.name)
        shutil.copy(release / path.name, course / "submitted" / "blank" / ASSIGNMENT / path.name)
        nbformat.write(_blank_first_exercise(path, release / path.name),
                       course / "submitted" / "partial" / ASSIGNMENT / path.name)
    # validate runs beside autograde (both only read the release)
    wrong = _wrong_sigmoid(release / "ex01_forward.ipynb", course / "wrong_sigmoid.ipynb")
    validate = subprocess.Popen([sys.executable, "-m", "nbgrader", "validate", str(wrong)],
                                cwd=course, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
    _nbgrader(course, "autograde", ASSIGNMENT)
    validated = validate.communicate(timeout=600)[0]

    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in STUDENTS:
            for nb in gb.find_submission(ASSIGNMENT, student).notebooks:
                scores[student, nb.name] = (nb.score, nb.max_score)
    return {"course": course, "scores": scores, "validate": validated}


def _sheets():
    return [path.stem for path in SOLUTIONS]


def test_every_check_cell_is_a_locked_grade_cell_with_points(course):
    release = course["course"] / "release" / ASSIGNMENT
    for path in SOLUTIONS:
        nb = nbformat.read(release / path.name, as_version=4)
        grade_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert [c.get("id") for c in grade_cells] == [
            f"{e}-check" for e in nb.metadata["nnlib"]["exercises"]]
        assert all(c.metadata.nbgrader["locked"] and c.metadata.nbgrader["points"] > 0
                   for c in grade_cells)
        assert "BEGIN SOLUTION" not in nbformat.writes(nb)


def test_the_solutions_score_full_marks(course):
    for sheet in _sheets():
        score, max_score = course["scores"]["full", sheet]
        assert max_score > 0 and score == max_score, sheet


def test_the_untouched_release_scores_zero(course):
    for sheet in _sheets():
        score, max_score = course["scores"]["blank", sheet]
        assert max_score > 0 and score == 0, sheet


def test_one_exercise_left_blank_scores_strictly_in_between(course):
    for path in SOLUTIONS:
        sheet = path.stem
        score, max_score = course["scores"]["partial", sheet]
        assert len(nbformat.read(path, as_version=4).metadata["nnlib"]["exercises"]) >= 2, sheet
        assert 0 < score < max_score, (sheet, score, max_score)
        assert score == max_score - 1, sheet  # exactly the blank exercise's point is lost


def test_validate_shows_the_failing_case_and_the_whole_hint(course):
    import numpy as np

    from nnlib.grading import check

    out = course["validate"]
    assert "VALIDATION FAILED ON 1 CELL(S)" in out, out
    assert 'check("sigmoid", sigmoid)' in out
    assert "sigmoid: FAILED" in out and "hand-worked values" in out
    hint = check("sigmoid", lambda z: 1 / 1 + np.exp(-z)).hint
    assert len(hint) > 83 and " ".join(hint.split()) in " ".join(out.split()), out
