"""derivtutor: the calculus behind backpropagation, derived step by step and checked by SymPy.

Importing the package stays cheap (no SymPy) so that `derive --help` feels instant; the heavy parts load
when a derivation is asked for.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "derive"]


def derive(target, wrt=None):  # noqa: ANN001, ANN201 - thin lazy wrapper, documented in api.py
    """Derive a preset name, an expression string or a SymPy expression; see `derivtutor.api.derive`."""
    from derivtutor.api import derive as _derive

    return _derive(target, wrt=wrt)
