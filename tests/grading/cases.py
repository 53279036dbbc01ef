"""The catalog's registration: ``@case(exercise_id, ok, hint=regex)`` on a learner function.

``ok=True``: a valid implementation, ``check`` must pass it. ``ok=False``: a mistake, ``check``
must reject it (failed or error), and ``hint`` (if given: a regular expression, or a tuple of
them that must all match) must be found, case-insensitively, in the report ``str(result)``.
"""

CASES = []


def case(exercise, ok, hint=None):
    """Register the decorated learner function as a catalog case for ``exercise``."""
    def register(fn):
        CASES.append((exercise, fn, ok, hint))
        return fn
    return register


def all_cases():
    """Every case of every sheet, in the order of the sheets."""
    from . import (catalog_ex01_forward, catalog_ex02_softmax,  # noqa: F401  (registers)
                   catalog_ex03_backprop, catalog_ex03_backprop_nets, catalog_ex04_training,
                   catalog_ex05_init, catalog_ex06_regularization)
    from . import catalog_ex02_softmax_part2  # noqa: F401
    from . import catalog_ex06_regularization_part2  # noqa: F401
    from . import catalog_ex07_preprocessing  # noqa: F401
    from . import catalog_ex08_tuning  # noqa: F401
    from . import catalog_ex09_capstone  # noqa: F401  (registers)
    from . import catalog_ex10_debugging  # noqa: F401
    from . import catalog_networks  # noqa: F401  (forward_network, backward_network, ...)
    from . import catalog_layers  # noqa: F401  (sheet 3's Dense and ReLU classes)
    return list(CASES)
