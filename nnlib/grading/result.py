"""The result of a check: a verdict, the failing case, what was expected and what came, a hint."""

import html

STATUSES = ("passed", "failed", "not attempted", "error")


class CheckResult:
    """The outcome of ``check(exercise_id, fn)``.

    Attributes: ``exercise`` (id), ``status`` (one of ``STATUSES``), ``passed`` (bool),
    ``reason`` (one line), ``details`` (list of lines: inputs, expected, got), ``hint`` (the
    likely mistake, or None), ``case`` (the failing case's name, or None), ``passed_cases``,
    ``flags`` (for example ``"uses-reference"``) and ``note`` (a remark that does not change the
    verdict, or None). ``str(result)`` is the plain-text report; notebooks show the HTML.
    """

    def __init__(self, exercise, status, reason, details=(), hint=None, case=None,
                 passed_cases=(), chapter=None, flags=(), note=None):
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
        self.exercise = exercise
        self.status = status
        self.reason = reason
        self.details = list(details)
        self.hint = hint
        self.case = case
        self.passed_cases = list(passed_cases)
        self.chapter = chapter
        self.flags = list(flags)
        self.note = note

    @property
    def passed(self):
        return self.status == "passed"

    def __bool__(self):
        return self.passed

    @property
    def message(self):
        """The full plain-text report (same as ``str(result)``)."""
        return self.report()

    def one_line(self):
        """Status and reason on one line, for score tables."""
        text = self.reason if not self.hint else f"{self.reason} Hint: {self.hint}"
        if self.note:
            text += f" Note: {self.note}"
        return " ".join(text.split())

    def report(self):
        lines = [f"{self.exercise}: {self.status.upper()}", self.reason]
        lines += [f"  {line}" for line in self.details]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        if self.note:
            lines.append(f"Note: {self.note}")
        if self.status in ("failed", "error") and self.passed_cases:
            lines.append("Cases passed before this one: " + ", ".join(self.passed_cases) + ".")
        if self.status in ("failed", "error") and self.chapter:
            lines.append(f"Background: chapters/{self.chapter}.ipynb")
        return "\n".join(lines)

    def __str__(self):
        return self.report()

    def __repr__(self):
        return self.report()

    def _repr_html_(self):
        colour = {"passed": "#2e7d32", "failed": "#c62828", "not attempted": "#757575",
                  "error": "#c62828"}[self.status]
        esc = html.escape
        parts = [
            f'<div style="border-left: 4px solid {colour}; padding: 2px 10px; margin: 4px 0;">',
            f'<p style="margin: 4px 0;"><b>{esc(self.exercise)}</b>: '
            f'<b style="color: {colour};">{esc(self.status)}</b> &mdash; {esc(self.reason)}</p>',
        ]
        if self.details:
            parts.append('<pre style="margin: 4px 0; padding: 4px; white-space: pre-wrap;">'
                         + esc("\n".join(self.details)) + "</pre>")
        if self.hint:
            parts.append(f'<p style="margin: 4px 0;"><b>Hint:</b> {esc(self.hint)}</p>')
        if self.note:
            parts.append(f'<p style="margin: 4px 0;"><b>Note:</b> {esc(self.note)}</p>')
        if self.status in ("failed", "error") and self.passed_cases:
            parts.append('<p style="margin: 4px 0;">Cases passed before this one: '
                         + esc(", ".join(self.passed_cases)) + ".</p>")
        if self.status in ("failed", "error") and self.chapter:
            parts.append(f'<p style="margin: 4px 0;">Background: '
                         f'<code>chapters/{esc(self.chapter)}.ipynb</code></p>')
        parts.append("</div>")
        return "\n".join(parts)

    def as_dict(self):
        """A JSON-friendly summary (what ``python -m nnlib.grade`` collects)."""
        return {"exercise": self.exercise, "status": self.status, "reason": self.reason,
                "hint": self.hint, "case": self.case, "flags": self.flags, "note": self.note}
