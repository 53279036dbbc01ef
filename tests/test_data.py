"""Tests for nnlib.data: generated sets, bundled data, the IDX/MNIST reader, and data helpers."""

import gzip
import hashlib
import socket

import numpy as np
import pytest

from nnlib import data
from nnlib._checks import ShapeError

GENERATORS = {
    "spirals": (data.make_spirals, dict(n_per_class=40, n_classes=4, noise=0.2), 160, 4),
    "moons": (data.make_moons, dict(n_samples=101, noise=0.1), 101, 2),
    "circles": (data.make_circles, dict(n_samples=99, noise=0.05, factor=0.4), 99, 2),
    "xor": (data.make_xor, dict(n_samples=300, noise=0.1), 300, 2),
    "blobs": (data.make_blobs, dict(n_samples=100, centers=3, std=0.5), 100, 3),
}


# ---------------------------------------------------------------------------------------------
# Generated 2-D sets
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GENERATORS)
def test_generator_shapes_dtypes_labels(name):
    make, kwargs, n, n_classes = GENERATORS[name]
    X, y = make(**kwargs, rng=np.random.default_rng(0))
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype.kind == "i"
    assert set(np.unique(y)) == set(range(n_classes))
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", GENERATORS)
def test_generator_determinism(name):
    make, kwargs, _, _ = GENERATORS[name]
    X1, y1 = make(**kwargs, rng=np.random.default_rng(7))
    X2, y2 = make(**kwargs, rng=np.random.default_rng(7))
    X3, y3 = make(**kwargs, rng=7)  # an int seed means default_rng(seed)
    X4, _ = make(**kwargs, rng=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(X1, X3)
    np.testing.assert_array_equal(y1, y3)
    assert not np.allclose(X1, X4)


@pytest.mark.parametrize("name", GENERATORS)
def test_generator_needs_rng(name):
    make, kwargs, _, _ = GENERATORS[name]
    with pytest.raises(ValueError, match="default_rng"):
        make(**kwargs)
    with pytest.raises(TypeError, match="RandomState"):
        make(**kwargs, rng=np.random.RandomState(0))


def test_balanced_classes():
    assert np.bincount(data.make_spirals(30, 3, rng=0)[1]).tolist() == [30, 30, 30]
    assert np.bincount(data.make_moons(101, rng=0)[1]).tolist() == [51, 50]
    assert np.bincount(data.make_circles(100, rng=0)[1]).tolist() == [50, 50]
    assert np.bincount(data.make_blobs(10, centers=3, rng=0)[1]).tolist() == [4, 3, 3]


def test_moons_geometry_without_noise():
    X, y = data.make_moons(200, noise=0.0, rng=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_circles_geometry_without_noise():
    X, y = data.make_circles(200, noise=0.0, factor=0.3, rng=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)
    with pytest.raises(ValueError, match="factor"):
        data.make_circles(10, factor=1.5, rng=0)


def test_xor_labels_without_noise():
    X, y = data.make_xor(500, noise=0.0, rng=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert np.all(np.abs(X) <= 1.0)
    # with noise, the labels stay those of the clean points, so some points cross the axes
    Xn, yn = data.make_xor(500, noise=0.3, rng=0)
    assert 0 < np.mean(yn != (Xn[:, 0] * Xn[:, 1] < 0)) < 0.3


def test_spirals_radius_grows_along_each_arm():
    X, y = data.make_spirals(50, 3, noise=0.5, rng=0)
    for k in range(3):
        arm = X[y == k]
        np.testing.assert_allclose(np.hypot(arm[:, 0], arm[:, 1]), np.linspace(0, 1, 50), atol=1e-12)


def test_blobs_centres_and_spread():
    centers = np.array([[0.0, 0.0], [10.0, -3.0], [2.0, 7.0]])
    X, y = data.make_blobs(3, centers=centers, std=0.0, rng=0)
    np.testing.assert_array_equal(X, centers)
    X, y = data.make_blobs(30_000, centers=centers, std=[0.5, 1.0, 2.0], rng=0)
    for k in range(3):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=0.05)
        np.testing.assert_allclose(X[y == k].std(axis=0), [0.5, 1.0, 2.0][k], rtol=0.03)
    with pytest.raises(ShapeError):
        data.make_blobs(10, centers=np.zeros(3), rng=0)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_generators_reject_bad_counts(bad):
    with pytest.raises(ValueError, match="n_samples"):
        data.make_moons(bad, rng=0)


def test_generators_reject_negative_noise():
    with pytest.raises(ValueError, match="noise"):
        data.make_spirals(10, noise=-0.1, rng=0)


# ---------------------------------------------------------------------------------------------
# Bundled real data
# ---------------------------------------------------------------------------------------------


def test_load_digits():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype.kind == "i"
    assert X.min() == 0 and X.max() == 16
    np.testing.assert_array_equal(X, np.round(X))  # pixel counts are whole numbers
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert y[:10].tolist() == list(range(10))
    # the first image is a zero: an empty centre surrounded by ink
    first = X[0].reshape(8, 8)
    assert first[3:5, 3:5].sum() == 0 and first[:, 2].sum() > 50


def test_load_seeds():
    X, y = data.load_seeds()
    assert X.shape == (210, 7) and X.dtype == np.float64
    assert y.dtype.kind == "i" and np.bincount(y).tolist() == [70, 70, 70]
    np.testing.assert_allclose(X[0], [15.26, 14.84, 0.871, 5.763, 3.312, 2.221, 5.22])
    # compactness is defined as 4 pi area / perimeter^2: the columns must be in the right order
    np.testing.assert_allclose(X[:, 2], 4 * np.pi * X[:, 0] / X[:, 1] ** 2, atol=2e-3)
    X2, y2, feature_names, class_names = data.load_seeds(return_names=True)
    np.testing.assert_array_equal(X, X2)
    assert len(feature_names) == 7 and feature_names[0] == "area"
    assert class_names == ["Kama", "Rosa", "Canadian"] == list(data.SEEDS_CLASS_NAMES)


def test_bundled_files_have_a_licence_note():
    readme = (data.DATASETS_DIR / "README.md").read_text()
    assert "CC BY 4.0" in readme and "Alpaydin" in readme and "Charytanowicz" in readme


# ---------------------------------------------------------------------------------------------
# IDX files and MNIST
# ---------------------------------------------------------------------------------------------

_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(np.int16): 0x0B,
          np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D, np.dtype(np.float64): 0x0E}


def idx_bytes(array):
    """The IDX encoding of ``array``, written independently of the code under test."""
    array = np.asarray(array)
    header = bytes([0, 0, _CODES[array.dtype], array.ndim])
    dims = np.asarray(array.shape, dtype=">u4").tobytes()
    return header + dims + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array, gz=False):
    raw = idx_bytes(array)
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to open a network connection fail loudly."""
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_images_and_labels(tmp_path, gz):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 4, 3), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    suffix = ".gz" if gz else ""
    got_images = data.read_idx(write_idx(tmp_path / f"img-idx3-ubyte{suffix}", images, gz))
    got_labels = data.read_idx(write_idx(tmp_path / f"lab-idx1-ubyte{suffix}", labels, gz))
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_images.shape == (5, 4, 3) and got_labels.shape == (5,)


@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.float32, np.float64, np.int8])
def test_read_idx_is_big_endian_for_every_type(tmp_path, dtype):
    values = (np.arange(12).reshape(3, 4) * 300 - 1000).astype(dtype) if dtype != np.int8 \
        else np.arange(-6, 6, dtype=np.int8).reshape(3, 4)
    got = data.read_idx(write_idx(tmp_path / "x.idx", values))
    assert got.dtype == np.dtype(dtype) and got.dtype.isnative
    np.testing.assert_array_equal(got, values)


def test_read_idx_gzip_is_detected_by_content(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = tmp_path / "labels-without-gz-suffix"
    path.write_bytes(gzip.compress(idx_bytes(labels)))
    np.testing.assert_array_equal(data.read_idx(path), labels)


def test_read_idx_truncated(tmp_path):
    raw = idx_bytes(np.zeros((4, 28, 28), dtype=np.uint8))
    (tmp_path / "cut").write_bytes(raw[:-100])
    with pytest.raises(data.IDXFormatError, match="truncated"):
        data.read_idx(tmp_path / "cut")
    (tmp_path / "cut-header").write_bytes(raw[:9])
    with pytest.raises(data.IDXFormatError, match="header"):
        data.read_idx(tmp_path / "cut-header")
    (tmp_path / "cut.gz").write_bytes(gzip.compress(raw)[:-20])
    with pytest.raises(data.IDXFormatError, match="gzip"):
        data.read_idx(tmp_path / "cut.gz")
    (tmp_path / "long").write_bytes(raw + b"\x00")
    with pytest.raises(data.IDXFormatError, match="longer"):
        data.read_idx(tmp_path / "long")


def test_read_idx_wrong_file(tmp_path):
    (tmp_path / "page.gz").write_bytes(b"<html><body>404 Not Found</body></html>")
    with pytest.raises(data.IDXFormatError, match="not an IDX file"):
        data.read_idx(tmp_path / "page.gz")
    (tmp_path / "badtype").write_bytes(bytes([0, 0, 0x07, 1, 0, 0, 0, 1, 9]))
    with pytest.raises(data.IDXFormatError, match="0x07"):
        data.read_idx(tmp_path / "badtype")
    assert issubclass(data.IDXFormatError, ValueError)


def tiny_mnist(folder, n_train=6, n_test=4, gz=True, seed=0):
    """Write the four MNIST files with random 28x28 images into ``folder``; return the arrays."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for split, n in (("train", n_train), ("test", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        image_name, label_name = data.MNIST_FILES[split]
        suffix = ".gz" if gz else ""
        write_idx(folder / (image_name + suffix), images, gz)
        write_idx(folder / (label_name + suffix), labels, gz)
        arrays[split] = (images, labels)
    return arrays


@pytest.mark.parametrize("gz", [True, False])
def test_load_mnist_from_folder(tmp_path, gz, no_network):
    arrays = tiny_mnist(tmp_path, gz=gz)
    X, y = data.load_mnist(tmp_path)
    images, labels = arrays["train"]
    assert X.shape == (6, 784) and X.dtype == np.float32
    assert 0.0 <= X.min() and X.max() <= 1.0
    np.testing.assert_allclose(X, images.reshape(6, -1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)
    assert y.dtype.kind == "i"
    X_test, y_test = data.load_mnist(tmp_path, kind="test", dtype=np.float64)
    assert X_test.shape == (4, 784) and X_test.dtype == np.float64
    np.testing.assert_array_equal(X_test, arrays["test"][0].reshape(4, -1) / 255.0)
    both = data.load_mnist(tmp_path, kind="both")
    assert [a.shape for a in both] == [(6, 784), (6,), (4, 784), (4,)]
    with pytest.raises(ValueError, match="kind"):
        data.load_mnist(tmp_path, kind="validation")


def test_load_mnist_uses_nnlib_data_env(tmp_path, monkeypatch, no_network):
    tiny_mnist(tmp_path / "mnist")
    monkeypatch.setenv("NNLIB_DATA", str(tmp_path))
    assert data.mnist_dir() == tmp_path / "mnist"
    X, y = data.load_mnist(kind="test")
    assert X.shape == (4, 784)


def test_load_mnist_missing_files_without_download(tmp_path, no_network):
    folder = tmp_path / "empty"
    with pytest.raises(FileNotFoundError) as info:
        data.load_mnist(folder, kind="test")
    message = str(info.value)
    assert str(folder) in message
    assert "t10k-images-idx3-ubyte" in message and "t10k-labels-idx1-ubyte" in message
    assert "train-images" not in message  # only what kind="test" needs is reported
    assert "download=True" in message
    assert not folder.exists()  # nothing was created, nothing fetched


def test_load_mnist_mismatched_counts(tmp_path):
    tiny_mnist(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(5, dtype=np.uint8), gz=True)
    with pytest.raises(data.IDXFormatError, match="labels"):
        data.load_mnist(tmp_path)


@pytest.fixture
def local_mirror(tmp_path, monkeypatch):
    """A file:// mirror holding the four gzipped files, with the checksum table patched to match."""
    mirror = tmp_path / "mirror"
    arrays = tiny_mnist(mirror, gz=True)
    table = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in mirror.iterdir()}
    monkeypatch.setattr(data, "MNIST_SHA256", table)
    # the first mirror does not exist, so the loader must fall back to the second
    monkeypatch.setattr(data, "MNIST_MIRRORS", [(tmp_path / "gone").as_uri() + "/", mirror.as_uri() + "/"])
    return arrays


def test_load_mnist_download_from_local_mirror(tmp_path, local_mirror, no_network, capsys):
    cache = tmp_path / "cache" / "mnist"
    X, y, X_test, y_test = data.load_mnist(cache, kind="both", download=True)
    np.testing.assert_array_equal(y, local_mirror["train"][1])
    np.testing.assert_array_equal(y_test, local_mirror["test"][1])
    assert X.shape == (6, 784)
    assert sorted(p.name for p in cache.iterdir()) == sorted(data.MNIST_SHA256)  # no .part files left
    assert "downloading" in capsys.readouterr().out
    # cached: a second call reads the files without any mirror
    data.MNIST_MIRRORS[:] = []
    X_again, _ = data.load_mnist(cache, download=True)
    np.testing.assert_array_equal(X_again, X)
    assert "downloading" not in capsys.readouterr().out


def test_load_mnist_download_refuses_wrong_checksum(tmp_path, local_mirror, monkeypatch, no_network):
    bad = dict(data.MNIST_SHA256, **{"t10k-labels-idx1-ubyte.gz": "0" * 64})
    monkeypatch.setattr(data, "MNIST_SHA256", bad)
    cache = tmp_path / "cache"
    with pytest.raises(data.DownloadError) as info:
        data.load_mnist(cache, kind="test", download=True)
    message = str(info.value)
    assert "checksum mismatch" in message and "t10k-labels-idx1-ubyte.gz" in message
    assert str(cache) in message and "by hand" in message
    assert not (cache / "t10k-labels-idx1-ubyte.gz").exists()
    assert [p.name for p in cache.iterdir()] == ["t10k-images-idx3-ubyte.gz"]  # no partial file


def test_download_offline_message(tmp_path, monkeypatch, no_network):
    monkeypatch.setattr(data, "MNIST_MIRRORS", [(tmp_path / "nowhere").as_uri() + "/"])
    with pytest.raises(data.DownloadError, match="could not download t10k-images"):
        data.load_mnist(tmp_path / "cache", kind="test", download=True)


def test_mnist_tables_are_consistent():
    names = {name + ".gz" for pair in data.MNIST_FILES.values() for name in pair}
    assert names == set(data.MNIST_SHA256)
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in data.MNIST_SHA256.values())
    assert all(url.startswith("https://") for url in data.MNIST_MIRRORS)


# ---------------------------------------------------------------------------------------------
# Split, standardize, mini-batches, k-fold, confusion matrix
# ---------------------------------------------------------------------------------------------


def rows_with_ids(n, n_classes=3):
    """X whose first column is the row id, y a label that we can check stays attached to it."""
    X = np.column_stack([np.arange(n, dtype=float), np.arange(n) % 7])
    y = np.arange(n) % n_classes
    return X, y


def test_train_test_split_partitions_the_data():
    X, y = rows_with_ids(100)
    X_tr, X_te, y_tr, y_te = data.train_test_split(X, y, test_size=0.25, rng=0)
    assert X_tr.shape == (75, 2) and X_te.shape == (25, 2)
    ids = np.concatenate([X_tr[:, 0], X_te[:, 0]])
    np.testing.assert_array_equal(np.sort(ids), np.arange(100))  # every sample exactly once
    np.testing.assert_array_equal(y_tr, X_tr[:, 0].astype(int) % 3)  # labels stay with rows
    np.testing.assert_array_equal(y_te, X_te[:, 0].astype(int) % 3)
    assert not np.array_equal(X_te[:, 0], np.arange(75, 100))  # shuffled
    again = data.train_test_split(X, y, test_size=0.25, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(again[1], X_te)
    assert data.train_test_split(X, y, test_size=10, rng=0)[1].shape == (10, 2)


def test_train_test_split_stratified_keeps_proportions():
    y = np.repeat([0, 1, 2], [100, 50, 10])
    X = np.arange(160.0).reshape(-1, 1)
    _, X_te, y_tr, y_te = data.train_test_split(X, y, test_size=0.2, rng=1, stratify=True)
    assert np.bincount(y_te).tolist() == [20, 10, 2]
    assert np.bincount(y_tr).tolist() == [80, 40, 8]
    np.testing.assert_array_equal(y_te, y[X_te[:, 0].astype(int)])


@pytest.mark.parametrize("bad", [0, 0.0, 1.0, 1.5, -0.1, 100, "0.2", None])
def test_train_test_split_rejects_bad_test_size(bad):
    X, y = rows_with_ids(100)
    with pytest.raises(ValueError, match="test_size"):
        data.train_test_split(X, y, test_size=bad, rng=0)


def test_train_test_split_checks_lengths_and_rng():
    X, y = rows_with_ids(10)
    with pytest.raises(ShapeError, match="10 rows but y has 9"):
        data.train_test_split(X, y[:9], rng=0)
    with pytest.raises(ValueError, match="default_rng"):
        data.train_test_split(X, y)


def test_standardizer():
    rng = np.random.default_rng(0)
    X_train = rng.normal([5.0, -2.0, 100.0], [2.0, 0.1, 30.0], size=(500, 3))
    X_train = np.column_stack([X_train, np.full(500, 4.0)])  # a constant feature
    scaler = data.Standardizer().fit(X_train)
    Z = scaler.transform(X_train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z[:, :3].std(axis=0), 1.0)
    np.testing.assert_array_equal(Z[:, 3], 0.0)  # centred, not divided by zero
    np.testing.assert_allclose(scaler.inverse_transform(Z), X_train)
    np.testing.assert_allclose(data.Standardizer().fit_transform(X_train), Z)
    # other data use the training statistics, not their own
    X_other = X_train[:10] + 1.0
    np.testing.assert_allclose(scaler.transform(X_other), Z[:10] + 1.0 / scaler.std)


def test_standardizer_errors():
    with pytest.raises(RuntimeError, match="fit"):
        data.Standardizer().transform(np.zeros((2, 3)))
    scaler = data.Standardizer().fit(np.ones((4, 3)))
    with pytest.raises(ShapeError, match=r"\(N, 3\).*\(2, 5\)"):
        scaler.transform(np.zeros((2, 5)))
    assert "3 features" in repr(scaler)


def test_standardize_convenience():
    rng = np.random.default_rng(1)
    X_train, X_test = rng.normal(3, 2, size=(200, 4)), rng.normal(3, 2, size=(50, 4))
    Z_train, Z_test = data.standardize(X_train, X_test)
    np.testing.assert_allclose(Z_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z_train.std(axis=0), 1)
    np.testing.assert_allclose(Z_test, (X_test - X_train.mean(0)) / X_train.std(0))
    np.testing.assert_allclose(data.standardize(X_train), Z_train)


def test_one_hot_is_reexported():
    from nnlib.functional import one_hot

    assert data.one_hot is one_hot
    np.testing.assert_array_equal(data.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize("batch_size", [1, 7, 10, 64])
def test_minibatches_cover_every_sample_once(batch_size):
    X, y = rows_with_ids(23)
    batches = list(data.minibatches(X, y, batch_size, rng=0))
    sizes = [len(xb) for xb, _ in batches]
    assert sizes == [batch_size] * (23 // batch_size) + ([23 % batch_size] if 23 % batch_size else [])
    ids = np.concatenate([xb[:, 0] for xb, _ in batches])
    np.testing.assert_array_equal(np.sort(ids), np.arange(23))
    for xb, yb in batches:
        np.testing.assert_array_equal(yb, xb[:, 0].astype(int) % 3)
    if batch_size < 23:
        assert not np.array_equal(ids, np.arange(23))


def test_minibatches_order():
    X, y = rows_with_ids(20)
    first = np.concatenate([xb[:, 0] for xb, _ in data.minibatches(X, y, 8, rng=3)])
    again = np.concatenate([xb[:, 0] for xb, _ in data.minibatches(X, y, 8, rng=3)])
    other = np.concatenate([xb[:, 0] for xb, _ in data.minibatches(X, y, 8, rng=4)])
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    ordered = np.concatenate([xb[:, 0] for xb, _ in data.minibatches(X, y, 8, shuffle=False)])
    np.testing.assert_array_equal(ordered, np.arange(20))
    with pytest.raises(ValueError, match="shuffle"):
        next(data.minibatches(X, y, 8))
    with pytest.raises(ValueError, match="batch_size"):
        next(data.minibatches(X, y, 0, rng=0))


@pytest.mark.parametrize("n, k", [(10, 5), (23, 5), (210, 5), (7, 7)])
def test_kfold_indices(n, k):
    folds = data.kfold_indices(n, k, rng=0)
    assert len(folds) == k
    val_all = np.concatenate([val for _, val in folds])
    np.testing.assert_array_equal(np.sort(val_all), np.arange(n))  # each sample validated once
    sizes = [len(val) for _, val in folds]
    assert max(sizes) - min(sizes) <= 1
    for train, val in folds:
        assert np.intersect1d(train, val).size == 0
        np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(n))


def test_kfold_shuffles_sorted_data():
    _, y = data.load_seeds()  # sorted by class: unshuffled folds would hold one or two classes
    for _, val in data.kfold_indices(210, 5, rng=0):
        assert len(np.unique(y[val])) == 3
    plain = data.kfold_indices(10, 2, shuffle=False)
    np.testing.assert_array_equal(plain[0][1], np.arange(5))
    with pytest.raises(ValueError, match="k=6"):
        data.kfold_indices(5, 6, rng=0)
    with pytest.raises(ValueError, match="default_rng"):
        data.kfold_indices(10, 2)


def test_confusion_matrix():
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 2])
    C = data.confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 2, 1], [0, 0, 1]])
    assert C.trace() / C.sum() == np.mean(y_true == y_pred)
    np.testing.assert_array_equal(C.sum(axis=1), np.bincount(y_true))
    assert data.confusion_matrix([0, 1], [1, 1], n_classes=4).shape == (4, 4)
    with pytest.raises(ValueError, match="n_classes=2"):
        data.confusion_matrix([0, 2], [0, 1], n_classes=2)
    with pytest.raises(ValueError, match="probabilities"):
        data.confusion_matrix([0, 1], [0.2, 0.9])
    with pytest.raises(ShapeError):
        data.confusion_matrix([0, 1, 1], [0, 1])
