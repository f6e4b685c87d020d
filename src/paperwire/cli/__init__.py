"""The paperwire command line."""
