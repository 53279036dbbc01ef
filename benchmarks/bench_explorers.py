"""How long one slider move takes in each explorer of nnlib.explorers, split into compute and drawing.

    python benchmarks/bench_explorers.py               # about a minute on 2 cores
    python benchmarks/bench_explorers.py --repeats 15  # steadier medians
    python benchmarks/bench_explorers.py --quick       # tiny sizes, one repetition: checks that it runs

A slider move costs what the explorer's callback does for a setting it has not shown yet:
``compute`` (train, or send the signals through the layers) and ``draw`` (update the explorer's
figure and encode it as PNG). Both are the explorer's own functions (``box.compute`` and
``box.draw``), so the numbers are what a learner waits for in the kernel. What the browser adds
(sending the PNG, showing it) is measured by tests/test_browser.py.

Every case is measured ``--repeats`` times after one warm-up round, the cases taking turns, and
the table gives medians: wall-clock time, and the CPU time of this process (which a busy machine
inflates much less). The load average before and after the run says how busy the machine was.
"""

import argparse
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
    """(explorer, kind, description, make_explorer, settings, prepare) for every measured move.

    ``prepare()`` runs untimed before each measurement and puts the caches into the state the
    move finds them in.
    """
    epochs_lr, epochs_dropout = (2, 5) if quick else (30, 150)
    deep = dict(depth=4, width=128) if quick else dict(depth=30, width=1024)

    def nothing():
        pass

    def no_weights():
        E._LAYER_WEIGHTS.stacks.clear()

    def learning_rate():
        return E.learning_rate_explorer(epochs=epochs_lr)

    def init():
        return E.init_explorer()

    def dropout():
        return E.dropout_explorer(epochs=epochs_dropout)

    return [
        ("learning rate", "default", "lr 0.1 -> 0.178 (batch 32, SGD)", learning_rate,
         dict(lr=10 ** -0.75, batch_size=32, optimizer="sgd"), nothing),
        ("learning rate", "most expensive", "batch 8 (38 updates an epoch), Adam, lr 0.01", learning_rate,
         dict(lr=0.01, batch_size=8, optimizer="adam"), nothing),
        ("initialization", "default", "depth 10 -> 11 (width 256, tanh, Xavier)", init,
         dict(depth=11, width=256, activation="tanh", init="xavier_normal", scale=1.0), nothing),
        ("initialization", "most expensive", f"depth {deep['depth'] - 1} -> {deep['depth']}, "
         f"width {deep['width']} (ReLU, He)", init,
         dict(**deep, activation="relu", init="he_normal", scale=1.0), nothing),
        ("initialization", "most expensive", f"width -> {deep['width']} at depth {deep['depth']}: "
         "all weights drawn anew", init,
         dict(**deep, activation="relu", init="he_normal", scale=1.5), no_weights),
        ("dropout", "default", "p 0.5 -> 0.55", dropout, dict(p=0.55), nothing),
        ("dropout", "most expensive", "p -> 0.9 (every p costs the same)", dropout, dict(p=0.9), nothing),
    ]


def measure(box, settings, prepare):
    """One slider move: (compute wall, draw wall, compute CPU, draw CPU) in milliseconds."""
    prepare()
    wall0, cpu0 = time.perf_counter(), time.process_time()
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
    todo = cases(args.quick)
    explorers = {}
    for _, _, _, make, _, _ in todo:  # one explorer each, as in a chapter; its first figure is drawn here
        explorers.setdefault(make, make())
    samples = [[] for _ in todo]
    for round_ in range(repeats + (0 if args.quick else 1)):  # the first round warms up, unless --quick
        for case, times in zip(todo, samples):
            _, _, _, make, settings, prepare = case
            measured = measure(explorers[make], settings, prepare)
            if round_ > 0 or args.quick:
                times.append(measured)
    print(f"after:  {load_average()}")
    print(f"\nmedians of {repeats} slider move(s), milliseconds; draw = update the figure + encode the PNG")
    header = (f"{'explorer':<15} {'setting':<15} {'the move':<52} {'compute':>7} {'draw':>6} {'total':>6}"
              f" | {'CPU: compute':>12} {'draw':>6} {'total':>6} | target: wall, CPU")
    print(header)
    print("-" * len(header))
    for (name, kind, description, _, _, _), times in zip(todo, samples):
        wall_c, wall_d, cpu_c, cpu_d = (statistics.median(column) for column in zip(*times))
        wall_total = statistics.median(c + d for c, d, _, _ in times)
        cpu_total = statistics.median(c + d for _, _, c, d in times)
        target = TARGETS_MS[kind]
        print(f"{name:<15} {kind:<15} {description:<52} {wall_c:7.0f} {wall_d:6.0f} {wall_total:6.0f}"
              f" | {cpu_c:12.0f} {cpu_d:6.0f} {cpu_total:6.0f} | {target} ms: "
              f"{'met' if wall_total < target else 'not met'}, {'met' if cpu_total < target else 'not met'}")
    wall = sum(c + d for times in samples for c, d, _, _ in times)
    cpu = sum(c + d for times in samples for _, _, c, d in times)
    print(f"\nthis process got {cpu / wall:.0%} of a core while measuring (CPU time / wall time; "
          "the work is single-threaded, so on a quiet machine the two are about equal)")


if __name__ == "__main__":
    main()
