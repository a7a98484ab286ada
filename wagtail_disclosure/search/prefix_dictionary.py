"""jieba's prefix dictionary as a compact trie on disk, memory-mapped by every process.

jieba keeps its prefix dictionary (every word of ``dict.txt`` and every prefix of one,
~500,000 keys, with their frequencies) in a Python ``dict`` of ``str``: ~60 MB in each
process that segments Chinese, so in each web server worker. Here the same keys live in a
`marisa-trie <https://github.com/pytries/marisa-trie>`_ ``Trie`` (1.2 MB) and their
frequencies in an array of 32-bit integers indexed by the trie's key ids (2 MB). Both are
files built once from jieba's own ``dict.txt`` with jieba's own ``Tokenizer.gen_pfdict``
(so the keys, frequencies and total are jieba's), in a process of their own, and
memory-mapped: their pages sit in the page cache once for all the workers of a machine.

:func:`compact_tokenizer` makes a ``jieba.Tokenizer`` whose ``FREQ`` is a
:class:`PrefixDictionary`. jieba's own code does the segmenting; only ``get_DAG`` and
``calc`` are jieba's loops with the look-ups made on the trie (see
:meth:`PrefixDictionary.dag`), so the words are the same as with jieba's ``dict``
(``tests/test_segmentation_memory.py``). ``add_word`` and ``del_word`` work: words added in
a process are kept in a small ``dict`` in front of the trie. :func:`import_jieba` also
reads jieba's HMM model from the pickles jieba ships rather than from a module that each
process without bytecode compiles (~60 MB).

The files are written to ``WAGTAIL_DISCLOSURE_SEARCH_DICTIONARY_DIR`` or, by default, to a
directory of the user's own in the temporary directory (created ``0700``; one that another
user owns, or that others may write to, is not used: the dictionary is then built in
memory, as jieba would). Their names carry a digest of ``dict.txt``'s path, size and
modification time and of the jieba and marisa-trie versions, so that an upgrade builds new
ones. They are written under temporary names and renamed into place, so that processes
starting together never read a half-written file; damaged files are rebuilt.
"""

import array
import functools
import hashlib
import logging
import math
import os
import struct
import sys
import tempfile
import threading
from importlib import metadata
from math import log

logger = logging.getLogger(__name__)

#: Bumped when the layout of the files changes.
FORMAT = 4
#: The ``.freq`` file (native byte order): its header (jieba's ``total``, the length of the
#: longest key, the number of large frequencies), one frequency per key id (16 bits, or
#: :data:`_LARGE` for a frequency of 65,535 or more: 82 of jieba's 498,113), then the
#: large frequencies as ``(key id, frequency)`` pairs.
_HEADER = "=qqq"
_FREQ_TYPE = "H"
_LARGE = 0xFFFF
_PAIR = "=qq"


def _version(distribution):
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
        return "?"


#: jieba's HMM model (``jieba.finalseg``): the modules, and the pickles jieba ships with
#: the same data (for Jython, which reads them instead of the modules).
HMM_MODEL = ("prob_start", "prob_trans", "prob_emit")


def import_jieba():
    """``import jieba``, with its HMM model (``jieba.finalseg``) from the files of this
    module rather than from the module jieba imports it from.

    ``jieba.finalseg`` imports its emission probabilities from ``prob_emit.py``, a 1.3 MB
    dictionary literal: without bytecode (``PYTHONDONTWRITEBYTECODE``, or an install that
    did not compile it) every process compiles it, which leaves ~60 MB in the process; with
    bytecode, the tables take ~4.5 MB in each process. Here they are
    :class:`EmissionTable` objects over memory-mapped files built once from the pickle
    jieba ships with the same model (``prob_emit.p``, for Jython); without a cache
    directory, the pickle itself (~3 MB once the states share their character keys). The
    modules are put in ``sys.modules`` before jieba is imported, unless jieba is already;
    without the pickles, jieba imports its modules as usual."""
    if "jieba" not in sys.modules:
        import types

        for name, table in (_hmm_model() or {}).items():
            module = types.ModuleType(f"jieba.finalseg.{name}")
            module.P = table
            sys.modules.setdefault(module.__name__, module)
    import jieba

    return jieba


def _hmm_model():
    """``{module name: P}`` of ``jieba.finalseg``'s model, or ``None`` (no pickles)."""
    import importlib.util
    import pickle

    spec = importlib.util.find_spec("jieba")
    directory = os.path.join(os.path.dirname(spec.origin), "finalseg")
    paths = {name: os.path.join(directory, f"{name}.p") for name in HMM_MODEL}
    if not all(os.path.exists(path) for path in paths.values()):
        return None
    model = {}
    for name in ("prob_start", "prob_trans"):  # a few numbers each
        with open(paths[name], "rb") as f:
            model[name] = pickle.load(f)  # noqa: S301 - jieba's own package data
    model["prob_emit"] = emission_tables(paths["prob_emit"])
    if model["prob_emit"] is None:
        with open(paths["prob_emit"], "rb") as f:
            model["prob_emit"] = _shared_keys(pickle.load(f))  # noqa: S301 - jieba's data
    return model


def _shared_keys(model):
    """``model`` (a state → {character: probability} table of the HMM) with one ``str``
    per character for all the states; the pickle has one per state and character (35,224
    strings for 14,632 characters in ``prob_emit``). Same dicts, same order."""
    if not all(isinstance(table, dict) for table in model.values()):
        return model
    keys = {}
    for state in list(model):
        model[state] = {keys.setdefault(key, key): value for key, value in model[state].items()}
    return model


def jieba_dictionary_path():
    """Path of jieba's default dictionary, ``dict.txt``."""
    jieba = import_jieba()
    return os.path.join(os.path.dirname(os.path.abspath(jieba.__file__)), jieba.DEFAULT_DICT_NAME)


def cache_directory():
    """The directory the files are kept in, or ``None`` if there is no safe one."""
    try:
        from ..conf import get_setting

        configured = get_setting("SEARCH_DICTIONARY_DIR")
    except Exception:  # settings not configured: the segmentation is usable without Django
        configured = None
    if configured:
        os.makedirs(configured, exist_ok=True)
        return str(configured)
    directory = os.path.join(tempfile.gettempdir(), f"wagtail-disclosure-{os.getuid()}")
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:  # pragma: no cover - read-only temporary directory
        logger.warning("cannot create %s (%s): jieba's dictionary stays in memory", directory, exc)
        return None
    info = os.lstat(directory)
    import stat

    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        logger.warning(
            "%s is not a directory of this user's only: jieba's dictionary stays in memory",
            directory,
        )
        return None
    return directory


def cache_key(dictionary_path):
    info = os.stat(dictionary_path)
    parts = [
        FORMAT,
        os.path.abspath(dictionary_path),
        info.st_size,
        info.st_mtime_ns,
        _version("jieba"),
        _version("marisa-trie"),
        sys.byteorder,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def jieba_prefix_dict(dictionary_path):
    """jieba's own prefix dictionary of ``dictionary_path``: ``(freq dict, total)``."""
    jieba = import_jieba()

    with open(dictionary_path, "rb") as f:
        return jieba.Tokenizer.gen_pfdict(f)


def write_files(freq, total, trie_path, freq_path):
    """Write the trie of ``freq``'s keys and the ``.freq`` file (:data:`_HEADER`)."""
    import marisa_trie

    trie = marisa_trie.Trie(freq.keys())
    values = array.array(_FREQ_TYPE, bytes(array.array(_FREQ_TYPE).itemsize * len(trie)))
    large = []
    for word, count in freq.items():
        key_id = trie[word]
        if count >= _LARGE:
            large.append((key_id, count))
            count = _LARGE
        values[key_id] = count
    suffix = f".{os.getpid()}.{threading.get_ident()}.tmp"
    trie.save(trie_path + suffix)
    with open(freq_path + suffix, "wb") as f:
        f.write(struct.pack(_HEADER, total, max(map(len, freq)), len(large)))
        values.tofile(f)
        for pair in sorted(large):
            f.write(struct.pack(_PAIR, *pair))
    # The frequencies first: a reader takes the trie's presence as "both are there".
    os.replace(freq_path + suffix, freq_path)
    os.replace(trie_path + suffix, trie_path)


def map_files(trie_path, data_path):
    """A marisa-trie and its data file, both memory-mapped read-only (shared by every
    process that maps them)."""
    import mmap

    import marisa_trie

    trie = marisa_trie.Trie()
    trie.mmap(str(trie_path))
    with open(data_path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    return trie, mapped


class PrefixDictionary:
    """The part of ``dict``'s interface that jieba's ``Tokenizer`` uses on ``FREQ``,
    over a memory-mapped trie and frequency array, with a ``dict`` of added words in
    front; and :meth:`prefixes`, all the keys that start a text at a position in one
    look-up."""

    def __init__(self, trie, freqs, large, longest):
        self._trie = trie
        self._freqs = freqs
        self._large = large
        self._longest = longest
        self._added = {}
        #: First character → added words starting with it.
        self._added_by_first = {}

    @classmethod
    def open(cls, trie_path, freq_path):
        """Map the files; return ``(dictionary, total)``."""
        trie, mapped = map_files(trie_path, freq_path)
        total, longest, count = struct.unpack_from(_HEADER, mapped)
        start = struct.calcsize(_HEADER)
        end = start + array.array(_FREQ_TYPE).itemsize * len(trie)
        if len(mapped) != end + count * struct.calcsize(_PAIR):
            raise ValueError(f"{freq_path} does not match {trie_path}")
        freqs = memoryview(mapped)[start:end].cast(_FREQ_TYPE)
        large = dict(struct.iter_unpack(_PAIR, mapped[end:]))
        return cls(trie, freqs, large, longest), total

    def __contains__(self, word):
        return word in self._added or word in self._trie

    def __getitem__(self, word):
        added = self._added.get(word)
        if added is not None:
            return added
        return self._freq(self._trie[word])

    def get(self, word, default=None):
        added = self._added.get(word)
        if added is not None:
            return added
        key_id = self._trie.get(word)
        return default if key_id is None else self._freq(key_id)

    def _freq(self, key_id):
        count = self._freqs[key_id]
        return self._large[key_id] if count == _LARGE else count

    def __setitem__(self, word, freq):
        if word not in self._added:
            self._added_by_first.setdefault(word[:1], set()).add(word)
            self._longest = max(self._longest, len(word))
        self._added[word] = freq

    def __len__(self):
        return len(self._trie) + sum(1 for word in self._added if word not in self._trie)

    def __iter__(self):
        yield from self._trie.iterkeys()
        yield from (word for word in self._added if word not in self._trie)

    def keys(self):
        return iter(self)

    def items(self):
        return ((word, self[word]) for word in self)

    def dag(self, sentence):
        """jieba's DAG of ``sentence`` (``Tokenizer.get_DAG``: each position → the end
        positions of the words that start there), with the words' frequencies in its
        ``weights`` (``(start, end)`` → frequency, the non-zero ones)."""
        trie_get = self._trie.get
        freqs = self._freqs
        added = self._added
        added_by_first = self._added_by_first
        dag = _DAG()
        dag.weights = weights = {}
        size = len(sentence)
        for start in range(size):
            ends = []
            end = start
            frag = sentence[start]
            check_added = frag in added_by_first
            # jieba's ``while i < N and frag in FREQ: if FREQ[frag]: ...`` loop.
            while end < size:
                count = added.get(frag) if check_added else None
                if count is None:
                    key_id = trie_get(frag)
                    if key_id is None:
                        break
                    count = freqs[key_id]
                    if count == _LARGE:
                        count = self._large[key_id]
                if count:
                    ends.append(end)
                    weights[start, end] = count
                end += 1
                frag = sentence[start : end + 1]
            dag[start] = ends or [start]
        return dag


class _DAG(dict):
    """jieba's DAG (start → ends of the words starting there), with the frequencies of
    those words: ``weights[(start, end)]`` (non-zero ones only)."""

    __slots__ = ("weights",)


def load(dictionary_path=None):
    """``(FREQ, total)`` for jieba: a :class:`PrefixDictionary` over the cached files
    (built first if need be), or jieba's ``dict`` when there is no safe place for them or
    they cannot be written."""
    dictionary_path = dictionary_path or jieba_dictionary_path()
    directory = cache_directory()
    if directory is None:
        return jieba_prefix_dict(dictionary_path)
    base = os.path.join(directory, f"jieba-{cache_key(dictionary_path)}")
    trie_path, freq_path = base + ".marisa", base + ".freq"
    if os.path.exists(trie_path):
        try:
            return PrefixDictionary.open(trie_path, freq_path)
        except (OSError, ValueError, RuntimeError, struct.error) as exc:
            logger.warning("rebuilding jieba's prefix dictionary in %s: %s", directory, exc)
    logger.info("building jieba's prefix dictionary in %s", directory)
    if not build_in_subprocess("dictionary", dictionary_path, trie_path, freq_path):
        # No usable interpreter (sys.executable is not Python under some servers): here.
        freq, total = jieba_prefix_dict(dictionary_path)
        try:
            write_files(freq, total, trie_path, freq_path)
        except (OSError, OverflowError) as exc:
            logger.warning("jieba's prefix dictionary stays in memory: %s", exc)
            return freq, total
        del freq
    return PrefixDictionary.open(trie_path, freq_path)


def build_in_subprocess(kind, source, trie_path, data_path):
    """Build the files of ``kind`` (``dictionary`` or ``hmm``) from ``source`` in a
    Python process of their own, so that the memory building them takes (~100 MB for the
    dictionary) is not left in this one (a web server worker). Whether it worked."""
    import subprocess

    if not sys.executable:
        return False
    command = [sys.executable, "-m", __name__, kind, source, trie_path, data_path]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, this module
            command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.info("cannot build jieba's %s in a subprocess: %s", kind, exc)
        return False
    if done.returncode != 0 or not os.path.exists(trie_path):
        logger.info("building jieba's %s in a subprocess failed: %s", kind, done.stderr[-2000:])
        return False
    return True


#: The states of jieba's HMM, in the order of their rows in the ``.emit`` file.
HMM_STATES = "BEMS"


def write_emission_files(model, trie_path, table_path):
    """Write the trie of the characters of ``model`` (jieba's ``prob_emit``: state →
    {character: log probability}) and the ``.emit`` file: one row of doubles per state of
    :data:`HMM_STATES`, indexed by the characters' key ids, NaN where a state has none."""
    import marisa_trie

    if set(model) != set(HMM_STATES):
        raise ValueError(f"unexpected HMM states: {sorted(model)}")
    trie = marisa_trie.Trie({char for table in model.values() for char in table})
    size = len(trie)
    values = array.array("d", [math.nan]) * (len(HMM_STATES) * size)
    for row, state in enumerate(HMM_STATES):
        for char, probability in model[state].items():
            values[row * size + trie[char]] = probability
    suffix = f".{os.getpid()}.{threading.get_ident()}.tmp"
    trie.save(trie_path + suffix)
    with open(table_path + suffix, "wb") as f:
        values.tofile(f)
    os.replace(table_path + suffix, table_path)
    os.replace(trie_path + suffix, trie_path)


class EmissionTable:
    """One state's row of jieba's emission probabilities: ``get(character, default)`` as
    on the ``dict`` jieba's ``viterbi`` reads, over the memory-mapped files."""

    def __init__(self, trie, values, offset):
        self._trie = trie
        self._values = values
        self._offset = offset

    @classmethod
    def open(cls, trie_path, table_path):
        """Map the files; return ``{state: EmissionTable}``."""
        trie, mapped = map_files(trie_path, table_path)
        values = memoryview(mapped).cast("d")
        size = len(trie)
        if len(values) != len(HMM_STATES) * size:
            raise ValueError(f"{table_path} does not match {trie_path}")
        return {state: cls(trie, values, row * size) for row, state in enumerate(HMM_STATES)}

    def get(self, char, default=None):
        key_id = self._trie.get(char)
        if key_id is None:
            return default
        value = self._values[self._offset + key_id]
        return default if value != value else value  # NaN: not in this state

    def __getitem__(self, char):
        value = self.get(char)
        if value is None:
            raise KeyError(char)
        return value

    def __contains__(self, char):
        return self.get(char) is not None

    def items(self):
        for char in self._trie.iterkeys():
            value = self.get(char)
            if value is not None:
                yield char, value

    def __len__(self):
        return sum(1 for _ in self.items())

    def __iter__(self):
        return (char for char, _ in self.items())


def emission_tables(pickle_path):
    """``{state: EmissionTable}`` over the cached files of jieba's ``prob_emit.p`` (built
    first if need be), or ``None`` when there is no safe directory or they cannot be
    built."""
    directory = cache_directory()
    if directory is None:
        return None
    base = os.path.join(directory, f"hmm-{cache_key(pickle_path)}")
    trie_path, table_path = base + ".marisa", base + ".emit"
    for attempt in range(2):
        if not os.path.exists(trie_path) and not build_in_subprocess(
            "hmm", pickle_path, trie_path, table_path
        ):
            return None
        try:
            return EmissionTable.open(trie_path, table_path)
        except (OSError, ValueError, RuntimeError) as exc:
            logger.warning("rebuilding jieba's HMM tables in %s: %s", directory, exc)
            if attempt == 0:
                os.remove(trie_path)
    return None


@functools.cache
def _tokenizer_class():
    jieba = import_jieba()

    class CompactTokenizer(jieba.Tokenizer):
        """A ``jieba.Tokenizer`` of jieba's default dictionary whose prefix dictionary is
        a :class:`PrefixDictionary` (see the module's documentation)."""

        def initialize(self, dictionary=None):
            if self.initialized:
                return
            with self.lock:
                if self.initialized:
                    return
                self.FREQ, self.total = load()
                self.initialized = True

        # jieba's get_DAG and calc: the DAG is made with one trie look-up per fragment
        # (jieba makes two: ``in`` and ``[]``) and keeps the frequencies it found, which
        # calc reads instead of looking each word up again. Same arithmetic, same order.

        def get_DAG(self, sentence):
            self.check_initialized()
            freq = self.FREQ
            if not isinstance(freq, PrefixDictionary):  # no cache directory: jieba's dict
                return super().get_DAG(sentence)
            return freq.dag(sentence)

        def calc(self, sentence, DAG, route):
            weights = getattr(DAG, "weights", None)
            if weights is None:
                return super().calc(sentence, DAG, route)
            N = len(sentence)
            route[N] = (0, 0)
            logtotal = log(self.total)
            for idx in range(N - 1, -1, -1):
                route[idx] = max(
                    (log(weights.get((idx, x)) or 1) - logtotal + route[x + 1][0], x)
                    for x in DAG[idx]
                )

    return CompactTokenizer


def compact_tokenizer():
    """A new :class:`CompactTokenizer`, initialised."""
    tokenizer = _tokenizer_class()()
    tokenizer.initialize()
    return tokenizer


if __name__ == "__main__":  # python -m …prefix_dictionary KIND SOURCE TRIE DATA
    _kind, _source, _trie_path, _data_path = sys.argv[1:5]
    if _kind == "hmm":
        import pickle

        with open(_source, "rb") as _f:
            write_emission_files(pickle.load(_f), _trie_path, _data_path)  # noqa: S301
    else:
        import jieba  # noqa: F401 - as jieba imports itself: a short-lived process

        _freq, _total = jieba_prefix_dict(_source)
        write_files(_freq, _total, _trie_path, _data_path)
