"""The training loop: mini-batch gradient descent over epochs, with a guard against divergence."""

import math

import numpy as np

from ._checks import ShapeError, as_float_array, check_finite
from .losses import get_loss
from .model import Sequential
from .optim import get_optimizer
from .regularization import l1_penalty, l2_penalty
from .regularization import max_norm as apply_max_norm

_BINARY_LOSSES = ("binary_cross_entropy_with_logits", "binary_cross_entropy")
_DEFAULT_LR = {"sgd": 0.1, "adam": 1e-3}


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite during :func:`fit`."""


class History:
    """What :func:`fit` measured, one entry per epoch.

    ``loss`` and ``acc`` are averages over the epoch's mini-batches as they were trained (so
    they lag slightly behind the model at the end of the epoch); ``val_loss`` and ``val_acc`` are
    measured on the validation data at the end of each epoch, in test mode. Accuracies are empty
    for a regression loss, validation lists are empty without validation data.
    """

    def __init__(self):
        self.loss, self.acc, self.val_loss, self.val_acc = [], [], [], []

    @property
    def epochs(self):
        return len(self.loss)

    def as_dict(self):
        return {"loss": self.loss, "acc": self.acc, "val_loss": self.val_loss, "val_acc": self.val_acc}

    def __getitem__(self, key):
        return self.as_dict()[key]

    def __repr__(self):
        if not self.loss:
            return "History(no epochs)"
        last = f"loss={self.loss[-1]:.4f}"
        if self.acc:
            last += f", acc={self.acc[-1]:.4f}"
        if self.val_loss:
            last += f", val_loss={self.val_loss[-1]:.4f}"
        if self.val_acc:
            last += f", val_acc={self.val_acc[-1]:.4f}"
        return f"History({self.epochs} epochs; last: {last})"


def _is_classification(loss_name):
    return loss_name in ("softmax_cross_entropy",) + _BINARY_LOSSES


def _predict_from_outputs(out):
    return (out[:, 0] > 0).astype(np.intp) if out.shape[1] == 1 else out.argmax(axis=1)


def _prepare_targets(y, loss_name, dtype):
    """Binary losses compare (N, 1) outputs with (N, 1) targets; accept (N,) labels too."""
    y = np.asarray(y)
    if loss_name in _BINARY_LOSSES and y.ndim == 1:
        return y.reshape(-1, 1).astype(dtype)
    if loss_name == "mse":
        return y.astype(dtype, copy=False)
    return y


def accuracy(model, X, y):
    """Fraction of samples whose predicted class equals ``y`` (labels of shape (N,) or (N, 1))."""
    return float(np.mean(model.predict(X) == np.asarray(y).reshape(-1)))


def evaluate(model, X, y, loss="softmax_cross_entropy"):
    """Loss (and accuracy, for a classification loss) on ``(X, y)`` in test mode.

    Returns ``(loss, acc)``; ``acc`` is None for a regression loss.
    """
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", "")
    out = model.forward(X, train=False)
    value, _ = get_loss(loss)(out, _prepare_targets(y, name, out.dtype))
    acc = float(np.mean(_predict_from_outputs(out) == np.asarray(y).reshape(-1))) if _is_classification(name) else None
    return value, acc


def _progress(iterable, enabled, total):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm  # imported only when asked for

    return tqdm(iterable, total=total, desc="epochs")


def fit(model, X, y, *, epochs=10, batch_size=32, optimizer=None, lr=None, loss="softmax_cross_entropy",
        rng=None, X_val=None, y_val=None, l2=0.0, l1=0.0, max_norm=None, shuffle=True,
        progress=False, callback=None, diverge_factor=100.0):
    """Train ``model`` with mini-batch gradient descent and return a :class:`History`.

    Parameters
    ----------
    model : Sequential
    X : (N, D) array; y : (N,) integer labels (or (N, K) targets for ``loss="mse"``)
    epochs : passes over the training data.
    batch_size : samples per update. ``batch_size=N`` is batch gradient descent, ``1`` is
        stochastic gradient descent, anything between is mini-batch.
    optimizer : an optimizer object or name (``"sgd"``, ``"adam"``); default ``SGD(lr=0.1)``.
    lr : learning rate when ``optimizer`` is a name or omitted.
    loss : ``"softmax_cross_entropy"`` (default), ``"binary_cross_entropy_with_logits"``,
        ``"mse"``, or a function ``(outputs, y) -> (loss, doutputs)``.
    rng : np.random.Generator used to shuffle the data each epoch (required when shuffling).
    X_val, y_val : optional validation data, evaluated after each epoch.
    l2, l1 : weight-penalty strengths on the dense layers' weights (not the biases).
    max_norm : if given, after each update rescale every unit's incoming weights to norm <= max_norm.
    progress : show a tqdm progress bar over epochs (off by default, and in stored notebooks).
    callback : called as ``callback(epoch, history, model)`` after every epoch.

    diverge_factor : stop when a mini-batch loss exceeds this multiple of the first one (None
        never stops on size alone). With a stable softmax a too-large learning rate often gives
        huge but finite losses rather than NaN, so "NaN" alone would miss most divergences.

    Raises :class:`TrainingDiverged` as soon as a mini-batch loss is NaN, infinite, or larger
    than ``diverge_factor`` times the first mini-batch loss, and ValueError naming the first bad
    entry when the loss became NaN because ``X`` holds NaN or infinity (before that batch's update).
    """
    loss_name = loss if isinstance(loss, str) else getattr(loss, "__name__", "custom loss")
    loss_fn = get_loss(loss)
    X = as_float_array(X, "X", dtype=model.dtype)
    if X.ndim != 2:
        raise ShapeError(f"fit: X must be 2-D (N, D), got shape {X.shape}.")
    y = _prepare_targets(y, loss_name, model.dtype)
    if len(y) != len(X):
        raise ShapeError(f"fit: X has {len(X)} rows but y has {len(y)}.")
    if shuffle and rng is None:
        raise ValueError("fit shuffles the data each epoch: pass rng=np.random.default_rng(seed) (or shuffle=False).")
    if optimizer is None or isinstance(optimizer, str):
        name = optimizer or "sgd"
        optimizer = get_optimizer(name, lr=lr if lr is not None else _DEFAULT_LR.get(name, 0.1))
    elif lr is not None:
        raise ValueError("fit: pass lr to the optimizer you built, or pass the optimizer by name with lr=...")
    classify = _is_classification(loss_name)
    n = len(X)
    batch_size = min(int(batch_size), n)
    n_batches = math.ceil(n / batch_size)
    params, grads = model.parameters(), model.gradients()
    history = History()
    first_loss = None
    # One buffer for the mini-batch inputs, refilled in place every step: a fresh X[idx] each step
    # would allocate (and soon free) a new (batch_size, D) array every time. Safe because nothing
    # keeps a batch beyond its own step (the first layer's saved input is only read by backward).
    X_batch = np.empty((batch_size,) + X.shape[1:], dtype=X.dtype)
    # Training needs no gradient with respect to X itself (see Sequential.backward).
    backward_options = {"input_grad": False} if isinstance(model, Sequential) else {}

    for epoch in _progress(range(epochs), progress, epochs):
        order = rng.permutation(n) if shuffle else np.arange(n)
        total_loss = total_correct = 0.0
        for b in range(n_batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            # Gather the rows straight into the buffer (a view of it for a short last batch).
            # mode="clip" skips the bounds check (idx comes from a permutation of range(n)); the
            # default mode="raise" would gather into a temporary array first and then copy it over.
            Xb = np.take(X, idx, axis=0, out=X_batch[:len(idx)], mode="clip")
            yb = y[idx]
            out = model.forward(Xb, train=True)
            batch_loss, dout = loss_fn(out, yb)
            batch_loss += _penalty_value(model, l2, l1)
            if first_loss is None:
                first_loss = batch_loss
            if not math.isfinite(batch_loss) and not _all_finite(X):
                # A NaN or infinity in X makes the loss of its batch NaN (IEEE arithmetic carries
                # it through every layer), so X is only searched once the loss says so: checking
                # 60,000 x 784 inputs up front on every call would cost 7 ms for nothing.
                check_finite(X, "X", "fit")  # raises, naming the first NaN or infinity
            _check_divergence(batch_loss, first_loss, diverge_factor, epoch, b, n_batches, optimizer)
            model.backward(dout, **backward_options)
            _add_penalty_gradients(model, l2, l1)
            optimizer.step(params, grads)
            if max_norm is not None:
                for W, _ in model.weight_matrices():
                    apply_max_norm(W, max_norm)
            total_loss += batch_loss * len(idx)
            if classify:
                total_correct += np.count_nonzero(_predict_from_outputs(out) == yb.reshape(-1))
        history.loss.append(total_loss / n)
        if classify:
            history.acc.append(float(total_correct / n))
        if X_val is not None:
            val_loss, val_acc = evaluate(model, X_val, y_val, loss)
            history.val_loss.append(val_loss)
            if val_acc is not None:
                history.val_acc.append(val_acc)
        if callback is not None:
            callback(epoch, history, model)
    return history


def _all_finite(X, rows=4096):
    """``np.isfinite(X).all()``, a block of rows at a time.

    All at once, ``np.isfinite(X)`` is an (N, D) boolean temporary: 47 MB for 60,000 x 784, which
    the operating system has to find and zero (12 ms on a quiet machine, over 100 ms after other
    large arrays have come and gone). Blocks of rows stay small and in the cache.
    """
    return all(np.isfinite(X[start:start + rows]).all() for start in range(0, len(X), rows))


def _penalty_value(model, l2, l1):
    """The L2 and L1 penalties of all dense weights, added to the data loss."""
    if not (l2 or l1):
        return 0.0
    total = 0.0
    for W, _ in model.weight_matrices():
        total += (l2_penalty(W, l2)[0] if l2 else 0.0) + (l1_penalty(W, l1)[0] if l1 else 0.0)
    return total


def _add_penalty_gradients(model, l2, l1):
    """Add the penalties' gradients (``l2 * W`` and ``l1 * sign(W)``) to every ``dW``, in place."""
    if not (l2 or l1):
        return
    l2, l1 = float(l2), float(l1)  # a NumPy float64 strength would make l2 * W float64 (see SGD.step)
    for W, dW in model.weight_matrices():
        if l2:
            dW += l2 * W
        if l1:
            dW += l1 * np.sign(W)


def _check_divergence(loss, first_loss, factor, epoch, batch, n_batches, optimizer):
    if math.isfinite(loss) and (factor is None or first_loss <= 0 or loss <= factor * first_loss):
        return
    what = f"became {loss}" if not math.isfinite(loss) else (
        f"reached {loss:.4g}, more than {factor:g} times the first mini-batch loss ({first_loss:.4g})")
    lr = getattr(optimizer, "lr", None)
    raise TrainingDiverged(
        f"Training diverged: the loss {what} at epoch {epoch + 1}, batch {batch + 1} of {n_batches}. "
        f"The learning rate ({f'lr={lr}' if lr is not None else optimizer}) is probably too large: "
        "try one ten times smaller. Unscaled inputs (standardize X) or a bug in a backward pass "
        "can do the same."
    )
