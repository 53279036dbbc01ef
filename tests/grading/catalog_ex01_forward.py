"""Learner implementations of sheet 1 (ex01_forward): valid ones that must pass and mistakes that
must fail with a hint matching ``hint`` (a regular expression, searched case-insensitively in the
whole report). Run by tests/test_grading_catalog.py."""

import math

import numpy as np

from nnlib import functional as F

from .cases import case
from .independent import sigmoid


# ---------------------------------------------------------------------------------------------
# sigmoid
# ---------------------------------------------------------------------------------------------


@case("sigmoid", True)
def sigmoid_ok_formula(z):
    return 1 / (1 + np.exp(-z))


@case("sigmoid", True)
def sigmoid_ok_tanh(z):
    return 0.5 * (1 + np.tanh(z / 2))


@case("sigmoid", True)
def sigmoid_ok_exp_ratio(z):
    e = np.exp(z)
    return e / (1 + e)


@case("sigmoid", True)
def sigmoid_ok_stable_where(z):
    with np.errstate(over="ignore"):
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


@case("sigmoid", True)
def sigmoid_ok_stable_masks(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


@case("sigmoid", True)
def sigmoid_ok_logaddexp(z):
    return np.exp(-np.logaddexp(0, -z))


@case("sigmoid", True)
def sigmoid_ok_dtype_preserving(z):
    one = np.ones((), dtype=z.dtype)
    return one / (one + np.exp(-z))


@case("sigmoid", True)
def sigmoid_ok_loop_math(z):
    out = np.empty(z.shape)
    for i in np.ndindex(z.shape):
        out[i] = 1 / (1 + math.exp(-z[i]))
    return out


@case("sigmoid", True)
def sigmoid_ok_vectorize(z):
    return np.vectorize(lambda v: 1 / (1 + math.exp(-v)))(z)


@case("sigmoid", True)
def sigmoid_ok_clip_500(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


@case("sigmoid", True)
def sigmoid_ok_out_buffers(z):
    s = np.negative(z)
    np.exp(s, out=s)
    s += 1
    return np.reciprocal(s, out=s)


@case("sigmoid", False, hint=r"minus sign")
def sigmoid_bad_sign(z):
    return 1 / (1 + np.exp(z))


@case("sigmoid", False, hint=r"parentheses")
def sigmoid_bad_precedence(z):
    return 1 / 1 + np.exp(-z)


@case("sigmoid", False, hint=r"1 \- exp")
def sigmoid_bad_minus_denominator(z):
    return 1 / (1 - np.exp(-z))


@case("sigmoid", False, hint=r"np\.exp")
def sigmoid_bad_math_exp(z):
    return 1 / (1 + math.exp(-z))


@case("sigmoid", False, hint=r"in place")
def sigmoid_bad_in_place(z):
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1
    return 1 / z


@case("sigmoid", False, hint=r"list")
def sigmoid_bad_list(z):
    return [1 / (1 + math.exp(-v)) for v in np.ravel(z)]


@case("sigmoid", False, hint=r"tanh")
def sigmoid_bad_tanh(z):
    return np.tanh(z)


@case("sigmoid", False)
def sigmoid_bad_rounded(z):
    return np.round(1 / (1 + np.exp(-z)), 3)


@case("sigmoid", False, hint=r"shape")
def sigmoid_bad_flattened(z):
    return 1 / (1 + np.exp(-np.ravel(z)))


@case("sigmoid", True)
def sigmoid_ok_computed_in_float32(z):
    return (1 / (1 + np.exp(-z))).astype(np.float32)


@case("sigmoid", True)
def sigmoid_ok_sigmoid(z):
    return F.sigmoid(z)


@case("sigmoid", True)
def sigmoid_ok_independent_helper(z):
    return sigmoid(z)


@case("sigmoid", True)
def sigmoid_ok_sigmoid_stable(z):
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


@case("sigmoid", True)
def sigmoid_ok_exp(z):
    return np.exp(z) / (1 + np.exp(z))


@case("sigmoid", True)
def sigmoid_ok_exp_astype_float32(z):
    return 1 / (1 + np.exp(-z.astype(np.float32)))


@case("sigmoid", False, hint=r"list|NumPy array")
def sigmoid_bad_list_numpy_array(z):
    return [1 / (1 + math.exp(-v)) for v in z]


# ---------------------------------------------------------------------------------------------
# relu
# ---------------------------------------------------------------------------------------------


@case("relu", True)
def relu_ok_maximum(z):
    return np.maximum(z, 0)


@case("relu", True)
def relu_ok_mask_product(z):
    return z * (z > 0)


@case("relu", True)
def relu_ok_where(z):
    return np.where(z > 0, z, 0)


@case("relu", True)
def relu_ok_clip(z):
    return np.clip(z, 0, None)


@case("relu", True)
def relu_ok_abs_trick(z):
    return (z + np.abs(z)) / 2


@case("relu", True)
def relu_ok_copy_then_assign(z):
    out = z.copy()
    out[out < 0] = 0
    return out


@case("relu", True)
def relu_ok_loop(z):
    out = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        out[i] = z[i] if z[i] > 0 else 0.0
    return out


@case("relu", True)
def relu_ok_ge_mask(z):
    return z * (z >= 0)


@case("relu", True)
def relu_ok_method_clip(z):
    return z.clip(min=0)


@case("relu", False, hint=r"np\.maximum")
def relu_bad_np_max(z):
    return np.max(z, 0)


@case("relu", False, hint=r"abs")
def relu_bad_abs(z):
    return np.abs(z)


@case("relu", False, hint=r"in place")
def relu_bad_in_place_assign(z):
    z[z < 0] = 0
    return z


@case("relu", False, hint=r"in place")
def relu_bad_in_place_out(z):
    return np.maximum(z, 0, out=z)


@case("relu", False, hint=r"mask")
def relu_bad_mask_only(z):
    return (z > 0).astype(float)


@case("relu", False, hint=r"np\.maximum")
def relu_bad_builtin_max(z):
    return max(0, z)


@case("relu", False, hint=(r"min\(0, z\)", r"max\(0, z\)"))
def relu_bad_minimum(z):
    return np.minimum(z, 0)


@case("relu", False)
def relu_bad_leaky(z):
    return np.where(z > 0, z, 0.01 * z)


@case("relu", False, hint=r"integers")
def relu_bad_int_result(z):
    return np.maximum(z, 0).astype(int)


@case("relu", True)
def relu_ok_relu(z):
    return F.relu(z)


@case("relu", True)
def relu_ok_where_float_zero(z):
    return np.where(z > 0, z, 0.0)


@case("relu", True)
def relu_ok_abs(z):
    return (np.abs(z) + z) / 2


@case("relu", True)
def relu_ok_maximum_zero_first(z):
    return np.maximum(0.0, z)


@case("relu", False, hint=r"np.maximum")
def relu_bad_builtin_max_of_array(z):
    return max(z, 0)


@case("relu", False, hint=r"True/False|mask")
def relu_bad_mask(z):
    return z > 0


# ---------------------------------------------------------------------------------------------
# dense_forward
# ---------------------------------------------------------------------------------------------


@case("dense_forward", True)
def dense_forward_ok_matmul(x, W, b):
    return x @ W + b


@case("dense_forward", True)
def dense_forward_ok_dot(x, W, b):
    return np.dot(x, W) + b


@case("dense_forward", True)
def dense_forward_ok_einsum(x, W, b):
    return np.einsum("nd,dh->nh", x, W) + b


@case("dense_forward", True)
def dense_forward_ok_loops(x, W, b):
    n, d = x.shape
    out = np.zeros((n, W.shape[1]))
    for i in range(n):
        for j in range(W.shape[1]):
            out[i, j] = sum(x[i, k] * W[k, j] for k in range(d)) + b[j]
    return out


@case("dense_forward", True)
def dense_forward_ok_transposed_product(x, W, b):
    return (W.T @ x.T).T + b


@case("dense_forward", True)
def dense_forward_ok_row_bias(x, W, b):
    return np.matmul(x, W) + b[None, :]


@case("dense_forward", True)
def dense_forward_ok_in_place_bias(x, W, b):
    out = x @ W
    out += b
    return out


@case("dense_forward", True)
def dense_forward_ok_tensordot(x, W, b):
    return np.tensordot(x, W, axes=1) + b.reshape(1, -1)


@case("dense_forward", True)
def dense_forward_ok_bias_transposed(x, W, b):
    return x.dot(W) + b.T


@case("dense_forward", False, hint=r"list")
def dense_forward_bad_list(x, W, b):
    return (x @ W + b).tolist()


@case("dense_forward", False, hint=(r"W is \(D, H\)", r"W.T|transpose"))
def dense_forward_bad_W_transposed(x, W, b):
    return x @ W.T + b


@case("dense_forward", False, hint=(r"W is \(D, H\)", r"x @ W|shapes"))
def dense_forward_bad_column_order(x, W, b):
    return W @ x + b


@case("dense_forward", False, hint=r"bias b is missing")
def dense_forward_bad_no_bias(x, W, b):
    return x @ W


@case("dense_forward", False, hint=r"every row|shapes")
def dense_forward_bad_bias_column(x, W, b):
    return x @ W + b[:, None]


@case("dense_forward", False, hint=r"shapes")
def dense_forward_bad_elementwise(x, W, b):
    return x * W + b


@case("dense_forward", False, hint=r"multiply")
def dense_forward_bad_bias_multiplied(x, W, b):
    return x @ W * b


@case("dense_forward", False)
def dense_forward_bad_bias_summed(x, W, b):
    return x @ W + b.sum()


@case("dense_forward", False, hint=r"transposed")
def dense_forward_bad_result_transposed(x, W, b):
    return W.T @ x.T + b[:, None]


@case("dense_forward", False)
def dense_forward_bad_loop_indices(x, W, b):
    n, d = x.shape
    out = np.zeros((n, W.shape[1]))
    for i in range(n):
        for j in range(W.shape[1]):
            out[i, j] = sum(x[i, k] * W[k, i % d] for k in range(d)) + b[j]
    return out


@case("dense_forward", True)
def dense_forward_ok_dense_forward(x, W, b):
    return F.dense_forward(x, W, b)


@case("dense_forward", True)
def dense_forward_ok_t_none(x, W, b):
    return (W.T @ x.T).T + b[None, :]


@case("dense_forward", True)
def dense_forward_ok_dot_reshape(x, W, b):
    return x.dot(W) + b.reshape(1, -1)

