"""Creation order inside clusters, whatever the Graphviz version.

Within a rank, ``dot`` places nodes and sibling clusters in the order they are declared,
but inside a cluster its versions disagree about direction: the system Graphviz 2.43
keeps that order for ``rankdir="LR"`` and reverses it for ``"TB"``, Graphviz 16 (the
WebAssembly build chainrule ships) does the opposite. So one DOT text drew a layer as
Neuron 0...31 with one engine and 31...0 with the other. Edges cannot fix it: an
invisible edge between nodes of two sibling clusters does not order them, and
``ordering=out`` is ignored inside clusters.

The DOT text stays one text (declared in creation order, byte-identical for one
expression). Each engine is asked once, with a two-node probe, which way it goes;
where it reverses, :func:`reverse_clusters` reverses the statements inside every
cluster before that engine lays the text out, so every engine draws creation order.
"""

from __future__ import annotations

import re

_RANKDIR = re.compile(r"\brankdir=\"?(LR|RL|TB|BT)\b")

PROBE = "digraph probe {{ rankdir={rankdir}; s; subgraph cluster_0 {{ a; b }} s -> a; s -> b }}"
"""A cluster declaring ``a`` before ``b`` in one rank: which comes first tells the direction."""


def axis(dot_source: str) -> str:
    """The rank axis: "LR" if the ranks run sideways (``rankdir`` LR or RL), else "TB".

    Example:
        >>> axis('digraph { graph [rankdir=RL] a }'), axis("digraph { a }")
        ('LR', 'TB')
    """
    found = _RANKDIR.search(dot_source)
    return "LR" if found and found[1] in ("LR", "RL") else "TB"


def _is_attribute(statement: str) -> bool:
    # "graph [...]", "node [...]", "edge [...]" and "key=value": a cluster's own settings,
    # which stay at the top of its body.
    return re.match(r"(graph|node|edge)\s*\[|[A-Za-z_]\w*\s*=", statement) is not None


def reverse_clusters(dot_source: str) -> str:
    r"""``dot_source`` with the nodes and subgraphs inside every cluster in reverse order.

    Reads DOT as the ``graphviz`` package writes it: one statement per line, a subgraph
    opening with ``{`` at the end of a line and closing with a line of ``}``. Settings
    (``graph [...]``, ``label=...``) stay first; the top level is left as it is.

    Example:
        >>> text = "digraph {\n subgraph cluster_0 {\n  label=L\n  a\n  b\n }\n}"
        >>> print(reverse_clusters(text))
        digraph {
         subgraph cluster_0 {
          label=L
          b
          a
         }
        }
    """
    lines = dot_source.split("\n")
    # One frame per open block: [is a cluster, its settings, its items (each a list of lines)].
    stack: list[tuple[bool, list[str], list[list[str]]]] = [(False, [], [])]
    for line in lines:
        statement = line.strip()
        if statement.endswith("{"):
            cluster = re.match(r"subgraph\s+\"?cluster", statement) is not None
            stack.append((cluster, [line], []))
        elif statement == "}" and len(stack) > 1:
            cluster, head, items = stack.pop()
            block = head + [part for item in (items[::-1] if cluster else items) for part in item]
            stack[-1][2].append([*block, line])
        elif len(stack) > 1 and _is_attribute(statement) and not stack[-1][2]:
            stack[-1][1].append(line)
        else:
            stack[-1][2].append([line])
    _, head, items = stack[0]
    return "\n".join(head + [part for item in items for part in item])
