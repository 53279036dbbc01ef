"""Learner implementations of sheet 9 (ex09_capstone): valid ones that must pass and mistakes that
must fail with a hint matching ``hint`` (a regular expression, searched case-insensitively in the
whole report). Run by tests/test_grading_catalog.py.

The training loops call ``two_layer_net`` and ``init_two_layer`` by those names, as a learner's
sheet does (the grader records the calls of ``two_layer_net`` through this module's globals).
"""

import numpy as np

from nnlib.nets import two_layer_net  # noqa: F401  (called by name in the loops below)

from . import independent as ind
from .cases import case


def init_two_layer(D, H, C, rng):
    rng = np.random.default_rng(rng)
    return {"W1": rng.normal(0.0, np.sqrt(2 / D), size=(D, H)), "b1": np.zeros(H),
            "W2": rng.normal(0.0, np.sqrt(2 / H), size=(H, C)), "b2": np.zeros(C)}


def _sgd(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads = two_layer_net(X[idx], y[idx], params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
            losses.append(loss)
        history.append(float(np.mean(losses)))
    return params, history


def _predict(params, X):
    return np.argmax(np.maximum(X @ params["W1"] + params["b1"], 0) @ params["W2"]
                     + params["b2"], axis=1)


# ---------------------------------------------------------------------------------------------
# zero_rule_accuracy(y_train, y_test) (in a tie, any of the most frequent classes is right)
# ---------------------------------------------------------------------------------------------


@case("zero_rule_accuracy", True)
def zero_rule_accuracy_ok_bincount(y_train, y_test):
    return np.mean(y_test == np.bincount(y_train).argmax())


@case("zero_rule_accuracy", True)
def zero_rule_accuracy_ok_counter(y_train, y_test):
    from collections import Counter
    majority = Counter(y_train.tolist()).most_common(1)[0][0]  # ties: first seen
    return sum(1 for label in y_test if label == majority) / len(y_test)


@case("zero_rule_accuracy", True)
def zero_rule_accuracy_ok_unique_counts(y_train, y_test):
    classes, counts = np.unique(y_train, return_counts=True)
    return float(np.mean(y_test == classes[np.argmax(counts)]))


@case("zero_rule_accuracy", True)
def zero_rule_accuracy_ok_last_of_tied(y_train, y_test):
    counts = np.bincount(y_train)
    majority = np.flatnonzero(counts == counts.max())[-1]
    return float(np.count_nonzero(y_test == majority)) / y_test.size


@case("zero_rule_accuracy", True)
def zero_rule_accuracy_ok_predictions_array(y_train, y_test):
    predictions = np.full(y_test.shape, np.bincount(y_train).argmax())
    return (predictions == y_test).mean()


@case("zero_rule_accuracy", False, hint=r"test set's own majority")
def zero_rule_accuracy_bad_test_majority(y_train, y_test):
    return np.mean(y_test == np.bincount(y_test).argmax())


@case("zero_rule_accuracy", False, hint=r"training labels only|y_train only")
def zero_rule_accuracy_bad_counts_all_labels(y_train, y_test):
    both = np.concatenate([y_train, y_test])
    return np.mean(y_test == np.bincount(both).argmax())


@case("zero_rule_accuracy", False, hint=r"not a percentage")
def zero_rule_accuracy_bad_percent(y_train, y_test):
    return 100 * np.mean(y_test == np.bincount(y_train).argmax())


@case("zero_rule_accuracy", False, hint=r"number of correct test labels")
def zero_rule_accuracy_bad_count(y_train, y_test):
    return int(np.sum(y_test == np.bincount(y_train).argmax()))


@case("zero_rule_accuracy", False, hint=r"majority class itself|number of correct")
def zero_rule_accuracy_bad_returns_class(y_train, y_test):
    return int(np.bincount(y_train).argmax())


@case("zero_rule_accuracy", False, hint=r"least frequent")
def zero_rule_accuracy_bad_argmin(y_train, y_test):
    classes, counts = np.unique(y_train, return_counts=True)
    return np.mean(y_test == classes[np.argmin(counts)])


@case("zero_rule_accuracy", False, hint=r"zero_rule_accuracy")
def zero_rule_accuracy_bad_unique_index_as_label(y_train, y_test):
    classes, counts = np.unique(y_train, return_counts=True)
    return np.mean(y_test == np.argmax(counts))  # the position in classes, not the label


# ---------------------------------------------------------------------------------------------
# init_two_layer(D, H, C, rng)
# ---------------------------------------------------------------------------------------------


@case("init_two_layer", True)
def init_two_layer_ok_normal(D, H, C, rng):
    return init_two_layer(D, H, C, rng)


@case("init_two_layer", True)
def init_two_layer_ok_standard_normal_scaled(D, H, C, rng):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((D, H)) * np.sqrt(2.0 / D)
    W2 = rng.standard_normal((H, C)) * np.sqrt(2.0 / H)
    return {"W1": W1, "W2": W2, "b1": np.zeros(H), "b2": np.zeros(C)}


@case("init_two_layer", True)
def init_two_layer_ok_he_uniform(D, H, C, rng):
    rng = np.random.default_rng(rng)
    a1, a2 = np.sqrt(6 / D), np.sqrt(6 / H)
    return {"W1": rng.uniform(-a1, a1, (D, H)), "b1": np.zeros(H),
            "W2": rng.uniform(-a2, a2, (H, C)), "b2": np.zeros(C)}


@case("init_two_layer", True)
def init_two_layer_ok_loop_over_layers(D, H, C, rng):
    if isinstance(rng, (int, np.integer)):
        rng = np.random.default_rng(rng)
    params = {}
    for i, (fan_in, fan_out) in enumerate([(D, H), (H, C)], start=1):
        params[f"W{i}"] = rng.normal(size=(fan_in, fan_out)) / np.sqrt(fan_in / 2)
        params[f"b{i}"] = np.zeros(fan_out)
    return params


@case("init_two_layer", True)
def init_two_layer_ok_zeros_like(D, H, C, rng):
    rng = np.random.default_rng(rng)
    W1 = np.sqrt(2 / D) * rng.normal(size=(D, H))
    W2 = np.sqrt(2 / H) * rng.normal(size=(H, C))
    return dict(W1=W1, b1=np.zeros_like(W1[0]), W2=W2, b2=np.zeros_like(W2[0]))


@case("init_two_layer", False, hint=r"Xavier")
def init_two_layer_bad_xavier(D, H, C, rng):
    rng = np.random.default_rng(rng)
    return {"W1": rng.normal(0, np.sqrt(2 / (D + H)), (D, H)), "b1": np.zeros(H),
            "W2": rng.normal(0, np.sqrt(2 / (H + C)), (H, C)), "b2": np.zeros(C)}


@case("init_two_layer", False, hint=r"\(fan_in, fan_out\)")
def init_two_layer_bad_transposed(D, H, C, rng):
    rng = np.random.default_rng(rng)
    return {"W1": rng.normal(0, np.sqrt(2 / D), (H, D)), "b1": np.zeros(H),
            "W2": rng.normal(0, np.sqrt(2 / H), (C, H)), "b2": np.zeros(C)}


@case("init_two_layer", False, hint=r"np\.random\.default_rng\(rng\)")
def init_two_layer_bad_int_seed_not_converted(D, H, C, rng):
    return {"W1": rng.normal(0, np.sqrt(2 / D), (D, H)), "b1": np.zeros(H),
            "W2": rng.normal(0, np.sqrt(2 / H), (H, C)), "b2": np.zeros(C)}


@case("init_two_layer", False, hint=r"global random state")
def init_two_layer_bad_np_random(D, H, C, rng):
    return {"W1": np.random.randn(D, H) * np.sqrt(2 / D), "b1": np.zeros(H),
            "W2": np.random.randn(H, C) * np.sqrt(2 / H), "b2": np.zeros(C)}


@case("init_two_layer", False, hint=r"np\.sqrt is missing")
def init_two_layer_bad_variance_as_std(D, H, C, rng):
    rng = np.random.default_rng(rng)
    return {"W1": rng.normal(0, 2 / D, (D, H)), "b1": np.zeros(H),
            "W2": rng.normal(0, 2 / H, (H, C)), "b2": np.zeros(C)}


@case("init_two_layer", False, hint=r"biases are vectors")
def init_two_layer_bad_2d_biases(D, H, C, rng):
    rng = np.random.default_rng(rng)
    return {"W1": rng.normal(0, np.sqrt(2 / D), (D, H)), "b1": np.zeros((1, H)),
            "W2": rng.normal(0, np.sqrt(2 / H), (H, C)), "b2": np.zeros((1, C))}


@case("init_two_layer", False, hint=r"biases at zero")
def init_two_layer_bad_random_biases(D, H, C, rng):
    rng = np.random.default_rng(rng)
    return {"W1": rng.normal(0, np.sqrt(2 / D), (D, H)), "b1": rng.normal(size=H),
            "W2": rng.normal(0, np.sqrt(2 / H), (H, C)), "b2": rng.normal(size=C)}


@case("init_two_layer", False, hint=r"std 0\.01")
def init_two_layer_bad_small_random(D, H, C, rng):
    rng = np.random.default_rng(rng)
    return {"W1": 0.01 * rng.normal(size=(D, H)), "b1": np.zeros(H),
            "W2": 0.01 * rng.normal(size=(H, C)), "b2": np.zeros(C)}


@case("init_two_layer", False, hint=r"fresh numbers")
def init_two_layer_bad_reseeded_for_w2(D, H, C, rng):
    seed = int(np.random.default_rng(rng).integers(2 ** 31))
    W1 = np.random.default_rng(seed).normal(size=(D, H))
    W2 = np.random.default_rng(seed).normal(size=(H, C))
    return {"W1": W1 * np.sqrt(2 / D), "b1": np.zeros(H), "W2": W2 * np.sqrt(2 / H),
            "b2": np.zeros(C)}


@case("init_two_layer", False, hint=r"not rng\.random")
def init_two_layer_bad_uniform_01(D, H, C, rng):
    rng = np.random.default_rng(rng)
    return {"W1": rng.random((D, H)), "b1": np.zeros(H), "W2": rng.random((H, C)),
            "b2": np.zeros(C)}


# ---------------------------------------------------------------------------------------------
# train_two_layer(X, y, H, epochs, lr, batch_size, rng)
# ---------------------------------------------------------------------------------------------


@case("train_two_layer", True)
def train_two_layer_ok_reference(X, y, H, epochs, lr, batch_size, rng):
    return _sgd(X, y, H, epochs, lr, batch_size, rng)


@case("train_two_layer", True)
def train_two_layer_ok_in_place_weighted_mean(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    N, D = X.shape
    params = init_two_layer(D, H, len(np.unique(y)), rng)
    history = np.zeros(epochs)
    for epoch in range(epochs):
        perm = rng.permutation(N)
        total = 0.0
        for i in range(0, N, batch_size):
            batch = perm[i:i + batch_size]
            loss, grads = two_layer_net(X[batch], y[batch], params)
            for name in ("W1", "b1", "W2", "b2"):
                params[name] -= lr * grads[name]
            total += loss * len(batch)
        history[epoch] = total / N
    return params, history


@case("train_two_layer", True)
def train_two_layer_ok_shuffled_copies(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, y.max() + 1, rng)
    history = []
    for _ in range(epochs):
        p = rng.permutation(len(y))
        Xs, ys = X[p], y[p]
        batch_losses = []
        for Xb, yb in zip(np.array_split(Xs, range(batch_size, len(y), batch_size)),
                          np.array_split(ys, range(batch_size, len(y), batch_size))):
            loss, grads = two_layer_net(Xb, yb, params)
            params = {k: v - lr * grads[k] for k, v in params.items()}
            batch_losses.append(loss)
        history.append(sum(batch_losses) / len(batch_losses))
    return params, history


@case("train_two_layer", True)
def train_two_layer_ok_shuffle_in_place_index(X, y, H, epochs, lr, batch_size, rng):
    gen = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(np.max(y)) + 1, gen)
    idx = np.arange(X.shape[0])
    history = []
    for _ in range(epochs):
        gen.shuffle(idx)
        n_batches = int(np.ceil(len(idx) / batch_size))
        running = 0.0
        for b in range(n_batches):
            sel = idx[b * batch_size:(b + 1) * batch_size]
            loss, grads = two_layer_net(X[sel], y[sel], params)
            for k in params:
                np.subtract(params[k], lr * grads[k], out=params[k])
            running += loss
        history.append(running / n_batches)
    return params, history


@case("train_two_layer", True)
def train_two_layer_ok_update_dict(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = [None] * 0
        starts = list(range(0, len(X), batch_size))
        for start in starts:
            rows = order[start:start + batch_size]
            loss, grads = two_layer_net(X[rows], y[rows], params)
            params.update({k: params[k] - lr * g for k, g in grads.items()})
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


def _logged(fn):
    """A learner's decorator around the training loop (the grader must still see the calls)."""
    import functools

    @functools.wraps(fn)
    def run(*args, **kwargs):
        params, history = fn(*args, **kwargs)
        return params, list(history)
    return run


@case("train_two_layer", True)
@_logged
def train_two_layer_ok_decorated(X, y, H, epochs, lr, batch_size, rng):
    return _sgd(X, y, H, epochs, lr, batch_size, rng)


@case("train_two_layer", False, hint=r"once per epoch")
def train_two_layer_bad_full_batch(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        loss, grads = two_layer_net(X, y, params)
        for k in params:
            params[k] = params[k] - lr * grads[k]
        history.append(loss)
    return params, history


@case("train_two_layer", False, hint=r"last, shorter mini-batch is missing")
def train_two_layer_bad_drops_last_batch(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for b in range(len(X) // batch_size):
            idx = order[b * batch_size:(b + 1) * batch_size]
            loss, grads = two_layer_net(X[idx], y[idx], params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


@case("train_two_layer", False, hint=r"rng\.permutation\(N\)")
def train_two_layer_bad_sampling_with_replacement(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        losses = []
        for start in range(0, len(X), batch_size):
            idx = rng.integers(0, len(X), size=min(batch_size, len(X) - start))
            loss, grads = two_layer_net(X[idx], y[idx], params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


@case("train_two_layer", False, hint=r"stored order")
def train_two_layer_bad_no_shuffle(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        losses = []
        for start in range(0, len(X), batch_size):
            loss, grads = two_layer_net(X[start:start + batch_size], y[start:start + batch_size],
                                        params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


@case("train_two_layer", False, hint=r"inside the epoch loop, not once before")
def train_two_layer_bad_shuffle_once(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    order = rng.permutation(len(X))
    history = []
    for _ in range(epochs):
        losses = []
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads = two_layer_net(X[idx], y[idx], params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


@case("train_two_layer", False, hint=r"Wrong sign")
def train_two_layer_bad_plus(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads = two_layer_net(X[idx], y[idx], params)
            for k in params:
                params[k] += lr * grads[k]
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


@case("train_two_layer", False, hint=r"labels of mini-batch .* X\[idx\], y\[idx\]")
def train_two_layer_bad_labels_not_shuffled(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        Xs = X[rng.permutation(len(X))]
        losses = []
        for start in range(0, len(X), batch_size):
            loss, grads = two_layer_net(Xs[start:start + batch_size],
                                        y[start:start + batch_size], params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


@case("train_two_layer", False, hint=r"last mini-batch")
def train_two_layer_bad_history_last_loss(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads = two_layer_net(X[idx], y[idx], params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
        history.append(loss)
    return params, history


@case("train_two_layer", False, hint=r"one entry per epoch, not per mini-batch")
def train_two_layer_bad_history_per_batch(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads = two_layer_net(X[idx], y[idx], params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
            history.append(loss)
    return params, history


@case("train_two_layer", False, hint=r"global random state")
def train_two_layer_bad_np_random_shuffle(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        order = np.random.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads = two_layer_net(X[idx], y[idx], params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


@case("train_two_layer", False, hint=r"b1 was not updated")
def train_two_layer_bad_weights_only(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads = two_layer_net(X[idx], y[idx], params)
            params["W1"] = params["W1"] - lr * grads["W1"]
            params["W2"] = params["W2"] - lr * grads["W2"]
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


@case("train_two_layer", False, hint=r"never called two_layer_net")
def train_two_layer_bad_own_gradients_inline(X, y, H, epochs, lr, batch_size, rng):
    rng = np.random.default_rng(rng)
    params = init_two_layer(X.shape[1], H, int(y.max()) + 1, rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads = ind.two_layer_net(X[idx], y[idx], params)
            for k in params:
                params[k] = params[k] - lr * grads[k]
            losses.append(loss)
        history.append(np.mean(losses))
    return params, history


# ---------------------------------------------------------------------------------------------
# predict(params, X)
# ---------------------------------------------------------------------------------------------


@case("predict", True)
def predict_ok_argmax(params, X):
    return _predict(params, X)


@case("predict", True)
def predict_ok_probabilities_then_argmax(params, X):
    scores = np.maximum(0, X.dot(params["W1"]) + params["b1"]).dot(params["W2"]) + params["b2"]
    return ind.softmax(scores).argmax(axis=1)


@case("predict", True)
def predict_ok_relu_by_mask(params, X):
    z = X @ params["W1"] + params["b1"]
    h = z * (z > 0)
    return np.argmax(h @ params["W2"] + params["b2"], axis=-1)


@case("predict", True)
def predict_ok_row_loop(params, X):
    out = np.zeros(len(X), dtype=int)
    for i, x in enumerate(X):
        h = np.maximum(x @ params["W1"] + params["b1"], 0)
        out[i] = int(np.argmax(h @ params["W2"] + params["b2"]))
    return out


@case("predict", False, hint=r"ReLU is missing")
def predict_bad_no_relu(params, X):
    return np.argmax((X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"], axis=1)


@case("predict", False, hint=r"argmax over the samples|argmax ran over the samples")
def predict_bad_argmax_axis0(params, X):
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    return np.argmax(h @ params["W2"] + params["b2"], axis=0)


@case("predict", False, hint=r"scores \(or probabilities\)")
def predict_bad_returns_scores(params, X):
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    return h @ params["W2"] + params["b2"]


@case("predict", False, hint=r"np\.argmax, not np\.argmin")
def predict_bad_argmin(params, X):
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    return np.argmin(h @ params["W2"] + params["b2"], axis=1)


@case("predict", False, hint=r"not a sigmoid")
def predict_bad_sigmoid_hidden(params, X):
    h = ind.sigmoid(X @ params["W1"] + params["b1"])
    return np.argmax(h @ params["W2"] + params["b2"], axis=1)


@case("predict", False, hint=r"b2 is missing|biases are missing")
def predict_bad_no_b2(params, X):
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    return np.argmax(h @ params["W2"], axis=1)


@case("predict", False, hint=r"no float cast")
def predict_bad_float_labels(params, X):
    return _predict(params, X).astype(float)


@case("predict", False, hint=r"b1 is missing|biases are missing")
def predict_bad_no_b1(params, X):
    h = np.maximum(X @ params["W1"], 0)
    return np.argmax(h @ params["W2"] + params["b2"], axis=1)


# ---------------------------------------------------------------------------------------------
# seeds_pipeline and digits_pipeline(X_train, y_train, X_test, y_test, rng)
# ---------------------------------------------------------------------------------------------


def _fit_stats(X, ddof=0):
    std = X.std(axis=0, ddof=ddof)
    return X.mean(axis=0), np.where(std > 0, std, 1.0)


def _pipeline(X_train, y_train, X_test, y_test, rng, settings, mean=None, std=None,
              train_on=None, eval_raw=False):
    if mean is None:
        mean, std = _fit_stats(X_train)
    X_fit, y_fit = (X_train, y_train) if train_on is None else train_on
    params, _ = _sgd((X_fit - mean) / std, y_fit, *settings, rng)
    X_eval = X_test if eval_raw else (X_test - mean) / std
    acc = float(np.mean(_predict(params, X_eval) == y_test))
    return acc, params, mean, std


SEEDS = (16, 100, 0.05, 16)   # H, epochs, lr, batch_size
DIGITS = (64, 20, 0.05, 32)


@case("seeds_pipeline", True)
def seeds_pipeline_ok_reference(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, rng, SEEDS)


@case("seeds_pipeline", True)
def seeds_pipeline_ok_ddof1_wide_layer(X_train, y_train, X_test, y_test, rng):
    mean, std = _fit_stats(X_train, ddof=1)
    return _pipeline(X_train, y_train, X_test, y_test, rng, (32, 50, 0.1, 16), mean, std)


@case("seeds_pipeline", True)
def seeds_pipeline_ok_small_batches(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, rng, (10, 30, 0.1, 8))


@case("seeds_pipeline", True)
def seeds_pipeline_ok_long_and_slow(X_train, y_train, X_test, y_test, rng):
    mean = np.mean(X_train, axis=0)
    std = np.sqrt(np.mean((X_train - mean) ** 2, axis=0))
    params, history = _sgd((X_train - mean) / std, y_train, 64, 200, 0.01, 32,
                           np.random.default_rng(rng))
    correct = _predict(params, (X_test - mean) / std) == y_test
    return correct.sum() / correct.size, params, mean, std


@case("seeds_pipeline", False, hint=r"training and test rows together: a leak")
def seeds_pipeline_bad_stats_on_all_rows(X_train, y_train, X_test, y_test, rng):
    mean, std = _fit_stats(np.concatenate([X_train, X_test]))
    return _pipeline(X_train, y_train, X_test, y_test, rng, SEEDS, mean, std)


@case("seeds_pipeline", False, hint=r"test set's own mean")
def seeds_pipeline_bad_test_scaled_with_own_stats(X_train, y_train, X_test, y_test, rng):
    mean, std = _fit_stats(X_train)
    params, _ = _sgd((X_train - mean) / std, y_train, *SEEDS, rng)
    m_te, s_te = _fit_stats(X_test)
    acc = float(np.mean(_predict(params, (X_test - m_te) / s_te) == y_test))
    return acc, params, m_te, s_te


@case("seeds_pipeline", False, hint=r"leaked into training")
def seeds_pipeline_bad_trains_on_test_rows(X_train, y_train, X_test, y_test, rng):
    both = (np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test]))
    return _pipeline(X_train, y_train, X_test, y_test, rng, SEEDS, train_on=both)


@case("seeds_pipeline", False, hint=r"training accuracy")
def seeds_pipeline_bad_reports_training_accuracy(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_train, y_train, rng, SEEDS)


@case("seeds_pipeline", False, hint=r"not as a percentage")
def seeds_pipeline_bad_percent(X_train, y_train, X_test, y_test, rng):
    acc, params, mean, std = _pipeline(X_train, y_train, X_test, y_test, rng, SEEDS)
    return 100 * acc, params, mean, std


@case("seeds_pipeline", False, hint=r"test rows were not standardized")
def seeds_pipeline_bad_test_not_standardized(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, rng, SEEDS, eval_raw=True)


@case("seeds_pipeline", False, hint=r"expected at least 90%")
def seeds_pipeline_bad_too_short(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, rng, (4, 1, 0.01, 64))


@case("seeds_pipeline", False, hint=r"same seed trained different params")
def seeds_pipeline_bad_unseeded(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, np.random.default_rng(), SEEDS)


@case("seeds_pipeline", False, hint=r"instead of a fixed seed")
def seeds_pipeline_bad_fixed_seed(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, 0, SEEDS)


@case("seeds_pipeline", False, hint=r"axis=0")
def seeds_pipeline_bad_global_stats(X_train, y_train, X_test, y_test, rng):
    mean, std = np.full(X_train.shape[1], X_train.mean()), np.full(X_train.shape[1],
                                                                   X_train.std())
    return _pipeline(X_train, y_train, X_test, y_test, rng, SEEDS, mean, std)


@case("digits_pipeline", True)
def digits_pipeline_ok_reference(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, rng, DIGITS)


@case("digits_pipeline", True)
def digits_pipeline_ok_smaller_layer(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, rng, (32, 10, 0.1, 32))


@case("digits_pipeline", True)
def digits_pipeline_ok_ddof1(X_train, y_train, X_test, y_test, rng):
    mean, std = _fit_stats(X_train, ddof=1)
    return _pipeline(X_train, y_train, X_test, y_test, rng, DIGITS, mean, std)


@case("digits_pipeline", True)
def digits_pipeline_ok_std_fixed_by_mask(X_train, y_train, X_test, y_test, rng):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std[std == 0] = 1
    return _pipeline(X_train, y_train, X_test, y_test, rng, (48, 15, 0.05, 16), mean, std)


@case("digits_pipeline", False, hint=r"std 0.*Replace those stds by 1")
def digits_pipeline_bad_divides_by_zero(X_train, y_train, X_test, y_test, rng):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return _pipeline(X_train, y_train, X_test, y_test, rng, DIGITS, mean, std)


@case("digits_pipeline", False, hint=r"tiny epsilon")
def digits_pipeline_bad_epsilon(X_train, y_train, X_test, y_test, rng):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1e-8
    return _pipeline(X_train, y_train, X_test, y_test, rng, DIGITS, mean, std)


@case("digits_pipeline", False, hint=r"training and test rows together: a leak")
def digits_pipeline_bad_stats_on_all_rows(X_train, y_train, X_test, y_test, rng):
    mean, std = _fit_stats(np.concatenate([X_train, X_test]))
    return _pipeline(X_train, y_train, X_test, y_test, rng, DIGITS, mean, std)


@case("digits_pipeline", False, hint=r"leaked into training")
def digits_pipeline_bad_trains_on_test_rows(X_train, y_train, X_test, y_test, rng):
    both = (np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test]))
    return _pipeline(X_train, y_train, X_test, y_test, rng, DIGITS, train_on=both)


@case("digits_pipeline", False, hint=r"expected at least 93%")
def digits_pipeline_bad_too_short(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, rng, (8, 1, 0.01, 128))


@case("digits_pipeline", False, hint=r"number of correct test rows")
def digits_pipeline_bad_count_not_fraction(X_train, y_train, X_test, y_test, rng):
    acc, params, mean, std = _pipeline(X_train, y_train, X_test, y_test, rng, DIGITS)
    return float(round(acc * len(y_test))), params, mean, std


@case("digits_pipeline", False, hint=r"fixed seed")
def digits_pipeline_bad_fixed_seed(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, 1, DIGITS)


@case("digits_pipeline", False, hint=r"\(accuracy, params, mean, std\)")
def digits_pipeline_bad_returns_accuracy_only(X_train, y_train, X_test, y_test, rng):
    return _pipeline(X_train, y_train, X_test, y_test, rng, DIGITS)[0]
