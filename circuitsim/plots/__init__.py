"""circuitsim.plots."""
