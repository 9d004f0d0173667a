"""The pytest pattern: one line per function under test.

A learner's test file::

    from autograd.testing import gradient_test
    from mycode import Cube, my_tanh

    test_cube = gradient_test(Cube)
    test_tanh = gradient_test(my_tanh, domains=[(-5.0, 5.0)])

pytest collects each ``test_...`` name as a test. A wrong derivative fails with the
plain-words message only (``pytest.fail(..., pytrace=False)``): no traceback wall.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd.testing._check import check_gradients
from autograd.testing._report import GradientMismatch


def gradient_test(fn: Any, **options: Any) -> Callable[[], None]:
    """A test function that runs :func:`check_gradients` on ``fn`` with ``options``.

    Under pytest a failure shows the message without a traceback; elsewhere the
    :class:`GradientMismatch` itself is raised.

    Example:
        >>> test_tanh = gradient_test(lambda x: x.tanh(), max_examples=10)
        >>> test_tanh()  # passes: returns None
    """
    name = getattr(fn, "__name__", None) or getattr(fn, "name", "function")

    def test() -> None:
        __tracebackhide__ = True  # pytest hides this frame
        try:
            check_gradients(fn, **options)
        except GradientMismatch as error:
            try:
                import pytest  # noqa: PLC0415 - only under pytest
            except ImportError:  # outside pytest: the error itself
                raise error from None
            pytest.fail(str(error), pytrace=False)

    test.__name__ = test.__qualname__ = f"test_{name}"
    test.__doc__ = f"check_gradients({name}) finds no wrong derivative."
    return test
