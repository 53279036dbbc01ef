"""The widget plumbing of :mod:`nnlib.explorers`: one figure per explorer, a result cache, and a
background thread that draws only the latest slider value.

Nothing here is course material: it is what makes a slider move feel live (see the explorers'
section of benchmarks/README.md for the measurements). ipywidgets and matplotlib are imported only
when an explorer is built.
"""

import base64
import contextlib
import html
import io
import threading
import weakref
from collections import OrderedDict

_BLAS_LIMIT_LOCK = threading.RLock()


@contextlib.contextmanager
def _single_blas_thread():
    """Run NumPy's matrix products on one thread when threadpoolctl is installed (it comes with
    scikit-learn). For the small matrices of these explorers, threads cost more than they save:
    on a busy two-core machine a training run was ten times slower with two threads than with one.
    The results are the same either way.

    The limit is a setting of the whole process, which threadpoolctl sets and then restores: a lock
    keeps a cell and an explorer's thread from doing that at the same time (the one restoring last
    could leave NumPy on one thread for good)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with _BLAS_LIMIT_LOCK, threadpool_limits(1, user_api="blas"):
        yield


def _plain_log_labels(axis):
    """Label a log axis 0.1, 1, 10 instead of with math text: the same ticks, drawn much faster."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


class _Cache:
    """The last ``size`` results by key: ``get(key, make)`` calls ``make()`` only for a new key."""

    def __init__(self, size):
        self.size, self.items = size, OrderedDict()

    def __contains__(self, key):
        return key in self.items

    def get(self, key, make):
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = self.items[key] = make()
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


#: The explorers work in background threads (see _make_explorer). Only one of them computes or draws
#: at a time: matplotlib's font cache is shared by all figures, and there are two cores to share.
_WORK_LOCK = threading.Lock()


def _new_figure(figsize, dpi=80):
    """A matplotlib Figure with an Agg canvas, not registered with pyplot (nothing else shows it)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def _png_base64(fig, description):
    """Render ``fig`` to PNG and return it base64-encoded.

    ``description`` goes into the PNG's Description text chunk: the browser test reads it to
    check that the image shown is the one of the slider's final value. zlib level 1 instead of 6:
    a third larger, and encoding takes a few milliseconds instead of twenty.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Description": description},
                pil_kwargs={"compress_level": 1})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


_EXPLORER_CLASS = None


def _explorer_class():
    """A VBox whose text form (what nbval compares, and what shows where widgets cannot run)
    is a fixed sentence instead of the reprs of all its children."""
    global _EXPLORER_CLASS
    if _EXPLORER_CLASS is None:
        import ipywidgets as widgets

        class Explorer(widgets.VBox):
            explorer_title = "explorer"

            def __repr__(self):
                return f"nnlib {self.explorer_title}: run this cell in Jupyter to use it"

            def close(self):
                """Close the widget and stop its background thread (after the piece in progress)."""
                worker = getattr(self, "_worker", None)
                if worker is not None:
                    worker.close()
                super().close()

        _EXPLORER_CLASS = Explorer
    return _EXPLORER_CLASS


class _LatestOnly:
    """Runs ``job(request)`` in one background thread for the latest request only.

    ``submit(request)`` returns at once. While a job runs, new requests replace each other; when it
    ends, the latest one (if any) runs next. A fast drag of a slider therefore costs at most one
    redraw after the one in progress, and the last redraw is always of the final value.

    ``spare()``, if given, is called in the same thread whenever no request is waiting, to do one
    small piece of work ahead (it returns False when there is nothing left); requests are looked
    for between two pieces, so a request waits for one piece at most. ``poke()`` starts the thread
    for spare work alone. The thread is a daemon and ends when nothing is left to do; ``close()``
    drops what is waiting and lets it end after the piece in progress.
    """

    def __init__(self, job, spare=None):
        self.job, self.spare = job, spare
        self.lock = threading.Lock()
        self.pending = None
        self.working = False  # a job (not a spare piece) is running
        self.closed = False
        self.thread = None
        self.idle = threading.Event()  # no request waiting or running
        self.idle.set()
        self.settled = threading.Event()  # no thread: no request and no spare work left
        self.settled.set()

    def submit(self, request, on_start=None):
        """Queue ``request``; call ``on_start()`` first when no other request is waiting or drawn."""
        with self.lock:
            if self.closed:
                return
            if on_start is not None and self.pending is None and not self.working:
                on_start()  # under the lock: the thread cannot take the request and show it before
            self.pending = request
            self.idle.clear()
            self._start()

    def poke(self):
        """Start the thread, if it is not running, to do spare work."""
        with self.lock:
            if not self.closed and self.spare is not None:
                self._start()

    def _start(self):  # with self.lock held
        if self.thread is None:
            self.settled.clear()
            self.thread = threading.Thread(target=self._run, name="nnlib-explorer", daemon=True)
            self.thread.start()

    def _run(self):
        while True:
            with self.lock:
                request, self.pending = self.pending, None
                self.working = request is not None
                if request is None:
                    self.idle.set()
                spare = None if self.closed else self.spare
            if request is not None:
                self.job(request)
                continue
            if spare is None or not spare():
                with self.lock:
                    if self.pending is None:  # else a request came during the last spare piece
                        self.thread = None
                        self.settled.set()
                        return

    def wait(self, timeout=None):
        """Block until every submitted request has been shown; False if ``timeout`` s passed first."""
        return self.idle.wait(timeout)

    def wait_settled(self, timeout=None):
        """Block until the spare work is done too; False if ``timeout`` s passed first."""
        return self.settled.wait(timeout)

    def close(self):
        """Drop the waiting request and the spare work; the thread ends after the piece in progress."""
        with self.lock:
            self.closed, self.pending = True, None
            if not self.working:
                self.idle.set()


def _settings_key(values):
    """A cache key for control values; floats to 6 decimals (the slider's 0.5499999999 is 0.55)."""
    return tuple(sorted((name, round(v, 6) if isinstance(v, float) else v) for name, v in values.items()))


def _make_explorer(title, controls, compute, summarize, draw, cache_size, ahead=None, prepare=None):
    """Controls on top, a summary line, then the figure; every control change redraws.

    ``compute(**values)`` returns a result (the last ``cache_size`` are kept, so going back to a
    setting costs only the drawing), ``summarize(result)`` its one-line summary and
    ``draw(result)`` its figure as a base64 PNG. The first figure is drawn before this returns
    (so that a stored notebook holds it); later ones in a background thread (:class:`_LatestOnly`).
    ``ahead(values)``, if given, lists settings to compute while the thread has nothing else to
    do, nearest first; it starts after the first control change (not while a notebook runs).
    ``prepare(values)``, if given, returns an iterable each step of which does one small piece of
    work that makes later moves cheaper (a few tens of milliseconds at most: a slider move waits
    for the piece in progress); its steps run in the same thread when nothing else is waiting,
    from right after the first figure and again after every figure shown.
    The figure goes into an Output widget by setting its ``outputs`` directly, which works the
    same inside a cell, in a thread, and with no front end at all.

    The box gets ``compute`` (not cached), ``draw`` and ``render(**values) -> (summary, png)`` (used by
    benchmarks/bench_explorers.py), ``redraw()`` (synchronous), ``wait(timeout=None)``, which
    returns once the figure shows the controls' current values, and ``wait_settled(timeout=None)``,
    which returns once the work ahead is done too. ``close()``, or the box being garbage collected,
    stops the background thread.
    """
    import ipywidgets as widgets

    summary = widgets.HTML(layout=widgets.Layout(margin="4px 0 0 0"))
    figure = widgets.Output()

    results = _Cache(cache_size)
    todo = []  # settings to compute ahead
    preparing = []  # an iterator of the pieces of prepare(values) not done yet

    def render(**values):
        with _WORK_LOCK:
            result = results.get(_settings_key(values), lambda: compute(**values))
            return summarize(result), draw(result)

    def show(values):
        try:
            text, png = render(**values)
        except Exception as err:  # noqa: BLE001 - in a thread nobody would see the traceback
            summary.value = f"<span>the explorer failed: {html.escape(f'{type(err).__name__}: {err}')}</span>"
            return
        summary.value = f"<span>{html.escape(text)}</span>"
        figure.outputs = ({"output_type": "display_data", "metadata": {},
                           "data": {"image/png": png, "text/plain": text}},)
        todo[:] = ahead(values) if ahead is not None else []
        preparing[:] = [iter(prepare(values))] if prepare is not None else []

    def compute_ahead():
        """Compute one setting of ``todo`` that is not cached yet, or do one piece of ``prepare``;
        False when nothing is left."""
        while todo:
            values = todo.pop(0)
            with _WORK_LOCK:
                if _settings_key(values) in results:
                    continue
                try:
                    results.get(_settings_key(values), lambda: compute(**values))
                except Exception:  # noqa: BLE001 - only a guess; a real request would report it
                    pass
            return True
        while preparing:
            steps = preparing[0]
            with _WORK_LOCK:
                try:
                    next(steps)
                    return True
                except StopIteration:
                    pass
                except Exception:  # noqa: BLE001 - work ahead only; a real request would report a fault
                    pass
            if preparing and preparing[0] is steps:  # else a figure shown meanwhile started new work
                preparing.clear()
        return False

    def current_values():
        return {name: control.value for name, control in controls.items()}

    worker = _LatestOnly(show, spare=compute_ahead)

    def computing():  # say that something is happening (well under a second)
        summary.value = "<span>computing ...</span>"

    def on_change(change):
        worker.submit(current_values(), on_start=computing)

    def redraw():
        worker.wait()
        show(current_values())
        todo.clear()  # computing ahead starts with the first control change

    for control in controls.values():
        control.observe(on_change, names="value")
    redraw()
    if prepare is not None:
        worker.poke()  # prepare's work starts now, while the learner looks at the first figure
    box = _explorer_class()(children=[widgets.HBox(list(controls.values()),
                                                   layout=widgets.Layout(flex_flow="row wrap")),
                                      summary, figure])
    box.explorer_title = title
    # CSS classes name the parts for the browser test (tests/test_browser.py) and for styling.
    box.add_class("nnlib-explorer")
    summary.add_class("nnlib-explorer-summary")
    figure.add_class("nnlib-explorer-figure")
    # Exposed for tests, benchmarks and learners who want to poke at them.
    box.controls, box.summary, box.figure = controls, summary, figure
    box.compute, box.draw, box.render, box.redraw, box.wait = compute, draw, render, redraw, worker.wait
    box.wait_settled, box.results = worker.wait_settled, results
    box._worker = worker
    weakref.finalize(box, worker.close)  # the thread holds no reference to the box
    return box
