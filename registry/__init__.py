"""ropa: the GDPR Article 30 register of processing activities, kept as code."""

__version__ = "0.1.0"
