"""Test app: the extension example of docs/extending.md."""
