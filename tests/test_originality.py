"""No sentence of the reference annual report is copied into the project.

The report (a real college's 2022 disclosure report) sits in ../shared/reference beside the
repository on development machines and in CI; the test is skipped, visibly, elsewhere.
"""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT.parent / "shared" / "reference" / "000_b0500921bbc09d29.txt"
MIN_SENTENCE = 12  # characters; shorter fragments are names and set phrases
#: Headings every university's report must carry, worded by the Ministry's notice
#: (教办厅函〔2018〕80号; ../shared/reference/domain.md §3): the report shares them, as
#: every report does, and the package must use them as they are.
OFFICIAL_HEADINGS = {
    "三、依申请公开和不予公开情况",
    "四、对信息公开的评议情况",
}


def report_sentences():
    text = REPORT.read_text(encoding="utf-8")
    pieces = re.split(r"[。！？；\n]", text)
    return {p.strip() for p in pieces if len(p.strip()) >= MIN_SENTENCE} - OFFICIAL_HEADINGS


def project_text():
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        path = ROOT / name
        if path.suffix in {".mo", ".png", ".jpg", ".pdf", ".sqlite3"} or not path.is_file():
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


@pytest.mark.skipif(not REPORT.exists(), reason=f"reference report not found at {REPORT}")
def test_no_sentence_of_the_reference_report_is_copied():
    sentences = report_sentences()
    assert len(sentences) > 20  # the split found real sentences
    copied = [
        (name, sentence)
        for name, text in project_text()
        for sentence in sentences
        if sentence in text
    ]
    assert copied == []
