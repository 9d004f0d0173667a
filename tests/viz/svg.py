"""Reading the SVG that Graphviz writes: nodes, edges and clusters with their texts."""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Item:
    kind: str  # "node", "edge" or "cluster"
    title: str  # the DOT id: "n0", "n0->n2_op", "cluster_0"
    classes: tuple[str, ...]  # the SVG class beyond the kind: ("input",), ("op",)
    texts: tuple[str, ...]
    xs: tuple[float, ...]  # x coordinates of the item's outline (nodes, clusters)
    font_sizes: tuple[float, ...]


def _outline_xs(group: ET.Element) -> list[float]:
    xs: list[float] = []
    for element in group.iter():
        tag = element.tag.removeprefix(SVG)
        if tag in ("polygon", "polyline"):
            points = element.get("points", "").split()
            xs.extend(float(p.split(",")[0]) for p in points)
        elif tag == "path":
            numbers = [float(n) for n in _NUMBER.findall(element.get("d", ""))]
            xs.extend(numbers[0::2])
        elif tag == "ellipse":
            cx, rx = float(element.get("cx", 0)), float(element.get("rx", 0))
            xs.extend((cx - rx, cx + rx))
    return xs


def items(svg: str) -> list[Item]:
    """Every node, edge and cluster of a Graphviz SVG, in document order."""
    root = ET.fromstring(svg.encode("utf-8"))  # noqa: S314 - our own renderer's output
    found = []
    for group in root.iter(f"{SVG}g"):
        classes = tuple(group.get("class", "").split())
        if not classes or classes[0] not in ("node", "edge", "cluster"):
            continue
        title = group.find(f"{SVG}title")
        texts = list(group.iter(f"{SVG}text"))
        found.append(
            Item(
                kind=classes[0],
                title="" if title is None else (title.text or ""),
                classes=classes[1:],
                texts=tuple((t.text or "") for t in texts),
                xs=tuple(_outline_xs(group)),
                font_sizes=tuple(float(t.get("font-size", "14")) for t in texts),
            )
        )
    return found


def nodes(svg: str) -> dict[str, Item]:
    return {item.title: item for item in items(svg) if item.kind == "node"}


def content(svg: str) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """What a picture shows, without where: comparable across engines and versions."""
    return sorted((i.kind, i.title, i.classes, i.texts) for i in items(svg))
