"""Learner implementations of sheet 3 (ex03_backprop), part 1: sigmoid_backward,
relu_backward, dense_backward and numerical_gradient. Valid ones must pass; mistakes must fail
with a report matching ``hint`` (a regular expression, searched case-insensitively). Run by
tests/test_grading_catalog.py."""

import math

import numpy as np

from nnlib import functional as F
from nnlib import gradcheck

from .cases import case
from .independent import sigmoid, numerical_gradient


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _sig(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------------------------------------
# sigmoid_backward
# ---------------------------------------------------------------------------------------------


@case("sigmoid_backward", True)
def sigmoid_backward_ok_formula(dout, z):
    s = 1 / (1 + np.exp(-z))
    return dout * s * (1 - s)


@case("sigmoid_backward", True)
def sigmoid_backward_ok_nnlib_sigmoid(dout, z):
    from nnlib.functional import sigmoid
    s = sigmoid(z)
    return dout * s * (1 - s)


@case("sigmoid_backward", True)
def sigmoid_backward_ok_exp_form(dout, z):
    e = np.exp(-z)
    return dout * e / (1 + e) ** 2


@case("sigmoid_backward", True)
def sigmoid_backward_ok_tanh_form(dout, z):
    return dout * 0.25 * (1 - np.tanh(z / 2) ** 2)


@case("sigmoid_backward", True)
def sigmoid_backward_ok_in_place_on_copy(dout, z):
    s = _sig(z)
    g = dout.copy()
    g *= s
    g *= 1 - s
    return g


@case("sigmoid_backward", True)
def sigmoid_backward_ok_loop(dout, z):
    g = np.zeros(z.shape)
    for i in np.ndindex(z.shape):
        s = 1 / (1 + math.exp(-z[i]))
        g[i] = dout[i] * s * (1 - s)
    return g


@case("sigmoid_backward", True)
def sigmoid_backward_ok_log_domain(dout, z):
    return dout * np.exp(-np.logaddexp(0, -z) - np.logaddexp(0, z))


@case("sigmoid_backward", False, hint=(r"sigmoid\(z\)", r"z as if it were sigmoid"))
def sigmoid_backward_bad_z_as_s(dout, z):
    return dout * z * (1 - z)


@case("sigmoid_backward", False, hint=r"dout")
def sigmoid_backward_bad_no_dout(dout, z):
    s = _sig(z)
    return s * (1 - s)


@case("sigmoid_backward", False, hint=r"s \* \(1 \- s\)")
def sigmoid_backward_bad_plus(dout, z):
    s = _sig(z)
    return dout * s * (1 + s)


@case("sigmoid_backward", False, hint=r"tanh|s \* \(1 - s\)")
def sigmoid_backward_bad_tanh_derivative(dout, z):
    return dout * (1 - np.tanh(z) ** 2)


@case("sigmoid_backward", False, hint=r"in place")
def sigmoid_backward_bad_mutates_dout(dout, z):
    s = _sig(z)
    dout *= s * (1 - s)
    return dout


@case("sigmoid_backward", False, hint=r"s \* \(1 \- s\)")
def sigmoid_backward_bad_half_derivative(dout, z):
    return dout * np.exp(-z) / (1 + np.exp(-z))


@case("sigmoid_backward", False, hint=r"sigmoid")
def sigmoid_backward_bad_sigmoid_twice(dout, z):
    s = _sig(_sig(z))
    return dout * s * (1 - s)


@case("sigmoid_backward", False, hint=r"shape")
def sigmoid_backward_bad_summed(dout, z):
    s = _sig(z)
    return np.sum(dout * s * (1 - s), axis=0)


@case("sigmoid_backward", False, hint=r"not @")
def sigmoid_backward_bad_matmul(dout, z):
    s = _sig(z)
    return dout @ (s * (1 - s)).T


@case("sigmoid_backward", True)
def sigmoid_backward_ok_sigmoid_backward(dout, z):
    return F.sigmoid_backward(dout, z)


@case("sigmoid_backward", True)
def sigmoid_backward_ok_sigmoid(d, z):
    return d * sigmoid(z) * (1 - sigmoid(z))


@case("sigmoid_backward", True)
def sigmoid_backward_ok_sigmoid_of_minus_z(d, z):
    return d * sigmoid(z) * sigmoid(-z)


@case("sigmoid_backward", True)
def sigmoid_backward_ok_exp(d, z):
    return d * np.exp(-z) / (1 + np.exp(-z)) ** 2


@case("sigmoid_backward", False, hint=r"dout")
def sigmoid_backward_bad_dout(d, z):
    return sigmoid(z) * (1 - sigmoid(z))


@case("sigmoid_backward", False, hint=r"s \* \(1 - s\)")
def sigmoid_backward_bad_s(d, z):
    return d * sigmoid(z)


# ---------------------------------------------------------------------------------------------
# relu_backward
# ---------------------------------------------------------------------------------------------


@case("relu_backward", True)
def relu_backward_ok_product(dout, z):
    return dout * (z > 0)


@case("relu_backward", True)
def relu_backward_ok_where(dout, z):
    return np.where(z > 0, dout, 0.0)


@case("relu_backward", True)
def relu_backward_ok_copy_assign(dout, z):
    d = dout.copy()
    d[z <= 0] = 0
    return d


@case("relu_backward", True)
def relu_backward_ok_heaviside(dout, z):
    return dout * np.heaviside(z, 0.0)


@case("relu_backward", True)
def relu_backward_ok_cast_mask(dout, z):
    return dout * (z > 0).astype(dout.dtype)


@case("relu_backward", True)
def relu_backward_ok_relu_output_mask(dout, z):
    a = np.maximum(z, 0)
    return dout * (a > 0)


@case("relu_backward", True)
def relu_backward_ok_loop(dout, z):
    g = np.zeros_like(dout)
    for i in np.ndindex(z.shape):
        if z[i] > 0:
            g[i] = dout[i]
    return g


@case("relu_backward", False, hint=r"z > 0, not z >= 0")
def relu_backward_bad_ge(dout, z):
    return dout * (z >= 0)


@case("relu_backward", False, hint=r"not from dout")
def relu_backward_bad_mask_from_dout(dout, z):
    return dout * (dout > 0)


@case("relu_backward", False, hint=r"by dout")
def relu_backward_bad_mask_only(dout, z):
    return (z > 0).astype(float)


@case("relu_backward", False, hint=(r"relu\(z\)", r"0/1 mask"))
def relu_backward_bad_times_relu(dout, z):
    return dout * np.maximum(z, 0)


@case("relu_backward", False, hint=r"in place")
def relu_backward_bad_in_place(dout, z):
    dout[z <= 0] = 0
    return dout


@case("relu_backward", False)
def relu_backward_bad_heaviside_half(dout, z):
    return dout * np.heaviside(z, 0.5)


@case("relu_backward", False)
def relu_backward_bad_sign(dout, z):
    return dout * np.sign(z)


@case("relu_backward", False, hint=r"inverted")
def relu_backward_bad_inverted(dout, z):
    return dout * (z < 0)


@case("relu_backward", False, hint=r"z <= 0")
def relu_backward_bad_no_mask(dout, z):
    return dout.copy()


@case("relu_backward", True)
def relu_backward_ok_relu_backward(dout, z):
    return F.relu_backward(dout, z)


@case("relu_backward", True)
def relu_backward_ok_where_int_zero(d, z):
    return np.where(z > 0, d, 0)


@case("relu_backward", True)
def relu_backward_ok_relu_bw_inplace_copy(dout, z):
    dz = dout.copy()
    dz[z <= 0] = 0
    return dz


@case("relu_backward", True)
def relu_backward_ok_maximum(d, z):
    return d * (np.maximum(z, 0) > 0)


@case("relu_backward", True)
def relu_backward_ok_heaviside_zero_at_zero(d, z):
    return d * np.heaviside(z, 0)


@case("relu_backward", False, hint=r"must be 0 where z <= 0")
def relu_backward_bad_must_be_where(d, z):
    return d


# ---------------------------------------------------------------------------------------------
# dense_backward
# ---------------------------------------------------------------------------------------------


@case("dense_backward", True)
def dense_backward_ok_standard(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


@case("dense_backward", True)
def dense_backward_ok_einsum(dout, x, W):
    return (np.einsum("nh,dh->nd", dout, W), np.einsum("nd,nh->dh", x, dout),
            np.einsum("nh->h", dout))


@case("dense_backward", True)
def dense_backward_ok_dot(dout, x, W):
    return np.dot(dout, W.T), np.dot(x.T, dout), np.sum(dout, axis=0)


@case("dense_backward", True)
def dense_backward_ok_per_sample_outer(dout, x, W):
    dW = np.zeros(W.shape)
    db = np.zeros(W.shape[1])
    dx = np.zeros(x.shape)
    for i in range(x.shape[0]):
        dW += np.outer(x[i], dout[i])
        db += dout[i]
        dx[i] = W @ dout[i]
    return dx, dW, db


@case("dense_backward", True)
def dense_backward_ok_ones_vector(dout, x, W):
    return dout @ W.T, (dout.T @ x).T, np.ones(dout.shape[0]) @ dout


@case("dense_backward", True)
def dense_backward_ok_list(dout, x, W):
    return [dout @ W.T, x.T @ dout, dout.sum(axis=0)]


@case("dense_backward", True)
def dense_backward_ok_keepdims_then_flatten(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0, keepdims=True).ravel()


@case("dense_backward", False, hint=r"transposed|W's shape")
def dense_backward_bad_dW_transposed(dout, x, W):
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


@case("dense_backward", False, hint=r"sum, do not average")
def dense_backward_bad_db_mean(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


@case("dense_backward", False, hint=r"keepdims")
def dense_backward_bad_db_keepdims(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0, keepdims=True)


@case("dense_backward", False, hint=r"axis 0")
def dense_backward_bad_db_axis1(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=1)


@case("dense_backward", False, hint=r"W\.T")
def dense_backward_bad_dx_no_transpose(dout, x, W):
    return dout @ W, x.T @ dout, dout.sum(axis=0)


@case("dense_backward", False, hint=r"divide by N")
def dense_backward_bad_divided_by_n(dout, x, W):
    n = x.shape[0]
    return dout @ W.T / n, x.T @ dout / n, dout.sum(axis=0) / n


@case("dense_backward", False, hint=r"order")
def dense_backward_bad_order(dout, x, W):
    return x.T @ dout, dout @ W.T, dout.sum(axis=0)


@case("dense_backward", False, hint=r"one entry per output")
def dense_backward_bad_db_total(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum()


@case("dense_backward", False, hint=r"transposed")
def dense_backward_bad_dx_transposed(dout, x, W):
    return W @ dout.T, x.T @ dout, dout.sum(axis=0)


@case("dense_backward", False, hint=r"tuple of 3")
def dense_backward_bad_missing_db(dout, x, W):
    return dout @ W.T, x.T @ dout


@case("dense_backward", True)
def dense_backward_ok_dense_backward(dout, x, W):
    return F.dense_backward(dout, x, W)


@case("dense_backward", True)
def dense_backward_ok_dense_bw_list(dout, x, W):
    return [np.dot(dout, W.T), np.dot(x.T, dout), np.sum(dout, axis=0)]


@case("dense_backward", True)
def dense_backward_ok_dense_bw_float32(dout, x, W):
    return tuple(g.astype(np.float32) for g in F.dense_backward(dout, x, W))


@case("dense_backward", False, hint=r"Do not divide by N")
def dense_backward_bad_do_not_divide_by(d, x, W):
    return (d @ W.T, x.T @ d / len(x), d.sum(axis=0))


# ---------------------------------------------------------------------------------------------
# numerical_gradient (f takes no arguments and reads x)
# ---------------------------------------------------------------------------------------------


@case("numerical_gradient", True)
def numerical_gradient_ok_ndindex(f, x, h=1e-5):
    return numerical_gradient(f, x, h)  # independent.py's: np.ndindex over every entry


@case("numerical_gradient", True)
def numerical_gradient_ok_nditer(f, x, h=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fp = float(f())
        x[ix] = old - h
        fm = float(f())
        x[ix] = old
        grad[ix] = (fp - fm) / (2 * h)
        it.iternext()
    return grad


@case("numerical_gradient", True)
def numerical_gradient_ok_flat(f, x, h=1e-5):
    grad = np.zeros(x.size)
    for k in range(x.size):
        old = x.flat[k]
        x.flat[k] = old + h
        fp = f()
        x.flat[k] = old - h
        fm = f()
        x.flat[k] = old
        grad[k] = (fp - fm) / (2 * h)
    return grad.reshape(x.shape)


@case("numerical_gradient", True)
def numerical_gradient_ok_add_subtract(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f()
        x[i] -= 2 * h
        fm = f()
        x[i] += h
        grad[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", True)
def numerical_gradient_ok_try_finally(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(*x.shape):
        old = float(x[i])
        try:
            x[i] = old + h
            fp = f()
            x[i] = old - h
            fm = f()
        finally:
            x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", True)
def numerical_gradient_ok_calls_f_with_x(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", True)
def numerical_gradient_ok_reshape_view(f, x, h=1e-5):
    flat = x.reshape(-1)  # a view of x
    grad = np.zeros_like(flat)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + h
        fp = f()
        flat[k] = old - h
        fm = f()
        flat[k] = old
        grad[k] = (fp - fm) / (2 * h)
    return grad.reshape(x.shape)


@case("numerical_gradient", False, hint=r"forward difference")
def numerical_gradient_bad_forward(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f() - base) / h
        x[i] = old
    return grad


@case("numerical_gradient", False, hint=r"centered")
def numerical_gradient_bad_backward_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old - h
        grad[i] = (base - f()) / h
        x[i] = old
    return grad


@case("numerical_gradient", False, hint=r"restore")
def numerical_gradient_bad_not_restored(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        grad[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", False, hint=r"2h")
def numerical_gradient_bad_divide_by_h(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / h
    return grad


@case("numerical_gradient", False, hint=r"step h")
def numerical_gradient_bad_ignores_h(f, x, h=1e-5):
    return numerical_gradient_ok_ndindex(f, x, 1e-5)


@case("numerical_gradient", False, hint=r"at once")
def numerical_gradient_bad_all_at_once(f, x, h=1e-5):
    old = x.copy()
    x += h
    fp = f()
    x -= 2 * h
    fm = f()
    x[...] = old
    return np.full(x.shape, (fp - fm) / (2 * h))


@case("numerical_gradient", False, hint=r"copy")
def numerical_gradient_bad_nudges_a_copy(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += h
        fp = f()
        xm = x.copy()
        xm[i] -= h
        fm = f()
        grad[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", False, hint=r"one entry at a time")
def numerical_gradient_bad_rows(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.shape[0]):
        old = x[i].copy()
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", False, hint=r"list")
def numerical_gradient_bad_list(f, x, h=1e-5):
    grad = []
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad.append((fp - fm) / (2 * h))
    return grad


@case("numerical_gradient", False, hint=r"float64")
def numerical_gradient_bad_float32_grad(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float32)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", False, hint=r"sign")
def numerical_gradient_bad_sign(f, x, h=1e-5):
    return -numerical_gradient_ok_ndindex(f, x, h)


@case("numerical_gradient", False, hint=r"restore")
def numerical_gradient_bad_restores_to_plus_h(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old - h
        fm = f()
        x[i] = old + h
        fp = f()
        grad[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", True)
def numerical_gradient_ok_gradcheck_numerical_gradient(f, x, h=1e-5):
    return gradcheck.numerical_gradient(f, x, h)


@case("numerical_gradient", True)
def numerical_gradient_ok_numerical_gradient(f, x, h=1e-5):
    return numerical_gradient(f, x, h)


@case("numerical_gradient", True)
def numerical_gradient_ok_numgrad_flat(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] = old + h
        fp = f()
        x.flat[i] = old - h
        fm = f()
        x.flat[i] = old
        grad.flat[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", True)
def numerical_gradient_ok_numgrad_arith_restore(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        x[i] += h
        fp = f()
        x[i] -= 2 * h
        fm = f()
        x[i] += h  # restores x up to rounding in the last bit
        grad[i] = (fp - fm) / (2 * h)
        it.iternext()
    return grad


@case("numerical_gradient", True)
def numerical_gradient_ok_numgrad_cs231n(f, x, h=1e-5):
    """CS231n's style: f takes the array; nudged in place, restored from the saved value."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


@case("numerical_gradient", True)
def numerical_gradient_ok_numgrad_copies(f, x, h=1e-5):
    """Copies instead of nudging x, with f evaluated at the copies."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


@case("numerical_gradient", False, hint=r"changed its input `x` in place.*not restored")
def numerical_gradient_bad_numgrad_no_restore(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f()
        x[i] -= 2 * h
        fm = f()
        grad[i] = (fp - fm) / (2 * h)
    return grad


@case("numerical_gradient", False, hint=r"step h that is passed in")
def numerical_gradient_bad_numgrad_fixed_h(f, x, h=1e-5):
    return numerical_gradient(f, x, 1e-5)


@case("numerical_gradient", False, hint=r"2h")
def numerical_gradient_bad_numgrad_over_h(f, x, h=1e-5):
    return numerical_gradient(f, x, h) * 2


@case("numerical_gradient", False, hint=r"f reads x itself")
def numerical_gradient_bad_numgrad_copy(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += h
        xm = x.copy()
        xm[i] -= h
        grad[i] = (f() - f()) / (2 * h)  # f reads x, not the copies
    return grad


@case("numerical_gradient", False, hint=r"forward difference|centered")
def numerical_gradient_bad_numgrad_one_sided_at_edges(f, x, h=1e-5):
    """Backward differences: (f(x) - f(x - h)) / h."""
    grad = np.zeros(x.shape)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old - h
        grad[i] = (base - f()) / h
        x[i] = old
    return grad
