"""The headless API of wagtail-disclosure, at ``/api/disclosure/v1/`` (docs/api.md).

Built with django-ninja. ``main`` creates the API and its error handling, ``public`` holds
the read endpoints anyone may call, ``staff`` the review endpoints for people with a
token. Include ``wagtail_disclosure.api.urls`` in the site's URLconf to serve it.
"""
