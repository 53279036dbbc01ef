"""Check a learner's function against the course contract and explain what is wrong.

In an exercise notebook::

    from nnlib.grading import check
    check("sigmoid", sigmoid)          # the cell shows a short report

``check(exercise_id, fn)`` runs ``fn`` on several seeded cases (hand-worked values with known
answers, comparisons with nnlib's reference implementation, and edge cases chosen to expose common
mistakes) and returns a :class:`CheckResult`. It stops at the first failing case and reports what
was expected, what came, and a hint naming the likely mistake. In a learner's notebook it never
raises because of the learner's code and never shows the reference code; under nbgrader
(autograde, validate) a check that does not pass raises :class:`ExerciseFailed` with the same
report, so that nbgrader records the cell's points as lost.

How the learner's function is called (each call):

* inputs are fresh arrays; after the call they are compared with saved copies, so a function
  that changes its inputs in place is reported (except where the contract allows it);
* NumPy warnings are silenced during the call (the result is checked for NaN and inf instead);
* the call is stopped after ``timeout`` seconds. In the main thread (a Jupyter kernel, pytest,
  ``python -m nnlib.grade``) this uses ``signal.setitimer``, which interrupts a Python loop
  cleanly. Elsewhere (a worker thread, or Windows) the call runs in a daemon thread and is
  abandoned when the time is up: the report says so. Code stuck inside C (``sum(range(10**12))``)
  cannot be interrupted from inside the kernel; ``python -m nnlib.grade`` stops it from outside;
* NumPy's global random state is saved before a check and restored afterwards.

Every result is also recorded: in ``results`` (the latest result per exercise in this Python
process) and, when the environment variable ``NNLIB_GRADE_LOG`` names a file, as one JSON line
appended to that file (read by ``python -m nnlib.grade``, see :mod:`nnlib.grade`).

The modules
-----------

=====================  ==========================================================================
``registry``           ``Exercise``, ``EXERCISES``, the ``@exercise`` decorator (imports nothing)
``result``             ``CheckResult``: verdict, reason, details, hint; text and HTML reports
``calling``            calling the learner's function: time limit, in-place changes, tracebacks
``formatting``         tolerances, known wrong answers ("variants"), printing numbers and arrays
``tester``             the ``t`` a checker uses: ``t.case``, ``t.call``, ``t.array``, ``t.fail``
``checking``           ``check()``, the entry point, and the result log
``provenance``         noticing a solution that just calls nnlib's own implementation
``common``             what checkers of several sheets share (seeded rng, the rng contract)
``pipelines``          pipelines graded on the grader's split: statistics, accuracy, the leak test
``ex01_forward`` ...   the checkers of one exercise sheet each, named like the sheet
=====================  ==========================================================================

Adding an exercise
------------------

Every place a new exercise (say ``tanh`` on sheet 1) touches:

1. **Solution cell** in ``solutions/ex01_forward.ipynb``: a markdown cell (formula, shapes, a tiny
   example with its output), then a code cell with id ``tanh-solution`` holding
   ``def tanh(z):`` and the answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, with
   the cell metadata ``"nbgrader": {"grade": false, "grade_id": "tanh", "locked": false,
   "schema_version": 3, "solution": true, "task": false}``.
2. **Check cell** right after it, id ``tanh-check``, source exactly ``check("tanh", tanh)``, with
   the nbgrader metadata of a locked grade cell: ``{"grade": true, "grade_id": "tanh-check",
   "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}``
   (the **nbgrader points**; tests/test_exercises.py checks this metadata).
3. **Notebook metadata**: add ``"tanh"`` to ``metadata.nnlib.exercises`` (the grading command
   reports an exercise whose check never ran).
4. **Checker**: a function decorated with ``@exercise("tanh", args=("z",),
   chapter="01_forward_propagation")`` in ``nnlib/grading/ex01_forward.py`` (a new sheet gets
   a new module ``exNN_name.py``, imported at the bottom of this file). ``args`` are the
   parameters exactly as in the sheet's ``def`` line, defaults included (``("f", "x",
   "h=1e-5")``): messages quote them, and tests/test_exercises.py compares them with the sheet.
   Hand-worked cases first, then seeded random cases against nnlib, then edge cases; a float32
   case with ``**_F32``.
5. **Catalog cases**: valid and mistaken learner implementations, in a section of their own in
   ``tests/grading/catalog_ex01_forward.py`` (``@case("tanh", True)`` and
   ``@case("tanh", False, hint=r"regex")``; a new sheet's catalog module is imported in
   ``tests/grading/cases.py``); ``tests/test_grading_catalog.py`` runs them and requires at
   least 4 valid and 6 mistaken ones per exercise.
6. **Generator run and stored outputs**: ``python tools/run_notebook.py
   solutions/ex01_forward.ipynb`` then ``python tools/make_exercises.py``.
7. **Docs**: the table in ``exercises/README.md``.
8. **Counts in tests**: ``tests/test_exercises.py`` knows how many exercises there are and,
   for a new sheet, its file name and chapter.
"""

from .registry import EXERCISES, Exercise, exercise, exercise_ids
from .result import STATUSES, CheckResult
from .checking import DEFAULT_TIMEOUT, LOG_ENV, ExerciseFailed, check, results

# Importing the checker modules registers their exercises, in the order of the course.
from . import ex01_forward, ex02_softmax, ex03_backprop, ex04_training  # noqa: E402,F401
from . import ex05_init, ex06_regularization  # noqa: E402,F401
from . import ex07_preprocessing  # noqa: E402,F401
from . import ex08_tuning  # noqa: E402,F401
from . import ex09_capstone  # noqa: E402,F401
from . import ex10_debugging  # noqa: E402,F401

__all__ = ["check", "CheckResult", "ExerciseFailed", "EXERCISES", "Exercise", "exercise",
           "exercise_ids", "results", "STATUSES", "DEFAULT_TIMEOUT", "LOG_ENV"]
