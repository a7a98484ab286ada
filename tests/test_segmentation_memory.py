"""jieba's prefix dictionary as a memory-mapped trie (search/prefix_dictionary.py): the same
words as jieba's own tokenizer, the HMM model from jieba's pickles, the files on disk.

No database (no ``django_db`` mark): these check the segmentation against jieba itself
(docs/memory.md).
"""

import importlib.util
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from wagtail_disclosure.search import prefix_dictionary, segmentation

ROOT = Path(__file__).resolve().parent.parent

#: Texts of the kinds the corpus has few of: traditional characters, mixed script, the
#: synonyms the package adds to jieba, long runs, characters outside the dictionary.
EXTRA_TEXTS = [
    "關於公佈2023年本科招生章程的通知",
    "“三公”经费预决算公开说明；教代会、学代会、双一流建设",
    "大学英语CET-4考试报名（2024-2025学年）GPA与MBA项目",
    "青大教〔2023〕12号：研招复试录取名单",
    "保研推免勤工俭学聘用聘任四六级",
    "丨乂乜亍亓亘亟亹亻仂仉仨仫" * 3,
    "中华人民共和国教育部高等学校信息公开办法实施细则与信息公开事项清单" * 4,
    "",
    "〇",
]


@pytest.fixture(scope="module")
def texts():
    sys.path.insert(0, str(ROOT))
    from benchmarks import relevance_corpus

    corpus = relevance_corpus.build()
    return (
        [entry.text() for entry in corpus.entries[::40]]
        + [query.text for query in corpus.queries]
        + EXTRA_TEXTS
    )


@pytest.fixture(scope="module")
def jieba_own():
    """jieba's own tokenizer (its prefix dictionary a ``dict``), with the package's words."""
    jieba = prefix_dictionary.import_jieba()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in segmentation.SYNONYMS:
        tokenizer.add_word(word)
    return tokenizer


def test_the_segmentation_uses_the_trie_and_finds_the_words_jieba_does(texts, jieba_own):
    compact = segmentation._jieba()
    assert isinstance(compact.FREQ, prefix_dictionary.PrefixDictionary)
    assert len(texts) > 150
    assert sum(map(len, texts)) > 30_000
    assert compact.total == jieba_own.total
    modes = [("cut", {"HMM": True}), ("cut", {"HMM": False}), ("cut", {"cut_all": True})]
    modes.append(("cut_for_search", {"HMM": True}))
    for cut, options in modes:
        differ = [
            text
            for text in texts
            if list(getattr(compact, cut)(text, **options))
            != list(getattr(jieba_own, cut)(text, **options))
        ]
        assert not differ, (cut, options, differ[:3])


def test_every_key_and_frequency_is_jiebas(jieba_own):
    compact = segmentation._jieba().FREQ
    assert len(compact) == len(jieba_own.FREQ)
    sample = list(jieba_own.FREQ.items())[::97]
    assert len(sample) > 5000
    assert [(word, compact[word], compact.get(word), word in compact) for word, _ in sample] == [
        (word, freq, freq, True) for word, freq in sample
    ]
    for word in ("学籍管理", "zz", "青岚大学"):
        assert (word in compact, compact.get(word, -1)) == (
            word in jieba_own.FREQ,
            jieba_own.FREQ.get(word, -1),
        )


def test_added_words_segment_as_with_jieba(jieba_own):
    jieba = prefix_dictionary.import_jieba()
    compact = prefix_dictionary.compact_tokenizer()
    for word in segmentation.SYNONYMS:
        compact.add_word(word)
    own = jieba.Tokenizer()
    own.FREQ, own.total = dict(jieba_own.FREQ), jieba_own.total
    own.initialized = True
    text = "青岚大学信息公开网发布青岚大学学籍管理办法和青岚学籍"
    assert list(compact.cut(text)) == list(own.cut(text))
    for tokenizer in (compact, own):
        tokenizer.add_word("青岚大学", 1000)
        tokenizer.add_word("青岚学籍")  # frequency suggested by jieba from the dictionary
    assert compact.FREQ["青岚大学"] == 1000
    assert "青岚学" in compact.FREQ and compact.FREQ["青岚学"] == 0  # its prefixes, as jieba
    assert compact.total == own.total
    assert list(compact.cut(text)) == list(own.cut(text))
    assert "青岚大学" in list(compact.cut(text))
    assert list(compact.cut_for_search(text)) == list(own.cut_for_search(text))
    for tokenizer in (compact, own):
        tokenizer.del_word("青岚大学")
    assert list(compact.cut(text)) == list(own.cut(text))


def test_the_hmm_model_is_jiebas_memory_mapped(texts):
    """jieba's HMM (``finalseg``) reads its emission probabilities from the tables of
    ``prob_emit.p`` (the same data as jieba's ``prob_emit.py`` module) and finds the same
    states for every text."""
    code = (
        "from wagtail_disclosure.search.prefix_dictionary import import_jieba\n"
        "import_jieba()\n"
        "from jieba import finalseg\n"
        "print(type(finalseg.emit_P['B']).__name__, finalseg.emit_P['B'].get('的'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    directory = Path(importlib.util.find_spec("jieba").origin).parent / "finalseg"
    spec = importlib.util.spec_from_file_location("_test_prob_emit", directory / "prob_emit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(directory / "prob_emit.p", "rb") as f:
        assert pickle.load(f) == module.P  # noqa: S301 - jieba's own package data
    assert done.stdout.split() == ["EmissionTable", repr(module.P["B"]["的"])]

    tables = prefix_dictionary.emission_tables(str(directory / "prob_emit.p"))
    assert set(tables) == set(module.P) == set("BEMS")
    for state, table in tables.items():
        assert dict(table.items()) == module.P[state]
        assert list(table.items()) != []
    assert tables["B"].get("☃", -1.0) == -1.0 and "☃" not in tables["B"]

    prefix_dictionary.import_jieba()
    from jieba import finalseg

    observed = [run for text in texts for run in segmentation.runs(text)]
    observed += ["丨乂乜亍亓亘亟", "龘靐齉爩", "abc的"]
    for obs in observed:
        assert finalseg.viterbi(obs, "BMES", finalseg.start_P, finalseg.trans_P, tables) == (
            finalseg.viterbi(obs, "BMES", finalseg.start_P, finalseg.trans_P, module.P)
        )


TINY_DICTIONARY = "学籍 30 n\n学籍管理 5 n\n管理 800000 vn\n办法 400 n\n青岚 3 nr\n"


def test_the_files_are_built_once_reused_and_rebuilt_when_damaged(tmp_path, settings):
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text(TINY_DICTIONARY, encoding="utf-8")
    settings.WAGTAIL_DISCLOSURE_SEARCH_DICTIONARY_DIR = str(tmp_path / "cache")

    freq, total = prefix_dictionary.load(str(dictionary))
    assert isinstance(freq, prefix_dictionary.PrefixDictionary)
    assert total == 30 + 5 + 800_000 + 400 + 3
    assert dict(freq.items()) == {
        "学": 0, "学籍": 30, "学籍管": 0, "学籍管理": 5, "管": 0, "管理": 800_000, "办": 0,
        "办法": 400, "青": 0, "青岚": 3,
    }  # fmt: skip
    files = sorted((tmp_path / "cache").iterdir())
    assert [f.suffix for f in files] == [".freq", ".marisa"]
    built = {f: f.stat().st_mtime_ns for f in files}

    again, _ = prefix_dictionary.load(str(dictionary))
    assert again["管理"] == 800_000  # 16 bits do not hold it: kept apart
    assert {f: f.stat().st_mtime_ns for f in files} == built  # read, not rebuilt

    freq_file = files[0]
    freq_file.write_bytes(freq_file.read_bytes()[:-2])  # damaged
    rebuilt, total = prefix_dictionary.load(str(dictionary))
    assert rebuilt["办法"] == 400 and total == 800_438
    assert freq_file.stat().st_size == 24 + 2 * 10 + 16  # header, 10 keys, one large

    # Another dictionary (e.g. after upgrading jieba) gets files of its own.
    dictionary.write_text(TINY_DICTIONARY + "公开 600 v\n", encoding="utf-8")
    os.utime(dictionary, ns=(1, 1))
    newer, total = prefix_dictionary.load(str(dictionary))
    assert newer["公开"] == 600 and total == 801_038
    assert len(list((tmp_path / "cache").iterdir())) == 4


def test_a_temporary_directory_others_may_write_to_is_not_used(tmp_path, monkeypatch):
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text(TINY_DICTIONARY, encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / f"wagtail-disclosure-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)
    assert prefix_dictionary.cache_directory() is None
    freq, total = prefix_dictionary.load(str(dictionary))
    assert type(freq) is dict and freq["管理"] == 800_000 and total == 800_438
    assert list(shared.iterdir()) == []

    shared.chmod(0o700)
    assert prefix_dictionary.cache_directory() == str(shared)
    freq, _ = prefix_dictionary.load(str(dictionary))
    assert isinstance(freq, prefix_dictionary.PrefixDictionary)
