"""Interactive explorers for chapters 4, 5 and 6: move a control, and the figure is redrawn.

Each explorer is built from four functions, so that every part can be used and tested alone:

* compute (NumPy only): ``learning_rate_run``, ``init_signals``, ``dropout_run``;
* a one-line summary of the result: ``learning_rate_summary``, ``init_summary``, ``dropout_summary``;
* a figure of the result: ``plot_learning_rate_run``, ``plot_init_signals``, ``plot_dropout_run``
  (``draw_*`` draw the same into a figure you pass);
* the widget: ``learning_rate_explorer``, ``init_explorer``, ``dropout_explorer``.

The compute functions are seeded and pure: the same arguments give the same numbers. The
``plot_*`` functions draw a static figure (what a chapter stores for readers without a kernel).
The ``*_explorer`` functions return an ipywidgets box: controls, a one-line summary and the
figure. Moving a control calls a kernel-side callback that recomputes, rewrites the summary and
replaces the figure. ipywidgets and matplotlib are imported only when these functions run.
"""

import base64
import contextlib
import html
import io
import math

import numpy as np

from . import functional as F
from .data import make_moons, make_spirals, train_test_split
from .init import get_initializer
from .losses import softmax_cross_entropy
from .model import mlp
from .optim import SGD, Adam
from .train import TrainingDiverged, accuracy, fit

__all__ = [
    "learning_rate_run", "learning_rate_summary", "draw_learning_rate_run", "plot_learning_rate_run",
    "learning_rate_explorer",
    "init_signals", "init_summary", "draw_init_signals", "plot_init_signals", "init_explorer",
    "dropout_statistics", "dropout_run", "dropout_summary", "draw_dropout_run", "plot_dropout_run",
    "dropout_explorer",
]


# ---------------------------------------------------------------------------------------------
# Learning rate, batch size and optimizer (chapter 4)
# ---------------------------------------------------------------------------------------------

OPTIMIZERS = {
    "sgd": lambda lr: SGD(lr=lr),
    "momentum": lambda lr: SGD(lr=lr, momentum=0.9),
    "adam": lambda lr: Adam(lr=lr),
}
_OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam"}


def learning_rate_run(lr=0.1, batch_size=32, optimizer="sgd", epochs=30, hidden=50, seed_init=1,
                      seed_shuffle=2):
    """Train a 2-``hidden``-3 ReLU network on chapter 4's three spirals and record every update.

    The data (``make_spirals(100, 3, noise=0.2, rng=0)``), the network and the seeds are those of
    chapter 4's learning-rate experiment, so ``lr=0.1`` reproduces its curve.

    lr : learning rate, rounded to 3 significant digits (slider values such as 0.17782... are
        shown and used as 0.178).
    optimizer : ``"sgd"``, ``"momentum"`` (SGD with momentum 0.9) or ``"adam"``.

    Returns a dict with ``X`` (300, 2), ``y`` (300,), the trained ``model``, ``batch_losses``
    (one mini-batch loss per update), ``updates_per_epoch``, ``accuracy`` (None when training
    diverged) and ``diverged`` (the :class:`~nnlib.TrainingDiverged` message, or None), plus the
    settings.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"learning_rate_run: unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}.")
    if not lr > 0:
        raise ValueError(f"learning_rate_run: the learning rate must be positive, got {lr!r}.")
    lr = float(f"{lr:.3g}")
    X, y = make_spirals(n_per_class=100, n_classes=3, noise=0.2, rng=0)
    batch_size = min(int(batch_size), len(X))
    model = mlp([2, hidden, 3], rng=np.random.default_rng(seed_init))
    batch_losses = []

    def recording_loss(scores, yb):
        value, dscores = softmax_cross_entropy(scores, yb)
        batch_losses.append(value)
        return value, dscores

    diverged = None
    with np.errstate(all="ignore"), _single_blas_thread():  # diverging runs overflow; fit reports it
        try:
            fit(model, X, y, epochs=epochs, batch_size=batch_size, optimizer=OPTIMIZERS[optimizer](lr),
                loss=recording_loss, rng=np.random.default_rng(seed_shuffle))
        except TrainingDiverged as err:
            diverged = str(err)
        acc = None if diverged else accuracy(model, X, y)
    return {"X": X, "y": y, "model": model, "batch_losses": batch_losses,
            "updates_per_epoch": math.ceil(len(X) / batch_size), "accuracy": acc, "diverged": diverged,
            "lr": lr, "batch_size": batch_size, "optimizer": optimizer, "epochs": epochs, "hidden": hidden}


def _epoch_means(run):
    """Average mini-batch loss of every complete epoch of a run."""
    losses, k = np.asarray(run["batch_losses"]), run["updates_per_epoch"]
    n_full = len(losses) // k
    return losses[:n_full * k].reshape(n_full, k).mean(axis=1)


def learning_rate_summary(run):
    """One line describing a :func:`learning_rate_run` result, e.g.
    ``"SGD, lr 0.1, batch 32: loss 1.02 -> 0.504 after 30 epochs (300 updates), accuracy 0.740"``
    (first and last epoch's average mini-batch loss), or the divergence message."""
    head = f"{_OPTIMIZER_LABELS[run['optimizer']]}, lr {run['lr']:g}, batch {run['batch_size']}"
    losses = run["batch_losses"]
    if run["diverged"]:
        return f"{head}: diverged after {len(losses)} updates. {run['diverged']}"
    means = _epoch_means(run)
    return (f"{head}: loss {means[0]:.3g} -> {means[-1]:.3g} after {run['epochs']} epochs "
            f"({len(losses)} updates), accuracy {run['accuracy']:.3f}")


def draw_learning_rate_run(run, fig, resolution=60):
    """Draw the loss curve and the decision boundary of ``run`` into the empty figure ``fig``."""
    from .plots import plot_decision_boundary

    ax_loss, ax_boundary = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    losses = np.asarray(run["batch_losses"], dtype=float)
    epochs_axis = np.arange(1, len(losses) + 1) / run["updates_per_epoch"]
    finite = np.isfinite(losses) & (losses > 0)
    ax_loss.semilogy(epochs_axis[finite], losses[finite], lw=0.7, alpha=0.6, label="mini-batch loss")
    if not run["diverged"]:
        means = _epoch_means(run)
        ax_loss.semilogy(np.arange(1, len(means) + 1), means, "o-", ms=2.5, lw=1.2, label="epoch average")
    elif finite.any():
        last = np.flatnonzero(finite)[-1]
        ax_loss.plot(epochs_axis[last], losses[last], "x", color="tab:red", ms=10, mew=2, label="TrainingDiverged")
    ax_loss.set(title=f"{_OPTIMIZER_LABELS[run['optimizer']]}, lr = {run['lr']:g}, batch size {run['batch_size']}",
                xlabel="epoch", ylabel="training loss (log scale)", xlim=(0, run["epochs"]),
                ylim=(0.01, 300))  # fixed, so that two settings can be compared at a glance
    _plain_log_labels(ax_loss.yaxis)
    ax_loss.legend(fontsize="small", loc="upper right")
    ax_loss.grid(alpha=0.3)
    if run["diverged"]:
        ax_boundary.set(title="Decision boundary", xlabel="$x_1$", ylabel="$x_2$", xticks=[], yticks=[])
        ax_boundary.text(0.5, 0.5, "training diverged:\nno decision boundary", ha="center", va="center",
                         color="tab:red", transform=ax_boundary.transAxes)
    else:
        plot_decision_boundary(run["model"], run["X"], run["y"], ax=ax_boundary, resolution=resolution,
                               title=f"Decision boundary (accuracy {run['accuracy']:.3f})")
        ax_boundary.get_legend().remove()
    fig.suptitle(f"A 2-{run['hidden']}-3 network on the spirals, {run['epochs']} epochs")
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.83, wspace=0.22)
    return fig


def plot_learning_rate_run(run, resolution=100):
    """Static figure of a :func:`learning_rate_run` result (a new pyplot figure, returned)."""
    import matplotlib.pyplot as plt

    return draw_learning_rate_run(run, plt.figure(figsize=(10, 4)), resolution=resolution)


def learning_rate_explorer(lr=0.1, batch_size=32, optimizer="sgd", epochs=30):
    """Learning rate (log scale), batch size and optimizer -> loss curve and decision boundary.

    Every change retrains the small network of :func:`learning_rate_run` from the same starting
    weights, so the settings are the only thing that differs between two pictures.
    """
    import ipywidgets as widgets

    controls = {
        "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=2, step=0.25, description="learning rate",
                                     readout_format=".3g", continuous_update=False, style=_WIDE_LABEL),
        "batch_size": widgets.SelectionSlider(options=[8, 16, 32, 64, 128, 300], value=batch_size,
                                              description="batch size", continuous_update=False, style=_WIDE_LABEL),
        "optimizer": widgets.Dropdown(options=[(label, key) for key, label in _OPTIMIZER_LABELS.items()],
                                      value=optimizer, description="optimizer"),
    }

    def render(lr, batch_size, optimizer):
        run = learning_rate_run(lr=lr, batch_size=batch_size, optimizer=optimizer, epochs=epochs)
        return learning_rate_summary(run), _figure_png(lambda fig: draw_learning_rate_run(run, fig), (10, 4))

    return _make_explorer("learning-rate explorer (chapter 4)", controls, render)


# ---------------------------------------------------------------------------------------------
# Initialization: activations and gradients layer by layer (chapter 5)
# ---------------------------------------------------------------------------------------------

#: The explorer's schemes: label -> nnlib.init name. The scale multiplies the weights of any of them.
INIT_SCHEMES = {"0.01 * randn": "normal", "Xavier": "xavier_normal", "He": "he_normal", "LeCun": "lecun_normal"}
_ACTIVATION_BACKWARD = {
    "tanh": (F.tanh, F.tanh_backward),
    "relu": (F.relu, F.relu_backward),
    "sigmoid": (F.sigmoid, F.sigmoid_backward),
    "linear": (lambda s: s, lambda dout, s: dout),
}


def _scheme_label(init):
    return {name: label for label, name in INIT_SCHEMES.items()}.get(init, init)


def _shown_layers(depth, max_shown=10):
    """At most ``max_shown`` layer numbers (1-based), evenly spread, always the first and the last."""
    if depth <= max_shown:
        return list(range(1, depth + 1))
    return sorted({int(round(v)) for v in np.linspace(1, depth, max_shown)})


def init_signals(depth=10, width=256, activation="tanh", init="xavier_normal", scale=1.0, n_samples=500,
                 seed=2, max_shown=10):
    """Send a batch through ``depth`` x (dense ``width -> width``, activation) and a gradient back.

    The input is standard normal, shape (n_samples, width). Layer ``l`` computes
    ``S_l = H_{l-1} @ W_l`` and ``H_l = f(S_l)`` with ``W_l = scale * init(width, width)`` (biases
    are zero). At the top, a standard-normal gradient ``dL/dH_depth`` is sent back through the
    same layers: ``dL/dS_l = f'(S_l) * dL/dH_l`` and ``dL/dH_{l-1} = dL/dS_l @ W_l.T``.

    init : an :mod:`nnlib.init` name (``"normal"`` is 0.01 * randn) or an initializer function.
    seed : the input uses ``default_rng(seed)``, the weights ``seed + 1`` and the gradient
        ``seed + 2`` (with seed 2 these are chapter 5's seeds).

    Returns a dict with ``act_std`` and ``grad_std`` (depth,), the standard deviations of every
    ``H_l`` and every ``dL/dS_l``; ``shown``, the layer numbers kept for plotting (at most
    ``max_shown``); and ``activations`` and ``gradients``, the arrays of those layers.
    """
    if activation not in _ACTIVATION_BACKWARD:
        raise ValueError(f"init_signals: unknown activation {activation!r}; "
                         f"choose one of {sorted(_ACTIVATION_BACKWARD)}.")
    depth, width = int(depth), int(width)
    if depth < 1 or width < 1:
        raise ValueError(f"init_signals: depth and width must be at least 1, got depth={depth}, width={width}.")
    f, f_backward = _ACTIVATION_BACKWARD[activation]
    initializer = get_initializer(init)
    H = np.random.default_rng(seed).standard_normal((n_samples, width))
    rng_w = np.random.default_rng(seed + 1)
    weights, pre = [], []
    act_std = np.empty(depth)
    shown = _shown_layers(depth, max_shown)
    activations = []
    with np.errstate(all="ignore"):  # scale 3 with ReLU over 30 layers may overflow: that is the lesson
        for layer in range(1, depth + 1):
            W = scale * initializer(width, width, rng=rng_w)
            S = H @ W
            H = f(S)
            weights.append(W)
            pre.append(S)
            act_std[layer - 1] = H.std()
            if layer in shown:
                activations.append(H)
        grad = np.random.default_rng(seed + 2).standard_normal(H.shape)  # dL/dH at the top
        grad_std = np.empty(depth)
        gradients = [None] * len(shown)
        for layer in range(depth, 0, -1):
            dS = f_backward(grad, pre[layer - 1])
            grad_std[layer - 1] = dS.std()
            if layer in shown:
                gradients[shown.index(layer)] = dS
            grad = dS @ weights[layer - 1].T
    return {"act_std": act_std, "grad_std": grad_std, "shown": shown, "activations": activations,
            "gradients": gradients, "depth": depth, "width": width, "activation": activation,
            "init": init if isinstance(init, str) else getattr(init, "__name__", "custom"), "scale": float(scale)}


def init_summary(signals):
    """One line, e.g. ``"depth 10, width 256, tanh, Xavier x 1.00: activation std 0.628 (layer 1)
    -> 0.226 (layer 10); gradient dL/dS std 0.266 (layer 1) <- 0.95 (layer 10)"``."""
    a, g, d = signals["act_std"], signals["grad_std"], signals["depth"]
    return (f"depth {d}, width {signals['width']}, {signals['activation']}, "
            f"{_scheme_label(signals['init'])} x {signals['scale']:.2f}: "
            f"activation std {a[0]:.3g} (layer 1) -> {a[-1]:.3g} (layer {d}); "
            f"gradient dL/dS std {g[0]:.3g} (layer 1) <- {g[-1]:.3g} (layer {d})")


def draw_init_signals(signals, fig):
    """Histograms of the activations (top row) and gradients (bottom row) of the shown layers."""
    rows = {"activation $H_l$": signals["activations"], "gradient $dL/dS_l$": signals["gradients"]}
    axes = fig.subplots(2, len(signals["shown"]), squeeze=False)
    for r, (label, arrays) in enumerate(rows.items()):
        finite = [a[np.isfinite(a)] for a in arrays]
        limit = max((np.abs(a).max() for a in finite if a.size), default=1.0) or 1.0  # one range per row
        for c, (layer, values) in enumerate(zip(signals["shown"], finite)):
            ax = axes[r, c]
            counts, edges = np.histogram(values, bins=41, range=(-limit, limit))
            ax.stairs(counts, edges, fill=True, color="tab:blue")  # one artist: much faster than 41 bars
            std = f"{values.std():.1e}" if values.size else "overflow"
            ax.set_title(f"layer {layer}\nstd {std}", fontsize=7)
            ax.set_xlabel(label, fontsize=7)
            # One x-range per row, labelled once (long labels would overlap in every panel).
            ax.set_xticks([-limit, 0, limit], [f"{-limit:.2g}", "0", f"{limit:.2g}"] if c == 0 else [])
            ax.tick_params(labelsize=6)
            ax.set_yticks([])  # counts differ wildly between panels; the shape is what matters
        axes[r, 0].set_ylabel("count", fontsize=8)
    fig.suptitle(f"{signals['depth']} layers of width {signals['width']}, {signals['activation']}, "
                 f"{_scheme_label(signals['init'])}, scale {signals['scale']:g}")
    fig.subplots_adjust(left=0.03, right=0.99, bottom=0.12, top=0.82, wspace=0.15, hspace=0.9)
    return fig


def plot_init_signals(signals):
    """Static figure of an :func:`init_signals` result (a new pyplot figure, returned)."""
    import matplotlib.pyplot as plt

    return draw_init_signals(signals, plt.figure(figsize=(10, 4.3)))


def init_explorer(depth=10, width=256, activation="tanh", init="xavier_normal", scale=1.0):
    """Depth, width, activation, initialization scheme and scale -> per-layer histograms.

    The scale multiplies the weights the scheme draws (scale 1 is the scheme itself), so
    "0.01 * randn" with scale 2 is 0.02 * randn.
    """
    import ipywidgets as widgets

    controls = {
        "depth": widgets.IntSlider(value=depth, min=2, max=30, description="depth", continuous_update=False),
        "width": widgets.SelectionSlider(options=[64, 128, 256, 512, 1024], value=width, description="width",
                                         continuous_update=False),
        "activation": widgets.Dropdown(options=["tanh", "relu", "sigmoid"], value=activation, description="activation"),
        "init": widgets.Dropdown(options=list(INIT_SCHEMES.items()), value=init, description="init"),
        "scale": widgets.FloatSlider(value=scale, min=0.1, max=3.0, step=0.1, description="scale",
                                     readout_format=".1f", continuous_update=False),
    }

    def render(**settings):
        # 500 samples (chapter 5's batch) up to width 256, fewer for wider layers: at most 128,000
        # values per histogram keeps a 30-layer stack of width 1024 to about a second.
        signals = init_signals(**settings, n_samples=min(500, 128_000 // settings["width"]))
        return init_summary(signals), _figure_png(lambda fig: draw_init_signals(signals, fig), (10, 4.3))

    return _make_explorer("initialization explorer (chapter 5)", controls, render)


# ---------------------------------------------------------------------------------------------
# Dropout: train vs test statistics and train/validation curves (chapter 6)
# ---------------------------------------------------------------------------------------------


def dropout_statistics(p, n_samples=1000, width=100, seed=0):
    """Mean activation seen by the next layer, at training and at test time, for three schemes.

    ``H`` (n_samples, width) are ReLU activations of a random layer. At training time dropout
    keeps each unit with probability ``1 - p``:

    * vanilla dropout passes ``H * keep`` during training and, done right, ``(1 - p) * H`` at
      test time; done wrong (forgetting the test-time factor), ``H``;
    * inverted dropout passes ``H * keep / (1 - p)`` during training and ``H`` at test time.

    Returns a dict ``scheme -> (train mean, test mean)`` with the schemes ``"vanilla, test x (1-p)"``,
    ``"vanilla, test unscaled"`` and ``"inverted"``. The training means are measured with sampled
    masks; the test means are exact.
    """
    if not 0 <= p < 1:
        raise ValueError(f"dropout_statistics: p is the probability of dropping a unit and must be in [0, 1), got {p}.")
    rng = np.random.default_rng(seed)
    H = F.relu(rng.standard_normal((n_samples, width)) @ rng.standard_normal((width, width)) / np.sqrt(width))
    keep = rng.random(H.shape) >= p
    vanilla_train = float(np.mean(H * keep))
    inverted_train, _ = F.dropout_forward(H, p, np.random.default_rng(seed + 1))
    test = float(H.mean())
    return {"vanilla, test x (1-p)": (vanilla_train, (1 - p) * test),
            "vanilla, test unscaled": (vanilla_train, test),
            "inverted": (float(inverted_train.mean()), test)}


def _train_with_dropout(p, epochs, hidden, n_train, n_val, seed):
    X, y = make_moons(n_samples=n_train + n_val, noise=0.3, rng=seed)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=n_val, rng=seed + 1)
    model = mlp([2, hidden, hidden, 2], rng=np.random.default_rng(seed + 2), dropout=p)
    with _single_blas_thread():
        return fit(model, X_train, y_train, epochs=epochs, batch_size=n_train, optimizer=Adam(lr=0.01),
                   rng=np.random.default_rng(seed + 3), X_val=X_val, y_val=y_val)


def dropout_run(p=0.5, epochs=150, hidden=100, n_train=60, n_val=300, seed=0):
    """Train a 2-``hidden``-``hidden``-2 ReLU network with dropout ``p`` on a small two-moons set.

    With only ``n_train`` noisy training points a network this size overfits: the training loss
    keeps falling while the validation loss (``n_val`` points from the same distribution) turns
    up. Dropout after both hidden layers holds that back. Full-batch Adam, lr 0.01, seeded; the
    same network is also trained without dropout, from the same weights, as the reference.

    Returns a dict with ``history`` and ``reference`` (nnlib Histories with ``loss`` and
    ``val_loss`` per epoch, with dropout ``p`` and without), ``stats`` (see
    :func:`dropout_statistics`), ``p``, ``epochs`` and ``n_train``.
    """
    if not 0 <= p < 1:
        raise ValueError(f"dropout_run: p is the probability of dropping a unit and must be in [0, 1), got {p}.")
    p = round(float(p), 3)
    settings = dict(epochs=epochs, hidden=hidden, n_train=n_train, n_val=n_val, seed=seed)
    history = _train_with_dropout(p, **settings)
    reference = history if p == 0 else _train_with_dropout(0.0, **settings)
    return {"history": history, "reference": reference, "stats": dropout_statistics(p, seed=seed), "p": p,
            "epochs": epochs, "n_train": n_train}


def dropout_summary(run):
    """One line: the train/test mean activation under both schemes and the validation losses."""
    stats, h, ref = run["stats"], run["history"], run["reference"]
    vanilla_train, vanilla_test = stats["vanilla, test unscaled"]
    inv_train, inv_test = stats["inverted"]
    best = int(np.argmin(h.val_loss))
    return (f"p = {run['p']:.2f}: mean activation train/test: inverted {inv_train:.3f}/{inv_test:.3f}, "
            f"vanilla without test scaling {vanilla_train:.3f}/{vanilla_test:.3f}; "
            f"validation loss lowest {h.val_loss[best]:.3f} (epoch {best + 1}), final {h.val_loss[-1]:.3f} "
            f"(without dropout: final {ref.val_loss[-1]:.3f})")


def draw_dropout_run(run, fig):
    """Bars of the train/test mean activations (left) and the loss curves (right)."""
    ax_bars, ax_curves = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    names = list(run["stats"])
    means = np.array([run["stats"][n] for n in names])
    x = np.arange(len(names))
    ax_bars.bar(x - 0.2, means[:, 0], width=0.4, label="training time (with dropout)")
    ax_bars.bar(x + 0.2, means[:, 1], width=0.4, label="test time")
    ax_bars.set_xticks(x, [n.replace(", ", ",\n") for n in names], fontsize="small")
    ax_bars.set(title=f"Mean activation, p = {run['p']:.2f}", ylabel="mean activation into the next layer",
                xlabel="scheme", ylim=(0, 1.25 * max(means.max(), 1e-9)))
    ax_bars.legend(fontsize="small", loc="upper left")
    h, ref = run["history"], run["reference"]
    epochs_axis = np.arange(1, len(h.loss) + 1)
    ax_curves.plot(epochs_axis, h.loss, color="tab:blue", lw=1, label="training loss (dropout on)")
    ax_curves.plot(epochs_axis, h.val_loss, color="tab:orange", lw=1.8, label="validation loss")
    if run["p"] != 0:
        ax_curves.plot(epochs_axis, ref.val_loss, "--", color="tab:gray", lw=1, label="validation loss, no dropout")
    top = max(1.0, min(2.0, 1.1 * max(max(h.val_loss), max(ref.val_loss))))
    ax_curves.set(title=f"{run['n_train']} training points, dropout p = {run['p']:.2f}", xlabel="epoch",
                  ylabel="cross-entropy loss", ylim=(0, top))
    ax_curves.legend(fontsize="small", loc="upper center")
    ax_curves.grid(alpha=0.3)
    fig.suptitle("Dropout: matching means at training and test time, and its effect on overfitting")
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.17, top=0.83, wspace=0.22)
    return fig


def plot_dropout_run(run):
    """Static figure of a :func:`dropout_run` result (a new pyplot figure, returned)."""
    import matplotlib.pyplot as plt

    return draw_dropout_run(run, plt.figure(figsize=(10, 4)))


def dropout_explorer(p=0.5, epochs=150):
    """Drop probability -> mean activations at train and test time, and train/validation curves."""
    import ipywidgets as widgets

    controls = {"p": widgets.FloatSlider(value=p, min=0.0, max=0.9, step=0.05, description="drop prob. p",
                                         readout_format=".2f", continuous_update=False, style=_WIDE_LABEL)}

    def render(p):
        run = dropout_run(p=p, epochs=epochs)
        return dropout_summary(run), _figure_png(lambda fig: draw_dropout_run(run, fig), (10, 4))

    return _make_explorer("dropout explorer (chapter 6)", controls, render)


# ---------------------------------------------------------------------------------------------
# The widget plumbing shared by the explorers
# ---------------------------------------------------------------------------------------------

_WIDE_LABEL = {"description_width": "initial"}


def _single_blas_thread():
    """Run NumPy's matrix products on one thread when threadpoolctl is installed (it comes with
    scikit-learn). For the small matrices of these explorers, threads cost more than they save:
    on a busy two-core machine a training run was ten times slower with two threads than with one.
    The results are the same either way."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _plain_log_labels(axis):
    """Label a log axis 0.1, 1, 10 instead of with math text: the same ticks, drawn much faster."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def _figure_png(draw, figsize, dpi=80):
    """Draw into a new matplotlib Figure (not registered with pyplot, so nothing else shows it)
    and return the PNG, base64-encoded."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    draw(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


_EXPLORER_CLASS = None


def _explorer_class():
    """A VBox whose text form (what nbval compares, and what shows where widgets cannot run)
    is a fixed sentence instead of the reprs of all its children."""
    global _EXPLORER_CLASS
    if _EXPLORER_CLASS is None:
        import ipywidgets as widgets

        class Explorer(widgets.VBox):
            explorer_title = "explorer"

            def __repr__(self):
                return f"nnlib {self.explorer_title}: run this cell in Jupyter to use it"

        _EXPLORER_CLASS = Explorer
    return _EXPLORER_CLASS


def _make_explorer(title, controls, render):
    """Controls on top, a summary line, then the figure; every control change calls ``render``.

    ``render(**values)`` returns ``(summary, png_base64)``. The figure goes into an Output
    widget by setting its ``outputs`` directly, which works the same inside a cell, in a
    callback, and with no front end at all (no output is captured from the kernel's streams).
    """
    import ipywidgets as widgets

    summary = widgets.HTML(layout=widgets.Layout(margin="4px 0 0 0"))
    figure = widgets.Output()

    def redraw(change=None):
        if change is not None:  # in a callback: say that something is happening (a few seconds at most)
            summary.value = "<span>computing ...</span>"
        text, png = render(**{name: control.value for name, control in controls.items()})
        summary.value = f"<span>{html.escape(text)}</span>"
        figure.outputs = ({"output_type": "display_data", "metadata": {},
                           "data": {"image/png": png, "text/plain": text}},)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    box = _explorer_class()(children=[widgets.HBox(list(controls.values()),
                                                   layout=widgets.Layout(flex_flow="row wrap")),
                                      summary, figure])
    box.explorer_title = title
    # CSS classes name the parts for the browser test (tests/test_browser.py) and for styling.
    box.add_class("nnlib-explorer")
    summary.add_class("nnlib-explorer-summary")
    figure.add_class("nnlib-explorer-figure")
    # Exposed for tests and for learners who want to poke at them.
    box.controls, box.summary, box.figure, box.redraw = controls, summary, figure, redraw
    return box
