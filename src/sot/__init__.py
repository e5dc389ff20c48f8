"""sot: SOT-punkter (service- och trygghetspunkter) on backup power."""

__version__ = "0.1.0"
