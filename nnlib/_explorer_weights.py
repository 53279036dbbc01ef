"""The initialization explorer's layer weights: drawn once from a seeded generator, shared
between the settings that use the same matrices, drawn in a second thread while the first layers
multiply, and drawn ahead for the widths the explorer's slider can reach (``_LayerWeights``).

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


class _Stack:
    """Matrices 1, 2, ... drawn in order by ``draw(rng)`` from one generator ``default_rng(seed)``.

    Any thread may ask for any matrix; one thread at a time draws, always the next one, so the
    numbers are those of one sequential stream whoever draws them. NumPy lets other threads run
    while it fills an array, so a thread can draw layer k + 1 while another multiplies layer k.
    The generator's state before every matrix is kept (a few integers), so the deepest matrices
    can be dropped to save memory and drawn again, the same, later.
    """

    def __init__(self, draw, seed):
        self.draw, self.rng = draw, np.random.default_rng(seed)
        self.matrices, self.states = [], []
        self.changed = threading.Condition()
        self.drawing = False  # a thread is drawing the next matrix

    def __len__(self):
        return len(self.matrices)

    def nbytes(self):
        return sum(W.nbytes for W in self.matrices)

    def matrix(self, k):
        """Matrix ``k`` (0-based), drawn by this thread, or by one already drawing it."""
        while True:
            with self.changed:
                while self.drawing and len(self.matrices) <= k:
                    self.changed.wait()
                if len(self.matrices) > k:
                    return self.matrices[k]
                self.drawing = True
                state = self.rng.bit_generator.state
            W = None
            try:
                W = self.draw(self.rng)  # outside the lock: other threads read what is drawn
            finally:
                with self.changed:
                    if W is not None:
                        self.matrices.append(W)
                        self.states.append(state)
                    self.drawing = False
                    self.changed.notify_all()

    def truncate(self, n):
        """Keep the first ``n`` matrices; the generator goes back to where matrix ``n`` began.
        Returns False (and keeps everything) while another thread is drawing."""
        with self.changed:
            if self.drawing:
                return False
            if n < len(self.matrices):
                self.rng.bit_generator.state = self.states[n]
                del self.matrices[n:], self.states[n:]
            return True


class _LayerWeights:
    """The weights ``init(width, width, rng)`` of layers 1, 2, ... drawn from ``default_rng(seed)``,
    kept for the settings that share them.

    Layer ``l`` gets the same matrix at every depth and every scale (the scale multiplies the
    products, see :func:`init_signals`), and for the explorer's four schemes the same standard
    normals times a factor, so moving those controls needs no new random numbers. For 30 layers
    of width 1024, drawing them costs more than the forward and backward pass together: missing
    matrices are drawn in a second thread while the first layers multiply (:meth:`layers`), and the
    explorer draws the widths its slider can reach ahead of time (:meth:`draw_ahead`).

    At most ``max_bytes`` are kept. To make room, the narrowest stacks lose their deepest matrices
    first: they are the quickest to draw again, and the widest are those whose drawing would make
    a slider move miss its target.
    """

    #: A thread to draw ahead pays off from about this many missing random numbers (10 ms of drawing).
    THREAD_FROM = 2**20

    def __init__(self, max_bytes=280 * 2**20):
        self.max_bytes = max_bytes
        self.stacks = {}  # (scheme, width, seed) -> _Stack
        self.lock = threading.Lock()  # a cell and an explorer's thread may both ask

    def _stack(self, init, width, seed):
        """The stack for a scheme and the factor its matrices are multiplied by (None: used as drawn)."""
        initializer = get_initializer(init)
        factor = _NORMAL_FACTORS.get(initializer)
        if factor is not None:
            key, factor = ("standard normal", width, seed), factor(width)
            draw = lambda rng: rng.standard_normal((width, width))  # noqa: E731
        else:
            key, draw = (init, width, seed), (lambda rng: initializer(width, width, rng=rng))
        if factor is None and not isinstance(init, str):  # a function of the learner's: nothing to share it with
            return _Stack(draw, seed), None, None
        with self.lock:
            if key not in self.stacks:
                self.stacks[key] = _Stack(draw, seed)
            return self.stacks[key], factor, key

    def layers(self, init, width, depth, seed):
        """A function ``weight(l)`` that returns ``W_l`` for ``l = 1 .. depth``.

        The matrix it returns is overwritten by the next call (for the factor schemes it is a
        buffer holding factor * standard normals): use it before asking for the next layer.
        When many numbers are missing, a daemon thread draws them in order while the caller uses
        the first layers.
        """
        stack, factor, key = self._stack(init, width, seed)
        missing = depth - len(stack)
        if key is not None and missing > 0:
            self._make_room(missing * width * width * 8, keep=key)
        if missing > 1 and missing * width * width >= self.THREAD_FROM:
            threading.Thread(target=_draw_quietly, args=(stack, depth), name="nnlib-init-weights",
                             daemon=True).start()
        buffer = None if factor is None else np.empty((width, width))

        def weight(layer):
            Z = stack.matrix(layer - 1)
            # The same multiplication as nnlib.init's factor * standard_normal(...), bit for bit.
            return Z if factor is None else np.multiply(Z, factor, out=buffer)

        return weight

    def get(self, init, width, depth, seed):
        """The list ``[W_1, ..., W_depth]`` (new arrays for the factor schemes)."""
        weight = self.layers(init, width, depth, seed)
        return [weight(layer).copy() for layer in range(1, depth + 1)]

    def nbytes(self):
        with self.lock:
            return sum(stack.nbytes() for stack in self.stacks.values())

    def _make_room(self, needed, keep):
        with self.lock:
            over = sum(stack.nbytes() for stack in self.stacks.values()) + needed - self.max_bytes
            for key in sorted((k for k in self.stacks if k != keep), key=lambda k: k[1]):  # narrowest first
                if over <= 0:
                    break
                stack = self.stacks[key]
                per_matrix = stack.matrices[-1].nbytes if len(stack) else 1
                drop = min(len(stack), -(-over // per_matrix))
                if drop and stack.truncate(len(stack) - drop):
                    over -= drop * per_matrix
                if not len(stack):
                    del self.stacks[key]

    def draw_ahead(self, init, width, depth, seed):
        """Draw the next missing matrix of ``init``'s stack for ``width`` (up to ``depth``) if it fits
        in the free memory (nothing is dropped for it). Returns False when there is nothing to do."""
        if self.nbytes() + width * width * 8 > self.max_bytes:
            return False
        stack, _, key = self._stack(init, width, seed)
        if key is None or len(stack) >= depth:
            return False
        stack.matrix(len(stack))
        return True


def _draw_quietly(stack, depth):
    """Draw the matrices of ``stack`` up to ``depth`` (in a thread: a failure is left to the caller,
    who draws the matrix again itself and sees the error)."""
    try:
        for k in range(len(stack), depth):
            stack.matrix(k)
    except Exception:  # noqa: BLE001 - see above
        pass


_LAYER_WEIGHTS = _LayerWeights()
