"""The training loop: mini-batch gradient descent over epochs, with a guard against divergence
and a warning when a run learned nothing."""

import math
import warnings

import numpy as np

from ._checks import ShapeError, as_float_array, as_rng, check_finite
from .losses import get_loss
from .layers import BatchNorm
from .model import Sequential, classes_from_outputs, output_threshold
from .optim import get_optimizer
from .regularization import l1_penalty, l2_penalty
from .regularization import max_norm as apply_max_norm

_BINARY_LOSSES = ("binary_cross_entropy_with_logits", "binary_cross_entropy")
_DEFAULT_LR = {"sgd": 0.1, "adam": 1e-3}
#: fit judges whether a run learned anything only after this many updates.
MIN_UPDATES_TO_JUDGE = 20


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite during :func:`fit`."""


class TrainingWarning(UserWarning):
    """:func:`fit` finished, but the run seems to have learned nothing.

    Silence it with ``warnings.simplefilter("ignore", nnlib.TrainingWarning)``, or turn it into
    an error with ``"error"`` instead of ``"ignore"``.
    """


class History:
    """What :func:`fit` measured, one entry per epoch.

    ``loss`` and ``acc`` are averages over the epoch's mini-batches as they were trained (so
    they lag slightly behind the model at the end of the epoch); ``val_loss`` and ``val_acc`` are
    measured on the validation data at the end of each epoch, in test mode. Accuracies are empty
    for a regression loss, validation lists are empty without validation data.

    With ``fit(..., patience=...)``, ``best_epoch`` is the epoch (counting from 0) whose weights the
    model was given back: the one with the lowest validation loss. Otherwise it is None.
    """

    def __init__(self):
        self.loss, self.acc, self.val_loss, self.val_acc = [], [], [], []
        self.best_epoch = None

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


def _loss_name(loss):
    return loss if isinstance(loss, str) else getattr(loss, "__name__", "custom loss")


def _is_classification(loss_name):
    return loss_name in ("softmax_cross_entropy", "multiclass_hinge") + _BINARY_LOSSES


def _n_correct(out, y, threshold, loss_name):
    """(correct predictions, predictions made) for one batch. A binary loss on several outputs
    is multi-label: every output is a yes/no prediction of its own and counts once."""
    y = np.asarray(y)
    if loss_name in _BINARY_LOSSES and out.shape[1] > 1:
        return int(np.count_nonzero((out > threshold) == (y.reshape(out.shape) > 0.5))), out.size
    return int(np.count_nonzero(classes_from_outputs(out, threshold) == y.reshape(-1))), len(out)


def _prepare_targets(y, loss_name, dtype):
    """Binary losses compare (N, 1) outputs with (N, 1) targets; accept (N,) labels too."""
    y = np.asarray(y)
    if loss_name in _BINARY_LOSSES and y.ndim == 1:
        return y.reshape(-1, 1).astype(dtype)
    if loss_name in ("mse", "mae"):
        return y.astype(dtype, copy=False)
    return y


def accuracy(model, X, y, loss=None):
    """Fraction of samples whose predicted class equals ``y`` (labels of shape (N,) or (N, 1)).

    The prediction is ``model.predict(X)``: the arg-max of the outputs or, for a single output,
    "probability above one half" (see :meth:`Sequential.predict`). Pass the training ``loss`` when
    the model's last layer is not nnlib's Sigmoid but its outputs are probabilities anyway
    (``loss="binary_cross_entropy"``).
    """
    if loss is None:
        predicted = model.predict(X)
        return float(np.mean(predicted == np.asarray(y).reshape(-1)))
    correct, made = _n_correct(model.forward(X, train=False), y, output_threshold(model, loss),
                               _loss_name(loss))
    return correct / made


def evaluate(model, X, y, loss="softmax_cross_entropy"):
    """Loss (and accuracy, for a classification loss) on ``(X, y)`` in test mode.

    Returns ``(loss, acc)``; ``acc`` is None for a regression loss.
    """
    name = _loss_name(loss)
    out = model.forward(X, train=False)
    value, _ = get_loss(loss)(out, _prepare_targets(y, name, out.dtype))
    if not _is_classification(name):
        return value, None
    correct, made = _n_correct(out, y, output_threshold(model, name), name)
    return value, correct / made


def _progress(iterable, enabled, total):
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm  # imported only when asked for
    except ImportError:
        raise ModuleNotFoundError(
            "fit(progress=True) draws its progress bar with tqdm, which is not installed. "
            "Install it with `pip install tqdm` (or `pip install nnlib[progress]`), or leave progress=False."
        ) from None
    return tqdm(iterable, total=total, desc="epochs")


def fit(model, X, y, *, epochs=10, batch_size=32, optimizer=None, lr=None, loss="softmax_cross_entropy",
        rng=None, X_val=None, y_val=None, l2=0.0, l1=0.0, max_norm=None, shuffle=True,
        progress=False, callback=None, diverge_factor=100.0, lr_schedule=None, patience=None):
    """Train ``model`` with mini-batch gradient descent and return a :class:`History`.

    Parameters
    ----------
    model : Sequential
    X : (N, D) array; y : (N,) integer labels, or (N, K) targets for ``"mse"``/``"mae"`` and
        (N, K) 0/1 targets for a binary loss on K outputs (multi-label: the accuracy is then
        the fraction of the N * K yes/no answers that are right)
    epochs : passes over the training data.
    batch_size : samples per update. ``batch_size=N`` is batch gradient descent, ``1`` is
        stochastic gradient descent, anything between is mini-batch.
    optimizer : an optimizer object or name (``"sgd"``, ``"adam"``); default ``SGD(lr=0.1)``.
    lr : learning rate when ``optimizer`` is a name or omitted.
    loss : ``"softmax_cross_entropy"`` (default), ``"binary_cross_entropy_with_logits"``,
        ``"binary_cross_entropy"`` (for a model ending in Sigmoid), ``"multiclass_hinge"``,
        ``"mse"``, ``"mae"``, or a function ``(outputs, y) -> (loss, doutputs)``.
    rng : a np.random.Generator or an int seed, used to shuffle the data each epoch (required
        when shuffling).
    X_val, y_val : optional validation data, evaluated after each epoch.
    l2, l1 : weight-penalty strengths on the dense layers' weights (not the biases).
    max_norm : if given, after each update rescale every unit's incoming weights to norm <= max_norm.
    progress : show a tqdm progress bar over epochs (off by default, and in stored notebooks).
    callback : called as ``callback(epoch, history, model)`` after every epoch.

    lr_schedule : a function ``epoch -> learning rate`` (epoch counting from 0), such as
        ``lambda epoch: nnlib.optim.step_decay(0.1, epoch)``; it sets the optimizer's ``lr`` at the
        start of every epoch.
    patience : early stopping (needs ``X_val``): stop when the validation loss has not reached a new
        lowest value for ``patience`` epochs, then give the model back the weights of the epoch with
        the lowest validation loss (``history.best_epoch``). The history keeps every epoch trained.

    diverge_factor : stop when a mini-batch loss exceeds this multiple of the first one (None
        never stops on size alone). With a stable softmax a too-large learning rate often gives
        huge but finite losses rather than NaN, so "NaN" alone would miss most divergences.

    A layer may fill its gradient arrays in place, as nnlib's layers do, or assign new ones in its
    backward (``self.dW = x.T @ dout``): ``fit`` then reads ``model.gradients()`` at every step.

    Raises :class:`TrainingDiverged` as soon as a mini-batch loss is NaN, infinite, or larger
    than ``diverge_factor`` times the first mini-batch loss, and ValueError naming the first bad
    entry when the loss became NaN because ``X`` holds NaN or infinity (before that batch's update).
    Warns with :class:`TrainingWarning` when, after at least ``MIN_UPDATES_TO_JUDGE`` updates,
    the loss never fell below its starting value or (with two epochs or more) the last epoch's
    training accuracy is still at chance level.
    """
    loss_name = _loss_name(loss)
    loss_fn = get_loss(loss)
    X = as_float_array(X, "X", dtype=model.dtype)
    if X.ndim != 2:
        raise ShapeError(f"fit: X must be 2-D (N, D), got shape {X.shape}.")
    y = _prepare_targets(y, loss_name, model.dtype)
    if len(y) != len(X):
        raise ShapeError(f"fit: X has {len(X)} rows but y has {len(y)}.")
    if shuffle:
        if rng is None:
            raise ValueError("fit shuffles the data each epoch: pass rng=np.random.default_rng(seed) or an int "
                             "seed (or shuffle=False).")
        rng = as_rng(rng, "fit")
    if optimizer is None or isinstance(optimizer, str):
        name = optimizer or "sgd"
        optimizer = get_optimizer(name, lr=lr if lr is not None else _DEFAULT_LR.get(name, 0.1))
    elif lr is not None:
        raise ValueError("fit: pass lr to the optimizer you built, or pass the optimizer by name with lr=...")
    if patience is not None and X_val is None:
        raise ValueError("fit: early stopping (patience=...) watches the validation loss: pass X_val and y_val too.")
    if patience is not None and not patience >= 1:
        raise ValueError(f"fit: patience is a number of epochs, at least 1, got {patience}.")
    if lr_schedule is not None and not hasattr(optimizer, "lr"):
        raise ValueError(f"fit: lr_schedule sets the optimizer's lr, but {optimizer!r} has no attribute lr.")
    classify = _is_classification(loss_name)
    threshold = output_threshold(model, loss_name)
    n = len(X)
    batch_size = min(int(batch_size), n)
    n_batches = math.ceil(n / batch_size)
    params, grads = model.parameters(), model.gradients()
    rebinds = False  # set after the first step if a layer assigns new gradient arrays
    history = History()
    first_loss, lowest_later_loss, updates = None, math.inf, 0
    # The mini-batch inputs go into one buffer, refilled every step (see benchmarks/README.md).
    # Safe: nothing keeps a batch beyond its step (the first layer's saved input is read only by backward).
    X_batch = np.empty((batch_size,) + X.shape[1:], dtype=X.dtype)
    # Training needs no gradient with respect to X itself (see Sequential.backward).
    backward_options = {"input_grad": False} if isinstance(model, Sequential) else {}

    best_loss, best_arrays = math.inf, None  # early stopping: the lowest validation loss and its weights

    for epoch in _progress(range(epochs), progress, epochs):
        if lr_schedule is not None:
            optimizer.lr = _scheduled_lr(lr_schedule, epoch)
        order = rng.permutation(n) if shuffle else np.arange(n)
        total_loss = total_correct = 0.0
        total_made = 0
        for b in range(n_batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            # The rows gathered straight into the buffer; mode="clip" is what lets np.take write
            # there directly (idx is a permutation of range(n), so nothing is clipped).
            Xb = np.take(X, idx, axis=0, out=X_batch[:len(idx)], mode="clip")
            yb = y[idx]
            out = model.forward(Xb, train=True)
            batch_loss, dout = loss_fn(out, yb)
            penalty, penalty_grads = _penalties(model, l2, l1)
            batch_loss += penalty
            if first_loss is None:
                first_loss = batch_loss
            elif batch_loss < lowest_later_loss:
                lowest_later_loss = batch_loss
            if not math.isfinite(batch_loss):
                # A NaN or infinity in X makes its batch's loss NaN, so X is searched only now.
                check_finite(X, "X", "fit")  # raises, naming the first NaN or infinity
            _check_divergence(batch_loss, first_loss, diverge_factor, epoch, b, n_batches, optimizer)
            model.backward(dout, **backward_options)
            if penalty_grads:
                for (_, dW), (grad2, grad1) in zip(model.weight_matrices(), penalty_grads):
                    if grad2 is not None:
                        dW += grad2
                    if grad1 is not None:
                        dW += grad1
            if updates == 0:
                # A layer written the textbook way assigns new arrays (self.dW = x.T @ dout), so
                # the ones taken above would be stale; read them every step from then on.
                fresh = model.gradients()
                rebinds = len(fresh) != len(grads) or any(g is not old for g, old in zip(fresh, grads))
            optimizer.step(params, model.gradients() if rebinds else grads)
            if max_norm is not None:
                for W, _ in model.weight_matrices():
                    apply_max_norm(W, max_norm)
            updates += 1
            total_loss += batch_loss * len(idx)
            if classify:
                correct, made = _n_correct(out, yb, threshold, loss_name)
                total_correct += correct
                total_made += made
        history.loss.append(total_loss / n)
        if classify:
            history.acc.append(float(total_correct / total_made))
        if X_val is not None:
            val_loss, val_acc = evaluate(model, X_val, y_val, loss)
            history.val_loss.append(val_loss)
            if val_acc is not None:
                history.val_acc.append(val_acc)
        if callback is not None:
            callback(epoch, history, model)
        if patience is not None:
            _check_val_loss(history.val_loss[-1], X_val, epoch)
            if history.val_loss[-1] < best_loss:
                best_loss, history.best_epoch = history.val_loss[-1], epoch
                best_arrays = [a.copy() for a in _saved_arrays(model)]
            elif epoch - history.best_epoch >= patience:
                break
    if best_arrays is not None:
        for a, saved in zip(_saved_arrays(model), best_arrays):
            a[...] = saved
    if updates >= MIN_UPDATES_TO_JUDGE:
        _warn_if_nothing_learned(history, y if classify else None, first_loss, lowest_later_loss, optimizer)
    return history


def early_stopping_epoch(val_loss, patience):
    """The epochs early stopping picks from a list of validation losses (epochs counting from 0).

    Returns ``(best, last)``: ``best`` is the epoch with the lowest validation loss seen before
    stopping, ``last`` the epoch after which training stops, the first one that is ``patience``
    epochs past ``best`` without a new lowest loss (or the last epoch in the list). This is the
    rule ``fit(..., patience=...)`` applies while it trains.
    """
    if len(val_loss) == 0:
        raise ValueError("early_stopping_epoch: the list of validation losses is empty.")
    if patience < 1:
        raise ValueError(f"early_stopping_epoch: patience must be at least 1 epoch, got {patience}.")
    best = 0
    for epoch in range(1, len(val_loss)):
        if val_loss[epoch] < val_loss[best]:
            best = epoch
        elif epoch - best >= patience:
            return best, epoch
    return best, len(val_loss) - 1


def _check_val_loss(val_loss, X_val, epoch):
    """Early stopping compares validation losses; NaN or infinity would silently never compare lower."""
    if math.isfinite(val_loss):
        return
    check_finite(as_float_array(X_val, "X_val"), "X_val", "fit")  # raises, naming the first NaN or infinity
    raise ValueError(f"fit: the validation loss became {val_loss} at epoch {epoch + 1}, so early stopping "
                     "(patience=...) cannot compare it with the earlier epochs. Check y_val's labels and the model's outputs.")


def _scheduled_lr(lr_schedule, epoch):
    lr = float(lr_schedule(epoch))
    if not lr > 0:
        raise ValueError(f"fit: lr_schedule gave the learning rate {lr} for epoch {epoch}; it must be positive.")
    return lr


def _saved_arrays(model):
    """What early stopping saves and restores: every parameter and BatchNorm's running statistics."""
    arrays = list(model.parameters())
    for layer in getattr(model, "layers", []):
        if isinstance(layer, BatchNorm):
            arrays += [layer.running_mean, layer.running_var]
    return arrays


def _penalties(model, l2, l1):
    """The L2 and L1 penalties of every dense weight matrix, from :mod:`nnlib.regularization`.

    Returns the total value, to add to the data loss, and one pair ``(l2 gradient, l1 gradient)``
    per weight matrix (None for a penalty that is off), to add to its ``dW`` after backward.
    """
    if not (l2 or l1):
        return 0.0, ()
    # Python floats: a NumPy float64 strength would make the float32 gradients float64 (see SGD.step).
    l2, l1 = float(l2), float(l1)
    total, grads = 0.0, []
    for W, _ in model.weight_matrices():
        value2, grad2 = l2_penalty(W, l2) if l2 else (0.0, None)
        value1, grad1 = l1_penalty(W, l1) if l1 else (0.0, None)
        total += value2 + value1
        grads.append((grad2, grad1))
    return total, grads


def _check_divergence(loss, first_loss, factor, epoch, batch, n_batches, optimizer):
    if math.isfinite(loss) and (factor is None or first_loss <= 0 or loss <= factor * first_loss):
        return
    what = f"became {loss}" if not math.isfinite(loss) else (
        f"reached {loss:.4g}, more than {factor:g} times the first mini-batch loss ({first_loss:.4g})")
    raise TrainingDiverged(
        f"Training diverged: the loss {what} at epoch {epoch + 1}, batch {batch + 1} of {n_batches}. "
        f"The learning rate ({_describe_lr(optimizer)}) is probably too large: "
        "try one ten times smaller. Unscaled inputs (standardize X) or a bug in a backward pass "
        "can do the same."
    )


def _describe_lr(optimizer):
    lr = getattr(optimizer, "lr", None)
    return f"lr={lr}" if lr is not None else str(optimizer)


def _warn_if_nothing_learned(history, labels, first_loss, lowest_later_loss, optimizer):
    """Warn when the last epoch's accuracy is at chance level or the loss never went down.

    Chance level (judged from the second epoch on): the last epoch's training accuracy closed
    less than a tenth of the gap between always predicting the most common class and perfect
    accuracy. "Never went down": no mini-batch loss after the first update came below the first
    mini-batch loss (with 5% to spare, so that a model that was trained already and merely
    wobbles around its final loss is not flagged).
    """
    findings = []
    if labels is not None and history.epochs >= 2:  # one epoch's average includes the untrained start
        majority = np.bincount(labels.reshape(-1).astype(np.intp)).max() / labels.size
        if history.acc[-1] <= majority + 0.1 * (1 - majority):
            findings.append(f"the training accuracy of the last epoch, {history.acc[-1]:.3f}, is at chance level "
                            f"(always predicting the most common class scores {majority:.3f})")
    if lowest_later_loss > first_loss + 0.05 * abs(first_loss):
        findings.append(f"the loss never fell below its starting value: the first mini-batch loss was "
                        f"{first_loss:.4g}, the lowest one after it {lowest_later_loss:.4g}")
    if findings:
        warnings.warn(
            f"fit: after {history.epochs} epochs {' and '.join(findings)}. The network learned nothing. "
            f"Likely causes: a learning rate that is too large ({_describe_lr(optimizer)}; try one ten "
            "times smaller) or far too small; dead ReLUs (units whose input is negative for every "
            "sample, often after one step that was too large); weights that all start equal (zeros "
            "or constant init); a model too small for the data; unscaled inputs.",
            TrainingWarning, stacklevel=3,
        )
