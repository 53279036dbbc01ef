"""The entry point, ``check(exercise_id, fn)``: run the exercise's checker and record the result."""

import json
import os
import textwrap

import numpy as np

from .formatting import _type_name
from .provenance import FLAG, reference_used
from .registry import EXERCISES
from .result import CheckResult
from .tester import _Outcome, _Tester

DEFAULT_TIMEOUT = 5.0
LOG_ENV = "NNLIB_GRADE_LOG"
#: Set by nbgrader while it executes a notebook ("autograde" or "validate"; nbgrader 0.9,
#: nbgrader/converters/autograde.py and nbgrader/validator.py).
NBGRADER_ENV = "NBGRADER_EXECUTION"


class ExerciseFailed(AssertionError):
    """Raised by ``check`` under nbgrader when an exercise does not pass; carries the report,
    wrapped to short lines because ``nbgrader validate`` cuts every line after 83 characters."""

    WIDTH = 76

    def __init__(self, result):
        lines = []
        for line in result.report().split("\n"):
            indent = line[:len(line) - len(line.lstrip())]
            lines += textwrap.wrap(line, self.WIDTH, subsequent_indent=indent + "  ",
                                   break_long_words=False, break_on_hyphens=False) or [""]
        super().__init__("\n".join(lines))
        self.result = result


#: The latest result for each exercise id checked in this Python process.
results = {}


def check(exercise_id, fn, timeout=DEFAULT_TIMEOUT):
    """Check the learner's ``fn`` for exercise ``exercise_id`` and return a :class:`CheckResult`.

    ``timeout`` is the limit in seconds for each single call of ``fn``.

    Under nbgrader (autograde or validate) a result other than passed raises
    :class:`ExerciseFailed`, whose message is the report: the check cell fails and loses its
    points. A passed result is displayed and ``None`` returned, because nbgrader would read a
    returned value as a claim of partial credit.
    """
    __tracebackhide__ = True  # IPython leaves this frame out of the traceback it shows
    spec = EXERCISES.get(exercise_id) if isinstance(exercise_id, str) else None
    if spec is None:
        result = CheckResult(
            str(exercise_id), "error", f"There is no exercise called {exercise_id!r}.",
            hint="Known exercise ids: " + ", ".join(EXERCISES) + ".")
    elif not callable(fn):
        result = CheckResult(
            exercise_id, "failed",
            f"Expected the function {spec.signature}, got {_type_name(fn)}.",
            hint="Pass the function itself, without calling it: "
                 f"check({exercise_id!r}, {exercise_id}).")
    else:
        result = _run_checker(spec, fn, timeout)
        used = reference_used(spec.id, fn)
        if used:
            result.flags.append(FLAG)
            result.note = (f"your {spec.id} hands the work to nnlib's own {used}. The exercise "
                           f"is to write {spec.id} yourself, with NumPy; using nnlib for other "
                           "parts of the sheet is fine.")
    _record(result)
    if os.environ.get(NBGRADER_ENV):
        if not result.passed:
            raise ExerciseFailed(result)
        _display(result)
        return None
    return result


def _display(result):
    try:
        from IPython.display import display
    except ImportError:  # plain Python: the printed report is all there is
        print(result.report())
    else:
        display(result)


def _run_checker(spec, fn, timeout):
    t = _Tester(spec, fn, timeout)
    state = np.random.get_state()
    try:
        spec.checker(t)
        t.finish_case()
        n = len(t.passed_cases)
        if n == 0:  # nothing was checked: that is no evidence, and the grader's fault
            return CheckResult(
                spec.id, "error", f"The grader itself failed: the checker of {spec.id} ran no "
                "case, so nothing was checked. This is not your fault; please report it.")
        return CheckResult(spec.id, "passed", f"All {n} cases passed.",
                           details=[f"passed: {name}" for name in t.passed_cases],
                           passed_cases=t.passed_cases)
    except _Outcome as outcome:
        return CheckResult(spec.id, outcome.status, outcome.reason, outcome.details, outcome.hint,
                           t.case_name, t.passed_cases, spec.chapter)
    except Exception as exc:  # a bug in the grader itself: say so rather than blame the learner
        return CheckResult(
            spec.id, "error",
            f"The grader itself failed ({type(exc).__name__}: {exc}). This is not your fault; "
            "please report it.", case=t.case_name, passed_cases=t.passed_cases)
    finally:
        np.random.set_state(state)


def _record(result):
    results[result.exercise] = result
    path = os.environ.get(LOG_ENV)
    if path:
        try:
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps(result.as_dict()) + "\n")
        except OSError:
            pass

