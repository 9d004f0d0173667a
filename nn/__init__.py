"""Neural networks built on ``autograd`` (neurons, layers, MLPs): being built, see the issues."""
