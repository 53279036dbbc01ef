"""Weight initialization schemes.

Every initializer has the signature ``init(fan_in, fan_out, rng, dtype=np.float64)`` and returns a
``(fan_in, fan_out)`` matrix, so a dense layer computes ``x @ W`` with ``W`` from any of them.
``rng`` is a ``np.random.Generator`` or an int seed (see :func:`nnlib.data.as_rng`).

The variance targets, with ``n = fan_in``:

=================  ===========================  ===========================================
scheme             Var(w)                       why
=================  ===========================  ===========================================
``normal(std)``    ``std**2``                   the classic ``0.01 * randn``
``lecun_normal``   ``1 / fan_in``               keeps Var(z) = Var(x) for linear/tanh units
``xavier_*``       ``2 / (fan_in + fan_out)``   Glorot: compromise between forward and backward
``he_*``           ``2 / fan_in``               ReLU zeroes half the signal; the 2 makes up for it
=================  ===========================  ===========================================

A uniform distribution on ``[-a, a]`` has variance ``a**2 / 3``, so the uniform variants use
``a = sqrt(3 * variance)``.
"""

import numpy as np

from ._checks import as_rng


def zeros(fan_in, fan_out, rng=None, dtype=np.float64):
    """All-zero weights: every hidden unit computes the same thing forever (the symmetry problem)."""
    return np.zeros((fan_in, fan_out), dtype=dtype)


def constant(fan_in, fan_out, rng=None, value=0.5, dtype=np.float64):
    """Every weight equal to ``value``: as symmetric as zeros, only with a non-zero output."""
    return np.full((fan_in, fan_out), value, dtype=dtype)


def normal(fan_in, fan_out, rng, std=0.01, dtype=np.float64):
    """Gaussian weights with a fixed standard deviation (``std=0.01`` is the classic small init)."""
    rng = as_rng(rng, "init.normal")
    return (std * rng.standard_normal((fan_in, fan_out))).astype(dtype, copy=False)


def _normal_with_var(fan_in, fan_out, rng, var, dtype):
    rng = as_rng(rng, "a normal initializer")
    return (np.sqrt(var) * rng.standard_normal((fan_in, fan_out))).astype(dtype, copy=False)


def _uniform_with_var(fan_in, fan_out, rng, var, dtype):
    rng = as_rng(rng, "a uniform initializer")
    a = np.sqrt(3.0 * var)
    return rng.uniform(-a, a, size=(fan_in, fan_out)).astype(dtype, copy=False)


def lecun_normal(fan_in, fan_out, rng, dtype=np.float64):
    """Normal with variance ``1 / fan_in`` (the ``1/sqrt(n)`` calibration)."""
    return _normal_with_var(fan_in, fan_out, rng, 1.0 / fan_in, dtype)


def xavier_normal(fan_in, fan_out, rng, dtype=np.float64):
    """Glorot/Xavier normal: variance ``2 / (fan_in + fan_out)``."""
    return _normal_with_var(fan_in, fan_out, rng, 2.0 / (fan_in + fan_out), dtype)


def xavier_uniform(fan_in, fan_out, rng, dtype=np.float64):
    """Glorot/Xavier uniform on ``[-a, a]`` with ``a = sqrt(6 / (fan_in + fan_out))``."""
    return _uniform_with_var(fan_in, fan_out, rng, 2.0 / (fan_in + fan_out), dtype)


def he_normal(fan_in, fan_out, rng, dtype=np.float64):
    """He/Kaiming normal for ReLU layers: variance ``2 / fan_in``."""
    return _normal_with_var(fan_in, fan_out, rng, 2.0 / fan_in, dtype)


def he_uniform(fan_in, fan_out, rng, dtype=np.float64):
    """He/Kaiming uniform on ``[-a, a]`` with ``a = sqrt(6 / fan_in)``."""
    return _uniform_with_var(fan_in, fan_out, rng, 2.0 / fan_in, dtype)


# The names the exercises use.
xavier_init = xavier_normal
he_init = he_normal

INITIALIZERS = {
    "zeros": zeros,
    "constant": constant,
    "normal": normal,
    "small": normal,
    "lecun_normal": lecun_normal,
    "xavier": xavier_normal,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "glorot": xavier_normal,
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}


def get_initializer(init):
    """Return an initializer given itself or its name (a key of ``INITIALIZERS``)."""
    if callable(init):
        return init
    try:
        return INITIALIZERS[init]
    except KeyError:
        raise ValueError(f"unknown init {init!r}; choose one of {sorted(INITIALIZERS)}") from None


def init_bias(fan_out, value=0.0, dtype=np.float64):
    """Bias vector of shape ``(fan_out,)``. Zero is the usual choice: the random weights already
    break the symmetry. A small positive value (say 0.01) is sometimes used with ReLU so that
    every unit starts in its active region."""
    return np.full(fan_out, value, dtype=dtype)
