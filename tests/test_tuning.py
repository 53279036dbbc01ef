"""Tests of chapter 8's library support: learning-rate schedules, the update-to-weight ratio and
early stopping in fit."""

import math

import numpy as np
import pytest

import nnlib
from nnlib.data import make_moons
from nnlib.optim import exponential_decay, inverse_time_decay, step_decay, update_ratio
from nnlib.train import early_stopping_epoch


def test_schedules_match_their_formulas():
    epochs = range(30)
    assert [step_decay(0.1, t, drop=0.5, every=10) for t in epochs] == [0.1] * 10 + [0.05] * 10 + [0.025] * 10
    assert exponential_decay(0.2, 0, k=0.3) == 0.2
    assert exponential_decay(0.2, 5, k=0.3) == pytest.approx(0.2 * math.exp(-1.5), rel=1e-15)
    assert inverse_time_decay(0.2, 0, k=0.5) == 0.2
    assert inverse_time_decay(0.2, 6, k=0.5) == pytest.approx(0.05, rel=1e-15)


def test_update_ratio_is_the_relative_size_of_the_step():
    before = np.array([[3.0, 0.0], [0.0, 4.0]])          # norm 5
    after = before + np.array([[0.0, 0.003], [0.004, 0.0]])  # a step of norm 0.005
    assert update_ratio(before, after) == pytest.approx(1e-3, rel=1e-12)
    assert update_ratio(before, before.copy()) == 0.0


def test_early_stopping_epoch_rule():
    losses = [5.0, 4.0, 3.0, 3.5, 2.9, 3.0, 3.1, 3.2, 1.0]
    assert early_stopping_epoch(losses, patience=3) == (4, 7)   # 5, 6, 7 bring nothing lower
    assert early_stopping_epoch(losses, patience=4) == (8, 8)   # epoch 8 comes in time
    assert early_stopping_epoch([3.0, 2.0, 1.0], patience=1) == (2, 2)
    assert early_stopping_epoch([1.0, 1.0, 2.0], patience=1) == (0, 1)  # equal is not lower
    with pytest.raises(ValueError, match="empty"):
        early_stopping_epoch([], patience=2)
    with pytest.raises(ValueError, match="at least 1"):
        early_stopping_epoch([1.0], patience=0)


@pytest.fixture(scope="module")
def noisy_moons():
    X, y = make_moons(40, noise=0.3, rng=0)
    X_val, y_val = make_moons(300, noise=0.3, rng=1)
    return X, y, X_val, y_val


def overfit(data, **options):
    X, y, X_val, y_val = data
    net = nnlib.mlp([2, 100, 100, 2], rng=2)
    history = nnlib.fit(net, X, y, epochs=200, batch_size=10, optimizer="adam", lr=0.01, rng=3,
                        X_val=X_val, y_val=y_val, **options)
    return net, history


def test_fit_with_patience_stops_where_the_rule_says_and_restores_the_best_weights(noisy_moons):
    _, full = overfit(noisy_moons)
    best, last = early_stopping_epoch(full.val_loss, patience=10)
    assert last < 199, "this setting must overfit, or the test checks nothing"
    net, stopped = overfit(noisy_moons, patience=10)
    assert stopped.epochs == last + 1 and stopped.best_epoch == best
    assert stopped.val_loss == full.val_loss[:last + 1]             # the same run, cut short
    val_loss, _ = nnlib.evaluate(net, *noisy_moons[2:])
    assert val_loss == full.val_loss[best]                          # the best epoch's weights came back
    assert full.best_epoch is None


def test_patience_restores_batchnorm_running_statistics(noisy_moons):
    X, y, X_val, y_val = noisy_moons
    snapshots = []
    net = nnlib.mlp([2, 50, 2], rng=2, batchnorm=True)
    history = nnlib.fit(net, X, y, epochs=200, batch_size=10, optimizer="adam", lr=0.01, rng=3,
                        X_val=X_val, y_val=y_val, patience=5,
                        callback=lambda e, h, m: snapshots.append(m.layers[1].running_mean.copy()))
    assert history.epochs < 200
    np.testing.assert_array_equal(net.layers[1].running_mean, snapshots[history.best_epoch])


def test_lr_schedule_sets_the_rate_of_every_epoch(noisy_moons):
    X, y, _, _ = noisy_moons
    seen = []
    opt = nnlib.SGD(lr=1.0)
    nnlib.fit(nnlib.mlp([2, 8, 2], rng=0), X, y, epochs=6, batch_size=40, optimizer=opt, rng=1,
              lr_schedule=lambda t: step_decay(0.1, t, every=2), callback=lambda e, h, m: seen.append(opt.lr))
    assert seen == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]


def test_a_constant_schedule_changes_nothing(noisy_moons):
    X, y, _, _ = noisy_moons
    runs = []
    for options in ({}, {"lr_schedule": lambda t: 0.1}):
        net = nnlib.mlp([2, 16, 2], rng=0)
        runs.append(nnlib.fit(net, X, y, epochs=20, batch_size=8, lr=0.1, rng=1, **options).loss)
    assert runs[0] == runs[1]


def test_clear_errors(noisy_moons):
    X, y, X_val, y_val = noisy_moons
    net = nnlib.mlp([2, 4, 2], rng=0)
    with pytest.raises(ValueError, match="X_val"):
        nnlib.fit(net, X, y, epochs=2, rng=0, patience=3)
    with pytest.raises(ValueError, match="at least 1"):
        nnlib.fit(net, X, y, epochs=2, rng=0, X_val=X_val, y_val=y_val, patience=0)
    X_bad = X_val.copy()
    X_bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="X_val"):
        nnlib.fit(net, X, y, epochs=2, rng=0, X_val=X_bad, y_val=y_val, patience=3)
    with pytest.raises(ValueError, match="epoch 1; it must be positive"):
        nnlib.fit(net, X, y, epochs=3, rng=0, lr_schedule=lambda t: 0.1 - 0.1 * t)
