"""The exercises: id, signature, checker, chapter. Checker modules register with ``@exercise``.

This module imports nothing from the rest of the grader, so any module can use it; the package's
``__init__`` imports every checker module, which fills ``EXERCISES``.
"""

import re


class Exercise:
    """One exercise: its id, arguments, the checker and where the topic is taught.

    ``args`` are the parameters exactly as the sheet's ``def`` line has them, defaults
    included (``("f", "x", "h=1e-5")``); tests/test_exercises.py keeps the two in agreement.
    """

    def __init__(self, id, args, checker, chapter, mutable=(), shape_hint=None,
                 mutation_hint=None):
        self.id = id
        self.parameters = tuple(args)
        self.args = tuple(a.split("=")[0].strip() for a in args)  # the names alone
        self.checker = checker
        self.chapter = chapter
        self.mutable = tuple(mutable)  # argument names the function may change in place
        self.shape_hint = shape_hint   # shown when a shape error comes out of the learner's code
        self.mutation_hint = mutation_hint  # shown when an input was changed in place

    @property
    def signature(self):
        """The signature the sheet asks for, ``numerical_gradient(f, x, h=1e-5)``."""
        return f"{self.id}({', '.join(self.parameters)})"

    @property
    def sheet(self):
        """The sheet's name (``ex01_forward``): the checker module's name, without the ``_part2``
        of a module that holds the second half of a long sheet's checkers."""
        return re.sub(r"_part\d+$", "", self.checker.__module__.rsplit(".", 1)[-1])


EXERCISES = {}


def exercise(id, args, chapter, mutable=(), shape_hint=None, mutation_hint=None):
    """Decorator registering a checker function ``checker(t)`` under ``id``."""
    def register(checker):
        EXERCISES[id] = Exercise(id, args, checker, chapter, mutable, shape_hint, mutation_hint)
        return checker
    return register


def exercise_ids():
    """All exercise ids, in the order of the course."""
    return list(EXERCISES)
