"""Learner implementations of sheet 3 (ex03_backprop), part 2: the two networks,
two_layer_net and backprop. Valid ones must pass; mistakes must fail with a report matching
``hint`` (a regular expression, searched case-insensitively). Run by
tests/test_grading_catalog.py."""

import numpy as np

from nnlib import nets

from .cases import case
from .independent import backprop, two_layer_net


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _sig(z):
    return 1 / (1 + np.exp(-z))


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


# ---------------------------------------------------------------------------------------------
# two_layer_net
# ---------------------------------------------------------------------------------------------


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


@case("two_layer_net", False, hint=r"divide by N")
def two_layer_net_bad_summed_loss(X, y, params):
    return _tln(X, y, params, mean_loss=False)


@case("two_layer_net", False, hint=r"divide dscores by N")
def two_layer_net_bad_grads_of_sum(X, y, params):
    return _tln(X, y, params, mean_grad=False)


@case("two_layer_net", False, hint=r"relu")
def two_layer_net_bad_no_relu(X, y, params):
    return _tln(X, y, params, relu=False)


@case("two_layer_net", False, hint=r"W2 \(H, C\)")
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


@case("two_layer_net", False, hint=r"not from the gradient")
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


# ---------------------------------------------------------------------------------------------
# backprop (Nielsen: all-sigmoid, quadratic cost 1/(2N) sum ||a_L - Y||^2)
# ---------------------------------------------------------------------------------------------


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


@case("backprop", False, hint=r"sigmoid once more")
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


@case("backprop", False, hint=r"not its weighted input")
def backprop_bad_grad_w_from_z(weights, biases, X, Y):
    return _bp(weights, biases, X, Y, gw_from_z=True)


@case("backprop", False, hint=r"in place")
def backprop_bad_updates_weights(weights, biases, X, Y):
    gw, gb = _bp(weights, biases, X, Y)
    for W, g in zip(weights, gw):
        W -= 0.5 * g
    return gw, gb


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
