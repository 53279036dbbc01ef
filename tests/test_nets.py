"""Tests of the networks built from layer descriptions (nnlib.nets): the forward pass against
a pass written out by hand, the backward pass against centered finite differences, the checks
of the descriptions and the initialization."""

import numpy as np
import pytest

from nnlib import functional as F
from nnlib.gradcheck import numerical_gradient, rel_error
from nnlib.losses import softmax_cross_entropy
from nnlib.nets import backward_network, check_layers, forward_network, init_network

LAYERS = [{"input_dim": 3, "output_dim": 5, "activation": "relu"},
          {"input_dim": 5, "output_dim": 4, "activation": "sigmoid"},
          {"input_dim": 4, "output_dim": 3, "activation": None}]


def _params(seed=0):
    r = np.random.default_rng(seed)
    return {k: r.normal(size=s) for k, s in [("W1", (3, 5)), ("b1", (5,)), ("W2", (5, 4)),
                                              ("b2", (4,)), ("W3", (4, 3)), ("b3", (3,))]}


def test_forward_matches_the_layers_written_out():
    p, X = _params(), np.random.default_rng(1).normal(size=(6, 3))
    out, cache = forward_network(X, p, LAYERS)
    z1 = X @ p["W1"] + p["b1"]
    z2 = F.relu(z1) @ p["W2"] + p["b2"]
    z3 = F.sigmoid(z2) @ p["W3"] + p["b3"]
    np.testing.assert_allclose(out, z3, rtol=1e-12)
    assert len(cache) == 3
    for (A_prev, Z), (a, z) in zip(cache, [(X, z1), (F.relu(z1), z2), (F.sigmoid(z2), z3)]):
        np.testing.assert_allclose(A_prev, a, rtol=1e-12)
        np.testing.assert_allclose(Z, z, rtol=1e-12)
    assert forward_network(X, p, [dict(l, activation="linear") if l["activation"] is None else l
                                  for l in LAYERS])[0] == pytest.approx(out)


def test_backward_matches_finite_differences():
    p = _params(2)
    r = np.random.default_rng(3)
    X, y = r.normal(size=(7, 3)), r.integers(0, 3, size=7)

    def loss():
        return softmax_cross_entropy(forward_network(X, p, LAYERS)[0], y)[0]

    out, cache = forward_network(X, p, LAYERS)
    grads = backward_network(softmax_cross_entropy(out, y)[1], cache, p, LAYERS)
    assert list(grads) == list(p)
    for key in p:
        assert rel_error(grads[key], numerical_gradient(loss, p[key], h=1e-6)) < 1e-7, key


def test_a_description_that_does_not_fit_names_the_layer_and_both_dims():
    bad = [LAYERS[0], dict(LAYERS[1], input_dim=6), LAYERS[2]]
    with pytest.raises(ValueError, match=r"layer 2 has input_dim 6, but layer 1 has output_dim 5"):
        check_layers(bad)
    with pytest.raises(ValueError, match="layer 2"):
        init_network(bad, 0)
    with pytest.raises(ValueError, match=r"input_dim 3, but X has 4 features"):
        forward_network(np.zeros((2, 4)), _params(), LAYERS)
    with pytest.raises(ValueError, match="unknown activation 'tanh'"):
        forward_network(np.zeros((2, 3)), _params(), [dict(LAYERS[0], activation="tanh")])


def test_init_network_shapes_scale_and_seed():
    layers = [{"input_dim": 400, "output_dim": 300, "activation": "relu"},
              {"input_dim": 300, "output_dim": 10, "activation": "linear"}]
    p = init_network(layers, 0)
    assert {k: v.shape for k, v in p.items()} == {"W1": (400, 300), "b1": (300,),
                                                  "W2": (300, 10), "b2": (10,)}
    assert p["W1"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert p["W2"].std() == pytest.approx(np.sqrt(1 / 300), rel=0.05)
    assert not p["b1"].any() and not p["b2"].any()
    again = init_network(layers, np.random.default_rng(0))
    assert all(np.array_equal(p[k], again[k]) for k in p)
    assert not np.array_equal(p["W1"], init_network(layers, 1)["W1"])
