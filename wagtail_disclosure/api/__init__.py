"""The headless API of wagtail-disclosure, at ``/api/disclosure/v1/`` (docs/api.md).

Built with django-ninja. ``main`` creates the API and its error handling, ``public`` holds
the read endpoints anyone may call (their parameters in ``public_params``, their answers
in ``public_output``), ``staff`` the review endpoints for people with a token. Include
``wagtail_disclosure.api.urls`` in the site's URLconf to serve it.

Wagtail's v2 pages API: ``v2`` is the viewset with the disclosure visibility rule,
``v2_fields`` the page models' output in it (imported by the models, like ``refs``).
"""
