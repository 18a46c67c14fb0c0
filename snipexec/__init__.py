"""snipexec: run Python snippet files cell by cell, cache and render what they print.

The core knows nothing about MkDocs; ``snipexec.mkdocs_adapter`` adapts it.
"""
from .engine import Engine, FileResult, CellResult, SnippetFailure, SnippetNotFound

__all__ = ["Engine", "FileResult", "CellResult", "SnippetFailure", "SnippetNotFound"]
