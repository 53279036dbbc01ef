"""Learner implementations of the second half of sheet 2 (ex02_softmax): logsumexp, log_softmax,
softmax_cross_entropy, binary_cross_entropy_with_logits and multiclass_hinge. Valid ones must
pass; mistakes must fail with a hint matching ``hint`` (a regular expression, searched
case-insensitively in the whole report). Run by tests/test_grading_catalog.py."""

import math

import numpy as np

from .cases import case
from .independent import sigmoid, softmax


# ---------------------------------------------------------------------------------------------
# logsumexp
# ---------------------------------------------------------------------------------------------


@case("logsumexp", True)
def logsumexp_ok_max_shift(z):
    m = z.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]


@case("logsumexp", True)
def logsumexp_ok_logaddexp_reduce(z):
    return np.logaddexp.reduce(z, axis=1)


@case("logsumexp", True)
def logsumexp_ok_row_loop_math(z):
    out = np.empty(z.shape[0])
    for i, row in enumerate(z):
        m = float(row.max())
        out[i] = m + math.log(sum(math.exp(v - m) for v in row))
    return out


@case("logsumexp", True)
def logsumexp_ok_ravel_max(z):
    m = z.max(axis=1)
    return m + np.log(np.sum(np.exp(z - m[:, None]), axis=1))


@case("logsumexp", True)
def logsumexp_ok_log1p_of_the_rest(z):
    # the largest term is exp(0) = 1 exactly; log1p adds the others without rounding 1 + tiny
    m = z.max(axis=1, keepdims=True)
    rest = np.exp(z - m).sum(axis=1) - 1
    return m[:, 0] + np.log1p(rest)


@case("logsumexp", True)
def logsumexp_ok_transposed(z):
    m = z.T.max(axis=0)
    return m + np.log(np.exp(z.T - m).sum(axis=0))


@case("logsumexp", False, hint=r"overflow|row's maximum|each row's maximum")
def logsumexp_bad_naive(z):
    return np.log(np.sum(np.exp(z), axis=1))


@case("logsumexp", False, hint=r"add the maximum back")
def logsumexp_bad_forgets_max(z):
    m = z.max(axis=1, keepdims=True)
    return np.log(np.exp(z - m).sum(axis=1))


@case("logsumexp", False, hint=r"shape \(N,\)|\[:, 0\]")
def logsumexp_bad_keeps_dims(z):
    m = z.max(axis=1, keepdims=True)
    return m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))


@case("logsumexp", False, hint=r"keepdims")
def logsumexp_bad_max_without_keepdims(z):
    m = z.max(axis=1)
    return m + np.log(np.exp(z - m).sum(axis=1))


@case("logsumexp", False, hint=r"whole batch|maximum of the whole batch")
def logsumexp_bad_global_max(z):
    m = z.max()
    return m + np.log(np.exp(z - m).sum(axis=1))


@case("logsumexp", False, hint=r"not average|log\(C\)")
def logsumexp_bad_mean(z):
    m = z.max(axis=1, keepdims=True)
    return m[:, 0] + np.log(np.exp(z - m).mean(axis=1))


@case("logsumexp", False, hint=r"not subtract")
def logsumexp_bad_subtracts_max(z):
    m = z.max(axis=1)
    return np.log(np.exp(z - m[:, None]).sum(axis=1)) - m


@case("logsumexp", False, hint=r"only the row maximum")
def logsumexp_bad_hard_max(z):
    return z.max(axis=1)


@case("logsumexp", False, hint=r"whole batch|axis=1 only")
def logsumexp_bad_whole_batch(z):
    m = z.max()
    return m + np.log(np.exp(z - m).sum())


@case("logsumexp", False, hint=r"np\.log10")
def logsumexp_bad_log10(z):
    m = z.max(axis=1)
    return m + np.log10(np.exp(z - m[:, None]).sum(axis=1))


@case("logsumexp", False, hint=r"in place")
def logsumexp_bad_in_place(z):
    m = z.max(axis=1, keepdims=True)
    z -= m
    return m[:, 0] + np.log(np.exp(z).sum(axis=1))


@case("logsumexp", False, hint=r"maximum")
def logsumexp_bad_mean_shift(z):
    m = z.mean(axis=1, keepdims=True)
    return m[:, 0] + np.log(np.exp(z - m).sum(axis=1))


# ---------------------------------------------------------------------------------------------
# log_softmax
# ---------------------------------------------------------------------------------------------


@case("log_softmax", True)
def log_softmax_ok_shift(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@case("log_softmax", True)
def log_softmax_ok_logaddexp(z):
    return z - np.logaddexp.reduce(z, axis=1, keepdims=True)


@case("log_softmax", True)
def log_softmax_ok_own_logsumexp(z):
    def logsumexp(z):
        m = z.max(axis=1, keepdims=True)
        return (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]
    return z - logsumexp(z)[:, None]


@case("log_softmax", True)
def log_softmax_ok_row_loop(z):
    out = np.empty_like(z, dtype=float)
    for i in range(z.shape[0]):
        row = z[i] - z[i].max()
        out[i] = row - np.log(np.sum(np.exp(row)))
    return out


@case("log_softmax", True)
def log_softmax_ok_log1p(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log1p(np.exp(shifted).sum(axis=1, keepdims=True) - 1)


@case("log_softmax", True)
def log_softmax_ok_reshape(z):
    m = z.max(axis=1).reshape(-1, 1)
    lse = m + np.log(np.exp(z - m).sum(axis=1)).reshape(-1, 1)
    return z - lse


@case("log_softmax", False, hint=r"underflow|np\.log\(softmax")
def log_softmax_bad_log_of_softmax(z):
    return np.log(softmax(z))


@case("log_softmax", False, hint=r"first step")
def log_softmax_bad_only_shift(z):
    return z - z.max(axis=1, keepdims=True)


@case("log_softmax", False, hint=r"wrong sign")
def log_softmax_bad_sign(z):
    m = z.max(axis=1, keepdims=True)
    return m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)) - z


@case("log_softmax", False, hint=r"probabilities")
def log_softmax_bad_returns_softmax(z):
    return softmax(z)


@case("log_softmax", False, hint=r"\[:, None\]")
def log_softmax_bad_no_keepdims(z):
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return z - lse


@case("log_softmax", False, hint=r"whole batch")
def log_softmax_bad_whole_batch(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum())


@case("log_softmax", False, hint=r"axis=1")
def log_softmax_bad_axis0(z):
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


@case("log_softmax", False, hint=r"maximum|underflow")
def log_softmax_bad_naive(z):
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


@case("log_softmax", False, hint=r"own maximum|whole batch")
def log_softmax_bad_global_max(z):
    shifted = z - z.max()
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@case("log_softmax", False, hint=r"in place")
def log_softmax_bad_in_place(z):
    z -= z.max(axis=1, keepdims=True)
    z -= np.log(np.exp(z).sum(axis=1, keepdims=True))
    return z


# ---------------------------------------------------------------------------------------------
# softmax_cross_entropy
# ---------------------------------------------------------------------------------------------


def _log_probs(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@case("softmax_cross_entropy", True)
def sce_ok_log_softmax(logits, y):
    n = logits.shape[0]
    logp = _log_probs(logits)
    dlogits = np.exp(logp)
    dlogits[np.arange(n), y] -= 1
    return float(-logp[np.arange(n), y].mean()), dlogits / n


@case("softmax_cross_entropy", True)
def sce_ok_logsumexp_minus_correct(logits, y):
    n, c = logits.shape
    m = logits.max(axis=1)
    lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
    loss = np.mean(lse - logits[np.arange(n), y])
    probs = np.exp(logits - lse[:, None])
    return loss, (probs - np.eye(c)[y]) / n


@case("softmax_cross_entropy", True)
def sce_ok_one_hot_sum(logits, y):
    n, c = logits.shape
    onehot = np.zeros((n, c))
    onehot[np.arange(n), y] = 1.0
    logp = _log_probs(logits)
    return -np.sum(onehot * logp) / n, (np.exp(logp) - onehot) / n


@case("softmax_cross_entropy", True)
def sce_ok_take_along_axis(logits, y):
    logp = logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)
    picked = np.take_along_axis(logp, y.astype(np.intp)[:, None], axis=1)
    grad = np.exp(logp)
    np.put_along_axis(grad, y.astype(np.intp)[:, None], np.exp(picked) - 1, axis=1)
    return -picked.mean(), grad / len(y)


@case("softmax_cross_entropy", True)
def sce_ok_row_loop(logits, y):
    n = logits.shape[0]
    loss, grad = 0.0, np.zeros(logits.shape)
    for i in range(n):
        row = logits[i] - logits[i].max()
        e = np.exp(row)
        loss += math.log(e.sum()) - row[y[i]]
        grad[i] = e / e.sum()
        grad[i, y[i]] -= 1
    return loss / n, grad / n


@case("softmax_cross_entropy", True)
def sce_ok_equality_one_hot(logits, y):
    onehot = np.arange(logits.shape[1]) == y[:, None]
    logp = _log_probs(logits)
    return -logp[onehot].mean(), (np.exp(logp) - onehot) / len(logits)


@case("softmax_cross_entropy", False, hint=r"overflow|row's maximum")
def sce_bad_unstable_exp(logits, y):
    n = len(y)
    e = np.exp(logits)
    probs = e / e.sum(axis=1, keepdims=True)
    return -np.mean(np.log(probs[np.arange(n), y])), (probs - np.eye(logits.shape[1])[y]) / n


@case("softmax_cross_entropy", False, hint=r"np\.log\(softmax\(z\)\) is -inf")
def sce_bad_log_of_stable_softmax(logits, y):
    n = len(y)
    probs = softmax(logits)
    return -np.mean(np.log(probs[np.arange(n), y])), (probs - np.eye(logits.shape[1])[y]) / n


@case("softmax_cross_entropy", False, hint=(r"Divide by N", r"gradient"))
def sce_bad_gradient_not_divided(logits, y):
    n = len(y)
    logp = _log_probs(logits)
    return -logp[np.arange(n), y].mean(), np.exp(logp) - np.eye(logits.shape[1])[y]


@case("softmax_cross_entropy", False, hint=r"np\.mean, not np\.sum")
def sce_bad_loss_sum(logits, y):
    n = len(y)
    logp = _log_probs(logits)
    return -logp[np.arange(n), y].sum(), (np.exp(logp) - np.eye(logits.shape[1])[y]) / n


@case("softmax_cross_entropy", False, hint=r"minus sign")
def sce_bad_loss_sign(logits, y):
    n = len(y)
    logp = _log_probs(logits)
    return logp[np.arange(n), y].mean(), (np.exp(logp) - np.eye(logits.shape[1])[y]) / n


@case("softmax_cross_entropy", False, hint=r"not onehot\(y\) - softmax")
def sce_bad_gradient_sign(logits, y):
    n = len(y)
    logp = _log_probs(logits)
    return -logp[np.arange(n), y].mean(), (np.eye(logits.shape[1])[y] - np.exp(logp)) / n


@case("softmax_cross_entropy", False, hint=r"own maximum|whole batch")
def sce_bad_global_max(logits, y):
    n = len(y)
    shifted = logits - logits.max()
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -logp[np.arange(n), y].mean(), (np.exp(logp) - np.eye(logits.shape[1])[y]) / n


@case("softmax_cross_entropy", False, hint=r"N \* C")
def sce_bad_mean_over_everything(logits, y):
    onehot = np.eye(logits.shape[1])[y]
    logp = _log_probs(logits)
    return -np.mean(onehot * logp), (np.exp(logp) - onehot) / len(y)


@case("softmax_cross_entropy", False, hint=r"order \(loss, dlogits\)")
def sce_bad_order(logits, y):
    n = len(y)
    logp = _log_probs(logits)
    return (np.exp(logp) - np.eye(logits.shape[1])[y]) / n, -logp[np.arange(n), y].mean()


@case("softmax_cross_entropy", False, hint=r"whole columns")
def sce_bad_columns(logits, y):
    logp = _log_probs(logits)
    d = np.exp(logp)
    d[:, y] -= 1
    return -logp[np.arange(len(y)), y].mean(), d / len(y)


@case("softmax_cross_entropy", False, hint=r"in place")
def sce_bad_in_place_shift(logits, y):
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    n = len(y)
    return -logp[np.arange(n), y].mean(), (np.exp(logp) - np.eye(logits.shape[1])[y]) / n


@case("softmax_cross_entropy", False, hint=r"np\.eye\(C\)|shape")
def sce_bad_eye_of_n(logits, y):
    n = len(y)
    logp = _log_probs(logits)
    return -logp[np.arange(n), y].mean(), (np.exp(logp) - np.eye(n)[y]) / n


@case("softmax_cross_entropy", False, hint=r"single number")
def sce_bad_per_sample_loss(logits, y):
    n = len(y)
    logp = _log_probs(logits)
    return -logp[np.arange(n), y], (np.exp(logp) - np.eye(logits.shape[1])[y]) / n


# ---------------------------------------------------------------------------------------------
# binary_cross_entropy_with_logits
# ---------------------------------------------------------------------------------------------


@case("binary_cross_entropy_with_logits", True)
def bce_ok_log1p_form(logits, y):
    loss = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    return float(loss.mean()), (sigmoid(logits) - y) / logits.size


@case("binary_cross_entropy_with_logits", True)
def bce_ok_logaddexp(logits, y):
    loss = y * np.logaddexp(0, -logits) + (1 - y) * np.logaddexp(0, logits)
    return np.mean(loss), (1 / (1 + np.exp(-logits)) - y) / len(logits)


@case("binary_cross_entropy_with_logits", True)
def bce_ok_where_per_sign(logits, y):
    # softplus(z) = log(1 + exp(z)), written for each sign so that exp never overflows
    softplus = np.where(logits > 0, logits + np.log1p(np.exp(-np.abs(logits))),
                        np.log1p(np.exp(np.minimum(logits, 0))))
    loss = softplus - logits * y
    p = np.where(logits >= 0, 1 / (1 + np.exp(-np.abs(logits))),
                 np.exp(-np.abs(logits)) / (1 + np.exp(-np.abs(logits))))
    return loss.mean(), (p - y) / y.size


@case("binary_cross_entropy_with_logits", True)
def bce_ok_hard_labels_where(logits, y):
    # y is 0 or 1: the loss of a sample is softplus(-z) for y = 1 and softplus(z) for y = 0
    signed = np.where(y == 1, -logits, logits)
    loss = np.maximum(signed, 0) + np.log1p(np.exp(-np.abs(signed)))
    return loss.mean(), (sigmoid(logits) - y) / logits.size


@case("binary_cross_entropy_with_logits", True)
def bce_ok_flatten_then_reshape(logits, y):
    z, t = logits.reshape(-1).astype(float), y.reshape(-1).astype(float)
    loss = np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z))))
    return loss, ((sigmoid(z) - t) / z.size).reshape(logits.shape)


@case("binary_cross_entropy_with_logits", True)
def bce_ok_loop(logits, y):
    z, t = logits.reshape(-1), y.reshape(-1)
    total, grad = 0.0, np.zeros(z.size)
    for i in range(z.size):
        zi, ti = float(z[i]), float(t[i])
        total += max(zi, 0.0) - zi * ti + math.log1p(math.exp(-abs(zi)))
        grad[i] = (1 / (1 + math.exp(-zi)) if zi >= 0 else math.exp(zi) / (1 + math.exp(zi))) - ti
    return total / z.size, (grad / z.size).reshape(logits.shape)


@case("binary_cross_entropy_with_logits", False, hint=r"log\(1 - p\) = log\(0\)|textbook")
def bce_bad_textbook_formula(logits, y):
    p = sigmoid(logits)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss, (p - y) / logits.size


@case("binary_cross_entropy_with_logits", False, hint=r"clipping")
def bce_bad_clipped(logits, y):
    p = np.clip(sigmoid(logits), 1e-12, 1 - 1e-12)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss, (sigmoid(logits) - y) / logits.size


@case("binary_cross_entropy_with_logits", False, hint=r"absolute value|exp\(-\|z\|\)")
def bce_bad_no_abs(logits, y):
    loss = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-logits))
    return loss.mean(), (sigmoid(logits) - y) / logits.size


@case("binary_cross_entropy_with_logits", False, hint=r"log\(1 \+ exp\(z\)\) overflows")
def bce_bad_softplus_overflow(logits, y):
    loss = np.log(1 + np.exp(logits)) - logits * y
    return loss.mean(), (sigmoid(logits) - y) / logits.size


@case("binary_cross_entropy_with_logits", False, hint=(r"Divide by N", r"gradient"))
def bce_bad_gradient_not_divided(logits, y):
    loss = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    return loss.mean(), sigmoid(logits) - y


@case("binary_cross_entropy_with_logits", False, hint=r"np\.mean, not np\.sum")
def bce_bad_loss_sum(logits, y):
    loss = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    return loss.sum(), (sigmoid(logits) - y) / logits.size


@case("binary_cross_entropy_with_logits", False, hint=r"not y - sigmoid")
def bce_bad_gradient_sign(logits, y):
    loss = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    return loss.mean(), (y - sigmoid(logits)) / logits.size


@case("binary_cross_entropy_with_logits", False, hint=r"sigmoid'\(z\)|cancels")
def bce_bad_extra_sigmoid_derivative(logits, y):
    p = sigmoid(logits)
    loss = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    return loss.mean(), (p - y) * p * (1 - p) / logits.size


@case("binary_cross_entropy_with_logits", False, hint=r"do not flatten")
def bce_bad_flattened_gradient(logits, y):
    z, t = logits.ravel(), y.ravel()
    loss = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    return loss.mean(), (sigmoid(z) - t) / z.size


@case("binary_cross_entropy_with_logits", False, hint=r"\(1 - y\) log\(1 - sigmoid")
def bce_bad_positive_term_only(logits, y):
    p = sigmoid(logits)
    return -np.mean(y * np.log(p)), (p - y) / logits.size


@case("binary_cross_entropy_with_logits", False, hint=r"sign of z \* y")
def bce_bad_plus_zy(logits, y):
    loss = np.maximum(logits, 0) + logits * y + np.log1p(np.exp(-np.abs(logits)))
    return loss.mean(), (sigmoid(logits) - y) / logits.size


@case("binary_cross_entropy_with_logits", False, hint=r"apply the sigmoid")
def bce_bad_gradient_without_sigmoid(logits, y):
    loss = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    return loss.mean(), (logits - y) / logits.size


# ---------------------------------------------------------------------------------------------
# multiclass_hinge (Weston-Watkins; a margin term exactly 0 gets the subgradient 0)
# ---------------------------------------------------------------------------------------------


def _margins(scores, y, delta):
    rows = np.arange(len(y))
    m = scores - scores[rows, y][:, None] + delta
    m[rows, y] = 0
    return rows, m


@case("multiclass_hinge", True)
def multiclass_hinge_ok_vectorized(scores, y, delta=1.0):
    rows, m = _margins(scores, y, delta)
    active = m > 0
    d = active.astype(scores.dtype)
    d[rows, y] = -active.sum(axis=1)
    return float(np.maximum(m, 0).sum() / len(y)), d / len(y)


@case("multiclass_hinge", True)
def multiclass_hinge_ok_loops(scores, y, delta=1.0):
    n, c = scores.shape
    loss, d = 0.0, np.zeros(scores.shape)
    for i in range(n):
        for j in range(c):
            if j == y[i]:
                continue
            margin = scores[i, j] - scores[i, y[i]] + delta
            if margin > 0:
                loss += margin
                d[i, j] += 1
                d[i, y[i]] -= 1
    return loss / n, d / n


@case("multiclass_hinge", True)
def multiclass_hinge_ok_one_hot_subtract_delta(scores, y, delta=1.0):
    """Keeps the correct class's term (exactly delta) in the sum and subtracts it afterwards."""
    n, c = scores.shape
    onehot = np.eye(c)[y]
    correct = np.sum(scores * onehot, axis=1, keepdims=True)
    m = np.maximum(0, scores - correct + delta)
    loss = (m.sum() - n * delta) / n
    active = (m > 0) & (onehot == 0)
    d = active - onehot * active.sum(axis=1, keepdims=True)
    return np.float64(loss), d / n


@case("multiclass_hinge", True)
def multiclass_hinge_ok_where_and_heaviside(scores, y, delta=1.0):
    rows = np.arange(len(y))
    m = np.where(np.arange(scores.shape[1]) == np.asarray(y)[:, None], 0.0,
                 scores - scores[rows, y].reshape(-1, 1) + delta)
    d = np.heaviside(m, 0.0)  # 0 at the kink
    np.subtract.at(d, (rows, y), d.sum(axis=1))
    return np.mean(np.sum(np.maximum(m, 0), axis=1)), d / len(y)


@case("multiclass_hinge", True)
def multiclass_hinge_ok_float32_stays(scores, y, delta=1.0):
    rows, m = _margins(scores, y.astype(np.int64), delta)
    active = (m > 0).astype(scores.dtype)
    d = active - np.eye(scores.shape[1], dtype=scores.dtype)[y] * active.sum(axis=1, keepdims=True)
    return np.maximum(m, 0).sum(axis=1).mean(), d / scores.dtype.type(len(y))


@case("multiclass_hinge", False, hint=r"correct class's own term")
def multiclass_hinge_bad_counts_own_margin(scores, y, delta=1.0):
    rows = np.arange(len(y))
    m = scores - scores[rows, y][:, None] + delta
    active = m > 0
    d = active.astype(float)
    d[rows, y] = -(active.sum(axis=1) - 1)
    return float(np.maximum(m, 0).sum() / len(y)), d / len(y)


@case("multiclass_hinge", False, hint=r"divide by N")
def multiclass_hinge_bad_no_mean(scores, y, delta=1.0):
    rows, m = _margins(scores, y, delta)
    d = (m > 0).astype(float)
    d[rows, y] = -d.sum(axis=1)
    return float(np.maximum(m, 0).sum()), d


@case("multiclass_hinge", False, hint=r"minus sign")
def multiclass_hinge_bad_correct_class_plus_count(scores, y, delta=1.0):
    rows, m = _margins(scores, y, delta)
    d = (m > 0).astype(float)
    d[rows, y] = d.sum(axis=1)
    return float(np.maximum(m, 0).sum() / len(y)), d / len(y)


@case("multiclass_hinge", False, hint=r"correct class's entry is missing")
def multiclass_hinge_bad_no_correct_class_gradient(scores, y, delta=1.0):
    rows, m = _margins(scores, y, delta)
    return float(np.maximum(m, 0).sum() / len(y)), (m > 0) / len(y)


@case("multiclass_hinge", False, hint=r"EACH wrong class")
def multiclass_hinge_bad_correct_class_minus_one(scores, y, delta=1.0):
    rows, m = _margins(scores, y, delta)
    d = (m > 0).astype(float)
    d[rows, y] = -np.any(m > 0, axis=1).astype(float)
    return float(np.maximum(m, 0).sum() / len(y)), d / len(y)


@case("multiclass_hinge", False, hint=r"Crammer-Singer")
def multiclass_hinge_bad_max_over_classes(scores, y, delta=1.0):
    rows, m = _margins(scores, y, delta)
    worst = m.argmax(axis=1)
    d = np.zeros(scores.shape)
    hit = m[rows, worst] > 0
    d[rows[hit], worst[hit]] = 1
    d[rows[hit], y[hit]] = -1
    return float(np.maximum(m.max(axis=1), 0).mean()), d / len(y)


@case("multiclass_hinge", False, hint=r"squared hinge")
def multiclass_hinge_bad_squared(scores, y, delta=1.0):
    rows, m = _margins(scores, y, delta)
    h = np.maximum(m, 0)
    d = 2 * h
    d[rows, y] = -d.sum(axis=1)
    return float((h ** 2).sum() / len(y)), d / len(y)


@case("multiclass_hinge", False, hint=r"inside the max")
def multiclass_hinge_bad_delta_outside_max(scores, y, delta=1.0):
    rows, m = _margins(scores, y, 0.0)
    wrong = np.ones(scores.shape, dtype=bool)
    wrong[rows, y] = False
    d = (wrong & (m > 0)).astype(float)
    d[rows, y] = -d.sum(axis=1)
    return float(np.where(wrong, np.maximum(m, 0) + delta, 0).sum() / len(y)), d / len(y)


@case("multiclass_hinge", False, hint=r"with a plus")
def multiclass_hinge_bad_minus_delta(scores, y, delta=1.0):
    rows, m = _margins(scores, y, -delta)
    d = (m > 0).astype(float)
    d[rows, y] = -d.sum(axis=1)
    return float(np.maximum(m, 0).sum() / len(y)), d / len(y)


@case("multiclass_hinge", False, hint=r"the delta argument")
def multiclass_hinge_bad_ignores_delta(scores, y, delta=1.0):
    return multiclass_hinge_ok_vectorized(scores, y)


@case("multiclass_hinge", False, hint=r"margins > 0, not >= 0")
def multiclass_hinge_bad_active_at_the_kink(scores, y, delta=1.0):
    rows, m = _margins(scores, y, delta)
    d = (m >= 0).astype(float)
    d[rows, y] = 0
    d[rows, y] = -d.sum(axis=1)
    return float(np.maximum(m, 0).sum() / len(y)), d / len(y)


@case("multiclass_hinge", False, hint=r"in place")
def multiclass_hinge_bad_changes_scores(scores, y, delta=1.0):
    rows = np.arange(len(y))
    scores -= scores[rows, y][:, None].copy()
    return multiclass_hinge_ok_vectorized(scores, y, delta)
