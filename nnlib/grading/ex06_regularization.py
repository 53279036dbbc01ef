"""Sheet 6 (chapter 6): dropout, the L2 and L1 penalties, weight decay in the update, max-norm;
the `Dropout` layer class is checked in ex06_regularization_part2.py and registered here, in the
sheet's order."""

import math

import numpy as np

from .. import functional as F
from .. import regularization
from . import ex06_regularization_part2 as _part2
from .common import _F32, _SIGMAS, _check_uses_rng, _fmt, _rng
from .registry import exercise


def _dropout_outputs(t, out, x, p):
    what = f"dropout_forward(x, p={p}, rng)"
    out_arr, mask = t.tuple_of(out, 2, what, ("out", "mask"))
    t.is_array(out_arr, "out")
    t.is_array(mask, "mask", dtype_hint="The mask holds the numbers 0 and 1/(1-p) as floats: "
                                        "divide the True/False keep decisions by (1 - p).")
    for arr, name in ((out_arr, "out"), (mask, "mask")):
        if arr.shape != x.shape:
            hint = None
            if arr.shape == x.shape[1:] or arr.shape == (1,) + x.shape[1:]:
                hint = ("Draw one decision per entry of x, rng.random(x.shape): every sample "
                        "needs its own mask.")
            t.fail(f"{name} has shape {arr.shape}, expected the shape of x, {x.shape}.", hint=hint)
    return out_arr.astype(np.float64), mask.astype(np.float64)


def _check_mask_values(t, mask, p):
    scale = 1 / (1 - p)
    kept = mask[mask != 0]
    if kept.size == 0:
        t.fail(f"every entry of the mask is 0 (p = {p}).",
               hint="p is the probability of dropping a unit; a unit is kept when "
                    "rng.random(x.shape) >= p.")
    values = np.unique(np.round(kept, 9))
    if np.allclose(kept, scale, rtol=1e-6):
        return
    if values.size == 1:
        v = float(values[0])
        t.fail(f"the kept entries of the mask are {_fmt(v)}, expected 1/(1-p) = {_fmt(scale)}.",
               hint=_part2.wrong_scale_hint(
                   v, p, 1e-6, "The kept entries of the mask must be 1/(1-p), not 1: inverted "
                               "dropout puts the scaling into the mask, mask = keep / (1 - p)."))
    t.fail(f"the mask holds {values.size} different non-zero values; expected only 0 and "
           f"1/(1-p) = {_fmt(scale)}.",
           hint="Build the mask from a True/False decision per entry: "
                "(rng.random(x.shape) >= p) / (1 - p).")


@exercise("dropout_forward", args=("x", "p", "rng"), chapter="06_regularization_dropout",
          shape_hint="x is (N, D); the mask has the shape of x: rng.random(x.shape).")
def _check_dropout_forward(t):
    x = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
    t.case("p = 0 keeps everything: out equals x, mask is all ones", x=x, p=0.0)
    out, mask = _dropout_outputs(t, t.call(x, 0.0, _rng(50)), x, 0.0)
    if not np.all(np.isfinite(mask)):
        t.fail("with p = 0 the mask contains inf or NaN.",
               hint="Did you divide by p? p is the drop probability; kept units are scaled by "
                    "1/(1-p), which is 1 for p = 0.")
    if np.all(mask == 0):
        t.fail("with p = 0 every unit was dropped.",
               hint="p is the probability of DROPPING a unit: keep where rng.random(x.shape) >= p "
                    "(with p = 0 nothing is dropped).")
    swapped = [(x, "Return the two arrays in the order (out, mask).")]
    t.array(mask, np.ones_like(x), "mask", variants=swapped, keep_float64=False)
    t.array(out, x, "out", variants=swapped)

    _check_uses_rng(t, lambda rng: (np.ones((20, 30)), 0.5, rng), "dropout_forward")

    for p, shape, seed in [(0.3, (400, 250), 51), (0.75, (200, 200), 52)]:
        r = _rng(seed)
        x = r.normal(size=shape) + 3.0  # no exact zeros, so a zero in out means a dropped unit
        t.case(f"statistics with p = {p} on a {shape} batch", x=x, p=p)
        out, mask = _dropout_outputs(t, t.call(x.copy(), p, _rng(seed + 100)), x, p)
        _check_mask_values(t, mask, p)
        dropped_rows = mask == 0
        if np.all(dropped_rows == dropped_rows[0]):
            t.fail("every sample (row) got the same mask.",
                   hint="Draw the mask with the full shape of x, rng.random(x.shape), not one row "
                        "that is repeated for every sample.")
        if np.all(dropped_rows == dropped_rows[:, :1]):
            t.fail("within each sample, all units were kept or all dropped together.",
                   hint="Draw one decision per entry, rng.random(x.shape), not one per sample.")
        per_row = dropped_rows.sum(axis=1)
        if np.all(per_row == per_row[0]):
            t.fail(f"every sample dropped exactly {per_row[0]} units.",
                   hint="Each unit is dropped independently with probability p, so the number "
                        "dropped varies from sample to sample: rng.random(x.shape) >= p.")
        identical = int(np.sum(np.all(dropped_rows[1:] == dropped_rows[:-1], axis=1)))
        if identical > 0:
            t.fail(f"{identical} pairs of neighbouring samples got identical masks.",
                   hint="Every sample needs its own, independent mask: rng.random(x.shape).")
        n = mask.size
        dropped = float(np.mean(mask == 0))
        tol = _SIGMAS * math.sqrt(p * (1 - p) / n)
        if abs(dropped - p) > tol:
            hint = ("The fraction dropped is about 1 - p: keep and drop are swapped. p is the "
                    "drop probability, so keep where rng.random(x.shape) >= p "
                    "(or < 1 - p)." if abs(dropped - (1 - p)) <= tol else None)
            t.fail(f"{dropped:.1%} of the units were dropped, expected p = {p:.0%} "
                   f"(tolerance +-{tol:.1%}).", hint=hint)
        t.array(out, x * mask, "out", variants=[
            (lambda: x * (mask != 0), "out must be x * mask, including the 1/(1-p) scaling."),
            (lambda: x * mask * (1 - p), "out must be x * mask; the mask already carries the "
                                         "1/(1-p)."),
        ])

    # Dropping exactly round(p * N * D) units (a permutation, rng.choice without replacement)
    # passes every statistic above; only the spread of the count over calls shows it. For a
    # correct function, ten equal counts out of 2000 units at p = 0.5 have probability < 1e-15.
    x = np.ones((40, 50))
    t.case("the number of dropped units varies between calls (10 calls, p = 0.5)", x=x, p=0.5)
    counts = set()
    for seed in range(60, 70):
        _, mask = _dropout_outputs(t, t.call(x.copy(), 0.5, _rng(seed)), x, 0.5)
        counts.add(int(np.sum(mask == 0)))
    if len(counts) == 1:
        t.fail(f"each of the 10 calls dropped exactly {counts.pop()} of the {x.size} units.",
               hint="Drop every unit independently with probability p, rng.random(x.shape) >= p; "
                    "then the number dropped varies from call to call. Choosing exactly "
                    "p * N * D units to drop makes the units depend on each other.")

    x = _rng(53).normal(size=(1, 6)).astype(np.float32) + 3
    t.case("float32 input, a batch of one", x=x, p=0.2)
    out, mask = _dropout_outputs(t, t.call(x.copy(), 0.2, _rng(54)), x, 0.2)
    _check_mask_values(t, mask, 0.2)
    t.array(out, x.astype(np.float64) * mask, "out", rtol=1e-5, atol=1e-6)


@exercise("dropout_backward", args=("dout", "mask"), chapter="06_regularization_dropout",
          shape_hint="dout, mask and the result all have the shape of x: dout * mask is "
                     "elementwise (*, not @).")
def _check_dropout_backward(t):
    name = "dropout_backward(dout, mask)"

    def variants(dout, mask):
        return [
            (lambda: dout * (mask != 0), "Multiply by the mask itself: it already carries the "
                                         "1/(1-p) scaling, so dout * mask."),
            (lambda: mask, "The gradient is dout * mask: multiply the upstream gradient by the "
                           "mask."),
            (lambda: dout, "Dropped units get no gradient: dout * mask."),
            (lambda: dout / np.where(mask == 0, np.inf, mask),
             "Multiply by the mask, do not divide: dout * mask."),
        ]

    def scales(mask):
        # dout * mask * mask (or an extra / (1 - p)) is the answer times 1/(1-p).
        return {float(mask.max()): "The mask already holds the 1/(1-p) scaling: multiply by it "
                                   "once, dout * mask, with no extra factor."}

    dout = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    mask = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])
    t.case("hand-worked values, p = 0.5", dout=dout, mask=mask)
    t.array(t.call(dout, mask), np.array([[2.0, 0.0, 6.0], [0.0, 10.0, -12.0]]), name,
            variants=variants(dout, mask), scales=scales(mask))

    r = _rng(55)
    dout = r.normal(size=(5, 4))
    mask = (r.random((5, 4)) >= 0.2) / 0.8
    t.case("a (5, 4) batch, p = 0.2", dout=dout, mask=mask)
    t.array(t.call(dout.copy(), mask.copy()), F.dropout_backward(dout, mask), name,
            variants=variants(dout, mask), scales=scales(mask))

    dout = r.normal(size=(2, 3)).astype(np.float32)
    mask = ((r.random((2, 3)) >= 0.6) / np.float32(0.4)).astype(np.float32)
    t.case("float32 inputs", dout=dout, mask=mask)
    d64, m64 = dout.astype(np.float64), mask.astype(np.float64)
    t.array(t.call(dout.copy(), mask.copy()), F.dropout_backward(d64, m64), name,
            variants=variants(d64, m64), scales=scales(m64), **_F32)


# The Dropout layer class: its checker lives in ex06_regularization_part2.py (this module would grow
# too long); it is registered here, in the sheet's order, so that it belongs to the sheet's module.
@exercise("Dropout", args=("p", "rng"), chapter="06_regularization_dropout",
          shape_hint="x is (N, D); the mask, out and the gradient all have the shape of x: "
                     "self.rng.random(x.shape).",
          mutation_hint="Return new arrays, x * self.mask and dout * self.mask; `x *= mask` "
                        "changes the caller's array.")
def _check_dropout_layer(t):
    _part2.check_dropout_layer(t)


@exercise("l2_penalty", args=("W", "lam"), chapter="06_regularization_dropout")
def _check_l2_penalty(t):
    cases = [("hand-worked values", np.array([[1.0, -2.0, 0.0], [3.0, 0.5, -1.0]]), 0.1, 0.7625),
             ("a (4, 6) weight matrix, lam = 1e-3", _rng(56).normal(size=(4, 6)), 1e-3, None),
             ("lam = 0 gives no penalty", _rng(57).normal(size=(3, 2)), 0.0, 0.0),
             ("float32 weights", _rng(58).normal(size=(5, 3)).astype(np.float32), 0.05, None)]
    for case, W, lam, hand in cases:
        Wd = W.astype(np.float64)
        value_e, grad_e = regularization.l2_penalty(Wd, lam)
        if hand is not None:
            value_e = hand
        t.case(case, W=W, lam=lam)
        out = t.call(W.copy(), lam)
        value, grad = t.tuple_of(out, 2, "l2_penalty(W, lam)", ("penalty", "grad"))
        if np.shape(value) == W.shape and np.ndim(grad) == 0 and W.ndim:
            t.fail("the first item has the shape of W and the second is a single number.",
                   hint="Return the two results in the order (penalty, grad).")
        t.scalar(value, value_e, "the penalty", variants=[
            (lambda: lam * float(np.sum(np.abs(Wd))), "That is the L1 penalty; L2 squares the "
                                                       "weights: 0.5 * lam * np.sum(W ** 2)."),
            (lambda: 0.5 * lam * float(np.sqrt(np.sum(Wd ** 2))),
             "Use the squared norm, np.sum(W ** 2), not the norm itself."),
            (lambda: 0.5 * lam * float(np.mean(Wd ** 2)),
             "Sum the squares (np.sum), do not average them."),
            (lambda: 0.5 * float(np.sum(Wd ** 2)), "Multiply by lam."),
            (lambda: 0.5 * lam * float(np.sum(Wd)) ** 2,
             "np.sum(W) ** 2 squares the sum; square every weight first: np.sum(W ** 2)."),
        ], scales={2.0: "The penalty is 0.5 * lam * sum(W ** 2): the factor 1/2 is missing (it "
                        "makes the gradient exactly lam * W)."},
            atol=1e-12)
        t.array(grad, grad_e, "the gradient", variants=[
            (lambda: 2 * lam * Wd, "With the 1/2 in the penalty the gradient is lam * W, not "
                                   "2 * lam * W."),
            (lambda: Wd, "Multiply by lam: the gradient is lam * W."),
            (lambda: lam * np.sign(Wd), "lam * sign(W) is the L1 gradient; for L2 it is lam * W."),
            (lambda: np.full(Wd.shape, value_e), "The gradient is lam * W, an array like W."),
            (lambda: lam * Wd ** 2, "The derivative of 0.5 * lam * w**2 is lam * w, not "
                                    "lam * w**2."),
        ], shape_hints={(): "The gradient has the shape of W: lam * W."})


# ---------------------------------------------------------------------------------------------
# l1_penalty, weight decay inside the update, max-norm
# ---------------------------------------------------------------------------------------------


@exercise("l1_penalty", args=("W", "lam"), chapter="06_regularization_dropout")
def _check_l1_penalty(t):
    W_hand = np.array([[1.0, -2.0, 0.0], [-3.0, 0.5, -1.0]])
    sparse = _rng(60).normal(size=(4, 5))
    sparse[_rng(61).random((4, 5)) < 0.5] = 0.0  # half the weights exactly 0, as L1 leaves them
    cases = [("hand-worked values (one weight is exactly 0)", W_hand, 0.1),
             ("a (4, 6) weight matrix, lam = 1e-3", _rng(62).normal(size=(4, 6)), 1e-3),
             ("many weights exactly 0: the subgradient there is 0", sparse, 0.5),
             ("a bias vector of shape (5,)", _rng(63).normal(size=5), 0.2),
             ("lam = 0 gives no penalty", _rng(64).normal(size=(3, 2)), 0.0),
             ("float32 weights", _rng(65).normal(size=(5, 3)).astype(np.float32), 0.05)]
    for case, W, lam in cases:
        Wd = W.astype(np.float64)
        value_e, grad_e = regularization.l1_penalty(Wd, lam)
        t.case(case, W=W, lam=lam)
        out = t.call(W.copy(), lam)
        value, grad = t.tuple_of(out, 2, "l1_penalty(W, lam)", ("penalty", "grad"))
        if np.shape(value) == W.shape and np.ndim(grad) == 0 and W.ndim:
            t.fail("the first item has the shape of W and the second is a single number.",
                   hint="Return the two results in the order (penalty, grad).")
        t.scalar(value, value_e, "the penalty", variants=[
            (lambda: 0.5 * lam * float(np.sum(Wd ** 2)), "That is the L2 penalty; L1 sums the "
                                                         "absolute values: lam * np.sum(np.abs(W))."),
            (lambda: lam * float(np.sum(Wd)), "Take the absolute values first: negative weights "
                                              "add to the penalty too, lam * np.sum(np.abs(W))."),
            (lambda: lam * abs(float(np.sum(Wd))), "Take the absolute value of every weight, "
                                                   "then sum: np.sum(np.abs(W)), not "
                                                   "abs(np.sum(W))."),
            (lambda: lam * float(np.mean(np.abs(Wd))), "Sum the absolute values (np.sum), do "
                                                       "not average them."),
            (lambda: float(np.sum(np.abs(Wd))), "Multiply by lam."),
        ], scales={0.5: "The L1 penalty has no factor 1/2: lam * np.sum(np.abs(W))."},
            atol=1e-12)
        t.array(grad, grad_e, "the gradient", variants=[
            (lambda: lam * np.where(Wd >= 0, 1.0, -1.0),
             "Where a weight is exactly 0, |w| has no slope; the course uses the subgradient 0 "
             "there, which np.sign(W) gives (np.where(W >= 0, 1, -1) gives 1)."),
            (lambda: lam * np.where(Wd > 0, 1.0, -1.0),
             "Where a weight is exactly 0 the subgradient is 0, not -1: np.sign(W) gives "
             "-1, 0 or 1."),
            (lambda: lam * Wd, "lam * W is the L2 gradient; for L1 it is lam * sign(W)."),
            (lambda: np.sign(Wd), "Multiply by lam: the gradient is lam * np.sign(W)."),
            (lambda: lam * np.abs(Wd), "The derivative of |w| is sign(w) (-1, 0 or 1), not |w|."),
            (lambda: np.full(Wd.shape, value_e), "The gradient is lam * sign(W), an array like W."),
        ], scales={-1.0: "The gradient of lam * |w| is +lam for a positive weight: "
                         "lam * np.sign(W)."},
            shape_hints={(): "The gradient has the shape of W: lam * np.sign(W)."},
            finite_hint="W / np.abs(W) divides by zero where a weight is exactly 0 (0 / 0 is "
                        "nan). np.sign(W) gives -1, 0 or 1 and never divides.")


@exercise("sgd_weight_decay_step", args=("param", "grad", "lr", "weight_decay"),
          chapter="06_regularization_dropout", mutable=("param",))
def _check_sgd_weight_decay_step(t):
    what = "sgd_weight_decay_step(param, grad, lr, weight_decay)"

    def step(case, param, grad, lr, wd, expected, tol=None):
        before = param.copy()
        p64, g64 = before.astype(np.float64), grad.astype(np.float64)
        t.case(case, param=before, grad=grad, lr=lr, weight_decay=wd)
        out = t.call(param, grad.copy(), lr, wd)
        changed = not np.array_equal(param, before)
        if out is None:
            t.fail(f"{what} returned None.",
                   hint="You updated param in place, good: now also `return param`." if changed
                   else "Return the updated parameter (update param in place and `return param`).")
        after_plain = p64 - lr * g64
        t.array(out, expected, what, variants=[
            (lambda: p64 - lr * g64 - wd * p64, "Multiply the decay by the learning rate too: "
                                                "param -= lr * (grad + weight_decay * param)."),
            (lambda: p64 - lr * (g64 - wd * p64), "The decay pulls the weights towards 0: "
                                                  "grad + weight_decay * param, with a plus."),
            (lambda: after_plain, "The weight decay is missing: the step uses grad + "
                                  "weight_decay * param."),
            (lambda: p64 - lr * (g64 + 2 * wd * p64), "The decay term is weight_decay * param, "
                                                      "the gradient of 0.5 * wd * ||W||^2 (no "
                                                      "factor 2)."),
            (lambda: after_plain * (1 - lr * wd),
             "The decay must use the weights from before this step: compute grad + "
             "weight_decay * param first, then update once (decaying the already updated "
             "weights is a different, smaller step)."),
            (lambda: p64 - lr * (g64 + wd * g64), "Weight decay shrinks the weights: "
                                                  "weight_decay * param, not weight_decay * grad."),
            (lambda: p64 - lr * (g64 + wd), "Multiply weight_decay by param: "
                                            "grad + weight_decay * param."),
            (lambda: p64 + lr * (g64 + wd * p64), "Wrong sign: the step goes against the "
                                                  "gradient, param -= lr * (...)."),
        ], **(tol or {}))
        if changed and not np.allclose(param, expected, rtol=1e-4, atol=1e-7):
            t.fail("param was changed in place, but not to the updated value.",
                   hint="Update param once, in place (param -= lr * (grad + weight_decay * "
                        "param)), and return param.")

    step("hand-worked values", np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.1, 0.01,
         np.array([0.949, -2.048]))
    r = _rng(66)
    param, grad = r.normal(size=(3, 4)), r.normal(size=(3, 4))
    step("a (3, 4) weight matrix", param, grad, 0.05, 0.1, param - 0.05 * (grad + 0.1 * param))
    param, grad = r.normal(size=(2, 3)), r.normal(size=(2, 3))
    step("weight_decay = 0 is plain SGD", param, grad, 0.1, 0.0, param - 0.1 * grad)

    # One step with weight decay equals one plain SGD step on the loss plus the L2 penalty
    # 0.5 * wd * ||W||^2, whose gradient is taken here by central differences (exact up to
    # rounding, the penalized loss being quadratic).
    X, T = r.normal(size=(6, 3)), r.normal(size=(6, 2))
    W = r.normal(size=(3, 2))
    lr, wd = 0.2, 0.3

    def penalized_loss(W):
        return 0.5 * np.sum((X @ W - T) ** 2) / len(X) + regularization.l2_penalty(W, wd)[0]

    h, numeric = 1e-4, np.zeros_like(W)
    for i in np.ndindex(W.shape):
        e = np.zeros_like(W)
        e[i] = h
        numeric[i] = (penalized_loss(W + e) - penalized_loss(W - e)) / (2 * h)
    data_grad = X.T @ (X @ W - T) / len(X)
    step("equals an SGD step on loss + 0.5 * weight_decay * ||W||^2 (least squares, 6 samples)",
         W, data_grad, lr, wd, W - lr * numeric, tol=dict(rtol=1e-6, atol=1e-8))

    param = r.normal(size=(4, 3)).astype(np.float32)
    grad = r.normal(size=(4, 3)).astype(np.float32)
    p64, g64 = param.astype(np.float64), grad.astype(np.float64)
    step("float32 parameters", param, grad, 0.01, 0.5, p64 - 0.01 * (g64 + 0.5 * p64))


def _max_norm_variants(W, c):
    norms = np.sqrt(np.sum(W * W, axis=0, keepdims=True))
    rows = np.sqrt(np.sum(W * W, axis=1, keepdims=True))
    total = float(np.sqrt(np.sum(W * W)))
    return [
        (lambda: W * np.minimum(1, c / rows), "Each unit's incoming weights are a column of W "
                                              "(fan_in, fan_out): take the norms over axis=0, "
                                              "not axis=1."),
        (lambda: W * c / norms, "Only the columns whose norm exceeds c are rescaled; shorter "
                                "ones stay as they are: scale by np.minimum(1, c / norm)."),
        (lambda: W * min(1.0, c / total), "Bound each column's norm, not the norm of the whole "
                                          "matrix: np.sum(W**2, axis=0)."),
        (lambda: np.clip(W, -c, c), "Clipping the entries is not a norm constraint: rescale "
                                    "each whole column whose L2 norm exceeds c, keeping its "
                                    "direction."),
        (lambda: W * np.minimum(1, c / norms ** 2), "Divide by the norm, not by the squared norm: "
                                                    "np.sqrt(np.sum(W**2, axis=0))."),
        (lambda: W / norms, "Dividing by the norm makes every column a unit vector; rescale to "
                            "norm c, and only when the norm exceeds c."),
        (lambda: W * np.minimum(1, norms / c), "The scale is c / norm, not norm / c."),
    ]


_ZERO_COLUMN = ("A column of zeros has norm 0, and 0 / 0 is NaN. Leave columns within the bound "
                "alone: scale by np.minimum(1, c / norm) (c / 0 = inf gives the factor 1), or "
                "use np.where(norm > c, ..., W).")


@exercise("max_norm", args=("W", "c"), chapter="06_regularization_dropout",
          shape_hint="W is (fan_in, fan_out); the column norms np.sqrt(np.sum(W**2, axis=0, "
                     "keepdims=True)) have shape (1, fan_out), which broadcasts over the rows.",
          mutation_hint="Return a new array, W * scale, and leave W alone (nnlib's "
                        "regularization.max_norm works in place; this exercise does not).")
def _check_max_norm(t):
    name = "max_norm(W, c)"

    def run(W, c, expected=None, variants=True, **kw):
        Wd = W.astype(np.float64)
        if expected is None:
            expected = regularization.max_norm(Wd.copy(), c)
        given = W.copy()
        out = t.call(given, c)
        if isinstance(out, np.ndarray) and np.shares_memory(out, given):
            t.fail("max_norm returned W itself (or a view of it), not a new array.",
                   hint="Return a new array even when no column needs rescaling: W * scale, or "
                        "W.copy() when nothing changes, so that the caller's W and the result "
                        "are separate.")
        t.array(out, expected, name, variants=_max_norm_variants(Wd, c) if variants else (), **kw)

    W = np.array([[6.0, 0.6, 1.2], [8.0, 0.8, 1.6]])
    t.case("hand-worked values: column norms 10, 1 and exactly 2, c = 2", W=W, c=2.0)
    run(W, 2.0, np.array([[1.2, 0.6, 1.2], [1.6, 0.8, 1.6]]))

    r = _rng(67)
    W = r.normal(size=(6, 8)) * np.linspace(0.1, 1.5, 8)  # columns of very different lengths
    t.case("a (6, 8) weight matrix, c = 1.5 (some columns inside, some outside)", W=W, c=1.5)
    run(W, 1.5)

    W = r.normal(size=(4, 4)) * np.array([0.2, 2.0, 0.3, 3.0])
    t.case("square: (4, 4), c = 1", W=W, c=1.0)
    run(W, 1.0)

    W = np.array([[0.0, 3.0], [0.0, 4.0], [0.0, 0.0]])
    t.case("a column of zeros (a unit whose weights are all 0)", W=W, c=2.0)
    run(W, 2.0, np.array([[0.0, 1.2], [0.0, 1.6], [0.0, 0.0]]), variants=False,
        finite_hint=_ZERO_COLUMN)

    W = np.array([[3.0, -4.0, 0.5]])
    t.case("one input (fan_in = 1): each column's norm is |w|", W=W, c=1.0)
    run(W, 1.0, np.array([[1.0, -1.0, 0.5]]))

    W = r.normal(size=(5, 3))
    t.case("c larger than every column norm: nothing changes", W=W, c=100.0)
    run(W, 100.0, W.copy())

    W = (r.normal(size=(5, 4)) * 2).astype(np.float32)
    t.case("float32 weights", W=W, c=1.0)
    run(W, 1.0, **_F32)

