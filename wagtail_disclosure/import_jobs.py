"""An import in several processes at once (``disclosure_import --jobs N``, docs/import.md).

One process writes its rows at about the speed PostgreSQL takes them from it; most of
its time is Python (checking rows, building pages, revisions and log rows, the Chinese
segmentation of the search index), so a second core is idle. With ``--jobs N`` the rows
are split into N parts and each part is checked and written by a process of its own, with
its own connection, exactly as one process writes them (:meth:`Importer.import_rows`).

The parts never wait for each other: a part is the rows of whole category pages, and a
batch locks its category pages and the 索引号 sequences of its rows; with the default
pattern a sequence belongs to one category. The checks that span rows still hold: a row
without a key has a key made from its item code (the same item: the same part), and a
file that gives one key to rows of two parts is imported in one process.

Only on PostgreSQL outside a transaction, with the ``fork`` start method (the processes
share what the importer has read, and open their own connections). Elsewhere, and for
small files, the rows are imported in one process as before.
"""

import logging
import multiprocessing
import queue
import traceback

from django.db import connection, connections

from .importing import BATCH_SIZE, Result, text

logger = logging.getLogger(__name__)

#: Files of fewer rows are imported in one process: starting more gains nothing.
MIN_ROWS = 2 * BATCH_SIZE


def can_fork():
    return "fork" in multiprocessing.get_all_start_methods()


def usable(jobs, rows):
    """Whether ``rows`` rows may be imported in ``jobs`` processes here."""
    return (
        jobs > 1
        and rows >= MIN_ROWS
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and can_fork()
    )


def partition(importer, rows, jobs):
    """``rows`` split into at most ``jobs`` parts of whole category pages (each in file
    order), the largest groups first into the smallest part; ``None`` when the rows are
    to be imported in one process (one category page, or a key given to rows of two)."""
    groups, key_group = {}, {}
    for line, values in rows:
        item = importer.items.get(text(values.get("item")))
        parent = importer.parents.get(item.category_id) if item else None
        group = parent.pk if parent else None  # rows that will be reported go anywhere
        key = text(values.get("key"))
        if key and key_group.setdefault(key, group) != group:
            logger.info("Key %r is given to rows of two category pages: one process", key)
            return None
        groups.setdefault(group, []).append((line, values))
    if len(groups) < 2:
        return None
    parts = [[] for _ in range(min(jobs, len(groups)))]
    for group in sorted(groups.values(), key=len, reverse=True):
        min(parts, key=len).extend(group)
    for part in parts:
        part.sort(key=lambda row: row[0])
    return parts


def import_in_processes(importer, parts, result):
    """Import each of ``parts`` in a process of its own and add what they did to
    ``result``; the importer's progress is the sum of theirs. Raises ``RuntimeError``
    when a process failed (what the others wrote stays: each batch is atomic, and a
    rerun skips it)."""
    context = multiprocessing.get_context("fork")
    done = context.Array("q", len(parts), lock=False)
    messages = context.Queue()
    # Each process opens its own connections; none may share the parent's.
    connections.close_all()
    processes = [
        context.Process(
            target=_import_part,
            args=(importer, index, part, done, messages),
            name=f"disclosure-import-{index}",
            daemon=True,
        )
        for index, part in enumerate(parts)
    ]
    for process in processes:
        process.start()
    pending, failures = set(range(len(parts))), []
    try:
        while pending:
            try:
                index, outcome, payload = messages.get(timeout=0.5)
            except queue.Empty:
                importer._progress(sum(done), result.total)
                for index in list(pending):
                    code = processes[index].exitcode
                    if code not in (None, 0):  # ended without a word: killed
                        pending.discard(index)
                        failures.append(f"process {index} stopped with exit code {code}")
                continue
            pending.discard(index)
            if outcome == "error":
                failures.append(payload)
                continue
            imported, skipped, bad, page_ids, indexed, written = payload
            result.imported += imported
            result.skipped += skipped
            result.bad.extend(bad)
            result.page_ids.extend(page_ids)
            importer.indexed_in_batches.update(indexed)
            for writer, wrote in zip(importer.batch_index or (), written, strict=False):
                writer.written = writer.written or wrote
        importer._progress(sum(done), result.total)
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
    if failures:
        raise RuntimeError("An import process failed:\n" + "\n".join(failures))


def _import_part(importer, index, part, done, messages):
    """In the child: import ``part`` as one process would, report progress in
    ``done[index]`` and the outcome on ``messages``."""

    def progress(count, total, phase="rows"):
        if phase == "rows":
            done[index] = count

    importer.progress = progress
    try:
        result = Result(total=len(part))
        importer.import_rows(part, result)
        written = [writer.written for writer in importer.batch_index or ()]
        payload = (
            result.imported,
            result.skipped,
            [(line, str(reason)) for line, reason in result.bad],
            result.page_ids,
            importer.indexed_in_batches,
            written,
        )
        messages.put((index, "ok", payload))
    except BaseException:
        messages.put((index, "error", traceback.format_exc()))
    finally:
        connections.close_all()
