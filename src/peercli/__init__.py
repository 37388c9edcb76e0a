"""peer: a local-first terminal tool for peer support specialists."""

__version__ = "0.1.0"
