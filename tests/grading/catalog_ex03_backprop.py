"""Learner implementations of sheet 3 (ex03_backprop): valid ones that must pass and mistakes that
must fail with a hint matching ``hint`` (a regular expression, searched case-insensitively in the
whole report). Run by tests/test_grading_catalog.py."""

import math

import numpy as np

from nnlib import functional as F
from nnlib import gradcheck, nets

from .cases import case
from .independent import backprop, numerical_gradient, sigmoid, two_layer_net


# ---------------------------------------------------------------------------------------------
# sigmoid_backward
# ---------------------------------------------------------------------------------------------


def _sig(z):
    return 1 / (1 + np.exp(-z))


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


@case("sigmoid_backward", False, hint=r"sigmoid\(z\)")
def sigmoid_backward_bad_z_as_s(dout, z):
    return dout * z * (1 - z)


@case("sigmoid_backward", False, hint=r"dout")
def sigmoid_backward_bad_no_dout(dout, z):
    s = _sig(z)
    return s * (1 - s)


@case("sigmoid_backward", False, hint=r"s\ \*\ \(1\ \-\ s\)")
def sigmoid_backward_bad_plus(dout, z):
    s = _sig(z)
    return dout * s * (1 + s)


@case("sigmoid_backward", False, hint=r"tanh")
def sigmoid_backward_bad_tanh_derivative(dout, z):
    return dout * (1 - np.tanh(z) ** 2)


@case("sigmoid_backward", False, hint=r"in\ place")
def sigmoid_backward_bad_mutates_dout(dout, z):
    s = _sig(z)
    dout *= s * (1 - s)
    return dout


@case("sigmoid_backward", False, hint=r"s\ \*\ \(1\ \-\ s\)")
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


@case("sigmoid_backward", False, hint=r"not\ @")
def sigmoid_backward_bad_matmul(dout, z):
    s = _sig(z)
    return dout @ (s * (1 - s)).T


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


@case("relu_backward", False, hint=r"z\ >\ 0")
def relu_backward_bad_ge(dout, z):
    return dout * (z >= 0)


@case("relu_backward", False, hint=r"not\ from\ dout")
def relu_backward_bad_mask_from_dout(dout, z):
    return dout * (dout > 0)


@case("relu_backward", False, hint=r"dout")
def relu_backward_bad_mask_only(dout, z):
    return (z > 0).astype(float)


@case("relu_backward", False, hint=r"relu\(z\)")
def relu_backward_bad_times_relu(dout, z):
    return dout * np.maximum(z, 0)


@case("relu_backward", False, hint=r"in\ place")
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


@case("relu_backward", False, hint=r"z\ <=\ 0")
def relu_backward_bad_no_mask(dout, z):
    return dout.copy()


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


@case("dense_backward", False, hint=r"transposed")
def dense_backward_bad_dW_transposed(dout, x, W):
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


@case("dense_backward", False, hint=r"sum,\ do\ not\ average")
def dense_backward_bad_db_mean(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


@case("dense_backward", False, hint=r"keepdims")
def dense_backward_bad_db_keepdims(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0, keepdims=True)


@case("dense_backward", False, hint=r"axis\ 0")
def dense_backward_bad_db_axis1(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=1)


@case("dense_backward", False, hint=r"W\.T")
def dense_backward_bad_dx_no_transpose(dout, x, W):
    return dout @ W, x.T @ dout, dout.sum(axis=0)


@case("dense_backward", False, hint=r"divide\ by\ N")
def dense_backward_bad_divided_by_n(dout, x, W):
    n = x.shape[0]
    return dout @ W.T / n, x.T @ dout / n, dout.sum(axis=0) / n


@case("dense_backward", False, hint=r"order")
def dense_backward_bad_order(dout, x, W):
    return x.T @ dout, dout @ W.T, dout.sum(axis=0)


@case("dense_backward", False, hint=r"one\ entry\ per\ output")
def dense_backward_bad_db_total(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum()


@case("dense_backward", False, hint=r"transposed")
def dense_backward_bad_dx_transposed(dout, x, W):
    return W @ dout.T, x.T @ dout, dout.sum(axis=0)


@case("dense_backward", False, hint=r"tuple")
def dense_backward_bad_missing_db(dout, x, W):
    return dout @ W.T, x.T @ dout


# ---------------------------------------------------------------------------------------------
# two_layer_net
# ---------------------------------------------------------------------------------------------


def _tln(X, y, params, *, mask="z", mean_loss=True, mean_grad=True, relu=True, use_h=True,
         w2t=True, sign=1.0, keep_b1=False, lse=False, onehot_eye=False, einsum=False,
         softmax_axis=1):
    """A learner's two-layer net, with switches for the mistakes and styles below."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    z1 = np.einsum("nd,dh->nh", X, W1) + b1 if einsum else X @ W1 + b1
    h = np.maximum(z1, 0) if relu else z1
    s = h @ W2 + b2
    if lse:
        m = s.max(axis=1, keepdims=True)
        logp = s - m - np.log(np.exp(s - m).sum(axis=1, keepdims=True))
        p = np.exp(logp)
        loss = -logp[np.arange(n), y].sum()
    else:
        e = np.exp(s - s.max(axis=softmax_axis, keepdims=True))
        p = e / e.sum(axis=softmax_axis, keepdims=True)
        loss = -np.log(p[np.arange(n), y]).sum()
    if mean_loss:
        loss = loss / n
    onehot = np.eye(p.shape[1])[y] if onehot_eye else None
    if onehot is None:
        ds = p.copy()
        ds[np.arange(n), y] -= 1
    else:
        ds = p - onehot
    ds = sign * ds
    if mean_grad:
        ds = ds / n
    dW2 = (h if use_h else z1).T @ ds
    db2 = ds.sum(axis=0)
    dh = ds @ (W2.T if w2t else W2)
    if mask == "z":
        dz1 = dh * (z1 > 0)
    elif mask == "h":
        dz1 = dh * (h > 0)
    elif mask == "where":
        dz1 = np.where(z1 > 0, dh, 0.0)
    elif mask == "dh":
        dz1 = dh * (dh > 0)
    else:
        dz1 = dh
    dW1 = np.einsum("nd,nh->dh", X, dz1) if einsum else X.T @ dz1
    db1 = dz1.sum(axis=0, keepdims=keep_b1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


@case("two_layer_net", True)
def two_layer_net_ok_standard(X, y, params):
    return _tln(X, y, params)


@case("two_layer_net", True)
def two_layer_net_ok_log_sum_exp(X, y, params):
    return _tln(X, y, params, lse=True)


@case("two_layer_net", True)
def two_layer_net_ok_mask_from_h(X, y, params):
    return _tln(X, y, params, mask="h")


@case("two_layer_net", True)
def two_layer_net_ok_where_and_one_hot(X, y, params):
    return _tln(X, y, params, mask="where", onehot_eye=True)


@case("two_layer_net", True)
def two_layer_net_ok_einsum(X, y, params):
    return _tln(X, y, params, einsum=True)


@case("two_layer_net", True)
def two_layer_net_ok_nnlib_softmax_tuple_grads_order(X, y, params):
    from nnlib.functional import softmax
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    n = len(y)
    z1 = X @ W1 + b1
    h = z1 * (z1 > 0)
    p = softmax(h @ W2 + b2)
    loss = np.mean(-np.log(p[np.arange(n), y]))
    ds = (p - np.eye(W2.shape[1])[y]) / n
    dz1 = (ds @ W2.T) * (z1 > 0)
    return loss, dict(b2=ds.sum(0), W2=h.T @ ds, b1=dz1.sum(0), W1=X.T @ dz1)


@case("two_layer_net", False, hint=r"relu")
def two_layer_net_bad_no_relu_mask(X, y, params):
    return _tln(X, y, params, mask=None)


@case("two_layer_net", False, hint=r"pre\-activation")
def two_layer_net_bad_dW2_from_z1(X, y, params):
    return _tln(X, y, params, use_h=False)


@case("two_layer_net", False, hint=r"divide\ by\ N")
def two_layer_net_bad_summed_loss(X, y, params):
    return _tln(X, y, params, mean_loss=False)


@case("two_layer_net", False, hint=r"divide\ dscores\ by\ N")
def two_layer_net_bad_grads_of_sum(X, y, params):
    return _tln(X, y, params, mean_grad=False)


@case("two_layer_net", False, hint=r"relu")
def two_layer_net_bad_no_relu(X, y, params):
    return _tln(X, y, params, relu=False)


@case("two_layer_net", False, hint=r"W2\ \(H,\ C\)")
def two_layer_net_bad_W2_not_transposed(X, y, params):
    return _tln(X, y, params, w2t=False)


@case("two_layer_net", False, hint=r"keepdims")
def two_layer_net_bad_b1_keepdims(X, y, params):
    return _tln(X, y, params, keep_b1=True)


@case("two_layer_net", False, hint=r"sign")
def two_layer_net_bad_sign(X, y, params):
    return _tln(X, y, params, sign=-1.0)


@case("two_layer_net", False, hint=r"axis")
def two_layer_net_bad_softmax_axis0(X, y, params):
    return _tln(X, y, params, softmax_axis=0)


@case("two_layer_net", False, hint=r"not\ from\ the\ gradient")
def two_layer_net_bad_mask_from_dh(X, y, params):
    return _tln(X, y, params, mask="dh")


@case("two_layer_net", False, hint=r"params")
def two_layer_net_bad_updates_params(X, y, params):
    loss, grads = _tln(X, y, params)
    for k in params:
        params[k] -= 0.1 * grads[k]
    return loss, grads


@case("two_layer_net", False, hint=r"twice")
def two_layer_net_bad_db2_averaged(X, y, params):
    loss, g = _tln(X, y, params)
    g["b2"] = g["b2"] / len(y)
    return loss, g


@case("two_layer_net", False, hint=r"dict")
def two_layer_net_bad_grads_tuple(X, y, params):
    loss, g = _tln(X, y, params)
    return loss, (g["W1"], g["b1"], g["W2"], g["b2"])


@case("two_layer_net", False, hint=r"W1")
def two_layer_net_bad_key_names(X, y, params):
    loss, g = _tln(X, y, params)
    return loss, {"dW1": g["W1"], "db1": g["b1"], "dW2": g["W2"], "db2": g["b2"]}


# ---------------------------------------------------------------------------------------------
# backprop (Nielsen: all-sigmoid, quadratic cost 1/(2N) sum ||a_L - Y||^2)
# ---------------------------------------------------------------------------------------------


def _bp(weights, biases, X, Y, *, out_sp=True, hid_sp=True, sp_of_a=False, mean=True, two=False,
        wt=True, reverse=False, keep_b=False, mean_each_layer=False, gw_from_z=False,
        use_zs=False):
    acts, zs = [X], []
    for W, b in zip(weights, biases):
        zs.append(acts[-1] @ W + b)
        acts.append(_sig(zs[-1]))

    def sp(i):  # sigma'(z_i) of layer i (0-based, output of weights[i])
        if use_zs:
            s = _sig(zs[i])
        else:
            s = _sig(acts[i + 1]) if sp_of_a else acts[i + 1]
        return s * (1 - s)

    n = X.shape[0]
    L = len(weights)
    delta = (acts[-1] - Y) * (2.0 if two else 1.0)
    if mean:
        delta = delta / n
    if out_sp:
        delta = delta * sp(L - 1)
    gw, gb = [], []
    for l in range(L - 1, -1, -1):
        gb.append(delta.sum(axis=0, keepdims=keep_b))
        gw.append((zs[l - 1] if (gw_from_z and l > 0) else acts[l]).T @ delta)
        if l > 0:
            delta = delta @ (weights[l].T if wt else weights[l])
            if hid_sp:
                delta = delta * sp(l - 1)
            if mean_each_layer:
                delta = delta / n
    if not reverse:
        gw.reverse()
        gb.reverse()
    return gw, gb


@case("backprop", True)
def backprop_ok_standard(weights, biases, X, Y):
    return _bp(weights, biases, X, Y)


@case("backprop", True)
def backprop_ok_sigma_prime_of_z(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, use_zs=True)


@case("backprop", True)
def backprop_ok_per_sample_like_nielsen(weights, biases, X, Y):
    n = X.shape[0]
    gw = [np.zeros(W.shape) for W in weights]
    gb = [np.zeros(b.shape) for b in biases]
    for x, y in zip(X, Y):
        acts = [x]
        for W, b in zip(weights, biases):
            acts.append(_sig(acts[-1] @ W + b))
        delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
        for l in range(len(weights) - 1, -1, -1):
            gw[l] += np.outer(acts[l], delta)
            gb[l] += delta
            if l > 0:
                delta = (weights[l] @ delta) * acts[l] * (1 - acts[l])
    return [g / n for g in gw], [g / n for g in gb]


@case("backprop", True)
def backprop_ok_prepend_and_einsum(weights, biases, X, Y):
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(_sig(np.einsum("ni,io->no", acts[-1], W) + b))
    delta = (acts[-1] - Y) * acts[-1] * (1 - acts[-1]) / len(X)
    grad_w, grad_b = [], []
    for l in reversed(range(len(weights))):
        grad_w.insert(0, np.einsum("ni,no->io", acts[l], delta))
        grad_b.insert(0, np.einsum("no->o", delta))
        delta = np.einsum("no,io->ni", delta, weights[l]) * acts[l] * (1 - acts[l])
    return grad_w, grad_b


@case("backprop", True)
def backprop_ok_tuples(weights, biases, X, Y):
    gw, gb = _bp(weights, biases, X, Y)
    return tuple(gw), tuple(gb)


@case("backprop", False, hint=r"BP1")
def backprop_bad_no_output_sigma_prime(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, out_sp=False)


@case("backprop", False, hint=r"BP2")
def backprop_bad_no_hidden_sigma_prime(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, hid_sp=False)


@case("backprop", False, hint=r"sigmoid\ once\ more")
def backprop_bad_sigma_prime_of_a(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, sp_of_a=True)


@case("backprop", False, hint=r"divide")
def backprop_bad_no_mean(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, mean=False)


@case("backprop", False, hint=r"1/2")
def backprop_bad_factor_two(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, two=True)


@case("backprop", False, hint=r"shape")
def backprop_bad_no_transpose(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, wt=False)


@case("backprop", False, hint=r"order")
def backprop_bad_reversed(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, reverse=True)


@case("backprop", False, hint=r"keepdims")
def backprop_bad_bias_keepdims(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, keep_b=True)


@case("backprop", False, hint=r"once")
def backprop_bad_mean_at_every_layer(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, mean_each_layer=True)


@case("backprop", False, hint=r"not\ its\ weighted\ input")
def backprop_bad_grad_w_from_z(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, gw_from_z=True)


@case("backprop", False, hint=r"in\ place")
def backprop_bad_updates_weights(weights, biases, X, Y):
    gw, gb = _bp(weights, biases, X, Y)
    for W, g in zip(weights, gw):
        W -= 0.5 * g
    return gw, gb


# ---------------------------------------------------------------------------------------------
# numerical_gradient (f takes no arguments and reads x)
# ---------------------------------------------------------------------------------------------


@case("numerical_gradient", True)
def numerical_gradient_ok_ndindex(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


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


@case("numerical_gradient", False, hint=r"forward\ difference")
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


@case("numerical_gradient", False, hint=r"step\ h")
def numerical_gradient_bad_ignores_h(f, x, h=1e-5):
    return numerical_gradient_ok_ndindex(f, x, 1e-5)


@case("numerical_gradient", False, hint=r"at\ once")
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


@case("numerical_gradient", False, hint=r"one\ entry\ at\ a\ time")
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


# ---------------------------------------------------------------------------------------------
# More cases of the exercises above
# ---------------------------------------------------------------------------------------------


@case("sigmoid_backward", True)
def sigmoid_backward_ok_sigmoid_backward(dout, z):
    return F.sigmoid_backward(dout, z)


@case("sigmoid_backward", True)
def sigmoid_backward_ok_sigmoid(d, z):
    return d * sigmoid(z) * (1 - sigmoid(z))


@case("sigmoid_backward", True)
def sigmoid_backward_ok_sigmoid_2(d, z):
    return d * sigmoid(z) * sigmoid(-z)


@case("sigmoid_backward", True)
def sigmoid_backward_ok_exp(d, z):
    return d * np.exp(-z) / (1 + np.exp(-z)) ** 2


@case("relu_backward", True)
def relu_backward_ok_relu_backward(dout, z):
    return F.relu_backward(dout, z)


@case("relu_backward", True)
def relu_backward_ok_plain(d, z):
    return d * (z > 0)


@case("relu_backward", True)
def relu_backward_ok_where_2(d, z):
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
def relu_backward_ok_heaviside_2(d, z):
    return d * np.heaviside(z, 0)


@case("dense_backward", True)
def dense_backward_ok_dense_backward(dout, x, W):
    return F.dense_backward(dout, x, W)


@case("dense_backward", True)
def dense_backward_ok_dense_bw_einsum(dout, x, W):
    return (np.einsum("nh,dh->nd", dout, W), np.einsum("nd,nh->dh", x, dout),
            np.einsum("nh->h", dout))


@case("dense_backward", True)
def dense_backward_ok_dense_bw_list(dout, x, W):
    return [np.dot(dout, W.T), np.dot(x.T, dout), np.sum(dout, axis=0)]


@case("dense_backward", True)
def dense_backward_ok_dense_bw_float32(dout, x, W):
    return tuple(g.astype(np.float32) for g in F.dense_backward(dout, x, W))


@case("two_layer_net", True)
def two_layer_net_ok_nets_two_layer_net(X, y, params):
    return nets.two_layer_net(X, y, params)


@case("two_layer_net", True)
def two_layer_net_ok_two_layer_net(X, y, params):
    return two_layer_net(X, y, params)


@case("two_layer_net", True)
def two_layer_net_ok_two_layer_relu_from_output(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    h = np.maximum(X @ W1 + b1, 0)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(n), y].mean()
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    d /= n
    dh = d @ W2.T
    dh[h <= 0] = 0  # mask from the output: the same as from the input
    return loss, {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ d, "b2": d.sum(0)}


@case("backprop", True)
def backprop_ok_nets_backprop(weights, biases, X, Y):
    return nets.backprop(weights, biases, X, Y)


@case("backprop", True)
def backprop_ok_backprop(weights, biases, X, Y):
    return backprop(weights, biases, X, Y)


@case("backprop", True)
def backprop_ok_backprop_per_sample(weights, biases, X, Y):
    """Nielsen's per-example loop, averaged: slow but valid."""
    gw = [np.zeros_like(W) for W in weights]
    gb = [np.zeros_like(b) for b in biases]
    for x, yv in zip(X, Y):
        w1, b1 = backprop(weights, biases, x[None, :], yv[None, :])
        for l in range(len(weights)):
            gw[l] += w1[l] / len(X)
            gb[l] += b1[l] / len(X)
    return gw, gb


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


@case("sigmoid_backward", False, hint=r"z as if it were sigmoid")
def sigmoid_backward_bad_as_if_it_were(d, z):
    return d * z * (1 - z)


@case("sigmoid_backward", False, hint=r"dout")
def sigmoid_backward_bad_dout(d, z):
    return sigmoid(z) * (1 - sigmoid(z))


@case("sigmoid_backward", False, hint=r"s \* \(1 - s\)")
def sigmoid_backward_bad_s(d, z):
    return d * sigmoid(z)


@case("sigmoid_backward", False, hint=r"tanh|s \* \(1 - s\)")
def sigmoid_backward_bad_tanh_s(d, z):
    return d * (1 - np.tanh(z) ** 2)


@case("relu_backward", False, hint=r"z > 0, not z >= 0")
def relu_backward_bad_not(d, z):
    return d * (z >= 0)


@case("relu_backward", False, hint=r"by dout")
def relu_backward_bad_by_dout(d, z):
    return (z > 0).astype(float)


@case("relu_backward", False, hint=r"not from dout")
def relu_backward_bad_not_from_dout(d, z):
    return d * (d > 0)


@case("relu_backward", False, hint=r"in place")
def relu_backward_bad_relu_bw_inplace(dout, z):
    dout[z <= 0] = 0
    return dout


@case("relu_backward", False, hint=r"0/1 mask")
def relu_backward_bad_mask(d, z):
    return d * np.maximum(z, 0)


@case("relu_backward", False, hint=r"must be 0 where z <= 0")
def relu_backward_bad_must_be_where(d, z):
    return d


@case("dense_backward", False, hint=r"W.T")
def dense_backward_bad_t(d, x, W):
    return (d @ W, x.T @ d, d.sum(axis=0))


@case("dense_backward", False, hint=r"transposed|W's shape")
def dense_backward_bad_transposed_s_shape(d, x, W):
    return (d @ W.T, d.T @ x, d.sum(axis=0))


@case("dense_backward", False, hint=r"axis 0")
def dense_backward_bad_plain(d, x, W):
    return (d @ W.T, x.T @ d, d.sum(axis=1))


@case("dense_backward", False, hint=r"keepdims")
def dense_backward_bad_plain_2(d, x, W):
    return (d @ W.T, x.T @ d, d.sum(axis=0, keepdims=True))


@case("dense_backward", False, hint=r"do not average")
def dense_backward_bad_do_not_average(d, x, W):
    return (d @ W.T, x.T @ d, d.mean(axis=0))


@case("dense_backward", False, hint=r"order")
def dense_backward_bad_order_2(d, x, W):
    return (x.T @ d, d @ W.T, d.sum(axis=0))


@case("dense_backward", False, hint=r"Do not divide by N")
def dense_backward_bad_do_not_divide_by(d, x, W):
    return (d @ W.T, x.T @ d / len(x), d.sum(axis=0))


@case("dense_backward", False, hint=r"tuple of 3")
def dense_backward_bad_tuple_of(d, x, W):
    return (d @ W.T, x.T @ d)


@case("two_layer_net", False, hint=r"ReLU")
def two_layer_net_bad_relu(X, y, p):
    return two_layer_net(X, y, p, mask=False)


@case("two_layer_net", False, hint=r"after the ReLU")
def two_layer_net_bad_after_the_relu(X, y, p):
    return two_layer_net(X, y, p, h_for_dW2=False)


@case("two_layer_net", False, hint=r"Divide by N")
def two_layer_net_bad_divide_by_n(X, y, p):
    return two_layer_net(X, y, p, mean_loss=False)


@case("two_layer_net", False, hint=r"summed loss|divide dscores")
def two_layer_net_bad_summed_loss_divide_dscores(X, y, p):
    return two_layer_net(X, y, p, mean_grad=False)


@case("two_layer_net", False, hint=r"needs its ReLU|forget the ReLU")
def two_layer_net_bad_needs_its_relu_forget(X, y, p):
    return two_layer_net(X, y, p, relu=False)


@case("two_layer_net", False, hint=r"tuple of 2")
def two_layer_net_bad_tuple_of(X, y, p):
    return two_layer_net(X, y, p)[1]


@case("two_layer_net", False, hint=r"dict")
def two_layer_net_bad_dict(X, y, p):
    return (two_layer_net(X, y, p)[0], list(two_layer_net(X, y, p)[1].values()))


@case("backprop", False, hint=r"BP1")
def backprop_bad_bp1(w, b, X, Y):
    return backprop(w, b, X, Y, bp1_sigma=False)


@case("backprop", False, hint=r"BP2")
def backprop_bad_bp2(w, b, X, Y):
    return backprop(w, b, X, Y, bp2_sigma=False)


@case("backprop", False, hint=r"divide by N|summed cost")
def backprop_bad_divide_by_n_summed(w, b, X, Y):
    return backprop(w, b, X, Y, mean=False)


@case("backprop", False, hint=r"1/2")
def backprop_bad_bp_half(weights, biases, X, Y):
    return backprop(weights, biases, X, Y, half=False)


@case("backprop", False, hint=r"sigmoid once more")
def backprop_bad_sigmoid_once_more(w, b, X, Y):
    return backprop(w, b, X, Y, sigma_of_a=True)


@case("backprop", False, hint=r"reverse order")
def backprop_bad_reverse_order(w, b, X, Y):
    return backprop(w, b, X, Y, reverse=True)


@case("numerical_gradient", False, hint=r"forward difference")
def numerical_gradient_bad_numgrad_forward(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f() - base) / h
        x[i] = old
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


@case("numerical_gradient", False, hint=r"one entry at a time")
def numerical_gradient_bad_numgrad_rows(f, x, h=1e-5):
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
