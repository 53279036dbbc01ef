"""Tests of nnlib.grading: every exercise rejects plausible mistakes (naming them) and accepts
valid alternative implementations; the result object, timeouts, exceptions, mutation and
global-random-state detection behave as documented.

Everything here runs in-process and takes a few seconds. Notebook execution is in
tests/test_exercises.py.
"""

import math
import re
import threading

import numpy as np
import pytest

from nnlib import functional as F
from nnlib import gradcheck, init, losses, nets, optim, regularization
from nnlib.grading import CheckResult, check, exercise_ids, results

# ---------------------------------------------------------------------------------------------
# Correct implementations, written independently of nnlib (nnlib's own are in VALID below)
# ---------------------------------------------------------------------------------------------


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def two_layer_net(X, y, params, *, mask=True, h_for_dW2=True, mean_loss=True, mean_grad=True,
                  relu=True):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0) if relu else z1
    probs = softmax(h @ W2 + b2)
    loss = -np.sum(np.log(probs[np.arange(n), y])) / (n if mean_loss else 1)
    d = probs.copy()
    d[np.arange(n), y] -= 1
    d /= n if mean_grad else 1
    dW2 = (h if h_for_dW2 else z1).T @ d
    dh = d @ W2.T
    dz1 = dh * (z1 > 0) if mask else dh
    return loss, {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": dW2, "b2": d.sum(axis=0)}


def backprop(weights, biases, X, Y, *, bp1_sigma=True, bp2_sigma=True, mean=True, half=True,
             sigma_of_a=False, reverse=False):
    acts, zs = [X], []
    for W, b in zip(weights, biases):
        zs.append(acts[-1] @ W + b)
        acts.append(sigmoid(zs[-1]))

    def sp(l):
        s = sigmoid(acts[l]) if sigma_of_a else acts[l]
        return s * (1 - s)

    L = len(weights)
    gw, gb = [None] * L, [None] * L
    delta = (acts[-1] - Y) * (sp(L) if bp1_sigma else 1)
    delta = delta / (X.shape[0] if mean else 1) * (1 if half else 2)
    for l in range(L - 1, -1, -1):
        gw[l] = acts[l].T @ delta
        gb[l] = delta.sum(axis=0)
        if l > 0:
            delta = (delta @ weights[l].T) * (sp(l) if bp2_sigma else 1)
    if reverse:
        return gw[::-1], gb[::-1]
    return gw, gb


def numerical_gradient(f, x, h=1e-5):
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


# ---------------------------------------------------------------------------------------------
# Valid alternatives: every one must pass
# ---------------------------------------------------------------------------------------------


def _softmax_lse(z):
    m = z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return np.exp(z - lse)


def _softmax_loop(z):
    out = np.empty_like(z)
    for i, row in enumerate(z):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out


def _softmax_float32(z):
    z = z.astype(np.float32)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid_stable(z):
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


def _ce_onehot(probs, y):
    Y = np.eye(probs.shape[1])[y]
    return -np.sum(Y * np.log(probs)) / probs.shape[0]


def _ce_loop(probs, y):
    total = 0.0
    for i in range(len(y)):
        total -= math.log(probs[i, y[i]])
    return total / len(y)


def _ce_clip(probs, y):
    p = np.clip(probs[np.arange(len(y)), y], 1e-12, 1.0)
    return np.array(-np.log(p).mean())  # a 0-d array is a number too


def _scebw_onehot(probs, y):
    return (probs - np.eye(probs.shape[1])[y]) / probs.shape[0]


def _scebw_where(probs, y):
    onehot = np.arange(probs.shape[1])[None, :] == y[:, None]
    return np.where(onehot, probs - 1, probs) / len(y)


def _relu_bw_inplace_copy(dout, z):
    dz = dout.copy()
    dz[z <= 0] = 0
    return dz


def _dense_bw_einsum(dout, x, W):
    return (np.einsum("nh,dh->nd", dout, W), np.einsum("nd,nh->dh", x, dout),
            np.einsum("nh->h", dout))


def _dense_bw_list(dout, x, W):
    return [np.dot(dout, W.T), np.dot(x.T, dout), np.sum(dout, axis=0)]


def _dense_bw_float32(dout, x, W):
    return tuple(g.astype(np.float32) for g in F.dense_backward(dout, x, W))


def _two_layer_relu_from_output(X, y, params):
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


def _backprop_per_sample(weights, biases, X, Y):
    """Nielsen's per-example loop, averaged: slow but valid."""
    gw = [np.zeros_like(W) for W in weights]
    gb = [np.zeros_like(b) for b in biases]
    for x, yv in zip(X, Y):
        w1, b1 = backprop(weights, biases, x[None, :], yv[None, :])
        for l in range(len(weights)):
            gw[l] += w1[l] / len(X)
            gb[l] += b1[l] / len(X)
    return gw, gb


def _numgrad_flat(f, x, h=1e-5):
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


def _numgrad_arith_restore(f, x, h=1e-5):
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


def _numgrad_cs231n(f, x, h=1e-5):
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


def _numgrad_copies(f, x, h=1e-5):
    """Copies instead of nudging x, with f evaluated at the copies."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


def _sgd_copy(param, grad, lr):
    return param - lr * grad


def _sgd_inplace_subtract(param, grad, lr):
    np.subtract(param, lr * grad, out=param)
    return param


def _xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def _xavier_std_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))


def _xavier_transposed_draw(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_out, fan_in)).T


def _he_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def _he_float32(fan_in, fan_out, rng):
    return (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)).astype(np.float32)


def _dropout_binomial(x, p, rng):
    mask = rng.binomial(1, 1 - p, size=x.shape) / (1 - p)
    return x * mask, mask


def _dropout_less_than(x, p, rng):
    mask = (rng.random(x.shape) < 1 - p).astype(x.dtype) / (1 - p)
    return x * mask, mask


def _dropout_where(x, p, rng):
    keep = rng.uniform(size=x.shape) > p
    mask = np.where(keep, 1 / (1 - p), 0.0)
    return np.where(keep, x / (1 - p), 0.0), mask


def _dropout_choice(x, p, rng):
    mask = rng.choice(np.array([0.0, 1 / (1 - p)]), size=x.shape, p=[p, 1 - p])
    return x * mask, mask


def _l2_einsum(W, lam):
    return 0.5 * lam * np.einsum("ij,ij->", W, W), lam * W


def _l2_norm(W, lam):
    return float(0.5 * lam * np.linalg.norm(W) ** 2), lam * W


VALID = {
    "sigmoid": [F.sigmoid, sigmoid, _sigmoid_stable, lambda z: 0.5 * (1 + np.tanh(z / 2)),
                lambda z: np.exp(-np.logaddexp(0, -z)), lambda z: np.exp(z) / (1 + np.exp(z)),
                lambda z: 1 / (1 + np.exp(-z.astype(np.float32)))],
    "relu": [F.relu, lambda z: np.where(z > 0, z, 0.0), lambda z: z * (z > 0),
             lambda z: np.clip(z, 0, None), lambda z: (np.abs(z) + z) / 2,
             lambda z: np.maximum(0.0, z)],
    "dense_forward": [F.dense_forward, lambda x, W, b: np.dot(x, W) + b,
                      lambda x, W, b: np.einsum("nd,dh->nh", x, W) + b,
                      lambda x, W, b: (W.T @ x.T).T + b[None, :],
                      lambda x, W, b: x.dot(W) + b.reshape(1, -1)],
    "softmax": [F.softmax, softmax, _softmax_lse, _softmax_loop, _softmax_float32,
                lambda z: np.exp(F.log_softmax(z))],
    "cross_entropy": [lambda p, y: losses.cross_entropy(p, y), _ce_onehot, _ce_loop, _ce_clip,
                      lambda p, y: -np.mean(np.log(p[range(len(y)), y])),
                      lambda p, y: -np.log(np.take_along_axis(p, y[:, None], axis=1)).mean()],
    "softmax_cross_entropy_backward": [losses.softmax_cross_entropy_backward, _scebw_onehot,
                                       _scebw_where],
    "sigmoid_backward": [F.sigmoid_backward, lambda d, z: d * sigmoid(z) * (1 - sigmoid(z)),
                         lambda d, z: d * sigmoid(z) * sigmoid(-z),
                         lambda d, z: d * np.exp(-z) / (1 + np.exp(-z)) ** 2],
    "relu_backward": [F.relu_backward, lambda d, z: d * (z > 0), lambda d, z: np.where(z > 0, d, 0),
                      _relu_bw_inplace_copy, lambda d, z: d * (np.maximum(z, 0) > 0),
                      lambda d, z: d * np.heaviside(z, 0)],
    "dense_backward": [F.dense_backward, _dense_bw_einsum, _dense_bw_list, _dense_bw_float32],
    "two_layer_net": [nets.two_layer_net, two_layer_net, _two_layer_relu_from_output],
    "backprop": [nets.backprop, backprop, _backprop_per_sample],
    "numerical_gradient": [gradcheck.numerical_gradient, numerical_gradient, _numgrad_flat,
                           _numgrad_arith_restore, _numgrad_cs231n, _numgrad_copies],
    "sgd_step": [optim.sgd_step, _sgd_copy, _sgd_inplace_subtract],
    "xavier_init": [init.xavier_init, init.xavier_normal, init.xavier_uniform, _xavier_uniform,
                    _xavier_std_normal, _xavier_transposed_draw],
    "he_init": [init.he_init, init.he_normal, init.he_uniform, _he_uniform, _he_float32],
    "dropout_forward": [F.dropout_forward, _dropout_binomial, _dropout_less_than, _dropout_where,
                        _dropout_choice],
    "dropout_backward": [F.dropout_backward, lambda d, m: np.multiply(d, m),
                         lambda d, m: np.where(m != 0, d * m, 0.0)],
    "l2_penalty": [regularization.l2_penalty, _l2_einsum, _l2_norm,
                   lambda W, lam: (lam * np.sum(W ** 2) / 2, lam * W.copy())],
}


@pytest.mark.parametrize("exercise_id", list(VALID))
def test_valid_alternatives_pass(exercise_id):
    for i, fn in enumerate(VALID[exercise_id]):
        result = check(exercise_id, fn)
        assert result.passed, f"valid alternative {i} of {exercise_id} rejected:\n{result}"


def test_every_exercise_has_valid_and_mistaken_implementations():
    assert set(VALID) == set(exercise_ids()) == set(MISTAKES)
    assert all(len(MISTAKES[e]) >= 3 for e in MISTAKES)


# ---------------------------------------------------------------------------------------------
# Mistakes: each is rejected, and the report names it (a regular expression on the hint/reason)
# ---------------------------------------------------------------------------------------------


def _unstable_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_axis0(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_no_keepdims(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


def _softmax_global_max(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def _scebw_inplace(probs, y):
    probs[np.arange(len(y)), y] -= 1
    return probs / len(y)


def _scebw_columns(probs, y):
    d = probs.copy()
    d[:, y] -= 1
    return d / len(y)


def _relu_inplace(z):
    z[z < 0] = 0
    return z


def _relu_bw_inplace(dout, z):
    dout[z <= 0] = 0
    return dout


def _numgrad_forward(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f() - base) / h
        x[i] = old
    return grad


def _numgrad_no_restore(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f()
        x[i] -= 2 * h
        fm = f()
        grad[i] = (fp - fm) / (2 * h)
    return grad


def _numgrad_fixed_h(f, x, h=1e-5):
    return numerical_gradient(f, x, 1e-5)


def _numgrad_over_h(f, x, h=1e-5):
    return numerical_gradient(f, x, h) * 2


def _numgrad_rows(f, x, h=1e-5):
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


def _numgrad_copy(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += h
        xm = x.copy()
        xm[i] -= h
        grad[i] = (f() - f()) / (2 * h)  # f reads x, not the copies
    return grad


def _numgrad_one_sided_at_edges(f, x, h=1e-5):
    """Backward differences: (f(x) - f(x - h)) / h."""
    grad = np.zeros(x.shape)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old - h
        grad[i] = (base - f()) / h
        x[i] = old
    return grad


def _sgd_plus(param, grad, lr):
    param += lr * grad
    return param


def _sgd_assign(param, grad, lr):
    param = lr * grad
    return param


def _sgd_no_return(param, grad, lr):
    param -= lr * grad


def _sgd_no_lr(param, grad, lr):
    return param - grad


def _sgd_mutates_grad(param, grad, lr):
    grad *= lr
    return param - grad


def _init_global(fan_in, fan_out, rng):
    return np.random.randn(fan_in, fan_out) * np.sqrt(2 / fan_in)


def _init_own_rng(fan_in, fan_out, rng):
    return np.random.default_rng(0).normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))


def _init_unseeded(fan_in, fan_out, rng):
    return np.random.default_rng().normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))


def _dropout_keep_prob(x, p, rng):
    mask = (rng.random(x.shape) < p) / (1 - p)
    return x * mask, mask


def _dropout_scale_p(x, p, rng):
    mask = (rng.random(x.shape) >= p) / p
    return x * mask, mask


def _dropout_no_scale(x, p, rng):
    mask = (rng.random(x.shape) >= p).astype(float)
    return x * mask, mask


def _dropout_vanilla(x, p, rng):
    mask = (rng.random(x.shape) >= p) * (1 - p)
    return x * mask, mask


def _dropout_one_row(x, p, rng):
    mask = (rng.random(x.shape[1]) >= p) / (1 - p)
    mask = np.broadcast_to(mask, x.shape).copy()
    return x * mask, mask


def _dropout_per_sample(x, p, rng):
    mask = (rng.random((x.shape[0], 1)) >= p) / (1 - p) * np.ones(x.shape)
    return x * mask, mask


def _dropout_global(x, p, rng):
    mask = (np.random.rand(*x.shape) >= p) / (1 - p)
    return x * mask, mask


def _dropout_fixed_count(x, p, rng):
    mask = np.ones(x.shape)
    k = int(round(p * x.shape[1]))
    for row in mask:
        row[rng.permutation(x.shape[1])[:k]] = 0
    mask /= 1 - p
    return x * mask, mask


def _dropout_bool_mask(x, p, rng):
    keep = rng.random(x.shape) >= p
    return x * keep / (1 - p), keep


def _bp_half(weights, biases, X, Y):
    return backprop(weights, biases, X, Y, half=False)


MISTAKES = {
    "sigmoid": [
        (lambda z: 1 / (1 + np.exp(z)), "minus sign"),
        (lambda z: 1 / 1 + np.exp(-z), "parentheses"),
        (lambda z: 1 / (1 + math.exp(-z)), "np.exp"),
        (lambda z: np.tanh(z), "tanh"),
        (lambda z: [1 / (1 + math.exp(-v)) for v in z], "list|NumPy array"),
    ],
    "relu": [
        (lambda z: np.max(z, 0), "np.maximum"),
        (lambda z: np.abs(z), "abs"),
        (_relu_inplace, "in place"),
        (lambda z: max(z, 0), "np.maximum"),
        (lambda z: z > 0, "True/False|mask"),
        (lambda z: np.minimum(z, 0), "max\\(0, z\\)"),
    ],
    "dense_forward": [
        (lambda x, W, b: x @ W, "bias b is missing"),
        (lambda x, W, b: x @ W.T + b, "W.T|transpose"),
        (lambda x, W, b: W @ x + b, "x @ W|shapes"),
        (lambda x, W, b: x @ W + b[:, None], "every row|shapes"),
        (lambda x, W, b: x * W + b, "shapes"),
    ],
    "softmax": [
        (_unstable_softmax, "row's maximum"),
        (_softmax_axis0, "axis"),
        (_softmax_no_keepdims, "keepdims"),
        (_softmax_global_max, "own maximum|row's maximum"),
        (lambda z: np.exp(z) / np.exp(z).sum(), "whole batch|row's maximum"),
        (lambda z: np.exp(z - z.max(axis=1, keepdims=True)), "normalized"),
    ],
    "cross_entropy": [
        (lambda p, y: -np.sum(np.log(p[np.arange(len(y)), y])), "Divide by N"),
        (lambda p, y: np.mean(np.log(p[np.arange(len(y)), y])), "minus sign"),
        (lambda p, y: -np.mean(np.log(p[:, y])), r"np\.arange\(N\), y"),
        (lambda p, y: -np.mean(np.eye(p.shape[1])[y] * np.log(p)), "N \\* C"),
        (lambda p, y: -np.mean(np.log10(p[np.arange(len(y)), y])), "natural log"),
        (lambda p, y: -np.log(p[np.arange(len(y)), y]), "single number"),
        (lambda p, y: -np.mean(np.log(p.max(axis=1))), "labels y"),
    ],
    "softmax_cross_entropy_backward": [
        (lambda p, y: p - np.eye(p.shape[1])[y], "Divide by N"),
        (lambda p, y: (np.eye(p.shape[1])[y] - p) / len(y), "probs - onehot"),
        (_scebw_inplace, "in place"),
        (_scebw_columns, "columns"),
        (lambda p, y: p / len(y) - np.eye(p.shape[1])[y], "whole difference"),
        (lambda p, y: (p - np.eye(p.shape[1])[y]) / p.shape[1], "Divide by N|not by C"),
    ],
    "sigmoid_backward": [
        (lambda d, z: d * z * (1 - z), "z as if it were sigmoid"),
        (lambda d, z: sigmoid(z) * (1 - sigmoid(z)), "dout"),
        (lambda d, z: d * sigmoid(z), r"s \* \(1 - s\)"),
        (lambda d, z: d * (1 - np.tanh(z) ** 2), "tanh|s \\* \\(1 - s\\)"),
    ],
    "relu_backward": [
        (lambda d, z: d * (z >= 0), "z > 0, not z >= 0"),
        (lambda d, z: (z > 0).astype(float), "by dout"),
        (lambda d, z: d * (d > 0), "not from dout"),
        (_relu_bw_inplace, "in place"),
        (lambda d, z: d * np.maximum(z, 0), "0/1 mask"),
        (lambda d, z: d, "must be 0 where z <= 0"),
    ],
    "dense_backward": [
        (lambda d, x, W: (d @ W, x.T @ d, d.sum(axis=0)), "W.T"),
        (lambda d, x, W: (d @ W.T, d.T @ x, d.sum(axis=0)), "transposed|W's shape"),
        (lambda d, x, W: (d @ W.T, x.T @ d, d.sum(axis=1)), "axis 0"),
        (lambda d, x, W: (d @ W.T, x.T @ d, d.sum(axis=0, keepdims=True)), "keepdims"),
        (lambda d, x, W: (d @ W.T, x.T @ d, d.mean(axis=0)), "do not average"),
        (lambda d, x, W: (x.T @ d, d @ W.T, d.sum(axis=0)), "order"),
        (lambda d, x, W: (d @ W.T, x.T @ d / len(x), d.sum(axis=0)), "Do not divide by N"),
        (lambda d, x, W: (d @ W.T, x.T @ d), "tuple of 3"),
    ],
    "two_layer_net": [
        (lambda X, y, p: two_layer_net(X, y, p, mask=False), "ReLU"),
        (lambda X, y, p: two_layer_net(X, y, p, h_for_dW2=False), "after the ReLU"),
        (lambda X, y, p: two_layer_net(X, y, p, mean_loss=False), "Divide by N"),
        (lambda X, y, p: two_layer_net(X, y, p, mean_grad=False), "summed loss|divide dscores"),
        (lambda X, y, p: two_layer_net(X, y, p, relu=False), "needs its ReLU|forget the ReLU"),
        (lambda X, y, p: two_layer_net(X, y, p)[1], "tuple of 2"),
        (lambda X, y, p: (two_layer_net(X, y, p)[0], list(two_layer_net(X, y, p)[1].values())),
         "dict"),
    ],
    "backprop": [
        (lambda w, b, X, Y: backprop(w, b, X, Y, bp1_sigma=False), "BP1"),
        (lambda w, b, X, Y: backprop(w, b, X, Y, bp2_sigma=False), "BP2"),
        (lambda w, b, X, Y: backprop(w, b, X, Y, mean=False), "divide by N|summed cost"),
        (_bp_half, "1/2"),
        (lambda w, b, X, Y: backprop(w, b, X, Y, sigma_of_a=True), "sigmoid once more"),
        (lambda w, b, X, Y: backprop(w, b, X, Y, reverse=True), "reverse order"),
    ],
    "numerical_gradient": [
        (_numgrad_forward, "forward difference"),
        (_numgrad_no_restore, "changed its input `x` in place.*not restored"),
        (_numgrad_fixed_h, "step h that is passed in"),
        (_numgrad_over_h, "2h"),
        (_numgrad_rows, "one entry at a time"),
        (_numgrad_copy, "f reads x itself"),
        (_numgrad_one_sided_at_edges, "forward difference|centered"),
    ],
    "sgd_step": [
        (_sgd_plus, "Wrong sign"),
        (_sgd_assign, "throws the old weights away"),
        (_sgd_no_return, "return param"),
        (_sgd_no_lr, "learning rate"),
        (_sgd_mutates_grad, "changed its input `grad`"),
    ],
    "xavier_init": [
        (lambda fi, fo, rng: rng.normal(0, 2 / (fi + fo), size=(fi, fo)), "square of the target"),
        (lambda fi, fo, rng: rng.normal(0, np.sqrt(2 / fi), size=(fi, fo)), "2 / fan_in"),
        (lambda fi, fo, rng: rng.normal(0, np.sqrt(1 / (fi + fo)), size=(fi, fo)), "factor 2"),
        (lambda fi, fo, rng: rng.uniform(-np.sqrt(2 / (fi + fo)), np.sqrt(2 / (fi + fo)),
                                         size=(fi, fo)), "a\\*\\*2 / 3"),
        (lambda fi, fo, rng: rng.normal(0, np.sqrt(2 / (fi + fo)), size=(fo, fi)),
         "fan_in, fan_out"),
        (_init_global, "global random state"),
        (lambda fi, fo, rng: np.sqrt(2 / (fi + fo)) * rng.random((fi, fo)), "centred on 0"),
        (lambda fi, fo, rng: np.tile(rng.normal(0, np.sqrt(2 / (fi + fo)), size=fo), (fi, 1)),
         "independently"),
        (lambda fi, fo, rng: rng.normal(0, np.sqrt(2 / fo), size=(fi, fo)), "2 / fan_out"),
        (lambda fi, fo, rng: rng.normal(0, np.sqrt(6 / (fi + fo)), size=(fi, fo)), "bound a"),
    ],
    "he_init": [
        (lambda fi, fo, rng: rng.normal(0, 2 / fi, size=(fi, fo)), "square of the target"),
        (lambda fi, fo, rng: rng.normal(0, (2 / fi) ** 0.25, size=(fi, fo)), "square root"),
        (lambda fi, fo, rng: rng.normal(0, np.sqrt(2 / fo), size=(fi, fo)), "fan_in"),
        (lambda fi, fo, rng: rng.normal(0, np.sqrt(1 / fi), size=(fi, fo)), "1 / fan_in"),
        (lambda fi, fo, rng: rng.normal(0, np.sqrt(2 / (fi + fo)), size=(fi, fo)), "Xavier"),
        (_init_own_rng, "ignores rng"),
        (_init_unseeded, "identically seeded"),
        (lambda fi, fo, rng: rng.normal(0, 0.01, size=(fi, fo)), "0.01"),
    ],
    "dropout_forward": [
        (_dropout_keep_prob, "swapped|DROPPING"),
        (_dropout_scale_p, "1/p|divide by p"),
        (_dropout_no_scale, "not 1"),
        (_dropout_vanilla, "vanilla"),
        (_dropout_one_row, "same mask"),
        (_dropout_per_sample, "one decision per entry"),
        (_dropout_global, "global random state"),
        (_dropout_fixed_count, "exactly"),
        (_dropout_bool_mask, "0 and 1/\\(1-p\\) as floats"),
        (lambda x, p, rng: F.dropout_forward(x, p, rng)[::-1], "order \\(out, mask\\)"),
    ],
    "dropout_backward": [
        (lambda d, m: d * (m != 0), "already carries"),
        (lambda d, m: d * m * 2, "2 times"),
        (lambda d, m: d, "Dropped units"),
        (lambda d, m: m, "multiply the upstream"),
    ],
    "l2_penalty": [
        (lambda W, lam: (lam * np.sum(W ** 2), lam * W), "factor 1/2"),
        (lambda W, lam: (0.5 * lam * np.sum(W ** 2), 2 * lam * W), "not 2 \\* lam \\* W"),
        (lambda W, lam: (0.5 * lam * np.mean(W ** 2), lam * W), "do not average"),
        (lambda W, lam: (lam * np.sum(np.abs(W)), lam * np.sign(W)), "L1"),
        (lambda W, lam: 0.5 * lam * np.sum(W ** 2), "tuple of 2"),
        (lambda W, lam: (0.5 * lam * np.sum(W ** 2, axis=0), lam * W), "single number"),
    ],
}


@pytest.mark.parametrize("exercise_id", list(MISTAKES))
def test_mistakes_are_rejected_and_named(exercise_id):
    for i, (fn, pattern) in enumerate(MISTAKES[exercise_id]):
        result = check(exercise_id, fn)
        assert not result.passed, f"mistake {i} ({pattern!r}) of {exercise_id} accepted"
        assert result.status in ("failed", "error")
        text = str(result)
        assert re.search(pattern, text, re.S), \
            f"mistake {i} of {exercise_id}: {pattern!r} not in\n{text}"


# ---------------------------------------------------------------------------------------------
# Statistical checks never flake: valid implementations with many different random streams
# pass, mistakes close to the target are always rejected (a one-off sweep with 2000 streams per
# implementation found no wrong verdict; this keeps a fast sample of it)
# ---------------------------------------------------------------------------------------------


def _restreamed(fn, k):
    """``fn`` drawing from a generator derived from ``rng`` and ``k``: deterministic for a given
    rng state (as the contract requires) but a different random stream for every ``k``."""
    def wrapped(*args):
        *rest, rng = args
        return fn(*rest, np.random.default_rng([k, int(rng.integers(2 ** 62))]))
    return wrapped


@pytest.mark.parametrize("exercise_id, fn", [
    ("xavier_init", init.xavier_normal), ("xavier_init", init.xavier_uniform),
    ("he_init", init.he_normal), ("he_init", init.he_uniform),
    ("dropout_forward", F.dropout_forward)])
def test_statistical_checks_accept_valid_implementations_on_many_streams(exercise_id, fn):
    for k in range(20):
        result = check(exercise_id, _restreamed(fn, k))
        assert result.passed, f"stream {k}:\n{result}"


@pytest.mark.parametrize("exercise_id, fn", [
    ("xavier_init", lambda fi, fo, rng: rng.normal(0, np.sqrt(2 / fo), size=(fi, fo))),
    ("he_init", lambda fi, fo, rng: rng.normal(0, np.sqrt(2 / (fi + fo)), size=(fi, fo))),
    ("dropout_forward", _dropout_keep_prob)])
def test_statistical_checks_reject_near_misses_on_many_streams(exercise_id, fn):
    for k in range(20):
        assert not check(exercise_id, _restreamed(fn, k)).passed


# ---------------------------------------------------------------------------------------------
# The result object and the framework
# ---------------------------------------------------------------------------------------------


def test_result_object_for_a_pass():
    result = check("relu", F.relu)
    assert isinstance(result, CheckResult)
    assert result.passed and bool(result) and result.status == "passed"
    assert result.hint is None and result.case is None
    text = str(result)
    assert text == repr(result) == result.report() == result.message
    assert text.startswith("relu: PASSED")
    html = result._repr_html_()
    assert "relu" in html and "passed" in html
    assert results["relu"] is result


def test_report_is_plain_text_and_html_is_escaped():
    def evil(z):
        raise ValueError("<script>alert('x')</script> & more")

    result = check("sigmoid", evil)
    assert result.status == "error"
    text, html = str(result), result._repr_html_()
    assert "<script>" in text and "\x1b" not in text
    assert "<script>" not in html and "&lt;script&gt;" in html and "\x1b" not in html
    assert "ValueError" in text


def test_exception_report_shows_the_learners_line():
    def my_softmax(z):
        e = np.exp(z)
        return e / e.sum(axis=1)  # broadcasting error for (N, C) with N != C

    result = check("softmax", my_softmax)
    assert result.status == "error"
    text = str(result)
    assert "ValueError" in text and "operands could not be broadcast" in text
    assert "return e / e.sum(axis=1)" in text and "my_softmax" in text
    assert "keepdims=True" in text  # the exercise's shape hint


def test_not_implemented_is_not_attempted():
    def sigmoid_stub(z):
        # YOUR CODE HERE
        raise NotImplementedError()

    result = check("sigmoid", sigmoid_stub)
    assert result.status == "not attempted" and not result.passed
    assert "Not attempted yet" in str(result)


def test_not_implemented_in_a_helper_is_an_error_naming_the_helper():
    def helper(z):
        raise NotImplementedError()

    def sigmoid_backward_(dout, z):
        s = helper(z)
        return dout * s * (1 - s)

    result = check("sigmoid_backward", sigmoid_backward_)
    assert result.status == "error" and "`helper`" in str(result)


def test_unknown_exercise_and_non_callable_do_not_raise():
    result = check("sigmod", F.sigmoid)
    assert result.status == "error" and "sigmoid" in result.hint
    result = check("sigmoid", F.sigmoid(np.zeros(3)))
    assert result.status == "failed" and "without calling it" in result.hint


def test_wrong_signature_is_explained():
    result = check("numerical_gradient", lambda f, x: numerical_gradient(f, x))
    assert result.status == "error" and "unexpected keyword argument" in str(result)
    assert "signature numerical_gradient(f, x" in result.hint


def test_a_hanging_function_is_stopped_in_the_main_thread():
    def forever(z):
        while True:
            pass

    assert threading.current_thread() is threading.main_thread()
    result = check("relu", forever, timeout=0.3)
    assert result.status == "error" and "did not finish within 0.3 s" in str(result)
    assert "infinite loop" in result.hint


def test_a_hanging_function_is_abandoned_in_a_worker_thread():
    stop = threading.Event()

    def until_stopped(z):
        while not stop.is_set():
            pass
        return z

    box = {}
    worker = threading.Thread(
        target=lambda: box.update(r=check("relu", until_stopped, timeout=0.3)))
    worker.start()
    worker.join(10)
    stop.set()  # let the abandoned call finish so it does not keep a core busy
    assert box["r"].status == "error" and "background" in box["r"].hint


def test_global_random_state_is_restored_and_learner_seeding_is_harmless():
    def seeds_globally(fan_in, fan_out, rng):
        np.random.seed(0)
        return rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))

    outer = np.random.get_state()
    try:
        np.random.seed(123)
        before = np.random.get_state()[1].copy()
        assert check("he_init", seeds_globally).passed  # its own seeding changes nothing
        assert np.array_equal(np.random.get_state()[1], before)
    finally:
        np.random.set_state(outer)


def test_results_are_logged_for_the_grade_command(tmp_path, monkeypatch):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("NNLIB_GRADE_LOG", str(log))
    check("relu", F.relu)
    check("sigmoid", lambda z: 1 / (1 + np.exp(z)))
    import json

    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["exercise"], r["status"]) for r in rows] == [("relu", "passed"),
                                                            ("sigmoid", "failed")]
    assert "minus sign" in rows[1]["hint"]


def test_a_grader_bug_is_reported_as_such(monkeypatch):
    from nnlib import grading

    def broken(t):
        raise RuntimeError("oops")

    monkeypatch.setattr(grading.EXERCISES["relu"], "checker", broken)
    result = check("relu", F.relu)
    assert result.status == "error" and "grader itself failed" in result.reason


def test_reports_never_show_reference_code():
    import inspect

    references = [F.sigmoid, F.relu, F.dense_forward, F.softmax, losses.cross_entropy,
                  losses.softmax_cross_entropy_backward, F.sigmoid_backward, F.relu_backward,
                  F.dense_backward, nets.two_layer_net, nets.backprop,
                  gradcheck.numerical_gradient, optim.sgd_step, init.xavier_normal,
                  init.he_normal, F.dropout_forward, F.dropout_backward, regularization.l2_penalty]
    body_lines = set()
    for ref in references:
        for line in inspect.getsource(ref).splitlines():
            line = line.split("#")[0].strip()
            if len(line) > 16 and not line.startswith(('"""', "def ", "return")) and "=" in line:
                body_lines.add(line)
    assert len(body_lines) > 20
    for exercise_id, mistakes in MISTAKES.items():
        for fn, _ in mistakes:
            text = str(check(exercise_id, fn))
            leaked = [line for line in body_lines if line in text]
            assert not leaked, f"{exercise_id} report shows reference code {leaked}"
