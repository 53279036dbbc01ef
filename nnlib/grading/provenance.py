"""Noticing a solution that hands the exercise to nnlib's own implementation.

``from nnlib.functional import softmax`` followed by ``check("softmax", softmax)``, or a body
that is ``return F.softmax(z)``, passes every case without the learner writing anything. The
result is flagged (``uses-reference``) and says so; it is not failed, and nnlib used for
anything else in the sheet (``F.softmax`` inside ``two_layer_net``) is not flagged.
"""

import sys
import types

FLAG = "uses-reference"


def _references(exercise_id):
    """nnlib's functions named like the exercise, in every loaded nnlib module but the grader."""
    found = []
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "nnlib" or name.startswith("nnlib.")) \
                or name.startswith("nnlib.grading"):
            continue
        obj = getattr(module, exercise_id, None)
        if callable(obj) and not isinstance(obj, type) and all(obj is not f for f in found):
            found.append(obj)
    return found


def _qualified(fn):
    return f"{getattr(fn, '__module__', 'nnlib')}.{getattr(fn, '__name__', '?')}"


def _names_used(code):
    """Every global and attribute name the code (and the functions nested in it) looks up."""
    names, todo = set(), [code]
    while todo:
        c = todo.pop()
        names |= set(c.co_names)
        todo += [k for k in c.co_consts if isinstance(k, types.CodeType)]
    return names


def reference_used(exercise_id, fn):
    """The qualified name of the nnlib function ``fn`` is or calls for ``exercise_id``, or None."""
    refs = _references(exercise_id)
    if any(fn is ref for ref in refs):
        return _qualified(fn)
    code, env = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
    if code is None or exercise_id not in _names_used(code):
        return None
    names = _names_used(code)
    # `softmax(z)` with softmax imported from nnlib, `F.softmax(z)`, `nnlib.functional.softmax(z)`
    # and `from nnlib.functional import softmax` inside the function
    candidates = [env.get(exercise_id)]
    for name in names:
        module = env.get(name) if name in env else sys.modules.get(name)
        if isinstance(module, types.ModuleType) and module.__name__.split(".")[0] == "nnlib":
            candidates.append(getattr(module, exercise_id, None))
            candidates += [getattr(getattr(module, n, None), exercise_id, None) for n in names]
    for obj in candidates:
        if obj is not None and any(obj is ref for ref in refs):
            return _qualified(obj)
    return None
