"""circuitsim.plasticity."""
