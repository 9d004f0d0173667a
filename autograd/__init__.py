"""chainrule's engine: scalar ``Value`` nodes, the op table, backward and higher-order grad.

The public API is what this module exports; ``nn`` and ``viz`` use nothing else.

Example:
    >>> from autograd import Value
    >>> x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
    >>> z = (x + y) * w
    >>> z.backward()
    >>> (z.data, x.grad, y.grad, w.grad)
    (20.0, 4.0, 4.0, 5.0)
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from autograd.compiler import CompiledFunction, Gradients, TraceError, compile
from autograd.context import Scope, is_grad_enabled, no_grad, scope
from autograd.custom import CustomOp
from autograd.engine import grad, local_partials, operands, topological_order
from autograd.files import write_atomically
from autograd.function import Context, Function
from autograd.functional import dot, log_softmax, logsumexp, softmax, total
from autograd.gradcheck import GradcheckError, gradcheck
from autograd.ops import OPS, TABLE, Interval, Op
from autograd.parse import Parsed, ParseError, parse
from autograd.store import ParameterStore
from autograd.value import Value, apply

try:  # the installed distribution's version: one number, in pyproject.toml
    __version__: str = _version("chainrule")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "OPS",
    "TABLE",
    "CompiledFunction",
    "Context",
    "CustomOp",
    "Function",
    "GradcheckError",
    "Gradients",
    "Interval",
    "Op",
    "ParameterStore",
    "ParseError",
    "Parsed",
    "Scope",
    "TraceError",
    "Value",
    "__version__",
    "apply",
    "compile",
    "dot",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "local_partials",
    "log_softmax",
    "logsumexp",
    "no_grad",
    "operands",
    "parse",
    "scope",
    "softmax",
    "topological_order",
    "total",
    "write_atomically",
]
