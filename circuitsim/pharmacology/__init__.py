"""circuitsim.pharmacology."""
