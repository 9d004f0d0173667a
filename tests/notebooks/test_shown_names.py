"""What the notebooks print names values as a learner reads them, never by drawing id."""

import json
import re
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_mlp.ipynb"


def test_the_neurons_chain_rule_names_operands_as_the_explorer_does():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if "expand=[path]" in "".join(c["source"])]
    printed = "".join("".join(out.get("text", "")) for out in cell["outputs"])
    assert "into" in printed
    # The explorer's panel: a label, or the op and the scope it is in; "n199" is no name.
    assert not re.search(r"\bn\d+\b", printed), printed
    assert re.search(r"into dot \(in Layer 1/Neuron \d+\)", printed), printed
