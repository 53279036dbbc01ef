"""Data for the course: generated 2-D point sets, two small real data sets shipped with nnlib,
an MNIST reader, and the helpers every training run needs (split, standardize, mini-batches,
k-fold indices, confusion matrix).

Conventions: a data matrix ``X`` has shape (N, D), one sample per row; labels ``y`` are integer
class ids of shape (N,). Every function that draws random numbers takes ``rng``: a
``np.random.Generator`` (``np.random.default_rng(seed)``) or an int seed (see :func:`as_rng`).
Nothing here downloads unless you ask for it with ``load_mnist(download=True)``.
"""

import gzip
import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from ._checks import ShapeError, as_rng
from .functional import one_hot

__all__ = [
    "as_rng", "make_spirals", "make_moons", "make_circles", "make_xor", "make_blobs",
    "load_digits", "load_seeds", "SEEDS_FEATURE_NAMES", "SEEDS_CLASS_NAMES",
    "read_idx", "IDXFormatError", "load_mnist", "mnist_dir", "DownloadError",
    "MNIST_MIRRORS", "MNIST_SHA256", "MNIST_FILES",
    "train_test_split", "Standardizer", "standardize", "one_hot", "minibatches",
    "kfold_indices", "confusion_matrix",
]

DATASETS_DIR = Path(__file__).resolve().parent / "datasets"


def _check_count(n, name, where, minimum=1):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{where}: {name} must be an integer >= {minimum}, got {n!r}.")
    return int(n)


def _check_noise(noise, where):
    if not noise >= 0:
        raise ValueError(f"{where}: noise is a standard deviation and must be >= 0, got {noise!r}.")


# ---------------------------------------------------------------------------------------------
# Generated 2-D data sets. Rows come grouped by class (all of class 0, then class 1, ...):
# shuffle them with train_test_split or minibatches before training on slices.
# ---------------------------------------------------------------------------------------------


def make_spirals(n_per_class=100, n_classes=3, noise=0.2, rng=None):
    """Interleaved spiral arms, one per class (the classic CS231n toy problem).

    Each arm goes out from the origin to radius 1 while its angle turns by 4 radians; ``noise``
    is the standard deviation of Gaussian jitter added to the angle. No straight line separates
    the arms: a linear classifier fails here where one hidden layer succeeds.

    Returns ``X`` of shape (n_per_class * n_classes, 2) and ``y`` of shape (n_per_class * n_classes,).
    """
    where = "make_spirals"
    n_per_class = _check_count(n_per_class, "n_per_class", where)
    n_classes = _check_count(n_classes, "n_classes", where, minimum=2)
    _check_noise(noise, where)
    rng = as_rng(rng, where)
    X = np.empty((n_per_class * n_classes, 2))
    y = np.repeat(np.arange(n_classes), n_per_class)
    radius = np.linspace(0.0, 1.0, n_per_class)
    for k in range(n_classes):
        angle = np.linspace(4.0 * k, 4.0 * (k + 1), n_per_class) + noise * rng.standard_normal(n_per_class)
        rows = slice(k * n_per_class, (k + 1) * n_per_class)
        X[rows, 0] = radius * np.sin(angle)
        X[rows, 1] = radius * np.cos(angle)
    return X, y


def make_moons(n_samples=200, noise=0.1, rng=None):
    """Two interleaving half circles: class 0 is the upper arc, class 1 the lower, shifted one.

    ``noise`` is the standard deviation of Gaussian noise added to both coordinates.
    Returns ``X`` (n_samples, 2) and ``y`` (n_samples,); class 0 gets the extra point when
    ``n_samples`` is odd.
    """
    where = "make_moons"
    n_samples = _check_count(n_samples, "n_samples", where, minimum=2)
    _check_noise(noise, where)
    rng = as_rng(rng, where)
    n_upper = n_samples - n_samples // 2
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_samples // 2)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n_samples, 2))
    y = np.repeat([0, 1], [n_upper, n_samples // 2])
    return X, y


def make_circles(n_samples=200, noise=0.05, factor=0.5, rng=None):
    """A circle of radius 1 (class 0) around a circle of radius ``factor`` (class 1).

    ``factor`` must lie in (0, 1); ``noise`` is the standard deviation of Gaussian noise added
    to both coordinates. Returns ``X`` (n_samples, 2) and ``y`` (n_samples,).
    """
    where = "make_circles"
    n_samples = _check_count(n_samples, "n_samples", where, minimum=2)
    _check_noise(noise, where)
    if not 0 < factor < 1:
        raise ValueError(
            f"{where}: factor is the inner radius over the outer one and must lie in (0, 1), got {factor!r}."
        )
    rng = as_rng(rng, where)
    n_outer = n_samples - n_samples // 2
    t_outer = np.linspace(0.0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2 * np.pi, n_samples // 2, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    X = np.vstack([outer, inner]) + noise * rng.standard_normal((n_samples, 2))
    y = np.repeat([0, 1], [n_outer, n_samples // 2])
    return X, y


def make_xor(n_samples=200, noise=0.1, rng=None):
    """Points spread uniformly over the square [-1, 1]^2, labelled 1 where ``x1`` and ``x2`` have
    different signs (the four quadrants in a checkerboard): the XOR problem.

    Labels come from the clean positions; then Gaussian noise of standard deviation ``noise``
    moves the points, so points near the axes may sit in the "wrong" quadrant.
    Rows are sorted by class. Returns ``X`` (n_samples, 2) and ``y`` (n_samples,).
    """
    where = "make_xor"
    n_samples = _check_count(n_samples, "n_samples", where)
    _check_noise(noise, where)
    rng = as_rng(rng, where)
    clean = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = ((clean[:, 0] > 0) != (clean[:, 1] > 0)).astype(np.intp)
    X = clean + noise * rng.standard_normal((n_samples, 2))
    order = np.argsort(y, kind="stable")
    return X[order], y[order]


def make_blobs(n_samples=200, centers=3, std=1.0, rng=None):
    """Gaussian clusters, one per class.

    centers : an int K (K centres drawn uniformly from the box [-5, 5]^2) or an array (K, D) of
        centres. Samples are shared out as evenly as possible (the first classes get the extras).
    std : the standard deviation of every cluster, or a sequence of K of them.
    Returns ``X`` (n_samples, D) (D = 2 for an int ``centers``) and ``y`` (n_samples,).
    """
    where = "make_blobs"
    n_samples = _check_count(n_samples, "n_samples", where)
    rng = as_rng(rng, where)
    if isinstance(centers, (int, np.integer)):
        centers = rng.uniform(-5.0, 5.0, size=(_check_count(centers, "centers", where), 2))
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2:
        raise ShapeError(f"{where}: centers must be an int or an array (K, D), got shape {centers.shape}.")
    n_classes = centers.shape[0]
    std = np.broadcast_to(np.asarray(std, dtype=np.float64), (n_classes,))
    if np.any(std < 0):
        raise ValueError(f"{where}: std must be >= 0, got {std.tolist()}.")
    counts = np.full(n_classes, n_samples // n_classes)
    counts[: n_samples % n_classes] += 1
    y = np.repeat(np.arange(n_classes), counts)
    X = centers[y] + std[y, None] * rng.standard_normal((n_samples, centers.shape[1]))
    return X, y


# ---------------------------------------------------------------------------------------------
# Real data shipped inside the package (see nnlib/datasets/README.md for sources and licences).
# ---------------------------------------------------------------------------------------------

SEEDS_FEATURE_NAMES = (
    "area", "perimeter", "compactness", "kernel length", "kernel width",
    "asymmetry coefficient", "kernel groove length",
)
SEEDS_CLASS_NAMES = ("Kama", "Rosa", "Canadian")


def load_digits():
    """The UCI optical handwritten digits (test set as shipped with scikit-learn): 1797 images of
    8x8 pixels, each pixel a count of "ink" from 0 to 16.

    Returns ``X`` float64 of shape (1797, 64) (an image is ``X[i].reshape(8, 8)``) and ``y`` int
    of shape (1797,) with the digit 0..9. Scale ``X`` before training (``X / 16`` or standardize).
    """
    table = np.loadtxt(DATASETS_DIR / "digits.csv.gz", delimiter=",")
    return table[:, :-1], table[:, -1].astype(np.intp)


def load_seeds(return_names=False):
    """The UCI "seeds" data set: 7 measurements of 210 wheat kernels from 3 varieties, 70 each.

    Returns ``X`` float64 (210, 7) and ``y`` int (210,) with classes 0, 1, 2 (the file's 1, 2, 3 =
    Kama, Rosa, Canadian). With ``return_names=True`` returns ``(X, y, feature_names,
    class_names)``; the names are also the module constants ``SEEDS_FEATURE_NAMES`` and
    ``SEEDS_CLASS_NAMES``. Features have very different scales: standardize before training.
    """
    table = np.loadtxt(DATASETS_DIR / "seeds_dataset.txt")  # splits on any run of whitespace
    X, y = table[:, :-1], table[:, -1].astype(np.intp) - 1
    if return_names:
        return X, y, list(SEEDS_FEATURE_NAMES), list(SEEDS_CLASS_NAMES)
    return X, y


# ---------------------------------------------------------------------------------------------
# MNIST: the IDX file format, a loader that reads the four files from a folder, and an opt-in
# download that checks every file against its published SHA-256.
# ---------------------------------------------------------------------------------------------


class IDXFormatError(ValueError):
    """A file is not a valid IDX file (wrong header, truncated, or trailing bytes)."""


class DownloadError(OSError):
    """Every mirror failed to deliver a file with the expected checksum."""


# IDX type codes (third byte of the header) and the big-endian NumPy dtypes they stand for.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# Tried in order by load_mnist(download=True). Tests point this at a local file:// folder.
MNIST_MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
]
# SHA-256 of the four gzipped files as distributed by LeCun, Cortes & Burges (and the mirrors).
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}


def read_idx(path):
    """Read an IDX file (the format of the MNIST files), gzipped or not, into a NumPy array.

    Header: two zero bytes, one byte for the element type (0x08 = unsigned byte, ...), one byte
    for the number of dimensions d, then d big-endian uint32 sizes; the data follows, big-endian.
    An image file of N 28x28 images gives an array (N, 28, 28); a label file gives (N,).
    Raises IDXFormatError with the reason when the file is not IDX, truncated or too long.
    """
    path = Path(path)
    with open(path, "rb") as f:
        raw = f.read()
    gzipped = raw[:2] == b"\x1f\x8b"  # gzip's magic number, whatever the file is called
    if gzipped:
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError) as err:
            raise IDXFormatError(
                f"{path}: the gzip stream is damaged or cut short ({err}). "
                "Was the download interrupted? Delete the file and fetch it again."
            ) from None
    if len(raw) < 4 or raw[:2] != b"\x00\x00":
        raise IDXFormatError(
            f"{path}: not an IDX file: it should start with two zero bytes, got {raw[:4]!r}. "
            "Is it an HTML error page saved by a failed download, or another format?"
        )
    type_code, ndim = raw[2], raw[3]
    if type_code not in _IDX_DTYPES:
        raise IDXFormatError(
            f"{path}: unknown IDX element type 0x{type_code:02X}; expected one of "
            f"{', '.join(f'0x{c:02X}' for c in _IDX_DTYPES)}."
        )
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise IDXFormatError(f"{path}: file ends inside the header ({len(raw)} bytes, header needs {header_len}).")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[type_code])
    expected = header_len + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "longer than its header says"
        raise IDXFormatError(
            f"{path}: file is {problem}: header says shape {shape} of {dtype.name} "
            f"({expected} bytes with the header), but it holds {len(raw)} bytes"
            + (" after decompression" if gzipped else "")
            + ". Delete it and fetch it again."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_len).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # a native-endian, writeable copy


def mnist_dir():
    """Where load_mnist looks by default: ``$NNLIB_DATA/mnist`` if the environment variable
    NNLIB_DATA is set, else ``~/.cache/nnlib/mnist``."""
    root = os.environ.get("NNLIB_DATA")
    return (Path(root) if root else Path.home() / ".cache" / "nnlib") / "mnist"


def _find(folder, name):
    """The file ``name`` or ``name.gz`` in ``folder``, or None."""
    for candidate in (folder / name, folder / (name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def _download(name_gz, folder):
    """Fetch ``name_gz`` from the first mirror that delivers the right bytes; write it atomically."""
    expected = MNIST_SHA256[name_gz]
    failures = []
    for mirror in MNIST_MIRRORS:
        url = mirror.rstrip("/") + "/" + name_gz
        fd, tmp = tempfile.mkstemp(prefix=name_gz + ".", suffix=".part", dir=folder)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
                while chunk := response.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != expected:
                failures.append(f"{url}: checksum mismatch (expected SHA-256 {expected}, got {digest.hexdigest()})")
                continue
            os.replace(tmp, folder / name_gz)  # atomic: a reader never sees half a file
            return folder / name_gz
        except OSError as err:  # URLError, HTTPError, timeouts and disk errors are all OSErrors
            failures.append(f"{url}: {err}")
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    raise DownloadError(
        f"could not download {name_gz}:\n  - " + "\n  - ".join(failures)
        + f"\nPlace the files in {folder} by hand (gzipped or not), from any MNIST mirror."
    )


def load_mnist(path=None, kind="train", download=False, dtype=np.float32):
    """Load MNIST from the four standard IDX files in a folder.

    path : folder holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
        ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each may end in ``.gz``).
        Default: :func:`mnist_dir` (``~/.cache/nnlib/mnist`` or ``$NNLIB_DATA/mnist``).
    kind : "train" (60,000 images), "test" (10,000) or "both".
    download : only when True are missing files fetched from ``MNIST_MIRRORS`` and checked
        against ``MNIST_SHA256``. Nothing is ever downloaded otherwise.
    dtype : of the returned images; float32 by default because 60,000 x 784 float64 is 376 MB.

    Returns ``(X, y)`` with ``X`` of shape (N, 784), pixel values scaled to [0, 1], and ``y`` int
    of shape (N,); for kind="both", ``(X_train, y_train, X_test, y_test)``.
    """
    if kind not in ("train", "test", "both"):
        raise ValueError(f'load_mnist: kind must be "train", "test" or "both", got {kind!r}.')
    folder = Path(path).expanduser() if path is not None else mnist_dir()
    splits = ["train", "test"] if kind == "both" else [kind]
    names = [name for split in splits for name in MNIST_FILES[split]]
    missing = [name for name in names if _find(folder, name) is None]
    if missing and not download:
        raise FileNotFoundError(
            f"load_mnist: missing {', '.join(n + '(.gz)' for n in missing)} in {folder}. "
            "Call load_mnist(download=True) to fetch them (about 11 MB), or download them from "
            f"{MNIST_MIRRORS[0]} and put them in that folder; set the NNLIB_DATA environment "
            "variable or pass path= to use another folder."
        )
    if missing:
        created = [d for d in (folder, *folder.parents) if not d.exists()]  # deepest first
        folder.mkdir(parents=True, exist_ok=True)
        try:
            for name in missing:
                print(f"load_mnist: downloading {name}.gz into {folder}")
                _download(name + ".gz", folder)
        except BaseException:
            # Offline, say: leave no empty cache folders behind (files already fetched stay).
            for d in created:
                if any(d.iterdir()):
                    break
                d.rmdir()
            raise
    result = []
    for split in splits:
        images_file, labels_file = (_find(folder, name) for name in MNIST_FILES[split])
        images, labels = read_idx(images_file), read_idx(labels_file)
        if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
            raise IDXFormatError(
                f"load_mnist: expected images (N, rows, cols) and labels (N,), got {images.shape} "
                f"from {images_file.name} and {labels.shape} from {labels_file.name}."
            )
        X = images.reshape(images.shape[0], -1).astype(dtype) / 255
        result += [X, labels.astype(np.intp)]
    return tuple(result)


# ---------------------------------------------------------------------------------------------
# Splitting, scaling and batching.
# ---------------------------------------------------------------------------------------------


def _check_xy(X, y, where):
    X, y = np.asarray(X), np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ShapeError(f"{where}: X has {X.shape[0]} rows but y has {y.shape[0]} labels; they must match.")
    return X, y


def train_test_split(X, y, test_size=0.2, rng=None, stratify=False):
    """Shuffle and split into training and test sets.

    test_size : the fraction of samples for the test set, in (0, 1), or an int count.
    stratify : if True, split every class separately so both sets keep the class proportions
        (up to rounding; the test set can then differ from ``test_size`` by a sample or two).
    Returns ``X_train, X_test, y_train, y_test`` (the order scikit-learn uses).
    """
    where = "train_test_split"
    X, y = _check_xy(X, y, where)
    n = X.shape[0]
    if isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        if not 0 < test_size < n:
            raise ValueError(f"{where}: an int test_size is a count and must lie in [1, {n - 1}], got {test_size}.")
        fraction = test_size / n
    elif isinstance(test_size, (float, np.floating)) and 0 < test_size < 1:
        fraction = float(test_size)
    else:
        raise ValueError(
            f"{where}: test_size must be a fraction in (0, 1) or an int count, got {test_size!r}. "
            "For 20% test data write test_size=0.2."
        )
    rng = as_rng(rng, where)
    if stratify:
        test_idx = []
        for c in np.unique(y):
            members = rng.permutation(np.flatnonzero(y == c))
            test_idx.append(members[: int(round(fraction * members.size))])
        is_test = np.zeros(n, dtype=bool)
        is_test[np.concatenate(test_idx)] = True
        test_idx, train_idx = rng.permutation(np.flatnonzero(is_test)), rng.permutation(np.flatnonzero(~is_test))
    else:
        order = rng.permutation(n)
        n_test = int(round(fraction * n))
        test_idx, train_idx = order[:n_test], order[n_test:]
    if train_idx.size == 0 or test_idx.size == 0:
        raise ValueError(f"{where}: test_size={test_size!r} leaves an empty set out of {n} samples.")
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


class Standardizer:
    """Shift and scale every feature to mean 0 and standard deviation 1, using statistics
    measured on the training data only (so no information leaks from the test set).

    >>> scaler = Standardizer().fit(X_train)
    >>> X_train_s, X_test_s = scaler.transform(X_train), scaler.transform(X_test)

    ``mean`` and ``std`` have shape (D,). A feature that is constant in the training data
    (std 0, e.g. a border pixel that is always blank) is centred but not scaled, instead of
    being divided by zero.
    """

    def __init__(self):
        self.mean = None
        self.std = None

    def fit(self, X):
        """Measure the per-feature mean and std of ``X`` (N, D). Returns self."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ShapeError(f"Standardizer.fit: X must be a non-empty (N, D) array, got shape {X.shape}.")
        self.mean = X.mean(axis=0)
        std = X.std(axis=0)
        self.std = np.where(std > 1e-12, std, 1.0)
        return self

    def _check(self, X, where):
        if self.mean is None:
            raise RuntimeError(f"Standardizer.{where}: call fit(X_train) first.")
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.mean.shape[0]:
            raise ShapeError(
                f"Standardizer.{where}: fitted on {self.mean.shape[0]} features, so X must have shape "
                f"(N, {self.mean.shape[0]}); got {X.shape}."
            )
        return X

    def transform(self, X):
        """``(X - mean) / std`` for ``X`` (N, D); returns a new array."""
        return (self._check(X, "transform") - self.mean) / self.std

    def fit_transform(self, X):
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X):
        """Undo :meth:`transform`: ``X * std + mean``."""
        return self._check(X, "inverse_transform") * self.std + self.mean

    def __repr__(self):
        if self.mean is None:
            return "Standardizer(not fitted)"
        return f"Standardizer(fitted on {self.mean.shape[0]} features)"


def standardize(X_train, *others):
    """Standardize ``X_train`` with its own mean/std and every array in ``others`` with the same.

    Returns the standardized ``X_train`` alone when no others are given, else a tuple
    ``(X_train_s, *others_s)``: ``X_train_s, X_test_s = standardize(X_train, X_test)``.
    """
    scaler = Standardizer().fit(X_train)
    if not others:
        return scaler.transform(X_train)
    return (scaler.transform(X_train),) + tuple(scaler.transform(X) for X in others)


def minibatches(X, y, batch_size, rng=None, shuffle=True):
    """Yield ``(X_batch, y_batch)`` pairs covering every sample exactly once (one epoch).

    Batches have ``batch_size`` rows except possibly the last, which holds the remainder.
    With ``shuffle=True`` (the default) the order is a fresh permutation drawn from ``rng``,
    which is then required; ``shuffle=False`` keeps the data order.
    """
    where = "minibatches"
    X, y = _check_xy(X, y, where)
    batch_size = _check_count(batch_size, "batch_size", where)
    n = X.shape[0]
    if shuffle:
        order = as_rng(rng, "minibatches(shuffle=True)").permutation(n)
    else:
        order = np.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def kfold_indices(n, k=5, rng=None, shuffle=True):
    """Index arrays for k-fold cross-validation over ``n`` samples.

    Returns a list of ``k`` pairs ``(train_idx, val_idx)``: the validation folds are disjoint,
    together cover every sample once, and differ in size by at most one; ``train_idx`` is the
    rest. With ``shuffle=True`` (needs ``rng``) samples are permuted first, which matters when
    the data are sorted by class, as the seeds file is.
    """
    where = "kfold_indices"
    n = _check_count(n, "n", where)
    k = _check_count(k, "k", where, minimum=2)
    if k > n:
        raise ValueError(f"{where}: k={k} folds need at least {k} samples, got n={n}.")
    order = as_rng(rng, "kfold_indices(shuffle=True)").permutation(n) if shuffle else np.arange(n)
    folds = np.array_split(order, k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), fold) for i, fold in enumerate(folds)]


def confusion_matrix(y_true, y_pred, n_classes=None):
    """Counts ``C[i, j]`` of samples of true class ``i`` predicted as class ``j``: shape (C, C).

    The diagonal holds the correct predictions; ``C.trace() / C.sum()`` is the accuracy.
    ``n_classes`` defaults to one more than the largest label seen.
    """
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ShapeError(f"confusion_matrix: {y_true.size} true labels but {y_pred.size} predictions.")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and (labels.dtype.kind not in "iu" or labels.min() < 0):
            raise ValueError(
                f"confusion_matrix: {name} must hold non-negative integer class ids, got dtype "
                f"{labels.dtype} with minimum {labels.min()}. Did you pass probabilities? Use argmax(axis=1)."
            )
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    elif y_true.size and max(y_true.max(), y_pred.max()) >= n_classes:
        largest = max(y_true.max(), y_pred.max())
        raise ValueError(f"confusion_matrix: labels go up to {largest}, beyond n_classes={n_classes}.")
    counts = np.bincount(n_classes * y_true + y_pred, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes)
