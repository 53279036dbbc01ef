"""Figures the chapters draw again and again.

matplotlib is imported inside each function, so ``import nnlib`` works without it. Every
function returns the matplotlib Figure it drew, or the Axes when you pass ``ax=`` to draw into
one of yours. In a notebook, end the line with ``;`` (or assign the result) so the figure is not
shown twice.
"""

import numpy as np

from ._checks import ShapeError
from .data import confusion_matrix

__all__ = [
    "plot_decision_boundary", "plot_history", "plot_layer_histograms", "plot_weight_images",
    "plot_image_grid", "plot_confusion_matrix",
]

_CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def _new_axes(ax, figsize):
    """Return (fig, ax): a fresh figure with one Axes, or the figure of the ``ax`` passed in."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _class_ids(predict, points):
    """Call ``predict`` on (M, 2) points and return class ids of shape (M,)."""
    out = np.asarray(predict(points))
    if out.ndim == 2 and out.shape[1] > 1:  # one score per class: take the best
        out = out.argmax(axis=1)
    out = out.reshape(-1)
    if out.shape[0] != points.shape[0]:
        raise ShapeError(f"plot_decision_boundary: predicted {out.shape[0]} labels for {points.shape[0]} points.")
    if out.dtype.kind == "f" and not np.all(out == np.round(out)):
        raise ValueError(
            "plot_decision_boundary: the prediction function must return class ids (0, 1, ...), "
            f"got non-integer values such as {out[out != np.round(out)][0]:.3f}. "
            "For a probability, return (probs > 0.5).astype(int)."
        )
    return out.astype(np.intp)


def plot_decision_boundary(model_or_predict_fn, X, y, ax=None, resolution=200,
                           title="Decision boundary", margin=0.5):
    """Colour the plane by predicted class and scatter the data on top.

    model_or_predict_fn : an object with ``.predict(X)`` (an nnlib model) or a function mapping
        points (M, 2) to class ids (M,); per-class scores (M, C) are reduced with argmax.
    X : (N, 2) points; y : (N,) their class ids.
    resolution : grid points along each axis (resolution**2 predictions in one call).
    margin : how far the grid extends beyond the data, in data units.
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ShapeError(f"plot_decision_boundary: X must have shape (N, 2) for a 2-D plot, got {X.shape}.")
    predict = getattr(model_or_predict_fn, "predict", model_or_predict_fn)
    if not callable(predict):
        raise TypeError("plot_decision_boundary: pass a model with .predict or a function of X.")
    from matplotlib.colors import ListedColormap

    x1 = np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, resolution)
    x2 = np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, resolution)
    grid1, grid2 = np.meshgrid(x1, x2)
    regions = _class_ids(predict, np.column_stack([grid1.ravel(), grid2.ravel()])).reshape(grid1.shape)

    n_classes = int(max(y.max(), regions.max())) + 1
    colors = [_CLASS_COLORS[c % len(_CLASS_COLORS)] for c in range(n_classes)]
    cmap = ListedColormap(colors)
    given_ax = ax
    fig, ax = _new_axes(ax, (5, 4.5))
    ax.contourf(grid1, grid2, regions, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap, alpha=0.3)
    for c in np.unique(y):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=18, color=colors[c], edgecolors="k", linewidths=0.4, label=f"class {c}")
    ax.set(xlim=(x1[0], x1[-1]), ylim=(x2[0], x2[-1]), xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(loc="best", fontsize="small", framealpha=0.8)
    return ax if given_ax is not None else fig


_METRIC_LABELS = {"loss": "loss", "acc": "accuracy"}


def plot_history(history, metrics=("loss", "acc"), title="Training history", ax=None):
    """Training (and validation, when recorded) curves per epoch, one panel per metric.

    history : an nnlib History (lists ``.loss .acc .val_loss .val_acc``) or a dict of the same.
    metrics : which curves to draw; a metric whose training list is empty (accuracy for a
        regression loss) is skipped.
    ax : optionally a sequence of Axes, one per drawn metric, to draw into.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    def get(name):
        values = history.get(name, []) if isinstance(history, dict) else getattr(history, name, [])
        return list(values or [])

    shown = [m for m in metrics if get(m)]
    if not shown:
        raise ValueError(f"plot_history: nothing to plot: the history has no values for {list(metrics)}. Did fit run?")
    if ax is None:
        fig, axes = plt.subplots(1, len(shown), figsize=(4.2 * len(shown), 3.4), squeeze=False)
        axes = list(axes[0])
        fig.suptitle(title)
    else:
        axes = [ax] if hasattr(ax, "plot") else list(ax)
        if len(axes) != len(shown):
            raise ValueError(f"plot_history: {len(shown)} metrics to draw ({shown}) but {len(axes)} Axes given.")
        fig = None
    for axis, metric in zip(axes, shown):
        train, val = get(metric), get("val_" + metric)
        axis.plot(np.arange(1, len(train) + 1), train, label="train")
        if val:
            axis.plot(np.arange(1, len(val) + 1), val, label="validation")
        label = _METRIC_LABELS.get(metric, metric)
        axis.set(xlabel="epoch", ylabel=label, title=label if fig is not None else f"{title}: {label}")
        axis.legend(fontsize="small")
        axis.grid(alpha=0.3)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    if fig is None:
        return ax
    fig.tight_layout()
    return fig


def _fmt(value):
    """Three decimals without a "-0.000"."""
    return f"{round(float(value), 3) + 0.0:.3f}"


_KIND_LABELS = {"activations": "activation value", "gradients": "gradient value", "weights": "weight value"}


def plot_layer_histograms(values_per_layer, title="Activations per layer", kind="activations",
                          bins=50, names=None, sharex=True, max_cols=5):
    """One histogram per layer, side by side, with the layer's mean and std above it.

    values_per_layer : a list of arrays (any shape; all values are pooled), or a dict
        name -> array. Typical use: the hidden activations of a deep net after one forward pass,
        to see them shrink to zero or saturate as the initialization changes.
    kind : "activations", "gradients", "weights" or any word: it labels the x-axis.
    sharex : one x-range for all panels, so shrinking spreads are visible at a glance.
    """
    import matplotlib.pyplot as plt

    if isinstance(values_per_layer, dict):
        names, arrays = list(values_per_layer), list(values_per_layer.values())
    else:
        arrays = list(values_per_layer)
        names = list(names) if names is not None else [f"layer {i + 1}" for i in range(len(arrays))]
    if not arrays:
        raise ValueError("plot_layer_histograms: got no layers to plot.")
    n_rows = -(-len(arrays) // max_cols)
    n_cols = -(-len(arrays) // n_rows)  # balanced: 6 layers give 2 rows of 3, not 5 + 1
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(2.6 * n_cols, 2.4 * n_rows + 0.6),
                             sharex=sharex, squeeze=False)
    xlabel = _KIND_LABELS.get(kind, kind)
    flat = [np.asarray(a, dtype=np.float64).ravel() for a in arrays]
    if sharex and isinstance(bins, int):
        # One set of bin edges for every panel: with per-panel bins, a layer whose values have
        # collapsed to a tiny range gets all its bins inside one pixel of the shared axis and
        # its histogram becomes invisible. Shared edges show it as a spike at that value.
        lo = min(v.min() for v in flat if v.size)
        hi = max(v.max() for v in flat if v.size)
        bins = np.linspace(lo, hi if hi > lo else lo + 1, bins + 1)
    for i, axis in enumerate(axes.flat):
        if i >= len(arrays):
            axis.set_visible(False)
            continue
        values = flat[i]
        axis.hist(values, bins=bins, color=_CLASS_COLORS[0])
        axis.set_title(f"{names[i]}\nmean {_fmt(values.mean())}, std {_fmt(values.std())}", fontsize="small")
        axis.set_xlabel(xlabel, fontsize="small")
        if i % n_cols == 0:
            axis.set_ylabel("count", fontsize="small")
        axis.tick_params(labelsize="x-small", labelbottom=True)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _image_grid_figure(n, n_cols, cell=1.1):
    import matplotlib.pyplot as plt

    n_cols = max(1, min(n_cols, n))
    n_rows = -(-n // n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(cell * n_cols + 0.4, cell * n_rows + 0.9),
                             squeeze=False, layout="constrained")
    for axis in axes.flat:
        axis.set_xticks([])
        axis.set_yticks([])
    for axis in axes.flat[n:]:
        axis.set_visible(False)
    return fig, axes.flat[:n]


def plot_weight_images(W, image_shape, n=16, n_cols=8, title="First-layer weights as images"):
    """Show the first ``n`` columns of a weight matrix ``W`` (fan_in, fan_out) as images.

    Column ``j`` holds the weights from every input pixel into hidden unit ``j``, so reshaped to
    ``image_shape`` it shows the pattern that unit responds to. Each image has its own colour
    scale, symmetric around zero: red positive, blue negative, white zero.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != int(np.prod(image_shape)):
        raise ShapeError(
            f"plot_weight_images: W must have shape (fan_in, fan_out) with fan_in = "
            f"{' x '.join(map(str, image_shape))} = {int(np.prod(image_shape))}, got {W.shape}. "
            "Pass the first layer's W (inputs are pixels), not a later one."
        )
    n = min(n, W.shape[1])
    fig, axes = _image_grid_figure(n, n_cols)
    for j, axis in enumerate(axes):
        column = W[:, j].reshape(image_shape)
        limit = np.abs(column).max() or 1.0
        axis.imshow(column, cmap="RdBu_r", vmin=-limit, vmax=limit)
        axis.set_title(f"unit {j}", fontsize="x-small")
    fig.suptitle(title)
    fig.supxlabel(f"column W[:, j] reshaped to {image_shape[0]}x{image_shape[1]}; red positive, blue negative",
                  fontsize="small")
    return fig


def plot_image_grid(images, labels=None, preds=None, image_shape=(8, 8), n_cols=10, n=None,
                    title="Images", class_names=None):
    """A grid of images, each titled with its label and (if given) the prediction.

    images : (N, H*W) rows such as ``load_digits()[0]``, or (N, H, W).
    labels, preds : optional (N,) class ids. A wrong prediction is titled "label->pred" in red.
    n : how many images to show (default: all, at most 100).
    class_names : optional names to show instead of class ids.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 2:
        if images.shape[1] != int(np.prod(image_shape)):
            raise ShapeError(
                f"plot_image_grid: rows of {images.shape[1]} values cannot be shown as {image_shape} images; "
                "pass image_shape=(28, 28) for MNIST or (8, 8) for the digits."
            )
        images = images.reshape((-1,) + tuple(image_shape))
    elif images.ndim != 3:
        raise ShapeError(f"plot_image_grid: images must be (N, H*W) or (N, H, W), got {images.shape}.")
    n = min(images.shape[0], 100 if n is None else n)
    if n == 0:
        raise ValueError("plot_image_grid: got no images to show.")

    def name(c):
        return str(class_names[c]) if class_names is not None else str(int(c))

    fig, axes = _image_grid_figure(n, n_cols)
    for i, axis in enumerate(axes):
        axis.imshow(images[i], cmap="gray_r")
        if labels is not None and preds is not None:
            wrong = labels[i] != preds[i]
            text = f"{name(labels[i])}->{name(preds[i])}" if wrong else name(labels[i])
            axis.set_title(text, fontsize="small", color="red" if wrong else "black")
        elif labels is not None or preds is not None:
            axis.set_title(name((labels if labels is not None else preds)[i]), fontsize="small")
    fig.suptitle(title)
    if labels is not None and preds is not None:
        caption = "above each image: true label (red: true->predicted, a mistake)"
    elif labels is not None:
        caption = "above each image: true label"
    elif preds is not None:
        caption = "above each image: predicted label"
    else:
        caption = f"{n} images of {image_shape[0]}x{image_shape[1]} pixels"
    fig.supxlabel(caption, fontsize="small")
    return fig


def plot_confusion_matrix(y_true, y_pred, class_names=None, ax=None, title="Confusion matrix"):
    """Counts of (true class, predicted class) pairs as a heat map, each cell annotated.

    Rows are true classes and columns predicted ones, so the diagonal holds correct predictions
    and an off-diagonal cell (i, j) counts class i mistaken for class j.
    """
    n_classes = len(class_names) if class_names is not None else None
    counts = confusion_matrix(y_true, y_pred, n_classes)
    n_classes = counts.shape[0]
    names = [str(c) for c in (class_names if class_names is not None else range(n_classes))]
    fig, axis = _new_axes(ax, (1.0 + 0.5 * n_classes, 0.8 + 0.5 * n_classes) if n_classes > 6 else (4.2, 3.8))
    axis.imshow(counts, cmap="Blues", vmin=0)
    threshold = counts.max() / 2 if counts.size else 0
    for i in range(n_classes):
        for j in range(n_classes):
            axis.text(j, i, f"{counts[i, j]:d}", ha="center", va="center", fontsize="small",
                      color="white" if counts[i, j] > threshold else "black")
    axis.set_xticks(range(n_classes), names, rotation=45 if max(map(len, names)) > 3 else 0)
    axis.set_yticks(range(n_classes), names)
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    axis.set(xlabel="predicted class", ylabel="true class", title=f"{title} (accuracy {accuracy:.3f})")
    if ax is not None:
        return ax
    fig.tight_layout()
    return fig
