"""The object a checker works with: ``t.case``, ``t.call``, ``t.array``, ``t.scalar``,
``t.fail``."""

import inspect
import linecache

import numpy as np

from .calling import (_call_with_timeout, _can_interrupt, _changed, _error_hint, _learner_frame,
                      _mutation_hint, _quietly, _snapshot, _Timeout, _where)
from .formatting import (_close, _describe, _digits_to_tell_apart, _float_dtypes, _match_scale,
                         _match_variant, _nan_or_inf, _num, _shape_text, _tolerances, _type_name,
                         _value_lines, _whole_number_hint)


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


def _arg_text(a):
    """How a method call names an argument: its shape for an array, its value otherwise."""
    if isinstance(a, np.ndarray):
        return f"<array {a.shape}>"
    return repr(a) if isinstance(a, (int, float, str, bool)) else type(a).__name__


class _Tester:
    """What a checker uses: start cases, call the learner's function, compare results."""

    def __init__(self, spec, fn, timeout):
        self.spec, self.fn, self.timeout = spec, fn, timeout
        self.case_name = None
        self.case_inputs = []
        self.passed_cases = []
        self.float64_inputs = False        # every float array among the inputs is float64
        self.low_precision_inputs = False  # some float array among the inputs is float32/16

    # -- cases -----------------------------------------------------------------------------

    def case(self, name, **inputs):
        """Start a case; ``inputs`` (name -> value) are described in the report if it fails."""
        self.finish_case()
        self.case_name = name
        self.case_inputs = [f"{k} = {_describe(v)}" for k, v in inputs.items()]
        float_dtypes = _float_dtypes(inputs.values())
        self.float64_inputs = bool(float_dtypes) and float_dtypes <= {np.dtype(np.float64)}
        self.low_precision_inputs = any(dtype.itemsize < 8 for dtype in float_dtypes)

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
        """Call the learner's function (for a class exercise: construct the object); check
        afterwards that it left its inputs alone."""
        return self._invoke(self.fn, self.spec.args, self._call_text(args, kwargs), args, kwargs,
                            allow_mutation, restore_tol)

    def method(self, obj, name, *args, allow_mutation=(), **kwargs):
        """Call ``obj.name(*args)`` on the learner's object (a class exercise) with the same
        protection as ``call``: time limit, the learner's errors reported, inputs checked."""
        fn = getattr(obj, name, None)
        if not callable(fn):
            self.fail(f"the object has no method `{name}`.",
                      hint=f"Define `def {name}(self, ...)` inside the class, indented under "
                           f"`class {self.spec.id}:`.")
        text = f"{self.spec.id.lower()}.{name}({', '.join(_arg_text(a) for a in args)})"
        try:
            names = tuple(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            names = ()
        return self._invoke(fn, names, text, args, kwargs, allow_mutation, 0.0)

    def _invoke(self, fn, names, call_text, args, kwargs, allow_mutation, restore_tol):
        saved = [_snapshot(a) for a in args]
        try:
            out, in_thread = _call_with_timeout(_quietly(fn, args, kwargs), self.timeout)
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
            raise self._crash(exc, call_text) from None
        for i, (before, after) in enumerate(zip(saved, args)):
            name = names[i] if i < len(names) else f"argument {i + 1}"
            if name in self.spec.mutable or name in allow_mutation:
                continue
            what = _changed(before, after, restore_tol)
            if what:
                self.fail(
                    f"{call_text.split('(')[0]} changed its input `{name}` in place: {what}.",
                    hint=self.spec.mutation_hint or _mutation_hint(name, before))
        return out

    def _not_implemented(self, exc):
        tb = exc.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        code = getattr(self.fn, "__code__", None)
        raised_in = tb.tb_frame.f_code
        in_own_class = isinstance(self.fn, type) and isinstance(tb.tb_frame.f_locals.get("self"),
                                                                self.fn)
        if raised_in is code or in_own_class or (code is None
                                                 and raised_in.co_name == self.spec.id):
            where = (f"{self.spec.id}.{raised_in.co_name}" if in_own_class
                     and raised_in.co_name != "__init__" else self.spec.id)
            raise _NotAttempted(
                f"Not attempted yet: {where} still raises NotImplementedError.",
                hint="Replace `# YOUR CODE HERE` and `raise NotImplementedError()` with your code, "
                     "run that cell, then run this check again.")
        raise _Errored(
            f"{self._header()}: your function called `{raised_in.co_name}`, which raises "
            "NotImplementedError.", self.case_inputs,
            f"Finish `{raised_in.co_name}` first (or use nnlib's version), then check again.")

    def _call_text(self, args, kwargs):
        """The call as it was made: ``numerical_gradient(f, x, h=0.1)``."""
        names = [self.spec.args[i] if i < len(self.spec.args) else f"arg{i + 1}"
                 for i in range(len(args))]
        names += [f"{k}={v!r}" if isinstance(v, (int, float, str)) else k
                  for k, v in kwargs.items()]
        return f"{self.spec.id}({', '.join(names)})"

    def _crash(self, exc, call_text):
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
            f"{self._header()}: calling {call_text} raised {type(exc).__name__}.",
            details, _error_hint(self.spec, exc, self.fn))

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
        loose = _tolerances(got, rtol, atol)  # for naming known wrong answers
        rtol, atol = self._tolerances(got, rtol, atol)
        bad_got = ~np.isfinite(got)
        if np.any(bad_got & np.isfinite(expected)):
            idx = tuple(int(i) for i in np.argwhere(bad_got & np.isfinite(expected))[0])
            self.fail(f"{what} contains {_nan_or_inf(got[idx])} (first at index {idx}) where a "
                      "finite number was expected.",
                      hint=_match_variant(got, variants, rtol, atol) or finite_hint,
                      details=_value_lines(got, expected))
        if _close(got, expected, rtol, atol):
            return got
        if loose != (rtol, atol) and _close(got, expected, *loose):
            self._lost_precision(got, what, _value_lines(got, expected, rtol, atol))
        hint = (_match_variant(got, variants, *loose) or _whole_number_hint(got, expected)
                or _match_scale(got, expected, scales))
        self.fail(f"{what} has wrong values.", hint=hint,
                  details=_value_lines(got, expected, rtol, atol))

    def _tolerances(self, got, rtol, atol):
        """Float64 tolerances unless the case's own inputs are float32 (or float16): a float32
        result for float64 inputs must be as accurate as a float64 one."""
        if self.low_precision_inputs:
            return _tolerances(got, rtol, atol)
        return _tolerances(np.float64(0), rtol, atol)

    def _lost_precision(self, got, what, details=()):
        dtype = np.asarray(got).dtype
        self.fail(f"{what} has dtype {dtype} and is close to the expected values, but not as "
                  "close as float64 inputs require (a relative difference of about 1e-6 at "
                  "most).", details=details,
                  hint=f"Keep float64: {dtype} holds only about 7 significant digits. Do not "
                       f"convert with .astype(np.{dtype}) or create arrays with "
                       f"dtype=np.{dtype}; NumPy's operations on float64 arrays give float64.")

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
        low = getattr(got, "dtype", np.dtype(np.float64)).itemsize < 8
        loose_rtol = rtol if rtol is not None else (1e-4 if low else 1e-6)
        if rtol is None:
            rtol = 1e-4 if low and self.low_precision_inputs else 1e-6
        atol = 1e-12 if atol is None else atol
        if abs(value - expected) <= atol + rtol * abs(expected):
            return value
        if loose_rtol != rtol and abs(value - expected) <= atol + loose_rtol * abs(expected):
            d = _digits_to_tell_apart([(expected, value)])
            self._lost_precision(got, what, [f"expected: {_num(expected, d)}",
                                             f"got:      {_num(value, d)}"])
        # Two single numbers are always multiples of each other: name only known factors.
        hint = (_match_variant(np.float64(value), variants, rtol, atol)
                or _match_scale(np.float64(value), np.float64(expected), scales, only_named=True)
                or _whole_number_hint(value, expected))
        d = _digits_to_tell_apart([(expected, value)])
        self.fail(f"{what} is {_num(value, d)}, expected {_num(expected, d)}.", hint=hint)

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
