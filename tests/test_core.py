"""Tests of nnlib's functional core, losses, layers, models, initializers and optimizers.

Each test would fail if the mathematics were wrong: gradients are compared with centered finite
differences in float64, values with hand-derived or independently computed results.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import nnlib
from nnlib import functional as F
from nnlib import init, losses
from nnlib.gradcheck import check_layer, check_model, numerical_gradient, rel_error

TOL = 1e-7  # the bar for every layer and loss in float64


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# --------------------------------------------------------------------------- import hygiene


def test_import_nnlib_imports_numpy_only():
    code = (
        "import sys, nnlib\n"
        "heavy = [m for m in ('matplotlib', 'sklearn', 'scipy', 'tqdm', 'ipywidgets', 'IPython', 'torch')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --------------------------------------------------------------------------- activations


def test_activation_values_by_hand():
    z = np.array([-2.0, 0.0, 3.0])
    assert np.allclose(F.sigmoid(z), 1 / (1 + np.exp(-z)))
    assert F.sigmoid(np.array([0.0]))[0] == 0.5
    assert np.array_equal(F.relu(z), [0.0, 0.0, 3.0])
    assert np.allclose(F.leaky_relu(z, 0.1), [-0.2, 0.0, 3.0])
    assert np.allclose(F.tanh(z), np.tanh(z))


def test_sigmoid_never_overflows():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = F.sigmoid(np.array([-1e4, -800.0, 0.0, 800.0, 1e4]))
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_activation_backward_matches_finite_differences(name, rng):
    f, fb = getattr(F, name), getattr(F, name + "_backward")
    z = rng.standard_normal((4, 5))
    z[np.abs(z) < 1e-3] = 0.5  # keep away from ReLU's kink, where the derivative is undefined
    dout = rng.standard_normal(z.shape)
    num = numerical_gradient(lambda: np.sum(f(z) * dout), z)
    assert rel_error(fb(dout, z), num) < TOL


def test_relu_backward_gives_zero_at_the_kink():
    assert F.relu_backward(np.ones(3), np.array([-1.0, 0.0, 1.0])).tolist() == [0.0, 0.0, 1.0]


def test_relu_layer_is_bit_for_bit_the_textbook_relu(rng):
    """The ReLU layer compares with a kept array of zeros (faster in NumPy 2.4) instead of the
    scalar 0 of F.relu: same bits for every batch shape and dtype it meets, NaN and -0.0 included."""
    layer = nnlib.ReLU()
    for shape, dtype in [((6, 5), np.float64), ((6, 5), np.float64), ((2, 5), np.float64),
                         ((6, 5), np.float32), ((3, 7), np.float32)]:
        z = rng.standard_normal(shape).astype(dtype)
        z.flat[:4] = [np.nan, -0.0, np.inf, -np.inf]
        out = layer.forward(z)
        expected = F.relu(z)
        assert out.dtype == dtype and out.shape == shape
        assert out.tobytes() == expected.tobytes()
        assert not np.shares_memory(out, layer._zeros) and np.all(layer._zeros == 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_activations_keep_dtype(name, dtype):
    z = np.linspace(-2, 2, 12, dtype=dtype).reshape(3, 4)
    assert getattr(F, name)(z).dtype == dtype
    assert getattr(F, name + "_backward")(np.ones_like(z), z).dtype == dtype


# --------------------------------------------------------------------------- softmax family

logits_strategy = arrays(
    np.float64, st.tuples(st.integers(1, 6), st.integers(2, 7)),
    elements=st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=200, deadline=None)
@given(logits_strategy)
def test_softmax_is_a_finite_distribution_for_huge_logits(z):
    p = F.softmax(z)
    assert np.all(np.isfinite(p)) and np.all(p >= 0)
    assert np.allclose(p.sum(axis=1), 1.0)
    # softmax keeps each row's order: the largest logit gets the largest probability
    assert np.array_equal(p.max(axis=1), p[np.arange(len(z)), z.argmax(axis=1)])


@settings(max_examples=200, deadline=None)
@given(logits_strategy)
def test_log_softmax_is_finite_and_consistent(z):
    lp = F.log_softmax(z)
    assert np.all(np.isfinite(lp)) and np.all(lp <= 1e-12)
    assert np.allclose(np.exp(lp), F.softmax(z), atol=1e-12)
    assert np.allclose(lp, z - F.logsumexp(z)[:, None])


@settings(max_examples=100, deadline=None)
@given(logits_strategy, st.floats(-1e3, 1e3))
def test_softmax_is_shift_invariant(z, c):
    assert np.allclose(F.softmax(z), F.softmax(z + c), atol=1e-12)


def test_softmax_by_hand():
    assert np.allclose(F.softmax(np.array([[0.0, 0.0]])), [[0.5, 0.5]])
    p = F.softmax(np.array([[1.0, 2.0, 3.0]]))
    e = np.exp([1.0, 2.0, 3.0])
    assert np.allclose(p, e / e.sum())
    assert F.softmax(np.array([[1e4, 0.0]]))[0, 0] == 1.0


def test_one_hot_dtype_and_values():
    oh = F.one_hot(np.array([2, 0]), 3, dtype=np.float32)
    assert oh.dtype == np.float32 and oh.tolist() == [[0, 0, 1], [1, 0, 0]]


# --------------------------------------------------------------------------- losses


def test_cross_entropy_by_hand():
    probs = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]])
    assert np.isclose(losses.cross_entropy(probs, np.array([0, 1])), -(np.log(0.5) + np.log(0.8)) / 2)
    assert np.isclose(losses.cross_entropy(np.full((4, 5), 0.2), np.arange(4)), np.log(5))


def test_softmax_cross_entropy_gradient_is_probs_minus_onehot_over_n(rng):
    z = rng.standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    loss, d = losses.softmax_cross_entropy(z, y)
    assert np.isclose(loss, losses.cross_entropy(F.softmax(z), y))
    assert np.allclose(d, (F.softmax(z) - F.one_hot(y, 4)) / 5)
    num = numerical_gradient(lambda: losses.softmax_cross_entropy(z, y)[0], z)
    assert rel_error(d, num) < TOL


def test_softmax_cross_entropy_finite_for_huge_logits():
    z = np.array([[1e4, -1e4, 0.0], [0.0, 1e4, 1e4]])
    loss, d = losses.softmax_cross_entropy(z, np.array([1, 2]))
    assert np.isfinite(loss) and np.all(np.isfinite(d))
    assert np.isclose(loss, (2e4 + np.log(2)) / 2)


@pytest.mark.parametrize("fn", ["binary_cross_entropy", "binary_cross_entropy_with_logits", "mse", "mae"])
def test_binary_and_regression_losses_gradients(fn, rng):
    a = rng.standard_normal((6, 1))
    if fn == "binary_cross_entropy":
        a = F.sigmoid(a)
    y = (rng.random((6, 1)) > 0.5).astype(float)
    loss_fn = getattr(losses, fn)
    _, d = loss_fn(a, y)
    num = numerical_gradient(lambda: loss_fn(a, y)[0], a)
    assert rel_error(d, num) < TOL


def test_bce_with_logits_equals_textbook_formula_and_is_stable(rng):
    z = rng.standard_normal((5, 1))
    y = np.array([[1.0], [0.0], [1.0], [1.0], [0.0]])
    p = F.sigmoid(z)
    textbook = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert np.isclose(losses.binary_cross_entropy_with_logits(z, y)[0], textbook)
    assert np.isclose(losses.binary_cross_entropy(p, y)[0], textbook)
    big = np.array([[1e4], [-1e4]])
    loss, d = losses.binary_cross_entropy_with_logits(big, np.array([[0.0], [1.0]]))
    assert np.isclose(loss, 1e4) and np.all(np.isfinite(d))
    # the a - y simplification
    assert np.allclose(losses.binary_cross_entropy_with_logits(z, y)[1], (p - y) / 5)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 5)),
              elements=st.floats(-50, 50, allow_nan=False)), st.data())
def test_softmax_cross_entropy_properties(z, data):
    y = np.array(data.draw(st.lists(st.integers(0, z.shape[1] - 1), min_size=len(z), max_size=len(z))))
    loss, d = losses.softmax_cross_entropy(z, y)
    assert loss >= 0 and np.isfinite(loss)
    assert np.allclose(d.sum(axis=1), 0, atol=1e-12)  # each row of probs - onehot sums to 0
    assert np.all(d[np.arange(len(y)), y] <= 0)


def test_labels_out_of_range_are_explained():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), np.array([1, 3]))
    with pytest.raises(nnlib.ShapeError, match="one-hot"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), np.eye(3)[[0, 1]])


def test_losses_keep_float32():
    z = np.zeros((4, 3), np.float32)
    assert losses.softmax_cross_entropy(z, np.array([0, 1, 2, 0]))[1].dtype == np.float32
    assert losses.binary_cross_entropy_with_logits(z[:, :1], np.ones((4, 1)))[1].dtype == np.float32
    assert losses.mse(z, np.ones((4, 3)))[1].dtype == np.float32


# --------------------------------------------------------------------------- functional dense / dropout


def test_dense_forward_backward_by_hand():
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 2.0]])
    b = np.array([0.0, 1.0, 0.0])
    assert F.dense_forward(x, W, b).tolist() == [[2.0, 3.0, 3.0]]
    dx, dW, db = F.dense_backward(np.array([[1.0, 0.0, 1.0]]), x, W)
    assert dx.tolist() == [[0.0, 2.5]]
    assert dW.tolist() == [[1.0, 0.0, 1.0], [2.0, 0.0, 2.0]]
    assert db.tolist() == [1.0, 0.0, 1.0]


def test_dropout_function_statistics():
    rng = np.random.default_rng(0)
    x = np.ones((400, 500))
    out, mask = F.dropout_forward(x, 0.3, rng)
    dropped = np.mean(mask == 0)
    assert abs(dropped - 0.3) < 6 * np.sqrt(0.3 * 0.7 / x.size)  # p is the DROP probability
    assert np.allclose(np.unique(mask), [0.0, 1 / 0.7])
    assert abs(out.mean() - 1.0) < 0.01  # expectation preserved
    assert np.array_equal(F.dropout_backward(np.ones_like(x), mask), mask)
    with pytest.raises(ValueError, match="probability of dropping"):
        F.dropout_forward(x, 1.0, rng)


# --------------------------------------------------------------------------- layers and gradient checks

LAYERS = {
    "Dense": lambda rng: nnlib.Dense(5, 3, rng=rng),
    "Dense square": lambda rng: nnlib.Dense(5, 5, rng=rng),
    "ReLU": lambda rng: nnlib.ReLU(),
    "LeakyReLU": lambda rng: nnlib.LeakyReLU(0.1),
    "Sigmoid": lambda rng: nnlib.Sigmoid(),
    "Tanh": lambda rng: nnlib.Tanh(),
    "Dropout": lambda rng: nnlib.Dropout(0.4, np.random.default_rng(7)),
    "BatchNorm": lambda rng: nnlib.BatchNorm(5),
}


@pytest.mark.parametrize("name", LAYERS)
def test_every_layer_passes_gradient_check(name, rng):
    layer = LAYERS[name](rng)
    x = rng.standard_normal((4, 5))
    errors = check_layer(layer, x, rng)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_model_preserves_dtype_end_to_end(dtype, rng):
    model = nnlib.mlp([6, 8, 8, 3], rng=rng, dtype=dtype, dropout=0.2, batchnorm=True)
    X = rng.standard_normal((5, 6))  # float64 input: cast once at the model's door
    out = model.forward(X)
    assert out.dtype == dtype
    _, d = losses.softmax_cross_entropy(out, np.array([0, 1, 2, 0, 1]))
    dx = model.backward(d)
    assert dx.dtype == dtype
    assert all(g.dtype == dtype for g in model.gradients())
    assert all(p.dtype == dtype for p in model.parameters())


def test_whole_model_gradient_check(rng):
    model = nnlib.mlp([4, 7, 6, 3], activation=["tanh", "relu"], rng=rng, dropout=0.25)
    X, y = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
    errors = check_model(model, X, y)
    assert max(errors.values()) < TOL, errors
    model2 = nnlib.mlp([3, 5, 1], activation="sigmoid", rng=rng)
    errors = check_model(model2, rng.standard_normal((6, 3)), (rng.random((6, 1)) > 0.5) * 1.0,
                         loss="binary_cross_entropy_with_logits")
    assert max(errors.values()) < TOL, errors


def test_shape_errors_name_the_layer_and_both_shapes(rng):
    model = nnlib.mlp([4, 8, 3], rng=rng)
    with pytest.raises(nnlib.ShapeError, match=r"layers\[0\] Dense\(4 -> 8\).*\(N, 4\).*\(2, 5\)"):
        model.forward(np.zeros((2, 5)))
    model.layers[2].W = np.zeros((7, 3))  # a broken model: the second dense layer expects 7 inputs
    model.layers[2].fan_in = 7
    with pytest.raises(nnlib.ShapeError, match=r"layers\[2\] Dense.*\(N, 7\).*\(2, 8\)"):
        model.forward(np.zeros((2, 4)))
    with pytest.raises(nnlib.ShapeError, match="2-D"):
        nnlib.mlp([4, 3], rng=rng).forward(np.zeros(4))
    dense = nnlib.Dense(4, 3, rng=rng)
    dense.forward(np.zeros((2, 4)))
    with pytest.raises(nnlib.ShapeError, match=r"dout of shape \(2, 4\).*\(2, 3\)"):
        dense.backward(np.zeros((2, 4)))


def test_wrong_dtype_and_backward_before_forward_are_explained(rng):
    with pytest.raises(TypeError, match="array of numbers"):
        nnlib.mlp([2, 3], rng=rng).forward(np.array([["a", "b"]]))
    with pytest.raises(RuntimeError, match="before forward"):
        nnlib.Dense(2, 3, rng=rng).backward(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="rng"):
        nnlib.Dense(2, 3)


def test_dropout_layer_is_identity_at_test_time_and_inverted_at_train_time():
    layer = nnlib.Dropout(0.5, np.random.default_rng(3))
    x = np.ones((500, 400))
    assert layer.forward(x, train=False) is x
    out = layer.forward(x, train=True)
    assert abs(out.mean() - 1.0) < 6 * np.sqrt(0.25 / x.size) * 2  # mean of 0-or-2 values
    assert set(np.unique(out)) == {0.0, 2.0}
    # independent per sample: rows differ
    assert not np.all(out[0] == out[1])


def test_sequential_repr_shows_shapes_and_counts(rng):
    text = repr(nnlib.mlp([2, 25, 1], rng=rng))
    assert "Dense(2 -> 25)" in text and "W (2, 25)" in text and "75 params" in text
    assert "101 parameters" in text


def test_mlp_structure(rng):
    m = nnlib.mlp([2, 25, 50, 1], activation=["relu", "tanh"], rng=rng, dropout=0.1)
    kinds = [type(l).__name__ for l in m.layers]
    assert kinds == ["Dense", "ReLU", "Dropout", "Dense", "Tanh", "Dropout", "Dense"]
    with pytest.raises(ValueError, match="2 hidden layers but 1 activations"):
        nnlib.mlp([2, 3, 4, 1], activation=["relu"], rng=rng)


# --------------------------------------------------------------------------- init


@pytest.mark.parametrize("name,target", [
    ("xavier_normal", lambda i, o: 2 / (i + o)), ("xavier_uniform", lambda i, o: 2 / (i + o)),
    ("he_normal", lambda i, o: 2 / i), ("he_uniform", lambda i, o: 2 / i),
    ("lecun_normal", lambda i, o: 1 / i), ("normal", lambda i, o: 1e-4),
])
def test_initializer_variances(name, target):
    fan_in, fan_out = 300, 700  # not square: fan-in and fan-out must not be confused
    W = getattr(init, name)(fan_in, fan_out, np.random.default_rng(5))
    assert W.shape == (fan_in, fan_out)
    var = target(fan_in, fan_out)
    # the sample variance of n draws has relative standard error about sqrt(2/n) (normal) or less
    assert abs(W.var() / var - 1) < 6 * np.sqrt(2 / W.size)
    assert abs(W.mean()) < 6 * np.sqrt(var / W.size)


def test_zero_and_constant_init_and_dtype():
    assert not init.zeros(3, 4).any()
    assert np.all(init.constant(3, 4, value=0.5) == 0.5)
    assert init.he_normal(3, 4, np.random.default_rng(0), dtype=np.float32).dtype == np.float32
    assert init.init_bias(4, 0.01).tolist() == [0.01] * 4


# --------------------------------------------------------------------------- regularization


def test_l2_l1_penalties_and_max_norm(rng):
    W = rng.standard_normal((4, 3))
    v, g = nnlib.regularization.l2_penalty(W, 0.1)
    assert np.isclose(v, 0.05 * np.sum(W ** 2)) and np.allclose(g, 0.1 * W)
    assert rel_error(g, numerical_gradient(lambda: nnlib.regularization.l2_penalty(W, 0.1)[0], W)) < TOL
    v, g = nnlib.regularization.l1_penalty(W, 0.1)
    assert np.isclose(v, 0.1 * np.abs(W).sum()) and np.allclose(g, 0.1 * np.sign(W))
    W2 = W * 10
    nnlib.regularization.max_norm(W2, 2.0)
    assert np.all(np.linalg.norm(W2, axis=0) <= 2.0 + 1e-12)
    small = W * 1e-3
    assert np.array_equal(nnlib.regularization.max_norm(small.copy(), 2.0), small)


# --------------------------------------------------------------------------- optimizers


def test_sgd_step_subtracts_in_place():
    p = np.array([1.0, 2.0])
    out = nnlib.optim.sgd_step(p, np.array([1.0, -1.0]), 0.5)
    assert out is p and p.tolist() == [0.5, 2.5]


def test_sgd_variants_by_hand():
    p, g = np.array([1.0]), np.array([2.0])
    opt = nnlib.SGD(lr=0.1, momentum=0.9)
    opt.step([p], [g])   # v = -0.2
    opt.step([p], [g])   # v = -0.18 - 0.2 = -0.38
    assert np.isclose(p[0], 1 - 0.2 - 0.38)
    p = np.array([1.0])
    nnlib.SGD(lr=0.1, weight_decay=0.5).step([p], [np.array([0.0])])
    assert np.isclose(p[0], 1 - 0.1 * 0.5)
    p = np.array([1.0])
    nnlib.SGD(lr=0.1, momentum=0.9, nesterov=True).step([p], [g])  # v=-0.2; p += 0.9 v - 0.1 g
    assert np.isclose(p[0], 1 - 0.18 - 0.2)


def test_adam_first_step_is_lr_times_sign():
    p = np.array([1.0, -1.0])
    nnlib.Adam(lr=0.01).step([p], [np.array([3.0, -0.5])])
    assert np.allclose(p, [0.99, -0.99], atol=1e-6)


@pytest.mark.parametrize("opt", [lambda: nnlib.SGD(0.1, momentum=0.9, nesterov=True), lambda: nnlib.Adam(0.1)])
def test_optimizers_minimize_a_quadratic(opt):
    p = np.array([3.0, -2.0])
    o = opt()
    for _ in range(300):
        o.step([p], [2 * p])
    assert np.linalg.norm(p) < 1e-2


# --------------------------------------------------------------------------- two hand-written nets


def test_two_layer_net_gradients(rng):
    params = {"W1": rng.standard_normal((4, 6)), "b1": rng.standard_normal(6),
              "W2": rng.standard_normal((6, 3)), "b2": rng.standard_normal(3)}
    X, y = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    loss, grads = nnlib.nets.two_layer_net(X, y, params)
    for k in params:
        num = numerical_gradient(lambda: nnlib.nets.two_layer_net(X, y, params)[0], params[k])
        assert rel_error(grads[k], num) < TOL, k


def test_nielsen_backprop_gradients(rng):
    sizes = [3, 5, 4, 2]
    weights = [rng.standard_normal((a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.standard_normal(b) for b in sizes[1:]]
    X, Y = rng.standard_normal((7, 3)), rng.random((7, 2))

    def cost():
        a = X
        for W, b in zip(weights, biases):
            a = F.sigmoid(a @ W + b)
        return 0.5 * np.sum((a - Y) ** 2) / len(X)

    gw, gb = nnlib.nets.backprop(weights, biases, X, Y)
    for W, g in zip(weights, gw):
        assert rel_error(g, numerical_gradient(cost, W)) < TOL
    for b, g in zip(biases, gb):
        assert rel_error(g, numerical_gradient(cost, b)) < TOL


# --------------------------------------------------------------------------- gradcheck itself


def test_numerical_gradient_restores_x_and_is_centered():
    x = np.array([1.0, 2.0])
    before = x.copy()
    g = numerical_gradient(lambda: np.sum(x ** 3), x, h=1e-3)
    assert np.array_equal(x, before)
    # centered difference of x^3: 3x^2 + h^2 exactly
    assert np.allclose(g, 3 * before ** 2 + 1e-6, atol=1e-9)


def test_rel_error_properties():
    a = np.array([1.0, 2.0])
    assert rel_error(a, a) == 0.0
    assert np.isclose(rel_error(a, -a), 1.0)
    assert rel_error(np.zeros(2), np.zeros(2)) == 0.0


def test_batchnorm_backward_in_test_mode(rng):
    bn = nnlib.BatchNorm(5)
    bn.forward(rng.standard_normal((50, 5)) * 3 + 1, train=True)  # give it running statistics
    before = (bn.running_mean.copy(), bn.running_var.copy())
    errors = check_layer(bn, rng.standard_normal((4, 5)), rng, train=False)
    assert max(errors.values()) < TOL, errors
    errors = check_layer(bn, rng.standard_normal((4, 5)), rng, train=True)
    assert max(errors.values()) < TOL, errors
    # a gradient check leaves the running statistics as they were
    assert np.array_equal(bn.running_mean, before[0]) and np.array_equal(bn.running_var, before[1])
