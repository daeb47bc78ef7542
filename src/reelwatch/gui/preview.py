"""The right-hand pane of the main window: a message, a task's details, or its video.

QtMultimedia (and the FFmpeg it loads) is imported on the first `show_video`, not at module
import: the window must appear without paying for it. This module therefore imports only
QtCore, QtGui and QtWidgets at top level.

The player is torn down explicitly in `shutdown()`: a QMediaPlayer whose QAudioOutput is still
alive when the QApplication dies segfaults at exit (measured: 7 runs in 10 with no sound
device). Player and audio output are also children of the pane, so they die with it.

Every call that can tear the playback engine down (stop, a new source, seeking, deletion) is
made as a queued call, from the event loop, never directly from Python: see `_call`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import shiboken6
from PySide6.QtCore import (
    Q_ARG,
    QCoreApplication,
    QEvent,
    QEventLoop,
    QMetaObject,
    QObject,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProxyStyle,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QStyle,
    QStyleOption,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink
    from PySide6.QtMultimediaWidgets import QVideoWidget

Page = Literal["message", "details", "video"]

#: How long a video may take to show its first frame before we call it broken. Generous on
#: purpose: a loaded machine can take a few seconds; a working file shows one in well under 1 s.
FIRST_FRAME_TIMEOUT_MS = 8000
#: Upper bound for shutdown() to wait for the player's queued teardown.
SHUTDOWN_TIMEOUT_MS = 3000

_VIDEO_BACKGROUND = QColor(16, 16, 16)
_PLAIN_SELECTABLE = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)


def format_time(ms: int) -> str:
    """``m:ss`` (``h:mm:ss`` from one hour) for the time label."""
    seconds = max(0, int(ms) // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _queued(target: QObject, slot: str, *args: Any) -> None:
    """Invoke ``slot`` on ``target`` from the event loop (see PreviewPane._call for why)."""
    if not QMetaObject.invokeMethod(target, slot, Qt.ConnectionType.QueuedConnection, *args):
        raise RuntimeError(f"cannot queue {type(target).__name__}.{slot}")


class _ElidedLabel(QLabel):
    """A one-line label that elides instead of widening the pane; full text in the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            text,
            self.foregroundRole(),
        )


class _WrappingLabel(QLabel):
    """A word-wrapped label whose preferred height is the one at its actual width.

    QLabel's size hint wraps at a guessed width; form and grid layouts give a row that
    height and the row gets tall gaps (measured: 112 px for 70 px of text).
    """

    def sizeHint(self) -> QSize:
        return self._at_own_width(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        # Also the minimum: a narrow pane then scrolls instead of clipping the text.
        return self._at_own_width(super().minimumSizeHint())

    def _at_own_width(self, hint: QSize) -> QSize:
        if self.wordWrap() and self.width() > 0:
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()


class _SeekStyle(QProxyStyle):
    """Makes a left click on the seek bar jump there, as in every media player."""

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        return_data: Any = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_Slider_AbsoluteSetButtons:
            return int(Qt.MouseButton.LeftButton.value)
        return super().styleHint(hint, option, widget, return_data)


class PreviewPane(QWidget):
    """Shows a message, the details of an unfinished task, or plays a finished task's video."""

    #: The full, user-readable message whenever a video cannot be played.
    playback_error = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        first_frame_timeout_ms: int = FIRST_FRAME_TIMEOUT_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("previewPane")
        # Click focus so Space reaches keyPressEvent after the user clicks the video.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setMinimumSize(320, 240)

        self._first_frame_timeout_ms = first_frame_timeout_ms
        self._path: Path | None = None
        self._title = ""
        self._generation = 0  # bumped per show_video; stale player callbacks compare against it
        self._failed = False
        self._fail_pending = -1  # generation whose failure is already scheduled
        self._got_frame = False
        self._resume_on_show = False
        self._want_play = False  # what the user asked for; the player catches up (queued)
        # Created on the first show_video (lazy QtMultimedia import).
        self._player: QMediaPlayer | None = None
        self._audio: QAudioOutput | None = None
        self._video_widget: QVideoWidget | None = None
        self._video_page: QWidget | None = None
        self._frame_watch_connected = False
        self._muted_labels: list[QLabel] = []

        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_no_frames)

        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        self._build_message_page()
        self._build_details_page()
        self.clear()

    # ------------------------------------------------------------------ public API

    @property
    def current_path(self) -> Path | None:
        """The video file last given to `show_video` (also while its error is shown)."""
        return self._path

    @property
    def current_page(self) -> Page:
        """Which page is visible: ``"message"``, ``"details"`` or ``"video"``."""
        widget = self._stack.currentWidget()
        if widget is self._details_page:
            return "details"
        if self._video_page is not None and widget is self._video_page:
            return "video"
        return "message"

    def message(self) -> tuple[str, str]:
        """Title and text of the message page (for tests and the status bar)."""
        return self._message_title.text(), self._message_text.text()

    def show_message(self, title: str, text: str = "") -> None:
        """Show a centred message: the empty state, or an error the window wants to tell."""
        self._stop_media()
        self._path = None
        self._set_message(title, text, warning=False)

    def show_details(self, title: str, rows: list[tuple[str, str]]) -> None:
        """Show an unfinished task as label/value rows; values wrap and can be selected."""
        self._stop_media()
        self._path = None
        self._details_title.setText(title)
        form = self._details_form
        while form.rowCount():
            form.removeRow(0)
        for label, value in rows:
            name = QLabel(label)
            name.setTextFormat(Qt.TextFormat.PlainText)
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self._make_muted(name)
            shown = _WrappingLabel(value if value else "—")
            shown.setTextFormat(Qt.TextFormat.PlainText)  # prompts may contain "<b>" etc.
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(_PLAIN_SELECTABLE)
            shown.setCursor(Qt.CursorShape.IBeamCursor)
            shown.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            shown.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            name.setBuddy(shown)
            form.addRow(name, shown)
        self._details_scroll.verticalScrollBar().setValue(0)
        self._stack.setCurrentWidget(self._details_page)

    def show_video(self, path: Path | str, title: str = "") -> None:
        """Play a downloaded local file, looping and muted; any failure becomes a message."""
        path = Path(path).absolute()
        same = (
            self._path == path
            and not self._failed
            and self._player is not None
            and self.current_page == "video"
        )
        self._path = path
        self._title = title or path.name
        if same:
            self._video_title.setText(self._title)
            return

        self._stop_media()
        self._path = path  # _stop_media keeps it, but be explicit
        self._generation += 1
        self._failed = False
        self._got_frame = False

        reason = self._unreadable_reason(path)
        if reason:
            self._fail(reason)
            return
        try:
            self._ensure_player()
        except Exception as exc:  # ImportError (e.g. libpulse missing), plugin trouble
            self._fail(self.tr("video playback is not available ({error})").format(error=exc))
            return

        player = self._player
        assert player is not None and self._video_widget is not None
        self._video_title.setText(self._title)
        self._video_widget.setWindowTitle(self._title)
        self._slider.setRange(0, 0)
        self._slider.setValue(0)
        self._update_time_label(0, 0)
        self._stack.setCurrentWidget(self._video_page)
        self._watch_frames(True)
        self._call("setSource", Q_ARG(QUrl, QUrl.fromLocalFile(os.fspath(path))))
        self._call("play")
        self._want_play = True
        self._watchdog.start(self._first_frame_timeout_ms)

    def clear(self) -> None:
        """Back to the empty state; stops any playback."""
        self.show_message(self.tr("No task selected"), self.tr("Select a task to see its details."))

    def shutdown(self) -> None:
        """Stop playback and delete player and audio output before returning; idempotent.

        The main window calls this on close, before the QApplication goes away. Stopping and
        deleting run as queued calls (see `_call`) inside a short local event loop, so do not
        call this from inside a coroutine.
        """
        self._watchdog.stop()
        self._exit_fullscreen()
        self._watch_frames(False)
        player, audio = self._player, self._audio
        # Cleared first: signals the player still sends find nothing to update.
        self._player = None
        self._audio = None
        self._want_play = False
        if self._video_page is not None:
            self._set_controls_enabled(False)
        alive = [obj for obj in (player, audio) if obj is not None and shiboken6.isValid(obj)]
        if not alive:
            return
        if QCoreApplication.instance() is None:  # too late for queued calls
            for obj in alive:
                shiboken6.delete(obj)
            return
        loop = QEventLoop()
        if player in alive:
            _queued(player, "stop")
            _queued(player, "setSource", Q_ARG(QUrl, QUrl()))
        for obj in alive:  # the player first: it must not outlive its audio output
            _queued(obj, "deleteLater")
        alive[-1].destroyed.connect(loop.quit)
        QTimer.singleShot(SHUTDOWN_TIMEOUT_MS, loop, loop.quit)
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def toggle_play(self) -> None:
        """Pause a playing video or resume a paused one; nothing on other pages."""
        player = self._player
        if player is None or self.current_page != "video" or self._failed:
            return
        self._resume_on_show = False
        # The intended state, not playbackState(): a queued call may not have run yet.
        self._want_play = not self._want_play
        if self._want_play:
            self._call("play")
            if not self._got_frame:
                self._watchdog.start(self._first_frame_timeout_ms)
        else:
            self._call("pause")
            self._watchdog.stop()

    def toggle_fullscreen(self) -> None:
        """Show the video alone on the whole screen, or bring it back into the pane."""
        widget = self._video_widget
        if widget is None or self.current_page != "video":
            return
        if widget.isFullScreen():
            self._exit_fullscreen()
        else:
            widget.setFullScreen(True)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_fullscreen(self) -> bool:
        """Whether the video currently fills the screen."""
        return self._video_widget is not None and self._video_widget.isFullScreen()

    @property
    def looping(self) -> bool:
        """Loop button state (on by default)."""
        return self._video_page is None or self._loop_button.isChecked()

    @property
    def muted(self) -> bool:
        """Mute button state (muted by default)."""
        return self._video_page is None or self._mute_button.isChecked()

    def media_player(self) -> QMediaPlayer | None:
        """The player, or None before the first video / after shutdown. For tests."""
        return self._player

    def audio_output(self) -> QAudioOutput | None:
        """The audio output, or None before the first video / after shutdown. For tests."""
        return self._audio

    def video_sink(self) -> QVideoSink | None:
        """The video widget's sink, so tests can count decoded frames."""
        if self._video_widget is None:
            return None
        return self._video_widget.videoSink()

    # ------------------------------------------------------------------ pages

    def _build_message_page(self) -> None:
        page = QWidget()
        page.setObjectName("previewMessagePage")
        self._message_icon = QLabel(page)
        self._message_icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message_title = QLabel(page)
        self._message_title.setObjectName("previewMessageTitle")
        self._message_text = QLabel(page)
        self._message_text.setObjectName("previewMessageText")
        for label in (self._message_title, self._message_text):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setTextInteractionFlags(_PLAIN_SELECTABLE)  # the path must be copyable
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        font = QFont(self._message_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self._message_title.setFont(font)
        self._make_muted(self._message_title)
        self._make_muted(self._message_text)

        column = QWidget(page)
        # About 64 characters per line: room for a path, short enough to read. The labels
        # ignore their width hint (a long path must not widen the pane), so the column is
        # sized by the row below, not by its contents.
        column.setMaximumWidth(self.fontMetrics().averageCharWidth() * 64)
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(8)
        column_layout.addWidget(self._message_icon)
        column_layout.addWidget(self._message_title)
        column_layout.addWidget(self._message_text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 100)
        row.addStretch(1)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)  # a little above the middle reads as centred
        self._message_page = page
        self._stack.addWidget(page)

    def _build_details_page(self) -> None:
        page = QWidget()
        page.setObjectName("previewDetailsPage")
        self._details_title = QLabel(page)
        self._details_title.setTextFormat(Qt.TextFormat.PlainText)
        self._details_title.setWordWrap(True)
        self._details_title.setTextInteractionFlags(_PLAIN_SELECTABLE)
        self._details_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        font = QFont(self._details_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self._details_title.setFont(font)

        content = QWidget()
        # Vertical Ignored: QScrollArea would otherwise size the content by its minimum
        # height, computed with every value wrapped at its narrowest, and spread the surplus
        # over the rows. With it, the height follows heightForWidth at the real width.
        content.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self._details_form = QFormLayout()
        self._details_form.setContentsMargins(0, 0, 0, 0)
        self._details_form.setHorizontalSpacing(16)
        self._details_form.setVerticalSpacing(8)
        self._details_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._details_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self._details_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._details_form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(self._details_form)
        content_layout.addStretch(1)  # spare height below the rows, not inside them

        scroll = QScrollArea(page)
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)
        self._details_scroll = scroll

        layout = QVBoxLayout(page)
        layout.setContentsMargins(20, 20, 20, 12)
        layout.setSpacing(14)
        layout.addWidget(self._details_title)
        layout.addWidget(scroll, 1)
        self._details_page = page
        self._stack.addWidget(page)

    def _build_video_page(self, video_widget_cls: type[QVideoWidget]) -> None:
        """Built on the first video only: QVideoWidget needs QtMultimediaWidgets."""
        page = QWidget()
        page.setObjectName("previewVideoPage")
        style = self.style()

        self._video_title = _ElidedLabel(page)
        font = QFont(self._video_title.font())
        font.setBold(True)
        self._video_title.setFont(font)

        frame = QFrame(page)
        frame.setObjectName("previewVideoFrame")
        frame.setAutoFillBackground(True)
        palette = frame.palette()
        palette.setColor(QPalette.ColorRole.Window, _VIDEO_BACKGROUND)
        frame.setPalette(palette)
        frame.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        video = video_widget_cls(frame)
        video.setObjectName("previewVideo")
        video.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        video.setAutoFillBackground(True)
        video.setPalette(palette)
        video.setToolTip(self.tr("Double-click for full screen"))
        video.installEventFilter(self)
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(0, 0, 0, 0)
        frame_layout.addWidget(video)
        self._video_widget = video

        icon_size = QSize(20, 20)

        def tool_button(name: str, tip: str, icon: QIcon, checkable: bool = False) -> QToolButton:
            button = QToolButton(page)
            button.setAutoRaise(True)
            button.setIconSize(icon_size)
            button.setIcon(icon)
            button.setAccessibleName(name)
            button.setToolTip(tip)
            button.setCheckable(checkable)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            return button

        sp = QStyle.StandardPixmap
        self._icon_play = QIcon.fromTheme(
            "media-playback-start", style.standardIcon(sp.SP_MediaPlay)
        )
        self._icon_pause = QIcon.fromTheme(
            "media-playback-pause", style.standardIcon(sp.SP_MediaPause)
        )
        self._icon_muted = QIcon.fromTheme(
            "audio-volume-muted", style.standardIcon(sp.SP_MediaVolumeMuted)
        )
        self._icon_sound = QIcon.fromTheme(
            "audio-volume-high", style.standardIcon(sp.SP_MediaVolume)
        )
        loop_icon = QIcon.fromTheme(
            "media-playlist-repeat", style.standardIcon(sp.SP_BrowserReload)
        )
        full_icon = QIcon.fromTheme("view-fullscreen", style.standardIcon(sp.SP_TitleBarMaxButton))

        self._play_button = tool_button(self.tr("Play"), self.tr("Play (Space)"), self._icon_play)
        self._play_button.clicked.connect(self.toggle_play)

        self._slider = QSlider(Qt.Orientation.Horizontal, page)
        self._slider.setAccessibleName(self.tr("Position"))
        self._slider.setToolTip(self.tr("Seek"))
        self._slider.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._seek_style = _SeekStyle(self._slider.style().name())
        self._seek_style.setParent(self._slider)
        self._slider.setStyle(self._seek_style)
        self._slider.sliderMoved.connect(self._seek)
        self._slider.sliderReleased.connect(self._on_slider_released)
        self._slider.actionTriggered.connect(self._on_slider_action)

        self._time_label = QLabel(page)
        self._time_label.setTextFormat(Qt.TextFormat.PlainText)
        self._time_label.setAccessibleName(self.tr("Elapsed and total time"))
        self._time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Room for "00:00 / 00:00" so the slider does not jitter as digits change.
        self._time_label.setMinimumWidth(
            self._time_label.fontMetrics().horizontalAdvance("00:00 / 00:00") + 4
        )

        self._loop_button = tool_button(
            self.tr("Loop"), self.tr("Loop playback"), loop_icon, checkable=True
        )
        self._loop_button.setChecked(True)
        self._loop_button.toggled.connect(self._apply_loop)

        self._mute_button = tool_button(
            self.tr("Mute"), self.tr("Unmute (M)"), self._icon_muted, checkable=True
        )
        self._mute_button.setChecked(True)
        self._mute_button.toggled.connect(self._apply_mute)

        self._full_button = tool_button(
            self.tr("Full screen"),
            self.tr("Full screen (F, double-click; Esc to leave)"),
            full_icon,
        )
        self._full_button.clicked.connect(self.toggle_fullscreen)

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(6)
        controls.addWidget(self._play_button)
        controls.addWidget(self._slider, 1)
        controls.addWidget(self._time_label)
        controls.addSpacing(6)
        controls.addWidget(self._loop_button)
        controls.addWidget(self._mute_button)
        controls.addWidget(self._full_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addWidget(self._video_title)
        layout.addWidget(frame, 1)
        layout.addLayout(controls)

        self._video_page = page
        self._stack.addWidget(page)

    # ------------------------------------------------------------------ player

    def _call(self, slot: str, *args: Any) -> None:
        """Call a QMediaPlayer slot as a queued call; never call them directly from Python.

        Why: a direct call holds the GIL. Stopping, changing the source or seeking makes the
        FFmpeg engine destroy its renderers in their own threads; their destructors call a
        virtual of the Python-created player, which needs the GIL while holding a Qt mutex
        that the direct call then waits for: a deadlock (measured: the test suite froze about
        one run in 25 with a file that has an audio track, every time in a tight loop).
        A queued call runs from the event loop in C++, without the GIL.
        """
        if self._player is not None:
            _queued(self._player, slot, *args)

    def _ensure_player(self) -> None:
        """Import QtMultimedia and create page, player and audio output on first use."""
        if self._player is not None:
            return
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget

        if self._video_page is None:
            self._build_video_page(QVideoWidget)
        assert self._video_widget is not None
        # Parented to the pane so they die with it even if shutdown() is never called.
        player = QMediaPlayer(self)
        audio = QAudioOutput(self)
        audio.setMuted(self._mute_button.isChecked())
        player.setAudioOutput(audio)
        player.setVideoOutput(self._video_widget)
        player.setLoops(
            QMediaPlayer.Loops.Infinite
            if self._loop_button.isChecked()
            else QMediaPlayer.Loops.Once
        )
        player.errorOccurred.connect(self._on_player_error)
        player.mediaStatusChanged.connect(self._on_media_status)
        player.playbackStateChanged.connect(self._on_playback_state)
        player.positionChanged.connect(self._on_position)
        player.durationChanged.connect(self._on_duration)
        self._player = player
        self._audio = audio
        self._set_controls_enabled(True)

    def _stop_media(self) -> None:
        """Stop and unload whatever plays, so a hidden page neither decodes nor holds the file."""
        self._watchdog.stop()
        self._resume_on_show = False
        self._exit_fullscreen()
        self._watch_frames(False)
        self._want_play = False
        if self._player is not None:
            self._call("stop")
            self._call("setSource", Q_ARG(QUrl, QUrl()))
        sink = self.video_sink()
        if sink is not None:
            from PySide6.QtMultimedia import QVideoFrame

            sink.setVideoFrame(QVideoFrame())  # no stale last frame when the next video loads

    def _watch_frames(self, on: bool) -> None:
        """Listen for the first decoded frame only; per-frame Python calls are not free."""
        sink = self.video_sink()
        if sink is None or on == self._frame_watch_connected:
            return
        if on:
            sink.videoFrameChanged.connect(self._on_frame)
        else:
            sink.videoFrameChanged.disconnect(self._on_frame)
        self._frame_watch_connected = on

    def _on_frame(self, frame: QVideoFrame) -> None:
        player = self._player
        if self._got_frame or not frame.isValid() or player is None:
            return
        if not self._is_current_source(player):
            return  # a last frame of the previous video
        self._got_frame = True
        self._watchdog.stop()
        # Directly, not deferred: a deferred disconnect could land after the next show_video
        # had connected again and leave that video without its first-frame check.
        self._watch_frames(False)

    def _on_no_frames(self) -> None:
        if self._player is None or self._failed or self._got_frame:
            return
        if self._player.hasVideo():
            self._fail(self.tr("no video frame could be decoded"))
        else:
            self._fail(self.tr("the file contains no video track"))

    def _on_player_error(self, error: QMediaPlayer.Error, text: str) -> None:
        player = self._player
        if player is None or error == player.Error.NoError or not self._is_current_source(player):
            return
        # Deferred: never tear the player down (or run user slots) inside its own signal.
        self._fail_soon(self._reason_for(error, text))

    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        player = self._player
        if player is None or not self._is_current_source(player):
            return  # the previous video, before the queued calls for this one ran
        statuses = player.MediaStatus
        if status == statuses.InvalidMedia:
            self._fail_soon(self._reason_for(player.error(), player.errorString()))
        elif status == statuses.LoadedMedia and not player.hasVideo():
            # The FFmpeg backend reports the video track before LoadedMedia; an audio-only
            # file (or text that FFmpeg happens to recognise) would otherwise wait for the
            # first-frame watchdog.
            generation = self._generation
            QTimer.singleShot(0, self, lambda: self._check_has_video(generation))
        elif status == statuses.EndOfMedia:
            # Loop off: the player stopped at the end; show the end, ready to play again.
            self._want_play = False
            self._slider.setValue(self._slider.maximum())

    def _is_current_source(self, player: QMediaPlayer) -> bool:
        """False while queued calls for a newer video have not reached the player yet."""
        return self._path is not None and player.source() == QUrl.fromLocalFile(
            os.fspath(self._path)
        )

    def _check_has_video(self, generation: int) -> None:
        player = self._player
        if generation == self._generation and player is not None and not player.hasVideo():
            self._fail_if_current(generation, self.tr("the file contains no video track"))

    def _fail_soon(self, reason: str) -> None:
        """Fail from the event loop, once: a broken stream can report thousands of errors."""
        generation = self._generation
        if self._failed or self._fail_pending == generation:
            return
        self._fail_pending = generation
        QTimer.singleShot(0, self, lambda: self._fail_if_current(generation, reason))

    def _on_playback_state(self, state: QMediaPlayer.PlaybackState) -> None:
        if self._player is None or self._video_page is None:
            return
        playing = state == self._player.PlaybackState.PlayingState
        self._play_button.setIcon(self._icon_pause if playing else self._icon_play)
        self._play_button.setAccessibleName(self.tr("Pause") if playing else self.tr("Play"))
        self._play_button.setToolTip(
            self.tr("Pause (Space)") if playing else self.tr("Play (Space)")
        )

    def _on_position(self, position: int) -> None:
        if self._player is None:
            return
        if not self._slider.isSliderDown():
            self._slider.setValue(position)
        self._update_time_label(position, self._player.duration())

    def _on_duration(self, duration: int) -> None:
        self._slider.setRange(0, max(0, duration))
        self._slider.setSingleStep(1000)
        self._slider.setPageStep(max(1000, duration // 10))
        position = self._player.position() if self._player is not None else 0
        self._update_time_label(position, duration)

    def _seek(self, position: int) -> None:
        if self._player is not None and self._player.isSeekable():
            self._call("setPosition", Q_ARG("qint64", int(position)))

    def _on_slider_action(self, action: int) -> None:
        # Keyboard, page clicks, the wheel, and the click-to-jump of _SeekStyle (a SliderMove
        # before the slider counts as pressed); sliderPosition is already updated here.
        # Dragging is handled by sliderMoved.
        if action != QSlider.SliderAction.SliderMove.value or not self._slider.isSliderDown():
            self._seek(self._slider.sliderPosition())

    def _on_slider_released(self) -> None:
        self._seek(self._slider.value())

    def _update_time_label(self, position: int, duration: int) -> None:
        self._time_label.setText(f"{format_time(position)} / {format_time(duration)}")

    def _apply_loop(self, on: bool) -> None:
        if self._player is not None:
            loops = self._player.Loops.Infinite if on else self._player.Loops.Once
            self._player.setLoops(loops)

    def _apply_mute(self, muted: bool) -> None:
        if self._audio is not None:
            self._audio.setMuted(muted)
        self._mute_button.setIcon(self._icon_muted if muted else self._icon_sound)
        self._mute_button.setToolTip(self.tr("Unmute (M)") if muted else self.tr("Mute (M)"))

    def _set_controls_enabled(self, on: bool) -> None:
        for widget in (self._play_button, self._slider, self._full_button):
            widget.setEnabled(on)

    def _exit_fullscreen(self) -> None:
        widget = self._video_widget
        if widget is not None and widget.isFullScreen():
            widget.setFullScreen(False)
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ errors

    def _unreadable_reason(self, path: Path) -> str:
        """Why the file cannot even be opened, or "" if it looks readable."""
        try:
            if not path.exists():
                return self.tr("the file does not exist")
            if not path.is_file():
                return self.tr("it is not a file")
            if path.stat().st_size == 0:
                return self.tr("the file is empty")
        except OSError as exc:
            return self.tr("the file cannot be read ({error})").format(error=exc.strerror or exc)
        if not os.access(path, os.R_OK):
            return self.tr("the file cannot be read (permission denied)")
        return ""

    def _reason_for(self, error: QMediaPlayer.Error, detail: str) -> str:
        errors = type(error)
        if error == errors.FormatError:
            reason = self.tr("the file is damaged or not in a supported format")
        elif error == errors.AccessDeniedError:
            reason = self.tr("access to the file was denied")
        elif error == errors.ResourceError:
            reason = self.tr("the file could not be opened")
        else:
            reason = self.tr("the player reported an error")
        detail = (detail or "").strip().rstrip(".")
        return f"{reason} ({detail})" if detail else reason

    def _fail_if_current(self, generation: int, reason: str) -> None:
        if generation == self._generation and self._path is not None:
            self._fail(reason)

    def _fail(self, reason: str) -> None:
        """Replace the video with a clear message; never leave a frozen pane."""
        if self._failed:
            return
        self._failed = True
        path = self._path
        self._stop_media()
        text = self.tr("Can't play this video: {reason}. The file is at {path}.").format(
            reason=reason, path=os.fspath(path) if path is not None else "?"
        )
        self._set_message(self._title or self.tr("Can't play this video"), text, warning=True)
        self.playback_error.emit(text)

    def _set_message(self, title: str, text: str, *, warning: bool) -> None:
        self._message_title.setText(title)
        self._message_text.setText(text)
        self._message_text.setVisible(bool(text))
        if warning:
            icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self._message_icon.setPixmap(icon.pixmap(QSize(40, 40), self.devicePixelRatioF()))
            self._message_icon.setVisible(True)
        else:
            self._message_icon.clear()
            self._message_icon.setVisible(False)
        self._stack.setCurrentWidget(self._message_page)

    # ------------------------------------------------------------------ palette

    def _muted_color(self) -> QColor:
        """Text colour between text and background: visibly secondary, still readable.

        PlaceholderText is too faint on some styles (about 3:1 on Fusion); two thirds of the
        way to the text colour keeps well above 4.5:1 on both light and dark palettes.
        """
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        back = palette.color(QPalette.ColorRole.Window)
        keep = 0.68
        return QColor.fromRgbF(
            text.redF() * keep + back.redF() * (1 - keep),
            text.greenF() * keep + back.greenF() * (1 - keep),
            text.blueF() * keep + back.blueF() * (1 - keep),
        )

    def _make_muted(self, label: QLabel) -> None:
        self._muted_labels = [item for item in self._muted_labels if shiboken6.isValid(item)]
        self._muted_labels.append(label)
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, self._muted_color())
        label.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a light/dark palette switch: the muted colour is derived from it."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            muted = self._muted_color()
            for label in self._muted_labels:
                if shiboken6.isValid(label):
                    palette = label.palette()
                    palette.setColor(QPalette.ColorRole.WindowText, muted)
                    label.setPalette(palette)

    # ------------------------------------------------------------------ events

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Double-click and keys on the video itself (it is its own window when full screen)."""
        if watched is self._video_widget:
            kind = event.type()
            if kind == QEvent.Type.MouseButtonDblClick:
                self.toggle_fullscreen()
                return True
            if kind == QEvent.Type.KeyPress and self._handle_key(event):  # type: ignore[arg-type]
                return True
        return super().eventFilter(watched, event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        if self.current_page != "video" or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.toggle_play()
        elif key == Qt.Key.Key_Escape and self.is_fullscreen():
            self._exit_fullscreen()
        elif key == Qt.Key.Key_F:
            self.toggle_fullscreen()
        elif key == Qt.Key.Key_M:
            self._mute_button.toggle()
        else:
            return False
        return True

    def hideEvent(self, event: Any) -> None:
        """Pause while the window is hidden (tray, minimised): a looping video costs CPU."""
        player = self._player
        if player is not None and not self.is_fullscreen() and self._want_play:
            self._call("pause")
            self._want_play = False
            self._watchdog.stop()
            self._resume_on_show = True
        super().hideEvent(event)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._resume_on_show and self._player is not None and self.current_page == "video":
            self._resume_on_show = False
            self._call("play")
            self._want_play = True
            if not self._got_frame:
                self._watchdog.start(self._first_frame_timeout_ms)
