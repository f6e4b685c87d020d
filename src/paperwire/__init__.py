"""paperwire: a self-hostable platform for trending research papers."""

__version__ = "0.1.0"
__all__ = ["__version__"]
