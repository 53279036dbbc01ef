"""Sheet 4 (chapter 4), second part: ``train_network``, a training loop around the learner's own
network of any depth (sheets 1 and 3), graded on what it does on small fixed 2-D problems.

Apart from ex04_training.py only to keep each file short; the checker belongs to sheet 4
(``Exercise.sheet`` drops the ``_part2``), and ex04_training.py imports this module at its end.
"""

import numpy as np

from .. import data, nets
from ..losses import softmax_cross_entropy
from .common import _check_uses_rng, _rng
from .ex01_forward import _describe_layers
from .registry import exercise

CHAPTER = "04_training"



def _layers(*spec):
    return [{"input_dim": a, "output_dim": b, "activation": c} for a, b, c in spec]


_MOONS = _layers((2, 16, "relu"), (16, 16, "relu"), (16, 2, None))
_UPDATE_HINT = ("Check the update: params[k] -= lr * grads[k] for every key (the seed article's "
                "`params[k] = lr * grads[k]` throws the weights away), with the gradients "
                "backward_network returns for the latest mini-batch, and that the next "
                "mini-batch uses the updated params. If your own forward_network or "
                "backward_network in the setup cell does not pass its sheet's check yet, use "
                "nnlib's (the import) until it does.")


def _outputs(t, out, layers, epochs):
    """(params as float64 arrays, history as a float array), after checking their form."""
    params, history = t.tuple_of(out, 2, "train_network(...)", ("params", "history"))
    if not isinstance(params, dict):
        t.fail(f"params should be a dict, got {type(params).__name__}.",
               hint='Return the dict of init_network, {"W1": ..., "b1": ..., ...}, trained.')
    for l, d in enumerate(layers, start=1):
        for key, shape in ((f"W{l}", (d["input_dim"], d["output_dim"])),
                           (f"b{l}", (d["output_dim"],))):
            got = params.get(key)
            if not isinstance(got, np.ndarray) or got.shape != shape:
                what = (f"shape {got.shape}" if isinstance(got, np.ndarray) else
                        "missing" if got is None else type(got).__name__)
                t.fail(f"params[{key!r}] should be an array of shape {shape}, got {what}.",
                       hint="Start from params = init_network(layers, rng) and update its "
                            "arrays; keep the keys W1, b1, W2, ... and their shapes.")
    if isinstance(history, np.ndarray):
        history = history.tolist()
    if not isinstance(history, (list, tuple)):
        t.fail(f"history should be a list of {epochs} numbers, got {type(history).__name__}.",
               hint="Append one number per epoch, the mean of that epoch's mini-batch losses.")
    if len(history) != epochs:
        t.fail(f"history has {len(history)} entries, expected one per epoch ({epochs}).",
               hint="One entry per epoch, not per mini-batch: average the epoch's mini-batch "
                    "losses and append that once, after the epoch's last step."
               if len(history) > epochs else "Append the epoch's mean loss once per epoch.")
    try:
        values = np.array([float(v) for v in history])
    except (TypeError, ValueError):
        t.fail("history should hold single numbers, one per epoch.",
               hint="Append float(mean loss of the epoch), not arrays or gradients.")
    if not np.all(np.isfinite(values)):
        t.fail("history contains NaN or inf: the training diverged.",
               details=[_fmt_history(values)],
               hint="A loss that grows until it is inf usually means a wrong sign: gradient "
                    "descent steps against the gradient, params[k] -= lr * grads[k] (`-=`, not "
                    "`+=`). " + _UPDATE_HINT)
    return {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}, values


def _accuracy(params, X, y, layers):
    return float(np.mean(nets.forward_network(X, params, layers)[0].argmax(axis=1) == y))


def _loss(params, X, y, layers):
    return softmax_cross_entropy(nets.forward_network(X, params, layers)[0], y)[0]


def _fmt_history(h):
    shown = ", ".join(f"{v:.4g}" for v in h[:4])
    return f"history: [{shown}{', ...' if len(h) > 5 else ''}{', ' if len(h) > 4 else ''}" \
           f"{f'{h[-1]:.4g}' if len(h) > 4 else ''}]"


def _check_learns(t, X, y, layers, epochs, lr, batch_size, seed, min_acc, min_drop):
    out = t.call(X.copy(), y.copy(), layers, epochs, lr, batch_size, _rng(seed))
    params, history = _outputs(t, out, layers, epochs)
    details = [_fmt_history(history)]
    if history[-1] > history[0]:
        t.fail(f"the loss rose from {history[0]:.4f} (epoch 1) to {history[-1]:.4f} "
               f"(epoch {epochs}).", details=details,
               hint="Wrong sign? Gradient descent steps against the gradient, params[k] -= "
                    "lr * grads[k] (`-=`, not `+=`). " + _UPDATE_HINT)
    if history[-1] > min_drop * history[0]:
        t.fail(f"the loss went from {history[0]:.4f} (epoch 1) to only {history[-1]:.4f} "
               f"(epoch {epochs}); expected it to fall below {min_drop:g} x the first epoch's.",
               details=details, hint=_UPDATE_HINT + " Re-initializing params inside the epoch "
                                                    "loop also undoes the training.")
    acc = _accuracy(params, X, y, layers)
    if acc < min_acc:
        t.fail(f"the returned params classify {acc:.1%} of the training points correctly; "
               f"expected at least {min_acc:.0%}.", details=details + [
                   f"loss of the returned params on all of X: {_loss(params, X, y, layers):.4f}"],
               hint="The history falls, but the params returned do not classify: return the "
                    "trained dict (the one you updated), not the initial params or a copy made "
                    "before training.")


@exercise("train_network", args=("X", "y", "layers", "epochs", "lr", "batch_size", "rng"),
          chapter=CHAPTER,
          shape_hint="X is (N, D) and y (N,); a mini-batch is X[idx], y[idx] with idx from "
                     "minibatch_indices(N, batch_size, rng); the logits are (batch, C).")
def _check_train_network(t):
    X, y = data.make_moons(n_samples=200, noise=0.15, rng=0)
    # Thresholds: over 150 seeds the reference loop reaches at least 96% here and its loss
    # falls to at most 0.38 of the first epoch's (0.93 and 0.36 in the second case).
    t.case("the two moons (N = 200), 2 -> 16 -> 16 -> 2, 50 epochs, lr = 0.3, batch_size 16: "
           "the loss falls below half and at least 90% of the points are classified",
           X=X, y=y, layers=_describe_layers(_MOONS), epochs=50, lr=0.3, batch_size=16)
    _check_learns(t, X, y, _MOONS, 50, 0.3, 16, seed=140, min_acc=0.9, min_drop=1 / 2)

    X, y = data.make_blobs(n_samples=150, centers=3, std=1.0, rng=1)
    layers = _layers((2, 12, "relu"), (12, 8, "sigmoid"), (8, 6, "relu"), (6, 3, "linear"))
    t.case("three overlapping blobs (N = 150, not a multiple of the batch size 32), four "
           "layers with a sigmoid, 60 epochs, lr = 0.3: at least 85% classified",
           X=X, y=y, layers=_describe_layers(layers), epochs=60, lr=0.3, batch_size=32)
    _check_learns(t, X, y, layers, 60, 0.3, 32, seed=141, min_acc=0.85, min_drop=1 / 2)

    X, y = data.make_moons(n_samples=160, noise=0.15, rng=2)
    t.case("lr = 0: nothing is learned, so every epoch's mean loss is the same (N = 160, "
           "batch_size 16: ten equal mini-batches)",
           X=X, y=y, layers=_describe_layers(_MOONS), epochs=3, lr=0.0, batch_size=16)
    params, history = _outputs(t, t.call(X.copy(), y.copy(), _MOONS, 3, 0.0, 16, _rng(142)),
                               _MOONS, 3)
    full = _loss(params, X, y, _MOONS)
    if not np.allclose(history, full, rtol=1e-8, atol=1e-10):
        t.fail("with lr = 0 the params never change, so each epoch's mean mini-batch loss is "
               f"the loss on all of X, {full:.6f}, every epoch.",
               details=[f"history: [{', '.join(f'{v:.6f}' for v in history)}]"],
               hint="Use the lr that is passed in (not a fixed number), and append the mean of "
                    "all of the epoch's mini-batch losses (not the last batch's, nor a running "
                    "sum).")

    X, y = data.make_moons(n_samples=64, noise=0.15, rng=3)

    def args(rng):
        return (X.copy(), y.copy(), _MOONS, 2, 0.3, 16, rng)

    class _Flat:
        """t.call with the result as nested tuples of arrays, to compare two runs exactly."""

        def __init__(self, t):
            self.t = t

        def call(self, *a):
            params, history = _outputs(self.t, self.t.call(*a), _MOONS, 2)
            return tuple(params[k] for k in sorted(params)) + (history,)

        def __getattr__(self, name):
            return getattr(self.t, name)
    _check_uses_rng(_Flat(t), args, "train_network (init_network and minibatch_indices)")
