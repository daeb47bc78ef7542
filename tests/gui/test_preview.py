"""PreviewPane: messages, details, and real playback of a small H.264 file (offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import faulthandler
import random
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QSlider, QToolButton

from reelwatch.gui.preview import PreviewPane, format_time

av = pytest.importorskip("av")
np = pytest.importorskip("numpy")

# Qt's own warnings on this kind of machine (no sound device, no GPU, no pipewire/VA-API
# libraries, offscreen platform); none comes from Reelwatch. They belong in the repository-wide
# qt_log_ignore list; kept here until then. The module-level mark is the only one: pytest-qt
# uses the closest qt_log_ignore mark, so a per-test mark would drop these.
MULTIMEDIA_NOISE = (
    # Loading the FFmpeg plugin: optional libraries it probes for (qt.multimedia.symbolsresolver).
    r"^Couldn't (load|resolve) .* (library|symbols)$",
    # QAudioOutput with no sound server / no audio device (files with an audio track).
    r"^PulseAudioService: pa_context_connect\(\) failed$",
    r"^No audio device detected$",
    # Offscreen has no GPU: frames are converted on the CPU.
    r".*ensureRhi.*No RHI backend\. Using CPU conversion\.$",
    # FFmpeg refusing the garbage and truncated files, which those tests do on purpose.
    r"^Could not open media\. FFmpeg error description: ",
    # Offscreen platform only (not under Xvfb): QVideoWidget embeds a native window, which
    # offscreen cannot raise when the video page is shown again, nor re-parent when
    # QVideoWidget.setFullScreen makes it a top-level window.
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support setParent!$",
)
pytestmark = pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)

FRAME_TIMEOUT_MS = 15_000  # generous: a loaded CI machine; a frame normally arrives in < 1 s


def _write_h264(
    path: Path,
    frames: int,
    fps: int = 30,
    size: tuple[int, int] = (160, 120),
    audio: bool = False,
) -> Path:
    """A real H.264 mp4 (moving colour bars) written with PyAV; optionally an AAC track too,
    as the videos Reelwatch downloads usually have one."""
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        sound = container.add_stream("aac", rate=44100) if audio else None
        for i in range(frames):
            image = np.zeros((height, width, 3), np.uint8)
            image[:, :, 0] = (i * 8) % 256
            image[:, : (i * 7) % width, 1] = 200
            image[height // 3 : 2 * height // 3, :, 2] = 255
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        if sound is not None:
            _encode_tone(container, sound, frames / fps)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _encode_tone(container: object, stream: object, seconds: float, rate: int = 44100) -> None:
    samples = int(seconds * rate)
    tone = (0.2 * np.sin(np.arange(samples) * 2 * np.pi * 440 / rate)).astype(np.float32)
    for start in range(0, samples, 1024):
        part = tone[start : start + 1024].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(part, format="fltp", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):  # type: ignore[attr-defined]
            container.mux(packet)  # type: ignore[attr-defined]
    for packet in stream.encode():  # type: ignore[attr-defined]
        container.mux(packet)  # type: ignore[attr-defined]


def _write_audio_only(path: Path, seconds: float = 1.0, rate: int = 44100) -> Path:
    """An mp4 with an AAC track and no video: opens fine, never yields a frame."""
    with av.open(str(path), "w") as container:
        _encode_tone(container, container.add_stream("aac", rate=rate), seconds, rate)
    return path


@pytest.fixture(scope="module")
def video_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds at 30 fps."""
    return _write_h264(tmp_path_factory.mktemp("video") / "clip.mp4", frames=60)


@pytest.fixture(scope="module")
def video_with_audio_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds with an AAC track, like a downloaded video."""
    return _write_h264(tmp_path_factory.mktemp("video") / "sound.mp4", frames=60, audio=True)


@pytest.fixture(scope="module")
def short_video_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A third of a second: looping is visible as more frames than the file holds."""
    return _write_h264(tmp_path_factory.mktemp("video") / "short.mp4", frames=10)


@pytest.fixture
def make_pane(qtbot) -> Iterator[Callable[..., PreviewPane]]:
    """Panes shut down (player deleted) before pytest-qt closes and deletes them."""

    def make(**kwargs: object) -> PreviewPane:
        pane = PreviewPane(**kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(pane, before_close_func=lambda w: w.shutdown())
        pane.resize(640, 420)
        pane.show()
        return pane

    yield make


@pytest.fixture
def pane(make_pane: Callable[..., PreviewPane]) -> PreviewPane:
    return make_pane()


def _count_frames(pane: PreviewPane) -> list[int]:
    sink = pane.video_sink()
    assert sink is not None
    counter = [0]

    def on_frame(frame: object) -> None:
        if frame.isValid():  # type: ignore[attr-defined]
            counter[0] += 1

    sink.videoFrameChanged.connect(on_frame)
    return counter


def _wait_playing(qtbot, pane: PreviewPane) -> None:
    from PySide6.QtMultimedia import QMediaPlayer

    qtbot.waitUntil(
        lambda: (
            pane.media_player() is not None
            and pane.media_player().playbackState() == QMediaPlayer.PlaybackState.PlayingState
        ),
        timeout=FRAME_TIMEOUT_MS,
    )


# ---------------------------------------------------------------------------- no video


def test_module_does_not_load_qtmultimedia_until_a_video_is_shown() -> None:
    """Start-up speed: messages and details must not import QtMultimedia (FFmpeg)."""
    code = textwrap.dedent(
        """
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from reelwatch.gui.preview import PreviewPane
        pane = PreviewPane()
        pane.show_message("Hello", "world")
        pane.show_details("Task", [("Status", "queued")])
        pane.clear()
        pane.shutdown()
        loaded = sorted(m for m in sys.modules if "QtMultimedia" in m)
        print("LOADED", loaded)
        sys.exit(1 if loaded else 0)
        """
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_starts_on_the_empty_state_message(pane: PreviewPane) -> None:
    assert pane.current_page == "message"
    title, text = pane.message()
    assert title and text
    assert pane.current_path is None
    assert pane.video_sink() is None and pane.media_player() is None


def test_show_message(pane: PreviewPane) -> None:
    pane.show_message("Nothing here", "Paste a task id to start.")
    assert pane.current_page == "message"
    assert pane.message() == ("Nothing here", "Paste a task id to start.")


def test_details_show_rows_as_plain_selectable_text(pane: PreviewPane) -> None:
    prompt = "A <b>cat</b> walks " + "across a very long and winding road " * 20
    pane.show_details("video_123", [("Status", "in_progress"), ("Prompt", prompt)])
    assert pane.current_page == "details"
    values = [
        label for label in pane.findChildren(QLabel) if label.text() in (prompt, "in_progress")
    ]
    assert len(values) == 2
    for label in values:
        assert label.textFormat() == Qt.TextFormat.PlainText  # "<b>" shown, not rendered
        assert label.wordWrap()
        assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    # A long prompt wraps instead of widening the pane.
    assert pane.minimumSizeHint().width() < 640

    pane.show_details("video_456", [("Status", "queued")])
    texts = {label.text() for label in pane.findChildren(QLabel)}
    assert prompt not in texts  # the previous rows are gone


def test_format_time() -> None:
    assert format_time(0) == "0:00"
    assert format_time(5_400) == "0:05"
    assert format_time(65_000) == "1:05"
    assert format_time(3_725_000) == "1:02:05"
    assert format_time(-3) == "0:00"


# ---------------------------------------------------------------------------- playback


def test_plays_real_frames_looping_and_muted(qtbot, pane: PreviewPane, video_file: Path) -> None:
    from PySide6.QtMultimedia import QMediaPlayer

    errors: list[str] = []
    pane.playback_error.connect(errors.append)
    pane.show_video(video_file, "A red panda")
    assert pane.current_page == "video"
    assert pane.current_path == video_file.absolute()

    frames = _count_frames(pane)
    qtbot.waitUntil(lambda: frames[0] >= 5, timeout=FRAME_TIMEOUT_MS)
    assert not errors

    player = pane.media_player()
    audio = pane.audio_output()
    assert player is not None and audio is not None
    assert pane.looping and player.loops() == QMediaPlayer.Loops.Infinite
    assert pane.muted and audio.isMuted()
    qtbot.waitUntil(lambda: player.duration() > 0, timeout=FRAME_TIMEOUT_MS)
    assert any(label.text().endswith("/ 0:02") for label in pane.findChildren(QLabel))


def test_loops_forever_by_default(qtbot, pane: PreviewPane, short_video_file: Path) -> None:
    pane.show_video(short_video_file)
    frames = _count_frames(pane)
    # The file holds 10 frames; seeing many more means it started over (more than once).
    qtbot.waitUntil(lambda: frames[0] >= 25, timeout=FRAME_TIMEOUT_MS)
    assert pane.current_page == "video"


def test_toggle_play_and_space_pause_and_resume(qtbot, pane: PreviewPane, video_file: Path) -> None:
    from PySide6.QtMultimedia import QMediaPlayer

    state = QMediaPlayer.PlaybackState
    pane.show_video(video_file)
    _wait_playing(qtbot, pane)
    player = pane.media_player()
    assert player is not None

    pane.toggle_play()
    qtbot.waitUntil(lambda: player.playbackState() == state.PausedState)
    pane.toggle_play()
    qtbot.waitUntil(lambda: player.playbackState() == state.PlayingState)

    qtbot.keyClick(pane, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.playbackState() == state.PausedState)
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.playbackState() == state.PlayingState)


def test_loop_and_mute_buttons(qtbot, pane: PreviewPane, video_file: Path) -> None:
    from PySide6.QtMultimedia import QMediaPlayer

    pane.show_video(video_file)
    player, audio = pane.media_player(), pane.audio_output()
    assert player is not None and audio is not None
    qtbot.keyClick(pane, Qt.Key.Key_M)
    assert not pane.muted and not audio.isMuted()
    qtbot.keyClick(pane, Qt.Key.Key_M)
    assert pane.muted and audio.isMuted()

    buttons = {b.accessibleName(): b for b in pane.findChildren(QToolButton)}
    assert {"Loop", "Mute", "Full screen"} <= set(buttons)
    assert "Play" in buttons or "Pause" in buttons
    for button in buttons.values():
        assert button.toolTip()
    buttons["Loop"].click()
    assert not pane.looping and player.loops() == QMediaPlayer.Loops.Once
    buttons["Loop"].click()
    assert pane.looping and player.loops() == QMediaPlayer.Loops.Infinite


def test_loop_off_stops_at_the_end_and_play_starts_over(
    qtbot, pane: PreviewPane, short_video_file: Path
) -> None:
    from PySide6.QtMultimedia import QMediaPlayer

    state = QMediaPlayer.PlaybackState
    pane.show_video(short_video_file)
    _wait_playing(qtbot, pane)
    player = pane.media_player()
    assert player is not None
    qtbot.keyClick(pane, Qt.Key.Key_Space)  # pause, switch looping off, play to the end
    qtbot.waitUntil(lambda: player.playbackState() == state.PausedState)
    [loop] = [b for b in pane.findChildren(QToolButton) if b.accessibleName() == "Loop"]
    loop.click()
    pane.toggle_play()
    qtbot.waitUntil(
        lambda: player.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia,
        timeout=FRAME_TIMEOUT_MS,
    )
    assert player.playbackState() == state.StoppedState
    assert pane.current_page == "video"  # the end is not an error
    pane.toggle_play()
    qtbot.waitUntil(lambda: player.playbackState() == state.PlayingState)


def test_clicking_the_seek_bar_jumps_there(qtbot, pane: PreviewPane, video_file: Path) -> None:
    pane.show_video(video_file)
    _wait_playing(qtbot, pane)
    player = pane.media_player()
    assert player is not None
    qtbot.waitUntil(lambda: player.duration() > 0, timeout=FRAME_TIMEOUT_MS)
    pane.toggle_play()  # paused, so the position stays where we put it
    slider = pane.findChild(QSlider)
    assert slider is not None
    target = QPoint(int(slider.width() * 0.75), slider.height() // 2)
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=target)
    qtbot.waitUntil(lambda: abs(player.position() - 0.75 * player.duration()) < 400)
    assert abs(slider.value() - player.position()) < 400


def test_fullscreen_by_double_click_and_back_with_escape(
    qtbot, pane: PreviewPane, video_file: Path
) -> None:
    pane.show_video(video_file)
    _wait_playing(qtbot, pane)
    from PySide6.QtMultimediaWidgets import QVideoWidget

    video = pane.findChild(QVideoWidget)
    assert video is not None
    qtbot.mouseDClick(video, Qt.MouseButton.LeftButton)
    assert pane.is_fullscreen()
    qtbot.keyClick(video, Qt.Key.Key_Escape)
    assert not pane.is_fullscreen()
    pane.toggle_fullscreen()
    assert pane.is_fullscreen()
    pane.show_message("Elsewhere")  # leaving the video leaves full screen too
    assert not pane.is_fullscreen()


def test_leaving_the_video_stops_and_unloads_it(qtbot, pane: PreviewPane, video_file: Path) -> None:
    from PySide6.QtMultimedia import QMediaPlayer

    pane.show_video(video_file)
    _wait_playing(qtbot, pane)
    pane.show_details("Another task", [("Status", "queued")])
    assert pane.current_path is None
    player = pane.media_player()
    assert player is not None
    # Stopping is a queued call (see PreviewPane._call): it happens on the next loop turn.
    qtbot.waitUntil(
        lambda: (
            player.playbackState() == QMediaPlayer.PlaybackState.StoppedState
            and player.source().isEmpty()
        )
    )


def test_next_video_replaces_the_previous_one(
    qtbot, pane: PreviewPane, video_file: Path, short_video_file: Path
) -> None:
    pane.show_video(video_file)
    _wait_playing(qtbot, pane)
    pane.show_video(short_video_file)
    frames = _count_frames(pane)
    qtbot.waitUntil(lambda: frames[0] >= 5, timeout=FRAME_TIMEOUT_MS)
    player = pane.media_player()
    assert player is not None
    assert Path(player.source().toLocalFile()) == short_video_file.absolute()


# ---------------------------------------------------------------------------- errors


def _assert_error_page(pane: PreviewPane, path: Path, reason_part: str) -> str:
    assert pane.current_page == "message"
    _title, text = pane.message()
    assert text.startswith("Can't play this video: ")
    assert reason_part in text
    assert text.endswith(f"The file is at {path.absolute()}.")
    assert pane.current_path == path.absolute()
    return text


def test_missing_file_shows_a_message(qtbot, pane: PreviewPane, tmp_path: Path) -> None:
    missing = tmp_path / "gone.mp4"
    with qtbot.waitSignal(pane.playback_error, timeout=2000) as blocker:
        pane.show_video(missing, "Lost video")
    text = _assert_error_page(pane, missing, "does not exist")
    assert blocker.args == [text]
    assert pane.message()[0] == "Lost video"


def test_garbage_file_shows_a_message(qtbot, pane: PreviewPane, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.mp4"
    # Seeded: FFmpeg probes every format, and some random bytes pass for one (seen: "lrc"
    # lyrics, which then has no video track). Any clear message is right; this one is stable.
    garbage.write_bytes(random.Random(20251129).randbytes(64 * 1024))
    with qtbot.waitSignal(pane.playback_error, timeout=FRAME_TIMEOUT_MS) as blocker:
        pane.show_video(garbage)
    text = _assert_error_page(pane, garbage, "")
    assert blocker.args == [text]
    player = pane.media_player()
    assert player is not None
    qtbot.waitUntil(lambda: player.source().isEmpty())  # unloaded, not left half-open


def test_non_video_bytes_are_a_format_error(qtbot, pane: PreviewPane, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00not a video" * 1000)
    with qtbot.waitSignal(pane.playback_error, timeout=FRAME_TIMEOUT_MS):
        pane.show_video(garbage)
    _assert_error_page(pane, garbage, "damaged or not in a supported format")


def test_undecodable_frames_show_a_message_quickly(
    qtbot, pane: PreviewPane, video_file: Path, tmp_path: Path
) -> None:
    """A valid container whose frames are zeros: FFmpeg reports errors by the thousand."""
    data = bytearray(video_file.read_bytes())
    start = data.find(b"mdat")
    size = int.from_bytes(data[start - 4 : start], "big")
    data[start + 4 : start - 4 + size] = bytes(size - 8)
    zeroed = tmp_path / "zeroed.mp4"
    zeroed.write_bytes(bytes(data))
    errors: list[str] = []
    pane.playback_error.connect(errors.append)
    pane.show_video(zeroed)
    qtbot.waitUntil(lambda: pane.current_page == "message", timeout=FRAME_TIMEOUT_MS)
    _assert_error_page(pane, zeroed, "")
    qtbot.wait(200)
    assert len(errors) == 1  # one message, not one per decoder error


def test_truncated_file_shows_a_message(
    qtbot, pane: PreviewPane, video_file: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(video_file.read_bytes()[: video_file.stat().st_size // 2])
    with qtbot.waitSignal(pane.playback_error, timeout=FRAME_TIMEOUT_MS):
        pane.show_video(broken)
    _assert_error_page(pane, broken, "Can't play")


def test_empty_file_and_directory(qtbot, pane: PreviewPane, tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    pane.show_video(empty)
    _assert_error_page(pane, empty, "empty")
    pane.show_video(tmp_path)
    _assert_error_page(pane, tmp_path, "not a file")


def test_file_without_video_track_shows_a_message(
    qtbot, make_pane: Callable[..., PreviewPane], tmp_path: Path
) -> None:
    pane = make_pane(first_frame_timeout_ms=60_000)  # noticed on load, not by the watchdog
    audio_only = _write_audio_only(tmp_path / "sound.mp4")
    with qtbot.waitSignal(pane.playback_error, timeout=FRAME_TIMEOUT_MS):
        pane.show_video(audio_only)
    _assert_error_page(pane, audio_only, "no video track")


def test_good_video_after_an_error_plays(
    qtbot, pane: PreviewPane, video_file: Path, tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00not a video" * 1000)
    with qtbot.waitSignal(pane.playback_error, timeout=FRAME_TIMEOUT_MS):
        pane.show_video(garbage)
    pane.show_video(video_file)
    assert pane.current_page == "video"
    frames = _count_frames(pane)
    qtbot.waitUntil(lambda: frames[0] >= 5, timeout=FRAME_TIMEOUT_MS)
    assert pane.current_page == "video"


# ---------------------------------------------------------------------------- shutdown


def test_shutdown_twice_is_safe(qtbot, pane: PreviewPane, video_file: Path) -> None:
    pane.show_video(video_file)
    _wait_playing(qtbot, pane)
    pane.shutdown()
    pane.shutdown()
    assert pane.media_player() is None and pane.audio_output() is None
    pane.toggle_play()  # no player: nothing happens, nothing raises
    pane.clear()
    assert pane.current_page == "message"


def test_shutdown_without_any_video(pane: PreviewPane) -> None:
    pane.shutdown()
    pane.shutdown()
    assert pane.current_page == "message"


def test_video_after_shutdown_recreates_the_player(
    qtbot, pane: PreviewPane, video_file: Path
) -> None:
    pane.show_video(video_file)
    _wait_playing(qtbot, pane)
    pane.shutdown()
    pane.show_video(video_file)
    frames = _count_frames(pane)
    qtbot.waitUntil(lambda: frames[0] >= 5, timeout=FRAME_TIMEOUT_MS)


@pytest.fixture
def freeze_guard() -> Iterator[None]:
    """Kill the run with every thread's stack if the test freezes.

    A freeze here holds the GIL, so no Python-level timeout (pytest-timeout included) can
    fire; faulthandler's watchdog is C code and still can.
    """
    faulthandler.dump_traceback_later(90, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def test_switching_videos_with_sound_never_freezes(
    qtbot,
    pane: PreviewPane,
    video_with_audio_file: Path,
    video_file: Path,
    tmp_path: Path,
    freeze_guard: None,
) -> None:
    """Regression: stopping or switching a video with an audio track froze the process, a
    GIL/mutex deadlock between Python and the FFmpeg engine's threads (PreviewPane._call).
    With direct calls this froze about one run in four."""
    from PySide6.QtMultimedia import QMediaPlayer

    playing = QMediaPlayer.PlaybackState.PlayingState
    audio_only = _write_audio_only(tmp_path / "sound-only.mp4")
    for round_ in range(12):
        pane.show_video(video_with_audio_file)
        _wait_playing(qtbot, pane)
        qtbot.wait(10 * (round_ % 4))
        if round_ % 3 == 0:
            qtbot.keyClick(pane, Qt.Key.Key_M)  # sound on for a while
        pane.show_video(audio_only)  # fails: no video track
        qtbot.waitUntil(lambda: pane.current_page == "message", timeout=FRAME_TIMEOUT_MS)
        pane.show_video(video_file)
        qtbot.waitUntil(lambda: pane.media_player().playbackState() == playing)
        pane.show_details("Another task", [("Status", "queued")])
    pane.show_video(video_with_audio_file)
    _wait_playing(qtbot, pane)
    pane.shutdown()
    assert pane.media_player() is None
