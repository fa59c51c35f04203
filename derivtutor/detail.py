"""`--detail brief|normal|full` decided once: which steps of a derivation are shown, for every output format.

The terminal, LaTeX, Markdown and the lesson screens all ask `shows` (and list the rules of `shown_steps`), so
`derive "x^2 sin x" --detail brief` shows the same steps, and names the same rules, whatever the format.
- full and normal: every step (normal says a trivial one, such as d/dx x = 1, in one line without its why);
- brief: the steps a teacher would not skip: a trivial step only when it carries a note (a held constant).
The root and a chain's layers are always shown: they are the derivation itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from derivtutor.explain import step_notes
from derivtutor.rules import ChainRule, Step
from derivtutor.teaching import RULES

DETAILS = ("brief", "normal", "full")


def check_detail(detail: str) -> str:
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {', '.join(DETAILS)}, not {detail!r}")
    return detail


def shows(step: Step, detail: str) -> bool:
    """Whether a substep gets its own line at this level of detail."""
    return detail != "brief" or not RULES[step.rule_id].trivial or bool(step_notes(step))


def shown_steps(root: Step, detail: str) -> Iterator[Step]:
    """The steps shown at this level, parents first (a hidden step hides what is under it)."""
    stack = [root]
    while stack:
        step = stack.pop()
        yield step
        if isinstance(step, ChainRule):
            children = list(step.substeps())
        else:
            children = [sub for sub in step.substeps() if shows(sub, detail)]
        stack.extend(reversed(children))


def rules_shown(root: Step, detail: str) -> list[str]:
    """The rule ids of the shown steps, first use first (a document's "Rules used")."""
    return list(dict.fromkeys(step.rule_id for step in shown_steps(root, detail)))
