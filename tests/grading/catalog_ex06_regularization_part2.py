"""Learner implementations of the second half of sheet 6 (ex06_regularization): l1_penalty,
sgd_weight_decay_step, max_norm and the Dropout layer class. Valid ones must pass; mistakes must
fail with a hint matching ``hint`` (a regular expression, searched case-insensitively in the
whole report). Run by tests/test_grading_catalog.py."""

import numpy as np

from nnlib import regularization

from .cases import case


# ---------------------------------------------------------------------------------------------
# l1_penalty
# ---------------------------------------------------------------------------------------------


@case("l1_penalty", True)
def l1_penalty_ok_sign(W, lam):
    return lam * np.sum(np.abs(W)), lam * np.sign(W)


@case("l1_penalty", True)
def l1_penalty_ok_nested_where(W, lam):
    grad = np.where(W > 0, lam, np.where(W < 0, -lam, 0.0))
    return float(lam * np.abs(W).sum()), grad


@case("l1_penalty", True)
def l1_penalty_ok_comparisons(W, lam):
    return lam * np.linalg.norm(W.ravel(), 1), lam * ((W > 0).astype(float) - (W < 0))


@case("l1_penalty", False, hint=r"divides by zero where a weight is exactly 0")
def l1_penalty_bad_divide_by_abs_nan(W, lam):
    return lam * np.sum(np.abs(W)), lam * W / np.abs(W)


@case("l1_penalty", True)
def l1_penalty_ok_divide_by_abs(W, lam):
    with np.errstate(invalid="ignore"):
        s = np.nan_to_num(W / np.abs(W))  # 0 / 0 = NaN becomes 0
    return lam * float(np.abs(W).sum()), lam * s


@case("l1_penalty", True)
def l1_penalty_ok_copysign(W, lam):
    return [lam * np.sum(np.abs(W)), np.copysign(lam, W) * (W != 0)]


@case("l1_penalty", True)
def l1_penalty_ok_loop(W, lam):
    total, grad = 0.0, np.zeros(W.shape)
    for i in np.ndindex(W.shape):
        w = float(W[i])
        total += abs(w)
        grad[i] = lam if w > 0 else (-lam if w < 0 else 0.0)
    return lam * total, grad


@case("l1_penalty", False, hint=r"subgradient 0")
def l1_penalty_bad_subgradient_one_at_zero(W, lam):
    return lam * np.sum(np.abs(W)), lam * np.where(W >= 0, 1.0, -1.0)


@case("l1_penalty", False, hint=r"not -1")
def l1_penalty_bad_subgradient_minus_one_at_zero(W, lam):
    return lam * np.sum(np.abs(W)), lam * np.where(W > 0, 1.0, -1.0)


@case("l1_penalty", False, hint=r"L2 gradient")
def l1_penalty_bad_l2_gradient(W, lam):
    return lam * np.sum(np.abs(W)), lam * W


@case("l1_penalty", False, hint=r"L2 penalty")
def l1_penalty_bad_l2(W, lam):
    return 0.5 * lam * np.sum(W ** 2), lam * W


@case("l1_penalty", False, hint=r"absolute values first")
def l1_penalty_bad_no_abs(W, lam):
    return lam * np.sum(W), lam * np.sign(W)


@case("l1_penalty", False, hint=r"no factor 1/2")
def l1_penalty_bad_half(W, lam):
    return 0.5 * lam * np.sum(np.abs(W)), lam * np.sign(W)


@case("l1_penalty", False, hint=r"multiply by lam")
def l1_penalty_bad_gradient_without_lam(W, lam):
    return lam * np.sum(np.abs(W)), np.sign(W)


@case("l1_penalty", False, hint=r"do not average")
def l1_penalty_bad_mean(W, lam):
    return lam * np.mean(np.abs(W)), lam * np.sign(W)


@case("l1_penalty", False, hint=r"not \|w\|")
def l1_penalty_bad_gradient_abs(W, lam):
    return lam * np.sum(np.abs(W)), lam * np.abs(W)


@case("l1_penalty", False, hint=r"\(penalty, grad\)")
def l1_penalty_bad_order(W, lam):
    return lam * np.sign(W), lam * np.sum(np.abs(W))


@case("l1_penalty", False, hint=r"in place")
def l1_penalty_bad_in_place(W, lam):
    penalty = lam * np.sum(np.abs(W))
    np.sign(W, out=W)
    W *= lam
    return penalty, W


@case("l1_penalty", False, hint=r"not abs\(np\.sum")
def l1_penalty_bad_abs_of_sum(W, lam):
    return lam * abs(np.sum(W)), lam * np.sign(W)


# ---------------------------------------------------------------------------------------------
# sgd_weight_decay_step (in place is allowed, as for sgd_step)
# ---------------------------------------------------------------------------------------------


@case("sgd_weight_decay_step", True)
def sgd_weight_decay_step_ok_in_place(param, grad, lr, weight_decay):
    param -= lr * (grad + weight_decay * param)
    return param


@case("sgd_weight_decay_step", True)
def sgd_weight_decay_step_ok_new_array(param, grad, lr, weight_decay):
    return param - lr * (grad + weight_decay * param)


@case("sgd_weight_decay_step", True)
def sgd_weight_decay_step_ok_shrink_then_step(param, grad, lr, weight_decay):
    # the same update written as "decay the weights, then the plain step" (both use the old grad)
    param *= 1 - lr * weight_decay
    param -= lr * grad
    return param


@case("sgd_weight_decay_step", True)
def sgd_weight_decay_step_ok_with_l2_penalty(param, grad, lr, weight_decay):
    _, penalty_grad = regularization.l2_penalty(param, weight_decay)
    param -= lr * (grad + penalty_grad)
    return param


@case("sgd_weight_decay_step", True)
def sgd_weight_decay_step_ok_out_argument(param, grad, lr, weight_decay):
    g = grad + weight_decay * param
    np.subtract(param, lr * g, out=param)
    return param


@case("sgd_weight_decay_step", True)
def sgd_weight_decay_step_ok_slice_assignment(param, grad, lr, weight_decay):
    param[...] = (1 - lr * weight_decay) * param - lr * grad
    return param


@case("sgd_weight_decay_step", False, hint=r"learning rate too")
def sgd_weight_decay_step_bad_decay_without_lr(param, grad, lr, weight_decay):
    param -= lr * grad + weight_decay * param
    return param


@case("sgd_weight_decay_step", False, hint=r"with a plus")
def sgd_weight_decay_step_bad_decay_sign(param, grad, lr, weight_decay):
    return param - lr * (grad - weight_decay * param)


@case("sgd_weight_decay_step", False, hint=r"weight decay is missing")
def sgd_weight_decay_step_bad_no_decay(param, grad, lr, weight_decay):
    param -= lr * grad
    return param


@case("sgd_weight_decay_step", False, hint=r"no factor 2")
def sgd_weight_decay_step_bad_factor_two(param, grad, lr, weight_decay):
    param -= lr * (grad + 2 * weight_decay * param)
    return param


@case("sgd_weight_decay_step", False, hint=r"from before this step")
def sgd_weight_decay_step_bad_decays_updated_weights(param, grad, lr, weight_decay):
    param -= lr * grad
    param -= lr * weight_decay * param
    return param


@case("sgd_weight_decay_step", False, hint=r"not weight_decay \* grad")
def sgd_weight_decay_step_bad_decay_of_grad(param, grad, lr, weight_decay):
    return param - lr * (grad + weight_decay * grad)


@case("sgd_weight_decay_step", False, hint=r"multiply weight_decay by param")
def sgd_weight_decay_step_bad_decay_constant(param, grad, lr, weight_decay):
    return param - lr * (grad + weight_decay)


@case("sgd_weight_decay_step", False, hint=r"wrong sign")
def sgd_weight_decay_step_bad_ascent(param, grad, lr, weight_decay):
    param += lr * (grad + weight_decay * param)
    return param


@case("sgd_weight_decay_step", False, hint=r"return param")
def sgd_weight_decay_step_bad_no_return(param, grad, lr, weight_decay):
    param -= lr * (grad + weight_decay * param)


@case("sgd_weight_decay_step", False, hint=r"changed in place, but not")
def sgd_weight_decay_step_bad_leftover_in_place_step(param, grad, lr, weight_decay):
    new = param - lr * (grad + weight_decay * param)
    param -= lr * grad  # a line left over from sgd_step
    return new


# ---------------------------------------------------------------------------------------------
# max_norm (returns a new array; W unchanged)
# ---------------------------------------------------------------------------------------------


@case("max_norm", False, hint=r"returned W itself")
def max_norm_bad_returns_w_when_inside(W, c):
    norms = np.linalg.norm(W, axis=0)
    if np.all(norms <= c):
        return W  # nothing to rescale, but the caller's W and the result are now one array
    return W * np.minimum(1.0, c / np.where(norms > 0, norms, 1.0))


@case("max_norm", True)
def max_norm_ok_minimum(W, c):
    norms = np.sqrt(np.sum(W ** 2, axis=0, keepdims=True))
    with np.errstate(divide="ignore"):
        return W * np.minimum(1.0, c / norms)


@case("max_norm", True)
def max_norm_ok_where(W, c):
    norms = np.linalg.norm(W, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(norms > c, W * c / norms, W)


@case("max_norm", True)
def max_norm_ok_column_loop(W, c):
    out = W.copy()
    for j in range(W.shape[1]):
        norm = np.linalg.norm(W[:, j])
        if norm > c:
            out[:, j] = W[:, j] * (c / norm)
    return out


@case("max_norm", True)
def max_norm_ok_divide_by_excess(W, c):
    norms = np.sqrt((W * W).sum(axis=0))
    return W / np.maximum(1.0, norms / c)


@case("max_norm", True)
def max_norm_ok_clip_norms(W, c):
    norms = np.linalg.norm(W, axis=0, keepdims=True)
    safe = np.where(norms == 0, 1.0, norms)
    return W * (np.clip(norms, None, c) / safe)


@case("max_norm", True)
def max_norm_ok_transposed_rows(W, c):
    rows = W.T.copy()  # one unit per row
    norms = np.linalg.norm(rows, axis=1)
    big = norms > c
    rows[big] *= (c / norms[big])[:, None]
    return rows.T


@case("max_norm", False, hint=r"axis=0, not axis=1")
def max_norm_bad_rows(W, c):
    norms = np.linalg.norm(W, axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        return W * np.minimum(1.0, c / norms)


@case("max_norm", False, hint=r"shorter ones stay")
def max_norm_bad_rescales_every_column(W, c):
    norms = np.linalg.norm(W, axis=0, keepdims=True)
    return W * c / norms


@case("max_norm", False, hint=r"whole matrix")
def max_norm_bad_frobenius(W, c):
    return W * min(1.0, c / np.linalg.norm(W))


@case("max_norm", False, hint=r"clipping the entries")
def max_norm_bad_clip_entries(W, c):
    return np.clip(W, -c, c)


@case("max_norm", False, hint=r"squared norm")
def max_norm_bad_squared_norm(W, c):
    sq = np.sum(W ** 2, axis=0, keepdims=True)
    with np.errstate(divide="ignore"):
        return W * np.minimum(1.0, c / sq)


@case("max_norm", False, hint=r"unit vector")
def max_norm_bad_normalize(W, c):
    return W / np.linalg.norm(W, axis=0)


@case("max_norm", False, hint=r"c / norm, not norm / c")
def max_norm_bad_inverted_scale(W, c):
    return W * np.minimum(1.0, np.linalg.norm(W, axis=0) / c)


@case("max_norm", False, hint=r"column of zeros")
def max_norm_bad_zero_column(W, c):
    norms = np.linalg.norm(W, axis=0)
    return W / norms * np.minimum(norms, c)


@case("max_norm", False, hint=(r"in place", r"leave W alone"))
def max_norm_bad_in_place_nnlib(W, c):
    return regularization.max_norm(W, c)


@case("max_norm", False, hint=r"in place")
def max_norm_bad_in_place_loop(W, c):
    for j in range(W.shape[1]):
        norm = np.linalg.norm(W[:, j])
        if norm > c:
            W[:, j] *= c / norm
    return W


# ---------------------------------------------------------------------------------------------
# Dropout, the layer class (p = probability of DROPPING; forward(x, train=True), backward(dout))
# ---------------------------------------------------------------------------------------------


class _DropoutBase:
    """The constructor most learners write; the classes below vary forward and backward."""

    def __init__(self, p, rng):
        self.p = p
        self.rng = np.random.default_rng(rng)
        self.mask = None

    def backward(self, dout):
        return dout * self.mask


@case("Dropout", False, hint=r"a Generator passed as rng is ignored")
class Dropout_bad_ignores_a_generator(_DropoutBase):
    def __init__(self, p, rng):
        super().__init__(p, rng if isinstance(rng, (int, np.integer)) else 0)

    def forward(self, x, train=True):
        if not train:
            return x
        self.mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
        return x * self.mask


@case("Dropout", False, hint=r"global random state")
class Dropout_bad_global_state_seeded_in_init(_DropoutBase):
    def __init__(self, p, rng):
        super().__init__(p, rng)
        np.random.seed(rng if isinstance(rng, (int, np.integer)) else None)

    def forward(self, x, train=True):
        if not train:
            return x
        self.mask = (np.random.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
        return x * self.mask


@case("Dropout", True)
class Dropout_ok_ge(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x
        self.mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
        return x * self.mask


@case("Dropout", True)
class Dropout_ok_binomial(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            self.mask = None
            return x.copy()
        keep = self.rng.binomial(1, 1 - self.p, size=x.shape)
        self.mask = keep.astype(x.dtype) / (1 - self.p)
        return x * self.mask

    def backward(self, dout):
        return dout if self.mask is None else dout * self.mask


@case("Dropout", True)
class Dropout_ok_uniform_lt_keep_probability:
    """Stores the keep probability q = 1 - p and the True/False decisions, scales in both
    passes, and validates p."""

    def __init__(self, p, rng):
        if not 0 <= p < 1:
            raise ValueError(f"p must be in [0, 1), got {p}")
        self.q = 1.0 - p
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)

    def forward(self, x, train=True):
        if train:
            self.keep = self.rng.uniform(size=x.shape) < self.q
            return np.where(self.keep, x / self.q, 0)
        self.keep = np.ones(x.shape, dtype=bool)
        return x

    def backward(self, dout):
        return np.where(self.keep, dout / self.q, 0)


@case("Dropout", True)
class Dropout_ok_random_in_dtype(_DropoutBase):
    """Draws uniform numbers in x's own float dtype; p == 0 is a shortcut."""

    def forward(self, x, train=True):
        if not train or self.p == 0:
            self.mask = np.ones_like(x)
            return x
        u = self.rng.random(x.shape, dtype=x.dtype)
        self.mask = (u >= self.p) * x.dtype.type(1 / (1 - self.p))
        return x * self.mask


@case("Dropout", True)
class Dropout_ok_mask_of_ones_in_test_mode(_DropoutBase):
    def forward(self, x, train=True):
        if train:
            self.mask = (self.rng.random(x.shape) > self.p) / np.float32(1 - self.p)
            self.mask = self.mask.astype(x.dtype)
        else:
            self.mask = np.ones(x.shape, dtype=x.dtype)
        return self.mask * x


@case("Dropout", False, hint=r"probability of DROPPING")
class Dropout_bad_p_as_keep_probability(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x
        self.mask = (self.rng.random(x.shape) < self.p).astype(x.dtype) / (1 - self.p)
        return x * self.mask


@case("Dropout", False, hint=r"scaled by 1/\(1-p\) during training")
class Dropout_bad_no_scaling(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x
        self.mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype)
        return x * self.mask


@case("Dropout", False, hint=r"vanilla dropout")
class Dropout_bad_vanilla_test_time_scaling(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x * (1 - self.p)
        self.mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype)
        return x * self.mask


@case("Dropout", False, hint=r"No scaling at test time")
class Dropout_bad_scales_twice_at_test_time(_DropoutBase):
    def forward(self, x, train=True):
        scale = 1 / (1 - self.p)
        if not train:
            return x * scale
        self.mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype) * scale
        return x * self.mask


@case("Dropout", False, hint=r"global random state")
class Dropout_bad_np_random(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x
        self.mask = (np.random.rand(*x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
        return x * self.mask


@case("Dropout", False, hint=r"restarts on every call")
class Dropout_bad_new_generator_in_forward:
    def __init__(self, p, rng):
        self.p, self.seed = p, rng

    def forward(self, x, train=True):
        if not train:
            return x
        rng = np.random.default_rng(self.seed)  # the same seed every call: the same mask
        self.mask = (rng.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


@case("Dropout", False, hint=r"ignores rng")
class Dropout_bad_fixed_seed(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x
        rng = np.random.default_rng(0)
        self.mask = (rng.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
        return x * self.mask


@case("Dropout", False, hint=r"not draw a new one")
class Dropout_bad_backward_draws_a_fresh_mask(Dropout_ok_ge):
    def backward(self, dout):
        mask = (self.rng.random(dout.shape) >= self.p).astype(dout.dtype) / (1 - self.p)
        return dout * mask


@case("Dropout", False, hint=r"including its 1/\(1-p\) scaling")
class Dropout_bad_backward_not_scaled(Dropout_ok_ge):
    def backward(self, dout):
        return dout * (self.mask != 0)


@case("Dropout", False, hint=r"training branch of forward")
class Dropout_bad_mask_stored_only_in_test_mode(_DropoutBase):
    def forward(self, x, train=True):
        if train:
            mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
            return x * mask
        self.mask = np.ones_like(x)
        return x


@case("Dropout", False, hint=r"earlier forward")
class Dropout_bad_keeps_the_first_mask(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x
        mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
        if self.mask is None:
            self.mask = mask
        return x * mask


@case("Dropout", False, hint=r"return x before drawing anything")
class Dropout_bad_draws_in_test_mode(_DropoutBase):
    def forward(self, x, train=True):
        mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
        if not train:
            return x
        self.mask = mask
        return x * mask


@case("Dropout", False, hint=r"Drop units only when train is True")
class Dropout_bad_drops_in_test_mode(Dropout_ok_ge):
    def forward(self, x, train=True):
        return super().forward(x, True)


@case("Dropout", False, hint=r"every sample \(row\) got the same mask")
class Dropout_bad_one_mask_for_the_batch(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x
        row = (self.rng.random(x.shape[1]) >= self.p).astype(x.dtype) / (1 - self.p)
        self.mask = np.broadcast_to(row, x.shape)
        return x * self.mask


@case("Dropout", False, hint=r"exactly p \* N \* D units")
class Dropout_bad_exact_count(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x
        keep = np.ones(x.size, dtype=x.dtype)
        keep[self.rng.permutation(x.size)[:round(self.p * x.size)]] = 0
        self.mask = keep.reshape(x.shape) / (1 - self.p)
        return x * self.mask


@case("Dropout", False, hint=(r"changed its input", r"x \*= mask"))
class Dropout_bad_in_place(_DropoutBase):
    def forward(self, x, train=True):
        if train:
            self.mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
            x *= self.mask
        return x


@case("Dropout", False, hint=r"keep.astype\(x.dtype\)")
class Dropout_bad_float64_for_float32(_DropoutBase):
    def forward(self, x, train=True):
        if not train:
            return x
        self.mask = (self.rng.random(x.shape) >= self.p) / (1 - self.p)
        return x * self.mask
