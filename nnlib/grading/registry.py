"""The exercises: id, signature, checker, chapter. Checker modules register with ``@exercise``.

This module imports nothing from the rest of the grader, so any module can use it; the package's
``__init__`` imports every checker module, which fills ``EXERCISES``.
"""


class Exercise:
    """One exercise: its id, argument names, the checker and where the topic is taught."""

    def __init__(self, id, args, checker, chapter, mutable=(), shape_hint=None,
                 mutation_hint=None):
        self.id = id
        self.args = tuple(args)
        self.checker = checker
        self.chapter = chapter
        self.mutable = tuple(mutable)  # argument names the function may change in place
        self.shape_hint = shape_hint   # shown when a shape error comes out of the learner's code
        self.mutation_hint = mutation_hint  # shown when an input was changed in place

    @property
    def signature(self):
        return f"{self.id}({', '.join(self.args)})"


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
