"""derivtutor: the calculus behind backpropagation, derived step by step and checked by SymPy.

    >>> import derivtutor
    >>> result = derivtutor.derive("1/(1 + exp(-x))")
    >>> result.final
    (1 - sigmoid(x))*sigmoid(x)

Importing the package stays cheap (no SymPy) so that `derive --help` feels instant; the heavy parts load
when a derivation is asked for. See `derivtutor.api` for the Result and the limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derivtutor.errors import CannotDecide, InputError, InternalError

if TYPE_CHECKING:
    import sympy

    from derivtutor.api import Result

__version__ = "0.1.0"

__all__ = ["CannotDecide", "InputError", "InternalError", "Result", "__version__", "derive", "preset_names"]


def derive(target: str | sympy.Expr, wrt: str | sympy.Symbol | None = None, **limits: Any) -> Result:
    """Derive a preset name, an expression string or a SymPy expression, every step checked by SymPy.

    Keyword arguments (seconds, max_nodes, max_steps, real_symbols) are those of `derivtutor.api.derive`.
    Raises InputError, CannotDecide or InternalError.
    """
    from derivtutor.api import derive as _derive

    return _derive(target, wrt=wrt, **limits)


def preset_names() -> dict[str, str]:
    """The named derivations `derive` accepts (sigmoid, error, output-weight, ...), each with a one-line summary."""
    from derivtutor.preset_index import PRESET_SUMMARIES

    return dict(PRESET_SUMMARIES)


def __getattr__(name: str) -> Any:
    """`derivtutor.Result` loads the API (and SymPy) only when asked for."""
    if name == "Result":
        from derivtutor.api import Result

        return Result
    raise AttributeError(f"module 'derivtutor' has no attribute {name!r}")
