"""``compile``: trace a function once, replay it as generated Python (floats or numpy).

The rooms, in the order a call goes through them:

- ``api.py``: :func:`compile` and :class:`CompiledFunction` (tracing, calling, ``verify``);
- ``inputs.py``: a call's inputs checked and split into samples, gradients shaped;
- ``tape.py``: :class:`Tape`, the traced graph in order, with each leaf's part;
- ``program.py``: the float program (one line per node, forward and backward);
- ``loops.py``: repeated patterns of a long graph written as ``for`` loops;
- ``batch.py``: the numpy program (hoisting, layers fused into matrix products);
- ``softmax.py``: log-softmax, softmax, logsumexp and cross-entropy fused in that program;
- ``diagnosis.py``: a replay's domain error or changed trace, explained;
- ``torch_code.py``: the tape as a readable PyTorch module (``CompiledFunction.to_torch``).
"""

from autograd.compiler.api import CompiledFunction, Gradients, TraceError, compile
from autograd.compiler.tape import Tape

__all__ = ["CompiledFunction", "Gradients", "Tape", "TraceError", "compile"]
