"""circuitsim.network."""
