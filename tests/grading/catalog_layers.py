"""Learner implementations of sheet 3's layer classes (ex03_backprop, 3.10 and 3.11): `Dense`
(He-initialized, forward caches x, backward returns dx and stores dW, db) and `ReLU` (forward
caches the mask, backward passes the gradient where the input was > 0). Valid ones must pass;
mistakes must be rejected with a hint naming them.
"""

import numpy as np

from .cases import case

# ---------------------------------------------------------------------------------------------
# Dense(fan_in, fan_out, rng)
# ---------------------------------------------------------------------------------------------


def _he(fan_in, fan_out, rng):
    return np.random.default_rng(rng).normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def _fits(layer, x):
    if x.ndim != 2 or x.shape[1] != layer.W.shape[0]:
        raise ValueError(f"Dense: x has shape {x.shape}, W has shape {layer.W.shape}")


class _DenseBase:
    """The constructor and forward most learners write; the classes below vary one part."""

    def __init__(self, fan_in, fan_out, rng):
        self.W = _he(fan_in, fan_out, rng)
        self.b = np.zeros(fan_out)

    def forward(self, x):
        _fits(self, x)
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


@case("Dense", True)
class Dense_ok_plain(_DenseBase):
    pass


@case("Dense", True)
class Dense_ok_uniform_he_and_copied_cache:
    """He's variance from a uniform on [-a, a], a = sqrt(6 / fan_in); x cached as a copy."""

    def __init__(self, fan_in, fan_out, rng):
        rng = np.random.default_rng(rng)
        a = np.sqrt(6.0 / fan_in)
        self.W = rng.uniform(-a, a, size=(fan_in, fan_out))
        self.b = np.zeros((fan_out,))

    def forward(self, x):
        if x.shape[-1] != self.W.shape[0]:
            raise ValueError(f"Dense layer: input {x.shape} and weights {self.W.shape} "
                             "do not fit")
        self.x = x.copy()
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


@case("Dense", True)
class Dense_ok_cache_dict_einsum:
    """Keeps fan_in, a cache dict and the generator; names the expected shape (N, fan_in)."""

    def __init__(self, fan_in, fan_out, rng):
        self.fan_in, self.fan_out = fan_in, fan_out
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self.W = self.rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        self.b = np.zeros(fan_out)
        self.cache = {}

    def forward(self, x):
        if x.ndim != 2 or x.shape[1] != self.fan_in:
            raise ValueError(f"Dense({self.fan_in}, {self.fan_out}): expected x of shape "
                             f"(N, {self.fan_in}), got {x.shape}")
        self.cache["x"] = x
        return np.einsum("nd,dh->nh", x, self.W) + self.b

    def backward(self, dout):
        x = self.cache["x"]
        self.dW = np.einsum("nd,nh->dh", x, dout)
        self.db = np.add.reduce(dout, axis=0)
        return np.einsum("nh,dh->nd", dout, self.W)


@case("Dense", True)
class Dense_ok_grads_written_in_place(_DenseBase):
    """nnlib's style: dW and db preallocated in __init__ and overwritten by every backward."""

    def __init__(self, fan_in, fan_out, rng):
        super().__init__(fan_in, fan_out, rng)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def backward(self, dout):
        np.matmul(self.x.T, dout, out=self.dW)
        dout.sum(axis=0, out=self.db)
        return dout @ self.W.T


@case("Dense", True)
class Dense_ok_transposed_products(_DenseBase):
    """dW and dx written as transposes of other products."""

    def backward(self, dout):
        self.dW = (dout.T @ self.x).T
        self.db = np.ones(dout.shape[0], dtype=dout.dtype) @ dout
        return (self.W @ dout.T).T


@case("Dense", False, hint=r"dW is transposed")
class Dense_bad_dW_transposed(_DenseBase):
    def backward(self, dout):
        self.dW = dout.T @ self.x
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


@case("Dense", False, hint=r"sum, do not average")
class Dense_bad_db_mean(_DenseBase):
    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.mean(axis=0)
        return dout @ self.W.T


@case("Dense", False, hint=r"Sum over the batch")
class Dense_bad_db_not_summed(_DenseBase):
    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout
        return dout @ self.W.T


@case("Dense", False, hint=r"dx = dout @ W\.T is \(N, D\)")
class Dense_bad_dx_without_transpose(_DenseBase):
    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W


@case("Dense", False, hint=r"Do not divide by N")
class Dense_bad_divides_by_n(_DenseBase):
    def backward(self, dout):
        n = dout.shape[0]
        self.dW = self.x.T @ dout / n
        self.db = dout.sum(axis=0) / n
        return dout @ self.W.T


@case("Dense", False, hint=r"earlier forward call")
class Dense_bad_caches_only_the_first_input(_DenseBase):
    def forward(self, x):
        _fits(self, x)
        if getattr(self, "x", None) is None:
            self.x = x
        return x @ self.W + self.b


@case("Dense", False, hint=r"not in a class attribute")
class Dense_bad_cache_in_a_class_attribute(_DenseBase):
    def forward(self, x):
        _fits(self, x)
        Dense_bad_cache_in_a_class_attribute.x = x  # shared by every layer of this class
        return x @ self.W + self.b


@case("Dense", False, hint=r"do not add it to the previous one")
class Dense_bad_accumulates_gradients(_DenseBase):
    def __init__(self, fan_in, fan_out, rng):
        super().__init__(fan_in, fan_out, rng)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)

    def backward(self, dout):
        self.dW += self.x.T @ dout
        self.db += dout.sum(axis=0)
        return dout @ self.W.T


@case("Dense", False, hint=r"return only dx")
class Dense_bad_returns_the_tuple(_DenseBase):
    def backward(self, dout):
        return dout @ self.W.T, self.x.T @ dout, dout.sum(axis=0)


@case("Dense", False, hint=r"Xavier's variance")
class Dense_bad_xavier(_DenseBase):
    def __init__(self, fan_in, fan_out, rng):
        rng = np.random.default_rng(rng)
        self.W = rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))
        self.b = np.zeros(fan_out)


@case("Dense", False, hint=r"He uses fan_in")
class Dense_bad_fan_out_variance(_DenseBase):
    def __init__(self, fan_in, fan_out, rng):
        rng = np.random.default_rng(rng)
        self.W = rng.normal(0.0, np.sqrt(2.0 / fan_out), size=(fan_in, fan_out))
        self.b = np.zeros(fan_out)


@case("Dense", False, hint=r"global random state")
class Dense_bad_np_random(_DenseBase):
    def __init__(self, fan_in, fan_out, rng):
        self.W = np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)
        self.b = np.zeros(fan_out)


@case("Dense", False, hint=r"an int has no methods")
class Dense_bad_int_seed_not_converted(_DenseBase):
    def __init__(self, fan_in, fan_out, rng):
        self.W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        self.b = np.zeros(fan_out)


@case("Dense", False, hint=r"Start the biases at zero")
class Dense_bad_random_biases(_DenseBase):
    def __init__(self, fan_in, fan_out, rng):
        rng = np.random.default_rng(rng)
        self.W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        self.b = rng.normal(0.0, 0.01, size=fan_out)


@case("Dense", False, hint=r"layer.W is transposed")
class Dense_bad_weights_fan_out_by_fan_in(_DenseBase):
    def __init__(self, fan_in, fan_out, rng):
        self.W = _he(fan_in, fan_out, rng).T
        self.b = np.zeros(fan_out)


@case("Dense", False, hint=r"bias is missing")
class Dense_bad_forgets_the_bias(_DenseBase):
    def forward(self, x):
        _fits(self, x)
        self.x = x
        return x @ self.W


@case("Dense", False, hint=r"NumPy's, about matmul")
class Dense_bad_no_shape_check(_DenseBase):
    def forward(self, x):
        self.x = x
        return x @ self.W + self.b


@case("Dense", False, hint=r"does not name the layer and both shapes")
class Dense_bad_vague_shape_message(_DenseBase):
    def forward(self, x):
        if x.shape[1] != self.W.shape[0]:
            raise ValueError("wrong input shape")
        self.x = x
        return x @ self.W + self.b


@case("Dense", False, hint=r"no \.astype\(float\)")
class Dense_bad_float64_cast(_DenseBase):
    def forward(self, x):
        _fits(self, x)
        self.x = x.astype(float)
        return self.x @ self.W.astype(float) + self.b


# ---------------------------------------------------------------------------------------------
# ReLU()
# ---------------------------------------------------------------------------------------------


@case("ReLU", True)
class ReLU_ok_mask:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


@case("ReLU", True)
class ReLU_ok_where_on_stored_input:
    def __init__(self):
        self.x = None

    def forward(self, x):
        self.x = x
        return np.where(x > 0, x, 0)

    def backward(self, dout):
        return np.where(self.x > 0, dout, 0)


@case("ReLU", True)
class ReLU_ok_copy_then_zero:
    """Zeroes entries of its own copies (never of the caller's arrays)."""

    def __init__(self):
        pass

    def forward(self, x):
        self.x = x.copy()
        out = x.copy()
        out[out < 0] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.x <= 0] = 0
        return dx


@case("ReLU", True)
class ReLU_ok_mask_from_output_gt_zero:
    """The output is 0 exactly where the input is <= 0, so out > 0 is the same mask."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = np.maximum(x, 0)
        return self.out

    def backward(self, dout):
        return dout * (self.out > 0)


@case("ReLU", True)
class ReLU_ok_clip_and_float_mask:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x > 0).astype(x.dtype)
        return np.clip(x, 0, None)

    def backward(self, dout):
        return dout * self.mask


@case("ReLU", False, hint=r"not from dout")
class ReLU_bad_mask_from_dout(ReLU_ok_mask):
    def backward(self, dout):
        return dout * (dout > 0)


@case("ReLU", False, hint=r"not x >= 0")
class ReLU_bad_ge_zero(ReLU_ok_mask):
    def forward(self, x):
        self.mask = x >= 0
        return x * self.mask


@case("ReLU", False, hint=r"output with >= 0")
class ReLU_bad_mask_from_output_ge_zero(ReLU_ok_mask_from_output_gt_zero):
    def backward(self, dout):
        return dout * (self.out >= 0)


@case("ReLU", False, hint=(r"changed its input `x`", r"x\[x < 0\] = 0"))
class ReLU_bad_forward_in_place:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x > 0
        x[x < 0] = 0
        return x

    def backward(self, dout):
        return dout * self.mask


@case("ReLU", False, hint=r"changed its input `dout`")
class ReLU_bad_backward_in_place(ReLU_ok_where_on_stored_input):
    def backward(self, dout):
        dout[self.x <= 0] = 0
        return dout


@case("ReLU", False, hint=r"earlier forward call")
class ReLU_bad_keeps_the_first_mask(ReLU_ok_mask):
    def forward(self, x):
        if self.mask is None:
            self.mask = x > 0
        return np.maximum(x, 0)


@case("ReLU", False, hint=r"not in a class attribute")
class ReLU_bad_mask_in_a_class_attribute:
    mask = None

    def __init__(self):
        pass

    def forward(self, x):
        ReLU_bad_mask_in_a_class_attribute.mask = x > 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * ReLU_bad_mask_in_a_class_attribute.mask


@case("ReLU", False, hint=r"not by the output")
class ReLU_bad_multiplies_by_the_output(ReLU_ok_mask_from_output_gt_zero):
    def backward(self, dout):
        return dout * self.out


@case("ReLU", False, hint=r"Keep the dtype of x")
class ReLU_bad_float64_mask(ReLU_ok_mask):
    def forward(self, x):
        self.mask = (x > 0).astype(float)
        return x * self.mask


@case("ReLU", False, hint=r"do not change sign")
class ReLU_bad_abs(ReLU_ok_mask):
    def forward(self, x):
        self.mask = x > 0
        return np.abs(x)
