"""Learner implementations of sheet 10 (ex10_debugging): valid ones that must pass and mistakes
(the sheet's planted bugs left in, and new ones) that must fail with a hint naming them. Run by
tests/test_grading_catalog.py."""

import math

import numpy as np

from .cases import case


# ---------------------------------------------------------------------------------------------
# sigmoid_fixed
# ---------------------------------------------------------------------------------------------


@case("sigmoid_fixed", True)
def sigmoid_fixed_ok(z):
    return 1 / (1 + np.exp(-z))


@case("sigmoid_fixed", True)
def sigmoid_fixed_ok_tanh(z):
    return 0.5 * (1 + np.tanh(z / 2))


@case("sigmoid_fixed", True)
def sigmoid_fixed_ok_stable_where(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


@case("sigmoid_fixed", True)
def sigmoid_fixed_ok_one_minus(z):
    return 1 - 1 / (1 + np.exp(z))


@case("sigmoid_fixed", True)
def sigmoid_fixed_ok_exp_ratio(z):
    z = np.clip(z, -500, 500)
    return np.exp(z) / (1 + np.exp(z))


@case("sigmoid_fixed", False, hint=(r"bug is still there", r"minus sign", r"climbs"))
def sigmoid_fixed_bad_unchanged(z):
    return 1 / (1 + np.exp(z))


@case("sigmoid_fixed", False, hint=r"parentheses")
def sigmoid_fixed_bad_precedence(z):
    return 1 / 1 + np.exp(-z)


@case("sigmoid_fixed", False, hint=r"1 \+ exp\(-z\), not 1 - exp")
def sigmoid_fixed_bad_minus_denominator(z):
    return 1 / (1 - np.exp(-z))


@case("sigmoid_fixed", False, hint=r"inside the exponential")
def sigmoid_fixed_bad_minus_in_front(z):
    return -1 / (1 + np.exp(z))


@case("sigmoid_fixed", False, hint=r"tanh")
def sigmoid_fixed_bad_tanh(z):
    return np.tanh(z)


@case("sigmoid_fixed", False, hint=r"nan|inf")
def sigmoid_fixed_bad_ratio_overflow(z):
    return np.exp(z) / (1 + np.exp(z))


@case("sigmoid_fixed", False, hint=r"float32|dtype")
def sigmoid_fixed_bad_float32(z):
    return (1 / (1 + np.exp(-z))).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# update_fixed
# ---------------------------------------------------------------------------------------------


@case("update_fixed", True)
def update_fixed_ok_loop_keys(params, grads, lr):
    for key in params:
        params[key] -= lr * grads[key]
    return params


@case("update_fixed", True)
def update_fixed_ok_layers(params, grads, lr):
    n_layers = len(params) // 2
    for l in range(1, n_layers + 1):
        params["W" + str(l)] = params["W" + str(l)] - lr * grads["W" + str(l)]
        params["b" + str(l)] = params["b" + str(l)] - lr * grads["b" + str(l)]
    return params


@case("update_fixed", True)
def update_fixed_ok_dict_update(params, grads, lr):
    params.update({k: v - lr * grads[k] for k, v in params.items()})


@case("update_fixed", True)
def update_fixed_ok_subtract_out(params, grads, lr):
    for key, value in params.items():
        np.subtract(value, lr * grads[key], out=value)


@case("update_fixed", True)
def update_fixed_ok_items_of_grads(params, grads, lr):
    for key, g in grads.items():
        params[key] += -lr * g
    return None


@case("update_fixed", False, hint=(r"bug 1 is still there", r"bug 2 is still there", r"ln C"))
def update_fixed_bad_unchanged(params, grads, lr):
    n_layers = len(params) // 2
    for l in range(1, n_layers):
        params["W" + str(l)] = lr * grads["W" + str(l)]
        params["b" + str(l)] = lr * grads["b" + str(l)]
    return params


@case("update_fixed", False, hint=(r"bug 2 is still there", r"last layer"))
def update_fixed_bad_range_left(params, grads, lr):
    n_layers = len(params) // 2
    for l in range(1, n_layers):
        params["W" + str(l)] -= lr * grads["W" + str(l)]
        params["b" + str(l)] -= lr * grads["b" + str(l)]
    return params


@case("update_fixed", False, hint=(r"bug 1 is still there", r"gradient check passes"))
def update_fixed_bad_assign_left(params, grads, lr):
    for key in params:
        params[key] = lr * grads[key]
    return params


@case("update_fixed", False, hint=r"wrong sign")
def update_fixed_bad_ascent(params, grads, lr):
    for key in params:
        params[key] += lr * grads[key]


@case("update_fixed", False, hint=r"caller's dict")
def update_fixed_bad_new_dict(params, grads, lr):
    params = {k: v - lr * grads[k] for k, v in params.items()}
    return params


@case("update_fixed", False, hint=r"weights and the biases")
def update_fixed_bad_weights_only(params, grads, lr):
    for key in params:
        if key.startswith("W"):
            params[key] -= lr * grads[key]


@case("update_fixed", False, hint=r"throws the weights away")
def update_fixed_bad_negative_assign(params, grads, lr):
    for key in params:
        params[key] = -lr * grads[key]


@case("update_fixed", False, hint=r"learning rate")
def update_fixed_bad_no_lr(params, grads, lr):
    for key in params:
        params[key] -= grads[key]


@case("update_fixed", False, hint=r"grads must stay")
def update_fixed_bad_scales_grads(params, grads, lr):
    for key in params:
        grads[key] *= lr
        params[key] -= grads[key]


# ---------------------------------------------------------------------------------------------
# single_layer_forward_fixed
# ---------------------------------------------------------------------------------------------


def _relu(z):
    return np.maximum(z, 0)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@case("single_layer_forward_fixed", True)
def single_layer_forward_fixed_ok(A_prev, W, b, activation="relu"):
    Z = A_prev @ W + b
    if activation == "relu":
        activation_func = _relu
    elif activation == "sigmoid":
        activation_func = _sigmoid
    else:
        raise ValueError(f"unknown activation {activation!r}")
    return activation_func(Z), Z


@case("single_layer_forward_fixed", True)
def single_layer_forward_fixed_ok_dict(A_prev, W, b, activation="relu"):
    functions = {"relu": _relu, "sigmoid": _sigmoid}
    Z = np.dot(A_prev, W) + b
    return functions[activation](Z), Z


@case("single_layer_forward_fixed", True)
def single_layer_forward_fixed_ok_match(A_prev, W, b, activation="relu"):
    Z = A_prev @ W + b[None, :]
    match activation:
        case "relu":
            A = Z * (Z > 0)
        case "sigmoid":
            A = 0.5 * (1 + np.tanh(Z / 2))
        case _:
            raise Exception("Non-supported activation function")
    return A, Z


@case("single_layer_forward_fixed", True)
def single_layer_forward_fixed_ok_einsum(A_prev, W, b, activation="relu"):
    Z = np.einsum("nd,dk->nk", A_prev, W) + b
    if activation.strip().lower() == "sigmoid":
        return _sigmoid(Z), Z
    if activation.strip().lower() == "relu":
        return np.maximum(0, Z), Z
    raise KeyError(activation)  # an exception for unknown names, any kind


@case("single_layer_forward_fixed", False,
      hint=(r"bug 1 is still there", r"same object", r"SyntaxWarning"))
def single_layer_forward_fixed_bad_is(A_prev, W, b, activation="relu"):
    Z = A_prev @ W + b
    lit = {"relu": "relu", "sigmoid": "sigmoid"}  # `is "relu"` itself: a SyntaxWarning here
    if activation is lit["relu"]:
        return _relu(Z), Z
    elif activation is lit["sigmoid"]:
        return _sigmoid(Z), Z
    raise Exception("Non-supported activation function")


@case("single_layer_forward_fixed", False, hint=(r"bug 2 is still there", r"copy-and-paste"))
def single_layer_forward_fixed_bad_copy_paste(A_prev, W, b, activation="relu"):
    Z = A_prev @ W + b
    if activation == "relu":
        activation_func = _relu
    elif activation == "sigmoid":
        activation_func = _relu
    else:
        raise Exception("Non-supported activation function")
    return activation_func(Z), Z


@case("single_layer_forward_fixed", False, hint=r"without its minus sign")
def single_layer_forward_fixed_bad_old_sigmoid(A_prev, W, b, activation="relu"):
    Z = A_prev @ W + b
    if activation == "relu":
        return _relu(Z), Z
    if activation == "sigmoid":
        return 1 / (1 + np.exp(Z)), Z
    raise ValueError(activation)


@case("single_layer_forward_fixed", False, hint=r"column-major|transposed|shape")
def single_layer_forward_fixed_bad_column_major(A_prev, W, b, activation="relu"):
    Z = W.T @ A_prev.T + b[:, None]
    if activation == "relu":
        return _relu(Z), Z
    if activation == "sigmoid":
        return _sigmoid(Z), Z
    raise ValueError(activation)


@case("single_layer_forward_fixed", False, hint=r"order \(A, Z\)|swapped")
def single_layer_forward_fixed_bad_swapped(A_prev, W, b, activation="relu"):
    Z = A_prev @ W + b
    if activation == "relu":
        return Z, _relu(Z)
    if activation == "sigmoid":
        return Z, _sigmoid(Z)
    raise ValueError(activation)


@case("single_layer_forward_fixed", False, hint=r"hides a typo|must raise")
def single_layer_forward_fixed_bad_fallback(A_prev, W, b, activation="relu"):
    Z = A_prev @ W + b
    if activation == "sigmoid":
        return _sigmoid(Z), Z
    return _relu(Z), Z


@case("single_layer_forward_fixed", False, hint=r"Add the bias|bias b is missing")
def single_layer_forward_fixed_bad_no_bias(A_prev, W, b, activation="relu"):
    Z = A_prev @ W
    if activation == "relu":
        return _relu(Z), Z
    if activation == "sigmoid":
        return _sigmoid(Z), Z
    raise ValueError(activation)


@case("single_layer_forward_fixed", False, hint=r"pre-activation")
def single_layer_forward_fixed_bad_returns_A_twice(A_prev, W, b, activation="relu"):
    Z = A_prev @ W + b
    if activation == "relu":
        A = _relu(Z)
    elif activation == "sigmoid":
        A = _sigmoid(Z)
    else:
        raise ValueError(activation)
    return A, A


# ---------------------------------------------------------------------------------------------
# cost_fixed
# ---------------------------------------------------------------------------------------------


@case("cost_fixed", True)
def cost_fixed_ok_article_fixed(Y_hat, Y):
    m = Y_hat.shape[0]
    cost = -1 / m * (Y.T @ np.log(Y_hat) + (1 - Y).T @ np.log(1 - Y_hat))
    return np.squeeze(cost)


@case("cost_fixed", True)
def cost_fixed_ok_mean(Y_hat, Y):
    return float(-np.mean(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)))


@case("cost_fixed", True)
def cost_fixed_ok_where(Y_hat, Y):
    p_correct = np.where(Y == 1, Y_hat, 1 - Y_hat)
    return -np.log(p_correct).sum() / len(Y)


@case("cost_fixed", True)
def cost_fixed_ok_log1p(Y_hat, Y):
    y, p = Y.ravel().astype(float), Y_hat.ravel().astype(float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


@case("cost_fixed", True)
def cost_fixed_ok_clipped(Y_hat, Y):
    p = np.clip(Y_hat, 1e-12, 1 - 1e-12)
    return -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))


@case("cost_fixed", False, hint=(r"bug 1 is still there", r"bug 2 is still there"))
def cost_fixed_bad_unchanged(Y_hat, Y):
    m = Y_hat.shape[1]
    cost = 1 / m * (Y.T @ np.log(Y_hat) + (1 - Y).T @ np.log(1 - Y_hat))
    return np.squeeze(cost)


@case("cost_fixed", False, hint=(r"bug 1 is still there", r"negative"))
def cost_fixed_bad_minus_left(Y_hat, Y):
    m = Y_hat.shape[0]
    cost = 1 / m * (Y.T @ np.log(Y_hat) + (1 - Y).T @ np.log(1 - Y_hat))
    return np.squeeze(cost)


@case("cost_fixed", False, hint=(r"bug 2 is still there", r"column-major", r"batch size"))
def cost_fixed_bad_m_left(Y_hat, Y):
    m = Y_hat.shape[1]
    cost = -1 / m * (Y.T @ np.log(Y_hat) + (1 - Y).T @ np.log(1 - Y_hat))
    return np.squeeze(cost)


@case("cost_fixed", False, hint=r"negative samples")
def cost_fixed_bad_positive_term_only(Y_hat, Y):
    return float(-np.mean(Y * np.log(Y_hat)))


@case("cost_fixed", False, hint=r"swapped")
def cost_fixed_bad_swapped_terms(Y_hat, Y):
    return float(-np.mean((1 - Y) * np.log(Y_hat) + Y * np.log(1 - Y_hat)))


@case("cost_fixed", False, hint=r"log10")
def cost_fixed_bad_log10(Y_hat, Y):
    return float(-np.mean(Y * np.log10(Y_hat) + (1 - Y) * np.log10(1 - Y_hat)))


@case("cost_fixed", False, hint=r"squared error")
def cost_fixed_bad_mse(Y_hat, Y):
    return float(np.mean((Y_hat - Y) ** 2))


@case("cost_fixed", False, hint=r"single number|over every entry")
def cost_fixed_bad_per_sample(Y_hat, Y):
    return -(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat))


# ---------------------------------------------------------------------------------------------
# initial_loss_ok
# ---------------------------------------------------------------------------------------------


@case("initial_loss_ok", True)
def initial_loss_ok_ok(net, X, y, C):
    params = net.init_params(np.random.default_rng(0))
    return abs(net.loss(params, X, y) - np.log(C)) < 0.5


@case("initial_loss_ok", True)
def initial_loss_ok_ok_loss_and_grads(net, X, y, C):
    params = net.init_params(np.random.default_rng(123))
    loss, _ = net.loss_and_grads(params, X, y)
    return bool(np.isclose(loss, math.log(C), atol=0.9))


@case("initial_loss_ok", True)
def initial_loss_ok_ok_two_batch_sizes(net, X, y, C):
    params = net.init_params(np.random.default_rng(1))
    half = len(y) // 2
    losses = [net.loss(params, X, y), net.loss(params, X[:half], y[:half])]
    return all(abs(loss - np.log(C)) < 0.6 for loss in losses)


@case("initial_loss_ok", True)
def initial_loss_ok_ok_several_inits(net, X, y, C):
    losses = [net.loss(net.init_params(np.random.default_rng(s)), X, y) for s in range(3)]
    return bool(np.abs(np.mean(losses) - np.log(C)) < 0.4)


@case("initial_loss_ok", True)
def initial_loss_ok_ok_ratio(net, X, y, C):
    loss = net.loss(net.init_params(7), X, y)
    return bool(0.7 < loss / np.log(C) < 1.3)


@case("initial_loss_ok", False, hint=r"one-sided")
def initial_loss_ok_bad_one_sided(net, X, y, C):
    return net.loss(net.init_params(np.random.default_rng(0)), X, y) < np.log(C) + 0.5


@case("initial_loss_ok", False, hint=r"natural logarithm")
def initial_loss_ok_bad_hard_coded_ln10(net, X, y, C):
    return abs(net.loss(net.init_params(np.random.default_rng(0)), X, y) - np.log(10)) < 0.5


@case("initial_loss_ok", False, hint=r"natural logarithm|not the batch size")
def initial_loss_ok_bad_ln_n(net, X, y, C):
    return abs(net.loss(net.init_params(np.random.default_rng(0)), X, y) - np.log(len(y))) < 0.5


@case("initial_loss_ok", False, hint=r"natural logarithm")
def initial_loss_ok_bad_log10(net, X, y, C):
    return abs(net.loss(net.init_params(np.random.default_rng(0)), X, y) - np.log10(C)) < 0.5


@case("initial_loss_ok", False, hint=r"not the loss itself")
def initial_loss_ok_bad_returns_loss(net, X, y, C):
    return net.loss(net.init_params(np.random.default_rng(0)), X, y)


@case("initial_loss_ok", False, hint=r"without training")
def initial_loss_ok_bad_trains_first(net, X, y, C):
    params = net.init_params(np.random.default_rng(0))
    for _ in range(20):
        _, grads = net.loss_and_grads(params, X, y)
        net.update(params, grads, 0.5)
    return abs(net.loss(params, X, y) - np.log(C)) < 0.5


@case("initial_loss_ok", False, hint=r"nan is never close")
def initial_loss_ok_bad_nan_passes(net, X, y, C):
    return not abs(net.loss(net.init_params(np.random.default_rng(0)), X, y) - np.log(C)) > 0.5


@case("initial_loss_ok", False, hint=r"tolerance")
def initial_loss_ok_bad_tolerance_too_tight(net, X, y, C):
    return abs(net.loss(net.init_params(np.random.default_rng(0)), X, y) - np.log(C)) < 0.005


@case("initial_loss_ok", False, hint=r"ln C")
def initial_loss_ok_bad_compares_with_C(net, X, y, C):
    return abs(net.loss(net.init_params(np.random.default_rng(0)), X, y) - C) < 0.5


# ---------------------------------------------------------------------------------------------
# can_overfit_tiny_batch
# ---------------------------------------------------------------------------------------------


def _train(net, X, y, steps, lr=None, seed=0):
    params = net.init_params(np.random.default_rng(seed))
    losses = []
    for _ in range(steps):
        loss, grads = net.loss_and_grads(params, X, y)
        losses.append(loss)
        if not np.isfinite(loss):
            break
        net.update(params, grads, net.lr if lr is None else lr)
    return params, losses


@case("can_overfit_tiny_batch", True)
def can_overfit_tiny_batch_ok(net, X, y):
    params, _ = _train(net, X, y, 300)
    return net.loss(params, X, y) < 0.01


@case("can_overfit_tiny_batch", True)
def can_overfit_tiny_batch_ok_early_stop(net, X, y):
    params = net.init_params(np.random.default_rng(42))
    for _ in range(1000):
        loss, grads = net.loss_and_grads(params, X, y)
        if loss < 0.01:
            return True
        if not np.isfinite(loss):
            return False
        params = net.update(params, grads, net.lr)
    return False


@case("can_overfit_tiny_batch", True)
def can_overfit_tiny_batch_ok_last_loss(net, X, y):
    _, losses = _train(net, X, y, 500, seed=3)
    return bool(losses[-1] < 0.02)


@case("can_overfit_tiny_batch", True)
def can_overfit_tiny_batch_ok_isfinite(net, X, y):
    params, losses = _train(net, X, y, 400, seed=9)
    final = net.loss(params, X, y)
    return bool(np.isfinite(final) and final < 0.01 and min(losses) < losses[0])


@case("can_overfit_tiny_batch", True)
def can_overfit_tiny_batch_ok_int_seed(net, X, y):
    params = net.init_params(5)
    for _ in range(300):
        _, grads = net.loss_and_grads(params, X, y)
        net.update(params, grads, net.lr)
    loss = net.loss(params, X, y)
    return loss == loss and loss < 0.05


@case("can_overfit_tiny_batch", False, hint=r"'the loss went down' is not enough")
def can_overfit_tiny_batch_bad_decreased(net, X, y):
    params, losses = _train(net, X, y, 300)
    return net.loss(params, X, y) < losses[0]


@case("can_overfit_tiny_batch", False, hint=r"use net.lr")
def can_overfit_tiny_batch_bad_fixed_lr(net, X, y):
    params, _ = _train(net, X, y, 300, lr=1.0)
    return net.loss(params, X, y) < 0.01


@case("can_overfit_tiny_batch", False, hint=r"about 300 times|use net.lr")
def can_overfit_tiny_batch_bad_too_few_steps(net, X, y):
    params, _ = _train(net, X, y, 20)
    return net.loss(params, X, y) < 0.01


@case("can_overfit_tiny_batch", False, hint=r"not loss >= 0.01")
def can_overfit_tiny_batch_bad_nan_passes(net, X, y):
    params = net.init_params(np.random.default_rng(0))
    for _ in range(300):
        _, grads = net.loss_and_grads(params, X, y)
        net.update(params, grads, net.lr)
    return not net.loss(params, X, y) >= 0.01


@case("can_overfit_tiny_batch", False, hint=r"healthy and memorizes")
def can_overfit_tiny_batch_bad_no_update(net, X, y):
    params = net.init_params(np.random.default_rng(0))
    for _ in range(300):
        loss, grads = net.loss_and_grads(params, X, y)
    return loss < 0.01


@case("can_overfit_tiny_batch", False, hint=r"not the loss itself")
def can_overfit_tiny_batch_bad_returns_loss(net, X, y):
    params, _ = _train(net, X, y, 300)
    return net.loss(params, X, y)


@case("can_overfit_tiny_batch", False, hint=r"stops at the first loss that is not finite")
def can_overfit_tiny_batch_bad_older_loss(net, X, y):
    _, losses = _train(net, X, y, 300)
    finite = [loss for loss in losses if np.isfinite(loss)]
    return bool(finite[-1] < 0.01) if len(finite) == len(losses) else bool(min(finite) < 2.0)


@case("can_overfit_tiny_batch", False, hint=r"healthy")
def can_overfit_tiny_batch_bad_threshold_tight(net, X, y):
    params, _ = _train(net, X, y, 300)
    return net.loss(params, X, y) < 1e-5
