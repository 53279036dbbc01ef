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
    if np.ndim(loss) != 0:
        return  # not a single number: t.scalar reports that, with its own hint
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
    """Sheet 2's mistakes in (probs - onehot) / N, with probs = softmax(logits), and one more that
    only a gradient from the logits can make."""
    from .ex02_softmax import _scebw_variants  # here: ex02_softmax imports this module

    probs = F.softmax(logits)
    onehot = np.eye(logits.shape[1])[y]
    return _scebw_variants(probs, y) + [
        (lambda: (np.log(probs) - onehot) / len(y), "The gradient uses the probabilities "
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


# ---------------------------------------------------------------------------------------------
# The multiclass hinge (SVM) loss, Weston-Watkins form
# ---------------------------------------------------------------------------------------------

_KINK = ("A margin term exactly at its kink (m = 0) has no derivative; the course uses the "
         "subgradient 0 there, as nnlib does: count a wrong class as active only when "
         "margins > 0, not >= 0.")


def _hinge_parts(scores, y):
    rows = np.arange(len(y))
    diff = scores - scores[rows, y][:, None]  # s_j - s_y, 0 at the correct class
    wrong = np.ones(scores.shape, dtype=bool)
    wrong[rows, y] = False
    return rows, diff, wrong


_OWN_TERM = ("The correct class's own term max(0, s_y - s_y + delta) = delta is in the sum: the "
             "loss sums over the wrong classes j != y only (set margins[np.arange(N), y] = 0).")
_OUTSIDE = ("delta goes inside the max, in every margin: max(0, s_j - s_y + delta). Added outside "
            "it, every wrong class costs delta even when its margin is met.")


def _hinge_loss_variants(scores, y, delta):
    n = len(y)
    rows, diff, wrong = _hinge_parts(scores, y)
    m = np.where(wrong, np.maximum(diff + delta, 0), 0.0)
    own = float(m.sum()) / n + delta
    outside = float(np.where(wrong, np.maximum(diff, 0) + delta, 0).sum()) / n
    if abs(own - outside) < 1e-9 * max(1.0, abs(own)):  # these scores cannot tell them apart
        own_hint = outside_hint = ("On these scores two mistakes give this value. " + _OWN_TERM
                                   + " Or: " + _OUTSIDE)
    else:
        own_hint, outside_hint = _OWN_TERM, _OUTSIDE
    return [
        (own, own_hint),
        (lambda: float(m.max(axis=1).sum()) / n,
         "That is the largest margin term of each sample (the Crammer-Singer form); this loss "
         "sums the terms of every wrong class: np.maximum(0, margins).sum() / N."),
        (lambda: float((m ** 2).sum()) / n, "That is the squared hinge loss: the terms are "
                                            "max(0, m), not squared."),
        (outside, outside_hint),
        (lambda: float(np.where(wrong, np.maximum(diff - delta, 0), 0).sum()) / n,
         "The margin is s_j - s_y + delta, with a plus: a wrong class costs something as soon "
         "as it comes within delta of the correct score."),
        (lambda: float(np.where(wrong, np.maximum(diff + 1.0, 0), 0).sum()) / n,
         "Use the delta argument in the margin, not the number 1."),
        (lambda: float(np.where(wrong, np.maximum(-diff + delta, 0), 0).sum()) / n,
         "The margin is s_j - s_y + delta (the wrong score minus the correct one), not "
         "s_y - s_j + delta."),
    ]


def _hinge_grad_variants(scores, y, delta):
    n = len(y)
    rows, diff, wrong = _hinge_parts(scores, y)
    active = (wrong & (diff + delta > 0)).astype(float)
    count = active.sum(axis=1)

    def with_correct(values, at_kink=False):
        d = (wrong & (diff + delta >= 0)).astype(float) if at_kink else active.copy()
        d[rows, y] = values if not at_kink else -d.sum(axis=1)
        return d / n

    return [
        (lambda: with_correct(0.0), "The correct class's entry is missing: its score appears in "
                                    "every active margin with a minus sign, so its gradient is "
                                    "-(number of active margins) / N."),
        (lambda: with_correct(count), "The correct class's entry needs a minus sign: "
                                      "-(number of active margins) / N."),
        (lambda: with_correct(-1.0 * (count > 0)),
         "The correct class gets -1/N for EACH wrong class with a positive margin, "
         "-(their number) / N, not -1/N once."),
        (lambda: with_correct(None, at_kink=True), _KINK),
        (lambda: active / n - np.eye(scores.shape[1])[y] * count[:, None],
         "Divide the correct class's entry by N too: every entry of dscores is divided by N."),
    ]


def check_multiclass_hinge(t):
    what = "multiclass_hinge(scores, y, delta)"

    def run(scores, y, delta=1.0, loss_e=None, grad_e=None, pass_delta=True, **tol):
        s64 = scores.astype(np.float64)
        yi = y.astype(np.intp)
        if loss_e is None:
            loss_e, grad_e = losses.multiclass_hinge(s64, yi, delta)
        n = len(y)
        args = (scores.copy(), y.copy()) + ((delta,) if pass_delta else ())
        loss, grad = _pair(t, t.call(*args), what, "dscores", scores.shape)
        t.scalar(loss, loss_e, "the loss", variants=_hinge_loss_variants(s64, yi, delta),
                 scales={n: "Divide by N: the loss is the mean over the batch."}, atol=1e-9)
        t.array(grad, grad_e, "dscores", variants=_hinge_grad_variants(s64, yi, delta),
                scales={n: "Divide by N: the loss is a mean over the batch, so is its gradient.",
                        -1.0: "The signs are reversed: a wrong class with an active margin gets "
                              "+1/N, the correct class minus their number / N."},
                shape_hints={(): "dscores has the shape of scores, (N, C)."}, **tol)

    # CS231n's example: three images (cat, car, frog), one row of class scores each.
    scores = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    y = np.array([0, 1, 2])
    t.case("hand-worked: CS231n's cat, car and frog (sample losses 2.9, 0 and 12.9)",
           scores=scores, y=y)
    run(scores, y, 1.0, (2.9 + 0.0 + 12.9) / 3,
        np.array([[-1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, -2.0]]) / 3, pass_delta=False)

    for case, (n, c), seed, dtype, delta in [
            ("N=6 samples, C=4 classes", (6, 4), 86, np.int64, 1.0),
            ("square: N = C = 3, delta = 0.5", (3, 3), 87, np.int64, 0.5),
            ("labels of dtype int32, delta = 2", (5, 3), 88, np.int32, 2.0),
            ("labels of dtype uint8", (4, 5), 89, np.uint8, 1.0),
            ("two classes, C = 2", (7, 2), 90, np.int64, 1.0)]:
        r = _rng(seed)
        scores = r.normal(0, 1.5, size=(n, c))
        y = r.integers(0, c, size=n).astype(dtype)
        y[0] = (y[1] + 1) % c  # not all labels equal
        t.case(case, scores=scores, y=y, delta=delta)
        run(scores, y, delta)

    scores = np.array([[0.5, 2.0, 1.0]])
    t.case("a batch of one: margins 2.5 and 1.5", scores=scores, y=np.array([0]))
    run(scores, np.array([0]), 1.0, 4.0, np.array([[-2.0, 1.0, 1.0]]))

    scores = np.array([[2.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 3.0, 2.0]])
    y = np.array([0, 1, 1])
    t.case("ties at the kink: margin terms exactly 0 get the subgradient 0", scores=scores, y=y)
    run(scores, y, 1.0, 2.0 / 3, np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 1.0], [0.0, 0.0, 0.0]]) / 3)

    scores = np.array([[1e4, 1e4 + 0.5, 1e4 - 3.0], [-1e4, 2e4, 2e4 - 0.25]])
    y = np.array([0, 2])
    t.case("huge scores (1e4): the hinge needs no exp, nothing overflows", scores=scores, y=y)
    run(scores, y, 1.0)

    r = _rng(91)
    scores = r.normal(0, 2, size=(4, 3)).astype(np.float32)
    y = np.array([2, 0, 1, 1])
    t.case("float32 scores", scores=scores, y=y)
    run(scores, y, 1.0, **_F32)
