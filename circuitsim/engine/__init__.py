"""circuitsim.engine."""
