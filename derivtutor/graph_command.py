"""`derive graph` (and `derive network --graph`): build the graph, write the files asked for, print it.

The command part of graph.py: graph.py builds the graph (data), render/graph_views.py shows it; this module does
what a command does (time limits, one error line and the exit code, files written atomically).
"""

from __future__ import annotations

from typing import Any

from derivtutor.graph import GRAPH_SECONDS, GraphError, build_graph, network_program, parse_values
from derivtutor.parsing import ParseError


def run_graph(source: str, at: str | None = None, plot: str | None = None, latex: str | None = None,
              json_file: str | None = None, network: Any = None) -> int:
    """`derive graph` (and `derive network --graph` with `network`, a NetworkConfig): build, write, print."""
    import sys

    from derivtutor.console import output_style
    from derivtutor.engine import UnsupportedExpression
    from derivtutor.export import STDOUT, ExportError, atomic_write, write_text
    from derivtutor.limits import TimeLimitExceeded
    from derivtutor.run import in_deep_thread
    from derivtutor.startup import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, fail
    from derivtutor.verify import UncheckedStep, VerificationError

    try:
        values = network_values = None
        if network is not None:
            source, network_values = network_program(network)
        values = network_values if network_values is not None else parse_values(at)
        graph = in_deep_thread(lambda: build_graph(source, values), GRAPH_SECONDS)
    except ParseError as exc:
        return fail(exc.one_line(), EXIT_BAD_INPUT)
    except (GraphError, UnsupportedExpression) as exc:
        return fail(str(exc), EXIT_BAD_INPUT)
    except TimeLimitExceeded:
        return fail(f"this graph is too big to work out within {GRAPH_SECONDS:g} seconds; try a smaller piece",
                    EXIT_BAD_INPUT)
    except (RecursionError, MemoryError):
        return fail("this graph is nested too deeply to work out; try a smaller piece", EXIT_BAD_INPUT)
    except UncheckedStep:
        return fail("a local derivative could not be checked against SymPy in time, so nothing is shown",
                    EXIT_BAD_INPUT)
    except VerificationError as exc:
        return fail(f"internal error: a local derivative failed its check, so nothing is shown ({exc})"[:400],
                    EXIT_INTERNAL)

    from derivtutor.render import graph_views

    try:
        if json_file is not None:
            write_text(json_file, graph_views.graph_json(graph))
        if latex is not None:
            write_text(latex, graph_views.graph_latex(graph))
        if plot is not None:
            picture = graph_views.graph_picture(graph, plot)
            atomic_write(plot, lambda temp: _write_bytes(temp, picture))
    except (ExportError, graph_views.PlotUnavailable) as exc:
        return fail(str(exc), EXIT_BAD_INPUT)
    if STDOUT in (json_file, latex):
        return EXIT_OK
    style = output_style(sys.stdout)
    before, after = graph_views.network_notes(graph, network, style) if network is not None else ([], [])
    graph_views.print_graph(graph, sys.stdout, style, before, after)
    return EXIT_OK


def _write_bytes(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
