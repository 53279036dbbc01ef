"""Tests of the losses beyond softmax cross-entropy: multiclass hinge, L1 (mae), L2 (mse), and
binary cross-entropy with logits on K > 1 independent labels (multi-label).

Values are worked out by hand; gradients are compared with centered finite differences in
float64, away from the kinks of the hinge and of |x| (where a finite difference straddles two
slopes and no single derivative exists).
"""

import numpy as np
import pytest

import nnlib
from nnlib import losses
from nnlib.gradcheck import numerical_gradient, rel_error

TOL = 1e-7  # the bar for every loss in float64


@pytest.fixture
def rng():
    return np.random.default_rng(15)


def hinge_terms_away_from_kinks(scores, y, delta=1.0, gap=1e-3):
    """True when no margin term s_j - s_y + delta (j != y) lies within ``gap`` of its kink at 0."""
    margins = scores - scores[np.arange(len(y)), y][:, None] + delta
    margins[np.arange(len(y)), y] = 1.0
    return np.abs(margins).min() > gap


# --------------------------------------------------------------------------- multiclass hinge


def test_multiclass_hinge_by_hand():
    # The CS231n example: scores (3.2, 5.1, -1.7) for a sample of class 0 cost
    # max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0 = 2.9.
    # Second sample, class 1: (1.3, 4.9, 2.0) is satisfied: every wrong score is more than 1 below.
    # Third sample, class 2: (2.2, 2.5, -3.1) costs (2.2 + 3.1 + 1) + (2.5 + 3.1 + 1) = 12.9.
    scores = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    y = np.array([0, 1, 2])
    loss, d = losses.multiclass_hinge(scores, y)
    assert loss == pytest.approx((2.9 + 0.0 + 12.9) / 3, rel=1e-12)
    # dscores: +1/N on every active wrong class, -(their number)/N on the correct class.
    expected = np.array([[-1, 1, 0], [0, 0, 0], [1, 1, -2]]) / 3
    assert np.array_equal(d, expected)


def test_multiclass_hinge_is_zero_once_every_margin_is_met_and_delta_moves_the_bar():
    scores = np.array([[3.0, 1.5, 0.0]])
    y = np.array([0])
    loss, d = losses.multiclass_hinge(scores, y)
    assert loss == 0.0 and d.tolist() == [[0.0, 0.0, 0.0]]  # nothing left to push: CE would still push
    # With delta = 2 the wrong class at 1.5 is now 0.5 short of the margin.
    loss, d = losses.multiclass_hinge(scores, y, delta=2.0)
    assert loss == pytest.approx(0.5)
    assert d.tolist() == [[-1.0, 1.0, 0.0]]


def test_multiclass_hinge_gradient_matches_finite_differences(rng):
    scores = rng.standard_normal((7, 5))
    y = rng.integers(0, 5, size=7)
    assert hinge_terms_away_from_kinks(scores, y)
    loss, d = losses.multiclass_hinge(scores, y)
    assert loss > 0 and np.count_nonzero(d) > 7  # some terms active, so the check checks something
    num = numerical_gradient(lambda: losses.multiclass_hinge(scores, y)[0], scores)
    assert rel_error(d, num) < TOL


def test_multiclass_hinge_is_the_sum_of_max_terms_computed_with_loops(rng):
    scores = rng.standard_normal((6, 4)) * 2
    y = rng.integers(0, 4, size=6)
    total = 0.0
    for i in range(6):
        for j in range(4):
            if j != y[i]:
                total += max(0.0, scores[i, j] - scores[i, y[i]] + 1.0)
    assert losses.multiclass_hinge(scores, y)[0] == pytest.approx(total / 6, rel=1e-12)


def test_multiclass_hinge_at_a_kink_uses_the_subgradient_zero():
    # The wrong class sits exactly delta below the correct one: margin 0, the term is inactive.
    loss, d = losses.multiclass_hinge(np.array([[2.0, 1.0]]), np.array([0]))
    assert loss == 0.0 and d.tolist() == [[0.0, 0.0]]


def test_multiclass_hinge_bad_input_is_explained():
    with pytest.raises(nnlib.ShapeError, match=r"multiclass_hinge: scores must be \(N, C\), got shape \(3,\)"):
        losses.multiclass_hinge(np.zeros(3), np.array([0, 1, 2]))
    with pytest.raises(nnlib.ShapeError, match=r"multiclass_hinge: 2 rows of scores but 3 labels"):
        losses.multiclass_hinge(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(nnlib.ShapeError, match="one-hot"):
        losses.multiclass_hinge(np.zeros((2, 3)), np.eye(3)[[0, 1]])
    with pytest.raises(ValueError, match=r"multiclass_hinge: labels must lie in \[0, 3\)"):
        losses.multiclass_hinge(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(TypeError, match="labels y must be integers"):
        losses.multiclass_hinge(np.zeros((2, 3)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="delta is the margin and must be positive, got 0"):
        losses.multiclass_hinge(np.zeros((2, 3)), np.array([0, 1]), delta=0)


def test_multiclass_hinge_does_not_modify_its_inputs(rng):
    scores = rng.standard_normal((4, 3))
    y = np.array([0, 2, 1, 1])
    before = scores.copy(), y.copy()
    losses.multiclass_hinge(scores, y)
    assert np.array_equal(scores, before[0]) and np.array_equal(y, before[1])


# --------------------------------------------------------------------------- L1 and L2 regression


def test_mae_and_mse_by_hand():
    pred = np.array([[1.0], [2.0], [-1.0], [4.0]])
    target = np.array([[0.5], [2.0], [1.0], [1.0]])
    # errors 0.5, 0, -2, 3
    loss1, d1 = losses.mae(pred, target)
    assert loss1 == pytest.approx((0.5 + 0 + 2 + 3) / 4)
    assert d1[:, 0].tolist() == [0.25, 0.0, -0.25, 0.25]  # sign / N, and 0 where the error is exactly 0
    loss2, d2 = losses.mse(pred, target)
    assert loss2 == pytest.approx((0.25 + 0 + 4 + 9) / 4)
    assert d2[:, 0].tolist() == [0.25, 0.0, -1.0, 1.5]  # 2 * error / N


def test_mse_and_mae_average_over_every_entry_of_a_multi_output_target():
    # Two outputs per sample: the mean (and the division in the gradient) runs over N * K = 4.
    pred = np.array([[1.0, 0.0], [0.0, 3.0]])
    target = np.zeros((2, 2))
    assert losses.mse(pred, target)[0] == pytest.approx(10 / 4)
    assert np.allclose(losses.mse(pred, target)[1], 2 * pred / 4)
    assert losses.mae(pred, target)[0] == pytest.approx(4 / 4)
    assert np.allclose(losses.mae(pred, target)[1], np.sign(pred) / 4)


@pytest.mark.parametrize("fn", ["mae", "mse"])
def test_regression_losses_gradients_match_finite_differences(fn, rng):
    pred = rng.standard_normal((8, 3))
    target = rng.standard_normal((8, 3))
    assert np.abs(pred - target).min() > 1e-3  # away from the kink of |x|
    loss_fn = getattr(losses, fn)
    _, d = loss_fn(pred, target)
    num = numerical_gradient(lambda: loss_fn(pred, target)[0], pred)
    assert rel_error(d, num) < TOL


def test_l1_pulls_equally_on_an_outlier_and_l2_in_proportion_to_it():
    pred = np.zeros((3, 1))
    target = np.array([[1.0], [-1.0], [100.0]])  # the last one is an outlier
    d1 = losses.mae(pred, target)[1][:, 0]
    d2 = losses.mse(pred, target)[1][:, 0]
    assert np.abs(d1).tolist() == [1 / 3] * 3
    assert abs(d2[2]) == pytest.approx(100 * abs(d2[0]))


def test_regression_shape_errors_name_the_loss_and_both_shapes():
    for name in ("mse", "mae"):
        with pytest.raises(nnlib.ShapeError, match=rf"{name}: predictions have shape \(4, 1\) but targets have "
                                                   r"\(4,\)\. Reshape"):
            getattr(losses, name)(np.zeros((4, 1)), np.zeros(4))
        with pytest.raises(nnlib.ShapeError, match=rf"{name}: predictions have shape \(4, 2\) but targets have "
                                                   r"\(4, 1\)\.$"):
            getattr(losses, name)(np.zeros((4, 2)), np.zeros((4, 1)))


# --------------------------------------------------------------------------- multi-label sigmoids


def test_bce_with_logits_on_several_independent_labels(rng):
    # Three attributes per sample, any number of them on: one sigmoid per column.
    z = rng.standard_normal((6, 3)) * 2
    Y = np.array([[1, 0, 1], [0, 0, 0], [1, 1, 1], [0, 1, 0], [1, 0, 0], [0, 1, 1]], dtype=float)
    a = 1 / (1 + np.exp(-z))
    by_hand = -np.mean(Y * np.log(a) + (1 - Y) * np.log(1 - a))  # mean over all 18 entries
    loss, d = losses.binary_cross_entropy_with_logits(z, Y)
    assert loss == pytest.approx(by_hand, rel=1e-12)
    assert np.allclose(d, (a - Y) / 18, rtol=1e-12, atol=0)
    num = numerical_gradient(lambda: losses.binary_cross_entropy_with_logits(z, Y)[0], z)
    assert rel_error(d, num) < TOL
    # Each column is an ordinary one-label problem: the mean over K columns of their losses.
    columns = [losses.binary_cross_entropy_with_logits(z[:, [k]], Y[:, [k]])[0] for k in range(3)]
    assert loss == pytest.approx(np.mean(columns), rel=1e-12)


def test_multi_label_targets_must_match_the_logits_shape():
    with pytest.raises(nnlib.ShapeError, match=r"binary_cross_entropy_with_logits: predictions have shape "
                                               r"\(4, 3\) but targets have \(4,\)"):
        losses.binary_cross_entropy_with_logits(np.zeros((4, 3)), np.array([0, 1, 2, 1]))


# --------------------------------------------------------------------------- float32 and get_loss


def test_new_losses_keep_float32():
    s = np.array([[0.5, -0.2, 1.0], [0.1, 0.3, -1.0]], np.float32)
    loss, d = losses.multiclass_hinge(s, np.array([0, 2]))
    assert d.dtype == np.float32 and isinstance(loss, float)
    assert losses.mae(s, np.ones((2, 3)))[1].dtype == np.float32  # float64 targets do not upcast
    assert losses.mse(s, np.ones((2, 3)))[1].dtype == np.float32
    assert losses.binary_cross_entropy_with_logits(s, np.ones((2, 3)))[1].dtype == np.float32


def test_float32_hinge_agrees_with_float64(rng):
    s = rng.standard_normal((5, 4))
    y = rng.integers(0, 4, size=5)
    l64, d64 = losses.multiclass_hinge(s, y)
    l32, d32 = losses.multiclass_hinge(s.astype(np.float32), y)
    assert l32 == pytest.approx(l64, rel=1e-5)
    assert np.array_equal(d32, d64.astype(np.float32))


def test_get_loss_knows_the_new_losses():
    assert losses.get_loss("multiclass_hinge") is losses.multiclass_hinge
    assert losses.get_loss("mae") is losses.mae
    with pytest.raises(ValueError, match="'mae', 'mse', 'multiclass_hinge'"):
        losses.get_loss("hinge")


@pytest.mark.parametrize("loss, make_target", [
    ("mae", lambda X: np.sin(2 * X[:, :1])),
    ("multiclass_hinge", lambda X: (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)),
])
def test_fit_trains_with_the_new_losses_by_name(loss, make_target):
    X = np.random.default_rng(0).standard_normal((200, 2))
    target = make_target(X)
    model = nnlib.mlp([2, 16, 1 if loss == "mae" else 3], rng=1)
    before = nnlib.evaluate(model, X, target, loss=loss)[0]
    history = nnlib.fit(model, X, target, loss=loss, epochs=20, batch_size=20, lr=0.1, rng=2)
    after = nnlib.evaluate(model, X, target, loss=loss)[0]
    assert history.epochs == 20 and after < 0.5 * before


def test_check_model_with_the_hinge_loss():
    X = np.random.default_rng(3).standard_normal((6, 3))
    y = np.array([0, 1, 2, 0, 1, 2])
    model = nnlib.mlp([3, 5, 3], activation="tanh", rng=4)
    _, d = losses.multiclass_hinge(model.forward(X), y)
    assert np.count_nonzero(d) > 0
    errors = nnlib.gradcheck.check_model(model, X, y, loss="multiclass_hinge")
    assert max(errors.values()) < TOL


def test_fit_reports_accuracy_for_multi_label_and_hinge_losses():
    """Multi-label targets (N, K) train and count every yes/no answer; the hinge loss is a
    classification loss, so fit and evaluate report its accuracy."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    Y = (X[:, :3] > 0).astype(float)                     # three independent attributes
    model = nnlib.mlp([4, 16, 3], rng=0)
    history = nnlib.fit(model, X, Y, epochs=30, loss="binary_cross_entropy_with_logits", lr=0.5,
                        X_val=X, y_val=Y, rng=1)
    per_answer = float(np.mean((model.forward(X, train=False) > 0) == (Y > 0.5)))
    assert history.val_acc[-1] == per_answer > 0.9
    assert nnlib.evaluate(model, X, Y, loss="binary_cross_entropy_with_logits")[1] == per_answer
    assert nnlib.accuracy(model, X, Y, loss="binary_cross_entropy_with_logits") == per_answer

    X2, y2 = nnlib.data.make_spirals(rng=0)
    model2 = nnlib.mlp([2, 32, 3], rng=0)
    history2 = nnlib.fit(model2, X2, y2, epochs=50, loss="multiclass_hinge", lr=0.3, rng=1)
    assert len(history2.acc) == 50 and history2.acc[-1] > 0.8
    assert nnlib.evaluate(model2, X2, y2, loss="multiclass_hinge")[1] == nnlib.accuracy(model2, X2, y2)
