"""`ct-equity bench`: measure the DESIGN §8 budgets on this machine (not in tests: machines are noisy)."""
