"""Sheet 2 (chapter 2): softmax, cross-entropy and its gradient; the stable versions from logits
are checked in ex02_softmax_part2.py and registered at the end of this module."""

import math

import numpy as np

from .. import functional as F
from .. import losses
from .common import _F32, _rng
from .registry import exercise


def _softmax_variants(z):
    def axis0():
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    def no_keepdims():
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1)

    def global_sum():
        e = np.exp(z - z.max())
        return e / e.sum()

    def shifted_by(shift):
        def variant():
            e = np.exp(z - shift)
            return e / e.sum(axis=1, keepdims=True)
        return variant

    def log_softmax():
        m = z.max(axis=1, keepdims=True)
        return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))

    return [
        (axis0, "You normalized each column (axis 0). Each row is one sample and must sum to 1: "
                "use axis=1 (with keepdims=True)."),
        (no_keepdims, "e / e.sum(axis=1) divides column j by the sum of row j. Keep the axis, "
                      "e.sum(axis=1, keepdims=True), so every row is divided by its own sum."),
        (global_sum, "You divided by the sum over the whole batch; each row must be divided by "
                     "its own sum (axis=1, keepdims=True)."),
        (lambda: np.exp(z), "The exponentials are not normalized: divide by the row sums."),
        (lambda: np.exp(z - z.max(axis=1, keepdims=True)),
         "The exponentials are not normalized: divide by the row sums."),
        (lambda: z / z.sum(axis=1, keepdims=True), "Take np.exp of the logits before normalizing."),
        (log_softmax, "These are the log-probabilities (log-softmax): take np.exp of them to get "
                      "the probabilities."),
        (shifted_by(z.max()), "Subtract each row's own maximum, z.max(axis=1, keepdims=True). "
                              "With the overall maximum z.max(), a row of much smaller logits "
                              "underflows to exp = 0 everywhere, and 0 / 0 is NaN."),
        (shifted_by(z.min(axis=1, keepdims=True)),
         "Subtract the row maximum, not the minimum: after z - min the exponents can be huge "
         "(exp(1000) = inf). After z - max every exponent is <= 0, so nothing overflows."),
        (shifted_by(z.mean(axis=1, keepdims=True)),
         "Subtract the row maximum, not the mean: after z - mean the exponents can still be huge "
         "(exp(1000) = inf). After z - max every exponent is <= 0, so nothing overflows."),
    ]


_UNSTABLE_HINT = ("np.exp overflows for large logits (exp(1000) = inf, and inf / inf = NaN). "
                  "Subtract each row's maximum first: z - z.max(axis=1, keepdims=True). "
                  "The result is unchanged because the factor cancels.")


@exercise("softmax", args=("z",), chapter="02_softmax_cross_entropy",
          shape_hint="z is (N, C); a row sum e.sum(axis=1) has shape (N,), and "
                     "e.sum(axis=1, keepdims=True) has shape (N, 1), which broadcasts over "
                     "the row.")
def _check_softmax(t):
    z = np.array([[0.0, math.log(2), math.log(3)], [5.0, 5.0, 5.0 + math.log(2)]])
    t.case("hand-worked values: exp gives 1:2:3 and 1:1:2", z=z)
    t.array(t.call(z.copy()), np.array([[1 / 6, 1 / 3, 1 / 2], [0.25, 0.25, 0.5]]), "softmax(z)",
            variants=_softmax_variants(z))


    z = np.array([[2.0, 2.0, 2.0, 2.0]])
    t.case("equal logits give a uniform row (a batch of one)", z=z)
    t.array(t.call(z), np.full((1, 4), 0.25), "softmax(z)", variants=_softmax_variants(z))

    for name, shape, seed in [("N=5 samples, C=3 classes", (5, 3), 8),
                              ("square: N = C = 4", (4, 4), 9)]:
        z = _rng(seed).normal(0, 2, size=shape)
        t.case(name, z=z)
        t.array(t.call(z.copy()), F.softmax(z), "softmax(z)", variants=_softmax_variants(z))

    z = np.array([[1000.0, 1001.0, 999.0], [1e4, 1e4, 1e4 - 1.0]])
    a, b = 1 / (1 + math.e + math.exp(-1)), 1 / (2 + math.exp(-1))
    expected = np.array([[a, math.e * a, math.exp(-1) * a], [b, b, math.exp(-1) * b]])
    t.case("huge logits (1e3, 1e4)", z=z)
    t.array(t.call(z.copy()), expected, "softmax(z)", variants=_softmax_variants(z),
            finite_hint=_UNSTABLE_HINT)

    z = np.array([[1e4, 1e4 + 1.0, 1e4 - 1.0], [0.0, 1.0, -1.0]])
    row = np.array([a, math.e * a, math.exp(-1) * a])
    t.case("rows of very different size", z=z)
    t.array(t.call(z.copy()), np.stack([row, row]), "softmax(z)", variants=_softmax_variants(z),
            finite_hint="Subtract each row's own maximum, z.max(axis=1, keepdims=True). With the "
                        "overall maximum z.max(), a row of small logits underflows to exp = 0 "
                        "everywhere, and 0 / 0 is NaN.")

    # Shifting by the row minimum or mean passes the cases above; a wide row exposes it.
    z = np.array([[-1000.0, 0.0, 1000.0], [5.0, -2000.0, 5.0]])
    t.case("logits far apart within a row (spread 2000)", z=z)
    t.array(t.call(z.copy()), np.array([[0.0, 0.0, 1.0], [0.5, 0.0, 0.5]]), "softmax(z)",
            variants=_softmax_variants(z), finite_hint=_UNSTABLE_HINT)

    z = _rng(10).normal(0, 3, size=(3, 5)).astype(np.float32)
    t.case("float32 logits", z=z)
    t.array(t.call(z.copy()), F.softmax(z.astype(np.float64)), "softmax(z)",
            variants=_softmax_variants(z.astype(np.float64)), finite_hint=_UNSTABLE_HINT, **_F32)


def _ce_variants(probs, y):
    n, c = probs.shape
    probs = probs.astype(np.float64)
    onehot = np.eye(c)[y]
    swapped = [(lambda: -np.mean(np.log(probs[y, np.arange(n)])),
                "Rows are samples and columns are classes: probs[np.arange(N), y].")]
    return (swapped if n == c else []) + [
        (lambda: -np.mean(np.log(probs[:, y])),
         "probs[:, y] picks the columns y for every row (an N x N block). Pick one entry per "
         "row: probs[np.arange(N), y]."),
        (lambda: -np.mean(np.log(probs.max(axis=1))),
         "Use the labels y, not the most probable class: probs[np.arange(N), y]."),
        (lambda: -np.mean(np.log(probs)),
         "Only the probability of the correct class enters the loss: probs[np.arange(N), y]."),
        (lambda: -np.mean(onehot * np.log(probs)),
         "np.mean over the (N, C) product divides by N * C; divide the sum by N only."),
        (lambda: -np.mean(np.log(1 - probs[np.arange(n), y])),
         "The loss is -log of the correct class's probability, not of 1 minus it."),
        (lambda: -np.log(np.mean(probs[np.arange(n), y])),
         "Take the log of each probability, then the mean: np.mean(-np.log(p)), not "
         "-np.log(np.mean(p))."),
        (lambda: -np.sum(y * np.log(probs)) / n,
         "y holds integer labels, not one-hot rows: pick probs[np.arange(N), y] instead of "
         "multiplying by y."),
    ]


def _ce_scales(n, c):
    return {
        n: "Divide by N: the loss is the mean over the batch (np.mean, not np.sum).",
        -1.0: "The minus sign is missing: the loss is -log(probability), a positive number.",
        1 / math.log(10): "Use the natural logarithm np.log, not np.log10.",
        1 / math.log(2): "Use the natural logarithm np.log, not np.log2.",
        1 / c: "You divided by N * C; divide the sum by N only.",
    }


@exercise("cross_entropy", args=("probs", "y"), chapter="02_softmax_cross_entropy",
          shape_hint="probs is (N, C) and y is (N,) integer labels; probs[np.arange(N), y] has "
                     "shape (N,).")
def _check_cross_entropy(t):
    probs = np.array([[0.5, 0.25, 0.25], [0.1, 0.2, 0.7]])
    y = np.array([0, 2])
    t.case("hand-worked values", probs=probs, y=y)
    t.scalar(t.call(probs, y), (math.log(2) - math.log(0.7)) / 2, "cross_entropy(probs, y)",
             variants=_ce_variants(probs, y), scales=_ce_scales(2, 3))

    probs = np.full((4, 5), 0.2)
    y = np.array([0, 1, 2, 3])
    t.case("uniform probabilities give log(C)", probs=probs, y=y)
    t.scalar(t.call(probs, y), math.log(5), "cross_entropy(probs, y)",
             variants=_ce_variants(probs, y), scales=_ce_scales(4, 5))

    probs = np.array([[0.2, 0.8]])
    y = np.array([1])
    t.case("a batch of one", probs=probs, y=y)
    t.scalar(t.call(probs, y), -math.log(0.8), "cross_entropy(probs, y)",
             variants=_ce_variants(probs, y), scales=_ce_scales(1, 2))

    for name, (n, c), seed, dtype in [("N=6 samples, C=4 classes", (6, 4), 11, np.float64),
                                      ("square: N = C = 3", (3, 3), 12, np.float64),
                                      ("float32 probabilities", (5, 3), 13, np.float32)]:
        r = _rng(seed)
        probs = F.softmax(r.normal(size=(n, c))).astype(dtype)
        y = r.integers(0, c, size=n)
        y[0] = (y[1] + 1) % c  # not all labels equal
        t.case(name, probs=probs, y=y)
        tol = _F32 if dtype == np.float32 else {}
        t.scalar(t.call(probs.copy(), y.copy()), losses.cross_entropy(probs.astype(np.float64), y),
                 "cross_entropy(probs, y)", variants=_ce_variants(probs, y),
                 scales=_ce_scales(n, c), **tol)


def _scebw_variants(probs, y):
    n, c = probs.shape
    onehot = np.eye(c)[y]

    def columns():
        d = probs.copy()
        d[:, y] -= 1
        return d / n

    return [
        (columns, "probs[:, y] -= 1 changes whole columns. Subtract 1 once per row, at the correct "
                  "class: d[np.arange(N), y] -= 1."),
        (lambda: probs / n - onehot, "Divide the whole difference by N: (probs - onehot) / N."),
        (lambda: (probs - 1) / n, "Subtract 1 only at the correct class of each row, not "
                                  "everywhere."),
        (lambda: probs / n, "Subtract the one-hot labels: (probs - onehot(y)) / N."),
        (lambda: (probs - onehot) / c, "Divide by N (the number of samples, probs.shape[0]), not "
                                       "by C."),
        (lambda: (probs - np.eye(c)[probs.argmax(axis=1)]) / n,
         "Use the labels y, not the most probable class probs.argmax(axis=1)."),
        (lambda: (probs - onehot) / n ** 2, "You divided by N twice: (probs - onehot(y)) / N."),
    ]


@exercise("softmax_cross_entropy_backward", args=("probs", "y"), chapter="02_softmax_cross_entropy",
          shape_hint="probs is (N, C), y is (N,); the result has the shape of probs, (N, C). "
                     "The one-hot labels are np.eye(C)[y] with C = probs.shape[1] (not N).")
def _check_softmax_cross_entropy_backward(t):
    name = "softmax_cross_entropy_backward(probs, y)"
    probs = np.array([[0.2, 0.3, 0.5]])
    y = np.array([2])
    t.case("hand-worked values, a batch of one", probs=probs, y=y)
    t.array(t.call(probs, y), np.array([[0.2, 0.3, -0.5]]), name,
            variants=_scebw_variants(probs, y),
            scales={-1.0: "The gradient is probs - onehot(y), not onehot(y) - probs."})

    probs = np.array([[0.1, 0.6, 0.3], [0.25, 0.25, 0.5]])
    y = np.array([1, 0])
    t.case("hand-worked values, N=2", probs=probs, y=y)
    t.array(t.call(probs, y), np.array([[0.05, -0.2, 0.15], [-0.375, 0.125, 0.25]]), name,
            variants=_scebw_variants(probs, y), scales={
                2.0: "Divide by N: the loss is a mean over the batch, so is its gradient.",
                -1.0: "The gradient is probs - onehot(y), not onehot(y) - probs."})

    for case, (n, c), seed, labels in [
            ("N=5 samples, C=3 classes", (5, 3), 14, None),
            ("square: N = C = 4, repeated labels", (4, 4), 15, [2, 2, 0, 1])]:
        r = _rng(seed)
        probs = F.softmax(r.normal(size=(n, c)))
        y = np.array(labels) if labels else r.integers(0, c, size=n)
        t.case(case, probs=probs, y=y)
        t.array(t.call(probs.copy(), y.copy()), losses.softmax_cross_entropy_backward(probs, y),
                name, variants=_scebw_variants(probs, y), scales={
                    n: "Divide by N: the loss is a mean over the batch, so is its gradient.",
                    -1.0: "The gradient is probs - onehot(y), not onehot(y) - probs."})

    r = _rng(16)
    probs = F.softmax(r.normal(size=(3, 5))).astype(np.float32)
    y = np.array([4, 0, 2])
    t.case("float32 probabilities", probs=probs, y=y)
    t.array(t.call(probs.copy(), y.copy()),
            losses.softmax_cross_entropy_backward(probs.astype(np.float64), y), name,
            variants=_scebw_variants(probs.astype(np.float64), y),
            scales={3: "Divide by N: the loss is a mean over the batch, so is its gradient."},
            **_F32)


# The second half of the sheet: the checkers live in ex02_softmax_part2.py (this module would grow
# too long); they are registered here so that every exercise of the sheet belongs to this module.
from . import ex02_softmax_part2 as _part2  # noqa: E402

_CHAPTER = "02_softmax_cross_entropy"


@exercise("logsumexp", args=("z",), chapter=_CHAPTER,
          shape_hint="z is (N, C) and the result is (N,), one number per row; "
                     "z.max(axis=1, keepdims=True) has shape (N, 1), which broadcasts over the "
                     "row.")
def _check_logsumexp(t):
    _part2.check_logsumexp(t)


@exercise("log_softmax", args=("z",), chapter=_CHAPTER,
          shape_hint="z is (N, C) and so is the result; subtract logsumexp(z)[:, None], shape "
                     "(N, 1), so that it broadcasts over each row.")
def _check_log_softmax(t):
    _part2.check_log_softmax(t)


@exercise("softmax_cross_entropy", args=("logits", "y"), chapter=_CHAPTER,
          shape_hint="logits is (N, C), y is (N,) integer labels (any integer dtype); the loss is "
                     "a single number and dlogits has the shape of logits, (N, C). One-hot "
                     "labels are np.eye(C)[y] with C = logits.shape[1].")
def _check_softmax_cross_entropy(t):
    _part2.check_softmax_cross_entropy(t)


@exercise("binary_cross_entropy_with_logits", args=("logits", "y"), chapter=_CHAPTER,
          shape_hint="logits and y have the same shape, (N,) or (N, 1); the loss is a single "
                     "number and dlogits has the shape of logits.")
def _check_binary_cross_entropy_with_logits(t):
    _part2.check_binary_cross_entropy_with_logits(t)


@exercise("multiclass_hinge", args=("scores", "y", "delta=1.0"), chapter=_CHAPTER,
          shape_hint="scores is (N, C), y is (N,) integer labels (any integer dtype); the loss is "
                     "a single number and dscores has the shape of scores, (N, C). "
                     "scores[np.arange(N), y][:, None] is the correct scores as a column, "
                     "(N, 1).")
def _check_multiclass_hinge(t):
    _part2.check_multiclass_hinge(t)
