"""Sheet 5 (chapter 5), second part: per-layer statistics of a deep net, and batch normalization.
The checkers are registered in ex05_init.py, the sheet's own module.

The references are written here, from the chapter's formulas; the batch-norm ones are compared
with :class:`nnlib.BatchNorm` in tests/grading/ (the same momentum convention, the biased batch
variance, ``eps`` inside the square root).
"""

import numpy as np

from ..layers import BatchNorm
from .common import _F32, _rng

_ACTIVATIONS = {"relu": lambda s: np.maximum(s, 0.0), "tanh": np.tanh, "linear": lambda s: s}


# ---------------------------------------------------------------------------------------------
# layer_stats
# ---------------------------------------------------------------------------------------------


def _layer_stats_ref(X, weights, activation, pre=False, ddof=0, square=False, per_feature=False,
                     chain=True, act_first=False):
    """The reference and, with its options, the usual mistakes: statistics of the
    pre-activations, the variance for the std, N - 1, per-feature stds averaged, every layer
    fed X instead of the layer below, the activation applied before the product."""
    f = _ACTIVATIONS[activation]
    H, means, stds = X, [], []
    for W in weights:
        source = H if chain else X
        S = f(source) @ W if act_first else source @ W
        H = S if act_first else f(S)
        A = S if pre else H
        means.append(A.mean())
        std = A.std(axis=0, ddof=ddof).mean() if per_feature else A.std(ddof=ddof)
        stds.append(std ** 2 if square else std)
    return np.array(means), np.array(stds)


def _stats_variants(X, weights, activation, which):
    i = 0 if which == "means" else 1
    named = [
        (dict(pre=True), "These are the statistics of the pre-activations S = H @ W; the exercise "
                         "asks for the activations H = f(S), after the activation function."),
        (dict(square=True), "These are variances: the standard deviation is their square root "
                            "(np.std, or np.sqrt of the variance)."),
        (dict(ddof=1), "You divided by N*width - 1 (ddof=1): use np.std with its default ddof=0, "
                       "the spread of these very numbers."),
        (dict(per_feature=True), "You averaged the std of each unit (axis=0); take the std over "
                                 "every entry of H at once, H.std(), as the chapter does."),
        (dict(chain=False), "Every layer got X as its input: layer l must be fed the activations "
                            "of layer l - 1 (H = f(H @ W) in the loop)."),
        (dict(act_first=True), "The activation came before the product: each layer computes "
                               "S = H @ W first, then H = f(S)."),
    ]
    out = [(lambda kw=kw: _layer_stats_ref(X, weights, activation, **kw)[i], hint)
           for kw, hint in named]
    for other in _ACTIVATIONS:
        if other != activation:
            out.append((lambda other=other: _layer_stats_ref(X, weights, other)[i],
                        f"These are the statistics of a network with {other}, not {activation}: "
                        "apply the activation that the argument `activation` names."))
    return out


def _check_stats_case(t, X, weights, activation, **tols):
    L = len(weights)
    got = t.call(X, weights, activation)
    means, stds = t.tuple_of(got, 2, f"layer_stats(X, weights, {activation!r})", ("means", "stds"))
    shape_hints = {(L + 1,): "The result has one entry too many: the statistics of the input X "
                             "are not asked for, only those of the L layers' activations.",
                   (): "Return one number per layer: collect each layer's mean (and std) in a "
                       "list inside the loop, then np.array(...) of it."}
    if isinstance(means, (list, tuple)):
        means = np.array(means, dtype=np.float64)
    if isinstance(stds, (list, tuple)):
        stds = np.array(stds, dtype=np.float64)
    ref_means, ref_stds = _layer_stats_ref(X, weights, activation)
    swapped = [(ref_means, "Return the two arrays in the order (means, stds).")]
    t.array(stds, ref_stds, "stds", variants=swapped + _stats_variants(X, weights, activation, "stds"),
            shape_hints=shape_hints, **tols)
    t.array(means, ref_means, "means", variants=_stats_variants(X, weights, activation, "means"),
            shape_hints=shape_hints, **tols)


def check_layer_stats(t):
    X = np.array([[1.0, -1.0], [2.0, -2.0]])
    weights = [np.eye(2), np.array([[1.0, 1.0], [0.0, 1.0]])]
    t.case("worked by hand: X = [[1, -1], [2, -2]], W1 = I, W2 = [[1, 1], [0, 1]], relu "
           "-> means [0.75, 1.5], stds [0.8292, 0.5]", X=X, weights=weights, activation="relu")
    _check_stats_case(t, X, weights, "relu")

    r = _rng(60)
    widths = [8, 16, 4, 12]
    X = r.standard_normal((50, 8))
    weights = [r.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]
    t.case("tanh, widths 8 -> 16 -> 4 -> 12 (not square), 50 samples", X=X, weights=weights,
           activation="tanh")
    _check_stats_case(t, X, weights, "tanh")

    t.case("the same net with relu", X=X, weights=weights, activation="relu")
    _check_stats_case(t, X, weights, "relu")

    X = r.standard_normal((30, 20))
    weights = [0.01 * r.standard_normal((20, 20)) for _ in range(12)]
    t.case("linear, 12 layers of 0.01 * randn: the signal collapses to about 1e-16, and every "
           "tiny std must still be right to 6 digits", X=X, weights=weights, activation="linear")
    _check_stats_case(t, X, weights, "linear", atol=0.0)

    X32 = r.standard_normal((40, 10)).astype(np.float32)
    weights32 = [(r.standard_normal((10, 10)) / np.sqrt(10)).astype(np.float32) for _ in range(3)]
    t.case("float32 inputs, tanh", X=X32, weights=weights32, activation="tanh")
    _check_stats_case(t, X32, weights32, "tanh", **_F32)

    X = r.standard_normal((1, 6))
    weights = [r.standard_normal((6, 5)), r.standard_normal((5, 3))]
    t.case("a batch of one sample", X=X, weights=weights, activation="relu")
    _check_stats_case(t, X, weights, "relu")


# ---------------------------------------------------------------------------------------------
# batchnorm_forward
# ---------------------------------------------------------------------------------------------


def _bn_ref(x, gamma, beta, mode, running_mean, running_var, momentum=0.9, eps=1e-5, ddof=0,
            eps_outside=False, naive_var=False, use_running=False, use_batch=False):
    """Reference forward (and mistakes, by option). Returns (out, new_mean, new_var, mean, var)."""
    if mode == "train" and not use_running:
        mean = x.mean(axis=0)
        var = (np.mean(x * x, axis=0) - mean ** 2) if naive_var else x.var(axis=0, ddof=ddof)
    elif use_batch:
        mean, var = x.mean(axis=0), x.var(axis=0)
    else:
        mean, var = running_mean, running_var
    if mode == "train":
        batch_mean, batch_var = x.mean(axis=0), x.var(axis=0, ddof=ddof)
        new_mean = momentum * running_mean + (1 - momentum) * batch_mean
        new_var = momentum * running_var + (1 - momentum) * batch_var
    else:
        new_mean, new_var = running_mean, running_var
    scale = 1 / (np.sqrt(var) + eps) if eps_outside else 1 / np.sqrt(var + eps)
    return gamma * ((x - mean) * scale) + beta, new_mean, new_var, mean, var


def _forward_variants(x, gamma, beta, mode, rm, rv, momentum, eps):
    base = dict(x=x, gamma=gamma, beta=beta, mode=mode, running_mean=rm, running_var=rv,
                momentum=momentum, eps=eps)
    named = [
        (dict(ddof=1), "You used the unbiased variance (dividing by N - 1). Batch norm "
                       "normalizes with the variance of the batch itself, x.var(axis=0), "
                       "dividing by N."),
        (dict(eps_outside=True), "eps belongs inside the square root: "
                                 "(x - mean) / np.sqrt(var + eps)."),
        (dict(eps=0.0), "Did you forget the eps? Normalize with np.sqrt(var + eps): it "
                        "matters when a feature's variance is small."),
        (dict(naive_var=True), "The variance was computed as mean(x**2) - mean**2, which "
                               "loses every digit when the values are large (1e8 here): "
                               "compute it as np.mean((x - mean)**2, axis=0) or x.var(axis=0)."),
        (dict(use_running=True), "In training mode normalize with the batch's own mean and "
                                 "variance, not with the running averages."),
        (dict(use_batch=True), "In test mode normalize with running_mean and running_var, "
                               "not with the statistics of the batch (a batch may be a single "
                               "sample)."),
    ]
    wrong_mode = "use_batch" if mode == "train" else "use_running"  # options that do nothing here
    out = [(lambda kw=kw: _bn_ref(**{**base, **kw})[0], hint) for kw, hint in named
           if wrong_mode not in kw]
    out.append((lambda: gamma * (x - x.mean(axis=1, keepdims=True))
                / np.sqrt(x.var(axis=1, keepdims=True) + eps) + beta,
                "You normalized each sample (axis=1); batch norm normalizes each feature over "
                "the batch: mean and var with axis=0."))
    out.append((lambda: (x - _bn_ref(**base)[3]) / np.sqrt(_bn_ref(**base)[4] + eps),
                "gamma and beta are missing: out = gamma * xhat + beta."))
    out.append((lambda: gamma * x + beta, "x was not normalized: subtract the mean and divide "
                                          "by sqrt(var + eps) before scaling by gamma."))
    return out


def _check_forward(t, x, gamma, beta, mode, rm, rv, momentum=None, eps=None, **tols):
    kwargs = {k: v for k, v in (("momentum", momentum), ("eps", eps)) if v is not None}
    m = 0.9 if momentum is None else momentum
    e = 1e-5 if eps is None else eps
    rm_before, rv_before = rm.copy(), rv.copy()
    ref_out, ref_mean, ref_var, used_mean, used_var = _bn_ref(x, gamma, beta, mode, rm_before,
                                                              rv_before, m, e)
    got = t.call(x, gamma, beta, mode, rm, rv, **kwargs)
    out, cache = t.tuple_of(got, 2, f"batchnorm_forward(x, gamma, beta, {mode!r}, ...)",
                            ("out", "cache"))
    t.array(out, ref_out, "out", variants=_forward_variants(x, gamma, beta, mode, rm_before,
                                                            rv_before, m, e), **tols,
            finite_hint="A constant feature has variance 0: divide by np.sqrt(var + eps), not by "
                        "np.sqrt(var).")
    if mode == "test":
        if not (np.array_equal(rm, rm_before) and np.array_equal(rv, rv_before)):
            t.fail("in test mode running_mean or running_var changed.",
                   hint="Update the running statistics in training mode only: test mode reads "
                        "them and leaves them alone.")
    else:
        _check_running(t, rm, rv, rm_before, rv_before, ref_mean, ref_var, x, m)
    _check_cache(t, cache, x, gamma, used_mean, used_var, e, mode, tols)
    return out


def _check_running(t, rm, rv, rm_before, rv_before, ref_mean, ref_var, x, m):
    if np.array_equal(rm, rm_before) and np.array_equal(rv, rv_before):
        t.fail("running_mean and running_var are unchanged after a training-mode call.",
               hint="Update them in place, so that the caller's arrays change: "
                    "running_mean[...] = momentum * running_mean + (1 - momentum) * mean (or *= "
                    "and +=). `running_mean = ...` only rebinds a local name.")
    for name, now, before in (("running_mean", rm, rm_before), ("running_var", rv, rv_before)):
        if np.array_equal(now, before):
            t.fail(f"{name} is unchanged after a training-mode call (the other one changed).",
                   hint=f"Update {name} in place too: {name}[...] = momentum * {name} + (1 - momentum) "
                        f"* batch value. `{name} = ...` only rebinds a local name.")
    swapped_mean = (1 - m) * rm_before + m * x.mean(axis=0)
    t.array(rm, ref_mean, "running_mean after the call", variants=[
        (swapped_mean, "momentum is the weight of the old running value: running_mean = momentum "
                       "* running_mean + (1 - momentum) * batch mean."),
        (x.mean(axis=0), "running_mean was replaced by the batch mean: blend it in, momentum * "
                         "running_mean + (1 - momentum) * mean.")])
    batch_var = x.var(axis=0)
    t.array(rv, ref_var, "running_var after the call", variants=[
        ((1 - m) * rv_before + m * batch_var, "momentum is the weight of the old running value: "
                                             "running_var = momentum * running_var + (1 - "
                                             "momentum) * batch var."),
        (m * rv_before + (1 - m) * x.var(axis=0, ddof=1), "running_var blends in the unbiased "
                                                           "variance; use the batch variance the "
                                                           "layer normalized with, x.var(axis=0)."),
        (m * rv_before + (1 - m) * np.sqrt(batch_var), "running_var blends in the standard "
                                                       "deviation; it must be the variance."),
        (batch_var, "running_var was replaced by the batch variance: blend it in with momentum.")])


def _check_cache(t, cache, x, gamma, mean, var, eps, mode, tols):
    names = ("x", "xhat", "gamma", "mean", "var", "eps")
    parts = t.tuple_of(cache, 6, "cache", names)
    expected = (x, (x - mean) / np.sqrt(var + eps), gamma, mean, var, eps)
    for name, got, exp in zip(names, parts, expected):
        if name == "eps":
            value = np.asarray(got)
            # float32 storage of eps rounds it by about 3e-8 of its size: that is the same eps.
            if value.shape != () or not np.issubdtype(value.dtype, np.number) or \
                    abs(float(value) - eps) > 1e-6 * max(abs(eps), 1e-30):
                t.fail(f"cache[5] (eps) is {got!r}, expected {eps}.",
                       hint="The cache is the tuple (x, xhat, gamma, mean, var, eps): the last entry "
                            "is the single number eps the layer normalized with.")
            continue
        # The standard deviation first: in the hand-worked case it happens to equal gamma.
        t.array(got, exp, f"cache[{names.index(name)}] ({name})", **tols,
                variants=([(np.sqrt(var), "cache[4] holds the standard deviation: store the variance "
                                          "var (the backward pass takes its square root with eps).")]
                          if name == "var" else [])
                + [(exp_other, f"The cache is in the wrong order: it is the tuple "
                               f"(x, xhat, gamma, mean, var, eps); this looks like {other}.")
                   for other, exp_other in zip(names[:5], expected[:5]) if other != name]
                + ([(x.var(axis=0, ddof=1), "The cache's var must be the variance used to "
                                            "normalize, the batch's, dividing by N.")]
                   if mode == "train" and name == "var" else []))


def check_batchnorm_forward(t):
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    gamma, beta = np.array([1.0, 2.0]), np.array([0.0, 1.0])
    t.case("training mode, worked by hand with eps=0: mean [2, 4], var [1, 4], out [[-1, -1], "
           "[1, 3]]; running_mean [0, 0] -> [0.2, 0.4], running_var [1, 1] -> [1, 1.3]",
           x=x, gamma=gamma, beta=beta, mode="train", eps=0.0)
    _check_forward(t, x, gamma, beta, "train", np.zeros(2), np.ones(2), eps=0.0)

    x = np.array([[3.0, -1.0], [1.0, 0.0]])
    rm, rv = np.array([1.0, -1.0]), np.array([4.0, 0.25])
    t.case("test mode, worked by hand with eps=0: running_mean [1, -1], running_var [4, 0.25] "
           "-> out [[1, 1], [0, 5]]; the running statistics stay as they are",
           x=x, gamma=gamma, beta=beta, mode="test", running_mean=rm, running_var=rv, eps=0.0)
    _check_forward(t, x, gamma, beta, "test", rm, rv, eps=0.0)

    r = _rng(61)
    x1 = r.normal(2.0, 3.0, size=(1, 4))
    rm, rv = r.normal(size=4), r.uniform(0.5, 2.0, size=4)
    gamma, beta = r.uniform(0.5, 2.0, size=4), r.normal(size=4)
    t.case("test mode, a batch of one sample: normalized with the running statistics",
           x=x1, gamma=gamma, beta=beta, mode="test", running_mean=rm, running_var=rv)
    _check_forward(t, x1, gamma, beta, "test", rm, rv)

    # Three training steps and a test step against nnlib.BatchNorm (default momentum and eps).
    layer = BatchNorm(4)
    layer.gamma[...], layer.beta[...] = gamma, beta
    rm, rv = np.zeros(4), np.ones(4)
    for step in range(3):
        x = r.normal(loc=[0.0, 5.0, -2.0, 1.0], scale=[1.0, 2.0, 0.5, 4.0], size=(16, 4))
        t.case(f"training step {step + 1} of 3 on batches of 16, default momentum and eps, "
               "against nnlib.BatchNorm", x=x, gamma=gamma, beta=beta, mode="train",
               running_mean=rm, running_var=rv)
        _check_forward(t, x, gamma, beta, "train", rm, rv)
        layer.forward(x, train=True)
        t.array(rm, layer.running_mean, "running_mean after the step")
        t.array(rv, layer.running_var, "running_var after the step")
    x = r.normal(size=(5, 4))
    t.case("then test mode on 5 samples, against nnlib.BatchNorm(train=False)", x=x,
           gamma=gamma, beta=beta, mode="test", running_mean=rm, running_var=rv)
    out = _check_forward(t, x, gamma, beta, "test", rm, rv)
    expected = layer.forward(x, train=False)
    t.array(out, expected, "out")

    x = r.normal(size=(8, 3))
    x[:, 1] = 7.0                              # a constant feature: variance 0
    x[:, 2] = 1.0 + 1e-3 * r.normal(size=8)    # variance about 1e-6, close to eps
    gamma, beta = np.array([1.0, 2.0, 1.5]), np.array([0.0, 0.5, -1.0])
    t.case("eps matters: a constant feature (variance 0) and one with variance about 1e-6, "
           "momentum=0.5", x=x, gamma=gamma, beta=beta, mode="train", momentum=0.5)
    _check_forward(t, x, gamma, beta, "train", np.zeros(3), np.ones(3), momentum=0.5)

    x = 1e8 + r.normal(size=(32, 3)) * np.array([1.0, 3.0, 0.5])
    gamma, beta = np.ones(3), np.zeros(3)
    t.case("huge values: x about 1e8 with a spread of about 1", x=x, gamma=gamma, beta=beta,
           mode="train")
    # The mean of numbers near 1e8 is itself uncertain by about 1e-8, whatever the order of the
    # sum, so xhat can only be asked to about 1e-6; mean(x**2) - mean**2 is off by about 1.
    _check_forward(t, x, gamma, beta, "train", np.zeros(3), np.ones(3), atol=1e-6)

    x = r.normal(1.0, 2.0, size=(10, 3)).astype(np.float32)
    gamma, beta = np.float32([0.5, 1.0, 2.0]), np.float32([0.0, -1.0, 1.0])
    rm, rv = np.zeros(3, dtype=np.float32), np.ones(3, dtype=np.float32)
    t.case("float32 inputs, training mode", x=x, gamma=gamma, beta=beta, mode="train",
           running_mean=rm, running_var=rv)
    _check_forward(t, x, gamma, beta, "train", rm, rv, **_F32)


# ---------------------------------------------------------------------------------------------
# batchnorm_backward
# ---------------------------------------------------------------------------------------------


def _make_cache(x, gamma, eps=1e-5):
    mean, var = x.mean(axis=0), x.var(axis=0)
    return (x, (x - mean) / np.sqrt(var + eps), gamma, mean, var, eps)


def _bn_backward_ref(dout, cache, mean_term=True, xhat_term=True, use_gamma=True, eps=None,
                     dbeta_mean=False, dgamma_x=False, ddof=0):
    x, xhat, gamma, mean, var, e = cache
    e = e if eps is None else eps
    n = dout.shape[0]
    dbeta = dout.mean(axis=0) if dbeta_mean else dout.sum(axis=0)
    dgamma = (dout * (x if dgamma_x else xhat)).sum(axis=0)
    dxhat = dout * gamma if use_gamma else dout
    inv_std = 1 / np.sqrt((x.var(axis=0, ddof=ddof) if ddof else var) + e)
    dx = n * dxhat
    if mean_term:
        dx = dx - dxhat.sum(axis=0)
    if xhat_term:
        dx = dx - xhat * (dxhat * xhat).sum(axis=0)
    return dx * inv_std / n, dgamma, dbeta


def _check_backward(t, dout, cache, undone=None, **tols):
    """``undone``: in the hand-worked cases dout is a change the normalization undoes (a shift
    or a stretch), so dx must be 0, and only one of the two terms shows: its hint."""
    got = t.call(dout, cache)
    dx, dgamma, dbeta = t.tuple_of(got, 3, "batchnorm_backward(dout, cache)",
                                   ("dx", "dgamma", "dbeta"))
    ref = _bn_backward_ref(dout, cache)
    n = dout.shape[0]
    if not np.allclose(ref[1], ref[2]) and all(np.shape(g) == np.shape(e) and np.allclose(g, e)
                                               for g, e in ((dgamma, ref[2]), (dbeta, ref[1]))):
        t.fail("dgamma and dbeta are swapped.",
               hint="Return them in the order (dx, dgamma, dbeta): dgamma = sum(dout * xhat, axis=0), "
                    "dbeta = sum(dout, axis=0).")
    axis_hints = {(n,): "This has one value per sample: sum over the batch, axis=0, to get one "
                        "value per feature.",
                  (): "This is a single number: sum over the batch only, axis=0, to get one "
                      "value per feature (shape (D,))."}
    t.array(dbeta, ref[2], "dbeta", shape_hints=axis_hints, **tols, variants=[
        (_bn_backward_ref(dout, cache, dbeta_mean=True)[2],
         "dbeta is the sum of dout over the batch, not its mean: every sample's output used beta.")])
    t.array(dgamma, ref[1], "dgamma", shape_hints=axis_hints, **tols, variants=[
        (_bn_backward_ref(dout, cache, dgamma_x=True)[1],
         "dgamma = sum(dout * xhat, axis=0), with the normalized xhat, not x.")])
    named = [
        (dict(mean_term=False, xhat_term=False),
         "dx = dxhat * inv_std forgets that the batch mean and variance depend on x too: "
         "subtract the mean of dxhat and the component along xhat, dx = inv_std / N * "
         "(N * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat))."),
        (dict(mean_term=False), "The term from the batch mean is missing: subtract "
                                "sum(dxhat, axis=0)."),
        (dict(xhat_term=False), "The term from the batch variance is missing: subtract "
                                "xhat * sum(dxhat * xhat, axis=0)."),
        (dict(use_gamma=False), "gamma is missing: the gradient reaching xhat is "
                                "dxhat = dout * gamma."),
        (dict(eps=0.0), "Did you forget the eps? inv_std = 1 / np.sqrt(var + eps), as in the "
                        "forward pass."),
        (dict(ddof=1), "The variance divides by N (the batch's own variance), not N - 1."),
    ]
    if undone is not None:
        named = [(dict(mean_term=False, xhat_term=False), undone)] + named[3:]
    variants = [(lambda kw=kw: _bn_backward_ref(dout, cache, **kw)[0], hint) for kw, hint in named]
    t.array(dx, ref[0], "dx", variants=variants, **tols,
            finite_hint="inv_std = 1 / np.sqrt(var + eps): without eps a constant feature gives "
                        "a division by zero.")


def check_batchnorm_backward(t):
    # The cases describe the cache by what made it: _make_cache(x, gamma, eps).
    x = np.array([[0.0, 1.0], [1.0, 3.0], [2.0, 2.0], [5.0, 6.0]])
    gamma = np.array([2.0, 0.5])
    cache = _make_cache(x, gamma, eps=0.0)
    dout = np.ones((4, 2))
    t.case("worked by hand, eps=0: dout all ones shifts every output equally, which the "
           "normalization undoes: dx = 0, dgamma = sum(xhat) = 0, dbeta = N = 4",
           dout=dout, x=cache[0], gamma=cache[2], eps=cache[5])
    _check_backward(t, dout, cache, undone=(
        "dx should be 0 here: dout all ones moves every output of a feature by the same amount, "
        "and the normalization takes that shift out again. The term from the batch mean, "
        "-sum(dxhat, axis=0), cancels it: dx = inv_std / N * (N * dxhat - sum(dxhat) - xhat * "
        "sum(dxhat * xhat))."))
    dout = cache[1].copy()
    t.case("worked by hand, eps=0: dout = xhat stretches the outputs about their mean, which the "
           "normalization undoes too: dx = 0, dgamma = sum(xhat**2) = N = 4, dbeta = 0",
           dout=dout, x=cache[0], gamma=cache[2], eps=cache[5])
    _check_backward(t, dout, cache, undone=(
        "dx should be 0 here: dout = xhat stretches every feature's outputs about their mean, "
        "and the normalization takes the stretch out again. The term from the batch variance, "
        "-xhat * sum(dxhat * xhat, axis=0), cancels it: dx = inv_std / N * (N * dxhat - "
        "sum(dxhat) - xhat * sum(dxhat * xhat))."))

    r = _rng(62)
    for n, d in [(5, 3), (3, 7)]:
        x = r.normal(1.0, 2.0, size=(n, d))
        cache = _make_cache(x, r.uniform(0.5, 2.0, size=d))
        dout = r.normal(size=(n, d))
        t.case(f"random batch of {n} with {d} features (N != D), against the compact formula",
               dout=dout, x=cache[0], gamma=cache[2], eps=cache[5])
        _check_backward(t, dout, cache)

    x = r.normal(size=(1, 4))
    cache = _make_cache(x, r.uniform(0.5, 2.0, size=4))
    dout = r.normal(size=(1, 4))
    t.case("a batch of one: every output is beta whatever x is, so dx = 0 and dgamma = 0",
           dout=dout, x=cache[0], gamma=cache[2], eps=cache[5])
    _check_backward(t, dout, cache)

    x = r.normal(size=(8, 3))
    x[:, 1] = 7.0
    x[:, 2] = 1.0 + 1e-3 * r.normal(size=8)
    cache = _make_cache(x, np.array([1.0, 2.0, 1.5]))
    dout = r.normal(size=(8, 3))
    t.case("eps matters: a constant feature and one with variance about 1e-6", dout=dout,
           x=cache[0], gamma=cache[2], eps=cache[5])
    _check_backward(t, dout, cache)

    x = 1e8 + r.normal(size=(16, 3))
    cache = _make_cache(x, np.ones(3))
    dout = r.normal(size=(16, 3))
    t.case("huge values: x about 1e8 with a spread of about 1", dout=dout, x=cache[0], gamma=cache[2], eps=cache[5])
    _check_backward(t, dout, cache, atol=1e-6)  # a mean recomputed from x: see the forward check

    x = r.normal(1.0, 2.0, size=(6, 3)).astype(np.float32)
    cache = _make_cache(x, np.float32([0.5, 1.0, 2.0]))
    dout = r.normal(size=(6, 3)).astype(np.float32)
    t.case("float32 inputs", dout=dout, x=cache[0], gamma=cache[2], eps=cache[5])
    _check_backward(t, dout, cache, **_F32)
