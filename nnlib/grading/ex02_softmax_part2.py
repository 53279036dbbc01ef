"""Sheet 2 (chapter 2), second part: log-sum-exp, log-softmax and the two losses computed from
logits. The checkers are registered in ex02_softmax.py, the sheet's own module."""

import math

import numpy as np

from .. import functional as F
from .. import losses
from .common import _F32, _rng
from .formatting import _match_variant

_OWN_MAX = ("Subtract each row's own maximum, z.max(axis=1, keepdims=True). Any constant shift "
            "is correct on paper, but with the maximum of the whole batch a row of much smaller "
            "logits has exp = 0 everywhere, and log(0) = -inf.")
_OVERFLOW = ("np.exp overflows for large logits (exp(1000) = inf) and underflows for very "
             "negative ones (exp(-1000) = 0, log(0) = -inf). Shift by each row's maximum first: "
             "log sum exp(z) = m + log sum exp(z - m) with m = z.max(axis=1, keepdims=True).")
_NAIVE_LOG = ("np.log(softmax(z)) is -inf wherever the softmax underflows to 0. Compute the "
              "log-probabilities directly: z - logsumexp(z)[:, None], with the stable "
              "logsumexp.")


def _lse_variants(z):
    m = z.max(axis=1, keepdims=True)
    s = np.exp(z - m).sum(axis=1, keepdims=True)
    big = z.max()

    def no_keepdims():
        row_max = z.max(axis=1)
        return row_max + np.log(np.exp(z - row_max).sum(axis=1))

    return [
        (lambda: np.log(s)[:, 0], "Add the maximum back: logsumexp(z) = m + log(sum(exp(z - m)))."),
        (lambda: np.log(s)[:, 0] - m[:, 0], "Add the maximum back, do not subtract it: "
                                            "m + log(sum(exp(z - m)))."),
        (lambda: z.max(axis=1), "That is only the row maximum; add log(sum(exp(z - m))) to it."),
        (lambda: m[:, 0] + np.log(np.exp(z - m).mean(axis=1)),
         "Sum the exponentials (np.sum), do not average them: the mean is log(C) too small."),
        (lambda: m[:, 0] + np.log10(s[:, 0]), "Use the natural logarithm np.log, not np.log10."),
        (lambda: big + np.log(np.exp(z - big).sum(axis=1)), _OWN_MAX),
        (no_keepdims, "z - z.max(axis=1) subtracts the maximum of row j from column j. Keep the "
                      "axis, m = z.max(axis=1, keepdims=True), so each row loses its own maximum."),
        (lambda: np.log(np.exp(z).sum(axis=1)), _OVERFLOW),
    ]


def _lse_shape_hints(n, c):
    hints = {(n, 1): "Return one number per row, shape (N,): the sum with keepdims=True has "
                     "shape (N, 1); take [:, 0] of the result (or sum without keepdims at the "
                     "end).",
             (): "Return one number per row, shape (N,): sum over axis=1 only, not over the "
                 "whole batch."}
    if c != n:
        hints[(c,)] = "Sum over axis=1 (the classes of each row), not axis=0."
    return hints


def check_logsumexp(t):
    name = "logsumexp(z)"

    def run(z, expected, **kw):
        n, c = z.shape
        t.array(t.call(z.copy()), expected, name, variants=_lse_variants(z.astype(np.float64)),
                shape_hints=_lse_shape_hints(n, c), finite_hint=_OVERFLOW, **kw)

    z = np.array([[0.0, math.log(2), math.log(3)], [5.0, 5.0, 5.0 + math.log(2)]])
    t.case("hand-worked values: exp sums to 6 and to 4 exp(5)", z=z)
    run(z, np.array([math.log(6), 5 + math.log(4)]))

    z = np.array([[2.0, 2.0, 2.0, 2.0]])
    t.case("equal logits, a batch of one: 2 + log(4)", z=z)
    run(z, np.array([2 + math.log(4)]))

    for case, shape, seed in [("N=5 samples, C=3 classes", (5, 3), 70),
                              ("square: N = C = 4", (4, 4), 71)]:
        z = _rng(seed).normal(0, 2, size=shape)
        t.case(case, z=z)
        run(z, F.logsumexp(z))

    z = np.array([[1000.0, 1001.0, 999.0], [1e4, 1e4, 1e4 - 1.0]])
    t.case("huge logits (1e3, 1e4)", z=z)
    run(z, np.array([1001 + math.log(1 + math.exp(-1) + math.exp(-2)),
                     1e4 + math.log(2 + math.exp(-1))]))

    z = np.array([[-1000.0, -1000.0], [-1e4, -1e4 + math.log(3)]])
    t.case("very negative logits (-1e3, -1e4)", z=z)
    run(z, np.array([-1000 + math.log(2), -1e4 + math.log(4)]))

    z = np.array([[1e4, 1e4 + 1.0, 1e4 - 1.0], [0.0, 1.0, -1.0]])
    t.case("rows of very different size", z=z)
    run(z, F.logsumexp(z))

    z = np.array([[-np.inf, 0.0, math.log(3)], [-np.inf, 2.0, -np.inf]])
    t.case("-inf entries (a class that is impossible): exp(-inf) = 0", z=z)
    run(z, np.array([math.log(4), 2.0]))

    z = _rng(72).normal(0, 3, size=(3, 5)).astype(np.float32)
    t.case("float32 logits", z=z)
    run(z, F.logsumexp(z.astype(np.float64)), **_F32)


def _log_softmax_variants(z):
    m = z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    big = z.max()
    return [
        (lambda: z - m, "Subtracting the maximum is only the first step: subtract the whole "
                        "logsumexp, z - logsumexp(z)[:, None]."),
        (lambda: lse - z, "Wrong sign: log-softmax is z - logsumexp(z), every value <= 0."),
        (lambda: np.exp(z - lse), "These are the probabilities (the softmax); log-softmax is "
                                  "their log, z - logsumexp(z)[:, None]."),
        (lambda: z - m - np.log(np.exp(z - m).sum()),
         "You subtracted the log-sum-exp of the whole batch; each row needs its own, "
         "summed over axis=1."),
        (lambda: z - lse[:, 0], "z - lse with lse of shape (N,) subtracts row j's value from "
                                "column j. Subtract lse[:, None] (shape (N, 1)) so every row "
                                "loses its own."),
        (lambda: z - F.logsumexp(z.T)[None, :], "Sum over axis=1 (the classes of one sample), "
                                                "not axis=0."),
        (lambda: (z - big) - np.log(np.exp(z - big).sum(axis=1, keepdims=True)), _OWN_MAX),
        (lambda: (z - lse) / math.log(10), "Use the natural logarithm np.log, not np.log10."),
    ]


def check_log_softmax(t):
    name = "log_softmax(z)"

    def run(z, expected, **kw):
        t.array(t.call(z.copy()), expected, name,
                variants=_log_softmax_variants(z.astype(np.float64)), finite_hint=_NAIVE_LOG,
                **kw)

    z = np.array([[0.0, math.log(2), math.log(3)], [1.0, 1.0, 1.0]])
    t.case("hand-worked values: log(1/6), log(1/3), log(1/2) and log(1/3) three times", z=z)
    run(z, np.log(np.array([[1 / 6, 1 / 3, 1 / 2], [1 / 3, 1 / 3, 1 / 3]])))

    z = np.array([[3.0, 3.0]])
    t.case("a batch of one: log(1/2) twice", z=z)
    run(z, np.full((1, 2), -math.log(2)))

    for case, shape, seed in [("N=5 samples, C=3 classes", (5, 3), 73),
                              ("square: N = C = 4", (4, 4), 74)]:
        z = _rng(seed).normal(0, 2, size=shape)
        t.case(case, z=z)
        run(z, F.log_softmax(z))

    z = np.array([[1000.0, 1001.0, 999.0], [1e4, 1e4, 1e4 - 1.0]])
    t.case("huge logits (1e3, 1e4)", z=z)
    run(z, z - F.logsumexp(z)[:, None])

    z = np.array([[0.0, -1000.0, 1.0], [-800.0, 0.0, 0.0]])
    t.case("the softmax underflows to 0 but the log-probability is finite (-1001, -800.7)", z=z)
    run(z, F.log_softmax(z))

    z = np.array([[1e4, 1e4 + 1.0, 1e4 - 1.0], [0.0, 1.0, -1.0]])
    t.case("rows of very different size", z=z)
    t.array(t.call(z.copy()), F.log_softmax(z), name, variants=_log_softmax_variants(z),
            finite_hint=_OWN_MAX)

    z = _rng(75).normal(0, 3, size=(3, 5)).astype(np.float32)
    t.case("float32 logits", z=z)
    run(z, F.log_softmax(z.astype(np.float64)), **_F32)


# ---------------------------------------------------------------------------------------------
# Losses from logits: a (loss, gradient) pair
# ---------------------------------------------------------------------------------------------


def _pair(t, out, what, grad_name, grad_shape):
    loss, grad = t.tuple_of(out, 2, what, ("loss", grad_name))
    if np.shape(loss) == grad_shape and np.ndim(grad) == 0 and len(grad_shape):
        t.fail("the first item has the shape of the logits and the second is a single number.",
               hint=f"Return the two results in the order (loss, {grad_name}).")
    return loss, grad


def _finite_loss(t, loss, finite_hint, variants=()):
    """t.scalar says nothing about why a loss is inf or NaN: a known variant that is not finite
    either, or else ``finite_hint``, is the likely cause."""
    try:
        value = float(loss)
    except (TypeError, ValueError):
        return
    if not math.isfinite(value):
        hint = _match_variant(np.float64(value), variants, 1e-6, 1e-12) or finite_hint
        t.fail(f"the loss is {value}, expected a finite number.", hint=hint)


def _ce_loss_variants(logits, y):
    n, c = logits.shape
    logp = F.log_softmax(logits)
    rows = np.arange(n)

    def global_max():
        shifted = logits - logits.max()
        logp_global = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -float(np.mean(logp_global[rows, y]))

    return [  # the first one gives -inf (see _finite_loss)
        (global_max, _OWN_MAX),
        (lambda: -float(np.mean(logp[rows, logits.argmax(axis=1)])),
         "Use the labels y, not the most probable class: logp[np.arange(N), y]."),
        (lambda: -float(np.mean(logp)), "Only the log-probability of the correct class enters "
                                        "the loss: logp[np.arange(N), y]."),
        (lambda: -float(np.mean(logp[:, y])), "logp[:, y] picks the columns y for every row. "
                                              "Pick one entry per row: logp[np.arange(N), y]."),
        (lambda: -float(np.mean(logits[rows, y])), "The loss is minus the log-probability "
                                                   "z[i, y_i] - logsumexp(z_i), not minus the "
                                                   "logit alone."),
        (lambda: float(np.mean(F.logsumexp(logits))), "Subtract the correct class's logit: "
                                                      "loss_i = logsumexp(z_i) - z[i, y_i]."),
    ]


def _ce_loss_scales(n, c):
    return {n: "Divide by N: the loss is the mean over the batch (np.mean, not np.sum).",
            -1.0: "The minus sign is missing: the loss is -log(probability), a positive number.",
            1 / math.log(10): "Use the natural logarithm np.log, not np.log10.",
            1 / c: "You divided by N * C; the loss is the sum over the samples divided by N."}


def _ce_grad_variants(logits, y):
    n, c = logits.shape
    probs = F.softmax(logits)
    onehot = np.eye(c)[y]

    def columns():
        d = probs.copy()
        d[:, y] -= 1
        return d / n

    return [
        (columns, "d[:, y] -= 1 changes whole columns. Subtract 1 once per row, at the correct "
                  "class: d[np.arange(N), y] -= 1."),
        (lambda: probs / n - onehot, "Divide the whole difference by N: (probs - onehot) / N."),
        (lambda: probs / n, "Subtract the one-hot labels: (softmax(z) - onehot(y)) / N."),
        (lambda: (probs - 1) / n, "Subtract 1 only at the correct class of each row."),
        (lambda: (probs - np.eye(c)[probs.argmax(axis=1)]) / n,
         "Use the labels y, not the most probable class."),
        (lambda: (np.log(probs) - onehot) / n, "The gradient uses the probabilities "
                                               "softmax(z), not the log-probabilities."),
    ]


def _ce_grad_scales(n):
    return {n: "Divide by N: the loss is a mean over the batch, so is its gradient.",
            -1.0: "The gradient is softmax(z) - onehot(y), not onehot(y) - softmax(z).",
            1 / n: "You divided by N twice."}


def check_softmax_cross_entropy(t):
    what = "softmax_cross_entropy(logits, y)"

    def run(logits, y, loss_e=None, grad_e=None, finite_hint=_OVERFLOW, **tol):
        l64 = logits.astype(np.float64)
        n, c = logits.shape
        if loss_e is None:
            loss_e, grad_e = losses.softmax_cross_entropy(l64, y.astype(np.intp))
        out = t.call(logits.copy(), y.copy())
        loss, grad = _pair(t, out, what, "dlogits", logits.shape)
        _finite_loss(t, loss, finite_hint, _ce_loss_variants(l64, y)[:1])
        t.scalar(loss, loss_e, "the loss", variants=_ce_loss_variants(l64, y),
                 scales=_ce_loss_scales(n, c), **tol)
        t.array(grad, grad_e, "dlogits", variants=_ce_grad_variants(l64, y),
                scales=_ce_grad_scales(n), finite_hint=finite_hint,
                shape_hints={(): "dlogits has the shape of logits, (N, C)."}, **tol)

    logits = np.array([[0.0, math.log(2), math.log(3)]])
    y = np.array([2])
    t.case("hand-worked values, a batch of one: probabilities 1/6, 1/3, 1/2", logits=logits, y=y)
    run(logits, y, math.log(2), np.array([[1 / 6, 1 / 3, -1 / 2]]))

    logits = np.array([[0.0, 0.0], [math.log(3), 0.0]])
    y = np.array([1, 0])
    t.case("hand-worked values, N=2", logits=logits, y=y)
    run(logits, y, (math.log(2) + math.log(4 / 3)) / 2,
        np.array([[0.25, -0.25], [-0.125, 0.125]]))

    for case, (n, c), seed, dtype in [("N=6 samples, C=4 classes", (6, 4), 76, np.int64),
                                      ("square: N = C = 3", (3, 3), 77, np.int64),
                                      ("labels of dtype int32", (5, 3), 78, np.int32),
                                      ("labels of dtype uint8", (4, 5), 79, np.uint8)]:
        r = _rng(seed)
        logits = r.normal(0, 2, size=(n, c))
        y = r.integers(0, c, size=n).astype(dtype)
        y[0] = (y[1] + 1) % c  # not all labels equal
        t.case(case, logits=logits, y=y)
        run(logits, y)

    logits = np.array([[1000.0, 1001.0, 999.0], [1e4, 1e4, 1e4 - 1.0]])
    y = np.array([0, 2])
    t.case("huge logits (1e3, 1e4)", logits=logits, y=y)
    run(logits, y)

    logits = np.array([[0.0, 1000.0], [-500.0, 500.0]])
    y = np.array([0, 0])
    t.case("confidently wrong: the correct class has probability exp(-1000)", logits=logits, y=y)
    run(logits, y, 1000.0, np.array([[-0.5, 0.5], [-0.5, 0.5]]), finite_hint=_NAIVE_LOG)

    logits = np.array([[1e4, 1e4 + 1.0, 1e4 - 1.0], [0.0, 1.0, -1.0]])
    y = np.array([1, 0])
    t.case("rows of very different size", logits=logits, y=y)
    run(logits, y, finite_hint=_OWN_MAX)

    logits = _rng(80).normal(size=(3, 1))
    y = np.zeros(3, dtype=int)
    t.case("a single class: probability 1, loss 0, gradient 0", logits=logits, y=y)
    run(logits, y, 0.0, np.zeros((3, 1)))

    r = _rng(81)
    logits = r.normal(0, 3, size=(4, 3)).astype(np.float32)
    y = np.array([2, 0, 1, 1])
    t.case("float32 logits", logits=logits, y=y)
    run(logits, y, **_F32)


def _bce_loss_variants(z, y):
    p = F.sigmoid(z)
    pc = np.clip(p, 1e-12, 1 - 1e-12)
    pc7 = np.clip(p, 1e-7, 1 - 1e-7)
    return [  # the first two are the ones that overflow (see _finite_loss)
        (lambda: float(np.mean(np.log(1 + np.exp(z)) - z * y)),
         "log(1 + exp(z)) overflows for large z (exp(1000) = inf). Write it as "
         "max(z, 0) + log1p(exp(-|z|)), where exp only sees numbers <= 0."),
        (lambda: float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-z)))),
         "Use exp(-|z|), with the absolute value: max(z, 0) - z * y + log1p(exp(-|z|))."),
        (lambda: -float(np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc))),
         "Clipping the probabilities caps the loss at -log(eps) (27.6 for eps = 1e-12), but a "
         "logit of 1000 on the wrong side costs 1000. Compute from the logits: "
         "max(z, 0) - z * y + log1p(exp(-|z|))."),
        (lambda: -float(np.mean(y * np.log(pc7) + (1 - y) * np.log(1 - pc7))),
         "Clipping the probabilities caps the loss at -log(eps), but a logit of 1000 on the "
         "wrong side costs 1000. Compute from the logits: max(z, 0) - z * y + log1p(exp(-|z|))."),
        (lambda: float(np.mean(np.maximum(z, 0) - z * y)),
         "The term log1p(exp(-|z|)) is missing: at z = 0 the loss is log(2), not 0."),
        (lambda: float(np.mean(np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z))))),
         "The sign of z * y: loss = max(z, 0) - z * y + log1p(exp(-|z|))."),
        (lambda: -float(np.mean(y * np.log(p))), "The term (1 - y) log(1 - sigmoid(z)) for the "
                                                 "negative samples is missing."),
        (lambda: float(np.mean((p - y) ** 2)), "That is the squared error; binary cross-entropy "
                                               "is -(y log p + (1 - y) log(1 - p))."),
    ]


def _bce_grad_variants(z, y):
    p = F.sigmoid(z)
    n = z.size
    return [
        (lambda: (p - y) * p * (1 - p) / n,
         "Do not multiply by sigmoid'(z) = p (1 - p): for the cross-entropy it cancels, and the "
         "gradient with respect to the logits is (sigmoid(z) - y) / N."),
        (lambda: (z - y) / n, "Apply the sigmoid: (sigmoid(z) - y) / N, not (z - y) / N."),
        (lambda: p / n, "Subtract the targets: (sigmoid(z) - y) / N."),
        (lambda: (1 / (1 + np.exp(z)) - y) / n, "sigmoid(z) = 1 / (1 + exp(-z)): the minus sign "
                                                "in the exponent is missing."),
    ]


_BCE_UNSTABLE = ("Large logits break the textbook formula: sigmoid(1000) is exactly 1.0, so "
                 "log(1 - p) = log(0) = -inf (and 0 * -inf = NaN). Compute the loss from the "
                 "logits: max(z, 0) - z * y + log1p(exp(-|z|)), where exp only sees numbers "
                 "<= 0.")


def check_binary_cross_entropy_with_logits(t):
    what = "binary_cross_entropy_with_logits(logits, y)"

    def run(z, y, loss_e=None, grad_e=None, **tol):
        z64, y64 = z.astype(np.float64), y.astype(np.float64)
        if loss_e is None:
            loss_e, grad_e = losses.binary_cross_entropy_with_logits(z64, y64)
        out = t.call(z.copy(), y.copy())
        loss, grad = _pair(t, out, what, "dlogits", z.shape)
        _finite_loss(t, loss, _BCE_UNSTABLE, _bce_loss_variants(z64, y64)[:2])
        t.scalar(loss, loss_e, "the loss", variants=_bce_loss_variants(z64, y64), scales={
            z.size: "Divide by N: the loss is the mean over the batch (np.mean, not np.sum).",
            -1.0: "The overall sign is wrong: the loss is -(y log p + (1 - y) log(1 - p)), a "
                  "positive number.",
            1 / math.log(10): "Use the natural logarithm np.log, not np.log10."}, **tol)
        other = (z.shape[0],) if z.ndim == 2 else (z.shape[0], 1)
        t.array(grad, grad_e, "dlogits", variants=_bce_grad_variants(z64, y64), scales={
            z.size: "Divide by N: the loss is a mean over the batch, so is its gradient.",
            -1.0: "The gradient is sigmoid(z) - y, not y - sigmoid(z).",
            1 / z.size: "You divided by N twice."},
            shape_hints={other: f"dlogits has the shape of logits, {z.shape}: do not flatten "
                                "or reshape (keep the logits' shape all the way through).",
                         (): "dlogits has the shape of logits, one value per logit."},
            finite_hint=_BCE_UNSTABLE, **tol)

    z = np.array([0.0, 0.0, math.log(3)])
    y = np.array([1.0, 0.0, 1.0])
    loss = (2 * math.log(2) + math.log(4 / 3)) / 3
    grad = np.array([-0.5, 0.5, -0.25]) / 3
    t.case("hand-worked values, shape (N,): sigmoid(0) = 1/2, sigmoid(log 3) = 3/4", logits=z, y=y)
    run(z, y, loss, grad)
    t.case("the same values as a column, shape (N, 1)", logits=z[:, None], y=y[:, None])
    run(z[:, None], y[:, None], loss, grad[:, None])

    z = np.array([[2.0]])
    y = np.array([[1.0]])
    t.case("a batch of one", logits=z, y=y)
    run(z, y, math.log1p(math.exp(-2)), np.array([[-1 / (1 + math.exp(2))]]))

    for case, shape, seed in [("N=8 logits, shape (N,)", (8,), 82),
                              ("N=6 logits, shape (N, 1)", (6, 1), 83)]:
        r = _rng(seed)
        z = r.normal(0, 3, size=shape)
        y = r.integers(0, 2, size=shape).astype(float)
        y[0], y[1] = 0.0, 1.0
        t.case(case, logits=z, y=y)
        run(z, y)

    z = _rng(84).normal(0, 2, size=(5, 1))
    y = np.array([[1], [0], [0], [1], [1]])
    t.case("integer 0/1 targets (dtype int64)", logits=z, y=y)
    run(z, y)

    z = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    t.case("huge logits: right (loss 0) and confidently wrong (loss 1000)", logits=z, y=y)
    run(z, y, 500.0, np.array([0.0, 0.0, 0.25, -0.25]))

    z = np.array([[40.0], [-40.0], [35.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    t.case("|logits| = 35 to 40: sigmoid rounds to exactly 0 or 1", logits=z, y=y)
    run(z, y)

    r = _rng(85)
    z = r.normal(0, 3, size=(6, 1)).astype(np.float32)
    y = r.integers(0, 2, size=(6, 1)).astype(np.float32)
    t.case("float32 logits and targets", logits=z, y=y)
    run(z, y, **_F32)
