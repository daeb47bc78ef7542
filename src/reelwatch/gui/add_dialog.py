"""The "Add tasks" dialog: paste anything that holds task ids, see what was found, track them.

Built for `open()` and signals (the app runs on a qasync loop, where `exec()` would nest a second
event loop inside a coroutine): the result arrives through `tasks_submitted`.

Large pastes must never freeze the window, so:

* the scan is debounced (one scan after typing pauses, not one per keystroke);
* texts above `_SYNC_SCAN_CHARS` are scanned on a worker thread (plain Python, no Qt objects
  cross threads: a timer polls the future), stale results are dropped;
* pastes above the scanner's limit are refused before they reach the editor (Qt would spend
  seconds laying them out only for the scan to refuse them);
* the editor wraps at word boundaries only: Qt's default mode ("word boundary or anywhere") is
  quadratic on one long unbroken token (a 400 kB token takes 8 s to lay out).
"""

from __future__ import annotations

import math
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QLocale, QMimeData, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QKeySequence,
    QPalette,
    QShortcut,
    QShowEvent,
    QTextOption,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reelwatch.api.ids import MAX_TEXT_CHARS, Extraction, InputTooLargeError, extract_ids
from reelwatch.api.urls import normalize_base_url
from reelwatch.gui.widgets import WrappedLabel, error_color

#: Quiet time after the last edit before the text is scanned.
DEBOUNCE_MS = 150
#: At most this many ignored lines are listed; the rest are counted.
MAX_IGNORED_SHOWN = 50
#: The ignored-lines box grows up to this many lines, then scrolls.
_IGNORED_ROWS = 5
#: Texts up to this size are scanned on the GUI thread (a few ms); larger ones on a worker.
_SYNC_SCAN_CHARS = 100_000
_POLL_MS = 20


def _scan(text: str) -> Extraction | InputTooLargeError:
    """Runs on the worker thread: pure Python, returns the error instead of raising it."""
    try:
        return extract_ids(text)
    except InputTooLargeError as exc:
        return exc


class _PasteEdit(QPlainTextEdit):
    """A plain-text editor that refuses pastes the scanner would refuse anyway."""

    paste_refused = Signal(int)
    """The size in characters the text would have had."""

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            selected = len(self.textCursor().selectedText())
            size = len(self.toPlainText()) - selected + len(source.text())
            if size > MAX_TEXT_CHARS:
                self.paste_refused.emit(size)
                return
        super().insertFromMimeData(source)


class AddTasksDialog(QDialog):
    """Paste text, pick the service, and submit the task ids found in it."""

    tasks_submitted = Signal(list, str)
    """(task ids in order of appearance, normalized base URL); emitted on accept."""

    def __init__(
        self, services: list[str], current: str, parent: QWidget | None = None, text: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add tasks"))
        self.setMinimumSize(480, 380)
        self.resize(640, 500)

        self._extraction = Extraction()
        self._scan_error: str | None = None
        self._scanning = False
        self._ignored_expanded = True
        self._base_url: str | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._future: Future[Extraction | InputTooLargeError] | None = None

        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self._start_scan)
        self._poll = QTimer(self, interval=_POLL_MS)
        self._poll.timeout.connect(self._collect_scan)

        self._build(services, current)
        if text:
            self._edit.setPlainText(text)  # textChanged starts the debounce; scan now instead
            self._debounce.stop()
            self._start_scan()
        else:
            self._show_result()
        self._validate_url()
        self._edit.setFocus()

    # -- construction -----------------------------------------------------------------------

    def _build(self, services: list[str], current: str) -> None:
        intro = QLabel(self.tr("&Paste task ids, log lines or JSON answers:"), self)
        self._edit = _PasteEdit(self)
        self._edit.setObjectName("paste")
        intro.setBuddy(self._edit)
        self._edit.setPlaceholderText(
            self.tr(
                "Paste anything that contains task ids, for example:\n"
                "\n"
                "  video_68d7512d07848190b3e45da0ecbebcde\n"
                "  sora-2:task_01k6x15vhrff09dkkqjrzwhm60\n"
                "  a log line that mentions an id\n"
                '  a JSON answer such as {"id": "video_…", "status": "queued"}\n'
                "\n"
                "Each id is tracked once; lines without an id are listed below."
            )
        )
        self._edit.setAccessibleName(self.tr("Text to scan for task ids"))
        self._edit.setTabChangesFocus(True)
        self._edit.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self._edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._edit.textChanged.connect(self._text_changed)
        self._edit.paste_refused.connect(self._paste_refused)

        self._summary = WrappedLabel(self)
        self._summary.setObjectName("summary")
        self._summary.setAccessibleName(self.tr("Scan result"))
        font = self._summary.font()
        font.setBold(True)
        self._summary.setFont(font)

        # A flat disclosure arrow, not a checkable button: "checked" would paint it pressed.
        self._ignored_toggle = QToolButton(self)
        self._ignored_toggle.setObjectName("ignoredToggle")
        self._ignored_toggle.setAutoRaise(True)
        self._ignored_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._ignored_toggle.setToolTip(self.tr("Show or hide the lines in which no id was found"))
        self._ignored_toggle.clicked.connect(self._toggle_ignored)

        self._ignored = QPlainTextEdit(self)
        self._ignored.setObjectName("ignored")
        self._ignored.setReadOnly(True)
        self._ignored.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        # Wrapped (each line is at most ~100 characters, see ids._preview) and as tall as its
        # content up to _IGNORED_ROWS lines, so one ignored line does not get a five-line box.
        self._ignored.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._ignored.document().documentLayout().documentSizeChanged.connect(
            self._fit_ignored_height
        )
        self._ignored.setAccessibleName(self.tr("Ignored lines"))
        self._ignored.setTabChangesFocus(True)

        self._service = QComboBox(self)
        self._service.setObjectName("service")
        self._service.setEditable(True)
        self._service.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._service.setAccessibleName(self.tr("Service URL"))
        self._service.setToolTip(
            self.tr("The base URL of the OpenAI-format video API that created these tasks")
        )
        self._service.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._service.setMinimumContentsLength(28)
        self._service.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for url in services:
            if self._service.findText(url) < 0:
                self._service.addItem(url)
        if current and self._service.findText(current) < 0:
            self._service.insertItem(0, current)
        self._service.setCurrentText(current)
        self._service.editTextChanged.connect(self._validate_url)

        self._url_note = WrappedLabel(self)
        self._url_note.setObjectName("urlNote")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("&Service:"), self._service)
        form.addRow("", self._url_note)
        self._form = form

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self._ok: QPushButton = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setObjectName("ok")
        self._ok.setToolTip(self.tr("Start tracking the ids found (Ctrl+Enter)"))
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)

        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, self.accept)

        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(intro)
        layout.addWidget(self._edit, 1)
        layout.addSpacing(2)
        layout.addWidget(self._summary)
        layout.addWidget(self._ignored_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self._ignored)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self._buttons)

    # -- public API -------------------------------------------------------------------------

    def ids(self) -> list[str]:
        """The ids found by the latest finished scan."""
        return list(self._extraction.ids)

    def base_url(self) -> str | None:
        """The normalized service URL, or None while the entry is invalid."""
        return self._base_url

    def accept(self) -> None:
        """Submit: scan now if a scan is pending, then emit `tasks_submitted` and close."""
        self._flush_scan()
        if not self._extraction.ids or self._scan_error:
            self._edit.setFocus()
            return
        if self._base_url is None:
            self._service.setFocus()
            return
        self.tasks_submitted.emit(list(self._extraction.ids), self._base_url)
        super().accept()

    def done(self, result: int) -> None:
        self._stop_worker()
        super().done(result)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_height()

    def _fit_height_later(self) -> None:
        if self.isVisible():
            QTimer.singleShot(0, self, self._fit_height)

    def _fit_height(self) -> None:
        """Grow until wrapped labels fit: Qt sizes top-level windows ignoring height-for-width."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    # -- scanning ---------------------------------------------------------------------------

    def _text_changed(self) -> None:
        self._debounce.start()

    def _start_scan(self) -> None:
        text = self._edit.toPlainText()
        if len(text) <= _SYNC_SCAN_CHARS:
            self._cancel_pending()
            self._apply(_scan(text))
            return
        if self._future is not None:
            self._future.cancel()  # only succeeds while queued; a running one is ignored later
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reelwatch-scan")
        self._future = self._executor.submit(_scan, text)
        self._scanning = True
        self._show_result()
        self._poll.start()

    def _collect_scan(self) -> None:
        future = self._future
        if future is None:
            self._poll.stop()
            return
        if not future.done():
            return
        self._poll.stop()
        self._future = None
        self._apply(future.result())

    def _flush_scan(self) -> None:
        """Bring the result up to date with the text, waiting for it if need be."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._cancel_pending()
            self._apply(_scan(self._edit.toPlainText()))
        elif self._future is not None:
            future, self._future = self._future, None
            self._poll.stop()
            self._apply(future.result())

    def _cancel_pending(self) -> None:
        if self._future is not None:
            self._future.cancel()
            self._future = None
        self._poll.stop()
        self._scanning = False

    def _stop_worker(self) -> None:
        self._debounce.stop()
        self._cancel_pending()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _apply(self, result: Extraction | InputTooLargeError) -> None:
        self._scanning = False
        if isinstance(result, InputTooLargeError):
            self._extraction = Extraction()
            self._scan_error = str(result)
        else:
            self._extraction = result
            self._scan_error = None
        self._show_result()

    def _paste_refused(self, size: int) -> None:
        locale = QLocale()
        self._debounce.stop()
        self._cancel_pending()
        self._extraction = Extraction()
        self._scan_error = self.tr(
            "That paste is too large to scan ({size} characters; the limit is {limit}). "
            "Nothing was pasted: paste a smaller part."
        ).format(size=locale.toString(size), limit=locale.toString(MAX_TEXT_CHARS))
        self._show_result()

    # -- presentation -----------------------------------------------------------------------

    def _show_result(self) -> None:
        locale = QLocale()
        count = len(self._extraction.ids)
        palette = self._summary.palette()
        if self._scanning:
            text = self.tr("Scanning…")
            color = self.palette().color(QPalette.ColorRole.PlaceholderText)
        elif self._scan_error:
            text = self._scan_error
            color = error_color(self)
        else:
            if count == 0:
                text = self.tr("No task id found yet")
            elif count == 1:
                text = self.tr("Found 1 task id")
            else:
                text = self.tr("Found {count} task ids").format(count=locale.toString(count))
            color = self.palette().color(QPalette.ColorRole.WindowText)
        palette.setColor(QPalette.ColorRole.WindowText, color)
        self._summary.setPalette(palette)
        self._summary.setText(text)
        self._fit_height_later()

        ignored = [] if self._scanning or self._scan_error else self._extraction.ignored
        if ignored:
            if len(ignored) == 1:
                label = self.tr("1 line without an id was ignored")
            else:
                label = self.tr("{count} lines without an id were ignored").format(
                    count=locale.toString(len(ignored))
                )
            self._ignored_toggle.setText(label)
            self._ignored.setPlainText(self._ignored_listing(ignored))
        else:
            self._ignored.clear()
        self._ignored_toggle.setVisible(bool(ignored))
        self._update_ignored_visibility()

        if count == 1:
            self._ok.setText(self.tr("Track 1 task"))
        elif count > 1:
            self._ok.setText(self.tr("Track {count} tasks").format(count=locale.toString(count)))
        else:
            self._ok.setText(self.tr("Track tasks"))
        self._update_ok()

    def _ignored_listing(self, ignored: list[tuple[int, str]]) -> str:
        locale = QLocale()
        lines = [
            self.tr("Ignored line {number}: {text}").format(number=number, text=text)
            for number, text in ignored[:MAX_IGNORED_SHOWN]
        ]
        rest = len(ignored) - MAX_IGNORED_SHOWN
        if rest > 0:
            lines.append(self.tr("…and {count} more").format(count=locale.toString(rest)))
        return "\n".join(lines)

    def _fit_ignored_height(self, size: QSizeF) -> None:
        """`size` is in lines for a plain-text document (wrapped lines counted)."""
        rows = min(max(math.ceil(size.height()), 1), _IGNORED_ROWS)
        margin = self._ignored.document().documentMargin()
        self._ignored.setFixedHeight(
            self._ignored.fontMetrics().lineSpacing() * rows
            + 2 * (self._ignored.frameWidth() + math.ceil(margin))
        )

    def _toggle_ignored(self) -> None:
        self._ignored_expanded = not self._ignored_expanded
        self._update_ignored_visibility()

    def _update_ignored_visibility(self) -> None:
        shown = not self._ignored_toggle.isHidden()
        expanded = self._ignored_expanded
        self._ignored_toggle.setArrowType(
            Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow
        )
        self._ignored.setVisible(shown and expanded and bool(self._ignored.toPlainText()))

    def _validate_url(self) -> None:
        text = self._service.currentText()
        palette = self._url_note.palette()
        try:
            normal = normalize_base_url(text)
        except ValueError as exc:
            self._base_url = None
            self._url_note.setText(str(exc))
            palette.setColor(QPalette.ColorRole.WindowText, error_color(self))
        else:
            self._base_url = normal
            if normal != text.strip():
                self._url_note.setText(self.tr("Will use {url}").format(url=normal))
            else:
                self._url_note.setText("")
            palette.setColor(
                QPalette.ColorRole.WindowText,
                self.palette().color(QPalette.ColorRole.PlaceholderText),
            )
        self._url_note.setPalette(palette)
        self._form.setRowVisible(self._url_note, bool(self._url_note.text()))
        self._update_ok()
        self._fit_height_later()

    def _update_ok(self) -> None:
        self._ok.setEnabled(
            bool(self._extraction.ids)
            and not self._scan_error
            and not self._scanning
            and self._base_url is not None
        )
