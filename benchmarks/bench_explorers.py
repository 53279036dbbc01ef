"""How long one slider move takes in each explorer of nnlib.explorers, split into compute and drawing.

    python benchmarks/bench_explorers.py               # about a minute on 2 cores
    python benchmarks/bench_explorers.py --repeats 15  # steadier medians
    python benchmarks/bench_explorers.py --quick       # tiny sizes, one repetition: checks that it runs

A slider move costs what the explorer's callback does for a setting it has not shown yet:
``compute`` (train, or send the signals through the layers) and ``draw`` (update the explorer's
figure and encode it as PNG). Each measured move starts from the figure of the setting the slider
came from, drawn just before (untimed), as when a learner moves one slider after another. Both
are the explorer's own functions (``box.compute`` and ``box.draw``), so the numbers are what a
learner waits for in the kernel. What the browser adds (sending the PNG, showing it) is measured
by tests/test_browser.py.

Every case is measured ``--repeats`` times after one warm-up round, the cases taking turns, and
the table gives medians: wall-clock time, and the CPU time of this process (which a busy machine
inflates much less). The load average before and after the run says how busy the machine was.

The initialization explorer's most expensive setting (width 1024, depth 30) is measured in two
states, labelled in the table: PREFETCHED, its weights drawn ahead (what the explorer does in the
background after its first figure, within its memory budget), and COLD, none drawn yet and the
freed memory given back to the system (a move to width 1024 right after the explorer appeared,
in a new kernel): its 31 million random numbers are drawn during the move, by two threads.
"""

import argparse
import ctypes
import ctypes.util
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # nnlib, even when not installed

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from nnlib import explorers as E  # noqa: E402

TARGETS_MS = {"default": 250, "most expensive": 500}


def cases(quick):
    """(explorer, kind, description, make_explorer, start, settings, prepare) for every measured move
    from the setting ``start`` to ``settings``.

    ``prepare()`` runs untimed before each measurement and puts the caches into the state the
    move finds them in.
    """
    epochs_lr, epochs_dropout = (2, 5) if quick else (30, 150)
    deep = dict(depth=4, width=128) if quick else dict(depth=30, width=1024)

    def nothing():
        pass

    def wide_weights_drawn():  # what the explorer draws ahead after its first figure (or an earlier visit)
        weight, _ = E._LAYER_WEIGHTS.layers("he_normal", deep["width"], deep["depth"], seed=3)
        for layer in range(1, deep["depth"] + 1):
            weight(layer)

    def no_wide_weights():  # as in a new kernel: nothing of that width drawn, and no memory to reuse
        for key in [key for key in E._LAYER_WEIGHTS.stacks if key[1] == deep["width"]]:
            del E._LAYER_WEIGHTS.stacks[key]
        give_back_free_memory()

    def learning_rate():
        return E.learning_rate_explorer(epochs=epochs_lr)

    def init():
        return E.init_explorer()

    def dropout():
        return E.dropout_explorer(epochs=epochs_dropout)

    lr = dict(lr=0.1, batch_size=32, optimizer="sgd")
    he = dict(activation="relu", init="he_normal", scale=1.0)
    narrower = dict(depth=deep["depth"], width=deep["width"] // 2)
    shallower = dict(depth=deep["depth"] - 1, width=deep["width"])
    init_default = dict(depth=10, width=256, activation="tanh", init="xavier_normal", scale=1.0)
    return [
        ("learning rate", "default", "lr 0.1 -> 0.178 (batch 32, SGD)", learning_rate,
         lr, dict(lr, lr=10 ** -0.75), nothing),
        ("learning rate", "most expensive", "batch 16 -> 8 (38 updates an epoch), Adam, lr 0.01", learning_rate,
         dict(lr=0.01, batch_size=16, optimizer="adam"), dict(lr=0.01, batch_size=8, optimizer="adam"), nothing),
        ("initialization", "default", "depth 10 -> 11 (width 256, tanh, Xavier)", init,
         init_default, dict(init_default, depth=11), nothing),
        ("initialization", "most expensive", f"depth {shallower['depth']} -> {deep['depth']}, "
         f"width {deep['width']} (ReLU, He)", init, dict(he, **shallower), dict(he, **deep), wide_weights_drawn),
        ("initialization", "most expensive", f"He -> Xavier at depth {deep['depth']}, width {deep['width']}",
         init, dict(he, **deep), dict(he, **deep, init="xavier_normal"), wide_weights_drawn),
        ("initialization", "most expensive", f"width {narrower['width']} -> {deep['width']}, depth "
         f"{deep['depth']}: PREFETCHED weights", init, dict(he, **narrower), dict(he, **deep), wide_weights_drawn),
        ("initialization", "most expensive", f"width {narrower['width']} -> {deep['width']}, depth "
         f"{deep['depth']}: COLD, weights drawn now", init, dict(he, **narrower), dict(he, **deep), no_wide_weights),
        ("dropout", "default", "p 0.5 -> 0.55", dropout, dict(p=0.5), dict(p=0.55), nothing),
        ("dropout", "default", "p 0.55 -> 0.6, computed ahead after a first move", dropout,
         dict(p=0.55), dict(p=0.6), computed_ahead),
        ("dropout", "most expensive", "p 0.85 -> 0.9 (every p costs the same)", dropout,
         dict(p=0.85), dict(p=0.9), nothing),
    ]


def give_back_free_memory():
    """Return the memory freed so far to the operating system (glibc's malloc_trim), so that new
    arrays cost their page faults as in a new kernel, instead of reusing the pages just freed."""
    name = ctypes.util.find_library("c")
    if name and hasattr(ctypes.CDLL(name), "malloc_trim"):
        ctypes.CDLL(name).malloc_trim(0)


def computed_ahead():
    """Marks a move to a setting the explorer computed while the learner looked at the last figure
    (the dropout explorer does that for its slider's other values): only the drawing is left."""


def measure(box, start, settings, prepare, results):
    """One slider move: (compute wall, draw wall, compute CPU, draw CPU) in milliseconds."""
    for values in (start, settings) if prepare is computed_ahead else (start,):
        key = (id(box), tuple(sorted(values.items())))
        if key not in results:
            results[key] = box.compute(**values)
    box.draw(results[(id(box), tuple(sorted(start.items())))])  # the figure the slider comes from
    prepare()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    if prepare is computed_ahead:
        result = results[(id(box), tuple(sorted(settings.items())))]
    else:
        result = box.compute(**settings)
    wall1, cpu1 = time.perf_counter(), time.process_time()
    png = box.draw(result)
    wall2, cpu2 = time.perf_counter(), time.process_time()
    assert png, "the explorer drew nothing"
    return [1000 * t for t in (wall1 - wall0, wall2 - wall1, cpu1 - cpu0, cpu2 - cpu1)]


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        fields = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in lines if ":" in line)}
        cpu = f"{fields.get('model name', cpu)} (family {fields.get('cpu family', '?')}, model {fields.get('model', '?')})"
    except OSError:
        pass
    return (f"CPU: {cpu}, {os.cpu_count()} logical cores; Python {platform.python_version()}, "
            f"NumPy {np.__version__}, matplotlib {matplotlib.__version__}")


def load_average():
    return "load average {:.2f} {:.2f} {:.2f} (1, 5, 15 min)".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition (for the test)")
    parser.add_argument("--repeats", type=int, default=None, help="measurements per case (default 7)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 7)
    print(machine_description())
    print(f"before: {load_average()}")
    if args.quick:  # the initialization explorer draws little ahead (it would fill 280 MiB)
        E._LAYER_WEIGHTS.max_bytes = 8 * 2**20
    todo = cases(args.quick)
    explorers = {}
    for case in todo:  # one explorer each, as in a chapter; its first figure is drawn here
        explorers.setdefault(case[3], case[3]())
    for box in explorers.values():  # what they draw ahead must not run beside the measurements
        box.wait_settled(300)
    print(f"weights kept by the initialization explorer after drawing ahead: "
          f"{E._LAYER_WEIGHTS.nbytes() / 2**20:.0f} MiB (at most {E._LAYER_WEIGHTS.max_bytes / 2**20:.0f})")
    samples = [[] for _ in todo]
    start_results = {}
    for round_ in range(repeats + (0 if args.quick else 1)):  # the first round warms up, unless --quick
        for case, times in zip(todo, samples):
            _, _, _, make, start, settings, prepare = case
            measured = measure(explorers[make], start, settings, prepare, start_results)
            if round_ > 0 or args.quick:
                times.append(measured)
    print(f"after:  {load_average()}")
    print(f"\nmedians of {repeats} slider move(s), milliseconds; draw = update the figure + encode the PNG")
    header = (f"{'explorer':<15} {'setting':<15} {'the move':<52} {'compute':>7} {'draw':>6} {'total':>6}"
              f" | {'CPU: compute':>12} {'draw':>6} {'total':>6} | target: wall, CPU")
    print(header)
    print("-" * len(header))
    for (name, kind, description, *_), times in zip(todo, samples):
        wall_c, wall_d, cpu_c, cpu_d = (statistics.median(column) for column in zip(*times))
        wall_total = statistics.median(c + d for c, d, _, _ in times)
        cpu_total = statistics.median(c + d for _, _, c, d in times)
        target = TARGETS_MS[kind]
        # The COLD move draws on both cores at once: its CPU time is the work of two threads, not a wait.
        cpu_verdict = "2 threads" if "COLD" in description else "met" if cpu_total < target else "not met"
        print(f"{name:<15} {kind:<15} {description:<52} {wall_c:7.0f} {wall_d:6.0f} {wall_total:6.0f}"
              f" | {cpu_c:12.0f} {cpu_d:6.0f} {cpu_total:6.0f} | {target} ms: "
              f"{'met' if wall_total < target else 'not met'}, {cpu_verdict}")
    wall = sum(c + d for times in samples for c, d, _, _ in times)
    cpu = sum(c + d for times in samples for _, _, c, d in times)
    print(f"\nthis process got {cpu / wall:.0%} of a core while measuring (CPU time / wall time; the work is "
          "single-threaded, so on a quiet machine the two are about equal, except for the COLD move, whose "
          "weights are drawn by two threads at once while the first layers multiply: its CPU time is the sum "
          "of both, and only its wall time is compared with the target)")


if __name__ == "__main__":
    main()
