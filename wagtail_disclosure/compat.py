"""Differences between the supported Wagtail versions (7.4 LTS and 8.x), in one place."""

try:  # Wagtail 8.0+
    from wagtail.permissions import register_permission_policy
except ImportError:  # Wagtail 7.4
    register_permission_policy = None

HAS_POLICY_REGISTRY = register_permission_policy is not None


def install_page_permission_policy(policy_class):
    """Make ``policy_class``, a subclass of Wagtail's ``PagePermissionPolicy``, the policy
    the admin uses for pages (``wagtail_disclosure.admin_scoping``).

    Wagtail 8 looks policies up in its registry: the policy is registered for
    ``AbstractPage``, where Wagtail registers its own, the official way.

    Wagtail 7.4 has no registry. Its admin views import the module-level object
    ``wagtail.permissions.page_permission_policy`` by name (``from wagtail.permissions
    import page_permission_policy``), so replacing the module attribute would not reach
    them. The object's class is switched to ``policy_class`` instead, which every holder of
    the object sees; ``policy_class`` must therefore add no state of its own. (7.4's admin
    pages API builds a ``PagePermissionPolicy()`` of its own: see
    ``admin_scoping.scope_admin_pages_api``.)
    """
    if HAS_POLICY_REGISTRY:
        from wagtail.models import AbstractPage

        register_permission_policy(AbstractPage, policy_class())
        return
    from wagtail import permissions

    policy = permissions.page_permission_policy
    if not isinstance(policy, policy_class):
        policy.__class__ = policy_class


def get_page_permission_policy():
    """The page permission policy of the admin, as Wagtail's own views find it."""
    if HAS_POLICY_REGISTRY:
        from wagtail.models import Page
        from wagtail.permissions import policy_registry

        return policy_registry.get_by_type(Page)
    from wagtail.permissions import page_permission_policy

    return page_permission_policy


def fix_sqlite_fts_quoting():
    """Escape double quotes and drop NUL characters in the SQLite search backend's words.

    Wagtail's database search backend on SQLite (``modelsearch``'s ``Lexeme``, used by
    Wagtail 7.4 and 8) writes each query word into an FTS5 string as ``"word"`` without
    doubling the double quotes inside it, so a search for ``"`` (or a word holding a NUL)
    ends in ``OperationalError: unterminated string``: a server error in the admin page
    search, the page chooser, the admin pages API and the v2 API, for anyone who can
    reach them. FTS5 escapes a double quote inside a string by doubling it; this applies
    that to every word, once, from ``AppConfig.ready()``. Nothing changes on other
    databases.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    try:
        from modelsearch.backends.database.sqlite.query import Lexeme
    except (ImportError, LookupError):  # another search package, or no SQLite index table
        return
    if getattr(Lexeme.as_sql, "_disclosure_escaped", False):
        return
    as_sql = Lexeme.as_sql

    def as_sql_escaped(self, compiler, connection):
        template, params = as_sql(self, compiler, connection)
        return template, [
            param.replace("\x00", "").replace('"', '""') if isinstance(param, str) else param
            for param in params
        ]

    as_sql_escaped._disclosure_escaped = True
    Lexeme.as_sql = as_sql_escaped


#: Words of one plain-text search that Wagtail's database backends receive (see below).
SEARCH_MAX_WORDS = 64


def limit_search_words():
    """Keep the first :data:`SEARCH_MAX_WORDS` words of a plain-text search.

    Wagtail's database search backends (``modelsearch``) nest one SQL expression per word,
    so a search of a few hundred words (pasted text, a probe) ends in ``RecursionError`` or
    a query too deep for the database: a server error in the admin page search, the page
    chooser and every other Wagtail search. The package's own searches limit their input
    already; this applies a limit to Wagtail's ``PlainText`` query itself, once, from
    ``AppConfig.ready()``. No useful search has more words.
    """
    try:
        from modelsearch.query import PlainText
    except ImportError:  # an older search package
        return
    if getattr(PlainText.__init__, "_disclosure_limited", False):
        return
    init = PlainText.__init__

    def init_limited(self, query_string, *args, **kwargs):
        words = query_string.split()
        if len(words) > SEARCH_MAX_WORDS:
            query_string = " ".join(words[:SEARCH_MAX_WORDS])
        init(self, query_string, *args, **kwargs)

    init_limited._disclosure_limited = True
    PlainText.__init__ = init_limited


__all__ = [
    "fix_sqlite_fts_quoting",
    "limit_search_words",
    "HAS_POLICY_REGISTRY",
    "get_page_permission_policy",
    "install_page_permission_policy",
    "register_permission_policy",
]
