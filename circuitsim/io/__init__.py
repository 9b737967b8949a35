"""circuitsim.io."""
