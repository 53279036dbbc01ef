"""Tests for nnlib.plots: every figure is drawn, titled and labelled, with the right content."""

import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nnlib import data, plots  # noqa: E402
from nnlib._checks import ShapeError  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def assert_titled_and_labelled(fig):
    """A non-empty title (figure or axes) and axis labels on the axes or the figure."""
    assert isinstance(fig, Figure)
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in visible_axes(fig)]
    assert any(t.strip() for t in titles), "figure has no title"
    xlabels = [fig.get_supxlabel()] + [ax.get_xlabel() for ax in visible_axes(fig)]
    assert any(label.strip() for label in xlabels), "figure has no x label"


def test_importing_nnlib_does_not_import_matplotlib():
    code = "import nnlib, nnlib.data, nnlib.plots, sys; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


class Quadrants:
    """A stand-in model whose .predict labels points by the sign of x1 (and is not callable)."""

    def __init__(self):
        self.calls = []

    def predict(self, X):
        self.calls.append(X.shape)
        return (X[:, 0] > 0).astype(int)


def test_plot_decision_boundary_with_model():
    X, y = data.make_moons(60, noise=0.1, rng=0)
    model = Quadrants()
    fig = plots.plot_decision_boundary(model, X, y, resolution=30, title="Moons")
    assert_titled_and_labelled(fig)
    ax = fig.axes[0]
    assert ax.get_title() == "Moons" and ax.get_xlabel() and ax.get_ylabel()
    assert model.calls == [(900, 2)]  # one call on the whole grid
    x_lo, x_hi = ax.get_xlim()
    assert x_lo < X[:, 0].min() and x_hi > X[:, 0].max()
    assert len(ax.collections) >= 3  # filled regions plus one scatter per class
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]


def test_plot_decision_boundary_with_function_and_ax():
    X, y = data.make_spirals(20, 3, rng=0)
    fig, ax = plt.subplots()
    out = plots.plot_decision_boundary(lambda P: np.column_stack([P[:, 0], P[:, 1], -P[:, 0]]), X, y,
                                       ax=ax, resolution=20)
    assert out is ax  # scores (M, 3) are turned into classes by argmax
    assert ax.get_title()


def test_plot_decision_boundary_refuses_probabilities():
    X, y = data.make_moons(20, rng=0)
    with pytest.raises(ValueError, match="class ids"):
        plots.plot_decision_boundary(lambda P: 1 / (1 + np.exp(-P[:, 0])), X, y, resolution=10)
    with pytest.raises(ShapeError, match=r"\(N, 2\)"):
        plots.plot_decision_boundary(Quadrants(), np.zeros((5, 3)), np.zeros(5, int))


class FakeHistory:
    def __init__(self, val=True):
        self.loss, self.acc = [1.0, 0.6, 0.4], [0.5, 0.7, 0.8]
        self.val_loss, self.val_acc = ([1.1, 0.8, 0.7], [0.4, 0.6, 0.65]) if val else ([], [])


def test_plot_history_train_and_val():
    fig = plots.plot_history(FakeHistory())
    assert_titled_and_labelled(fig)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_xlabel() == "epoch" and loss_ax.get_ylabel() == "loss"
    assert acc_ax.get_ylabel() == "accuracy"
    assert [line.get_label() for line in loss_ax.get_lines()] == ["train", "validation"]
    np.testing.assert_array_equal(loss_ax.get_lines()[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(acc_ax.get_lines()[1].get_ydata(), [0.4, 0.6, 0.65])


def test_plot_history_without_validation_or_accuracy():
    fig = plots.plot_history(FakeHistory(val=False))
    assert all(len(ax.get_lines()) == 1 for ax in fig.axes)
    fig = plots.plot_history({"loss": [3.0, 2.0], "acc": [], "val_loss": [], "val_acc": []})
    assert len(fig.axes) == 1 and fig.get_suptitle()
    with pytest.raises(ValueError, match="nothing to plot"):
        plots.plot_history({"loss": [], "acc": []})


def test_plot_history_with_nnlib_history_and_axes():
    from nnlib.train import History

    history = History()
    history.loss += [0.9, 0.5]
    history.val_loss += [1.0, 0.7]
    _, ax = plt.subplots()
    assert plots.plot_history(history, metrics=("loss",), ax=ax) is ax
    assert len(ax.get_lines()) == 2 and ax.get_title()


def test_plot_layer_histograms():
    rng = np.random.default_rng(0)
    values = [rng.normal(0, 1.0, (50, 20)), rng.normal(0.5, 0.1, (50, 20)), rng.normal(0, 0.01, (50, 20))]
    fig = plots.plot_layer_histograms(values, title="Tanh activations", kind="activations")
    assert_titled_and_labelled(fig)
    assert fig.get_suptitle() == "Tanh activations"
    axes = visible_axes(fig)
    assert len(axes) == 3
    assert f"mean {values[1].mean():.3f}, std {values[1].std():.3f}" in axes[1].get_title()
    assert "mean 0.0" in axes[2].get_title() and "std 0.010" in axes[2].get_title()
    assert axes[0].get_xlabel() == "activation value" and axes[0].get_ylabel() == "count"
    counts = sum(p.get_height() for p in axes[0].patches)
    assert counts == 1000  # every value of the layer is in its histogram
    fig = plots.plot_layer_histograms({"fc1": values[0], "fc2": values[1]}, title="g", kind="gradients")
    assert visible_axes(fig)[1].get_title().startswith("fc2")


def test_plot_layer_histograms_grid_for_many_layers():
    values = [np.arange(10.0) * (i + 1) for i in range(7)]
    fig = plots.plot_layer_histograms(values, title="seven")
    assert len(visible_axes(fig)) == 7 and len(fig.axes) == 8  # 2 rows of 4, one blank


def test_plot_weight_images():
    W = np.random.default_rng(0).normal(size=(64, 20))
    fig = plots.plot_weight_images(W, (8, 8), n=12)
    assert_titled_and_labelled(fig)
    axes = visible_axes(fig)
    assert len(axes) == 12
    np.testing.assert_array_equal(axes[5].images[0].get_array(), W[:, 5].reshape(8, 8))
    with pytest.raises(ShapeError, match="fan_in"):
        plots.plot_weight_images(W[:60], (8, 8))


def test_plot_image_grid_marks_mistakes():
    X, y = data.load_digits()
    preds = y[:12].copy()
    preds[4] = 9
    fig = plots.plot_image_grid(X[:12], y[:12], preds, image_shape=(8, 8), n_cols=6, title="Digits")
    assert_titled_and_labelled(fig)
    axes = visible_axes(fig)
    assert len(axes) == 12
    assert axes[4].get_title() == "4->9" and axes[4].title.get_color() == "red"
    assert axes[3].get_title() == "3"
    np.testing.assert_array_equal(axes[0].images[0].get_array(), X[0].reshape(8, 8))
    fig = plots.plot_image_grid(X[:3].reshape(3, 8, 8))
    assert len(visible_axes(fig)) == 3
    with pytest.raises(ShapeError, match="28, 28"):
        plots.plot_image_grid(X[:3], image_shape=(28, 28))


def test_plot_confusion_matrix():
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 2])
    fig = plots.plot_confusion_matrix(y_true, y_pred, class_names=["Kama", "Rosa", "Canadian"])
    assert_titled_and_labelled(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    cells = [int(t.get_text()) for t in ax.texts]
    assert cells == data.confusion_matrix(y_true, y_pred).ravel().tolist()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Kama", "Rosa", "Canadian"]
    assert "0.667" in ax.get_title()
    _, my_ax = plt.subplots()
    assert plots.plot_confusion_matrix(y_true, y_pred, ax=my_ax) is my_ax
