"""Tests of the training loop: it learns, it is deterministic, and it stops with a clear message."""

import numpy as np
import pytest

import nnlib
from nnlib.data import load_digits, make_moons, make_spirals, train_test_split, Standardizer


def spiral_net(seed=0, dtype=np.float64):
    return nnlib.mlp([2, 100, 3], rng=np.random.default_rng(seed), dtype=dtype)


@pytest.fixture(scope="module")
def spirals():
    return make_spirals(n_per_class=100, n_classes=3, noise=0.2, rng=np.random.default_rng(0))


def test_fit_learns_the_three_class_spiral(spirals):
    X, y = spirals
    model = spiral_net()
    history = nnlib.fit(model, X, y, epochs=300, batch_size=32, lr=0.5, rng=np.random.default_rng(1))
    assert nnlib.accuracy(model, X, y) >= 0.97
    assert history.loss[-1] < history.loss[0] / 5
    assert len(history.loss) == len(history.acc) == 300 and history.val_loss == []


def test_fit_float32_end_to_end(spirals):
    X, y = spirals
    model = spiral_net(dtype=np.float32)
    nnlib.fit(model, X, y, epochs=100, optimizer=nnlib.Adam(0.01), rng=np.random.default_rng(1))
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert model.forward(X).dtype == np.float32
    assert nnlib.accuracy(model, X, y) >= 0.95


def test_same_seed_gives_identical_history(spirals):
    X, y = spirals
    runs = []
    for _ in range(2):
        model = nnlib.mlp([2, 32, 3], rng=np.random.default_rng(3), dropout=0.2)
        h = nnlib.fit(model, X, y, epochs=5, lr=0.3, rng=np.random.default_rng(4), X_val=X, y_val=y)
        runs.append((h.as_dict(), [p.copy() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    assert all(np.array_equal(a, b) for a, b in zip(runs[0][1], runs[1][1]))
    other = nnlib.fit(nnlib.mlp([2, 32, 3], rng=np.random.default_rng(3), dropout=0.2), X, y,
                      epochs=5, lr=0.3, rng=np.random.default_rng(5))
    assert other.loss != runs[0][0]["loss"]


def test_fit_matches_a_hand_written_loop(spirals):
    """fit is nothing more than forward, loss, backward and a step, batch after batch."""
    X, y = spirals
    m1, m2 = spiral_net(7), spiral_net(7)
    nnlib.fit(m1, X, y, epochs=2, batch_size=50, lr=0.2, rng=np.random.default_rng(8))
    rng = np.random.default_rng(8)
    for _ in range(2):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 50):
            idx = order[start:start + 50]
            _, d = nnlib.losses.softmax_cross_entropy(m2.forward(X[idx]), y[idx])
            m2.backward(d)
            for p, g in zip(m2.parameters(), m2.gradients()):
                p -= 0.2 * g
    assert all(np.allclose(a, b, rtol=0, atol=1e-12) for a, b in zip(m1.parameters(), m2.parameters()))


def test_divergence_stops_with_a_clear_message(spirals):
    X, y = spirals
    with pytest.raises(nnlib.TrainingDiverged, match=r"epoch 1, batch \d+ of 10.*lr=50.*too large"):
        nnlib.fit(spiral_net(), X, y, epochs=20, lr=50.0, rng=np.random.default_rng(0))


def test_nan_loss_stops_training(spirals):
    X, y = spirals
    model = spiral_net()
    model.layers[0].W[0, 0] = np.nan
    with pytest.raises(nnlib.TrainingDiverged, match="became nan at epoch 1, batch 1"):
        nnlib.fit(model, X, y, epochs=1, rng=np.random.default_rng(0))


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # NaN on its way to the loss
def test_bad_inputs_are_refused_with_a_clear_message(spirals):
    X, y = spirals
    for bad in (np.nan, np.inf, -np.inf):
        Xbad = X.copy()
        Xbad[5, 1] = bad
        Xbad[200, 0] = bad
        with pytest.raises(ValueError, match=r"NaN or infinity \(first at index \(5, 1\)\)"):
            nnlib.fit(spiral_net(), Xbad, y, epochs=1, rng=np.random.default_rng(0))
    # found even when every weight is zero (0 * nan is nan) and whatever layers come after
    Xbad = X.copy()
    Xbad[7, 0] = np.inf
    for model in (nnlib.mlp([2, 8, 3], init="zeros"), nnlib.mlp([2, 8, 8, 3], activation="tanh", rng=np.random.default_rng(1), batchnorm=True)):
        with pytest.raises(ValueError, match=r"first at index \(7, 0\)"):
            nnlib.fit(model, Xbad, y, epochs=1, rng=np.random.default_rng(0))
    # raised before the bad batch's update: with a bad entry in every row, nothing trains
    model = spiral_net()
    before = [p.copy() for p in model.parameters()]
    Xbad = X.copy()
    Xbad[:, 1] = np.nan
    with pytest.raises(ValueError, match=r"first at index \(0, 1\)"):
        nnlib.fit(model, Xbad, y, epochs=1, rng=np.random.default_rng(0))
    assert all(np.array_equal(a, b) for a, b in zip(before, model.parameters()))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        nnlib.fit(spiral_net(), X, y + 1, epochs=1, rng=np.random.default_rng(0))
    with pytest.raises(nnlib.ShapeError, match="300 rows but y has 299"):
        nnlib.fit(spiral_net(), X, y[:-1], epochs=1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        nnlib.fit(spiral_net(), X, y, epochs=1)


def test_regularization_options_shrink_weights(spirals):
    X, y = spirals
    norms = {}
    for name, kw in {"none": {}, "l2": {"l2": 1e-2}, "l1": {"l1": 1e-3}, "max_norm": {"max_norm": 0.5}}.items():
        model = spiral_net(2)
        nnlib.fit(model, X, y, epochs=30, lr=0.3, rng=np.random.default_rng(3), **kw)
        norms[name] = model.layers[0].W
    assert np.linalg.norm(norms["l2"]) < np.linalg.norm(norms["none"])
    assert np.abs(norms["l1"]).sum() < np.abs(norms["none"]).sum()
    assert np.linalg.norm(norms["max_norm"], axis=0).max() <= 0.5 + 1e-12


def test_binary_moons_and_callback():
    X, y = make_moons(400, noise=0.1, rng=np.random.default_rng(0))
    model = nnlib.mlp([2, 25, 25, 1], rng=np.random.default_rng(1))
    seen = []
    history = nnlib.fit(model, X, y, epochs=60, lr=0.3, loss="binary_cross_entropy_with_logits",
                        rng=np.random.default_rng(2), X_val=X, y_val=y,
                        callback=lambda epoch, h, m: seen.append(epoch))
    assert seen == list(range(60))
    assert history.val_acc[-1] >= 0.95
    loss, acc = nnlib.evaluate(model, X, y, loss="binary_cross_entropy_with_logits")
    assert acc == history.val_acc[-1] and np.isclose(loss, history.val_loss[-1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_digits_reach_97_percent_test_accuracy(seed):
    """Held-out accuracy on the bundled digits, on several splits (not one lucky seed)."""
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, rng=np.random.default_rng(seed),
                                                        stratify=True)
    scaler = Standardizer().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    model = nnlib.mlp([64, 256, 10], rng=np.random.default_rng(seed + 10))
    nnlib.fit(model, X_train, y_train, epochs=60, batch_size=32, optimizer=nnlib.Adam(1e-3),
              rng=np.random.default_rng(seed + 20))
    assert nnlib.accuracy(model, X_test, y_test) >= 0.97


def test_history_repr_and_progress_flag(spirals, capsys):
    X, y = spirals
    h = nnlib.fit(spiral_net(), X, y, epochs=2, rng=np.random.default_rng(0))
    assert repr(h).startswith("History(2 epochs; last: loss=")
    assert capsys.readouterr().out == ""  # silent by default
    h = nnlib.fit(spiral_net(), X, y, epochs=2, rng=np.random.default_rng(0), progress=True)
    assert "epochs" in capsys.readouterr().err  # tqdm writes its bar to stderr
