"""Learner implementations of sheet 2 (ex02_softmax): valid ones that must pass and mistakes that
must fail with a hint matching ``hint`` (a regular expression, searched case-insensitively in the
whole report). Run by tests/test_grading_catalog.py."""

import math

import numpy as np

from nnlib import functional as F
from nnlib import losses

from .cases import case
from .independent import softmax


# ---------------------------------------------------------------------------------------------
# softmax
# ---------------------------------------------------------------------------------------------


@case("softmax", True)
def softmax_ok_max_shift(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@case("softmax", True)
def softmax_ok_log_sum_exp(z):
    m = z.max(axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return np.exp(z - lse)


@case("softmax", True)
def softmax_ok_transpose_broadcast(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return (e.T / e.sum(axis=1)).T


@case("softmax", True)
def softmax_ok_newaxis(z):
    e = np.exp(z - z.max(axis=-1)[:, None])
    return e / e.sum(axis=-1)[:, np.newaxis]


@case("softmax", True)
def softmax_ok_row_loop(z):
    out = np.empty_like(z)
    for i, row in enumerate(z):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out


@case("softmax", True)
def softmax_ok_einsum(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / np.einsum("ij->i", e)[:, None]


@case("softmax", True)
def softmax_ok_in_place_on_new_array(z):
    e = z - z.max(axis=1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=1, keepdims=True)
    return e


@case("softmax", True)
def softmax_ok_reshape(z):
    e = np.exp(z - z.max(axis=1).reshape(-1, 1))
    return e / e.sum(axis=1).reshape(-1, 1)


@case("softmax", True)
def softmax_ok_log_softmax_then_exp(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return np.exp(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))


@case("softmax", False, hint=r"axis")
def softmax_bad_axis0(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


@case("softmax", False, hint=r"keepdims")
def softmax_bad_no_keepdims(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


@case("softmax", False, hint=r"own sum")
def softmax_bad_global_sum(z):
    e = np.exp(z - z.max())
    return e / e.sum()


@case("softmax", False, hint=r"row's maximum")
def softmax_bad_unstable(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@case("softmax", False, hint=r"own maximum|row's maximum")
def softmax_bad_global_max(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


@case("softmax", False, hint=r"maximum")
def softmax_bad_min_shift(z):
    e = np.exp(z - z.min(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@case("softmax", False, hint=r"maximum")
def softmax_bad_mean_shift(z):
    e = np.exp(z - z.mean(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@case("softmax", False, hint=r"in place")
def softmax_bad_in_place(z):
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@case("softmax", False, hint=r"keepdims")
def softmax_bad_max_without_keepdims(z):
    e = np.exp(z - z.max(axis=1))
    return e / e.sum(axis=1, keepdims=True)


@case("softmax", False, hint=r"log")
def softmax_bad_returns_log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@case("softmax", False, hint=r"sum")
def softmax_bad_divide_by_max(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.max(axis=1, keepdims=True)


@case("softmax", False, hint=r"normalized")
def softmax_bad_not_normalized(z):
    return np.exp(z - z.max(axis=1, keepdims=True))


@case("softmax", True)
def softmax_ok_softmax(z):
    return F.softmax(z)


@case("softmax", True)
def softmax_ok_independent_helper(z):
    return softmax(z)


@case("softmax", True)
def softmax_ok_softmax_lse(z):
    m = z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return np.exp(z - lse)


@case("softmax", True)
def softmax_ok_softmax_float32(z):
    z = z.astype(np.float32)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@case("softmax", True)
def softmax_ok_exp_log_softmax(z):
    return np.exp(F.log_softmax(z))


@case("softmax", False, hint=r"whole batch|row's maximum")
def softmax_bad_whole_batch_row_s(z):
    return np.exp(z) / np.exp(z).sum()


# ---------------------------------------------------------------------------------------------
# cross_entropy
# ---------------------------------------------------------------------------------------------


@case("cross_entropy", True)
def cross_entropy_ok_index(probs, y):
    n = probs.shape[0]
    return float(-np.mean(np.log(probs[np.arange(n), y])))


@case("cross_entropy", True)
def cross_entropy_ok_loop(probs, y):
    total = 0.0
    for i in range(len(y)):
        total -= math.log(probs[i, y[i]])
    return total / len(y)


@case("cross_entropy", True)
def cross_entropy_ok_one_hot(probs, y):
    onehot = np.eye(probs.shape[1])[y]
    return -np.sum(onehot * np.log(probs)) / probs.shape[0]


@case("cross_entropy", True)
def cross_entropy_ok_take_along_axis(probs, y):
    picked = np.take_along_axis(probs, y[:, None], axis=1)
    return -np.log(picked).mean()


@case("cross_entropy", True)
def cross_entropy_ok_choose(probs, y):
    return -np.mean(np.log(np.choose(y, probs.T)))


@case("cross_entropy", True)
def cross_entropy_ok_tiny_eps(probs, y):
    return -np.mean(np.log(probs[np.arange(len(y)), y] + 1e-12))


@case("cross_entropy", True)
def cross_entropy_ok_clip(probs, y):
    p = np.clip(probs, 1e-12, 1.0)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


@case("cross_entropy", True)
def cross_entropy_ok_numpy_scalar(probs, y):
    return -np.log(probs[range(len(y)), y]).sum() / len(y)


@case("cross_entropy", True)
def cross_entropy_ok_row_sums_mean(probs, y):
    onehot = np.zeros_like(probs)
    onehot[np.arange(len(y)), y] = 1
    return np.mean(-np.sum(onehot * np.log(probs), axis=1))


@case("cross_entropy", True)
def cross_entropy_ok_labels_cast(probs, y):
    y = np.asarray(y).astype(int)
    return float(np.mean(-np.log(probs[np.arange(probs.shape[0]), y])))


@case("cross_entropy", True)
def cross_entropy_ok_diagonal_of_block(probs, y):
    return -np.mean(np.log(probs[:, y].diagonal()))


@case("cross_entropy", True)
def cross_entropy_ok_log_then_index(probs, y):
    return -np.log(probs)[np.arange(probs.shape[0]), y].mean()


@case("cross_entropy", False, hint=r"integer labels")
def cross_entropy_bad_labels_as_one_hot(probs, y):
    return -np.sum(y * np.log(probs)) / probs.shape[0]


@case("cross_entropy", True)
def cross_entropy_ok_float32_result(probs, y):
    return np.float32(-np.mean(np.log(probs[np.arange(len(y)), y])))


@case("cross_entropy", False, hint=(r"mean", r"Divide by N"))
def cross_entropy_bad_sum(probs, y):
    return -np.sum(np.log(probs[np.arange(len(y)), y]))


@case("cross_entropy", False, hint=r"np\.arange\(N\), y")
def cross_entropy_bad_columns(probs, y):
    return -np.mean(np.log(probs[:, y]))


@case("cross_entropy", False, hint=r"N \* C")
def cross_entropy_bad_mean_over_everything(probs, y):
    onehot = np.eye(probs.shape[1])[y]
    return -np.mean(onehot * np.log(probs))


@case("cross_entropy", False, hint=r"minus sign")
def cross_entropy_bad_no_minus(probs, y):
    return np.mean(np.log(probs[np.arange(len(y)), y]))


@case("cross_entropy", False, hint=r"natural log")
def cross_entropy_bad_log10(probs, y):
    return -np.mean(np.log10(probs[np.arange(len(y)), y]))


@case("cross_entropy", False, hint=r"single number")
def cross_entropy_bad_per_sample(probs, y):
    return -np.log(probs[np.arange(len(y)), y])


@case("cross_entropy", False, hint=r"labels")
def cross_entropy_bad_argmax(probs, y):
    return -np.mean(np.log(probs[np.arange(len(y)), probs.argmax(axis=1)]))


@case("cross_entropy", False, hint=r"probs\[np\.arange\(N\), y\]")
def cross_entropy_bad_swapped_index(probs, y):
    return -np.mean(np.log(probs[y, np.arange(len(y))]))


@case("cross_entropy", False, hint=r"1 minus")
def cross_entropy_bad_one_minus(probs, y):
    return -np.mean(np.log(1 - probs[np.arange(len(y)), y]))


@case("cross_entropy", False, hint=r"then the mean")
def cross_entropy_bad_log_of_mean(probs, y):
    return -np.log(np.mean(probs[np.arange(len(y)), y]))


@case("cross_entropy", False)
def cross_entropy_bad_big_eps(probs, y):
    return -np.mean(np.log(probs[np.arange(len(y)), y] + 1e-3))


@case("cross_entropy", False, hint=r"correct class")
def cross_entropy_bad_all_entries(probs, y):
    return -np.mean(np.log(probs))


@case("cross_entropy", True)
def cross_entropy_ok_losses_cross_entropy(p, y):
    return losses.cross_entropy(p, y)


@case("cross_entropy", True)
def cross_entropy_ok_ce_onehot(probs, y):
    Y = np.eye(probs.shape[1])[y]
    return -np.sum(Y * np.log(probs)) / probs.shape[0]


@case("cross_entropy", True)
def cross_entropy_ok_ce_clip(probs, y):
    p = np.clip(probs[np.arange(len(y)), y], 1e-12, 1.0)
    return np.array(-np.log(p).mean())


@case("cross_entropy", True)
def cross_entropy_ok_mean_log_len(p, y):
    return -np.mean(np.log(p[range(len(y)), y]))


@case("cross_entropy", True)
def cross_entropy_ok_log_take_along_axis_none_mean(p, y):
    return -np.log(np.take_along_axis(p, y[:, None], axis=1)).mean()


@case("cross_entropy", False, hint=r"N \* C")
def cross_entropy_bad_n_c(p, y):
    return -np.mean(np.eye(p.shape[1])[y] * np.log(p))


@case("cross_entropy", False, hint=r"labels y")
def cross_entropy_bad_labels(p, y):
    return -np.mean(np.log(p.max(axis=1)))


# ---------------------------------------------------------------------------------------------
# softmax_cross_entropy_backward
# ---------------------------------------------------------------------------------------------


@case("softmax_cross_entropy_backward", True)
def scebw_ok_copy_index(probs, y):
    d = probs.copy()
    d[np.arange(len(y)), y] -= 1
    return d / len(y)


@case("softmax_cross_entropy_backward", True)
def scebw_ok_eye(probs, y):
    return (probs - np.eye(probs.shape[1])[y]) / probs.shape[0]


@case("softmax_cross_entropy_backward", True)
def scebw_ok_zeros_one_hot(probs, y):
    onehot = np.zeros_like(probs)
    onehot[np.arange(probs.shape[0]), y] = 1
    return (probs - onehot) / probs.shape[0]


@case("softmax_cross_entropy_backward", True)
def scebw_ok_loop(probs, y):
    n = probs.shape[0]
    d = np.array(probs, dtype=float)
    for i in range(n):
        d[i, y[i]] -= 1
    return d / n


@case("softmax_cross_entropy_backward", True)
def scebw_ok_add_at(probs, y):
    d = probs.copy()
    np.add.at(d, (np.arange(len(y)), y), -1)
    return d * (1.0 / len(y))


@case("softmax_cross_entropy_backward", True)
def scebw_ok_dtype_eye(probs, y):
    n, c = probs.shape
    return (probs - np.eye(c, dtype=probs.dtype)[y]) / n


@case("softmax_cross_entropy_backward", True)
def scebw_ok_equality_one_hot(probs, y):
    onehot = (np.arange(probs.shape[1]) == y[:, None])
    return (probs - onehot) / len(probs)


@case("softmax_cross_entropy_backward", False, hint=r"in place")
def scebw_bad_in_place(probs, y):
    probs[np.arange(len(y)), y] -= 1
    return probs / len(y)


@case("softmax_cross_entropy_backward", False, hint=r"whole columns")
def scebw_bad_columns(probs, y):
    d = probs.copy()
    d[:, y] -= 1
    return d / len(y)


@case("softmax_cross_entropy_backward", False, hint=r"divide by n")
def scebw_bad_no_mean(probs, y):
    d = probs.copy()
    d[np.arange(len(y)), y] -= 1
    return d


@case("softmax_cross_entropy_backward", False, hint=r"Divide by N|not by C")
def scebw_bad_divide_by_classes(probs, y):
    return (probs - np.eye(probs.shape[1])[y]) / probs.shape[1]


@case("softmax_cross_entropy_backward", False,
      hint=(r"onehot\(y\) \- probs", r"probs - onehot"))
def scebw_bad_sign(probs, y):
    return (np.eye(probs.shape[1])[y] - probs) / len(y)


@case("softmax_cross_entropy_backward", False, hint=r"whole difference")
def scebw_bad_precedence(probs, y):
    return probs / len(y) - np.eye(probs.shape[1])[y]


@case("softmax_cross_entropy_backward", False, hint=r"twice")
def scebw_bad_divide_twice(probs, y):
    n = len(y)
    return (probs - np.eye(probs.shape[1])[y]) / n / n


@case("softmax_cross_entropy_backward", False, hint=r"np\.eye\(C\)")
def scebw_bad_eye_of_n(probs, y):
    return (probs - np.eye(len(y))[y]) / len(y)


@case("softmax_cross_entropy_backward", False, hint=r"argmax")
def scebw_bad_argmax(probs, y):
    return (probs - np.eye(probs.shape[1])[probs.argmax(axis=1)]) / len(y)


@case("softmax_cross_entropy_backward", False, hint=r"shape")
def scebw_bad_averaged_over_batch(probs, y):
    return (probs - np.eye(probs.shape[1])[y]).mean(axis=0)


@case("softmax_cross_entropy_backward", True)
def softmax_cross_entropy_backward_ok_losses_softmax_cross_entropy_backward(probs, y):
    return losses.softmax_cross_entropy_backward(probs, y)


@case("softmax_cross_entropy_backward", True)
def softmax_cross_entropy_backward_ok_scebw_where(probs, y):
    onehot = np.arange(probs.shape[1])[None, :] == y[:, None]
    return np.where(onehot, probs - 1, probs) / len(y)


@case("softmax_cross_entropy_backward", False, hint=r"Divide by N")
def softmax_cross_entropy_backward_bad_divide_by_n(p, y):
    return p - np.eye(p.shape[1])[y]

