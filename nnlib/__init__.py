"""nnlib: the small NumPy library of the course "Neural networks from scratch".

Each module holds one idea, in the order the chapters introduce them:

=====================  ======================================================  ========
module                 what it holds                                           chapter
=====================  ======================================================  ========
``functional``         activations, softmax, dense and dropout as functions    1, 2, 6
``losses``             cross-entropies, multiclass hinge, MSE (L2), MAE (L1)   2
``layers``, ``model``  Dense, activations, Dropout, BatchNorm; Sequential, mlp 1, 3
``nets``               a two-layer net and Nielsen's BP1-BP4, written by hand  3
``gradcheck``          centered differences and relative error                 3
``optim``, ``train``   SGD, Adam; the ``fit`` loop                             4
                       schedules, update ratio, early stopping                 8
``init``               zero, small random, Xavier/Glorot, He                   5
``regularization``     L2, L1, max-norm                                        6
``data``, ``plots``    data sets and figures                                   all
``grading``            checks for the exercise notebooks                       all
=====================  ======================================================  ========

Importing nnlib imports NumPy only; matplotlib, ipywidgets and tqdm are imported when a function
that needs them is called. Everything that draws random numbers takes ``rng``: a
``np.random.Generator`` or an int seed (see :func:`nnlib.data.as_rng`).
"""

from . import data, functional, gradcheck, init, losses, nets, optim, plots, regularization
from ._checks import ShapeError
from .layers import BatchNorm, Dense, Dropout, LeakyReLU, ReLU, Sigmoid, Tanh
from .model import Sequential, mlp
from .optim import SGD, Adam
from .train import History, TrainingDiverged, TrainingWarning, accuracy, evaluate, fit

__version__ = "0.1.0"

__all__ = [
    "data", "functional", "gradcheck", "init", "losses", "nets", "optim", "plots", "regularization",
    "ShapeError", "BatchNorm", "Dense", "Dropout", "LeakyReLU", "ReLU", "Sigmoid", "Tanh",
    "Sequential", "mlp", "SGD", "Adam", "History", "TrainingDiverged", "TrainingWarning", "accuracy",
    "evaluate", "fit",
]


def __getattr__(name):
    # grading and explorers load on first use (they need more than NumPy to be useful).
    if name in ("grading", "explorers"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'nnlib' has no attribute {name!r}")
