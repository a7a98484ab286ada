"""Fast bulk creation of published disclosure entries for the search latency benchmark.

``add_child`` saves one page at a time (tree bookkeeping, 索引号 sequence, review row,
signals): about 30 ms an entry, which makes 100,000 entries take most of an hour. This
module writes the same rows in batches instead, and leaves every entry as
``workflow.services.import_as_published`` (the path for information published before)
would leave it:

* a ``wagtailcore_page`` row with a correct materialised path under its category page
  (the parents' ``numchild`` updated), live, with ``url_path``, locale and publication
  dates, and its ``DisclosureEntryPage`` and page-type rows;
* a 索引号 from the same pattern and sequence rows the model uses;
* one revision holding the page's content, which is both its latest and its live revision;
* its ``EntryReview`` row in state ``published``, bound to that revision, with the
  department and sign-off rule read from it, and ``published_at``.

Not written: the audit-log rows of the import and the reference index (neither is read
by search). :func:`verify` checks the result against the public visibility rules.
"""

import datetime

BATCH = 500


def _step(n):
    from wagtail.models import Page

    return Page._int2str(n).rjust(Page.steplen, "0")


def _next_steps(parent):
    """The number of the last child step under ``parent`` (0 if it has none)."""
    from wagtail.models import Page

    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return Page._str2int(last[-Page.steplen :]) if last else 0


def _insert(model, objs, fields, returning=False):
    """INSERT the given columns of ``objs`` into ``model``'s own table, in batches."""
    from django.db import connection

    queryset = model._base_manager.all()
    # Keep below SQLite's limit on bound parameters (32,766 since SQLite 3.32).
    size = max(1, min(BATCH, 30000 // max(1, len(fields))))
    rows = []
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        result = queryset._insert(
            batch,
            fields=fields,
            returning_fields=model._meta.db_returning_fields if returning else None,
            using=connection.alias,
        )
        if returning:
            rows.extend(result)
    return rows


def build_entries(section, rows, offset):
    """Create published entries for ``rows`` (dicts as ``search_corpus.generate_entries``
    gives them) under ``section``'s category pages. Returns their primary keys."""
    import search_corpus as corpus
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import F, OuterRef, Subquery
    from django.db.models.functions import Cast
    from django.utils import timezone
    from wagtail.models import Page, Revision

    from wagtail_disclosure.conf import get_setting
    from wagtail_disclosure.index_numbers import (
        format_index_number,
        pattern_values,
        sequence_key,
    )
    from wagtail_disclosure.models import (
        ChecklistCategory,
        Department,
        DisclosureCategoryPage,
        DisclosureEntryPage,
        DisclosureIndexPage,
        EntryReview,
        IndexNumberSequence,
        entry_page_type_for,
    )
    from wagtail_disclosure.models.review import ReviewState

    departments = {
        code: Department.objects.get_or_create(short_code=code, defaults={"name": name})[0]
        for code, name in corpus.DEPARTMENTS
    }
    parents = {p.category_id: p for p in DisclosureCategoryPage.objects.child_of(section)}
    next_step = {category: _next_steps(page) for category, page in parents.items()}
    added = dict.fromkeys(parents, 0)
    sign_off_categories = set(
        ChecklistCategory.objects.filter(requires_sign_off=True).values_list("pk", flat=True)
    )
    org_code = (
        DisclosureIndexPage.objects.filter(pk=section.pk).values_list(
            "organisation_code", flat=True
        )
    ).first() or get_setting("ORGANISATION_CODE")
    site = section.get_site()
    pattern = get_setting("INDEX_NUMBER_PATTERN")
    serials = {s.key: s.last_value for s in IndexNumberSequence.objects.filter(site=site)}
    page_type = ContentType.objects.get_for_model(Page)
    now = timezone.now()

    entries = []
    for n, row in enumerate(rows):
        item = row["item"]
        parent = parents[item.category_id]
        date = datetime.date(row["year"], 1 + n % 12, 1 + n % 28)
        published = timezone.make_aware(datetime.datetime.combine(date, datetime.time(9)))
        next_step[item.category_id] += 1
        added[item.category_id] += 1
        slug = f"e-{offset + n + 1}"
        entry = entry_page_type_for(item.category.key)(
            title=row["title"],
            draft_title=row["title"],
            slug=slug,
            checklist_item=item,
            department=departments[row["department"]],
            document_date=date,
            publication_date=date,
            summary=row["summary"],
            live=True,
            has_unpublished_changes=False,
            first_published_at=published,
            last_published_at=published,
            latest_revision_created_at=now,
            path=parent.path + _step(next_step[item.category_id]),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{slug}/",
            locale_id=parent.locale_id,
            index_site=site,
        )
        entry.content_type = ContentType.objects.get_for_model(type(entry))
        values = pattern_values(entry, org_code)
        key = sequence_key(pattern, values)
        serials[key] = serials.get(key, 0) + 1
        entry.index_number = format_index_number(pattern, values, serials[key])
        entries.append(entry)

    # Serialised before the rows exist, so no query is made for (empty) child relations.
    contents = [entry.serializable_data() for entry in entries]

    with transaction.atomic():
        page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
        for entry, (pk,) in zip(entries, _insert(Page, entries, page_fields, True), strict=True):
            entry.id = entry.page_ptr_id = pk
            if hasattr(entry, "disclosureentrypage_ptr_id"):
                entry.disclosureentrypage_ptr_id = pk
        _insert(DisclosureEntryPage, entries, DisclosureEntryPage._meta.local_concrete_fields)
        by_type = {}
        for entry in entries:
            by_type.setdefault(type(entry), []).append(entry)
        for model, objs in by_type.items():
            if model is not DisclosureEntryPage:
                _insert(model, objs, model._meta.local_concrete_fields)

        revisions = [
            Revision(
                content_type_id=entry.content_type_id,
                base_content_type=page_type,
                object_id=str(entry.pk),
                created_at=now,
                object_str=entry.title,
                content={**content, "pk": entry.pk},
            )
            for entry, content in zip(entries, contents, strict=True)
        ]
        Revision.objects.bulk_create(revisions, batch_size=BATCH)
        ids = [entry.pk for entry in entries]
        revision = Revision.objects.filter(
            base_content_type=page_type,
            object_id=Cast(OuterRef("pk"), Revision._meta.get_field("object_id")),
        ).values("pk")[:1]
        for start in range(0, len(ids), BATCH):
            Page.objects.filter(pk__in=ids[start : start + BATCH]).update(
                latest_revision=Subquery(revision), live_revision=Subquery(revision)
            )
        revision_of = dict(
            Revision.objects.filter(
                base_content_type=page_type, object_id__in=map(str, ids)
            ).values_list("object_id", "pk")
        )
        EntryReview.objects.bulk_create(
            [
                EntryReview(
                    page_id=entry.pk,
                    state=ReviewState.PUBLISHED,
                    revision_id=revision_of[str(entry.pk)],
                    department_id=entry.department_id,
                    sign_off_required=bool(
                        entry.is_major_matter
                        or entry.checklist_item.category_id in sign_off_categories
                    ),
                    published_at=now,
                )
                for entry in entries
            ],
            batch_size=BATCH,
        )
        for category, count in added.items():
            if count:
                Page.objects.filter(pk=parents[category].pk).update(numchild=F("numchild") + count)
        for key, value in serials.items():
            IndexNumberSequence.objects.update_or_create(
                site=site, key=key, defaults={"last_value": value}
            )
        # The tree must stay consistent: numchild equals the children in the table.
        for page in Page.objects.filter(pk__in=[p.pk for p in parents.values()]):
            children = Page.objects.filter(path__startswith=page.path, depth=page.depth + 1).count()
            if children != page.numchild:
                raise RuntimeError(f"{page}: numchild {page.numchild}, children {children}")
    return ids


def verify(section, ids):
    """Check that every new entry is published, public and searchable; raise if not."""
    from wagtail_disclosure.models import DisclosureEntryPage, EntryReview
    from wagtail_disclosure.models.review import ReviewState
    from wagtail_disclosure.search.query import searchable_entries

    checks = {
        "publicly_visible": DisclosureEntryPage.objects.publicly_visible()
        .filter(pk__in=ids)
        .count(),
        "searchable": searchable_entries(section).filter(pk__in=ids).count(),
        "published review": EntryReview.objects.filter(
            page_id__in=ids,
            state=ReviewState.PUBLISHED,
            revision__isnull=False,
            published_at__isnull=False,
        ).count(),
        "live revision": DisclosureEntryPage.objects.filter(
            pk__in=ids, live_revision__isnull=False
        ).count(),
    }
    wrong = {name: count for name, count in checks.items() if count != len(ids)}
    if wrong:
        raise RuntimeError(f"bulk build: expected {len(ids)} entries, got {wrong}")
    return checks


def index_entries(ids, chunk=1000):
    """Add the given entries to every configured search backend, ``chunk`` at a time,
    as ``update_index`` does (one ``add_items`` call per page type and chunk)."""
    from modelsearch.backends import get_search_backend
    from modelsearch.conf import get_app_config
    from wagtail.models import Page

    from wagtail_disclosure.models import DisclosureEntryPage

    by_model = {}
    for model_id, pk in Page.objects.filter(pk__in=ids).values_list("content_type__model", "pk"):
        by_model.setdefault(model_id, []).append(pk)
    models = {m._meta.model_name: m for m in DisclosureEntryPage.__subclasses__()}
    for alias in get_app_config().get_search_backend_config():
        backend = get_search_backend(alias)
        for name, pks in by_model.items():
            model = models[name]
            index = backend.get_index_for_model(model)
            for start in range(0, len(pks), chunk):
                objs = list(model.get_indexed_objects().filter(pk__in=pks[start : start + chunk]))
                index.add_items(model, objs)
