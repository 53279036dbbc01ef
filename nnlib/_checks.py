"""Input checks that turn common mistakes into messages a learner can act on.

Every error raised here says what was expected, what came, and (where it helps) the likely cause.
"""

import numpy as np


def as_rng(rng, where="this function"):
    """Return a ``np.random.Generator``: ``rng`` itself, or ``np.random.default_rng(rng)`` for an int.

    Everything in nnlib that draws random numbers (layers, initializers, ``mlp``, ``fit``, the
    data generators) takes its ``rng`` through this function, so each of them accepts either a
    generator or an int seed: ``rng=0`` and ``rng=np.random.default_rng(0)`` give the same
    numbers. A generator is used as it is (not copied), so objects built from one generator
    share its stream. ``None`` is refused on purpose: the course passes randomness explicitly,
    so that every run repeats.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    if rng is None:
        raise ValueError(f"{where} draws random numbers: pass rng=np.random.default_rng(seed) or an int seed.")
    raise TypeError(
        f"{where}: rng must be a np.random.Generator or an int seed, got {type(rng).__name__}. "
        "np.random.RandomState is the legacy API; use np.random.default_rng(seed)."
    )


def check_drop_probability(p, where):
    """Return ``p`` if it is a valid dropout probability (of *dropping* a unit), in [0, 1)."""
    if not 0 <= p < 1:
        raise ValueError(
            f"{where}: p is the probability of dropping a unit and must be in [0, 1), got {p}."
            + (" p = 1 would drop every unit." if p == 1 else "")
        )
    return p


class ShapeError(ValueError):
    """An array had the wrong shape for the layer or function it was given to."""


def as_float_array(x, name="x", dtype=None):
    """Return ``x`` as a floating-point ndarray, refusing types that are not numbers.

    Integer and boolean arrays are converted to ``dtype`` (float64 when not given). A float array
    is returned as it is unless ``dtype`` asks for another float type, so float32 stays float32.
    """
    arr = np.asarray(x)
    if arr.dtype.kind in "fc":
        if dtype is not None and arr.dtype != dtype:
            arr = arr.astype(dtype)
        return arr
    if arr.dtype.kind in "iub":
        return arr.astype(dtype or np.float64)
    raise TypeError(
        f"{name} must be an array of numbers, got dtype {arr.dtype!s}. "
        "Did you pass strings or a list of arrays of different lengths?"
    )


def check_labels(y, num_classes, n_rows, where="loss"):
    """Check integer class labels of shape (N,) with values in [0, num_classes)."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ShapeError(
            f"{where}: labels y must be integers of shape (N,), got shape {y.shape}. "
            "If y is one-hot, convert it with y.argmax(axis=1)."
        )
    if y.shape[0] != n_rows:
        raise ShapeError(f"{where}: {n_rows} rows of scores but {y.shape[0]} labels.")
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0):
            y = y.astype(np.intp)
        else:
            raise TypeError(f"{where}: labels y must be integers, got dtype {y.dtype}.")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"{where}: labels must lie in [0, {num_classes}), found values from {y.min()} to "
            f"{y.max()}. Are labels 1-based, or does the last layer have too few outputs?"
        )
    return y


def check_finite(x, name, where):
    """Raise ValueError if ``x`` holds NaN or infinity, naming the first bad row."""
    if not np.all(np.isfinite(x)):
        bad = np.argwhere(~np.isfinite(x))[0]
        raise ValueError(
            f"{where}: {name} contains NaN or infinity (first at index {tuple(int(i) for i in bad)}). "
            "Clean or impute the data before training."
        )
