"""What the pipeline exercises share: a network's params checked for shape, a pipeline run on the
grader's split, its standardization compared with the training statistics, and the leak test
(the same training rows and seed with other test rows: nothing fitted may change)."""

import numpy as np

from .. import data
from .common import _rng

KEYS = ("W1", "b1", "W2", "b2")


def _shapes(D, H, C):
    return {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}


def _forward_scores(params, X):
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    return h @ params["W2"] + params["b2"]


def _reference_predict(params, X):
    return np.argmax(_forward_scores(params, X), axis=1)


def _check_params(t, params, D, H, C, what):
    """Fail unless ``params`` is a dict W1, b1, W2, b2 of float arrays with the right shapes."""
    if params is None:
        t.fail(f"{what} is None.", hint="Is the `return` statement missing?")
    if not isinstance(params, dict):
        t.fail(f"{what} should be a dict with the keys W1, b1, W2, b2, got "
               f"{type(params).__name__}.",
               hint='Return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, the dict two_layer_net '
                    "takes.")
    if set(params) != set(KEYS):
        t.fail(f"{what} has the keys {sorted(params)}, expected W1, b1, W2, b2.",
               hint="Use exactly the keys two_layer_net reads: W1, b1, W2, b2.")
    for key, shape in _shapes(D, H, C).items():
        arr = t.is_array(params[key], f'{what}["{key}"]', shape)
        if arr.shape != shape:
            hint = None
            if arr.shape == shape[::-1] and arr.ndim == 2:
                hint = ("Row-major layers: W has shape (fan_in, fan_out), so W1 is (D, H) and "
                        "W2 is (H, C).")
            elif key.startswith("b") and arr.shape in ((1,) + shape, shape + (1,)):
                hint = "The biases are vectors: np.zeros(H) and np.zeros(C), not 2-D arrays."
            t.fail(f'{what}["{key}"] has shape {arr.shape}, expected {shape} '
                   f"(D = {D}, H = {H}, C = {C}).", hint=hint)
    return {k: np.asarray(params[k], dtype=np.float64) for k in KEYS}


def _pipeline_outputs(t, out, D, name):
    acc, params, mean, std = t.tuple_of(out, 4, f"{name}(...)", ("accuracy", "params", "mean",
                                                                  "std"))
    if not isinstance(params, dict) or "W1" not in params:
        t.fail("the second item should be the trained params dict (W1, b1, W2, b2).",
               hint="Return (accuracy, params, mean, std) in this order.")
    W1 = np.asarray(params["W1"])
    H = W1.shape[1] if W1.ndim == 2 else 0
    C = np.asarray(params.get("b2", np.zeros(0))).reshape(-1).size
    p = _check_params(t, params, D, H, C, "params")
    mean = t.is_array(mean, "mean", (D,))
    std = t.is_array(std, "std", (D,))
    for arr, what in ((mean, "mean"), (std, "std")):
        if arr.shape != (D,):
            t.fail(f"{what} has shape {arr.shape}, expected ({D},), one value per feature.",
                   hint="Take the statistics over the samples, axis=0: "
                        "X_train.mean(axis=0), X_train.std(axis=0).")
    t.scalar(acc, 0.5, "accuracy", rtol=0, atol=np.inf)  # a single finite number
    return float(acc), p, mean.astype(np.float64), std.astype(np.float64)


def _check_statistics(t, mean, std, X_train, X_test):
    mean_e = X_train.mean(axis=0)
    if not np.allclose(mean, mean_e, rtol=1e-9, atol=1e-9):
        hint = None
        both = np.concatenate([X_train, X_test])
        if np.allclose(mean, both.mean(axis=0), rtol=1e-9, atol=1e-9):
            hint = ("These are the statistics of the training and test rows together: a leak. "
                    "Fit the standardization on X_train only and apply it to X_test unchanged.")
        elif np.allclose(mean, X_test.mean(axis=0), rtol=1e-9, atol=1e-9):
            hint = ("That is the test set's own mean: the test set must be shifted and scaled "
                    "with the training statistics, mean = X_train.mean(axis=0).")
        elif np.allclose(mean, X_train.mean(axis=1).mean(), rtol=1e-9):
            hint = "One mean per feature (column): X_train.mean(axis=0)."
        t.fail("mean is not the per-feature mean of X_train.", hint=hint,
               details=[f"expected: {np.array2string(mean_e, precision=4)}",
                        f"got:      {np.array2string(mean, precision=4)}"])
    raw0, raw1 = X_train.std(axis=0), X_train.std(axis=0, ddof=1)
    constant = raw0 == 0
    ok = np.zeros(len(std), dtype=bool)
    for raw in (raw0, raw1):
        ok |= np.isclose(std, raw, rtol=1e-6, atol=1e-12) & ~constant
    ok |= constant & (std == 1)
    if not np.all(ok):
        if np.any(constant & ((std == 0) | ~np.isfinite(std))):
            hint = ("Some features are constant in the training set (std 0); dividing by 0 gives "
                    "NaN or inf. Replace those stds by 1: np.where(std > 0, std, 1.0).")
        elif np.any(constant & (std != 1)) and np.all(ok | constant):
            hint = ("For a feature that is constant in the training set, use std = 1 (so it is "
                    "centred but not scaled): np.where(std > 0, std, 1.0). A tiny epsilon "
                    "instead blows up the test rows where that feature is not constant.")
        else:
            both = np.concatenate([X_train, X_test]).std(axis=0)
            hint = ("These are the statistics of the training and test rows together: a leak. "
                    "Use X_train.std(axis=0)." if np.allclose(std, both, rtol=1e-6) else
                    "std is X_train.std(axis=0), one value per feature.")
        t.fail("std is not the per-feature standard deviation of X_train.", hint=hint)


def _check_pipeline(t, name, X, y, split_seed, test_size, threshold, run_seed):
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_size=test_size, rng=split_seed,
                                               stratify=True)
    D = X.shape[1]
    majority = np.bincount(ytr).argmax()
    zero_rule = float(np.mean(yte == majority))
    t.case(f"the grader's split: {len(ytr)} training and {len(yte)} test rows",
           X_train=Xtr, y_train=ytr, X_test=Xte, y_test=yte)
    out = t.call(Xtr.copy(), ytr.copy(), Xte.copy(), yte.copy(), _rng(run_seed))
    acc, p, mean, std = _pipeline_outputs(t, out, D, name)
    _check_statistics(t, mean, std, Xtr, Xte)
    X_te_s = (Xte - mean) / std
    acc_e = float(np.mean(_reference_predict(p, X_te_s) == yte))
    if abs(acc - acc_e) > 1e-9:
        acc_train = float(np.mean(_reference_predict(p, (Xtr - mean) / std) == ytr))
        hint = None
        if abs(acc - 100 * acc_e) < 1e-6:
            hint = "Return the accuracy as a fraction (0.95), not as a percentage (95)."
        elif abs(acc - acc_train) < 1e-9:
            hint = "That is the training accuracy: evaluate on X_test (standardized), y_test."
        elif abs(acc - np.sum(_reference_predict(p, X_te_s) == yte)) < 1e-9:
            hint = "That is the number of correct test rows: divide by len(y_test) (np.mean)."
        elif abs(acc - float(np.mean(_reference_predict(p, Xte) == yte))) < 1e-9:
            hint = ("The test rows were not standardized before predicting: apply "
                    "(X_test - mean) / std with the training mean and std.")
        t.fail(f"the returned accuracy {acc:.4f} is not the accuracy of the returned params on "
               f"the standardized test rows, {acc_e:.4f}.", hint=hint)
    if acc < threshold:
        t.fail(f"test accuracy {acc:.1%}, expected at least {threshold:.0%} (the zero rule, "
               f"always answering the training set's most frequent class, scores "
               f"{zero_rule:.1%}).",
               hint="Standardize with the training statistics, then train longer or with a "
                    "larger learning rate (the sheet's text suggests H, epochs, lr and "
                    "batch_size that reach it); watch that the history falls.")
    t.finish_case()

    # The leak test: other test rows, same training rows and seed: nothing fitted may change.
    r = _rng(run_seed + 1)
    Xte2 = Xte[r.permutation(len(Xte))] * 1.5 + 2 * Xtr.std(axis=0) + 1.0
    yte2 = r.permutation(yte)
    t.case("the same training rows and seed with other test rows: nothing fitted may change")
    out2 = t.call(Xtr.copy(), ytr.copy(), Xte2, yte2, _rng(run_seed))
    acc2, p2, mean2, std2 = _pipeline_outputs(t, out2, D, name)
    same_stats = np.array_equal(mean, mean2) and np.array_equal(std, std2)
    same_params = all(np.allclose(p[k], p2[k], rtol=1e-9, atol=1e-12) for k in KEYS)
    if same_stats and same_params:
        _check_pipeline_uses_rng(t, name, D, p, (Xtr, ytr, Xte, yte), run_seed)
        return
    out3 = t.call(Xtr.copy(), ytr.copy(), Xte.copy(), yte.copy(), _rng(run_seed))
    _, p3, mean3, std3 = _pipeline_outputs(t, out3, D, name)
    if not all(np.allclose(p[k], p3[k], rtol=1e-9, atol=1e-12) for k in KEYS):
        t.fail("two runs with the same data and the same seed trained different params.",
               hint="Draw every random number from the rng argument: pass it on to "
                    "train_two_layer (no np.random, no new unseeded generator).")
    if not same_stats:
        t.fail("changing the test rows changed mean or std: the test set leaked into the "
               "standardization.",
               hint="Compute mean and std from X_train alone, then apply them to X_test.")
    t.fail("changing the test rows changed the trained params: the test set leaked into "
           "training.",
           hint="Train on the standardized training rows only; the test rows (and y_test) are "
                "used once, at the end, for the accuracy.")


def _check_pipeline_uses_rng(t, name, D, params, split, run_seed):
    """Another seed must train other params: the pipeline draws from the rng it is given."""
    t.case("the rng is used: another seed trains other params")
    Xtr, ytr, Xte, yte = split
    out = t.call(Xtr.copy(), ytr.copy(), Xte.copy(), yte.copy(), _rng(run_seed + 2))
    _, other, _, _ = _pipeline_outputs(t, out, D, name)
    if all(np.array_equal(params[k], other[k]) for k in KEYS):
        t.fail("two different generators trained exactly the same params.",
               hint="Pass the pipeline's rng on to train_two_layer (rng=rng), instead of a fixed "
                    "seed such as rng=0: the caller chooses the randomness.")
