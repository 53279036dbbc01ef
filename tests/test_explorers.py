"""Tests for nnlib.explorers without a kernel or a browser: the compute functions against
independent computations, and the widget callbacks driven by setting control values in Python.
(tests/test_browser.py drives the same explorers in JupyterLab.)"""

import base64
import html
import subprocess
import sys

import numpy as np
import pytest

import nnlib
from nnlib import explorers as E
from nnlib import _explorer_weights as weights
from nnlib import _explorer_widgets as W
from nnlib.losses import softmax_cross_entropy


def test_importing_explorers_needs_only_numpy():
    code = ("import sys, nnlib.explorers; "
            "bad = [m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules]; "
            "assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert nnlib.explorers.init_explorer is E.init_explorer  # the lazy attribute of the package


# ---------------------------------------------------------------------------------------------
# learning_rate_run
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_run():
    return E.learning_rate_run()


def test_learning_rate_run_records_every_update(default_run):
    run = default_run
    assert run["updates_per_epoch"] == 10  # ceil(300 / 32)
    assert len(run["batch_losses"]) == run["epochs"] * run["updates_per_epoch"] == 300
    # The first recorded loss is that of the untrained network on fit's first mini-batch.
    model = nnlib.mlp([2, 50, 3], rng=np.random.default_rng(1))
    first_batch = np.random.default_rng(2).permutation(300)[:32]
    expected, _ = softmax_cross_entropy(model.forward(run["X"][first_batch]), run["y"][first_batch])
    assert run["batch_losses"][0] == pytest.approx(expected, rel=1e-12)
    # ... and the final accuracy is that of the trained model.
    assert run["accuracy"] == nnlib.accuracy(run["model"], run["X"], run["y"])


def test_learning_rate_run_is_chapter_4s_run_and_repeats(default_run):
    # Chapter 4 prints accuracy 0.740 for lr = 0.1 with the same data, network and seeds.
    assert default_run["accuracy"] == pytest.approx(0.74, abs=1e-9)
    again = E.learning_rate_run()
    assert again["batch_losses"] == default_run["batch_losses"]


def test_learning_rate_regimes(default_run):
    means = {lr: E._epoch_means(E.learning_rate_run(lr=lr)) for lr in (0.01, 1.0)}
    means[0.1] = E._epoch_means(default_run)
    for m in means.values():
        assert m[-1] < m[0]  # all three learn ...
    assert means[1.0][-1] < means[0.1][-1] < means[0.01][-1]  # ... the larger rates faster


def test_diverging_run_reports_instead_of_raising():
    run = E.learning_rate_run(lr=100)
    assert run["diverged"] is not None and "Training diverged" in run["diverged"]
    assert run["accuracy"] is None
    assert 0 < len(run["batch_losses"]) < run["updates_per_epoch"]
    assert "diverged after" in E.learning_rate_summary(run)


def test_learning_rate_run_settings():
    run = E.learning_rate_run(lr=10 ** -0.75, batch_size=8, optimizer="momentum", epochs=2)
    assert run["lr"] == 0.178  # rounded to 3 significant digits
    assert run["updates_per_epoch"] == 38 and len(run["batch_losses"]) == 76
    assert E.learning_rate_run(batch_size=1000, epochs=1)["updates_per_epoch"] == 1  # capped at N
    with pytest.raises(ValueError, match="unknown optimizer"):
        E.learning_rate_run(optimizer="rmsprop")
    with pytest.raises(ValueError, match="positive"):
        E.learning_rate_run(lr=0)


def test_learning_rate_summary(default_run):
    text = E.learning_rate_summary(default_run)
    first, last = E._epoch_means(default_run)[[0, -1]]
    assert text == (f"SGD, lr 0.1, batch 32: loss {first:.3g} -> {last:.3g} after 30 epochs (300 updates), "
                    "accuracy 0.740")


# ---------------------------------------------------------------------------------------------
# init_signals
# ---------------------------------------------------------------------------------------------


def _signals_with_nnlib_layers(depth, width, activation, init, scale, seed=2, n=500):
    """The same experiment built from nnlib.Dense and activation layers (chapter 5's way)."""
    base = nnlib.init.get_initializer(init)

    def scaled(fan_in, fan_out, rng, dtype=np.float64):
        return scale * base(fan_in, fan_out, rng=rng, dtype=dtype)

    layer_rngs = np.random.default_rng(seed + 1).spawn(depth)  # one generator per layer
    layers = []
    for rng in layer_rngs:
        layers += [nnlib.Dense(width, width, init=scaled, rng=rng), nnlib.layers.make_activation(activation)]
    net = nnlib.Sequential(layers)
    out = np.random.default_rng(seed).standard_normal((n, width))
    acts = []
    for layer in net.layers:
        out = layer.forward(out)
        if not isinstance(layer, nnlib.Dense):
            acts.append(out.std())
    grad = np.random.default_rng(seed + 2).standard_normal(out.shape)
    grads = []
    for layer in reversed(net.layers):
        if isinstance(layer, nnlib.Dense):
            grads.append(grad.std())
        grad = layer.backward(grad)
    return np.array(acts), np.array(grads[::-1])


@pytest.mark.parametrize("activation, init, scale", [("tanh", "xavier_normal", 1.0), ("relu", "he_normal", 1.5),
                                                     ("sigmoid", "normal", 2.0)])
def test_init_signals_match_nnlib_layers(activation, init, scale):
    signals = E.init_signals(depth=6, width=64, activation=activation, init=init, scale=scale)
    act_std, grad_std = _signals_with_nnlib_layers(6, 64, activation, init, scale)
    np.testing.assert_allclose(signals["act_std"], act_std, rtol=1e-10)
    np.testing.assert_allclose(signals["grad_std"], grad_std, rtol=1e-10)


def test_init_signals_show_the_chapter_5_effects():
    small = E.init_signals(activation="tanh", init="normal")
    assert small["act_std"][-1] < 1e-6 and small["grad_std"][0] < 1e-5  # collapse both ways
    he = E.init_signals(activation="relu", init="he_normal")
    assert 0.5 < he["act_std"][-1] / he["act_std"][0] < 2  # He keeps ReLU signals
    xavier = E.init_signals(activation="relu", init="xavier_normal")
    ratios = xavier["act_std"][1:] / xavier["act_std"][:-1]
    np.testing.assert_allclose(ratios, 1 / np.sqrt(2), rtol=0.15)  # Xavier loses sqrt(2) per ReLU layer


def test_init_signals_scale_is_exact_for_a_linear_stack():
    one = E.init_signals(depth=5, width=32, activation="linear", init="lecun_normal", scale=1.0)
    two = E.init_signals(depth=5, width=32, activation="linear", init="lecun_normal", scale=2.0)
    np.testing.assert_allclose(two["act_std"] / one["act_std"], 2.0 ** np.arange(1, 6), rtol=1e-12)


def test_init_signals_keeps_at_most_ten_layers_for_plotting():
    signals = E.init_signals(depth=30, width=16)
    shown = signals["shown"]
    assert len(shown) == 10 and shown[0] == 1 and shown[-1] == 30 and shown == sorted(set(shown))
    for layer, acts, grads in zip(shown, signals["activations"], signals["gradients"]):
        assert acts.std() == signals["act_std"][layer - 1]
        assert grads.std() == signals["grad_std"][layer - 1]
    with pytest.raises(ValueError, match="unknown activation"):
        E.init_signals(activation="softplus")


def test_init_summary():
    signals = E.init_signals(depth=3, width=16, activation="relu", init="he_normal", scale=0.5)
    a, g = signals["act_std"], signals["grad_std"]
    assert E.init_summary(signals) == (
        f"depth 3, width 16, relu, He x 0.50: activation std {a[0]:.3g} (layer 1) -> {a[-1]:.3g} (layer 3); "
        f"gradient dL/dS std {g[0]:.3g} (layer 1) <- {g[-1]:.3g} (layer 3)")


# ---------------------------------------------------------------------------------------------
# dropout
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_statistics(p):
    stats = E.dropout_statistics(p)
    inv_train, inv_test = stats["inverted"]
    van_train, van_test = stats["vanilla, test unscaled"]
    assert inv_train == pytest.approx(inv_test, rel=0.03)  # inverted dropout: means match
    assert van_test / van_train == pytest.approx(1 / (1 - p), rel=0.03)  # forgetting the factor
    assert stats["vanilla, test x (1-p)"][1] == pytest.approx(van_train, rel=0.03)
    assert stats["vanilla, test x (1-p)"][1] == pytest.approx((1 - p) * van_test, rel=1e-12)


def test_dropout_statistics_without_dropout_are_all_equal():
    stats = E.dropout_statistics(0.0)
    values = np.array(list(stats.values()))
    np.testing.assert_allclose(values, values[0, 0], rtol=1e-12)
    with pytest.raises(ValueError, match="probability of dropping"):
        E.dropout_statistics(1.0)


def test_dropout_run_overfits_without_dropout_and_less_with_it():
    plain, dropped = E.dropout_run(p=0.0), E.dropout_run(p=0.5)
    assert plain["reference"] is plain["history"]
    assert dropped["reference"].val_loss == plain["history"].val_loss  # the same reference run
    h = plain["history"]
    assert len(h.loss) == len(h.val_loss) == 150
    assert h.loss[-1] < h.loss[0] / 5  # the training loss keeps falling ...
    assert h.val_loss[-1] > 2 * min(h.val_loss)  # ... while the validation loss turns up
    assert dropped["history"].val_loss[-1] < 0.6 * h.val_loss[-1]
    text = E.dropout_summary(dropped)
    assert text.startswith("p = 0.50: mean activation train/test: inverted ")
    assert f"(without dropout: final {h.val_loss[-1]:.3f})" in text


# ---------------------------------------------------------------------------------------------
# The widgets, without a kernel: set a control's value and the callback runs in this process.
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def widgets():
    widgets = pytest.importorskip("ipywidgets")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    return widgets


def _png(explorer):
    (output,) = explorer.figure.outputs
    data = base64.b64decode(output["data"]["image/png"])
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return data


def _summary(explorer):
    assert explorer.summary.value.startswith("<span>") and explorer.summary.value.endswith("</span>")
    return explorer.summary.value[len("<span>"):-len("</span>")]


def test_learning_rate_explorer_callback(widgets):
    import matplotlib.pyplot as plt

    open_figures = plt.get_fignums()
    explorer = E.learning_rate_explorer()
    assert isinstance(explorer, widgets.VBox)
    # What nbval compares and what shows where widgets cannot run: one fixed, short sentence.
    text_plain = explorer._repr_mimebundle_()["text/plain"]
    expected = "nnlib learning-rate explorer (chapter 4): run this cell in Jupyter to use it"
    assert text_plain == repr(explorer) == expected
    slider = explorer.controls["lr"]
    assert slider.continuous_update is False and explorer.controls["batch_size"].continuous_update is False
    assert _summary(explorer) == E.learning_rate_summary(E.learning_rate_run()).replace(">", "&gt;")
    png_before = _png(explorer)

    seen = []
    explorer.summary.observe(lambda change: seen.append(change["new"]), names="value")
    slider.value = 10 ** (np.log10(slider.value) + slider.step)  # what ArrowRight does in the browser
    assert explorer.wait(60)  # the callback hands the work to a background thread
    assert "SGD, lr 0.178, batch 32:" in _summary(explorer)
    assert seen == ["<span>computing ...</span>", explorer.summary.value]  # one recompute per change
    assert _png(explorer) != png_before

    slider.value = 100.0  # a diverging run shows nnlib's message instead of raising
    assert explorer.wait(60)
    assert "diverged after 2 updates. Training diverged" in _summary(explorer)
    _png(explorer)
    explorer.controls["optimizer"].value = "adam"
    assert explorer.wait(60)
    assert _summary(explorer).startswith("Adam, lr 100, batch 32: diverged")
    assert plt.get_fignums() == open_figures  # nothing left behind for pyplot to show later


def test_init_explorer_callback(widgets):
    explorer = E.init_explorer()
    assert _summary(explorer).startswith("depth 10, width 256, tanh, Xavier x 1.00:")
    png_before = _png(explorer)
    explorer.controls["init"].value = "normal"
    assert explorer.wait(60)
    assert _summary(explorer).startswith("depth 10, width 256, tanh, 0.01 * randn x 1.00:")
    explorer.controls["depth"].value = 4
    explorer.controls["width"].value = 64
    explorer.controls["scale"].value = 2.0
    explorer.controls["activation"].value = "relu"
    assert explorer.wait(60)
    expected = E.init_summary(E.init_signals(depth=4, width=64, activation="relu", init="normal", scale=2.0))
    assert _summary(explorer) == expected.replace("<", "&lt;").replace(">", "&gt;")
    assert _png(explorer) != png_before
    sliders = [c for c in explorer.controls.values() if hasattr(c, "continuous_update")]
    assert len(sliders) == 3 and all(c.continuous_update is False for c in sliders)  # one recompute per step


def test_dropout_explorer_callback(widgets):
    explorer = E.dropout_explorer(epochs=20)
    assert repr(explorer) == "nnlib dropout explorer (chapter 6): run this cell in Jupyter to use it"
    assert _summary(explorer).startswith("p = 0.50:")
    png_before = _png(explorer)
    explorer.controls["p"].value = 0.2
    assert explorer.wait(60)
    assert _summary(explorer).startswith("p = 0.20:")
    assert _png(explorer) != png_before


def _png_description(png):
    """The Description text chunk of a PNG (the explorers write their summary line there)."""
    pos, texts = 8, {}
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        pos += 12 + length
    return texts.get("Description")


def test_fast_moves_collapse_into_one_redraw_of_the_final_value(widgets):
    explorer = E.learning_rate_explorer()
    figures = []
    explorer.figure.observe(lambda change: figures.append(change["new"]), names="outputs")
    slider = explorer.controls["lr"]
    with W._WORK_LOCK:  # hold the drawing back: the moves below arrive while a redraw is in progress
        for _ in range(5):
            slider.value = 10 ** (np.log10(slider.value) + slider.step)
    assert explorer.wait(60)
    final = E.learning_rate_summary(E.learning_rate_run(lr=slider.value))
    assert final.startswith("SGD, lr 1.78, batch 32:")  # five steps of 0.25 in the exponent from 0.1
    assert _summary(explorer) == html.escape(final)
    assert 1 <= len(figures) <= 2  # the one in progress (if it had started) and the latest: not five
    assert _png_description(_png(explorer)) == final  # the figure shown is the final value's


@pytest.mark.parametrize("make, before, final", [
    (E.learning_rate_explorer, [dict(lr=100.0, batch_size=32, optimizer="sgd"),
                                dict(lr=0.01, batch_size=8, optimizer="adam")],
     dict(lr=0.178, batch_size=32, optimizer="sgd")),
    (E.init_explorer, [dict(depth=10, width=64, activation="relu", init="normal", scale=3.0)],
     dict(depth=10, width=256, activation="tanh", init="xavier_normal", scale=1.0)),
    (E.dropout_explorer, [dict(p=0.0), dict(p=0.9)], dict(p=0.25)),
])
def test_a_reused_figure_draws_what_a_new_one_draws(widgets, make, before, final):
    """The explorers change the artists of one figure; nothing of an earlier setting may remain."""
    reused = make()
    for settings in before:  # divergence, no dropout, another scheme: states that hide or add artists
        reused.draw(reused.compute(**settings))
    fresh = make(**final)
    assert reused.draw(reused.compute(**final)) == fresh.draw(fresh.compute(**final))


def test_a_failing_update_is_reported_in_the_summary_line(widgets):
    """The update runs in a thread, where a traceback would be lost: the summary line says it."""
    import ipywidgets

    p = ipywidgets.FloatSlider(value=0.5, min=0.0, max=0.9)
    box = E._make_explorer("test explorer", {"p": p}, lambda p: E.dropout_run(p=p, epochs=3), E.dropout_summary,
                           lambda run: "", cache_size=1)
    assert _summary(box).startswith("p = 0.50:")
    p.max = 1.0
    p.value = 1.0
    assert box.wait(60)
    assert _summary(box).startswith("the explorer failed: ValueError: dropout_run: p is the probability")


@pytest.mark.parametrize("init", ["normal", "lecun_normal", "xavier_normal", "he_normal", "he", "glorot"])
def test_normal_factors_are_the_initializers(init):
    """The explorer's schemes share one stack of standard normals: factor * Z must be, bit for bit,
    what nnlib.init draws (so the explorer shows nnlib's initializers, not an imitation)."""
    for width in [1, 16, 64, 128, 256, 512, 1024]:
        expected = nnlib.init.get_initializer(init)(width, width, rng=np.random.default_rng(5))
        Z = np.random.default_rng(5).standard_normal((width, width))
        factor = E._NORMAL_FACTORS[nnlib.init.get_initializer(init)](width)
        assert np.multiply(Z, factor).tobytes() == expected.tobytes(), (init, width)


def _he_normal_stack(width, depth, seed):
    return [nnlib.init.he_normal(width, width, rng=rng) for rng in np.random.default_rng(seed).spawn(depth)]


def test_layer_generators_are_the_children_of_spawn():
    children = np.random.default_rng(7).spawn(5)
    for layer in (1, 3, 5):
        assert weights.layer_rng(7, layer).random(3).tobytes() == children[layer - 1].random(3).tobytes()


def test_layer_weights_are_shared_between_depths_and_schemes():
    cache = E._LayerWeights()
    three = cache.get("he_normal", 16, 3, seed=7)
    for got, want in zip(three, _he_normal_stack(16, 3, seed=7)):
        assert got.tobytes() == want.tobytes()
    (stack,) = cache.stacks.values()
    cache.get("xavier_normal", 16, 2, seed=7)  # the same standard normals, another factor
    cache.get("he_normal", 16, 2, seed=7)
    assert list(cache.stacks.values()) == [stack] and len(stack) == 3  # nothing new drawn
    uniform = [nnlib.init.he_uniform(16, 16, rng=rng)  # not a factor scheme: its own stack
               for rng in np.random.default_rng(7).spawn(2)]
    for got, want in zip(cache.get("he_uniform", 16, 2, seed=7), uniform):
        assert got.tobytes() == want.tobytes()
    assert len(cache.stacks) == 2


def test_layer_weights_drop_the_narrowest_first_and_draw_them_again_the_same():
    matrix = 16 * 16 * 8
    cache = E._LayerWeights(max_bytes=4 * matrix + 2 * 32 * 32 * 8)
    narrow = cache.get("he_normal", 16, 4, seed=7)
    cache.get("he_normal", 32, 2, seed=7)
    assert cache.nbytes() == cache.max_bytes
    cache.get("he_normal", 32, 3, seed=7)  # one matrix of width 32 more: four of width 16 go
    assert len(cache.stacks[("standard normal", 32, 7)]) == 3
    assert ("standard normal", 16, 7) not in cache.stacks and cache.nbytes() <= cache.max_bytes
    cache = E._LayerWeights(max_bytes=4 * matrix)
    cache.get("he_normal", 16, 4, seed=7)
    cache.get("he_normal", 8, 8, seed=7)  # eight of width 8 take the room of two of width 16
    assert len(cache.stacks[("standard normal", 16, 7)]) == 2
    again = cache.get("he_normal", 16, 4, seed=7)  # drawn again from the same layer generators
    for got, want in zip(again, narrow):
        assert got.tobytes() == want.tobytes()


def test_layer_weights_drawn_by_three_threads_are_those_of_the_layer_generators():
    import threading

    cache = E._LayerWeights()
    cache.THREAD_FROM = 1  # a thread draws ahead even for these small matrices
    weight, factor = cache.layers("he_normal", 64, 40, seed=7)
    helper = threading.Thread(target=lambda: [cache.draw_ahead("he_normal", 64, 40, seed=7) for _ in range(40)])
    helper.start()  # a third thread, as the explorer's drawing ahead
    got = [factor * weight(layer) for layer in range(1, 41)]
    helper.join()
    for layer, (g, want) in enumerate(zip(got, _he_normal_stack(64, 40, seed=7)), start=1):
        assert g.tobytes() == want.tobytes(), layer
    assert not cache.draw_ahead("he_normal", 64, 40, seed=7)  # all there


def test_draw_ahead_fills_only_the_free_memory():
    cache = E._LayerWeights(max_bytes=3 * 16 * 16 * 8)
    cache.get("he_normal", 16, 2, seed=7)
    assert cache.draw_ahead("he_normal", 16, 10, seed=7)
    assert not cache.draw_ahead("he_normal", 16, 10, seed=7)  # full: nothing is dropped for drawing ahead
    assert not cache.draw_ahead("he_normal", 8, 10, seed=7) and len(cache.stacks) == 1


def test_init_signals_do_not_depend_on_what_was_computed_before():
    first = E.init_signals(depth=4, width=32, activation="relu", init="he_normal", scale=1.5)
    E.init_signals(depth=7, width=32, activation="tanh", init="he_normal", scale=0.5)  # shares the weights
    E._LAYER_WEIGHTS.stacks.clear()
    again = E.init_signals(depth=4, width=32, activation="relu", init="he_normal", scale=1.5)
    np.testing.assert_array_equal(first["act_std"], again["act_std"])
    np.testing.assert_array_equal(first["grad_std"], again["grad_std"])


def test_row_histograms_count_like_numpy():
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal((50, 40)), 3 * rng.standard_normal((50, 40)), rng.standard_normal((50, 40))]
    arrays[2][0, :3] = [np.inf, -np.inf, np.nan]  # left out, as overflowed values
    limit, counts, labels = E._row_histograms(arrays, [arrays[0].std(), arrays[1].std(), np.nan])
    finite = [a[np.isfinite(a)] for a in arrays]
    assert limit == max(np.abs(a).max() for a in finite)
    for values, count in zip(finite, counts):
        expected, _ = np.histogram(values, bins=E._HISTOGRAM_BINS, range=(-limit, limit))
        np.testing.assert_array_equal(count, expected)
    assert labels == [f"{a.std():.1e}" for a in finite]
    assert E._row_histograms([np.full(4, np.inf)], [np.nan])[2] == ["overflow"]


def test_dropout_explorer_computes_the_other_slider_values_ahead(widgets):
    import time

    explorer = E.dropout_explorer(epochs=5)
    time.sleep(0.3)
    assert list(explorer.results.items) == [W._settings_key({"p": 0.5})]  # nothing ahead before a move
    explorer.controls["p"].value = 0.55
    assert explorer.wait(60) and _summary(explorer).startswith("p = 0.55:")
    deadline = time.monotonic() + 120
    while len(explorer.results.items) < 19 and time.monotonic() < deadline:
        time.sleep(0.05)
    expected = {W._settings_key({"p": round(0.05 * k, 2)}) for k in range(19)}
    assert set(explorer.results.items) == expected  # every value of the slider, computed once
    explorer.controls["p"].value = 0.9  # ready: drawn from the cache, the same as computed now
    assert explorer.wait(60)
    assert _summary(explorer) == html.escape(E.dropout_summary(E.dropout_run(p=0.9, epochs=5)))


def test_explorer_threads_and_cells_leave_the_blas_threads_as_they_were():
    """A cell and an explorer's thread may both train at once; the one-thread limit that each sets
    while training must not outlive them (threadpoolctl restores what it found when it started)."""
    import threading

    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        return [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    runs = [threading.Thread(target=lambda: [E.learning_rate_run(lr=0.3, epochs=2) for _ in range(4)])
            for _ in range(3)]
    for run in runs:
        run.start()
    E.init_signals(depth=3, width=16)
    for run in runs:
        run.join()
    assert blas_threads() == before


def _wait_for_other_explorers():
    """Let the work ahead of explorers built by earlier tests end (it fills the shared weights)."""
    import threading

    for thread in threading.enumerate():
        if thread.name in ("nnlib-explorer", "nnlib-init-weights"):
            thread.join(120)


def test_init_explorer_draws_the_weights_ahead_in_its_memory_budget(widgets, monkeypatch):
    monkeypatch.setattr(E._LAYER_WEIGHTS, "max_bytes", 40 * 2**20)  # room for a few wide matrices only
    _wait_for_other_explorers()
    E._LAYER_WEIGHTS.stacks.clear()
    explorer = E.init_explorer()  # its first figure needs 10 layers of width 256 (5 MiB)
    assert explorer.wait_settled(120)
    stacks = {key[1]: stack for key, stack in E._LAYER_WEIGHTS.stacks.items()}
    assert len(stacks[1024]) == 4  # widest first: 4 x 8 MiB fit beside the 5 MiB of width 256
    assert 35 * 2**20 < E._LAYER_WEIGHTS.nbytes() <= 40 * 2**20
    assert sorted(stacks[1024].matrices) == [0, 1, 2, 3]  # the first layers
    for k, rng in enumerate(np.random.default_rng(3).spawn(4)):  # init_signals' weight seed
        assert stacks[1024].matrices[k].tobytes() == rng.standard_normal((1024, 1024)).tobytes()
    explorer.close()


def _slow_work_explorer(steps, shown, prepared):
    """An explorer with one slider whose work ahead is ``steps`` pieces of 20 ms each."""
    import time

    import ipywidgets

    def prepare(values):
        prepared.append(values["x"])
        for _ in range(steps):
            time.sleep(0.02)
            shown["pieces"] += 1
            yield

    def draw(result):
        shown.setdefault("pieces at each figure", []).append(shown["pieces"])
        return ""

    x = ipywidgets.IntSlider(value=0, min=0, max=10)
    return E._make_explorer("test explorer", {"x": x}, lambda x: x, str, draw, cache_size=2, prepare=prepare)


def test_a_slider_move_preempts_the_work_ahead(widgets):
    import time

    shown, prepared = {"pieces": 0}, []
    box = _slow_work_explorer(500, shown, prepared)  # 10 s of work ahead
    deadline = time.monotonic() + 30
    while shown["pieces"] < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    box.controls["x"].value = 7
    assert box.wait(30)
    first, second = shown["pieces at each figure"]
    assert first == 0 and second < 250  # drawn after the piece in progress, not after all 500
    assert prepared == [0, 7]  # the work ahead starts again from the new value
    box.close()
    assert box.wait_settled(5)
    done = shown["pieces"]
    time.sleep(0.1)
    assert shown["pieces"] == done < 1000  # stopped after the piece in progress


def test_a_closed_explorer_leaves_no_thread_and_is_collected(widgets):
    import gc
    import weakref

    shown, prepared = {"pieces": 0}, []
    box = _slow_work_explorer(10_000, shown, prepared)
    box.controls["x"].value = 3
    assert box.wait(30)
    box.close()
    assert box.wait_settled(5)
    assert box._worker.thread is None
    for child in box.children:
        child.close()
    ref = weakref.ref(box)
    del box
    gc.collect()
    assert ref() is None  # the thread held nothing that keeps the explorer alive
