"""The notebooks' currency check: what counts as a changed output, and what does not."""

import nbformat
import pytest

from tests.notebooks import refresh, run


def _notebook(*printed: str, result: str | None = None, stderr: str = ""):
    cell = nbformat.v4.new_code_cell("...")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text) for text in printed]
    if stderr:
        cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=stderr))
    if result is not None:
        cell.outputs.append(
            nbformat.v4.new_output("execute_result", data={"text/plain": result}, execution_count=1)
        )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# title"), cell]
    return notebook


def test_the_same_text_is_current():
    old = _notebook("loss 0.25\n", result="Value(data=1.0)")
    assert run.differences(old, _notebook("loss 0.25\n", result="Value(data=1.0)")) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("loss 0.25\n", "loss 0.26\n"),  # a number changed
        ("accuracy 100%\n", "accuracy 99%\n"),
        ("5 mistakes\n", "5 errors\n"),  # words changed
        ("one line\n", "one line\nand another\n"),
    ],
)
def test_a_changed_number_or_word_is_out_of_date(before, after):
    (message,) = run.differences(_notebook(before), _notebook(after))
    assert message.startswith("code cell 1, line ")
    assert "stored" in message
    assert "now" in message


def test_what_two_honest_runs_print_differently_is_ignored():
    old = _notebook(
        "eager: 2.31 s, compiled: 0.12 s (19.3x faster)\n",
        "<Graph at 0x7f3a2b4c5d60>\n",
        stderr="training: 100%|#####| 50/50 [00:01<00:00, 41.2it/s]\n",
    )
    new = _notebook(
        "eager: 2.94 s, compiled: 0.15 s (19.6x faster)\n",
        "<Graph at 0x7f00aa11bb22>\n",
        stderr="training: 100%|#####| 50/50 [00:02<00:00, 24.0it/s]\n",
    )
    assert run.differences(old, new) == []
    # Numbers agree within a relative 1e-9: the last bits of a sum may differ.
    assert run.differences(_notebook("0.30000000000000004\n"), _notebook("0.3\n")) == []


def test_a_cell_added_or_removed_is_out_of_date():
    two = _notebook("a\n")
    two.cells.append(nbformat.v4.new_code_cell("print(2)"))
    assert run.differences(_notebook("a\n"), two) == ["1 code cells stored, 2 executed"]


def test_cleaned_keeps_outputs_and_drops_what_a_run_adds():
    notebook = _notebook("step 1\rstep 2\rdone\n")
    notebook.cells[1].metadata["execution"] = {"iopub.execute_input": "2026-12-07T17:00:00"}
    notebook.metadata["widgets"] = {"state": {}}
    bar = {"text/plain": "training: 100% 50/50", "application/vnd.jupyter.widget-view+json": {}}
    notebook.cells[1].outputs.append(nbformat.v4.new_output("display_data", data=bar))
    kept = run.cleaned(notebook)
    assert kept.cells[1].outputs[1]["data"] == {"text/plain": "training: 100% 50/50"}
    assert kept.cells[1].outputs[0]["text"] == "done\n"
    assert "execution" not in kept.cells[1].metadata
    assert "widgets" not in kept.metadata
    assert run.serialised(kept).endswith("}\n")


def test_refresh_names_notebooks_by_number_or_name():
    every = run.notebooks()
    assert len(every) >= 14
    assert [p.name for p in refresh._chosen(["03"])] == ["03_mlp.ipynb"]
    assert [p.name for p in refresh._chosen(["08_the_lecture.ipynb"])] == ["08_the_lecture.ipynb"]
    with pytest.raises(SystemExit, match="no single notebook named 'nope'"):
        refresh._chosen(["nope"])


def test_refresh_keeps_a_cell_that_printed_the_same():
    old = _notebook("took 2.31 s\n", result="Value(data=1.0)")
    same = run.keep_unchanged(old, _notebook("took 2.94 s\n", result="Value(data=1.0)"))
    assert same.cells[1].outputs[0]["text"] == "took 2.31 s\n"  # the stored bytes stay
    changed = run.keep_unchanged(old, _notebook("took 2.94 s\n", result="Value(data=2.0)"))
    assert changed.cells[1].outputs[0]["text"] == "took 2.94 s\n"  # a real change: all new


def test_text_printed_in_chunks_reads_as_one():
    # A kernel may send a table's header and its rows as two stream outputs, or as one.
    chunked = _notebook("sample   x\n", "     0   0.50\n")
    whole = _notebook("sample   x\n     0   0.50\n")
    assert run.differences(whole, chunked) == []
    assert run.cleaned(chunked).cells[1].outputs == run.cleaned(whole).cells[1].outputs
    # Padding that a timed number sets is no change either.
    assert run.differences(_notebook("took  9.1 s\n"), _notebook("took 10.2 s\n")) == []
