"""The Jupyter hook: a Value shows its graph in a notebook.

``viz`` sits a floor above the engine; it is imported only when a notebook asks for a
drawing, the one import that runs upward (accepted: only a notebook pays for it).
"""

from __future__ import annotations


class NotebookDisplay:
    """Jupyter's rich display methods for ``Value``."""

    __slots__ = ()

    def _repr_svg_(self) -> str | None:
        """The graph as SVG for Jupyter (``repr()`` stays short); None without ``viz``."""
        try:
            from viz.jupyter import value_svg  # noqa: PLC0415 - only a notebook pays for viz
        except ImportError:
            return None
        return value_svg(self)

    def _repr_html_(self) -> str | None:
        """Without a Graphviz engine, the DOT text and how to install one; else None."""
        try:
            from viz.jupyter import value_html  # noqa: PLC0415 - only a notebook pays for viz
        except ImportError:
            return None
        return value_html(self)
