"""What a learner trips over in nnlib (issue 11, section 3): each test failed before its fix."""

import ast
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import nnlib
from nnlib import data, train
from nnlib.data import make_moons, make_spirals
from nnlib.layers import Layer

ROOT = Path(__file__).resolve().parents[1]
G = np.random.default_rng


@pytest.fixture(scope="module")
def moons():
    return make_moons(400, noise=0.1, rng=G(0))


@pytest.fixture(scope="module")
def spirals():
    return make_spirals(n_per_class=100, n_classes=3, noise=0.2, rng=G(0))


def sigmoid_net(seed=1):
    """A 2-16-1 ReLU network that ends in nnlib's Sigmoid: its output is a probability."""
    return nnlib.Sequential(nnlib.mlp([2, 16, 1], rng=G(seed)).layers + [nnlib.Sigmoid()])


# ---------------------------------------------------------------------------------------------
# Accuracy of sigmoid outputs: probabilities split at 0.5, logits at 0
# ---------------------------------------------------------------------------------------------


def test_a_model_ending_in_sigmoid_is_scored_at_one_half(moons):
    X, y = moons
    model = sigmoid_net()
    history = nnlib.fit(model, X, y, epochs=60, lr=0.5, loss="binary_cross_entropy", rng=G(2), X_val=X, y_val=y)
    probs = model.forward(X, train=False)[:, 0]
    true_accuracy = float(np.mean((probs > 0.5) == y))
    assert true_accuracy > 0.95
    np.testing.assert_array_equal(model.predict(X), (probs > 0.5).astype(int))
    assert nnlib.accuracy(model, X, y) == true_accuracy
    assert nnlib.evaluate(model, X, y, loss="binary_cross_entropy")[1] == true_accuracy
    assert history.val_acc[-1] == true_accuracy
    assert history.acc[-1] > 0.9  # measured during training, with the same threshold


def test_probabilities_from_a_learners_own_sigmoid_are_scored_by_the_loss(moons):
    """The last layer is not nnlib's Sigmoid: the loss says the outputs are probabilities."""

    class MySigmoid(Layer):
        def forward(self, x, train=True):
            self.s = 1 / (1 + np.exp(-x))
            return self.s

        def backward(self, dout):
            return dout * self.s * (1 - self.s)

    X, y = moons
    model = nnlib.Sequential(nnlib.mlp([2, 16, 1], rng=G(1)).layers + [MySigmoid()])
    history = nnlib.fit(model, X, y, epochs=60, lr=0.5, loss="binary_cross_entropy", rng=G(2), X_val=X, y_val=y)
    true_accuracy = float(np.mean((model.forward(X, train=False)[:, 0] > 0.5) == y))
    assert true_accuracy > 0.95
    assert history.val_acc[-1] == true_accuracy and history.acc[-1] > 0.9
    assert nnlib.evaluate(model, X, y, loss=nnlib.losses.binary_cross_entropy)[1] == true_accuracy
    assert nnlib.accuracy(model, X, y, loss="binary_cross_entropy") == true_accuracy
    np.testing.assert_array_equal(model.predict(X, threshold=0.5), (model.forward(X, train=False)[:, 0] > 0.5))


def test_logits_are_still_scored_at_zero(moons):
    X, y = moons
    model = nnlib.mlp([2, 16, 1], rng=G(1))
    history = nnlib.fit(model, X, y, epochs=30, lr=0.5, loss="binary_cross_entropy_with_logits", rng=G(2),
                        X_val=X, y_val=y)
    logits = model.forward(X, train=False)[:, 0]
    assert history.val_acc[-1] == nnlib.accuracy(model, X, y) == float(np.mean((logits > 0) == y)) > 0.95
    assert nnlib.model.output_threshold(model, "binary_cross_entropy_with_logits") == 0.0
    assert nnlib.model.output_threshold(sigmoid_net(), None) == 0.5


# ---------------------------------------------------------------------------------------------
# Layers written the textbook way: backward assigns new gradient arrays
# ---------------------------------------------------------------------------------------------


class TextbookDense(Layer):
    """A dense layer as a learner writes it: backward binds new arrays to dW and db."""

    def __init__(self, W, b):
        self.W, self.b = W.copy(), b.copy()
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)

    @property
    def params(self):
        return {"W": self.W, "b": self.b}

    @property
    def grads(self):
        return {"W": self.dW, "b": self.db}

    def forward(self, x, train=True):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


class TextbookSubclass(nnlib.Dense):
    """A learner's Dense with its own backward, which takes no input_grad argument."""

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


def test_a_textbook_layer_trains_exactly_like_nnlibs_dense(spirals):
    X, y = spirals
    reference = nnlib.mlp([2, 32, 3], rng=G(3))
    start = [p.copy() for p in reference.parameters()]
    textbook = nnlib.Sequential([TextbookDense(start[0], start[1]), nnlib.ReLU(), TextbookDense(start[2], start[3])])
    h_ref = nnlib.fit(reference, X, y, epochs=20, lr=0.5, rng=G(0))
    h_book = nnlib.fit(textbook, X, y, epochs=20, lr=0.5, rng=G(0))
    assert not np.array_equal(textbook.parameters()[0], start[0])  # the weights moved
    assert all(np.array_equal(a, b) for a, b in zip(textbook.parameters(), reference.parameters()))
    assert h_book.loss == h_ref.loss and nnlib.accuracy(textbook, X, y) > 0.8


def test_a_dense_subclass_with_its_own_backward_trains(spirals):
    X, y = spirals
    reference = nnlib.mlp([2, 32, 3], rng=G(3))
    learner = nnlib.mlp([2, 32, 3], rng=G(3))
    for i in (0, 2):
        layer = TextbookSubclass(2 if i == 0 else 32, 32 if i == 0 else 3, init="zeros")
        layer.W[...], layer.b[...] = learner.layers[i].W, learner.layers[i].b
        learner.layers[i] = layer
    learner = nnlib.Sequential(learner.layers)
    nnlib.fit(reference, X, y, epochs=5, lr=0.5, rng=G(0), l2=1e-3)
    nnlib.fit(learner, X, y, epochs=5, lr=0.5, rng=G(0), l2=1e-3)
    assert all(np.array_equal(a, b) for a, b in zip(learner.parameters(), reference.parameters()))


# ---------------------------------------------------------------------------------------------
# Integer seeds everywhere
# ---------------------------------------------------------------------------------------------


def test_an_int_seed_is_the_generator_it_names(spirals):
    X, y = spirals
    same = lambda a, b: all(np.array_equal(p, q) for p, q in zip(a, b))  # noqa: E731
    assert np.array_equal(nnlib.Dense(3, 4, rng=1).W, nnlib.Dense(3, 4, rng=G(1)).W)
    assert same(nnlib.mlp([2, 8, 8, 3], rng=0, dropout=0.5).parameters(),
                nnlib.mlp([2, 8, 8, 3], rng=G(0), dropout=0.5).parameters())
    x = np.ones((6, 5))
    assert np.array_equal(nnlib.Dropout(0.5, rng=0).forward(x), nnlib.Dropout(0.5, rng=G(0)).forward(x))
    assert np.array_equal(nnlib.functional.dropout_forward(x, 0.5, 3)[1],
                          nnlib.functional.dropout_forward(x, 0.5, G(3))[1])
    for name in ("he_normal", "xavier_uniform", "lecun_normal", "normal"):
        init = getattr(nnlib.init, name)
        assert np.array_equal(init(3, 4, rng=5), init(3, 4, rng=G(5)))
    assert nnlib.gradcheck.check_layer(nnlib.Tanh(), x, rng=0) == nnlib.gradcheck.check_layer(nnlib.Tanh(), x, rng=G(0))
    # fit, with a network that draws dropout masks from the same seed
    runs = [nnlib.fit(nnlib.mlp([2, 16, 3], rng=seed, dropout=0.2), X, y, epochs=3, rng=shuffle)
            for seed, shuffle in ((0, 1), (G(0), G(1)))]
    assert runs[0].loss == runs[1].loss


def test_what_is_not_a_seed_is_explained():
    assert data.as_rng is nnlib._checks.as_rng  # one helper, documented once
    with pytest.raises(TypeError, match="int seed.*default_rng"):
        nnlib.Dense(2, 3, rng=np.random.RandomState(0))
    with pytest.raises(TypeError, match="Generator or an int seed, got str"):
        nnlib.mlp([2, 3], rng="0")
    with pytest.raises(ValueError, match="Dropout draws random numbers.*int seed"):
        nnlib.Dropout(0.5, rng=None)
    with pytest.raises(ValueError, match="needs a random generator.*int seed"):
        nnlib.Dense(2, 3)


# ---------------------------------------------------------------------------------------------
# Sequential of one layer, and what is not a layer; progress bar without tqdm
# ---------------------------------------------------------------------------------------------


def test_sequential_of_a_single_layer_just_works():
    X, y = data.make_blobs(300, centers=[[-3, 0], [3, 0], [0, 4]], std=0.5, rng=G(0))
    model = nnlib.Sequential(nnlib.Dense(2, 3, rng=G(0)))
    assert len(model.layers) == 1 and model.forward(X).shape == (300, 3)
    nnlib.fit(model, X, y, epochs=5, rng=G(0))
    assert nnlib.accuracy(model, X, y) > 0.95


def test_what_is_not_a_layer_list_is_explained():
    with pytest.raises(TypeError, match=r"as one list: Sequential\(\["):
        nnlib.Sequential(nnlib.Dense(2, 3, rng=G(0)), nnlib.ReLU())
    with pytest.raises(TypeError, match=r"layers\[1\] is the class ReLU, not a layer: write ReLU\(\)"):
        nnlib.Sequential([nnlib.Dense(2, 3, rng=G(0)), nnlib.ReLU])
    with pytest.raises(TypeError, match=r"layers\[0\] is 'relu' \(str\), not a layer"):
        nnlib.Sequential(["relu"])
    with pytest.raises(TypeError, match="takes a list of layers, got int"):
        nnlib.Sequential(3)


def test_progress_without_tqdm_says_how_to_install_it(spirals, monkeypatch):
    X, y = spirals
    monkeypatch.setitem(sys.modules, "tqdm", None)  # `import tqdm` now fails as if not installed
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    model = nnlib.mlp([2, 8, 3], rng=G(0))
    before = [p.copy() for p in model.parameters()]
    with pytest.raises(ModuleNotFoundError, match=r"pip install tqdm.*progress=False"):
        nnlib.fit(model, X, y, epochs=2, rng=G(0), progress=True)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.parameters()))  # nothing trained


def test_tqdm_is_a_declared_extra():
    text = (ROOT / "pyproject.toml").read_text()
    extras = text.split("[project.optional-dependencies]")[1].split("\n[")[0]
    assert re.search(r'^progress = \["tqdm[^"]*"\]', extras, re.M), extras


# ---------------------------------------------------------------------------------------------
# A run that learns nothing says so; a healthy one stays quiet
# ---------------------------------------------------------------------------------------------


def fit_quietly(*args, **kwargs):
    """fit, returning its history and the TrainingWarnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = nnlib.fit(*args, **kwargs)
    return history, [str(w.message) for w in caught if issubclass(w.category, nnlib.TrainingWarning)]


def test_a_learning_rate_far_too_large_is_reported(spirals):
    X, y = spirals
    history, said = fit_quietly(nnlib.mlp([2, 50, 3], rng=G(1)), X, y, epochs=30, lr=10.0, rng=G(2))
    assert history.acc[-1] < 0.34
    assert len(said) == 1
    assert "chance level" in said[0] and "lr=10.0" in said[0] and "dead ReLUs" in said[0]
    assert "too small for the data" in said[0]
    assert issubclass(nnlib.TrainingWarning, UserWarning)


def test_a_loss_that_never_falls_is_reported(spirals):
    """A regression whose loss jumps up and never comes back down (the divergence guard is off)."""
    X, _ = spirals
    target = np.sin(3 * X[:, :1])
    history, said = fit_quietly(nnlib.mlp([2, 32, 1], activation="tanh", rng=G(1)), X, target, loss="mse",
                                epochs=10, optimizer=nnlib.Adam(lr=3.0), rng=G(2), diverge_factor=None)
    assert history.epochs == 10 and history.loss[-1] > 1
    assert len(said) == 1 and "never fell below its starting value" in said[0]
    assert "chance" not in said[0]  # a regression has no accuracy


def test_symmetric_weights_are_reported():
    X, y = data.make_circles(200, noise=0.1, rng=G(0))
    _, said = fit_quietly(nnlib.mlp([2, 8, 2], activation="tanh", init="zeros"), X, y, epochs=50, lr=0.1,
                          rng=G(1))
    assert len(said) == 1 and "chance level" in said[0]


@pytest.mark.parametrize("case", ["one epoch", "two epochs", "one full batch", "continued", "mse", "binary",
                                  "imbalanced", "sigmoid mse"])
def test_healthy_runs_give_no_warning(case, spirals, moons):
    X, y = spirals
    model = nnlib.mlp([2, 50, 3], rng=G(1))
    if case == "one epoch":
        _, said = fit_quietly(model, X, y, epochs=1, batch_size=10, lr=0.3, rng=G(2))
    elif case == "two epochs":
        _, said = fit_quietly(model, X, y, epochs=2, batch_size=16, optimizer="adam", lr=0.01, rng=G(2))
    elif case == "one full batch":  # one update tells nothing either way
        _, said = fit_quietly(model, X, y, epochs=1, batch_size=len(X), shuffle=False)
    elif case == "continued":  # a trained model, trained further one epoch at a time
        nnlib.fit(model, X, y, epochs=300, lr=0.5, rng=G(2))
        said = [s for seed in range(20) for s in fit_quietly(model, X, y, epochs=1, lr=0.5, rng=G(seed))[1]]
    elif case == "mse":
        _, said = fit_quietly(nnlib.mlp([2, 32, 1], rng=G(1)), X, np.sin(3 * X[:, :1]), loss="mse", epochs=3,
                              lr=0.05, rng=G(2))
    elif case == "binary":
        _, said = fit_quietly(nnlib.mlp([2, 16, 1], rng=G(1)), *moons, loss="binary_cross_entropy_with_logits",
                              epochs=2, lr=0.3, rng=G(2))
    elif case == "imbalanced":  # 90% of one class, learned well above the majority rate
        keep = np.r_[np.flatnonzero(moons[1] == 0), np.flatnonzero(moons[1] == 1)[:22]]
        _, said = fit_quietly(nnlib.mlp([2, 32, 2], rng=G(1)), moons[0][keep], moons[1][keep], epochs=100,
                              lr=0.3, rng=G(2))
    else:  # the article network of chapter 9: sigmoid outputs, MSE on one-hot targets
        net = nnlib.Sequential(nnlib.mlp([2, 5, 3], activation="sigmoid", init="xavier_normal", rng=G(1)).layers
                               + [nnlib.Sigmoid()])
        _, said = fit_quietly(net, X, np.eye(3)[y], loss="mse", epochs=30, batch_size=16, lr=2.0, rng=G(2))
    assert said == []


# ---------------------------------------------------------------------------------------------
# load_mnist(download=True) offline leaves no empty folders behind
# ---------------------------------------------------------------------------------------------


def test_a_failed_download_leaves_no_empty_cache_folder(tmp_path, monkeypatch):
    def offline(url, timeout=None):
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(data.urllib.request, "urlopen", offline)
    (tmp_path / "home").mkdir()
    cache = tmp_path / "home" / ".cache" / "nnlib" / "mnist"
    with pytest.raises(data.DownloadError, match="Temporary failure in name resolution"):
        data.load_mnist(cache, kind="test", download=True)
    assert [p.name for p in tmp_path.iterdir()] == ["home"] and not any((tmp_path / "home").iterdir())
    monkeypatch.setenv("NNLIB_DATA", str(tmp_path / "data"))
    with pytest.raises(data.DownloadError):
        data.load_mnist(download=True)
    assert not (tmp_path / "data").exists()


# ---------------------------------------------------------------------------------------------
# Readability: no timing commentary, no dead code, one source for each rule
# ---------------------------------------------------------------------------------------------

CORE = ["_checks", "data", "functional", "gradcheck", "init", "layers", "losses", "model", "nets", "optim",
        "regularization", "train"]


def test_no_microsecond_commentary_in_the_learner_facing_modules():
    timing = re.compile(r"\b\d+(\.\d+)?\s?(us|µs|ns)\b|SIMD|Python wrapper|allocator")
    found = [f"{name}.py:{i}: {line.strip()}" for name in ("layers", "losses", "model", "train")
             for i, line in enumerate((ROOT / "nnlib" / f"{name}.py").read_text().splitlines(), 1)
             if timing.search(line)]
    assert found == [], "move these to benchmarks/README.md:\n" + "\n".join(found)


def test_every_private_helper_is_used():
    sources = {name: (ROOT / "nnlib" / f"{name}.py").read_text() for name in CORE}
    everything = "\n".join(Path(p).read_text() for p in (ROOT / "nnlib").glob("*.py"))
    unused = []
    for name, source in sources.items():
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and (name == "_checks" or node.name.startswith("_")):
                if len(re.findall(rf"\b{node.name}\b", everything)) < 2:  # defined, never used
                    unused.append(f"{name}.{node.name}")
    assert unused == []


def test_each_rule_is_written_once():
    sources = {name: (ROOT / "nnlib" / f"{name}.py").read_text() for name in CORE}
    everything = "\n".join(sources.values())
    assert everything.count("must be in [0, 1)") == 1  # dropout's p
    assert len(re.findall(r"outputs?\[:, 0\] > ", everything)) == 1  # the single-output prediction
    assert "np.isfinite(X[" not in sources["train"]  # the finite check lives in _checks
    for p in (1.0, -0.1):
        for make in (lambda: nnlib.Dropout(p, rng=G(0)), lambda: nnlib.functional.dropout_forward(np.ones(3), p, G(0)),
                     lambda: nnlib.mlp([2, 3, 2], rng=G(0), dropout=p)):
            with pytest.raises(ValueError, match=r"probability of dropping a unit and must be in \[0, 1\)"):
                make()


def test_fit_takes_its_penalty_gradients_from_regularization(spirals, monkeypatch):
    """fit adds what nnlib.regularization says the gradient is (here a doctored one)."""
    X, y = spirals
    calls = []

    def doubled_l2(W, lam):
        calls.append(lam)
        value, grad = nnlib.regularization.l2_penalty(W, lam)
        return value, 2 * grad

    model = nnlib.mlp([2, 5, 3], rng=G(5))
    W_before = model.layers[0].W.copy()
    _, dlogits = nnlib.losses.softmax_cross_entropy(model.forward(X), y)
    model.backward(dlogits)
    expected = W_before - 0.1 * (model.layers[0].dW + 2 * 0.05 * W_before)
    monkeypatch.setattr(train, "l2_penalty", doubled_l2)
    nnlib.fit(model, X, y, epochs=1, batch_size=len(X), lr=0.1, l2=0.05, shuffle=False)
    assert calls and np.allclose(model.layers[0].W, expected, rtol=0, atol=1e-14)
