"""The package version (a module of its own, so modules that need it never import the package root)."""

__version__ = "0.1.0"
