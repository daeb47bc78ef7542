"""The Chinese translation covers every user-visible string, placeholders intact."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "reelwatch_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def test_every_string_in_the_code_is_translated(tmp_path: Path) -> None:
    lupdate = shutil.which("pyside6-lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not on PATH")
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    sources = sorted(str(p) for p in (ROOT / "src" / "reelwatch").rglob("*.py"))
    subprocess.run(
        [lupdate, *sources, "-no-obsolete", "-locations", "none", "-ts", str(copy)],
        check=True, capture_output=True,
    )  # fmt: skip
    unfinished = [
        message.findtext("source")
        for message in ET.parse(copy).getroot().iter("message")
        if message.find("translation").get("type") == "unfinished"
    ]
    assert unfinished == [], "translate these in " + TS.name


def test_placeholders_and_accelerators_survive_translation() -> None:
    for message in ET.parse(TS).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.findtext("translation") or ""
        assert translation, source
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translation)), (
            source
        )
        if re.search(r"&[^&\s]", source):
            assert len(re.findall(r"&[^&\s]", translation)) == 1, source


def test_compiled_file_is_there() -> None:
    qm = TS.with_suffix(".qm")
    assert qm.is_file() and qm.stat().st_size > 10_000
