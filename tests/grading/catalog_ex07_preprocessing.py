"""Learner implementations of sheet 7 (ex07_preprocessing): valid ones that must pass and
mistakes that must fail with a hint matching ``hint`` (a regular expression, searched
case-insensitively in the whole report). Run by tests/test_grading_catalog.py."""

import numpy as np

from nnlib import data

from .cases import case


# ---------------------------------------------------------------------------------------------
# fit_standardizer(X_train) -> (mean, std); std divides by N; a std of 0 becomes 1
# ---------------------------------------------------------------------------------------------


@case("fit_standardizer", True)
def fit_standardizer_ok_where(X_train):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    return mean, np.where(std > 0, std, 1.0)


@case("fit_standardizer", True)
def fit_standardizer_ok_by_hand(X_train):
    n = X_train.shape[0]
    mean = np.sum(X_train, axis=0) / n
    std = np.sqrt(np.sum((X_train - mean) ** 2, axis=0) / n)
    std[std == 0] = 1
    return mean, std


@case("fit_standardizer", True)
def fit_standardizer_ok_threshold(X_train):
    std = np.std(X_train, axis=0)
    return np.mean(X_train, axis=0), np.where(std < 1e-8, 1.0, std)


@case("fit_standardizer", True)
def fit_standardizer_ok_column_loop(X_train):
    D = X_train.shape[1]
    mean, std = np.zeros(D), np.ones(D)
    for j in range(D):
        column = X_train[:, j]
        mean[j] = column.mean()
        if column.std() > 0:
            std[j] = column.std()
    return mean, std


@case("fit_standardizer", True)
def fit_standardizer_ok_nnlib_standardizer(X_train):
    scaler = data.Standardizer().fit(X_train)
    return scaler.mean, scaler.std


@case("fit_standardizer", True)
def fit_standardizer_ok_variance_first(X_train):
    mean = X_train.mean(axis=0, keepdims=True)
    var = ((X_train - mean) ** 2).mean(axis=0)
    return mean[0], np.sqrt(np.where(var == 0, 1.0, var))


@case("fit_standardizer", False, hint=r"N - 1")
def fit_standardizer_bad_ddof1(X_train):
    std = X_train.std(axis=0, ddof=1) if len(X_train) > 1 else np.zeros(X_train.shape[1])
    return X_train.mean(axis=0), np.where(std > 0, std, 1.0)


@case("fit_standardizer", False, hint=r"constant")
def fit_standardizer_bad_zero_std_kept(X_train):
    return X_train.mean(axis=0), X_train.std(axis=0)


@case("fit_standardizer", False, hint=r"tiny number")
def fit_standardizer_bad_eps_added(X_train):
    return X_train.mean(axis=0), X_train.std(axis=0) + 1e-8


@case("fit_standardizer", False, hint=r"variance")
def fit_standardizer_bad_variance(X_train):
    var = X_train.var(axis=0)
    return X_train.mean(axis=0), np.where(var > 0, var, 1.0)


@case("fit_standardizer", False, hint=r"axis=0")
def fit_standardizer_bad_axis1(X_train):
    std = X_train.std(axis=1)
    return X_train.mean(axis=1), np.where(std > 0, std, 1.0)


@case("fit_standardizer", False, hint=r"keepdims")
def fit_standardizer_bad_keepdims(X_train):
    std = X_train.std(axis=0, keepdims=True)
    return X_train.mean(axis=0, keepdims=True), np.where(std > 0, std, 1.0)


@case("fit_standardizer", False, hint=r"order \(mean, std\)")
def fit_standardizer_bad_swapped(X_train):
    std = X_train.std(axis=0)
    return np.where(std > 0, std, 1.0), X_train.mean(axis=0)


@case("fit_standardizer", False, hint=r"range")
def fit_standardizer_bad_range(X_train):
    spread = X_train.max(axis=0) - X_train.min(axis=0)
    return X_train.mean(axis=0), np.where(spread > 0, spread, 1.0)


@case("fit_standardizer", False, hint=r"changed its input|copy")
def fit_standardizer_bad_centres_in_place(X_train):
    mean = X_train.mean(axis=0)
    X_train -= mean
    std = np.sqrt((X_train ** 2).mean(axis=0))
    return mean, np.where(std > 0, std, 1.0)


# ---------------------------------------------------------------------------------------------
# preprocess_split(X_train, X_test) -> (X_train_s, X_test_s), training statistics only
# ---------------------------------------------------------------------------------------------


def _train_stats(X):
    std = X.std(axis=0)
    return X.mean(axis=0), np.where(std > 0, std, 1.0)


@case("preprocess_split", True)
def preprocess_split_ok_plain(X_train, X_test):
    mean, std = _train_stats(X_train)
    return (X_train - mean) / std, (X_test - mean) / std


@case("preprocess_split", True)
def preprocess_split_ok_nnlib_standardizer(X_train, X_test):
    scaler = data.Standardizer().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


@case("preprocess_split", True)
def preprocess_split_ok_nnlib_standardize(X_train, X_test):
    return data.standardize(X_train, X_test)


@case("preprocess_split", True)
def preprocess_split_ok_helper_function(X_train, X_test):
    mean, std = _train_stats(X_train)

    def apply(X):
        return (X - mean) * (1.0 / std)
    return apply(X_train), apply(X_test)


@case("preprocess_split", True)
def preprocess_split_ok_stacked_then_split(X_train, X_test):
    mean, std = _train_stats(X_train)  # statistics of X_train only; stacking is only for speed
    both = (np.vstack([X_train, X_test]) - mean) / std
    return both[:len(X_train)], both[len(X_train):]


@case("preprocess_split", False, hint=r"Leak.*together")
def preprocess_split_bad_fit_on_all_data(X_train, X_test):
    mean, std = _train_stats(np.vstack([X_train, X_test]))
    return (X_train - mean) / std, (X_test - mean) / std


@case("preprocess_split", False, hint=r"Leak.*own mean and std")
def preprocess_split_bad_test_own_statistics(X_train, X_test):
    mean, std = _train_stats(X_train)
    mean_t, std_t = _train_stats(X_test)
    return (X_train - mean) / std, (X_test - mean_t) / std_t


@case("preprocess_split", False, hint=r"test set's statistics|own mean and std")
def preprocess_split_bad_test_statistics_for_both(X_train, X_test):
    mean, std = _train_stats(X_test)
    return (X_train - mean) / std, (X_test - mean) / std


@case("preprocess_split", False, hint=r"own mean")
def preprocess_split_bad_test_centred_with_own_mean(X_train, X_test):
    mean, std = _train_stats(X_train)
    return (X_train - mean) / std, (X_test - X_test.mean(axis=0)) / std


@case("preprocess_split", False, hint=r"unchanged")
def preprocess_split_bad_test_untouched(X_train, X_test):
    mean, std = _train_stats(X_train)
    return (X_train - mean) / std, X_test


@case("preprocess_split", False, hint=r"order \(X_train_s, X_test_s\)")
def preprocess_split_bad_swapped(X_train, X_test):
    mean, std = _train_stats(X_train)
    return (X_test - mean) / std, (X_train - mean) / std


@case("preprocess_split", False, hint=r"constant in X_train|std 0")
def preprocess_split_bad_zero_std(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_test - mean) / std


@case("preprocess_split", False, hint=r"N - 1")
def preprocess_split_bad_ddof1(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std


@case("preprocess_split", False, hint=r"changed its input|copy")
def preprocess_split_bad_in_place(X_train, X_test):
    mean, std = _train_stats(X_train)
    X_train -= mean
    X_train /= std
    X_test -= mean
    X_test /= std
    return X_train, X_test


# ---------------------------------------------------------------------------------------------
# fit_pca(X) -> (mean, eigvals largest first, eigvecs as columns); covariance / N
# ---------------------------------------------------------------------------------------------


@case("fit_pca", True)
def fit_pca_ok_eigh(X):
    mean = X.mean(axis=0)
    Xc = X - mean
    eigvals, U = np.linalg.eigh(Xc.T @ Xc / len(X))
    return mean, eigvals[::-1], U[:, ::-1]


@case("fit_pca", True)
def fit_pca_ok_svd(X):
    mean = X.mean(axis=0)
    _, s, Vt = np.linalg.svd(X - mean, full_matrices=False)  # N >= D in every case
    return mean, s ** 2 / len(X), Vt.T


@case("fit_pca", True)
def fit_pca_ok_np_cov_bias_argsort(X):
    cov = np.atleast_2d(np.cov(X, rowvar=False, bias=True))
    eigvals, U = np.linalg.eigh(cov)
    order = np.argsort(eigvals)[::-1]
    return X.mean(axis=0), eigvals[order], U[:, order]


@case("fit_pca", True)
def fit_pca_ok_flipped_signs(X):
    mean = X.mean(axis=0)
    Xc = X - mean
    eigvals, U = np.linalg.eigh(Xc.T @ Xc / X.shape[0])
    U = U[:, ::-1] * np.where(np.arange(X.shape[1]) % 2 == 0, -1.0, 1.0)  # any sign is fine
    return mean, eigvals[::-1], U


@case("fit_pca", True)
def fit_pca_ok_general_eig_sorted(X):
    mean = X.mean(axis=0)
    Xc = X - mean
    eigvals, U = np.linalg.eig(Xc.T @ Xc / len(X))
    eigvals, U = eigvals.real, U.real
    order = np.argsort(-eigvals)
    return mean, eigvals[order], U[:, order]


@case("fit_pca", False, hint=r"ascending")
def fit_pca_bad_ascending(X):
    mean = X.mean(axis=0)
    Xc = X - mean
    eigvals, U = np.linalg.eigh(Xc.T @ Xc / len(X))
    return mean, eigvals, U


@case("fit_pca", False, hint=r"reverse the columns")
def fit_pca_bad_vectors_not_reordered(X):
    mean = X.mean(axis=0)
    Xc = X - mean
    eigvals, U = np.linalg.eigh(Xc.T @ Xc / len(X))
    return mean, eigvals[::-1], U


@case("fit_pca", False, hint=r"N - 1")
def fit_pca_bad_np_cov(X):
    eigvals, U = np.linalg.eigh(np.atleast_2d(np.cov(X.T)))
    return X.mean(axis=0), eigvals[::-1], U[:, ::-1]


@case("fit_pca", False, hint=r"centred data")
def fit_pca_bad_not_centred(X):
    eigvals, U = np.linalg.eigh(X.T @ X / len(X))
    return X.mean(axis=0), eigvals[::-1], U[:, ::-1]


@case("fit_pca", False, hint=r"columns of U")
def fit_pca_bad_rows(X):
    mean = X.mean(axis=0)
    Xc = X - mean
    eigvals, U = np.linalg.eigh(Xc.T @ Xc / len(X))
    return mean, eigvals[::-1], U[:, ::-1].T


@case("fit_pca", False, hint=r"singular values")
def fit_pca_bad_singular_values(X):
    mean = X.mean(axis=0)
    _, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    return mean, s, Vt.T


@case("fit_pca", False, hint=r"standardize")
def fit_pca_bad_standardized_first(X):
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    Z = (X - mean) / np.where(std > 0, std, 1.0)
    eigvals, U = np.linalg.eigh(Z.T @ Z / len(X))
    return mean, eigvals[::-1], U[:, ::-1]


@case("fit_pca", False, hint=r"length 1")
def fit_pca_bad_scaled_vectors(X):
    mean = X.mean(axis=0)
    Xc = X - mean
    eigvals, U = np.linalg.eigh(Xc.T @ Xc / len(X))
    eigvals, U = eigvals[::-1], U[:, ::-1]
    return mean, eigvals, U * np.sqrt(np.maximum(eigvals, 0))


@case("fit_pca", False, hint=r"changed its input|copy")
def fit_pca_bad_centres_in_place(X):
    mean = X.mean(axis=0)
    X -= mean
    eigvals, U = np.linalg.eigh(X.T @ X / len(X))
    return mean, eigvals[::-1], U[:, ::-1]


# ---------------------------------------------------------------------------------------------
# pca_transform(X, mean, components, k) -> (X - mean) @ components[:, :k]
# ---------------------------------------------------------------------------------------------


@case("pca_transform", True)
def pca_transform_ok_plain(X, mean, components, k):
    return (X - mean) @ components[:, :k]


@case("pca_transform", True)
def pca_transform_ok_dot(X, mean, components, k):
    return np.dot(X - mean, components[:, 0:k])


@case("pca_transform", True)
def pca_transform_ok_rotate_then_slice(X, mean, components, k):
    return ((X - mean) @ components)[:, :k]


@case("pca_transform", True)
def pca_transform_ok_einsum(X, mean, components, k):
    return np.einsum("nd,dk->nk", X - mean[None, :], components[:, :k])


@case("pca_transform", True)
def pca_transform_ok_column_loop(X, mean, components, k):
    Xc = X - mean
    out = np.zeros((X.shape[0], k), dtype=np.result_type(X, components))
    for j in range(k):
        out[:, j] = Xc @ components[:, j]
    return out


@case("pca_transform", False, hint=r"own mean")
def pca_transform_bad_own_mean(X, mean, components, k):
    return (X - X.mean(axis=0)) @ components[:, :k]


@case("pca_transform", False, hint=r"Centre first")
def pca_transform_bad_not_centred(X, mean, components, k):
    return X @ components[:, :k]


@case("pca_transform", False, hint=r"first k columns")
def pca_transform_bad_last_k(X, mean, components, k):
    return (X - mean) @ components[:, -k:]


@case("pca_transform", False, hint=r"not its first k rows")
def pca_transform_bad_rows(X, mean, components, k):
    return (X - mean) @ components[:k].T


@case("pca_transform", False, hint=r"only the first k")
def pca_transform_bad_ignores_k(X, mean, components, k):
    return (X - mean) @ components


@case("pca_transform", False, hint=r"components\[:, :k\]")
def pca_transform_bad_off_by_one(X, mean, components, k):
    return (X - mean) @ components[:, :k + 1]


@case("pca_transform", False, hint=r"Subtract the mean, do not add")
def pca_transform_bad_adds_mean(X, mean, components, k):
    return (X + mean) @ components[:, :k]


@case("pca_transform", False, hint=r"changed its input|copy")
def pca_transform_bad_in_place(X, mean, components, k):
    X -= mean
    return X @ components[:, :k]


# ---------------------------------------------------------------------------------------------
# whiten(X, mean, eigvals, eigvecs, eps=1e-5) -> ((X - mean) @ eigvecs) / sqrt(eigvals + eps)
# ---------------------------------------------------------------------------------------------


@case("whiten", True)
def whiten_ok_plain(X, mean, eigvals, eigvecs, eps=1e-5):
    return (X - mean) @ eigvecs / np.sqrt(eigvals + eps)


@case("whiten", True)
def whiten_ok_diagonal_matrix(X, mean, eigvals, eigvecs, eps=1e-5):
    return (X - mean) @ eigvecs @ np.diag(1.0 / np.sqrt(eigvals + eps))


@case("whiten", True)
def whiten_ok_power(X, mean, eigvals, eigvecs, eps=1e-5):
    return ((X - mean) @ eigvecs) * (eigvals + eps) ** -0.5


@case("whiten", True)
def whiten_ok_via_pca_transform(X, mean, eigvals, eigvecs, eps=1e-5):
    k = len(eigvals)
    X_rot = (X - mean) @ eigvecs[:, :k]
    return X_rot / np.sqrt(eigvals[:k] + eps)


@case("whiten", True)
def whiten_ok_scaled_vectors(X, mean, eigvals, eigvecs, eps=1e-5):
    W = eigvecs / np.sqrt(eigvals + eps)  # each column scaled: the same product, in one matrix
    return (X - mean) @ W


@case("whiten", True)
def whiten_ok_negative_eigenvalues_clipped(X, mean, eigvals, eigvecs, eps=1e-5):
    std = np.sqrt(np.maximum(eigvals, 0) + eps)  # a rounding error below 0 counts as 0
    return np.dot(X - mean, eigvecs) / std


@case("pca_transform", True)
def pca_transform_ok_transposed_product(X, mean, components, k):
    return (components[:, :k].T @ (X - mean).T).T


@case("whiten", False, hint=r"divided by the eigenvalue")
def whiten_bad_no_sqrt(X, mean, eigvals, eigvecs, eps=1e-5):
    return (X - mean) @ eigvecs / (eigvals + eps)


@case("whiten", False, hint=r"eps is missing|eps keeps")
def whiten_bad_no_eps(X, mean, eigvals, eigvecs, eps=1e-5):
    return (X - mean) @ eigvecs / np.sqrt(eigvals)


@case("whiten", False, hint=r"inside the square root")
def whiten_bad_eps_outside_sqrt(X, mean, eigvals, eigvecs, eps=1e-5):
    return (X - mean) @ eigvecs / (np.sqrt(eigvals) + eps)


@case("whiten", False, hint=r"eps passed in")
def whiten_bad_fixed_eps(X, mean, eigvals, eigvecs, eps=1e-5):
    return (X - mean) @ eigvecs / np.sqrt(eigvals + 1e-5)


@case("whiten", False, hint=r"default must be eps=1e-5")
def whiten_bad_default_eps_zero(X, mean, eigvals, eigvecs, eps=0.0):
    return (X - mean) @ eigvecs / np.sqrt(eigvals + eps)


@case("whiten", False, hint=r"own mean")
def whiten_bad_own_mean(X, mean, eigvals, eigvecs, eps=1e-5):
    return (X - X.mean(axis=0)) @ eigvecs / np.sqrt(eigvals + eps)


@case("whiten", False, hint=r"statistics on X itself")
def whiten_bad_refits_with_np_cov(X, mean, eigvals, eigvecs, eps=1e-5):
    own = X.mean(axis=0)
    cov = np.atleast_2d(np.cov(X.T)) if len(X) > 1 else np.zeros((X.shape[1],) * 2)
    vals, U = np.linalg.eigh(cov)
    vals, U = vals[::-1], U[:, ::-1]
    return (X - own) @ U / np.sqrt(np.maximum(vals, 0) + eps)


@case("whiten", False, hint=r"ZCA")
def whiten_bad_zca(X, mean, eigvals, eigvecs, eps=1e-5):
    return ((X - mean) @ eigvecs / np.sqrt(eigvals + eps)) @ eigvecs.T


@case("whiten", False, hint=r"not eigvecs\.T")
def whiten_bad_transposed_vectors(X, mean, eigvals, eigvecs, eps=1e-5):
    return (X - mean) @ eigvecs.T / np.sqrt(eigvals + eps)


@case("whiten", False, hint=r"Rotate into the eigenbasis")
def whiten_bad_no_rotation(X, mean, eigvals, eigvecs, eps=1e-5):
    return (X - mean) / np.sqrt(eigvals + eps)


@case("whiten", False, hint=r"changed its input|copy")
def whiten_bad_in_place(X, mean, eigvals, eigvecs, eps=1e-5):
    X -= mean
    return X @ eigvecs / np.sqrt(eigvals + eps)
