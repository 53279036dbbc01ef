"""Calling the learner's function safely: a time limit, no warnings, in-place changes detected,
and the learner's own line found in a traceback."""

import inspect
import json
import os
import re
import signal
import threading
import time
import traceback
import warnings

import numpy as np

from .formatting import _num


class _Timeout(BaseException):
    """Raised inside the learner's code by the alarm; a BaseException so `except Exception` in the
    learner's code does not swallow it."""


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
_NNLIB_DIR = os.path.normcase(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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
    (r"maximum recursion depth",
     "Your function calls itself, probably by accident: does a helper have the same name as the "
     "exercise function?"),
]


def _own_signature(fn):
    """How the learner defined ``fn``: ``(f, x)``, or None when Python cannot tell."""
    try:
        return str(inspect.signature(fn))
    except (TypeError, ValueError):
        return None


def _error_hint(spec, exc, fn=None):
    text = f"{type(exc).__name__}: {exc}"
    # Only an error while Python binds the arguments, before any of the learner's code ran, is
    # a signature mismatch; the same words from a call inside the function are something else.
    if isinstance(exc, TypeError) and _learner_frame(exc) is None and re.search(
            r"unexpected keyword argument|positional argument|required keyword", text):
        own = _own_signature(fn) if fn is not None else None
        yours = f" Yours is {spec.id}{own}." if own else ""
        return (f"The sheet asks for `def {spec.signature}:`.{yours} Keep the sheet's "
                "parameter names, their order and their default values.")
    m = re.search(r"name '(\w+)' is not defined", text)
    if isinstance(exc, NameError) and m:
        return (f"`{m.group(1)}` is not defined where your function runs: run the cell that "
                "defines or imports it first (for example `import numpy as np`).")
    for pattern, hint in _ERROR_HINTS:
        if re.search(pattern, text):
            return hint
    if re.search(r"matmul|not aligned|could not be broadcast|mismatch in its core dimension|"
                 r"shapes? .* (and|vs)|size \d+ is different|out of bounds|too many indices",
                 text) and spec.shape_hint:
        return f"Check the shapes: {spec.shape_hint}"
    return None


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
