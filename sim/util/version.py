"""The package version, in one place: `sim.__version__`, manifests, crash reports and cache keys read it here."""

__version__ = "0.1.0"
