"""The documentation keeps up with the code: every setting has its reference entry."""

from pathlib import Path

import pytest

from wagtail_disclosure.conf import DEFAULTS, PREFIX

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_every_setting_is_documented(name):
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert f"### `{PREFIX}{name}`" in text
