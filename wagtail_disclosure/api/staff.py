"""Staff endpoints: the review queue and review transitions, with token authentication."""

from ninja import Router

router = Router(tags=["staff"])
