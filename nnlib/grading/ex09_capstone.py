"""Sheet 9 (chapter 9, the capstone): the learner's own two-layer network, trained and evaluated.

``train_two_layer`` is graded on what it does: the grader swaps the notebook's ``two_layer_net``
for a recording wrapper while the learner's function runs (and puts the original back), so it
sees every mini-batch and every parameter update. The pipelines are graded on a split the grader
makes, and a second run with other test rows shows whether the test set leaked into anything
that was fitted.
"""

import math

import numpy as np

from .. import data
from .common import _SIGMAS, _check_uses_rng, _fmt, _rng
from .pipelines import (KEYS, _check_params, _check_pipeline, _forward_scores,
                        _reference_predict)
from .registry import exercise
from .tester import _Errored

CHAPTER = "09_capstone"


def _flat(out):
    """A result with dicts inside (params) as nested tuples of arrays, for comparing runs."""
    if isinstance(out, dict):
        return tuple(_flat(out[k]) for k in sorted(out, key=str))
    if isinstance(out, (tuple, list)):
        return tuple(_flat(v) for v in out)
    return np.asarray(out) if isinstance(out, (int, float, np.ndarray)) else out


def _check_rng(t, make_args, what):
    """The rng contract of common._check_uses_rng, for results holding a params dict."""
    class _Flattening:
        def __init__(self, t):
            self.t = t

        def call(self, *args):
            return _flat(self.t.call(*args))

        def __getattr__(self, name):
            return getattr(self.t, name)
    _check_uses_rng(_Flattening(t), make_args, what)


# ---------------------------------------------------------------------------------------------
# 9.1 zero_rule_accuracy
# ---------------------------------------------------------------------------------------------


@exercise("zero_rule_accuracy", args=("y_train", "y_test"), chapter=CHAPTER)
def _check_zero_rule_accuracy(t):
    cases = [("hand-worked: class 2 is the most frequent training label",
              np.array([2, 0, 2, 1, 2]), np.array([2, 1, 2, 0])),
             ("the test set's majority differs from the training set's",
              np.array([0, 0, 0, 1, 1, 2]), np.array([1, 1, 1, 2, 0])),
             ("a label missing from the test set, labels 3 and 7 only",
              np.array([7, 3, 7, 7, 3]), np.array([3, 3, 3])),
             ("a tie in the training set: either of the tied classes counts",
              np.array([1, 4, 4, 1, 0]), np.array([4, 4, 1, 0, 4, 2])),
             ("a single test label", np.array([5, 5, 1]), np.array([5])),
             ("seeds-sized, 147 training and 63 test labels", None, None)]
    for case, y_train, y_test in cases:
        if y_train is None:
            r = _rng(79)
            y_train, y_test = r.integers(0, 3, size=147), r.integers(0, 3, size=63)
        counts = np.bincount(y_train)
        tied = np.flatnonzero(counts == counts.max())
        allowed = sorted({float(np.mean(y_test == c)) for c in tied})
        t.case(case, y_train=y_train, y_test=y_test)
        got = t.call(y_train.copy(), y_test.copy())
        value = t.scalar(got, allowed[0], "zero_rule_accuracy(y_train, y_test)",
                         rtol=0, atol=np.inf)  # only: a single finite number
        if any(abs(value - a) <= 1e-12 for a in allowed):
            continue
        test_counts = np.bincount(y_test)
        both = np.bincount(np.concatenate([y_train, y_test]))
        named = [(float(test_counts.max() / len(y_test)),
                  "That is the test set's own majority: the zero rule learns its one class from "
                  "the training labels only, np.bincount(y_train).argmax()."),
                 (float(np.mean(y_test == both.argmax())),
                  "The majority was counted over the training and test labels together: count "
                  "y_train only."),
                 (100 * allowed[0], "Return the accuracy as a fraction (0.5), not a percentage."),
                 (float(np.sum(y_test == tied[0])), "That is the number of correct test labels: "
                                                    "divide by len(y_test) (np.mean)."),
                 (float(tied[0]), "That is the majority class itself; return the accuracy of "
                                  "always answering it on y_test."),
                 (float(np.mean(y_test == np.argmin(np.where(counts > 0, counts, np.inf)))),
                  "That is the least frequent class: the zero rule answers the MOST frequent "
                  "one, np.argmax of the counts."),
                 (1 / len(np.unique(y_train)), "1 / (number of classes) is chance level on a "
                                                "balanced set; the zero rule answers the most "
                                                "frequent training class.")]
        hint = next((h for v, h in named if abs(value - v) <= 1e-12
                     and all(abs(v - a) > 1e-12 for a in allowed)), None)
        t.fail(f"the result is {value:.6g}, expected {allowed[0]:.6g} (always answering class "
               f"{tied[0]}, the most frequent in y_train).", hint=hint)


# ---------------------------------------------------------------------------------------------
# 9.2 init_two_layer
# ---------------------------------------------------------------------------------------------


def _check_weight_statistics(t, W, fan_in, fan_out, name):
    std_e = math.sqrt(2 / fan_in)
    n = W.size
    if np.all(W == W.flat[0]):
        t.fail(f"every entry of {name} is {_fmt(float(W.flat[0]))}.",
               hint="All-equal (for example all-zero) weights make every hidden unit compute the "
                    "same thing, and they stay equal during training: draw them at random, "
                    "rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).")
    mean = float(W.mean())
    if abs(mean) > _SIGMAS * std_e / math.sqrt(n):
        t.fail(f"the entries of {name} have mean {_fmt(mean)}, expected 0.",
               hint="He initialization draws weights centred at 0: rng.normal(0, std, ...), "
                    "not rng.random (which is in [0, 1)).")
    std = float(W.std())
    # relative standard error of a sample standard deviation (normal weights; smaller for uniform)
    tol = _SIGMAS * math.sqrt(1 / (2 * n))
    if abs(std / std_e - 1) > tol:
        named = [(math.sqrt(2 / (fan_in + fan_out)), "That is Glorot/Xavier's std, "
                                                     "sqrt(2 / (fan_in + fan_out)); He uses "
                                                     "sqrt(2 / fan_in) for ReLU layers."),
                 (math.sqrt(2 / fan_out), "Use the fan-in, the number of inputs of the layer "
                                          "(W.shape[0]): std = sqrt(2 / fan_in)."),
                 (2 / fan_in, "np.sqrt is missing: the variance is 2 / fan_in, the standard "
                              "deviation sqrt(2 / fan_in)."),
                 (math.sqrt(1 / fan_in), "He's variance is 2 / fan_in (the factor 2 makes up for "
                                         "ReLU zeroing half of the inputs), not 1 / fan_in."),
                 (0.01, "Small random weights (std 0.01) make the signal shrink layer by layer; "
                        "this sheet asks for He's std = sqrt(2 / fan_in)."),
                 (1.0, "rng.standard_normal draws with std 1: multiply by sqrt(2 / fan_in)."),
                 (math.sqrt(1 / 12), "rng.random is uniform in [0, 1): use "
                                     "rng.normal(0, np.sqrt(2 / fan_in), size)."),
                 (math.sqrt(2 / fan_in) / math.sqrt(3), "A uniform U(-a, a) has std a / sqrt(3): "
                                                        "for He, a = sqrt(6 / fan_in).")]
        hint = next((h for v, h in named if abs(std / v - 1) <= tol), None)
        t.fail(f"the entries of {name} {W.shape} have std {_fmt(std)}, expected "
               f"sqrt(2 / fan_in) = {_fmt(std_e)} (tolerance +-{tol:.1%}).", hint=hint)


def _call_with_int_seed(t, args):
    """Call with an int as rng; an int has no .normal, so name the conversion the sheet asks for."""
    try:
        return t.call(*args)
    except _Errored as exc:
        if "'int' object has no attribute" not in " ".join(exc.details):
            raise
        t.fail("calling it with an int seed raised AttributeError: an int has no methods "
               "like .normal or .permutation.",
               hint="Turn the argument into a generator first, rng = np.random.default_rng(rng): "
                    "that accepts an int seed and passes a Generator through unchanged.",
               details=exc.details)


@exercise("init_two_layer", args=("D", "H", "C", "rng"), chapter=CHAPTER,
          shape_hint="W1 is (D, H), b1 (H,), W2 (H, C), b2 (C,).")
def _check_init_two_layer(t):
    D, H, C = 3, 4, 2
    t.case("shapes and zero biases for D = 3, H = 4, C = 2", D=D, H=H, C=C)
    p = _check_params(t, t.call(D, H, C, _rng(80)), D, H, C, "init_two_layer(3, 4, 2, rng)")
    for key in ("b1", "b2"):
        if np.any(p[key] != 0):
            t.fail(f"{key} is not all zero.",
                   hint="Start the biases at zero, np.zeros(H) and np.zeros(C); only the weights "
                        "are random.")

    _check_rng(t, lambda rng: (5, 6, 3, rng), "init_two_layer")

    t.case("an int seed is accepted: init_two_layer(4, 5, 3, 0) twice")
    a = _check_params(t, _call_with_int_seed(t, (4, 5, 3, 0)), 4, 5, 3,
                      "init_two_layer(4, 5, 3, 0)")
    b = _check_params(t, t.call(4, 5, 3, 0), 4, 5, 3, "init_two_layer(4, 5, 3, 0)")
    if not all(np.array_equal(a[k], b[k]) for k in KEYS):
        t.fail("two calls with the seed 0 gave different weights.",
               hint="Turn the argument into a generator first, rng = np.random.default_rng(rng): "
                    "that accepts an int seed and passes a Generator through unchanged.")

    D, H, C = 300, 200, 10
    t.case("He statistics for D = 300, H = 200, C = 10", D=D, H=H, C=C)
    p = _check_params(t, t.call(D, H, C, _rng(81)), D, H, C, "init_two_layer(300, 200, 10, rng)")
    if p["W1"].dtype != np.float64:
        t.fail(f"W1 has dtype {p['W1'].dtype}, expected float64.")
    _check_weight_statistics(t, p["W1"], D, H, "W1")
    _check_weight_statistics(t, p["W2"], H, C, "W2")
    # W2 drawn again from W1's seed repeats W1's first H * C numbers (up to the scale)
    first = p["W1"].reshape(-1)[:H * C]
    if abs(np.corrcoef(first, p["W2"].reshape(-1))[0, 1]) > 0.9 or abs(np.corrcoef(
            p["W1"][:H, :C].reshape(-1), p["W2"].reshape(-1))[0, 1]) > 0.9:
        t.fail("W2 repeats numbers drawn for W1.",
               hint="Draw W1 and W2 one after the other from the same rng, so that each gets "
                    "fresh numbers: do not create a new generator from the same seed for W2.")


# ---------------------------------------------------------------------------------------------
# 9.3 train_two_layer: graded through a recording two_layer_net
# ---------------------------------------------------------------------------------------------


class _Recorder:
    """Stands in for ``two_layer_net`` and remembers every call (copies, so later in-place
    updates do not change what was recorded)."""

    def __init__(self, net):
        self.net, self.calls = net, []

    def __call__(self, X, y, params):
        record = {"X": np.array(X, dtype=np.float64), "y": np.array(y),
                  "params": {k: np.array(v, dtype=np.float64) for k, v in dict(params).items()}}
        loss, grads = self.net(X, y, params)
        record["loss"] = float(loss)
        record["grads"] = {k: np.array(v, dtype=np.float64) for k, v in dict(grads).items()}
        self.calls.append(record)
        return loss, grads


def _cell_value(cell):
    try:
        return cell.cell_contents
    except ValueError:  # a closure variable not assigned yet
        return None


def _namespaces(fn, depth=3):
    """The global namespaces that ``fn`` looks names up in: its own, and those of the functions
    it wraps (a decorator's closure, ``functools.wraps``'s ``__wrapped__``)."""
    found, todo = {}, [(fn, 0)]
    while todo:
        f, d = todo.pop()
        env = getattr(f, "__globals__", None)
        if isinstance(env, dict) and callable(env.get("two_layer_net")):
            found[id(env)] = env
        if d < depth:
            inner = [_cell_value(c) for c in (getattr(f, "__closure__", None) or ())]
            inner = [g for g in inner if callable(g)]
            inner += [f.__wrapped__] if hasattr(f, "__wrapped__") else []
            todo += [(g, d + 1) for g in inner]
    return list(found.values())


def _recorded_call(t, args, case_text):
    """Call the learner's train_two_layer with a recorder in place of its ``two_layer_net``
    (in every namespace it looks the name up in); the originals are put back afterwards."""
    envs = _namespaces(t.fn)
    if not envs:
        t.fail("train_two_layer cannot see a function named two_layer_net.",
               hint="Run the setup cell at the top of the sheet (it defines two_layer_net), and "
                    "call two_layer_net(X_batch, y_batch, params) in your loop.")
    originals = [env["two_layer_net"] for env in envs]
    recorders = [_Recorder(original) for original in originals]
    for env, recorder in zip(envs, recorders):
        env["two_layer_net"] = recorder
    try:
        out = t.call(*args)
    finally:
        for env, original in zip(envs, originals):
            env["two_layer_net"] = original
    calls = max((r.calls for r in recorders), key=len)
    if not calls:
        t.fail(f"{case_text}: train_two_layer never called two_layer_net.",
               hint="Compute the loss and the gradients of each mini-batch with "
                    "two_layer_net(X_batch, y_batch, params), the function of the setup cell.")
    return out, calls


def _train_outputs(t, out, D, H, C, epochs):
    params, history = t.tuple_of(out, 2, "train_two_layer(...)", ("params", "history"))
    p = _check_params(t, params, D, H, C, "the returned params")
    if isinstance(history, np.ndarray):
        history = history.tolist()
    if not isinstance(history, (list, tuple)):
        t.fail(f"history should be a list of {epochs} numbers, got {type(history).__name__}.",
               hint="Append one number per epoch, the mean of that epoch's mini-batch losses.")
    if len(history) != epochs:
        hint = ("One entry per epoch, not per mini-batch: average the epoch's batch losses and "
                "append that once after the epoch." if len(history) > epochs else
                "Append the epoch's mean loss once per epoch, inside the epoch loop.")
        t.fail(f"history has {len(history)} entries, expected one per epoch ({epochs}).",
               hint=hint)
    try:
        values = np.array([float(v) for v in history])
    except (TypeError, ValueError):
        t.fail("history should hold single numbers, one per epoch.",
               hint="Append float(mean loss of the epoch), not arrays or the gradients.")
    if not np.all(np.isfinite(values)):
        t.fail("history contains NaN or inf.", hint="Is the learning rate used as given?")
    return p, values


def _blobs(n_per_class, seed, D=4, C=3, spread=0.7):
    r = _rng(seed)
    centers = r.normal(scale=2.5, size=(C, D))
    X = np.concatenate([centers[c] + spread * r.normal(size=(n_per_class, D)) for c in range(C)])
    y = np.repeat(np.arange(C), n_per_class)
    return X, y


def _row_ids(X):
    return {X[i].tobytes(): i for i in range(X.shape[0])}


def _check_batches(t, calls, X, y, epochs, batch_size):
    N = X.shape[0]
    per_epoch = math.ceil(N / batch_size)
    if len(calls) != epochs * per_epoch:
        hint = None
        if len(calls) == epochs:
            hint = ("two_layer_net was called once per epoch: split every epoch into mini-batches "
                    "of batch_size rows and take one step per mini-batch.")
        elif len(calls) == epochs * N:
            hint = "That is one sample per step: take batch_size rows per step."
        elif len(calls) == epochs * (N // batch_size):
            hint = ("The last, shorter mini-batch is missing: with N not a multiple of "
                    "batch_size, range(0, N, batch_size) gives a last batch of the remaining rows.")
        elif len(calls) == per_epoch:
            hint = "Loop over the epochs: `for epoch in range(epochs):`."
        t.fail(f"two_layer_net was called {len(calls)} times for {epochs} epochs of N = {N} "
               f"rows in mini-batches of {batch_size}; expected {epochs} x ceil({N}/{batch_size})"
               f" = {epochs * per_epoch}.", hint=hint)
    ids = _row_ids(X)
    orders = []
    for e in range(epochs):
        seen = []
        for k, call in enumerate(calls[e * per_epoch:(e + 1) * per_epoch]):
            Xb = call["X"]
            size = min(batch_size, N - k * batch_size)
            if Xb.ndim != 2 or Xb.shape != (size, X.shape[1]):
                t.fail(f"mini-batch {k + 1} of epoch {e + 1} has shape {Xb.shape}, expected "
                       f"({size}, {X.shape[1]}).",
                       hint="Take batch_size rows at a time, X[idx] with idx = "
                            "order[start:start + batch_size]; only the last batch may be "
                            "shorter.")
            rows = [ids.get(r.tobytes()) for r in Xb]
            if None in rows:
                t.fail(f"mini-batch {k + 1} of epoch {e + 1} holds rows that are not rows of X.",
                       hint="Pass the rows of X unchanged, X[idx] (the data is already "
                            "preprocessed by the caller).")
            labels = np.asarray(call["y"]).reshape(-1)
            if labels.shape != (len(rows),) or not np.array_equal(labels, y[rows]):
                t.fail(f"the labels of mini-batch {k + 1} of epoch {e + 1} do not belong to "
                       "its rows.",
                       hint="Index X and y with the same indices: X[idx], y[idx].")
            seen += rows
        if sorted(seen) != list(range(N)):
            missing = N - len(set(seen))
            t.fail(f"epoch {e + 1} visited {len(set(seen))} different rows of {N} "
                   f"({missing} never, {len(seen) - len(set(seen))} more than once).",
                   hint="Every sample once per epoch: draw a permutation, order = "
                        "rng.permutation(N), and cut it into consecutive slices. Drawing "
                        "indices at random (rng.integers, rng.choice with replacement) repeats "
                        "some samples and skips others.")
        orders.append(seen)
    if orders[0] == list(range(N)):
        t.fail("the first epoch visits the rows in their stored order 0, 1, 2, ...",
               hint="Shuffle at the start of every epoch: order = rng.permutation(N).")
    if epochs > 1 and all(o == orders[0] for o in orders):
        t.fail("every epoch visits the rows in the same order.",
               hint="Draw a new permutation inside the epoch loop, not once before it.")


def _check_updates(t, calls, params_out, lr):
    for k in range(len(calls)):
        before, grads = calls[k]["params"], calls[k]["grads"]
        after = calls[k + 1]["params"] if k + 1 < len(calls) else params_out
        for key in KEYS:
            expected = before[key] - lr * grads[key]
            if np.allclose(after[key], expected, rtol=1e-7, atol=1e-10):
                continue
            where = (f"after step {k + 1}" if k + 1 < len(calls) else
                     "in the returned params (after the last step)")
            hint = None
            if np.allclose(after[key], before[key] + lr * grads[key], rtol=1e-7, atol=1e-10):
                hint = "Wrong sign: step against the gradient, params[k] - lr * grads[k]."
            elif np.allclose(after[key], before[key], rtol=0, atol=0):
                hint = (f"{key} was not updated: update every parameter, "
                        "`for k in params: params[k] = params[k] - lr * grads[k]`."
                        if k + 1 < len(calls) else
                        "Return the trained params (the dict you updated), not a copy made "
                        "before the last step.")
            elif np.allclose(after[key], before[key] - grads[key], rtol=1e-7, atol=1e-10):
                hint = "Scale the gradient by the learning rate: params[k] - lr * grads[k]."
            elif k == 0:
                hint = ("Plain SGD: each step is params[k] - lr * grads[k] with the gradients "
                        "two_layer_net returned for that mini-batch (no momentum, no extra "
                        "factors, no new initialization inside the loop).")
            t.fail(f"{key} {where} is not the SGD step params - lr * grads of the mini-batch "
                   "before.", hint=hint or "Each step is params[k] - lr * grads[k], with the "
                                           "gradients of the latest mini-batch.")


@exercise("train_two_layer", args=("X", "y", "H", "epochs", "lr", "batch_size", "rng"),
          chapter=CHAPTER,
          shape_hint="X is (N, D) and y (N,); a mini-batch is X[idx], y[idx] with idx of "
                     "length batch_size (the last one may be shorter).")
def _check_train_two_layer(t):
    X, y = _blobs(30, 82)          # N = 90, not a multiple of the batch size
    D, C = 4, 3
    H, epochs, lr, bs = 5, 3, 0.1, 16
    case = "N = 90, batch_size 16 (a last batch of 10), 3 epochs"
    t.case(case, X=X, y=y, H=H, epochs=epochs, lr=lr, batch_size=bs)
    out, calls = _recorded_call(t, (X.copy(), y.copy(), H, epochs, lr, bs, _rng(83)), case)
    p, history = _train_outputs(t, out, D, H, C, epochs)
    first = calls[0]["params"]
    if set(first) == set(KEYS) and first["W1"].shape == (D, H):
        if np.all(first["W1"] == 0):
            t.fail("training starts from all-zero W1.",
                   hint="Start from init_two_layer(D, H, C, rng), your exercise 9.2.")
    else:
        t.fail("the params passed to two_layer_net do not have W1 of shape (D, H).",
               hint="Start from init_two_layer(D, H, C, rng) with D = X.shape[1] and "
                    "C = y.max() + 1.")
    _check_batches(t, calls, X, y, epochs, bs)
    _check_updates(t, calls, p, lr)

    X, y = _blobs(32, 84)          # N = 96 = 6 batches of 16: plain and weighted means agree
    case = "history holds each epoch's mean mini-batch loss (N = 96, batch_size 16)"
    t.case(case, X=X, y=y, H=6, epochs=4, lr=0.05, batch_size=16)
    out, calls = _recorded_call(t, (X.copy(), y.copy(), 6, 4, 0.05, 16, _rng(85)), case)
    p, history = _train_outputs(t, out, D, 6, C, 4)
    losses = np.array([c["loss"] for c in calls]).reshape(4, -1)
    expected = losses.mean(axis=1)
    if not np.allclose(history, expected, rtol=1e-6, atol=1e-9):
        hint = None
        if np.allclose(history, losses[:, -1], rtol=1e-6):
            hint = ("That is the loss of each epoch's last mini-batch: average all the "
                    "mini-batch losses of the epoch.")
        elif np.allclose(history, losses.sum(axis=1), rtol=1e-6):
            hint = "Divide the sum of the epoch's losses by the number of mini-batches."
        elif np.allclose(history, losses[:, 0], rtol=1e-6):
            hint = "That is the first mini-batch's loss: average the whole epoch's losses."
        t.fail("history does not hold each epoch's mean mini-batch loss.", hint=hint,
               details=[f"expected: {', '.join(f'{v:.6f}' for v in expected)}",
                        f"got:      {', '.join(f'{v:.6f}' for v in history)}"])

    def args(rng):
        return (X.copy(), y.copy(), 4, 2, 0.1, 32, rng)
    _check_rng(t, args, "train_two_layer (the initialization and the shuffles)")

    t.case("an int seed is accepted: the same seed twice gives the same history")
    a = _train_outputs(t, _call_with_int_seed(t, args(7)), D, 4, C, 2)[1]
    b = _train_outputs(t, t.call(*args(7)), D, 4, C, 2)[1]
    if not np.array_equal(a, b):
        t.fail("two runs with the seed 7 gave different histories.",
               hint="Make one generator at the start, rng = np.random.default_rng(rng), and draw "
                    "the initialization and every shuffle from it.")

    X, y = _blobs(40, 86)
    t.case("the loss falls: N = 120, H = 8, 30 epochs, lr = 0.1, batch_size 10", X=X, y=y)
    p, history = _train_outputs(t, t.call(X.copy(), y.copy(), 8, 30, 0.1, 10, _rng(87)),
                                D, 8, C, 30)
    if not history[-1] < 0.5 * history[0]:
        t.fail(f"the loss went from {history[0]:.4f} (epoch 1) to {history[-1]:.4f} (epoch 30);"
               " expected it to fall below half.",
               hint="Check the update (params[k] - lr * grads[k] for every key, with `-`) and "
                    "that the updated params are used for the next mini-batch. If your own "
                    "two_layer_net in the setup cell does not pass sheet 3's check yet, use "
                    "nnlib's (the import) until it does.")
    acc = float(np.mean(_reference_predict(p, X) == y))
    if acc < 0.9:
        t.fail(f"the trained network classifies {acc:.1%} of the training points correctly; "
               "expected at least 90% on these well-separated blobs.",
               hint="Return the trained params, not the initial ones.")


# ---------------------------------------------------------------------------------------------
# 9.4 predict
# ---------------------------------------------------------------------------------------------


@exercise("predict", args=("params", "X"), chapter=CHAPTER,
          shape_hint="X is (N, D); the result is (N,), one class per row: argmax over axis=1.")
def _check_predict(t):
    params = {"W1": np.array([[1.0, -1.0], [0.0, 2.0]]), "b1": np.array([0.0, -1.0]),
              "W2": np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.5]]), "b2": np.array([0.0, 0.5, 0.0])}
    X = np.array([[2.0, 0.0], [-1.0, 1.0], [0.0, 3.0], [-3.0, -1.0]])
    # by hand: hidden relu([[2,-3],[-1,2],[0,5],[-3,-3]]) = [[2,0],[0,1],[0,5],[0,0]]
    # scores [[2,0.5,-2],[0,1.5,0.5],[0,5.5,2.5],[0,0.5,0]] -> [0, 1, 1, 1]
    cases = [("hand-worked values", params, X, np.array([0, 1, 1, 1]))]
    r = _rng(88)
    D, H, C = 6, 7, 5
    p = {"W1": r.normal(size=(D, H)), "b1": r.normal(size=H), "W2": r.normal(size=(H, C)),
         "b2": r.normal(size=C)}
    cases.append(("a (20, 6) batch, H = 7, C = 5", p, r.normal(size=(20, D)), None))
    q = {"W1": r.normal(size=(4, 4)), "b1": r.normal(size=4), "W2": r.normal(size=(4, 4)),
         "b2": r.normal(size=4)}
    cases.append(("square matrices, D = H = C = N = 4", q, r.normal(size=(4, 4)), None))
    cases.append(("a batch of one", p, r.normal(size=(1, D)), None))
    for case, prm, Xc, hand in cases:
        expected = hand if hand is not None else _reference_predict(prm, Xc)
        t.case(case, params=prm, X=Xc)
        got = t.call({k: v.copy() for k, v in prm.items()}, Xc.copy())
        if got is None:
            t.fail("predict returned None.", hint="Is the `return` statement missing?")
        got = np.asarray(got) if isinstance(got, (list, tuple)) else got
        if not isinstance(got, np.ndarray):
            t.fail(f"predict should return an array of {Xc.shape[0]} class labels, got "
                   f"{type(got).__name__}.",
                   hint="Return np.argmax(scores, axis=1): an array of shape (N,).")
        if got.shape != expected.shape:
            hint = None
            if got.shape == (Xc.shape[0], expected.size) or got.ndim == 2:
                hint = ("That looks like the scores (or probabilities) of every class: return "
                        "the class with the highest score, np.argmax(scores, axis=1).")
            if got.shape == (prm["W2"].shape[1],) and got.shape != expected.shape:
                hint = ("The argmax ran over the samples (axis 0): take it over the classes, "
                        "np.argmax(scores, axis=1).")
            t.fail(f"predict(params, X) has shape {got.shape}, expected {expected.shape}.",
                   hint=hint)
        if got.dtype.kind not in "iu":
            hint = ("Return the class labels as integers, np.argmax(scores, axis=1), not the "
                    "scores or probabilities.")
            if got.dtype.kind == "f" and np.array_equal(got, np.round(got)):
                hint = "The labels are integers: np.argmax already returns them (no float cast)."
            t.fail(f"predict should return integer class labels, got dtype {got.dtype}.",
                   hint=hint)
        if np.array_equal(got, expected):
            continue
        Wd = {k: v.astype(np.float64) for k, v in prm.items()}
        variants = [
            (np.argmax((Xc @ Wd["W1"] + Wd["b1"]) @ Wd["W2"] + Wd["b2"], axis=1),
             "The ReLU is missing: h = np.maximum(X @ W1 + b1, 0)."),
            (np.argmax(np.maximum(Xc @ Wd["W1"], 0) @ Wd["W2"], axis=1),
             "The biases are missing: X @ W1 + b1 and h @ W2 + b2."),
            (np.argmin(_forward_scores(Wd, Xc), axis=1),
             "The prediction is the class with the HIGHEST score: np.argmax, not np.argmin."),
            (np.argmax(1 / (1 + np.exp(-(Xc @ Wd["W1"] + Wd["b1"]))) @ Wd["W2"] + Wd["b2"],
                       axis=1),
             "The hidden layer is a ReLU, np.maximum(z, 0), as in two_layer_net, not a "
             "sigmoid."),
            (np.argmax(np.maximum(Xc @ Wd["W1"] + Wd["b1"], 0) @ Wd["W2"], axis=1),
             "b2 is missing: the scores are h @ W2 + b2."),
            (np.argmax(np.maximum(Xc @ Wd["W1"], 0) @ Wd["W2"] + Wd["b2"], axis=1),
             "b1 is missing: h = np.maximum(X @ W1 + b1, 0)."),
        ]
        hint = next((h for v, h in variants if v.shape == got.shape and np.array_equal(v, got)
                     and not np.array_equal(v, expected)), None)
        wrong = int(np.sum(got != expected))
        t.fail(f"{wrong} of {expected.size} predicted labels are wrong.", hint=hint,
               details=[f"expected: {expected.tolist()}", f"got:      {got.tolist()}"])


# ---------------------------------------------------------------------------------------------
# 9.5, 9.6 the pipelines
# ---------------------------------------------------------------------------------------------
@exercise("seeds_pipeline", args=("X_train", "y_train", "X_test", "y_test", "rng"),
          chapter=CHAPTER)
def _check_seeds_pipeline(t):
    X, y = data.load_seeds()
    _check_pipeline(t, "seeds_pipeline", X, y, split_seed=7, test_size=0.3, threshold=0.9,
                    run_seed=89)


@exercise("digits_pipeline", args=("X_train", "y_train", "X_test", "y_test", "rng"),
          chapter=CHAPTER)
def _check_digits_pipeline(t):
    X, y = data.load_digits()
    _check_pipeline(t, "digits_pipeline", X.astype(np.float64), y, split_seed=3,
                    test_size=0.25, threshold=0.93, run_seed=90)
