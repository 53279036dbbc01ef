"""Learner implementations of sheet 6 (ex06_regularization): valid ones that must pass and
mistakes that must fail with a hint matching ``hint`` (a regular expression, searched
case-insensitively in the whole report). Run by tests/test_grading_catalog.py."""

import numpy as np

from nnlib import functional as F
from nnlib import regularization

from .cases import case


# ---------------------------------------------------------------------------------------------
# dropout_forward (p = probability of DROPPING)
# ---------------------------------------------------------------------------------------------


@case("dropout_forward", True)
def dropout_forward_ok_ge(x, p, rng):
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask


@case("dropout_forward", True)
def dropout_forward_ok_keep_probability(x, p, rng):
    keep = 1 - p
    mask = (rng.random(x.shape) < keep) / keep
    return x * mask, mask


@case("dropout_forward", True)
def dropout_forward_ok_binomial(x, p, rng):
    mask = rng.binomial(1, 1 - p, size=x.shape) / (1 - p)
    return x * mask, mask


@case("dropout_forward", True)
def dropout_forward_ok_uniform_strict(x, p, rng):
    keep = rng.uniform(size=x.shape) > p
    mask = np.where(keep, 1 / (1 - p), 0.0)
    return x * mask, mask


@case("dropout_forward", True)
def dropout_forward_ok_choice(x, p, rng):
    mask = rng.choice([0.0, 1 / (1 - p)], size=x.shape, p=[p, 1 - p])
    return x * mask, mask


@case("dropout_forward", True)
def dropout_forward_ok_float32_draws(x, p, rng):
    keep = rng.random(x.shape, dtype=np.float32) >= p
    mask = keep.astype(x.dtype) / (1 - p)
    return x * mask, mask


@case("dropout_forward", True)
def dropout_forward_ok_out_computed_separately(x, p, rng):
    keep = rng.random(size=x.shape) >= p
    out = np.where(keep, x / (1 - p), 0.0)
    return out, keep * (1.0 / (1 - p))


@case("dropout_forward", True)
def dropout_forward_ok_dtype_preserving(x, p, rng):
    scale = np.asarray(1 / (1 - p), dtype=x.dtype)
    mask = (rng.random(x.shape) >= p).astype(x.dtype) * scale
    return x * mask, mask


@case("dropout_forward", True)
def dropout_forward_ok_binomial_float(x, p, rng):
    keep = rng.binomial(n=1, p=1 - p, size=x.shape).astype(float)
    return x * keep / (1 - p), keep / (1 - p)


@case("dropout_forward", True)
def dropout_forward_ok_element_loop(x, p, rng):
    mask = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        if rng.random() >= p:
            mask[i] = 1 / (1 - p)
    return x * mask, mask


@case("dropout_forward", False, hint=r"swapped|DROPPING")
def dropout_forward_bad_keep_with_probability_p(x, p, rng):
    mask = (rng.random(x.shape) < p) / (1 - p)
    return x * mask, mask


@case("dropout_forward", False, hint=r"1/p|divide by p")
def dropout_forward_bad_scale_by_1_over_p(x, p, rng):
    mask = (rng.random(x.shape) >= p) / p
    return x * mask, mask


@case("dropout_forward", False, hint=(r"\(1 \- p\)", r"vanilla"))
def dropout_forward_bad_scale_by_keep_probability(x, p, rng):
    mask = (rng.random(x.shape) >= p) * (1 - p)
    return x * mask, mask


@case("dropout_forward", False, hint=(r"1/\(1\-p\)", r"not 1"))
def dropout_forward_bad_no_scaling(x, p, rng):
    mask = (rng.random(x.shape) >= p).astype(float)
    return x * mask, mask


@case("dropout_forward", False, hint=r"every sample")
def dropout_forward_bad_one_row_mask(x, p, rng):
    mask = (rng.random((1, x.shape[1])) >= p) / (1 - p)
    mask = np.broadcast_to(mask, x.shape).copy()
    return x * mask, mask


@case("dropout_forward", False, hint=r"shape")
def dropout_forward_bad_unbroadcast_row_mask(x, p, rng):
    mask = (rng.random((1, x.shape[1])) >= p) / (1 - p)
    return x * mask, mask


@case("dropout_forward", False, hint=(r"one per sample", r"one decision per entry"))
def dropout_forward_bad_one_decision_per_sample(x, p, rng):
    mask = (rng.random((x.shape[0], 1)) >= p) / (1 - p) * np.ones(x.shape)
    return x * mask, mask


@case("dropout_forward", False, hint=r"global random state")
def dropout_forward_bad_global_state(x, p, rng):
    mask = (np.random.rand(*x.shape) >= p) / (1 - p)
    return x * mask, mask


@case("dropout_forward", False, hint=r"ignores rng")
def dropout_forward_bad_fixed_seed(x, p, rng):
    mask = (np.random.default_rng(42).random(x.shape) >= p) / (1 - p)
    return x * mask, mask


@case("dropout_forward", False, hint=(r"True/False", r"0 and 1/\(1-p\) as floats"))
def dropout_forward_bad_bool_mask(x, p, rng):
    keep = rng.random(x.shape) >= p
    return x * keep / (1 - p), keep


@case("dropout_forward", False, hint=r"in place")
def dropout_forward_bad_in_place(x, p, rng):
    mask = (rng.random(x.shape) >= p) / (1 - p)
    x *= mask
    return x, mask


@case("dropout_forward", False, hint=r"order")
def dropout_forward_bad_order(x, p, rng):
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return mask, x * mask


@case("dropout_forward", False, hint=r"independently")
def dropout_forward_bad_exact_fraction(x, p, rng):
    n = x.size
    dropped = rng.permutation(n)[: int(round(p * n))]
    keep = np.ones(n, dtype=bool)
    keep[dropped] = False
    mask = keep.reshape(x.shape) / (1 - p)
    return x * mask, mask


@case("dropout_forward", False, hint=r"scaling")
def dropout_forward_bad_out_unscaled(x, p, rng):
    keep = rng.random(x.shape) >= p
    return x * keep, keep / (1 - p)


@case("dropout_forward", False, hint=r"not 1")
def dropout_forward_bad_mask_unscaled_out_scaled(x, p, rng):
    keep = (rng.random(x.shape) >= p).astype(float)
    return x * keep / (1 - p), keep


@case("dropout_forward", True)
def dropout_forward_ok_out_float32(x, p, rng):
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return (x * mask).astype(np.float32), mask


@case("dropout_forward", True)
def dropout_forward_ok_float32_mask(x, p, rng):
    mask = (rng.random(x.shape, dtype=np.float32) >= p) / np.float32(1 - p)
    return x * mask, mask


@case("dropout_forward", False)
def dropout_forward_bad_p_as_keep_probability(x, p, rng):
    mask = (rng.random(x.shape) < p) / p
    return x * mask, mask


@case("dropout_forward", True)
def dropout_forward_ok_dropout_forward(x, p, rng):
    return F.dropout_forward(x, p, rng)


@case("dropout_forward", True)
def dropout_forward_ok_dropout_less_than(x, p, rng):
    mask = (rng.random(x.shape) < 1 - p).astype(x.dtype) / (1 - p)
    return x * mask, mask


@case("dropout_forward", True)
def dropout_forward_ok_dropout_where(x, p, rng):
    keep = rng.uniform(size=x.shape) > p
    mask = np.where(keep, 1 / (1 - p), 0.0)
    return np.where(keep, x / (1 - p), 0.0), mask


@case("dropout_forward", True)
def dropout_forward_ok_dropout_choice(x, p, rng):
    mask = rng.choice(np.array([0.0, 1 / (1 - p)]), size=x.shape, p=[p, 1 - p])
    return x * mask, mask


@case("dropout_forward", False, hint=r"same mask")
def dropout_forward_bad_one_row(x, p, rng):
    mask = (rng.random(x.shape[1]) >= p) / (1 - p)
    mask = np.broadcast_to(mask, x.shape).copy()
    return x * mask, mask


@case("dropout_forward", False, hint=r"exactly")
def dropout_forward_bad_fixed_count(x, p, rng):
    mask = np.ones(x.shape)
    k = int(round(p * x.shape[1]))
    for row in mask:
        row[rng.permutation(x.shape[1])[:k]] = 0
    mask /= 1 - p
    return x * mask, mask


@case("dropout_forward", False, hint=r"order \(out, mask\)")
def dropout_forward_bad_order_out_mask(x, p, rng):
    return F.dropout_forward(x, p, rng)[::-1]


# ---------------------------------------------------------------------------------------------
# dropout_backward (p = probability of DROPPING)
# ---------------------------------------------------------------------------------------------


@case("dropout_backward", True)
def dropout_backward_ok_product(dout, mask):
    return dout * mask


@case("dropout_backward", True)
def dropout_backward_ok_multiply(dout, mask):
    return np.multiply(dout, mask)


@case("dropout_backward", True)
def dropout_backward_ok_where(dout, mask):
    return np.where(mask != 0, dout * mask, 0.0)


@case("dropout_backward", True)
def dropout_backward_ok_copy_in_place(dout, mask):
    d = dout.copy()
    d *= mask
    return d


@case("dropout_backward", True)
def dropout_backward_ok_einsum(dout, mask):
    return np.einsum("ij,ij->ij", dout, mask)


@case("dropout_backward", False, hint=(r"1/\(1\-p\)", r"already carries"))
def dropout_backward_bad_unscaled(dout, mask):
    return dout * (mask != 0)


@case("dropout_backward", False, hint=r"do not divide")
def dropout_backward_bad_divide(dout, mask):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mask != 0, dout / mask, 0.0)


@case("dropout_backward", False, hint=r"in place")
def dropout_backward_bad_in_place(dout, mask):
    dout *= mask
    return dout


@case("dropout_backward", False, hint=r"multiply the upstream")
def dropout_backward_bad_returns_mask(dout, mask):
    return mask


@case("dropout_backward", False, hint=r"dropped units")
def dropout_backward_bad_returns_dout(dout, mask):
    return dout.copy()


@case("dropout_backward", False, hint=r"not @")
def dropout_backward_bad_matmul(dout, mask):
    return dout @ mask.T


@case("dropout_backward", False, hint=r"once")
def dropout_backward_bad_scaled_twice(dout, mask):
    return dout * mask * mask


@case("dropout_backward", True)
def dropout_backward_ok_dropout_backward(dout, mask):
    return F.dropout_backward(dout, mask)


@case("dropout_backward", False, hint=r"2 times")
def dropout_backward_bad_times(d, m):
    return d * m * 2


@case("dropout_backward", False, hint=r"Dropped units")
def dropout_backward_bad_dropped_units(d, m):
    return d


# ---------------------------------------------------------------------------------------------
# l2_penalty
# ---------------------------------------------------------------------------------------------


@case("l2_penalty", True)
def l2_penalty_ok_basic(W, lam):
    return 0.5 * lam * np.sum(W ** 2), lam * W


@case("l2_penalty", True)
def l2_penalty_ok_norm_squared(W, lam):
    return lam / 2 * np.linalg.norm(W) ** 2, lam * W


@case("l2_penalty", True)
def l2_penalty_ok_vdot(W, lam):
    return 0.5 * lam * float(np.vdot(W, W)), W * lam


@case("l2_penalty", True)
def l2_penalty_ok_einsum(W, lam):
    return 0.5 * lam * np.einsum("ij,ij->", W, W), lam * W


@case("l2_penalty", True)
def l2_penalty_ok_square_and_copy(W, lam):
    grad = W.copy()
    grad *= lam
    return float(lam * np.square(W).sum() / 2), grad


@case("l2_penalty", True)
def l2_penalty_ok_frobenius_list(W, lam):
    return [0.5 * lam * np.linalg.norm(W, "fro") ** 2, lam * W]


@case("l2_penalty", True)
def l2_penalty_ok_trace(W, lam):
    return 0.5 * lam * np.trace(W.T @ W), lam * W


@case("l2_penalty", False, hint=r"number itself")
def l2_penalty_bad_penalty_in_array(W, lam):
    return np.array([0.5 * lam * np.sum(W ** 2)]), lam * W


@case("l2_penalty", False, hint=r"factor 1/2")
def l2_penalty_bad_no_half(W, lam):
    return lam * np.sum(W ** 2), lam * W


@case("l2_penalty", False, hint=r"not 2 \* lam \* W")
def l2_penalty_bad_gradient_two(W, lam):
    return 0.5 * lam * np.sum(W ** 2), 2 * lam * W


@case("l2_penalty", False, hint=r"L1")
def l2_penalty_bad_l1(W, lam):
    return lam * np.sum(np.abs(W)), lam * np.sign(W)


@case("l2_penalty", False, hint=r"squared norm")
def l2_penalty_bad_norm_not_squared(W, lam):
    return 0.5 * lam * np.linalg.norm(W), lam * W


@case("l2_penalty", False, hint=r"do not average")
def l2_penalty_bad_mean(W, lam):
    return 0.5 * lam * np.mean(W ** 2), lam * W


@case("l2_penalty", False, hint=r"in place")
def l2_penalty_bad_in_place(W, lam):
    penalty = 0.5 * lam * np.sum(W ** 2)
    W *= lam
    return penalty, W


@case("l2_penalty", False, hint=r"single number")
def l2_penalty_bad_penalty_not_summed(W, lam):
    return 0.5 * lam * W ** 2, lam * W


@case("l2_penalty", False, hint=r"squares the sum")
def l2_penalty_bad_square_of_sum(W, lam):
    return 0.5 * lam * np.sum(W) ** 2, lam * W


@case("l2_penalty", False, hint=r"not lam \* w\*\*2")
def l2_penalty_bad_gradient_squared(W, lam):
    return 0.5 * lam * np.sum(W ** 2), lam * W ** 2


@case("l2_penalty", False, hint=r"\(penalty, grad\)")
def l2_penalty_bad_order(W, lam):
    return lam * W, 0.5 * lam * np.sum(W ** 2)


@case("l2_penalty", False, hint=r"multiply by lam")
def l2_penalty_bad_gradient_without_lam(W, lam):
    return 0.5 * lam * np.sum(W ** 2), W


@case("l2_penalty", True)
def l2_penalty_ok_regularization_l2_penalty(W, lam):
    return regularization.l2_penalty(W, lam)


@case("l2_penalty", True)
def l2_penalty_ok_l2_norm(W, lam):
    return float(0.5 * lam * np.linalg.norm(W) ** 2), lam * W


@case("l2_penalty", True)
def l2_penalty_ok_sum_copy(W, lam):
    return (lam * np.sum(W ** 2) / 2, lam * W.copy())


@case("l2_penalty", False, hint=r"tuple of 2")
def l2_penalty_bad_tuple_of(W, lam):
    return 0.5 * lam * np.sum(W ** 2)


@case("l2_penalty", False, hint=r"single number")
def l2_penalty_bad_single_number(W, lam):
    return (0.5 * lam * np.sum(W ** 2, axis=0), lam * W)
