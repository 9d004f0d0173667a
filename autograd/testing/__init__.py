"""Property tests for derivatives: find a wrong one, name its node, draw its edge.

Example:
    >>> from autograd.testing import check_gradients
    >>> check_gradients(lambda x: x.tanh() * x, max_examples=10) > 0
    True
"""

from autograd.testing._check import check_gradients
from autograd.testing._pytest import gradient_test
from autograd.testing._report import GradientMismatch, Report

__all__ = ["GradientMismatch", "Report", "check_gradients", "gradient_test"]
