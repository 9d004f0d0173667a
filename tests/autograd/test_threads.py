"""What the README promises about threads and asyncio tasks.

``no_grad`` and ``scope`` live in a context variable: per thread and per task. ``grad``
keeps its gradients in a dict of its own call, so threads may differentiate one shared
graph at once. (``backward`` writes ``.grad`` in place and is not made safe for two
threads at once: the README says so.)
"""

from __future__ import annotations

import asyncio
import contextvars
import threading

import autograd
from autograd import Value, grad, no_grad, scope


def _in_threads(count: int, work) -> list:
    results: list = [None] * count
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_no_grad_and_scope_are_per_thread():
    inside = threading.Event()
    release = threading.Event()
    seen: dict[str, object] = {}

    def other() -> None:
        with no_grad(), scope("other"):
            inside.set()
            release.wait(10)
            seen["other"] = (autograd.is_grad_enabled(), (Value(1.0) * 2).scope.path)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(10)
    # The other thread is inside no_grad and its scope: this one is not.
    node = Value(1.0) * 2
    seen["main"] = (autograd.is_grad_enabled(), node.scope, node.op.name)
    release.set()
    thread.join()
    assert seen == {"other": (False, ("other",)), "main": (True, None, "mul")}


def test_no_grad_and_scope_are_per_asyncio_task():
    async def task(name: str, frozen: bool) -> tuple[bool, tuple[str, ...] | None]:
        with scope(name):
            if frozen:
                with no_grad():
                    await asyncio.sleep(0.01)  # the other task runs meanwhile
                    node = Value(1.0) * 2
            else:
                await asyncio.sleep(0.005)
                node = Value(1.0) * 2
        return node.op is None, node.scope.path

    async def both() -> list:
        return await asyncio.gather(task("a", True), task("b", False))

    assert asyncio.run(both()) == [(True, ("a",)), (False, ("b",))]


def test_grad_on_one_shared_graph_from_many_threads():
    w = Value(0.5, "w")
    x = [Value(0.1 * i) for i in range(50)]
    loss = sum(((w * xi).tanh() - 0.3) ** 2 for xi in x)
    expected = grad(loss, [w, *x])
    results = _in_threads(4, lambda index: [grad(loss, [w, *x]) for _ in range(20)])
    assert all(r == expected for run in results for r in run)
    assert w.grad == 0.0  # grad never touches .grad


def test_a_task_made_inside_a_block_keeps_its_state_after_the_block_exits():
    # asyncio copies the context into a task at its creation: the task keeps the scope
    # and no_grad of the block it was made in, though that block has exited when it runs
    # (so no count of open blocks can stand for "no state anywhere").
    async def build() -> tuple:
        await asyncio.sleep(0)
        node = Value(1.0) * 2
        return node.scope.path, node.op

    async def main() -> tuple:
        with no_grad(), scope("outer"):
            task = asyncio.create_task(build())
        fresh = Value(1.0) * 2  # this task left the block
        return await task, (fresh.scope, fresh.op.name)

    assert asyncio.run(main()) == ((("outer",), None), (None, "mul"))


def test_a_context_copied_inside_a_scope_runs_in_another_thread_with_it():
    with scope("copied"):
        context = contextvars.copy_context()
    other_started = threading.Event()
    release = threading.Event()
    seen: dict[str, object] = {}

    def other() -> None:
        with scope("busy"):  # a scope open in a thread while the others build
            other_started.set()
            release.wait(10)

    def copied() -> None:
        seen["copied"] = context.run(lambda: (Value(1.0) * 2).scope.path)

    busy = threading.Thread(target=other)
    busy.start()
    other_started.wait(10)
    seen["main"] = (Value(1.0) * 2).scope
    thread = threading.Thread(target=copied)
    thread.start()
    thread.join()
    release.set()
    busy.join()
    seen["after"] = (Value(1.0) * 2).scope
    assert seen == {"main": None, "copied": ("copied",), "after": None}
