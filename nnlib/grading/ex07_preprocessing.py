"""Sheet 7 (chapter 7): standardization fitted on training data only, PCA, whitening.

Contracts fixed by the sheet: standard deviations and covariances divide by N (not N - 1), as in
the chapter and ``nnlib.data.Standardizer``; a feature that is constant in the training data (std
0) gets std 1, so it is centred but not scaled; eigenvalues come largest first and eigenvectors
are the columns of ``U``. An eigenvector's sign is arbitrary, so ``fit_pca`` is compared column by
column up to sign; every other exercise receives its statistics and is compared exactly.
"""

import numpy as np

from .. import data
from .common import _F32, _rng
from .registry import exercise

CHAPTER = "07_preprocessing"


# ---------------------------------------------------------------------------------------------
# References (nnlib's Standardizer; PCA as in the chapter, through np.linalg.eigh)
# ---------------------------------------------------------------------------------------------


def _standardizer(X):
    scaler = data.Standardizer().fit(X)
    return scaler.mean, scaler.std


def _pca(X):
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0)
    Xc = X - mean
    eigvals, U = np.linalg.eigh(Xc.T @ Xc / len(X))
    return mean, eigvals[::-1], U[:, ::-1]


def _cloud(seed, n, d, spread=None, offset=None):
    """n points in d dimensions, correlated, with distinct variances and a mean far from 0."""
    r = _rng(seed)
    spread = np.linspace(3.0, 0.5, d) if spread is None else np.asarray(spread)
    Q, _ = np.linalg.qr(r.normal(size=(d, d)))
    offset = r.uniform(2, 8, size=d) if offset is None else offset
    return offset + (r.normal(size=(n, d)) * spread) @ Q.T


def _align_columns(got, ref):
    """``got`` with each column's sign flipped to agree with the same column of ``ref``."""
    signs = np.sign(np.sum(got * ref, axis=0))
    signs[signs == 0] = 1
    return got * signs


def _close_up_to_sign(got, ref, tol):
    try:
        got = np.asarray(got, dtype=np.float64)
        ref = np.asarray(ref, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if got.shape != ref.shape or not np.all(np.isfinite(got)):
        return False
    return bool(np.allclose(_align_columns(got, ref), ref, rtol=tol, atol=tol))


def _match_up_to_sign(got, variants, tol=1e-5):
    for make, hint in variants:
        try:
            with np.errstate(all="ignore"):
                value = make() if callable(make) else make
            if _close_up_to_sign(got, value, tol):
                return hint
        except Exception:  # a variant that cannot be formed for this case
            continue
    return None


_N_MINUS_1 = ("Divide by N, not N - 1: the sheet (like the chapter and nnlib's Standardizer) "
              "uses the population statistic. np.std's default ddof=0 is right; np.cov and "
              "ddof=1 divide by N - 1.")
_AXIS0 = ("Take the statistics over the samples, axis=0: one number per feature (column), "
          "shape (D,).")


# ---------------------------------------------------------------------------------------------
# 7.1 fit_standardizer(X_train) -> (mean, std)
# ---------------------------------------------------------------------------------------------


def _std_variants(X):
    X = X.astype(np.float64)

    def ones_where_zero(s):
        return np.where(s > 1e-12, s, 1.0)

    n = len(X)
    return [
        (lambda: ones_where_zero(X.std(axis=0, ddof=1)), _N_MINUS_1),
        (lambda: ones_where_zero(X.var(axis=0)), "That is the variance; the standard deviation "
                                                 "is its square root, np.sqrt(...)."),
        (lambda: ones_where_zero(X.max(axis=0) - X.min(axis=0)),
         "That is the range (max - min), the statistic of min-max scaling; standardization "
         "divides by the standard deviation."),
        (lambda: ones_where_zero(np.abs(X - X.mean(axis=0)).mean(axis=0)),
         "That is the mean absolute deviation; the standard deviation is the square root of the "
         "mean squared deviation."),
        (lambda: ones_where_zero(np.sqrt(np.sum((X - X.mean(axis=0)) ** 2, axis=0)) / n),
         "Take the square root of the mean: np.sqrt(np.mean((X - mean) ** 2, axis=0)), not the "
         "square root of the sum divided by N."),
    ]


def _check_standardizer_output(t, out, X, what="fit_standardizer(X_train)"):
    mean_e, std_e = _standardizer(X)
    D = X.shape[1]
    mean, std = t.tuple_of(out, 2, what, ("mean", "std"))
    shapes = {(X.shape[0],): _AXIS0, (1, D): "Return arrays of shape (D,): no keepdims=True.",
              (): _AXIS0}
    t.array(mean, mean_e, "mean", keep_float64=True, shape_hints=shapes, variants=[
        (lambda: std_e, "Return the two arrays in the order (mean, std).")])
    constant = X.astype(np.float64).std(axis=0) == 0
    if isinstance(std, np.ndarray) and std.shape == (D,) and np.any(constant):
        bad = constant & ~np.isclose(std.astype(np.float64), 1.0)
        if np.any(bad):
            j = int(np.argmax(bad))
            if 0 < abs(float(std[j])) < 1e-3:
                t.fail(f"feature {j} is constant in X_train (std 0), and its std came back as "
                       f"{float(std[j]):.4g}, expected 1.",
                       hint="A tiny number in place of the 0 still divides by almost nothing: a "
                            "test value that differs from the constant becomes huge. The "
                            "contract replaces a std of 0 by 1 (np.where(std > 0, std, 1.0)), so "
                            "that feature is only centred.")
            t.fail(f"feature {j} is constant in X_train (std 0), and its std came back as "
                   f"{float(std[j]):.4g}, expected 1.",
                   hint="A constant feature has std 0, and (X - mean) / 0 is NaN or inf. The "
                        "contract replaces a std of 0 by 1, so that feature is only centred: "
                        "for example np.where(std > 0, std, 1.0), or std[std == 0] = 1 on a "
                        "new array.")
    t.array(std, std_e, "std", keep_float64=True, shape_hints=shapes,
            variants=[(lambda: mean_e, "Return the two arrays in the order (mean, std).")]
            + _std_variants(X),
            finite_hint="A constant feature has std 0: replace it by 1 instead of leaving 0.")


@exercise("fit_standardizer", args=("X_train",), chapter=CHAPTER,
          shape_hint="X_train is (N, D); mean and std are (D,): X_train.mean(axis=0).")
def _check_fit_standardizer(t):
    X = np.array([[0.0, 1.0], [2.0, 1.0], [0.0, 5.0], [2.0, 5.0]])
    t.case("hand-worked values: mean (1, 3), std (1, 2)", X_train=X)
    _check_standardizer_output(t, t.call(X.copy()), X)

    X = _cloud(60, 50, 4, spread=[10.0, 0.02, 3.0, 1.0])
    t.case("a (50, 4) training set with very different scales", X_train=X)
    _check_standardizer_output(t, t.call(X.copy()), X)

    X = np.array([[1.0, 5.0, -2.0], [3.0, 5.0, 0.0], [2.0, 5.0, 7.0]])
    t.case("a constant feature (std 0) gets std 1", X_train=X)
    _check_standardizer_output(t, t.call(X.copy()), X)

    X = np.array([[4.0, -1.0, 0.5]])
    t.case("a training set of one sample: every feature is constant", X_train=X)
    _check_standardizer_output(t, t.call(X.copy()), X)

    X = _rng(61).integers(0, 17, size=(30, 5))
    X[:, 0] = 0  # a blank border pixel
    t.case("integer pixel values 0..16, one pixel always 0", X_train=X)
    _check_standardizer_output(t, t.call(X.copy()), X)

    X = _cloud(62, 20, 3).astype(np.float32)
    t.case("float32 inputs", X_train=X)
    out = t.call(X.copy())
    mean, std = t.tuple_of(out, 2, "fit_standardizer(X_train)", ("mean", "std"))
    mean_e, std_e = _standardizer(X)
    t.array(mean, mean_e, "mean", **_F32)
    t.array(std, std_e, "std", variants=_std_variants(X), **_F32)


# ---------------------------------------------------------------------------------------------
# 7.2 preprocess_split(X_train, X_test) -> (X_train_s, X_test_s)
# ---------------------------------------------------------------------------------------------


def _split_variants(X_train, X_test):
    def z(X, stats):
        return (X - stats[0]) / stats[1]

    tr, te = _standardizer(X_train), _standardizer(X_test)
    both = _standardizer(np.vstack([X_train, X_test]))
    test_variants = [
        (lambda: z(X_test, both), "Leak: the statistics were measured on the training and the "
                                  "test set together (np.vstack or np.concatenate before the "
                                  "fit). Fit on X_train only and apply those numbers to both."),
        (lambda: z(X_test, te), "Leak: X_test was standardized with its own mean and std. That "
                                "erases how the test set differs from the training set; use the "
                                "statistics of X_train for X_test too."),
        (lambda: (X_test - te[0]) / tr[1], "X_test was centred with its own mean; centre it with "
                                           "the training mean."),
        (lambda: (X_test - tr[0]) / te[1], "X_test was divided by its own std; divide it by the "
                                           "training std."),
        (lambda: X_test, "X_test came back unchanged: standardize it with the training "
                         "statistics as well."),
        (lambda: X_test - tr[0], "Centring is not enough: also divide by the training std."),
        (lambda: (X_test - tr[0]) / np.where(X_train.std(axis=0, ddof=1) > 1e-12,
                                             X_train.std(axis=0, ddof=1), 1.0), _N_MINUS_1),
    ]
    train_variants = [
        (lambda: z(X_train, both), test_variants[0][1]),
        (lambda: z(X_train, te), "Leak: X_train was standardized with the test set's "
                                 "statistics. Fit on X_train, apply to both."),
        (lambda: X_train - tr[0], "Centring is not enough: also divide by the training std."),
        (lambda: X_train, "X_train came back unchanged: standardize it."),
        (lambda: (X_train - tr[0]) / np.where(X_train.std(axis=0, ddof=1) > 1e-12,
                                              X_train.std(axis=0, ddof=1), 1.0), _N_MINUS_1),
    ]
    return train_variants, test_variants


def _check_split(t, X_train, X_test):
    out = t.call(X_train.copy(), X_test.copy())
    what = "preprocess_split(X_train, X_test)"
    got_train, got_test = t.tuple_of(out, 2, what, ("X_train_s", "X_test_s"))
    mean, std = _standardizer(X_train)
    train_v, test_v = _split_variants(X_train, X_test)
    swapped = "Return the two arrays in the order (X_train_s, X_test_s)."
    t.array(got_train, (X_train - mean) / std, "X_train_s", variants=train_v, keep_float64=True,
            shape_hints={X_test.shape: swapped},
            finite_hint="A feature that is constant in X_train has std 0: use 1 instead, as in "
                        "fit_standardizer.")
    t.array(got_test, (X_test - mean) / std, "X_test_s", variants=test_v, keep_float64=True,
            shape_hints={X_train.shape: swapped},
            finite_hint="A feature that is constant in X_train has std 0: use 1 instead, as in "
                        "fit_standardizer; with the test set's own statistics a single test "
                        "sample gives 0 / 0.")
    return got_train, got_test


@exercise("preprocess_split", args=("X_train", "X_test"), chapter=CHAPTER,
          shape_hint="X_train is (N_train, D) and X_test (N_test, D); mean and std are (D,) and "
                     "broadcast over the rows of both.")
def _check_preprocess_split(t):
    X_train = np.array([[0.0, 1.0], [2.0, 1.0], [0.0, 5.0], [2.0, 5.0]])
    X_test = np.array([[1.0, 3.0], [3.0, 7.0], [5.0, -1.0]])
    t.case("hand-worked values: training mean (1, 3), std (1, 2)", X_train=X_train,
           X_test=X_test)
    _check_split(t, X_train, X_test)

    X_train = _cloud(63, 40, 3)
    X_test = 3.0 * _cloud(64, 25, 3) + 5.0
    t.case("a test set from a different distribution (shifted and 3 times wider)",
           X_train=X_train, X_test=X_test)
    got_train, _ = _check_split(t, X_train, X_test)

    t.case("X_train_s must not change when only X_test changes", X_train=X_train,
           X_test=X_test)
    other = X_test * 1.1 + 2.0
    again, _ = t.tuple_of(t.call(X_train.copy(), other), 2, "preprocess_split(X_train, X_test)",
                          ("X_train_s", "X_test_s"))
    if not (isinstance(again, np.ndarray) and again.shape == got_train.shape
            and np.allclose(again, got_train, rtol=1e-12, atol=1e-12)):
        t.fail("X_train_s changed when only X_test was changed (every test value times 1.1, "
               "plus 2): the test set leaked into the training inputs.",
               hint="Measure the mean and std on X_train alone, then apply the same numbers to "
                    "X_train and X_test.")

    X_test = np.array([[9.0, -4.0, 0.5]])
    t.case("a single test sample", X_train=X_train, X_test=X_test)
    _check_split(t, X_train, X_test)

    X_train = np.array([[1.0, 5.0], [3.0, 5.0], [2.0, 5.0], [6.0, 5.0]])
    X_test = np.array([[2.0, 4.0], [0.0, 7.0]])
    t.case("a feature constant in X_train but not in X_test", X_train=X_train, X_test=X_test)
    _check_split(t, X_train, X_test)


# ---------------------------------------------------------------------------------------------
# 7.3 fit_pca(X) -> (mean, eigvals, eigvecs)
# ---------------------------------------------------------------------------------------------


def _eig_variants(X, n):
    X = X.astype(np.float64)
    mean = X.mean(axis=0)
    Xc = X - mean

    def eig(cov):
        vals, U = np.linalg.eigh(cov)
        return vals[::-1], U[:, ::-1]

    vals, U = eig(Xc.T @ Xc / n)
    raw_vals, raw_U = eig(X.T @ X / n)
    corr = Xc / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    corr_vals, corr_U = eig(corr.T @ corr / n)
    uncentred = ("The covariance is computed from the centred data: subtract the mean first, "
                 "Xc = X - mean, then Xc.T @ Xc / N.")
    standardized = ("Do not standardize before PCA here: the eigenvalues are the variances of "
                    "the centred (not standardized) data along each direction.")
    eigvals = [
        (lambda: vals[::-1], "np.linalg.eigh returns the eigenvalues in ascending order; the "
                             "sheet asks for the largest first: reverse them, [::-1] (and the "
                             "columns of the eigenvectors with them, [:, ::-1])."),
        (lambda: vals * n / (n - 1), "Divide the covariance by N, not N - 1: np.cov(X.T) "
                                     "divides by N - 1; use Xc.T @ Xc / N (or np.cov(X.T, "
                                     "bias=True)), as the chapter does."),
        (lambda: raw_vals, uncentred),
        (lambda: corr_vals, standardized),
        (lambda: np.sqrt(np.maximum(vals, 0)), "These are the square roots of the eigenvalues "
                                               "(the singular values divided by sqrt(N)): "
                                               "square them, s ** 2 / N."),
        (lambda: np.linalg.svd(Xc, compute_uv=False), "These are the singular values of the "
                                                       "centred data: the eigenvalues are "
                                                       "s ** 2 / N."),
    ]
    eigvecs = [
        (lambda: U[:, ::-1], "The eigenvectors are not in the order of the eigenvalues: when "
                             "you reverse the eigenvalues, reverse the columns too, U[:, ::-1]."),
        (lambda: U.T, "The eigenvectors must be the columns of U (U[:, k] belongs to "
                      "eigvals[k]); yours are its rows. np.linalg.eigh already returns them as "
                      "columns; the rows of the SVD's Vt are eigenvectors, so use Vt.T."),
        (lambda: raw_U, uncentred),
        (lambda: corr_U, standardized),
    ]
    return eigvals, eigvecs


def _check_pca_output(t, out, X, tol=None):
    n, D = X.shape
    mean_e, vals_e, U_e = _pca(X)
    kw = _F32 if tol == "f32" else {}
    mean, vals, U = t.tuple_of(out, 3, "fit_pca(X)", ("mean", "eigvals", "eigvecs"))
    for arr, name in ((vals, "eigvals"), (U, "eigvecs")):
        if isinstance(arr, np.ndarray) and np.iscomplexobj(arr):
            t.fail(f"{name} holds complex numbers (dtype {arr.dtype}).",
                   hint="np.linalg.eig is for general matrices and may return complex numbers "
                        "and unsorted eigenvalues. A covariance matrix is symmetric: use "
                        "np.linalg.eigh, which returns real eigenvalues (ascending) and "
                        "orthonormal eigenvectors as columns.")
    t.array(mean, mean_e, "mean", keep_float64=tol is None, **kw, shape_hints={
        (n,): _AXIS0, (1, D): "Return the mean with shape (D,): no keepdims=True."})
    val_v, vec_v = _eig_variants(X, n)
    scale = max(float(vals_e[0]), 1e-300)
    atol = (1e-5 if tol == "f32" else 1e-9) * scale
    t.array(vals, vals_e, "eigvals", variants=val_v, keep_float64=tol is None,
            rtol=1e-4 if tol == "f32" else 1e-6, atol=atol,
            shape_hints={(D, D): "Return the eigenvalues as a 1-D array of shape (D,), not the "
                                 "diagonal matrix."})
    t.is_array(U, "eigvecs", (D, D))
    if U.shape != (D, D):
        t.fail(f"eigvecs has shape {U.shape}, expected {(D, D)}.",
               hint="One eigenvector of length D per eigenvalue, as the columns of a (D, D) "
                    "matrix.")
    if tol is None:
        t.check_precision(U, "eigvecs")
    U64 = U.astype(np.float64)
    if not np.all(np.isfinite(U64)):
        t.fail("eigvecs contains NaN or inf.")
    vec_tol = 1e-4 if tol == "f32" else 1e-6
    if _close_up_to_sign(U64, U_e, vec_tol):
        return
    hint = _match_up_to_sign(U64, vec_v, vec_tol)
    norms = np.linalg.norm(U64, axis=0)
    if hint is None and not np.allclose(norms, 1, atol=1e-4):
        hint = ("Each eigenvector (column) has length 1: np.linalg.eigh already normalizes "
                "them; do not scale them by the eigenvalues or their square roots.")
    aligned = _align_columns(U64, U_e)
    bad = int(np.argmax(np.max(np.abs(aligned - U_e), axis=0)))
    t.fail(f"eigvecs has wrong values: column {bad} is not the eigenvector of eigvals[{bad}], "
           "even up to its sign (an eigenvector may be multiplied by -1; the grader allows "
           "that).", hint=hint,
           details=[f"expected column {bad} (up to sign): "
                    + np.array2string(U_e[:, bad], precision=4),
                    f"got column {bad}:                " + np.array2string(U64[:, bad],
                                                                          precision=4)])


@exercise("fit_pca", args=("X",), chapter=CHAPTER,
          shape_hint="X is (N, D); the covariance Xc.T @ Xc / N is (D, D); mean and eigvals are "
                     "(D,), eigvecs (D, D) with one eigenvector per column.")
def _check_fit_pca(t):
    X = np.array([[4.0, 1.0], [2.0, 1.0], [3.0, 3.0], [3.0, -1.0]])
    t.case("hand-worked values: mean (3, 1), covariance diag(0.5, 2), eigenvalues (2, 0.5)", X=X)
    _check_pca_output(t, t.call(X.copy()), X)

    L = np.linalg.cholesky(np.array([[9.0, 2.4], [2.4, 1.0]]))
    X = np.array([6.0, 3.0]) + _rng(65).normal(size=(200, 2)) @ L.T
    t.case("the chapter's correlated 2-D cloud (200 points)", X=X)
    _check_pca_output(t, t.call(X.copy()), X)

    X = _cloud(66, 60, 5)
    t.case("a (60, 5) cloud far from the origin", X=X)
    _check_pca_output(t, t.call(X.copy()), X)

    X = _cloud(67, 30, 3, spread=[2.0, 0.7, 0.0])
    X = np.column_stack([X[:, :2], np.full(30, 4.0)])
    t.case("a constant feature: one eigenvalue is 0", X=X)
    _check_pca_output(t, t.call(X.copy()), X)

    X = _cloud(68, 40, 3).astype(np.float32)
    t.case("float32 inputs", X=X)
    _check_pca_output(t, t.call(X.copy()), X, tol="f32")


# ---------------------------------------------------------------------------------------------
# 7.4 pca_transform(X, mean, components, k) -> (N, k)
# ---------------------------------------------------------------------------------------------


def _transform_variants(X, mean, U, k):
    X = X.astype(np.float64)
    own = X.mean(axis=0)
    return [
        (lambda: (X - own) @ U[:, :k], "X was centred with its own mean. Use the mean passed "
                                       "in (the training mean): new data are transformed with "
                                       "the training statistics."),
        (lambda: X @ U[:, :k], "Centre first: subtract the mean passed in, (X - mean) @ ..."),
        (lambda: (X - mean) @ U[:, -k:], "Keep the first k columns, components[:, :k]: they "
                                         "belong to the largest eigenvalues."),
        (lambda: (X - mean) @ U[:, ::-1][:, :k], "Keep the first k columns, components[:, :k]: "
                                                 "they belong to the largest eigenvalues."),
        (lambda: (X - mean) @ U.T[:, :k], "The components are the columns of `components`; "
                                          "keep components[:, :k], not its first k rows."),
        (lambda: (X + mean) @ U[:, :k], "Subtract the mean, do not add it."),
    ]


def _check_transform(t, X, mean, U, k, kw=None):
    out = t.call(X.copy(), mean.copy(), U.copy(), k)
    X64 = X.astype(np.float64)
    expected = (X64 - mean.astype(np.float64)) @ U.astype(np.float64)[:, :k]
    D = X.shape[1]
    shape_hints = {}
    if k > 1:
        shape_hints[(X.shape[0], k - 1)] = "components[:, :k] keeps k columns (0 to k-1)."
    if k + 1 <= D:
        shape_hints[(X.shape[0], k + 1)] = "components[:, :k] keeps exactly k columns."
    if k != D:
        shape_hints[(X.shape[0], D)] = ("Keep only the first k components: "
                                        "components[:, :k], so the result is (N, k).")
    shape_hints[(k, X.shape[0])] = "The result has one row per sample: (N, k)."
    t.array(out, expected, f"pca_transform(X, mean, components, k={k})",
            variants=_transform_variants(X64, mean, U, k), shape_hints=shape_hints,
            keep_float64=kw is None, **(kw or {}))


@exercise("pca_transform", args=("X", "mean", "components", "k"), chapter=CHAPTER,
          shape_hint="X is (N, D), mean (D,), components (D, D) with one component per "
                     "column; (X - mean) @ components[:, :k] is (N, k).")
def _check_pca_transform(t):
    X = np.array([[4.0, 1.0], [3.0, 3.0]])
    mean = np.array([3.0, 1.0])
    U = np.array([[0.0, 1.0], [1.0, 0.0]])
    for k, expected in [(1, "[[0], [2]]"), (2, "[[0, 1], [2, 0]]")]:
        t.case(f"hand-worked values, k = {k}: the result is {expected}", X=X, mean=mean,
               components=U, k=k)
        _check_transform(t, X, mean, U, k)

    X_train = _cloud(69, 50, 5)
    mean, _, U = _pca(X_train)
    X = 2.0 * _cloud(70, 12, 5) + 3.0
    t.case("new data with the training statistics, k = 3", X=X, mean=mean, components=U, k=3)
    _check_transform(t, X, mean, U, 3)

    t.case("all D components (k = D): a pure rotation", X=X, mean=mean, components=U, k=5)
    _check_transform(t, X, mean, U, 5)

    X = X[:1]
    t.case("a batch of one sample, k = 2", X=X, mean=mean, components=U, k=2)
    _check_transform(t, X, mean, U, 2)

    X32, mean32, U32 = (a.astype(np.float32) for a in (_cloud(71, 8, 4), *_pca(_cloud(72, 30,
                                                                                    4))[::2]))
    t.case("float32 inputs, k = 2", X=X32, mean=mean32, components=U32, k=2)
    _check_transform(t, X32, mean32, U32, 2, kw=_F32)


# ---------------------------------------------------------------------------------------------
# 7.5 whiten(X, mean, eigvals, eigvecs, eps=1e-5) -> (N, D)
# ---------------------------------------------------------------------------------------------


def _whiten_ref(X, mean, eigvals, U, eps):
    return ((X - mean) @ U) / np.sqrt(eigvals + eps)


def _whiten_variants(X, mean, vals, U, eps):
    X = X.astype(np.float64)
    rot = (X - mean) @ U
    own_mean, own_vals, own_U = _pca(X)
    n = len(X)
    return [
        (lambda: rot / (vals + eps), "You divided by the eigenvalue; divide by its square root, "
                                     "np.sqrt(eigvals + eps): the eigenvalue is a variance, and "
                                     "a standard deviation scales a feature to unit variance."),
        (lambda: rot / np.sqrt(vals), "eps is missing: divide by np.sqrt(eigvals + eps). It "
                                      "keeps the division finite for an eigenvalue of 0 (or a "
                                      "tiny negative one from rounding)."),
        (lambda: rot / (np.sqrt(vals) + eps), "Add eps inside the square root: "
                                              "np.sqrt(eigvals + eps)."),
        (lambda: rot / np.sqrt(vals + 1e-5), "Use the eps passed in, not a fixed 1e-5 (1e-5 is "
                                             "only the default)."),
        (lambda: ((X - own_mean) @ U) / np.sqrt(vals + eps),
         "X was centred with its own mean. Use the mean passed in (the training mean): new "
         "data are whitened with the training statistics."),
        (lambda: ((X - own_mean) @ own_U) / np.sqrt(own_vals + eps),
         "You measured the statistics on X itself. Whiten with the mean, eigvals and eigvecs "
         "passed in (measured on the training data)."),
        (lambda: ((X - own_mean) @ own_U) / np.sqrt(own_vals * n / max(n - 1, 1) + eps),
         "You measured the statistics on X itself (with np.cov, which divides by N - 1). "
         "Whiten with the mean, eigvals and eigvecs passed in."),
        (lambda: rot / np.sqrt(vals * n / max(n - 1, 1) + eps),
         "Use eigvals as they are: the sheet's eigenvalues already divide by N."),
        (lambda: ((X - mean) @ U.T) / np.sqrt(vals + eps),
         "The eigenvectors are the columns of eigvecs: rotate with (X - mean) @ eigvecs, "
         "not eigvecs.T."),
        (lambda: ((X - mean) / np.sqrt(vals + eps)), "Rotate into the eigenbasis first: "
                                                     "(X - mean) @ eigvecs, then divide."),
        (lambda: (rot / np.sqrt(vals + eps)) @ U.T, "That is ZCA whitening (rotated back with "
                                                    "eigvecs.T); the sheet asks for PCA "
                                                    "whitening, without the rotation back."),
        (lambda: rot * np.sqrt(vals + eps), "Divide by np.sqrt(eigvals + eps), do not multiply."),
        (lambda: (X @ U) / np.sqrt(vals + eps), "Centre first: subtract the mean passed in."),
    ]


def _whiten_case(t, X, mean, vals, U, eps=None, kw=None):
    args = (X.copy(), mean.copy(), vals.copy(), U.copy())
    out = t.call(*args) if eps is None else t.call(*args, eps=eps)
    e = 1e-5 if eps is None else eps
    X64, m64, v64, U64 = (a.astype(np.float64) for a in (X, mean, vals, U))
    expected = _whiten_ref(X64, m64, v64, U64, e)
    variants = _whiten_variants(X64, m64, v64, U64, e)
    if eps is None:
        variants.insert(0, (lambda: ((X64 - m64) @ U64) / np.sqrt(v64),
                            "The default must be eps=1e-5, as in the sheet's def line: "
                            "`def whiten(X, mean, eigvals, eigvecs, eps=1e-5):`."))
    what = "whiten(X, mean, eigvals, eigvecs)" if eps is None else \
        f"whiten(X, mean, eigvals, eigvecs, eps={eps:g})"
    t.array(out, expected, what, variants=variants, keep_float64=kw is None,
            shape_hints={X.shape[::-1]: "The result has one row per sample, like X: (N, D)."},
            finite_hint="eps keeps the square root and the division finite: "
                        "np.sqrt(eigvals + eps).", **(kw or {}))


@exercise("whiten", args=("X", "mean", "eigvals", "eigvecs", "eps=1e-5"), chapter=CHAPTER,
          shape_hint="X is (N, D), mean and eigvals (D,), eigvecs (D, D) with one eigenvector "
                     "per column; (X - mean) @ eigvecs is (N, D) and np.sqrt(eigvals + eps), "
                     "shape (D,), divides each column.")
def _check_whiten(t):
    X = np.array([[3.0, 3.0], [5.0, 1.0]])
    mean = np.array([3.0, 1.0])
    vals = np.array([4.0, 1.0])
    U = np.array([[0.0, 1.0], [1.0, 0.0]])
    t.case("hand-worked values with eps = 0: the result is [[1, 0], [0, 2]]", X=X, mean=mean,
           eigvals=vals, eigvecs=U, eps=0.0)
    _whiten_case(t, X, mean, vals, U, eps=0.0)

    X_train = _cloud(73, 80, 4, spread=[3.0, 1.0, 0.3, 0.01])
    mean, vals, U = _pca(X_train)
    X = _cloud(74, 10, 4, spread=[3.0, 1.0, 0.3, 0.01])
    t.case("new data with the training statistics, eps = 1e-3 (the smallest eigenvalue is "
           f"{vals[-1]:.1e})", X=X, mean=mean, eigvals=vals, eigvecs=U, eps=1e-3)
    _whiten_case(t, X, mean, vals, U, eps=1e-3)

    vals_small = vals.copy()
    vals_small[-1] = 2e-5
    t.case("the default eps = 1e-5 (an eigenvalue of 2e-5)", X=X, mean=mean,
           eigvals=vals_small, eigvecs=U)
    _whiten_case(t, X, mean, vals_small, U)

    vals_zero = vals.copy()
    vals_zero[-2:] = [0.0, -1e-15]
    t.case("eigenvalues 0 and -1e-15 (rounding), eps = 1e-5", X=X, mean=mean,
           eigvals=vals_zero, eigvecs=U, eps=1e-5)
    _whiten_case(t, X, mean, vals_zero, U, eps=1e-5)

    t.case("the training data itself, eps = 1e-5",
           X=X_train, mean=mean, eigvals=vals, eigvecs=U, eps=1e-5)
    _whiten_case(t, X_train, mean, vals, U, eps=1e-5)

    t.case("a batch of one sample", X=X[:1], mean=mean, eigvals=vals, eigvecs=U, eps=1e-2)
    _whiten_case(t, X[:1], mean, vals, U, eps=1e-2)

    X32 = X.astype(np.float32)
    stats32 = [a.astype(np.float32) for a in (mean, vals, U)]
    t.case("float32 inputs, eps = 1e-2", X=X32, mean=stats32[0], eigvals=stats32[1],
           eigvecs=stats32[2], eps=1e-2)
    _whiten_case(t, X32, *stats32, eps=1e-2, kw=_F32)

