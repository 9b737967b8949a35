"""circuitsim.sweep."""
