"""The initialization explorer's layer weights: every layer drawn from its own seeded generator,
kept for the settings that use the same matrices, drawn by two threads at once when many are
missing, and drawn ahead for the widths the explorer's slider can reach (``_LayerWeights``).

Course machinery for ``nnlib.explorers.init_signals`` and ``init_explorer``; nothing here is
needed to read the chapters.
"""

import threading

import numpy as np

from . import init as nn_init
from .init import get_initializer


#: The explorer's schemes, for a square (width, width) layer: a factor times standard normals, the
#: arithmetic of nnlib.init (test_normal_factors_are_the_initializers checks it bit for bit). All
#: four share one stack of standard normals, so a change of scheme needs no new random numbers.
_NORMAL_FACTORS = {
    nn_init.normal: lambda width: 0.01,
    nn_init.lecun_normal: lambda width: np.sqrt(1.0 / width),
    nn_init.xavier_normal: lambda width: np.sqrt(2.0 / (width + width)),
    nn_init.he_normal: lambda width: np.sqrt(2.0 / width),
}


def layer_rng(seed, layer):
    """The generator of layer ``layer`` (1, 2, ...): child ``layer - 1`` of
    ``np.random.default_rng(seed).spawn(depth)``, for any ``depth >= layer``.

    One independent stream per layer, as NumPy recommends for parallel work: a layer's weights do
    not depend on the depth, on the other layers, or on which thread draws them first.
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(layer - 1,)))


class _Stack:
    """The matrices of layers 1, 2, ... of one scheme, width and seed, each drawn by
    ``draw(layer_rng(seed, layer))``.

    Any thread may ask for any layer. A layer nobody has drawn is drawn by the thread that asks
    for it; one being drawn is waited for. NumPy lets other threads run while it fills an array,
    so two threads draw two layers at once, and one multiplies layer k while another draws a
    deeper one. A dropped matrix is drawn again, the same, when it is needed.
    """

    def __init__(self, draw, seed):
        self.draw, self.seed = draw, seed
        self.matrices = {}  # 0-based layer index -> matrix
        self.drawing = set()  # indices some thread is drawing now
        self.changed = threading.Condition()

    def __len__(self):
        return len(self.matrices)

    def nbytes(self):
        with self.changed:
            return sum(W.nbytes for W in self.matrices.values())

    def missing(self, depth):
        """How many of the first ``depth`` matrices are neither drawn nor being drawn."""
        with self.changed:
            return sum(k not in self.matrices and k not in self.drawing for k in range(depth))

    def matrix(self, k, meanwhile=()):
        """Matrix ``k`` (0-based), drawn by this thread, or by one already drawing it. While
        another thread draws it, this one draws the first free index of ``meanwhile``, if any,
        instead of waiting idle."""
        while True:
            with self.changed:
                if k in self.matrices:
                    return self.matrices[k]
                if k not in self.drawing:
                    self.drawing.add(k)
                    break
                other = next((j for j in meanwhile if j not in self.matrices and j not in self.drawing), None)
                if other is None:
                    self.changed.wait()
                    continue
                self.drawing.add(other)
            self._draw_claimed(other)
        return self._draw_claimed(k)

    def draw_next(self, order):
        """Draw the first index of ``order`` that is neither drawn nor being drawn.
        Returns False when there is none."""
        with self.changed:
            k = next((k for k in order if k not in self.matrices and k not in self.drawing), None)
            if k is None:
                return False
            self.drawing.add(k)
        self._draw_claimed(k)
        return True

    def _draw_claimed(self, k):
        W = None
        try:
            W = self.draw(layer_rng(self.seed, k + 1))  # outside the lock: other threads go on
        finally:
            with self.changed:
                if W is not None:
                    self.matrices[k] = W
                self.drawing.discard(k)
                self.changed.notify_all()
        return W

    def drop_deepest(self, count):
        """Forget the ``count`` deepest matrices drawn; returns the bytes freed."""
        with self.changed:
            deepest = sorted(self.matrices, reverse=True)[:count]
            freed = sum(self.matrices[k].nbytes for k in deepest)
            for k in deepest:
                del self.matrices[k]
            return freed


class _LayerWeights:
    """The weights ``init(width, width, layer_rng(seed, l))`` of layers l = 1, 2, ..., kept for
    the settings that share them.

    Layer ``l`` gets the same matrix at every depth and every scale (the scale multiplies the
    products, see :func:`init_signals`), and for the explorer's four schemes the same standard
    normals times a factor, so moving those controls needs no new random numbers. For 30 layers
    of width 1024, drawing them costs more than the forward and backward pass together: missing
    matrices are drawn by two threads at once while the caller multiplies the first layers
    (:meth:`layers`), and the explorer draws the widths its slider can reach ahead of time
    (:meth:`draw_ahead`), two matrices at once.

    At most ``max_bytes`` are kept. To make room, the narrowest stacks lose their deepest matrices
    first: they are the quickest to draw again, and the widest are those whose drawing would make
    a slider move miss its target.
    """

    #: A second thread pays off from about this many missing random numbers (10 ms of drawing).
    THREAD_FROM = 2**20

    def __init__(self, max_bytes=280 * 2**20):
        self.max_bytes = max_bytes
        self.stacks = {}  # (scheme, width, seed) -> _Stack
        self.lock = threading.Lock()  # a cell and an explorer's thread may both ask

    def _stack(self, init, width, seed):
        """The stack for a scheme, the factor its matrices are multiplied by (1.0 for a scheme
        that draws the matrix itself), and its key (None: a learner's function, not kept)."""
        initializer = get_initializer(init)
        factor = _NORMAL_FACTORS.get(initializer)
        if factor is not None:
            key, factor = ("standard normal", width, seed), factor(width)
            draw = lambda rng: rng.standard_normal((width, width))  # noqa: E731
        else:
            key, factor, draw = (init, width, seed), 1.0, (lambda rng: initializer(width, width, rng=rng))
        if not isinstance(init, str) and initializer not in _NORMAL_FACTORS:  # nothing to share it with
            return _Stack(draw, seed), factor, None
        with self.lock:
            if key not in self.stacks:
                self.stacks[key] = _Stack(draw, seed)
            return self.stacks[key], factor, key

    def layers(self, init, width, depth, seed):
        """``(weight, factor)``: ``weight(l)`` returns a matrix that, times ``factor``, is ``W_l``
        (``l = 1 .. depth``). Do not change the matrix: it is kept for the next setting.

        When many numbers are missing, a daemon thread draws them from the first layer up, and
        so does the caller: ``weight(l)`` draws layer ``l`` if nobody has started it, and while the
        other thread finishes it, draws the next free one. Both cores draw, and the caller
        multiplies each layer as soon as it is there.
        """
        stack, factor, key = self._stack(init, width, seed)
        missing = stack.missing(depth)
        if key is not None and missing > 0:
            self._make_room(missing * width * width * 8, keep=key)
        if missing > 1 and missing * width * width >= self.THREAD_FROM:
            threading.Thread(target=_draw_quietly, args=(stack, range(depth)), name="nnlib-init-weights",
                             daemon=True).start()
        return (lambda layer: stack.matrix(layer - 1, meanwhile=range(layer, depth))), factor

    def get(self, init, width, depth, seed):
        """The list ``[W_1, ..., W_depth]`` (new arrays)."""
        weight, factor = self.layers(init, width, depth, seed)
        # The same multiplication as nnlib.init's factor * standard_normal(...), bit for bit.
        return [weight(layer) * factor if factor != 1.0 else weight(layer).copy() for layer in range(1, depth + 1)]

    def nbytes(self):
        with self.lock:
            stacks = list(self.stacks.values())
        return sum(stack.nbytes() for stack in stacks)

    def _make_room(self, needed, keep):
        with self.lock:
            over = sum(stack.nbytes() for stack in self.stacks.values()) + needed - self.max_bytes
            for key in sorted((k for k in self.stacks if k != keep), key=lambda k: k[1]):  # narrowest first
                if over <= 0:
                    break
                stack = self.stacks[key]
                per_matrix = 8 * key[1] ** 2
                over -= stack.drop_deepest(-(-over // per_matrix))
                if not len(stack) and not stack.drawing:
                    del self.stacks[key]

    def draw_ahead(self, init, width, depth, seed, threads=1):
        """Draw the first missing matrices of ``init``'s stack for ``width`` (up to ``depth``), one
        per thread, ``threads`` at once, as far as they fit in the free memory (nothing is dropped
        for them). Returns False when there was nothing to do."""
        fit = (self.max_bytes - self.nbytes()) // (width * width * 8)
        if fit < 1:
            return False
        stack, _, key = self._stack(init, width, seed)
        if key is None:
            return False
        helpers = [threading.Thread(target=_draw_quietly, args=(stack, range(depth), 1), name="nnlib-init-weights",
                                    daemon=True) for _ in range(min(threads, fit) - 1)]
        for helper in helpers:
            helper.start()
        drawn = stack.draw_next(range(depth))
        for helper in helpers:
            helper.join()
        return drawn


def _draw_quietly(stack, order, at_most=None):
    """Draw the matrices of ``stack`` in ``order`` until each is drawn or being drawn, or ``at_most``
    of them (in a thread: a failure is left to whoever needs the matrix, who draws it again and sees
    the error)."""
    try:
        drawn = 0
        while (at_most is None or drawn < at_most) and stack.draw_next(order):
            drawn += 1
    except Exception:  # noqa: BLE001 - see above
        pass


_LAYER_WEIGHTS = _LayerWeights()
