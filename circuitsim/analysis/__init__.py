"""circuitsim.analysis."""
