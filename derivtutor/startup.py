"""The bottom floor: exit codes, the one `derive: ...` error writer, and the SymPy import with the collector paused.

Every module may import this one; it imports nothing of ours and nothing heavy, so `derive --help` stays instant.
"""

from __future__ import annotations

import re
import sys

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_WRONG = 3  # `derive check`: the learner's answer or working is wrong
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports it

_NAMED_CONTROLS = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """`text` with every character that could act on a terminal (ESC, BEL, NUL, bidi marks...) written out as
    an escape, so a file name, a lesson field or a typed argument can be echoed safely in one line."""
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch in _NAMED_CONTROLS:
            out.append(_NAMED_CONTROLS[ch])
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*")
"""A variable or function name as the reader writes it (x, w_jk, net_k): the only names that may reach LaTeX,
Markdown or the terminal from a lesson field or --wrt (a fullwidth ｘ looks like x and is not)."""


def is_plain_name(text: str) -> bool:
    return PLAIN_NAME.fullmatch(text) is not None


def say(message: str = "", err: bool = False) -> None:
    """One line on standard output (or error), written in whatever encoding the stream has."""
    stream = sys.stderr if err else sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    line = message.encode(encoding, "replace").decode(encoding, "replace")
    stream.write(line + "\n")
    stream.flush()


def fail(message: str, code: int = EXIT_BAD_INPUT) -> int:
    """The one error writer: `derive: message` on standard error, control characters made visible.

    Returns `code`, so a command can `return fail("...")`.
    """
    say(f"derive: {visible(message)}", err=True)
    return code


def import_sympy_without_collecting() -> None:
    """Import SymPy with Python's cycle collector paused, then freeze what was imported.

    Importing SymPy creates a few hundred thousand long-lived objects; the collector would walk them again and
    again for nothing. Frozen, they are skipped: `derive sigmoid` starts ~90 ms sooner (bench/README.md).
    Only at start-up: a long-lived process that already has SymPy (tests, a notebook) is left alone.
    """
    if "sympy" in sys.modules:
        return
    import gc

    gc.disable()
    try:
        import sympy  # noqa: F401

        _defer_sympy_tensors()
    finally:
        gc.freeze()
        gc.enable()


_TENSOR_MODULE = "sympy.tensor.tensor"


def _defer_sympy_tensors() -> None:
    """Put a stand-in for `sympy.tensor.tensor` in place until something really asks for tensors.

    SymPy's `Add.flatten` imports that module on the first sum only to ask `isinstance(term, TensExpr)`; the
    import pulls in sympy.combinatorics and builds its polyhedra, ~35-75 ms of every derivation's start-up
    (bench/README.md). No tensor can exist before the real module is loaded, so until then the answer is "no":
    the stand-in's TensExpr is a class nothing is an instance of. Any other name asked of it loads the real
    module, which then replaces the stand-in everywhere (sys.modules and the package attribute).
    """
    import types

    import sympy.tensor

    class TensorsNotLoaded(types.ModuleType):
        class TensExpr:
            """No object is one: real tensors need the real module, which replaces this stand-in first."""

        TensAdd = TensExpr

        def __getattr__(self, name: str) -> object:
            if name.startswith("__"):
                raise AttributeError(name)
            if sys.modules.get(_TENSOR_MODULE) is self:
                del sys.modules[_TENSOR_MODULE]
                if getattr(sympy.tensor, "tensor", None) is self:
                    del sympy.tensor.tensor
            import sympy.tensor.tensor as real  # now the real module, which takes the stand-in's place

            return getattr(real, name)

    if _TENSOR_MODULE not in sys.modules:
        stand_in = TensorsNotLoaded(_TENSOR_MODULE, "Stands in for SymPy's tensor module until it is needed.")
        sys.modules[_TENSOR_MODULE] = stand_in
        sympy.tensor.tensor = stand_in
