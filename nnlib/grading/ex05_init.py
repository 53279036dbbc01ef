"""Sheet 5 (chapter 5): initialization, checked statistically; per-layer statistics and batch
normalization, whose checks are in ex05_init_part2.py."""

import math

import numpy as np

from . import ex05_init_part2 as _part2
from .common import _SIGMAS, _check_uses_rng, _fmt, _rng
from .registry import exercise


def _init_candidates(fan_in, fan_out, target, scheme):
    other = "2 / fan_in" if scheme == "He" else "2 / (fan_in + fan_out)"
    cands = [
        (target ** 2, "The variance came out as the square of the target: you used the variance "
                      "as the standard deviation. Scale standard normal numbers by "
                      "sqrt(variance)."),
        (math.sqrt(target), "The variance came out as the square root of the target: the "
                            "standard deviation is sqrt(variance), and the variance is its "
                            "square."),
        (target / 3, "A uniform distribution on [-a, a] has variance a**2 / 3, so "
                     "a = sqrt(3 * variance)."),
        (3 * target, "The variance came out three times too large: sqrt(3 * variance) is the "
                     "bound a of the uniform distribution, not a normal's standard deviation."),
        (2 / fan_in, "That is 2 / fan_in, He's variance; Xavier averages fan_in and fan_out."),
        (2 / fan_out, f"That is 2 / fan_out: {scheme} uses {other}. fan_in is the number of "
                      "inputs of each unit, W.shape[0]; fan_out is W.shape[1]."),
        (1 / fan_in, "That is 1 / fan_in (LeCun's variance)."),
        (1 / fan_out, "That is 1 / fan_out."),
        (2 / (fan_in + fan_out), "That is 2 / (fan_in + fan_out), Xavier's variance."),
        (1 / (fan_in + fan_out), "That is 1 / (fan_in + fan_out): the factor 2 is missing."),
        (1.0, "The weights have variance 1: scale them to the target variance."),
        (1 / 12, "Variance 1/12 is rng.random() unscaled: shift and scale it to [-a, a]."),
        (1e-4, "That is the classic 0.01 * randn initialization, not the target variance."),
    ]
    return [(v, h) for v, h in cands if abs(v / target - 1) > 0.15]


def _check_init(t, name, scheme, target_of, extra_hint):
    t.case("shape (fan_in, fan_out) = (3, 5), float values", fan_in=3, fan_out=5)
    W = t.call(3, 5, _rng(40))
    t.is_array(W, f"{name}(3, 5, rng)")
    if W.shape != (3, 5):
        hint = ("W must have shape (fan_in, fan_out) so that x @ W works for x of shape "
                "(N, fan_in)." if W.shape == (5, 3) else None)
        t.fail(f"{name}(3, 5, rng) has shape {W.shape}, expected (3, 5).", hint=hint)
    if not np.all(np.isfinite(W)):
        t.fail(f"{name}(3, 5, rng) contains NaN or inf.")
    if np.all(W == W.flat[0]):
        value = float(W.flat[0])
        t.fail(f"every weight of {name}(3, 5, rng) is {'0' if value == 0 else _fmt(value)}: "
               "the weights are constant.",
               hint="With equal initial weights (all zeros, or any one constant) every hidden "
                    "unit computes the same output and receives the same gradient, so the units "
                    "stay copies of each other and the network cannot learn different features. "
                    f"Draw every weight at random from rng, with the {scheme} variance.")

    _check_uses_rng(t, lambda rng: (20, 30, rng), name)

    for fan_in, fan_out in [(100, 400), (400, 100)]:
        target = target_of(fan_in, fan_out)
        n = fan_in * fan_out
        t.case(f"statistics of {name}({fan_in}, {fan_out}, rng): mean 0, variance "
               f"{_fmt(target)}", fan_in=fan_in, fan_out=fan_out)
        W = t.call(fan_in, fan_out, _rng(41))
        t.is_array(W, f"{name}({fan_in}, {fan_out}, rng)", (fan_in, fan_out))
        if W.shape != (fan_in, fan_out):
            t.fail(f"the result has shape {W.shape}, expected ({fan_in}, {fan_out}).",
                   hint="W must have shape (fan_in, fan_out)." if W.shape == (fan_out, fan_in)
                   else None)
        W = W.astype(np.float64)
        mean, var = float(W.mean()), float(W.var())
        if not np.isfinite(var):
            t.fail("the weights contain NaN or inf.")
        mean_tol = _SIGMAS * math.sqrt(target / n)
        if abs(mean) > mean_tol:
            t.fail(f"the mean of the weights is {_fmt(mean)}, expected 0 "
                   f"(within {_fmt(mean_tol)}).",
                   hint="The weights must be centred on 0: draw from a normal with mean 0 or a "
                        "uniform on [-a, a] (rng.random() alone lies in [0, 1)).")
        if len(np.unique(W)) < 0.9 * n:
            t.fail(f"only {len(np.unique(W))} of the {n} weights are different.",
                   hint="Draw every weight independently: one random number per entry, "
                        "size=(fan_in, fan_out).")
        var_tol = _SIGMAS * math.sqrt(2 / n)
        ratio = var / target
        if abs(ratio - 1) > var_tol:
            t.fail(f"the variance of the weights is {_fmt(var)}, expected {_fmt(target)} "
                   f"(ratio {ratio:.3g}; tolerance +-{var_tol:.2g}).",
                   hint=_variance_hint(W, var, var_tol, fan_in, fan_out, target, scheme,
                                       extra_hint))


def _variance_hint(W, var, var_tol, fan_in, fan_out, target, scheme, extra_hint):
    """Name the likely mistake behind a wrong variance. Uniform weights are told apart from
    normal ones by their kurtosis, E[(w - mean)^4] / var^2: 1.8 for a uniform, 3 for a normal
    (over 40 000 weights its standard error is below 0.03)."""
    candidates = _init_candidates(fan_in, fan_out, target, scheme)
    named = next((h for v, h in candidates if abs(var / v - 1) <= var_tol), None)
    kurtosis = float(np.mean((W - W.mean()) ** 4)) / var ** 2
    if kurtosis < 2.4:
        a = float(np.max(np.abs(W)))
        # With a uniform only a mix-up of fan_in and fan_out is worth naming; every other
        # wrong variance comes from a wrong bound.
        fans = named if named and named.startswith("That is 2 /") else ""
        return (f"{fans} Your weights look uniform on [-a, a] with a = {_fmt(a)}. A uniform "
                f"distribution on [-a, a] has variance a**2 / 3, so the variance {_fmt(target)} "
                f"needs a = sqrt(3 * {_fmt(target)}) = {_fmt(math.sqrt(3 * target))}, that is "
                f"{'sqrt(6 / fan_in)' if scheme == 'He' else 'sqrt(6 / (fan_in + fan_out))'}."
                ).strip()
    return f"{named} {extra_hint}" if named else extra_hint


@exercise("xavier_init", args=("fan_in", "fan_out", "rng"), chapter="05_initialization")
def _check_xavier_init(t):
    _check_init(t, "xavier_init", "Xavier", lambda fi, fo: 2 / (fi + fo),
                "Xavier: Var(w) = 2 / (fan_in + fan_out), so a normal distribution needs the "
                "standard deviation sqrt(2 / (fan_in + fan_out)).")


@exercise("he_init", args=("fan_in", "fan_out", "rng"), chapter="05_initialization")
def _check_he_init(t):
    _check_init(t, "he_init", "He", lambda fi, fo: 2 / fi,
                "He: Var(w) = 2 / fan_in, so a normal distribution needs the standard deviation "
                "sqrt(2 / fan_in).")


@exercise("layer_stats", args=("X", "weights", "activation"), chapter="05_initialization",
          shape_hint="X is (N, D); weights[l] is (fan_in, fan_out) with fan_in the width of the "
                     "layer below; means and stds are (L,), one entry per layer.")
def _check_layer_stats(t):
    _part2.check_layer_stats(t)


@exercise("batchnorm_forward",
          args=("x", "gamma", "beta", "mode", "running_mean", "running_var", "momentum=0.9",
                "eps=1e-5"),
          chapter="05_initialization", mutable=("running_mean", "running_var"),
          shape_hint="x is (N, D); gamma, beta, running_mean, running_var and the mean and "
                     "variance are (D,), one per feature; out is (N, D).")
def _check_batchnorm_forward(t):
    _part2.check_batchnorm_forward(t)


@exercise("batchnorm_backward", args=("dout", "cache"), chapter="05_initialization",
          shape_hint="dout and dx are (N, D); dgamma and dbeta are (D,), sums over the batch "
                     "(axis=0); cache is (x, xhat, gamma, mean, var, eps) from batchnorm_forward.")
def _check_batchnorm_backward(t):
    _part2.check_batchnorm_backward(t)
