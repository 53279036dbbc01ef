"""Check a learner's function against the course contract and explain what is wrong.

In an exercise notebook::

    from nnlib.grading import check
    check("sigmoid", sigmoid)          # the cell shows a short report

``check(exercise_id, fn)`` runs ``fn`` on several seeded cases (hand-worked values with known
answers, comparisons with nnlib's reference implementation, and edge cases chosen to expose common
mistakes) and returns a :class:`CheckResult`. It stops at the first failing case and reports what
was expected, what came, and a hint naming the likely mistake. It never raises because of the
learner's code and never shows the reference code.

How the learner's function is called (each call):

* inputs are fresh arrays; after the call they are compared with saved copies, so a function
  that changes its inputs in place is reported (except where the contract allows it);
* NumPy warnings are silenced during the call (the result is checked for NaN and inf instead);
* the call is stopped after ``timeout`` seconds. In the main thread (a Jupyter kernel, pytest,
  ``python -m nnlib.grade``) this uses ``signal.setitimer``, which interrupts a Python loop
  cleanly. Elsewhere (a worker thread, or Windows) the call runs in a daemon thread and is
  abandoned when the time is up: the report says so, the thread may keep running until the
  kernel restarts;
* NumPy's global random state is saved before a check and restored afterwards.

Every result is also recorded: in ``results`` (the latest result per exercise in this Python
process) and, when the environment variable ``NNLIB_GRADE_LOG`` names a file, as one JSON line
appended to that file. ``python -m nnlib.grade`` runs a notebook in a fresh kernel with that
variable set and reads the file afterwards (see :mod:`nnlib.grade`).
"""

import html
import json
import linecache
import os
import re
import signal
import threading
import time
import traceback
import warnings

import numpy as np

DEFAULT_TIMEOUT = 5.0
LOG_ENV = "NNLIB_GRADE_LOG"
STATUSES = ("passed", "failed", "not attempted", "error")

#: The latest result for each exercise id checked in this Python process.
results = {}


# ---------------------------------------------------------------------------------------------
# The result object
# ---------------------------------------------------------------------------------------------


class CheckResult:
    """The outcome of ``check(exercise_id, fn)``.

    Attributes: ``exercise`` (id), ``status`` (one of ``STATUSES``), ``passed`` (bool),
    ``reason`` (one line), ``details`` (list of lines: inputs, expected, got), ``hint`` (the
    likely mistake, or None), ``case`` (the failing case's name, or None), ``passed_cases``.
    ``str(result)`` is the plain-text report; notebooks show the HTML rendering.
    """

    def __init__(self, exercise, status, reason, details=(), hint=None, case=None,
                 passed_cases=(), chapter=None):
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
        self.exercise = exercise
        self.status = status
        self.reason = reason
        self.details = list(details)
        self.hint = hint
        self.case = case
        self.passed_cases = list(passed_cases)
        self.chapter = chapter

    @property
    def passed(self):
        return self.status == "passed"

    def __bool__(self):
        return self.passed

    @property
    def message(self):
        """The full plain-text report (same as ``str(result)``)."""
        return self.report()

    def one_line(self):
        """Status and reason on one line, for score tables."""
        text = self.reason if not self.hint else f"{self.reason} Hint: {self.hint}"
        return " ".join(text.split())

    def report(self):
        lines = [f"{self.exercise}: {self.status.upper()}", self.reason]
        lines += [f"  {line}" for line in self.details]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        if self.status in ("failed", "error") and self.passed_cases:
            lines.append("Cases passed before this one: " + ", ".join(self.passed_cases) + ".")
        if self.status in ("failed", "error") and self.chapter:
            lines.append(f"Background: chapters/{self.chapter}.ipynb")
        return "\n".join(lines)

    def __str__(self):
        return self.report()

    def __repr__(self):
        return self.report()

    def _repr_html_(self):
        colour = {"passed": "#2e7d32", "failed": "#c62828", "not attempted": "#757575",
                  "error": "#c62828"}[self.status]
        esc = html.escape
        parts = [
            f'<div style="border-left: 4px solid {colour}; padding: 2px 10px; margin: 4px 0;">',
            f'<p style="margin: 4px 0;"><b>{esc(self.exercise)}</b>: '
            f'<b style="color: {colour};">{esc(self.status)}</b> &mdash; {esc(self.reason)}</p>',
        ]
        if self.details:
            parts.append('<pre style="margin: 4px 0; padding: 4px; white-space: pre-wrap;">'
                         + esc("\n".join(self.details)) + "</pre>")
        if self.hint:
            parts.append(f'<p style="margin: 4px 0;"><b>Hint:</b> {esc(self.hint)}</p>')
        if self.status in ("failed", "error") and self.passed_cases:
            parts.append('<p style="margin: 4px 0;">Cases passed before this one: '
                         + esc(", ".join(self.passed_cases)) + ".</p>")
        if self.status in ("failed", "error") and self.chapter:
            parts.append(f'<p style="margin: 4px 0;">Background: '
                         f'<code>chapters/{esc(self.chapter)}.ipynb</code></p>')
        parts.append("</div>")
        return "\n".join(parts)

    def as_dict(self):
        """A JSON-friendly summary (what ``python -m nnlib.grade`` collects)."""
        return {"exercise": self.exercise, "status": self.status, "reason": self.reason,
                "hint": self.hint, "case": self.case}


# ---------------------------------------------------------------------------------------------
# Exercise registry and the entry point
# ---------------------------------------------------------------------------------------------


class Exercise:
    """One exercise: its id, argument names, the checker and where the topic is taught."""

    def __init__(self, id, args, checker, chapter, mutable=(), shape_hint=None,
                 mutation_hint=None):
        self.id = id
        self.args = tuple(args)
        self.checker = checker
        self.chapter = chapter
        self.mutable = tuple(mutable)  # argument names the function may change in place
        self.shape_hint = shape_hint   # shown when a shape error comes out of the learner's code
        self.mutation_hint = mutation_hint  # shown when an input was changed in place

    @property
    def signature(self):
        return f"{self.id}({', '.join(self.args)})"


EXERCISES = {}


def exercise(id, args, chapter, mutable=(), shape_hint=None, mutation_hint=None):
    """Decorator registering a checker function ``checker(t)`` under ``id``."""
    def register(checker):
        EXERCISES[id] = Exercise(id, args, checker, chapter, mutable, shape_hint, mutation_hint)
        return checker
    return register


def _registry():
    from . import _grading_cases  # noqa: F401  (registers the exercises on import)
    return EXERCISES


def exercise_ids():
    """All exercise ids, in the order of the course."""
    return list(_registry())


def check(exercise_id, fn, timeout=DEFAULT_TIMEOUT):
    """Check the learner's ``fn`` for exercise ``exercise_id`` and return a :class:`CheckResult`.

    ``timeout`` is the limit in seconds for each single call of ``fn``.
    """
    registry = _registry()
    spec = registry.get(exercise_id) if isinstance(exercise_id, str) else None
    if spec is None:
        result = CheckResult(
            str(exercise_id), "error", f"There is no exercise called {exercise_id!r}.",
            hint="Known exercise ids: " + ", ".join(registry) + ".")
    elif not callable(fn):
        result = CheckResult(
            exercise_id, "failed",
            f"Expected the function {spec.signature}, got {_type_name(fn)}.",
            hint="Pass the function itself, without calling it: "
                 f"check({exercise_id!r}, {exercise_id}).")
    else:
        result = _run_checker(spec, fn, timeout)
    _record(result)
    return result


def _run_checker(spec, fn, timeout):
    t = _Tester(spec, fn, timeout)
    state = np.random.get_state()
    try:
        spec.checker(t)
        t.finish_case()
        n = len(t.passed_cases)
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


# ---------------------------------------------------------------------------------------------
# Outcomes raised by checkers (never seen by the learner as exceptions)
# ---------------------------------------------------------------------------------------------


class _Outcome(Exception):
    status = "failed"

    def __init__(self, reason, details=(), hint=None):
        super().__init__(reason)
        self.reason, self.details, self.hint = reason, list(details), hint


class _Failed(_Outcome):
    status = "failed"


class _Errored(_Outcome):
    status = "error"


class _NotAttempted(_Outcome):
    status = "not attempted"


class _Timeout(BaseException):
    """Raised inside the learner's code by the alarm; a BaseException so `except Exception` in the
    learner's code does not swallow it."""


# ---------------------------------------------------------------------------------------------
# Calling the learner's function safely
# ---------------------------------------------------------------------------------------------


def _snapshot(x):
    """Deep copy of arrays inside (nested) lists, tuples and dicts; other objects as they are."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, dict):
        return {k: _snapshot(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_snapshot(v) for v in x)
    return x


def _changed(before, after, tol=0.0):
    """Describe how ``after`` differs from the snapshot ``before`` (None when unchanged)."""
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or after.shape != before.shape:
            return "was replaced"
        if tol:
            same = np.allclose(after, before, rtol=tol, atol=tol, equal_nan=True)
        else:
            same = np.array_equal(after, before, equal_nan=True)
        if same:
            return None
        diff = np.abs(after.astype(np.float64) - before.astype(np.float64))
        n = int(np.sum(~(diff <= (tol * (1 + np.abs(before)) if tol else 0))))
        return (f"{n} of {before.size} values changed (largest change {_num(np.nanmax(diff))})")
    if isinstance(before, dict):
        if not isinstance(after, dict) or set(after) != set(before):
            return "its keys changed"
        for k in before:
            what = _changed(before[k], after[k], tol)
            if what:
                return f"[{k!r}] {what}"
        return None
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(after) != len(before):
            return "its length changed"
        for i, (b, a) in enumerate(zip(before, after)):
            what = _changed(b, a, tol)
            if what:
                return f"[{i}] {what}"
    return None


def _call_with_timeout(func, timeout):
    """Run ``func()`` and return its result; raise ``_Timeout`` after ``timeout`` seconds.

    Returns ``(value, used_thread)``.
    """
    use_signal = (hasattr(signal, "setitimer")
                  and threading.current_thread() is threading.main_thread())
    if use_signal:
        old_delay, _ = signal.getitimer(signal.ITIMER_REAL)
        use_signal = old_delay == 0 or old_delay > timeout + 1
    if use_signal:
        def on_alarm(signum, frame):
            raise _Timeout()

        old_handler = signal.signal(signal.SIGALRM, on_alarm)
        start = time.monotonic()
        old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            return func(), False
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
            if old_delay:  # re-arm an outer timer (for example pytest-timeout's)
                remaining = max(old_delay - (time.monotonic() - start), 1e-3)
                signal.setitimer(signal.ITIMER_REAL, remaining, old_interval)

    box = {}

    def target():
        try:
            box["value"] = func()
        except BaseException as exc:  # handed over to the calling thread below
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _Timeout()
    if "error" in box:
        raise box["error"]
    return box["value"], True


def _quietly(fn, args, kwargs):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                return fn(*args, **kwargs)
    return run


_LIBRARY_DIRS = tuple(
    os.path.normcase(os.path.dirname(os.path.abspath(m.__file__)))
    for m in (np, os, json) if getattr(m, "__file__", None))
_NNLIB_DIR = os.path.normcase(os.path.dirname(os.path.abspath(__file__)))


def _is_learner_file(filename):
    path = os.path.normcase(os.path.abspath(filename)) if not filename.startswith("<") else filename
    if path.startswith(_NNLIB_DIR + os.sep):
        return False
    in_library = any(path.startswith(d + os.sep) for d in _LIBRARY_DIRS)
    return not in_library and "site-packages" not in path


def _where(filename):
    """'Cell In[5]' for notebook cells, the file's base name otherwise."""
    try:
        ip = get_ipython()  # noqa: F821  (defined inside IPython only)
        name = ip.compile.format_code_name(filename)
        if name:
            return " ".join(name)
    except Exception:
        pass
    return os.path.basename(filename)


def _learner_frame(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if _is_learner_file(f.filename)]
    return own[-1] if own else None


_ERROR_HINTS = [
    (r"only (length-1|0-dimensional|size-1) arrays can be converted",
     "math.exp, math.log and math.sqrt work on one number at a time; use np.exp, np.log and "
     "np.sqrt, which work on whole arrays."),
    (r"truth value of an array with more than one element is ambiguous",
     "`if`, `and`, `or` and Python's max/min need a single True/False; for arrays use np.maximum, "
     "np.where or the operators & and |."),
    (r"has no attribute '(randn|rand|seed|random_sample|randint)'",
     "A np.random.Generator has rng.standard_normal, rng.normal, rng.random, rng.uniform and "
     "rng.integers; the old np.random.randn-style names do not exist on it."),
    (r"unexpected keyword argument|positional argument",
     None),  # filled in with the signature below
    (r"maximum recursion depth",
     "Your function calls itself, probably by accident: does a helper have the same name as the "
     "exercise function?"),
]


def _error_hint(spec, exc):
    text = f"{type(exc).__name__}: {exc}"
    m = re.search(r"name '(\w+)' is not defined", text)
    if isinstance(exc, NameError) and m:
        return (f"`{m.group(1)}` is not defined where your function runs: run the cell that "
                "defines or imports it first (for example `import numpy as np`).")
    for pattern, hint in _ERROR_HINTS:
        if re.search(pattern, text):
            return hint or f"The function must have the signature {spec.signature}."
    if re.search(r"matmul|not aligned|could not be broadcast|mismatch in its core dimension|"
                 r"shapes? .* (and|vs)|size \d+ is different|out of bounds|too many indices",
                 text) and spec.shape_hint:
        return f"Check the shapes: {spec.shape_hint}"
    return None


class _Tester:
    """What a checker uses: start cases, call the learner's function, compare results."""

    def __init__(self, spec, fn, timeout):
        self.spec, self.fn, self.timeout = spec, fn, timeout
        self.case_name = None
        self.case_inputs = []
        self.passed_cases = []
        self.float64_inputs = False

    # -- cases -----------------------------------------------------------------------------

    def case(self, name, **inputs):
        """Start a case; ``inputs`` (name -> value) are described in the report if it fails."""
        self.finish_case()
        self.case_name = name
        self.case_inputs = [f"{k} = {_describe(v)}" for k, v in inputs.items()]
        float_dtypes = _float_dtypes(inputs.values())
        self.float64_inputs = bool(float_dtypes) and float_dtypes <= {np.dtype(np.float64)}

    def finish_case(self):
        if self.case_name and self.case_name not in self.passed_cases:
            self.passed_cases.append(self.case_name)
        self.case_name = None

    def _header(self):
        return f'Case "{self.case_name}"' if self.case_name else "Checking"

    def fail(self, problem, hint=None, details=()):
        """End the check: the learner's result is wrong."""
        raise _Failed(f"{self._header()}: {problem}", self.case_inputs + list(details), hint)

    # -- calling ---------------------------------------------------------------------------

    def call(self, *args, allow_mutation=(), restore_tol=0.0, **kwargs):
        """Call the learner's function; check afterwards that it left its inputs alone."""
        saved = [_snapshot(a) for a in args]
        try:
            out, in_thread = _call_with_timeout(_quietly(self.fn, args, kwargs), self.timeout)
        except _Timeout:
            extra = (" It may still be running in the background; restart the kernel if the "
                     "notebook becomes slow." if not _can_interrupt() else "")
            raise _Errored(
                f"{self._header()}: {self.spec.id} did not finish within {self.timeout:g} s "
                "and was stopped.", self.case_inputs,
                "Is there an infinite loop, for example a while loop whose condition never "
                "changes, or a loop over far more items than the input has?" + extra) from None
        except KeyboardInterrupt:
            raise
        except NotImplementedError as exc:
            self._not_implemented(exc)
        except BaseException as exc:  # the learner's bug, reported with their own line
            raise self._crash(exc) from None
        names = self.spec.args
        for i, (before, after) in enumerate(zip(saved, args)):
            name = names[i] if i < len(names) else f"argument {i + 1}"
            if name in self.spec.mutable or name in allow_mutation:
                continue
            what = _changed(before, after, restore_tol)
            if what:
                self.fail(
                    f"{self.spec.id} changed its input `{name}` in place: {what}.",
                    hint=self.spec.mutation_hint or _mutation_hint(name, before))
        return out

    def _not_implemented(self, exc):
        tb = exc.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        code = getattr(self.fn, "__code__", None)
        raised_in = tb.tb_frame.f_code
        if raised_in is code or (code is None and raised_in.co_name == self.spec.id):
            raise _NotAttempted(
                f"Not attempted yet: {self.spec.id} still raises NotImplementedError.",
                hint="Replace `# YOUR CODE HERE` and `raise NotImplementedError()` with your code, "
                     "run that cell, then run this check again.")
        raise _Errored(
            f"{self._header()}: your function called `{raised_in.co_name}`, which raises "
            "NotImplementedError.", self.case_inputs,
            f"Finish `{raised_in.co_name}` first (or use nnlib's version), then check again.")

    def _crash(self, exc):
        frame = _learner_frame(exc)
        details = list(self.case_inputs)
        details.append(f"{type(exc).__name__}: {exc}")
        if frame is not None:
            details.append(f"raised at line {frame.lineno} of {_where(frame.filename)}, "
                           f"in {frame.name}:")
            line = frame.line or linecache.getline(frame.filename, frame.lineno).strip()
            if line:
                details.append(f"    {line.strip()}")
        return _Errored(
            f"{self._header()}: calling {self.spec.signature} raised {type(exc).__name__}.",
            details, _error_hint(self.spec, exc))

    # -- checking results ------------------------------------------------------------------

    def array(self, got, expected, what, variants=(), scales=None, rtol=None, atol=None,
              shape_hints=None, finite_hint=None, keep_float64=False):
        """Check that ``got`` is a float array close to ``expected``; otherwise fail with a hint.

        variants: (array_or_callable, hint) pairs, known wrong answers to recognise.
        scales: {factor: hint} for results that are a constant multiple of the expected one.
        shape_hints: {shape: hint} for known wrong shapes.
        keep_float64: fail a float32 result when the case's inputs are float64 (elsewhere a
        float32 result is accepted and compared with float32 tolerances).
        """
        expected = np.asarray(expected)
        if (np.isscalar(got) or (isinstance(got, np.ndarray) and got.ndim == 0)) \
                and expected.ndim and (shape_hints or {}).get(()):
            self.fail(f"{what} should be an array of shape {expected.shape}, got a single "
                      "number.", hint=shape_hints[()])
        self.is_array(got, what, expected.shape)
        if keep_float64:
            self.check_precision(got, what)
        if got.shape != expected.shape:
            hint = (shape_hints or {}).get(got.shape)
            if hint is None and got.shape == expected.shape[::-1] and got.ndim == 2:
                hint = "The result is transposed: check the order of the factors in each product."
            if hint is None:
                hint = _match_variant(got, variants, *_tolerances(got, rtol, atol))
            if hint is None and got.size == expected.size:
                hint = ("Same number of values, wrong shape: return the expected shape (do not "
                        "flatten or add axes).")
            if hint is None and self.spec.shape_hint:
                hint = f"Check the shapes: {self.spec.shape_hint}"
            self.fail(f"{what} has shape {got.shape}, expected {expected.shape}.", hint=hint)
        rtol, atol = _tolerances(got, rtol, atol)
        bad_got = ~np.isfinite(got)
        if np.any(bad_got & np.isfinite(expected)):
            idx = tuple(int(i) for i in np.argwhere(bad_got & np.isfinite(expected))[0])
            self.fail(f"{what} contains {_nan_or_inf(got[idx])} (first at index {idx}) where a "
                      "finite number was expected.",
                      hint=_match_variant(got, variants, rtol, atol) or finite_hint,
                      details=_value_lines(got, expected))
        if _close(got, expected, rtol, atol):
            return got
        hint = _match_variant(got, variants, rtol, atol) or _match_scale(got, expected, scales)
        self.fail(f"{what} has wrong values.", hint=hint,
                  details=_value_lines(got, expected, rtol, atol))

    def scalar(self, got, expected, what, variants=(), scales=None, rtol=None, atol=None):
        """Check that ``got`` is a single finite number close to ``expected``."""
        if got is None:
            self.fail(f"{what} is None.", hint="Is the `return` statement missing?")
        if isinstance(got, (bool, np.bool_)) or not (
                isinstance(got, (int, float, np.integer, np.floating))
                or (isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind in "iuf")):
            shape = f" of shape {got.shape}" if isinstance(got, np.ndarray) else ""
            hint = None
            if isinstance(got, np.ndarray) and got.size == 1:
                hint = ("Return the number itself, not an array holding it: float(...), or "
                        "np.sum(...) without keepdims=True or extra brackets.")
            elif isinstance(got, np.ndarray) and got.ndim >= 1:
                hint = ("Return a single number: reduce over every entry (np.sum or np.mean), "
                        "not over one axis.")
            self.fail(f"{what} should be a single number, got {_type_name(got)}{shape}.", hint=hint)
        value = float(got)
        if not np.isfinite(value):
            self.fail(f"{what} is {value}, expected {_num(expected)}.")
        if rtol is None:
            rtol = 1e-4 if getattr(got, "dtype", None) == np.float32 else 1e-6
        atol = 1e-12 if atol is None else atol
        if abs(value - expected) <= atol + rtol * abs(expected):
            return value
        # Two single numbers are always multiples of each other: name only known factors.
        hint = (_match_variant(np.float64(value), variants, rtol, atol)
                or _match_scale(np.float64(value), np.float64(expected), scales, only_named=True))
        self.fail(f"{what} is {_num(value)}, expected {_num(expected)}.", hint=hint)

    def is_array(self, got, what, shape=None, dtype_hint=None):
        """Fail unless ``got`` is a NumPy array of floats (``shape`` is only for the message)."""
        if got is None:
            self.fail(f"{what} is None.", hint="Is the `return` statement missing?")
        if not isinstance(got, np.ndarray):
            hint = None
            if isinstance(got, (list, tuple)):
                hint = ("Return a NumPy array, not a Python list: compute with NumPy operations "
                        "on whole arrays, or fill an array made with np.zeros(shape) "
                        "(np.array(a_list) converts a list).")
            elif np.isscalar(got) and shape not in (None, ()):
                hint = "The function must work on whole arrays, elementwise, and return an array."
            self.fail(f"{what} should be a NumPy array{_shape_text(shape)}, got "
                      f"{_type_name(got)}.", hint=hint)
        if got.dtype.kind != "f":
            hint = None
            if dtype_hint:
                hint = dtype_hint
            elif got.dtype.kind == "b":
                hint = "This is a True/False mask; multiply it with the values (or use np.where)."
            elif got.dtype.kind in "iu":
                hint = ("Integers lose the fractions: keep the float values (no .astype(int), "
                        "and no arrays created with an integer dtype).")
            self.fail(f"{what} should hold floating-point numbers, got dtype {got.dtype}.",
                      hint=hint)
        return got

    def check_precision(self, got, what):
        """Fail when a float64 case came back in float32 or float16: digits were lost."""
        dtype = getattr(got, "dtype", None)
        if self.float64_inputs and dtype is not None and dtype.kind == "f" and dtype.itemsize < 8:
            self.fail(f"{what} has dtype {dtype}, but the inputs are float64.",
                      hint=f"Keep float64 here: {dtype} holds only about 7 significant digits, "
                           "too few for this result. Create it with np.zeros(x.shape) (float64) "
                           f"rather than with dtype=np.{dtype} or .astype(np.{dtype}).")

    def tuple_of(self, got, n, what, names):
        """Fail unless ``got`` is a tuple or list of ``n`` items."""
        if got is None:
            self.fail(f"{what} is None.", hint="Is the `return` statement missing?")
        if not isinstance(got, (tuple, list)) or len(got) != n:
            got_text = (f"a {type(got).__name__} of {len(got)} items"
                        if isinstance(got, (tuple, list)) else _type_name(got))
            self.fail(f"{what} should be a tuple of {n} items ({', '.join(names)}), "
                      f"got {got_text}.", hint=f"End with `return {', '.join(names)}`.")
        return tuple(got)


def _can_interrupt():
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _mutation_hint(name, value=None):
    if isinstance(value, (dict, list, tuple)):
        item = f"{name}['W1']" if isinstance(value, dict) else f"{name}[0]"
        return (f"Leave the arrays inside `{name}` alone: `{item} -= ...` or `{item} *= ...` "
                "changes the caller's arrays. Put every result into new arrays (updating the "
                "parameters is the training loop's job).")
    return (f"Work on a copy ({name}.copy()) or build a new array (for example with np.where "
            f"or arithmetic like {name} * mask); operations such as `{name}[...] = ...`, "
            f"`{name} *= ...` or `{name} -= ...` change the caller's array.")


def _float_dtypes(values):
    """The floating-point dtypes of the arrays among ``values`` (searching dicts and lists)."""
    found = set()
    for v in values:
        if isinstance(v, np.ndarray) and v.dtype.kind == "f":
            found.add(v.dtype)
        elif isinstance(v, dict):
            found |= _float_dtypes(v.values())
        elif isinstance(v, (list, tuple)):
            found |= _float_dtypes(v)
    return found


# ---------------------------------------------------------------------------------------------
# Comparing and formatting
# ---------------------------------------------------------------------------------------------


def _tolerances(got, rtol, atol):
    low = getattr(got, "dtype", np.float64) in (np.float32, np.float16)
    if rtol is None:
        rtol = 1e-4 if low else 1e-6
    if atol is None:
        atol = 1e-6 if low else 1e-9
    return rtol, atol


def _close(a, b, rtol, atol):
    try:
        a = np.asarray(a, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def _match_variant(got, variants, rtol, atol):
    for variant, hint in variants:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value = variant() if callable(variant) else variant
                if _close(got, value, rtol, atol):
                    return hint
        except Exception:
            continue
    return None


def _match_scale(got, expected, scales, only_named=False):
    """If ``got`` is a constant multiple ``c`` of ``expected``, name it (and the hint for ``c``).

    With ``only_named``, say nothing unless ``c`` is one of ``scales`` or -1.
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    denom = float(np.sum(expected * expected))
    if denom == 0 or got.shape != expected.shape:
        return None
    c = float(np.sum(got * expected)) / denom
    if abs(c - 1) < 1e-3 or not np.allclose(got, c * expected, rtol=1e-5, atol=1e-12):
        return None
    for factor, hint in (scales or {}).items():
        if np.isclose(c, factor, rtol=1e-4):
            return f"Every value is {_num(c)} times the expected one. {hint}"
    if np.isclose(c, -1, rtol=1e-4):
        return "Every value has the wrong sign: check the sign of each term."
    if only_named:
        return None
    return f"Every value is {_num(c)} times the expected one: look for a wrong constant factor."


def _num(x):
    x = float(x)
    if x == 0:
        return "0"
    return f"{x:.4g}"


def _nan_or_inf(x):
    return "NaN" if np.isnan(x) else "inf"


def _shape_text(shape):
    return f" of shape {tuple(shape)}" if shape is not None else ""


def _type_name(x):
    if x is None:
        return "None"
    if isinstance(x, np.ndarray):
        return f"an array of dtype {x.dtype}"
    return f"a {type(x).__name__}"


def _fmt_array(a, limit=8):
    a = np.asarray(a)
    if a.ndim == 0:
        return _num(a) if a.dtype.kind in "iuf" else str(a.item())
    if a.size <= limit * 2 and a.ndim <= 2:
        if a.ndim == 1:
            return "[" + ", ".join(_fmt_scalar(v) for v in a) + "]"
        return "[" + ", ".join(_fmt_array(row, limit) for row in a) + "]"
    flat = a.reshape(-1)[:limit]
    return "[" + ", ".join(_fmt_scalar(v) for v in flat) + ", ...] (first values, flattened)"


def _fmt_scalar(v):
    if isinstance(v, (np.bool_, bool)):
        return str(bool(v))
    if np.issubdtype(type(v), np.integer):
        return str(int(v))
    v = float(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return _num(v)


def _describe(x):
    if isinstance(x, np.ndarray):
        if x.size <= 12 and x.ndim <= 2:
            return f"{_fmt_array(x)}  (shape {x.shape}, {x.dtype})"
        return f"array of shape {x.shape}, {x.dtype}"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in x.items()) + "}"
    if isinstance(x, (list, tuple)) and all(isinstance(v, np.ndarray) for v in x):
        return f"{type(x).__name__} of {len(x)} arrays with shapes " + ", ".join(
            str(v.shape) for v in x)
    if isinstance(x, float):
        return _num(x)
    if callable(x):
        return getattr(x, "description", "a function")
    return repr(x)


def _value_lines(got, expected, rtol=None, atol=None):
    got = np.asarray(got)
    expected = np.asarray(expected)
    lines = [f"expected: {_fmt_array(expected)}", f"got:      {_fmt_array(got)}"]
    if got.shape == expected.shape and got.size:
        g = got.astype(np.float64)
        e = expected.astype(np.float64)
        with np.errstate(all="ignore"):
            diff = np.abs(g - e)
            if rtol is not None:
                bad = ~np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
                if np.any(bad) and got.ndim >= 1:
                    idx = tuple(int(i) for i in np.argwhere(bad)[0])
                    lines.append(f"first wrong value at index {idx}: "
                                 f"expected {_fmt_scalar(e[idx])}, got {_fmt_scalar(g[idx])}")
            finite = np.isfinite(diff)
            if np.all(np.isfinite(g)) and np.any(finite):
                biggest = float(np.max(diff[finite]))
                scale = float(np.max(np.abs(e[np.isfinite(e)]), initial=0.0))
                rel = biggest / scale if scale > 0 else float("inf")
                lines.append(f"largest difference {_num(biggest)} "
                             f"(relative to the largest expected value: {_num(rel)})")
    return lines
