"""docflow: classify documents and judge their quality."""

__version__ = "0.1.0"
__all__ = ["__version__"]
