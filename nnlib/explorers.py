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

What keeps a slider move under a quarter of a second (measured by benchmarks/bench_explorers.py):

* each explorer builds its figure once and then only changes the data and the texts of the same
  artists (building 20 Axes took longer than drawing them);
* results are cached, so going back to a setting costs only the drawing, and what neighbouring
  settings share is computed once (the initial weights of every layer, the run without dropout);
* the callback hands the work to one background thread: slider moves that arrive while a figure
  is being computed replace each other, and only the latest one is drawn next;
* while the learner looks at a figure, that thread works ahead in small pieces that a slider move
  interrupts: the dropout explorer trains its slider's other values, the initialization explorer
  draws the weights of the widths its slider reaches (see ``nnlib._explorer_weights``).
"""

import math

import numpy as np

from . import functional as F
from ._checks import check_drop_probability
from ._explorer_weights import _LAYER_WEIGHTS, _NORMAL_FACTORS, _LayerWeights  # noqa: F401
from ._explorer_widgets import _make_explorer, _new_figure, _plain_log_labels, _png_base64, _single_blas_thread
from .data import make_moons, make_spirals, train_test_split
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


class _LearningRateFigure:
    """The loss curve (left) and the decision boundary (right), built once for a data set.

    ``update(run)`` only changes the data and the texts of the same artists, so that a slider
    move redraws the figure instead of building a new one. The boundary is an image of the
    predicted class on a ``resolution`` x ``resolution`` grid (a contour plot would cost a new
    artist at every update).
    """

    def __init__(self, fig, X, y, epochs, hidden, resolution=200, margin=0.5):
        from matplotlib.colors import ListedColormap

        from .plots import _CLASS_COLORS

        self.fig = fig
        self.ax_loss, self.ax_boundary = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        ax = self.ax_loss
        (self.batch_line,) = ax.semilogy([], [], lw=0.7, alpha=0.6, label="mini-batch loss")
        (self.epoch_line,) = ax.semilogy([], [], "o-", ms=2.5, lw=1.2, label="epoch average")
        (self.diverged_marker,) = ax.plot([], [], "x", color="tab:red", ms=10, mew=2, label="TrainingDiverged")
        ax.set(xlabel="epoch", ylabel="training loss (log scale)", xlim=(0, epochs),
               ylim=(0.01, 300))  # fixed, so that two settings can be compared at a glance
        _plain_log_labels(ax.yaxis)
        ax.grid(alpha=0.3)
        self.legend_handles = None

        ax = self.ax_boundary
        x1 = np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, resolution)
        x2 = np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, resolution)
        self.grid = np.column_stack([a.ravel() for a in np.meshgrid(x1, x2)])
        self.grid_shape = (len(x2), len(x1))
        n_classes = int(y.max()) + 1
        colors = [_CLASS_COLORS[c % len(_CLASS_COLORS)] for c in range(n_classes)]
        half1, half2 = (x1[1] - x1[0]) / 2, (x2[1] - x2[0]) / 2  # pixel centres on the grid points
        self.regions = ax.imshow(np.zeros(self.grid_shape), cmap=ListedColormap(colors), vmin=-0.5,
                                 vmax=n_classes - 0.5, alpha=0.3, origin="lower", interpolation="nearest",
                                 aspect="auto", extent=(x1[0] - half1, x1[-1] + half1, x2[0] - half2, x2[-1] + half2))
        self.points = [ax.scatter(X[y == c, 0], X[y == c, 1], s=18, color=colors[c], edgecolors="k",
                                  linewidths=0.4) for c in range(n_classes)]
        self.diverged_text = ax.text(0.5, 0.5, "training diverged:\nno decision boundary", ha="center",
                                     va="center", color="tab:red", transform=ax.transAxes)
        ax.set(xlim=(x1[0], x1[-1]), ylim=(x2[0], x2[-1]), xlabel="$x_1$", ylabel="$x_2$")
        fig.suptitle(f"A 2-{hidden}-3 network on the spirals, {epochs} epochs")
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.83, wspace=0.22)

    def update(self, run):
        losses = np.asarray(run["batch_losses"], dtype=float)
        epochs_axis = np.arange(1, len(losses) + 1) / run["updates_per_epoch"]
        finite = np.isfinite(losses) & (losses > 0)
        self.batch_line.set_data(epochs_axis[finite], losses[finite])
        diverged = bool(run["diverged"])
        handles = [self.batch_line]
        if diverged:
            self.epoch_line.set_data([], [])
            last = np.flatnonzero(finite)[-1:]  # empty when no loss was finite
            self.diverged_marker.set_data(epochs_axis[last], losses[last])
            handles += [self.diverged_marker] if len(last) else []
        else:
            means = _epoch_means(run)
            self.epoch_line.set_data(np.arange(1, len(means) + 1), means)
            self.diverged_marker.set_data([], [])
            handles.append(self.epoch_line)
        if handles != self.legend_handles:  # a new legend only when its entries change
            self.ax_loss.legend(handles=handles, fontsize="small", loc="upper right")
            self.legend_handles = handles
        # An explicit title position (y=1) spares matplotlib a search for tick labels above the Axes.
        self.ax_loss.set_title(f"{_OPTIMIZER_LABELS[run['optimizer']]}, lr = {run['lr']:g}, "
                               f"batch size {run['batch_size']}", y=1.0)
        if not diverged:
            with _single_blas_thread():
                self.regions.set_data(run["model"].predict(self.grid).reshape(self.grid_shape))
        for artist in [self.regions, *self.points]:
            artist.set_visible(not diverged)
        self.diverged_text.set_visible(diverged)
        title = "Decision boundary" if diverged else f"Decision boundary (accuracy {run['accuracy']:.3f})"
        self.ax_boundary.set_title(title, y=1.0)
        return self.fig


def draw_learning_rate_run(run, fig, resolution=200):
    """Draw the loss curve and the decision boundary of ``run`` into the empty figure ``fig``."""
    X, y = run["X"], run["y"]
    return _LearningRateFigure(fig, X, y, run["epochs"], run["hidden"], resolution).update(run)


def plot_learning_rate_run(run, resolution=200):
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
    figure = []  # built at the first draw

    def compute(lr, batch_size, optimizer):
        return learning_rate_run(lr=lr, batch_size=batch_size, optimizer=optimizer, epochs=epochs)

    def draw(run):
        if not figure:
            figure.append(_LearningRateFigure(_new_figure((10, 4)), run["X"], run["y"], epochs, run["hidden"]))
        return _png_base64(figure[0].update(run), learning_rate_summary(run))

    return _make_explorer("learning-rate explorer (chapter 4)", controls, compute, learning_rate_summary, draw,
                          cache_size=64)


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
    seed : the input uses ``default_rng(seed)`` and the gradient ``default_rng(seed + 2)``. Layer
        ``l``'s weights come from its own generator, child ``l - 1`` of
        ``default_rng(seed + 1).spawn(depth)``: a deeper stack keeps the layers of a shallower one,
        and two threads can draw two layers at once (see ``nnlib._explorer_weights``).

    Returns a dict with ``act_std`` and ``grad_std`` (depth,), the standard deviations of every
    ``H_l`` and every ``dL/dS_l``; ``shown``, the layer numbers kept for plotting (at most
    ``max_shown``); and ``activations`` and ``gradients``, the arrays of those layers.
    """
    if activation not in _ACTIVATION_BACKWARD:
        raise ValueError(f"init_signals: unknown activation {activation!r}; "
                         f"choose one of {sorted(_ACTIVATION_BACKWARD)}.")
    depth, width, scale = int(depth), int(width), float(scale)
    if depth < 1 or width < 1:
        raise ValueError(f"init_signals: depth and width must be at least 1, got depth={depth}, width={width}.")
    f, f_backward = _ACTIVATION_BACKWARD[activation]
    weight, factor = _LAYER_WEIGHTS.layers(init, width, depth, seed + 1)  # factor * weight(l) is W_l
    multiplier = factor * scale
    H = np.random.default_rng(seed).standard_normal((n_samples, width))
    pre = []
    act_std = np.empty(depth)
    shown = _shown_layers(depth, max_shown)
    activations = []
    # scale 3 with ReLU over 30 layers may overflow: that is the lesson. One BLAS thread: see
    # _single_blas_thread. H @ (multiplier * Z) is computed as multiplier * (H @ Z): the same up to
    # rounding, without a scaled copy of every weight matrix.
    with np.errstate(all="ignore"), _single_blas_thread():
        for layer in range(1, depth + 1):
            S = H @ weight(layer)
            if multiplier != 1.0:
                S *= multiplier
            H = f(S)
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
            if layer > 1:  # dL/dH_0, the gradient of the input, is not shown
                grad = dS @ weight(layer).T
                if multiplier != 1.0:
                    grad *= multiplier
    return {"act_std": act_std, "grad_std": grad_std, "shown": shown, "activations": activations,
            "gradients": gradients, "depth": depth, "width": width, "activation": activation,
            "init": init if isinstance(init, str) else getattr(init, "__name__", "custom"), "scale": scale}


def init_summary(signals):
    """One line, e.g. ``"depth 10, width 256, tanh, Xavier x 1.00: activation std 0.627 (layer 1)
    -> 0.228 (layer 10); gradient dL/dS std 0.269 (layer 1) <- 0.949 (layer 10)"``."""
    a, g, d = signals["act_std"], signals["grad_std"], signals["depth"]
    return (f"depth {d}, width {signals['width']}, {signals['activation']}, "
            f"{_scheme_label(signals['init'])} x {signals['scale']:.2f}: "
            f"activation std {a[0]:.3g} (layer 1) -> {a[-1]:.3g} (layer {d}); "
            f"gradient dL/dS std {g[0]:.3g} (layer 1) <- {g[-1]:.3g} (layer {d})")


_HISTOGRAM_BINS = 41
_INIT_ROWS = ("activation $H_l$", "gradient $dL/dS_l$")


def _row_histograms(arrays, stds, bins=_HISTOGRAM_BINS):
    """Histograms of one row of panels on one shared range ``(-limit, limit)``.

    Returns ``(limit, counts, std_labels)``. Values that overflowed (inf, NaN) are left out;
    ``stds`` are the standard deviations already computed, used when nothing overflowed.
    """
    finite = [a if np.isfinite(a).all() else a[np.isfinite(a)] for a in arrays]
    limit = max((np.abs(a).max() for a in finite if a.size), default=1.0) or 1.0  # one range per row
    counts, labels = [], []
    for values, full, std in zip(finite, arrays, stds):
        # np.histogram's arithmetic with uniform bins, without its checks (twice as fast here):
        # bin k holds -limit + k * width <= value < -limit + (k + 1) * width; the top edge goes into the last bin.
        index = ((values + limit) * (bins / (2 * limit))).astype(np.intp)
        np.minimum(index, bins - 1, out=index)
        counts.append(np.bincount(index.ravel(), minlength=bins))
        if values.size:
            labels.append(f"{std if values is full else values.std():.1e}")
        else:
            labels.append("overflow")
    return limit, counts, labels


class _InitFigure:
    """Histograms of the activations (top row) and the gradients (bottom row), one column per
    shown layer, built once for a number of columns; ``update(signals)`` changes data and texts.

    Every panel of a row shares one range, so each histogram is drawn in units of that range
    (-1 to 1) and only the tick labels of the first column change with it. matplotlib's Axis
    objects were a third of the drawing time of 20 panels, so the three ticks, their labels and
    the axis labels are plain artists, where an Axis would put them.
    """

    def __init__(self, fig, n_cols):
        from matplotlib.lines import TICKDOWN
        from matplotlib.transforms import blended_transform_factory

        self.fig = fig
        self.axes = fig.subplots(2, n_cols, squeeze=False)
        edges = np.linspace(-1.0, 1.0, _HISTOGRAM_BINS + 1)
        self.stairs = np.empty(self.axes.shape, dtype=object)
        self.tick_labels = []  # per row, the three labels of the first column
        for r, label in enumerate(_INIT_ROWS):
            for c in range(n_cols):
                ax = self.axes[r, c]
                self.stairs[r, c] = ax.stairs(np.zeros(_HISTOGRAM_BINS), edges, fill=True, color="tab:blue")
                ax.set_xlim(-1.05, 1.05)
                ax.xaxis.set_visible(False)
                ax.yaxis.set_visible(False)  # counts differ wildly between panels; the shape is what matters
                below = blended_transform_factory(ax.transData, ax.transAxes)  # x in data, y in the Axes
                ax.plot([-1.0, 0.0, 1.0], [0.0, 0.0, 0.0], transform=below, linestyle="none", marker=TICKDOWN,
                        markersize=3.5, markeredgewidth=0.8, color="black", clip_on=False)
                # One x-range per row, labelled once (long labels would overlap in every panel).
                if c == 0:
                    self.tick_labels.append([ax.annotate("", (x, 0.0), xycoords=below, xytext=(0, -7),
                                                         textcoords="offset points", ha="center", va="top",
                                                         fontsize=6) for x in (-1.0, 0.0, 1.0)])
                ax.annotate(label, (0.5, 0.0), xycoords="axes fraction", xytext=(0, -18), textcoords="offset points",
                            ha="center", va="top", fontsize=7)
            self.axes[r, 0].annotate("count", (0.0, 0.5), xycoords="axes fraction", xytext=(-4, 0),
                                     textcoords="offset points", ha="right", va="center", rotation=90, fontsize=8)
        fig.subplots_adjust(left=0.03, right=0.99, bottom=0.12, top=0.82, wspace=0.15, hspace=0.9)

    def update(self, signals):
        rows = [(signals["activations"], signals["act_std"]), (signals["gradients"], signals["grad_std"])]
        for r, (arrays, stds) in enumerate(rows):
            limit, counts, labels = _row_histograms(arrays, [stds[layer - 1] for layer in signals["shown"]])
            for text, value in zip(self.tick_labels[r], (f"{-limit:.2g}", "0", f"{limit:.2g}")):
                text.set_text(value)
            for c, (layer, count, label) in enumerate(zip(signals["shown"], counts, labels)):
                ax = self.axes[r, c]
                self.stairs[r, c].set_data(values=count)
                ax.set_ylim(0, 1.05 * max(count.max(), 1))
                # An explicit title position (y=1) spares matplotlib a search for tick labels above it.
                ax.set_title(f"layer {layer}\nstd {label}", fontsize=7, y=1.0)
        self.fig.suptitle(f"{signals['depth']} layers of width {signals['width']}, {signals['activation']}, "
                          f"{_scheme_label(signals['init'])}, scale {signals['scale']:g}")
        return self.fig


def draw_init_signals(signals, fig):
    """Histograms of the activations (top row) and gradients (bottom row) of the shown layers."""
    return _InitFigure(fig, len(signals["shown"])).update(signals)


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
    figures = {}  # number of columns -> _InitFigure
    seed = 2  # init_signals' default: chapter 5's seeds

    def compute(scale, **settings):
        # 500 samples (chapter 5's batch) up to width 256 (128,000 values per histogram), and 64,000
        # values for wider layers: 62 samples of width 1024, which still give smooth histograms,
        # while the cost grows with samples x width**2. The slider's 0.30000000000000004 is 0.3.
        width = settings["width"]
        return init_signals(**settings, scale=round(scale, 2), n_samples=500 if width <= 256 else 64_000 // width,
                            seed=seed)

    def draw(signals):
        n_cols = len(signals["shown"])
        if n_cols not in figures:
            figures[n_cols] = _InitFigure(_new_figure((10, 4.3)), n_cols)
        return _png_base64(figures[n_cols].update(signals), init_summary(signals))

    def prepare(values):
        """Draw the weights of every width the slider reaches, widest first, to the deepest depth,
        two matrices a step (one per core), in the memory left free (see _LayerWeights): the first
        visit of width 1024 at depth 30 then costs no drawing of random numbers."""
        depth_max = controls["depth"].max
        for width in sorted(controls["width"].options, reverse=True):
            while _LAYER_WEIGHTS.draw_ahead(values["init"], width, depth_max, seed + 1, threads=2):  # as init_signals does
                yield

    # A cached result holds up to 20 arrays of 128,000 values (20 MB): keep a few.
    return _make_explorer("initialization explorer (chapter 5)", controls, compute, init_summary, draw,
                          cache_size=4, prepare=prepare)


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
    check_drop_probability(p, "dropout_statistics")
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
    check_drop_probability(p, "dropout_run")
    p = round(float(p), 3)
    settings = dict(epochs=epochs, hidden=hidden, n_train=n_train, n_val=n_val, seed=seed)
    history = _train_with_dropout(p, **settings)
    reference = history if p == 0 else _reference_run(**settings)
    return {"history": history, "reference": reference, "stats": dropout_statistics(p, seed=seed), "p": p,
            "epochs": epochs, "n_train": n_train}


_REFERENCE_RUNS = {}


def _reference_run(**settings):
    """The run without dropout: the same for every p, so it is trained once per setting."""
    key = tuple(sorted(settings.items()))
    if key not in _REFERENCE_RUNS:
        _REFERENCE_RUNS[key] = _train_with_dropout(0.0, **settings)
    return _REFERENCE_RUNS[key]


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


class _DropoutFigure:
    """Bars of the train/test mean activations (left) and the loss curves (right), built once;
    ``update(run)`` changes the bar heights, the curves and the texts."""

    def __init__(self, fig, schemes, epochs):
        self.fig = fig
        self.ax_bars, self.ax_curves = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
        ax = self.ax_bars
        x = np.arange(len(schemes))
        zeros = np.zeros(len(schemes))
        self.train_bars = ax.bar(x - 0.2, zeros, width=0.4, label="training time (with dropout)")
        self.test_bars = ax.bar(x + 0.2, zeros, width=0.4, label="test time")
        ax.set_xticks(x, [n.replace(", ", ",\n") for n in schemes], fontsize="small")
        ax.set(ylabel="mean activation into the next layer", xlabel="scheme")
        ax.legend(fontsize="small", loc="upper left")
        ax = self.ax_curves
        (self.train_line,) = ax.plot([], [], color="tab:blue", lw=1, label="training loss (dropout on)")
        (self.val_line,) = ax.plot([], [], color="tab:orange", lw=1.8, label="validation loss")
        (self.ref_line,) = ax.plot([], [], "--", color="tab:gray", lw=1, label="validation loss, no dropout")
        ax.set(xlabel="epoch", ylabel="cross-entropy loss", xlim=(1 - 0.05 * (epochs - 1), epochs + 0.05 * (epochs - 1)))
        ax.grid(alpha=0.3)
        self.legend_handles = None
        fig.suptitle("Dropout: matching means at training and test time, and its effect on overfitting")
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.17, top=0.83, wspace=0.22)

    def update(self, run):
        means = np.array(list(run["stats"].values()))
        for bars, heights in [(self.train_bars, means[:, 0]), (self.test_bars, means[:, 1])]:
            for bar, height in zip(bars, heights):
                bar.set_height(height)
        # An explicit title position (y=1) spares matplotlib a search for tick labels above the Axes.
        self.ax_bars.set_title(f"Mean activation, p = {run['p']:.2f}", y=1.0)
        self.ax_bars.set_ylim(0, 1.25 * max(means.max(), 1e-9))
        h, ref = run["history"], run["reference"]
        epochs_axis = np.arange(1, len(h.loss) + 1)
        self.train_line.set_data(epochs_axis, h.loss)
        self.val_line.set_data(epochs_axis, h.val_loss)
        self.ref_line.set_data(epochs_axis, ref.val_loss)
        self.ref_line.set_visible(run["p"] != 0)  # without dropout, the reference is the run itself
        handles = [self.train_line, self.val_line] + ([self.ref_line] if run["p"] != 0 else [])
        if handles != self.legend_handles:  # a new legend only when its entries change
            self.ax_curves.legend(handles=handles, fontsize="small", loc="upper center")
            self.legend_handles = handles
        top = max(1.0, min(2.0, 1.1 * max(max(h.val_loss), max(ref.val_loss))))
        self.ax_curves.set_ylim(0, top)
        self.ax_curves.set_title(f"{run['n_train']} training points, dropout p = {run['p']:.2f}", y=1.0)
        return self.fig


def draw_dropout_run(run, fig):
    """Bars of the train/test mean activations (left) and the loss curves (right)."""
    return _DropoutFigure(fig, list(run["stats"]), run["epochs"]).update(run)


def plot_dropout_run(run):
    """Static figure of a :func:`dropout_run` result (a new pyplot figure, returned)."""
    import matplotlib.pyplot as plt

    return draw_dropout_run(run, plt.figure(figsize=(10, 4)))


def dropout_explorer(p=0.5, epochs=150):
    """Drop probability -> mean activations at train and test time, and train/validation curves."""
    import ipywidgets as widgets

    controls = {"p": widgets.FloatSlider(value=p, min=0.0, max=0.9, step=0.05, description="drop prob. p",
                                         readout_format=".2f", continuous_update=False, style=_WIDE_LABEL)}
    figure = []  # built at the first draw

    def compute(p):
        return dropout_run(p=p, epochs=epochs)

    def draw(run):
        if not figure:
            figure.append(_DropoutFigure(_new_figure((10, 4)), list(run["stats"]), epochs))
        return _png_base64(figure[0].update(run), dropout_summary(run))

    def ahead(values):  # the slider's values, nearest first: after one move, the next ones are ready
        slider = controls["p"]
        steps = int(round((slider.max - slider.min) / slider.step))
        options = [round(slider.min + k * slider.step, 10) for k in range(steps + 1)]
        return [{"p": q} for q in sorted(options, key=lambda q: abs(q - values["p"]))]

    return _make_explorer("dropout explorer (chapter 6)", controls, compute, dropout_summary, draw,
                          cache_size=19, ahead=ahead)  # every value of the slider


# ---------------------------------------------------------------------------------------------
# The widget plumbing shared by the explorers
# ---------------------------------------------------------------------------------------------

_WIDE_LABEL = {"description_width": "initial"}
