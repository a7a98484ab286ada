"""Public read endpoints: catalogue, entries, search, departments (docs/api.md)."""

from ninja import Router

router = Router(tags=["public"])
