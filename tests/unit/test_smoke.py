"""`reelwatch --smoke-test`: passes on this install, fails on a clip that cannot be decoded.

Each run is a child process: the smoke test creates and destroys its own QApplication, which
must not meet pytest-qt's, and a crash at exit has to show as an exit code, not kill pytest.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

TIMEOUT_S = 60


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def _smoke_with_video(video: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from pathlib import Path; from reelwatch.smoke import run_smoke_test; "
        f"sys.exit(run_smoke_test(Path({str(video)!r}), timeout=10))"
    )
    return _run("-c", code)


def _frames(stdout: str) -> int:
    match = re.search(r"^(ok|FAIL)\s+frames decoded: (\d+)", stdout, re.MULTILINE)
    assert match, stdout
    return int(match.group(2))


def test_passes_and_decodes_frames_of_the_demo_clip():
    result = _run("-m", "reelwatch.smoke")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _frames(result.stdout) > 0
    assert "smoke test passed" in result.stdout
    for check in ("Qt", "platform plugin", "app icon", "window modules", "multimedia backend"):
        assert re.search(rf"^ok\s+{check}:", result.stdout, re.MULTILINE), result.stdout
    # A machine without a keyring is reported, never a failure.
    assert re.search(r"^note\s+keyring backend:", result.stdout, re.MULTILINE), result.stdout


def test_fails_on_a_file_that_is_not_a_video(tmp_path):
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"this is not a video\n" * 200)
    result = _smoke_with_video(garbage)
    assert result.returncode != 0, result.stdout
    assert _frames(result.stdout) == 0
    assert re.search(r"^FAIL\s+frames decoded:", result.stdout, re.MULTILINE), result.stdout
    assert "smoke test FAILED: frames decoded" in result.stdout


def test_fails_on_a_missing_file(tmp_path):
    result = _smoke_with_video(tmp_path / "absent.mp4")
    assert result.returncode != 0, result.stdout
    assert "no such file" in result.stdout


def test_the_command_line_flag_runs_it():
    result = _run("-m", "reelwatch", "--smoke-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _frames(result.stdout) > 0
