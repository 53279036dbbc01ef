"""A multilayer perceptron written the way the seed article writes one: the baseline of the benchmark.

The article ("Neural network in plain NumPy") keeps the network in dictionaries of arrays keyed
"W1", "b1", "A0", "Z1", ..., uses ``np.dot``, builds its targets with ``np.eye`` (a float64
one-hot matrix) and creates fresh arrays at every step. This file follows that style faithfully,
with three differences:

* its bugs are fixed: the update subtracts (``W -= lr * dW``, not ``W = lr * dW``), activations
  are compared with ``==`` (not ``is``), and there is no sigmoid with a missing minus sign;
* it is row-major like the rest of the course (a batch is ``(n, features)``, ``Z = A @ W + b``)
  instead of the article's column-major ``W @ A``;
* the output layer is a softmax with cross-entropy (the article's task had two classes and
  a sigmoid output; this benchmark has ten classes).

Everything that makes it slow is kept on purpose: float64 throughout, a new array for every
intermediate, boolean-mask assignment in the ReLU backward pass, and the gradient with respect to
the input computed for the first layer too (nothing uses it).
"""

import numpy as np


def architecture(sizes):
    """``[784, 256, 128, 10]`` -> the article's list of layer dictionaries (ReLU, then softmax)."""
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        activation = "softmax" if i == len(sizes) - 2 else "relu"
        layers.append({"input_dim": n_in, "output_dim": n_out, "activation": activation})
    return layers


def init_layers(nn_architecture, rng):
    """He-scaled random weights and zero biases, in a dictionary keyed "W1", "b1", "W2", ..."""
    params_values = {}
    for idx, layer in enumerate(nn_architecture):
        layer_idx = idx + 1
        n_in, n_out = layer["input_dim"], layer["output_dim"]
        params_values["W" + str(layer_idx)] = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
        params_values["b" + str(layer_idx)] = np.zeros((1, n_out))
    return params_values


def relu(Z):
    return np.maximum(0, Z)


def relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def softmax(Z):
    exps = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return exps / np.sum(exps, axis=1, keepdims=True)


def single_layer_forward_propagation(A_prev, W_curr, b_curr, activation="relu"):
    Z_curr = np.dot(A_prev, W_curr) + b_curr
    if activation == "relu":
        activation_func = relu
    elif activation == "softmax":
        activation_func = softmax
    else:
        raise Exception("Nonsupported activation function")
    return activation_func(Z_curr), Z_curr


def full_forward_propagation(X, params_values, nn_architecture):
    memory = {}
    A_curr = X
    for idx, layer in enumerate(nn_architecture):
        layer_idx = idx + 1
        A_prev = A_curr
        W_curr = params_values["W" + str(layer_idx)]
        b_curr = params_values["b" + str(layer_idx)]
        A_curr, Z_curr = single_layer_forward_propagation(A_prev, W_curr, b_curr, layer["activation"])
        memory["A" + str(idx)] = A_prev
        memory["Z" + str(layer_idx)] = Z_curr
    return A_curr, memory


def get_cost_value(Y_hat, Y):
    """Mean cross-entropy between softmax outputs ``Y_hat`` and one-hot targets ``Y`` (both (n, C))."""
    m = Y_hat.shape[0]
    return -np.sum(Y * np.log(Y_hat + 1e-12)) / m


def single_layer_backward_propagation(dZ_curr, W_curr, A_prev):
    """Gradients of one layer from ``dZ`` (the gradient of the summed loss at its pre-activations)."""
    m = A_prev.shape[0]
    dW_curr = np.dot(A_prev.T, dZ_curr) / m
    db_curr = np.sum(dZ_curr, axis=0, keepdims=True) / m
    dA_prev = np.dot(dZ_curr, W_curr.T)
    return dA_prev, dW_curr, db_curr


def full_backward_propagation(Y_hat, Y, memory, params_values, nn_architecture):
    grads_values = {}
    dA_prev = None
    for layer_idx_prev, layer in reversed(list(enumerate(nn_architecture))):
        layer_idx_curr = layer_idx_prev + 1
        if layer["activation"] == "softmax":
            dZ_curr = Y_hat - Y  # softmax followed by cross-entropy: the gradient at the logits
        else:
            dZ_curr = relu_backward(dA_prev, memory["Z" + str(layer_idx_curr)])
        A_prev = memory["A" + str(layer_idx_prev)]
        W_curr = params_values["W" + str(layer_idx_curr)]
        dA_prev, dW_curr, db_curr = single_layer_backward_propagation(dZ_curr, W_curr, A_prev)
        grads_values["dW" + str(layer_idx_curr)] = dW_curr
        grads_values["db" + str(layer_idx_curr)] = db_curr
    return grads_values


def update(params_values, grads_values, nn_architecture, learning_rate):
    for idx, layer in enumerate(nn_architecture):
        layer_idx = idx + 1
        params_values["W" + str(layer_idx)] -= learning_rate * grads_values["dW" + str(layer_idx)]
        params_values["b" + str(layer_idx)] -= learning_rate * grads_values["db" + str(layer_idx)]
    return params_values


def train_epoch(X, y, params_values, nn_architecture, learning_rate, batch_size, order):
    """One pass of mini-batch gradient descent over ``X`` in the sample order ``order``.

    ``y`` holds integer labels; the one-hot targets come from ``np.eye`` as in the article.
    Returns the mean cross-entropy of the mini-batches as they were trained.
    """
    Y = np.eye(nn_architecture[-1]["output_dim"])[y]
    total = 0.0
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        X_batch, Y_batch = X[idx], Y[idx]
        Y_hat, cache = full_forward_propagation(X_batch, params_values, nn_architecture)
        total += get_cost_value(Y_hat, Y_batch) * len(idx)
        grads_values = full_backward_propagation(Y_hat, Y_batch, cache, params_values, nn_architecture)
        params_values = update(params_values, grads_values, nn_architecture, learning_rate)
    return total / len(X)
