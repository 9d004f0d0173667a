"""A microgpt-shaped workload: a tiny character GPT trained by a scalar ``Value``.

In February 2026 Karpathy published microgpt, a GPT trained end to end by a scalar
autograd ``Value`` of about forty lines that stores each node's local gradients instead
of a closure. Learners now write this kind of model. This module is our own version of
that workload, used by the benchmark script (the eager row against the leanest scalar
engine) and by the explorer's scale tests (one training step is a graph of about 80,000
values):

- a one-layer decoder, 4 attention heads, 16 wide, over character tokens, with rmsnorm
  before attention and before the MLP (4x wide, ReLU), residual connections, tokens
  processed one position at a time with a growing key/value cache;
- the loss of a step is the mean cross-entropy of the next character over one
  document (a name from ``DOCUMENTS``, between two BOS tokens), the softmax shifted by
  the logits' largest ``.data`` (a plain number, as microgpt does);
- Adam updates the parameters' ``.data`` in plain Python.

The model code is written once, generic over the number type: :class:`Ops` carries the
three non-operator functions (``exp``, ``log``, ``relu``), so the same forward runs on
chainrule's ``Value``, on :class:`LocalValue` (a microgpt-style engine written here from
the published description: children and local gradients per node, no closures) and on
plain floats (the floor: forward only, no graph). ``scope`` is an optional context
factory: the explorer's tests pass ``autograd.scope`` so the graph is folded by what the
code says (embedding, attention head, MLP, output, loss per position); the benchmark passes
nothing, as microgpt has no scopes.

Example:
    >>> model = Model(Value, seed=0)
    >>> loss = model.loss(encode(DOCUMENTS[0]))
    >>> round(loss.data, 6) == round(Model(LocalValue, seed=0).loss(encode(DOCUMENTS[0])).data, 6)
    True
"""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value, scope

N_EMBD = 16
N_HEAD = 4
HEAD_DIM = N_EMBD // N_HEAD
BLOCK_SIZE = 16

# Twelve short names (training documents, one per step), written for this benchmark.
DOCUMENTS = (
    "emma", "olivia", "ava", "isabella", "sophia", "mia",
    "charlotte", "amelia", "harper", "evelyn", "abigail", "emily",
)  # fmt: skip
CHARS = sorted(set("".join(DOCUMENTS)))
BOS = len(CHARS)
VOCAB = len(CHARS) + 1


def encode(document: str) -> list[int]:
    """The token ids of ``document`` between two BOS tokens."""
    return [BOS, *(CHARS.index(c) for c in document), BOS]


class LocalValue:
    """A scalar autograd node that stores its children and their local gradients.

    The leanest published design (microgpt's): no closure per node; ``backward`` sorts
    the graph once and multiplies each node's gradient by its stored local gradients.
    """

    __slots__ = ("_children", "_local_grads", "data", "grad")

    def __init__(self, data: float, children: tuple = (), local_grads: tuple = ()) -> None:
        self.data = data
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: Any) -> LocalValue:
        other = other if isinstance(other, LocalValue) else LocalValue(other)
        return LocalValue(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other: Any) -> LocalValue:
        other = other if isinstance(other, LocalValue) else LocalValue(other)
        return LocalValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k: float) -> LocalValue:
        return LocalValue(self.data**k, (self,), (k * self.data ** (k - 1),))

    def log(self) -> LocalValue:
        return LocalValue(math.log(self.data), (self,), (1 / self.data,))

    def exp(self) -> LocalValue:
        e = math.exp(self.data)
        return LocalValue(e, (self,), (e,))

    def relu(self) -> LocalValue:
        return LocalValue(max(0.0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self) -> LocalValue:
        return self * -1

    def __radd__(self, other: Any) -> LocalValue:
        return self + other

    def __sub__(self, other: Any) -> LocalValue:
        return self + (-other)

    def __rsub__(self, other: Any) -> LocalValue:
        return other + (-self)

    def __rmul__(self, other: Any) -> LocalValue:
        return self * other

    def __truediv__(self, other: Any) -> LocalValue:
        return self * other**-1

    def __rtruediv__(self, other: Any) -> LocalValue:
        return other * self**-1

    def backward(self) -> None:
        order: list[LocalValue] = []
        seen: set[int] = set()
        stack: list[tuple[LocalValue, bool]] = [(self, False)]
        while stack:  # an explicit stack: a long graph must not exhaust Python's frames
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in node._children)
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node._children, node._local_grads, strict=True):
                child.grad += local * node.grad


@dataclass(frozen=True)
class Ops:
    """The functions the model calls that are not Python operators."""

    exp: Callable[[Any], Any]
    log: Callable[[Any], Any]
    relu: Callable[[Any], Any]

    @classmethod
    def of(cls, number: type) -> Ops:
        """The functions for ``number``: its methods, or ``math``'s for ``float``."""
        if number is float:
            return cls(math.exp, math.log, lambda x: x if x > 0 else 0.0)
        return cls(number.exp, number.log, number.relu)


class Model:
    """The decoder's parameters (numbers of type ``number``) and its forward pass."""

    def __init__(
        self,
        number: type,
        seed: int = 0,
        scope: Callable[[str], Any] | None = None,
    ) -> None:
        rng = random.Random(seed)  # noqa: S311 (reproducible weights, not secrets)

        def matrix(rows: int, cols: int, std: float = 0.08) -> list[list[Any]]:
            return [[number(rng.gauss(0.0, std)) for _ in range(cols)] for _ in range(rows)]

        self.number = number
        self.ops = Ops.of(number)
        self.scope = scope or (lambda name: contextlib.nullcontext())
        self.wte = matrix(VOCAB, N_EMBD)
        self.wpe = matrix(BLOCK_SIZE, N_EMBD)
        self.wq, self.wk, self.wv, self.wo = (matrix(N_EMBD, N_EMBD) for _ in range(4))
        self.fc1 = matrix(4 * N_EMBD, N_EMBD)
        self.fc2 = matrix(N_EMBD, 4 * N_EMBD)
        self.head = matrix(VOCAB, N_EMBD)

    def parameters(self) -> list[Any]:
        """Every parameter, matrix by matrix, row by row."""
        mats = (self.wte, self.wpe, self.wq, self.wk, self.wv, self.wo, self.fc1, self.fc2)
        return [p for m in (*mats, self.head) for row in m for p in row]

    @staticmethod
    def linear(x: Sequence[Any], w: Sequence[Sequence[Any]]) -> list[Any]:
        return [sum(wi * xi for wi, xi in zip(row, x, strict=True)) for row in w]

    def rmsnorm(self, x: Sequence[Any]) -> list[Any]:
        scale = (sum(xi * xi for xi in x) / len(x) + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    def softmax(self, logits: Sequence[Any]) -> list[Any]:
        top = max(getattr(v, "data", v) for v in logits)
        exps = [self.ops.exp(v - top) for v in logits]
        total = sum(exps)
        return [e / total for e in exps]

    def position(self, token: int, pos: int, keys: list, values: list) -> list[Any]:
        """The logits after ``token`` at ``pos``; appends to the key/value caches."""
        with self.scope("embedding"):
            x = [t + p for t, p in zip(self.wte[token], self.wpe[pos], strict=True)]
        with self.scope("attention"):
            h = self.rmsnorm(x)
            q, k, v = self.linear(h, self.wq), self.linear(h, self.wk), self.linear(h, self.wv)
            keys.append(k)
            values.append(v)
            out: list[Any] = []
            for head in range(N_HEAD):
                lo, hi = head * HEAD_DIM, (head + 1) * HEAD_DIM
                with self.scope(f"head {head}"):
                    scores = [
                        sum(qi * ki for qi, ki in zip(q[lo:hi], key[lo:hi], strict=True))
                        * HEAD_DIM**-0.5
                        for key in keys
                    ]
                    weights = self.softmax(scores)
                    out += [
                        sum(w * val[d] for w, val in zip(weights, values, strict=True))
                        for d in range(lo, hi)
                    ]
            x = [a + b for a, b in zip(x, self.linear(out, self.wo), strict=True)]
        with self.scope("mlp"):
            h = [self.ops.relu(v) for v in self.linear(self.rmsnorm(x), self.fc1)]
            x = [a + b for a, b in zip(x, self.linear(h, self.fc2), strict=True)]
        with self.scope("output"):
            return self.linear(x, self.head)

    def loss(self, tokens: Sequence[int]) -> Any:
        """The mean next-token cross-entropy over ``tokens`` (at most BLOCK_SIZE + 1)."""
        keys: list = []
        values: list = []
        losses = []
        n = min(len(tokens) - 1, BLOCK_SIZE)
        for pos in range(n):
            logits = self.position(tokens[pos], pos, keys, values)
            with self.scope(f"loss {pos}"):
                losses.append(-self.ops.log(self.softmax(logits)[tokens[pos + 1]]))
        return sum(losses) * (1.0 / n)


class Adam:
    """Adam on the parameters' ``.data`` (bias-corrected), as a learner writes it."""

    def __init__(self, params: list[Any], lr: float = 0.01, b1: float = 0.85, b2: float = 0.99):
        self.params, self.lr, self.b1, self.b2 = params, lr, b1, b2
        self.m = [0.0] * len(params)
        self.v = [0.0] * len(params)
        self.t = 0

    def step(self) -> None:
        self.t += 1
        c1, c2 = 1 - self.b1**self.t, 1 - self.b2**self.t
        for i, p in enumerate(self.params):
            self.m[i] = self.b1 * self.m[i] + (1 - self.b1) * p.grad
            self.v[i] = self.b2 * self.v[i] + (1 - self.b2) * p.grad**2
            p.data -= self.lr * (self.m[i] / c1) / ((self.v[i] / c2) ** 0.5 + 1e-8)
            p.grad = 0.0


def train(number: type, steps: int = 12, seed: int = 0) -> list[float]:
    """Train ``steps`` steps (one document each) with ``number``'s engine; the losses."""
    model = Model(number, seed)
    adam = Adam(model.parameters())
    losses = []
    for step in range(steps):
        loss = model.loss(encode(DOCUMENTS[step % len(DOCUMENTS)]))
        loss.backward()
        adam.step()
        losses.append(loss.data)
    return losses


def graph(seed: int = 0, scoped: bool = True) -> Any:
    """One training step's loss on chainrule's ``Value`` (for the explorer's tests)."""
    model = Model(Value, seed, scope if scoped else None)
    return model.loss(encode(max(DOCUMENTS, key=len)))
