"""Pure domain: dataclasses and functions, stdlib only; imports nothing from paperwire."""
