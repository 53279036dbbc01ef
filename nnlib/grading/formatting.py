"""Comparing results with tolerances, recognising known wrong answers, and printing numbers."""

import warnings

import numpy as np


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


def _whole_number_hint(got, expected):
    """A hint when every value came out a whole number but the expected ones have fractions:
    floor division ``//`` or a conversion to integers threw the fractions away."""
    with np.errstate(all="ignore"):
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
        if g.shape != e.shape or not g.size or not np.all(np.isfinite(g)):
            return None
        if np.all(g == np.round(g)) and not np.all(e == np.round(e)):
            start = ("The result is a whole number, but the expected one has a fraction. "
                     if g.ndim == 0 else
                     "Every value is a whole number, but the expected values have fractions. ")
            return (start +
                    "Is there a `//` (floor division, which rounds down) where `/` belongs, or "
                    "an int(...), .astype(int), np.floor or np.round that drops the fractions?")
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


def _num(x, digits=4):
    x = float(x)
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def _digits_to_tell_apart(pairs, least=4):
    """The fewest significant digits (at least ``least``, at most 17) at which every
    (expected, got) pair of different numbers also prints differently."""
    pairs = [(float(e), float(g)) for e, g in pairs]
    pairs = [(e, g) for e, g in pairs if e != g and np.isfinite(e) and np.isfinite(g)]
    for digits in range(least, 18):
        if all(_num(e, digits) != _num(g, digits) for e, g in pairs):
            return digits
    return 17


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


def _fmt_array(a, limit=8, digits=4):
    a = np.asarray(a)
    if a.ndim == 0:
        return _num(a, digits) if a.dtype.kind in "iuf" else str(a.item())
    if a.size <= limit * 2 and a.ndim <= 2:
        if a.ndim == 1:
            return "[" + ", ".join(_fmt_scalar(v, digits) for v in a) + "]"
        return "[" + ", ".join(_fmt_array(row, limit, digits) for row in a) + "]"
    flat = a.reshape(-1)[:limit]
    return ("[" + ", ".join(_fmt_scalar(v, digits) for v in flat)
            + ", ...] (first values, flattened)")


def _fmt_scalar(v, digits=4):
    if isinstance(v, (np.bool_, bool)):
        return str(bool(v))
    if np.issubdtype(type(v), np.integer):
        return str(int(v))
    v = float(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return _num(v, digits)


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
    digits = 4
    if got.shape == expected.shape and got.size and got.dtype.kind in "iuf" \
            and expected.dtype.kind in "iuf":
        # as many digits as it takes for the shown wrong values to look different
        shown = min(got.size, 16)
        digits = _digits_to_tell_apart(zip(expected.reshape(-1)[:shown], got.reshape(-1)[:shown]))
    lines = [f"expected: {_fmt_array(expected, digits=digits)}",
             f"got:      {_fmt_array(got, digits=digits)}"]
    if got.shape == expected.shape and got.size:
        g = got.astype(np.float64)
        e = expected.astype(np.float64)
        with np.errstate(all="ignore"):
            diff = np.abs(g - e)
            if rtol is not None:
                bad = ~np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
                if np.any(bad) and got.ndim >= 1:
                    idx = tuple(int(i) for i in np.argwhere(bad)[0])
                    d = _digits_to_tell_apart([(e[idx], g[idx])])
                    lines.append(f"first wrong value at index {idx}: "
                                 f"expected {_fmt_scalar(e[idx], d)}, got {_fmt_scalar(g[idx], d)}")
            finite = np.isfinite(diff)
            if np.all(np.isfinite(g)) and np.any(finite):
                biggest = float(np.max(diff[finite]))
                scale = float(np.max(np.abs(e[np.isfinite(e)]), initial=0.0))
                rel = biggest / scale if scale > 0 else float("inf")
                lines.append(f"largest difference {_num(biggest)} "
                             f"(relative to the largest expected value: {_num(rel)})")
    return lines
