"""The main window: the task table on the left, the preview on the right.

It shows what the engine knows and forwards what the user asks; it holds no
rule of the API. Everything asynchronous (switching to the demo, shutting
down) is the app's job (`gui.app`); the window asks for it with signals.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reelwatch.api.ids import InputTooLargeError
from reelwatch.api.snapshot import TaskState
from reelwatch.api.urls import normalize_base_url, origin_of
from reelwatch.engine.poller import ServiceChanged, ServiceState, TaskKey
from reelwatch.engine.tracker import (
    Added,
    Changed,
    Removed,
    TaskRecord,
    TrackerEvent,
)
from reelwatch.gui import format as fmt
from reelwatch.gui.banner import Banner
from reelwatch.gui.delegates import ProgressDelegate
from reelwatch.gui.icons import app_icon
from reelwatch.gui.notifier import Notifier
from reelwatch.gui.preview import PreviewPane
from reelwatch.gui.task_model import Column, RecordRole, TaskFilterModel, TaskTableModel
from reelwatch.settings import GEOMETRY, HEADER, NOTIFY, SPLITTER, WINDOW_STATE, Settings

if TYPE_CHECKING:
    from reelwatch.engine.secrets import KeyStore
    from reelwatch.engine.session import Session

_FILTERS: list[tuple[str, set[TaskState | None] | None]] = [
    (QT_TRANSLATE_NOOP("MainWindow", "All tasks"), None),
    (
        QT_TRANSLATE_NOOP("MainWindow", "Unfinished"),
        {None, TaskState.QUEUED, TaskState.RUNNING, TaskState.UNKNOWN},
    ),
    (QT_TRANSLATE_NOOP("MainWindow", "Queued"), {TaskState.QUEUED}),
    (QT_TRANSLATE_NOOP("MainWindow", "Running"), {TaskState.RUNNING}),
    (QT_TRANSLATE_NOOP("MainWindow", "Completed"), {TaskState.COMPLETED}),
    (QT_TRANSLATE_NOOP("MainWindow", "Failed"), {TaskState.FAILED}),
]


class MainWindow(QMainWindow):
    """One window over one session (the user's, or the demo's)."""

    close_requested = Signal()
    demo_requested = Signal(bool)
    settings_applied = Signal()

    def __init__(
        self,
        session: Session,
        settings: Settings,
        keys: KeyStore,
        base_url: str,
        *,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.keys = keys
        self.base_url = base_url
        self.demo = demo
        self._closing = False
        self._undo: list[TaskRecord] = []
        self._shown_key: TaskKey | None = None
        """The task the preview and the actions describe (the current one), kept so that the
        many changes to other tasks are told apart without asking the view every time."""
        self._service_banners: dict[str, Banner] = {}
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self._fit_to_screen(1360, 800)

        self.model = TaskTableModel(session.tracker, self)
        self.proxy = TaskFilterModel(self)
        self.proxy.setSourceModel(self.model)

        self._build_actions()
        self._build_ui()
        self._build_menus()
        self.notifier = Notifier(self, enabled=bool(settings.get(NOTIFY)))
        self.notifier.show_requested.connect(self.bring_to_front)
        self.notifier.quit_requested.connect(self.close)
        self._attach(session)
        self._restore_layout()
        self._refresh_everything()

    # -- construction ------------------------------------------------------

    def _fit_to_screen(self, width: int, height: int) -> None:
        """The first size: roomy, but never larger than the screen (layout restores later)."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, int(available.width() * 0.94))
            height = min(height, int(available.height() * 0.92))
        self.resize(width, height)

    def _action(
        self,
        text: str,
        slot,  # type: ignore[no-untyped-def]
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_add = self._action(
            self.tr("&Add tasks…"),
            self.open_add_dialog,
            "Ctrl+N",
            self.tr("Paste or type task ids to track"),
        )
        self.act_paste = self._action(
            self.tr("&Paste ids"),
            self.paste_clipboard,
            QKeySequence.StandardKey.Paste,
            self.tr("Track every task id found in the clipboard"),
        )
        self.act_refresh = self._action(
            self.tr("&Refresh now"),
            self.refresh_selected,
            "F5",
            self.tr("Check the selected tasks now"),
        )
        self.act_copy_id = self._action(
            self.tr("&Copy id"),
            self.copy_ids,
            QKeySequence.StandardKey.Copy,
            self.tr("Copy the task ids"),
        )
        self.act_copy_link = self._action(
            self.tr("Copy video &link"),
            self.copy_link,
            "Ctrl+Shift+C",
            self.tr("Copy the video's link"),
        )
        self.act_raw = self._action(
            self.tr("Show raw &JSON…"),
            self.show_raw_json,
            "Ctrl+J",
            self.tr("The last answer of the service, as it came"),
        )
        self.act_save = self._action(
            self.tr("&Save video as…"), self.save_video_as, QKeySequence.StandardKey.Save
        )
        self.act_open_folder = self._action(
            self.tr("Open containing &folder"), self.open_folder, "Ctrl+Shift+O"
        )
        self.act_open_link = self._action(
            self.tr("Open link in &browser"), self.open_link, "Ctrl+Shift+B"
        )
        self.act_remove = self._action(
            self.tr("&Remove"),
            self.remove_selected,
            QKeySequence.StandardKey.Delete,
            self.tr("Stop tracking the selected tasks (undoable)"),
        )
        self.act_undo = self._action(
            self.tr("&Undo remove"), self.undo_remove, QKeySequence.StandardKey.Undo
        )
        self.act_settings = self._action(
            self.tr("S&ettings…"), self.open_settings, QKeySequence.StandardKey.Preferences
        )
        if self.act_settings.shortcut().isEmpty():
            self.act_settings.setShortcut(QKeySequence("Ctrl+,"))
        self.act_quit = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        if self.act_quit.shortcut().isEmpty():
            self.act_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.act_find = self._action(
            self.tr("&Find"), self.focus_search, QKeySequence.StandardKey.Find
        )
        self.act_demo = self._action(self.tr("Try the &demo"), self._toggle_demo)
        self.act_about = self._action(self.tr("&About Reelwatch"), self.show_about)
        self.act_play = QAction(self.tr("&Play/Pause"), self)
        self.act_play.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.act_play.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_play.triggered.connect(lambda: self.preview.toggle_play())
        self.act_details = QAction(self.tr("&Details…"), self)
        self.act_details.setShortcuts(
            [QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)]
        )
        self.act_details.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_details.triggered.connect(self.show_raw_json)

    def _build_ui(self) -> None:
        toolbar = QToolBar(self.tr("&Toolbar"), self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.act_add, self.act_paste, None, self.act_refresh, self.act_save,
                       self.act_remove):  # fmt: skip
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)
        spacer = QWidget(toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        show_label = QLabel(self.tr("&Show:"), toolbar)
        show_label.setContentsMargins(0, 0, 4, 0)
        toolbar.addWidget(show_label)
        self.filter_combo = QComboBox(toolbar)
        show_label.setBuddy(self.filter_combo)
        self.filter_combo.setAccessibleName(self.tr("Show tasks"))
        self.filter_combo.setToolTip(self.tr("Show only tasks in a state"))
        for label, _ in _FILTERS:
            self.filter_combo.addItem(self.tr(label))
        self.filter_combo.currentIndexChanged.connect(self._apply_filter)
        toolbar.addWidget(self.filter_combo)
        self.search = QLineEdit(toolbar)
        self.search.setPlaceholderText(self.tr("Search id or prompt"))
        self.search.setAccessibleName(self.tr("Search tasks"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.search.textChanged.connect(self.proxy.set_search)
        toolbar.addWidget(self.search)
        toolbar.addSeparator()
        toolbar.addAction(self.act_settings)
        self.addToolBar(toolbar)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setObjectName("taskTable")
        self.table.setAccessibleName(self.tr("Tracked tasks"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # No sort column until the user picks one (rows in the order they were added). The
        # indicator is cleared first: enabling sorting sorts by the current indicator, which
        # is column 0 by default, i.e. a sort of every row (90 ms for 1,000 tasks) undone at
        # once by the line after.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.table))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.addAction(self.act_details)
        self.model.visible_rows = self._rows_on_screen
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.PROMPT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        widths = {Column.ID: 150, Column.MODEL: 70, Column.STATE: 104, Column.PROGRESS: 84,
                  Column.QUEUE: 84, Column.ELAPSED: 72, Column.UPDATED: 76,
                  Column.RESULT: 132}  # fmt: skip
        for column, width in widths.items():
            header.resizeSection(column, width)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.empty = self._build_empty_state()
        self.left = QStackedWidget(self)
        self.left.addWidget(self.empty)
        self.left.addWidget(self.table)

        self.preview = PreviewPane(self)
        self.preview.addAction(self.act_play)
        self.table.addAction(self.act_play)
        # Under a playing video: what it is (the details page is not shown then).
        self.video_info = QLabel(self)
        self.video_info.setObjectName("videoInfo")
        self.video_info.setWordWrap(True)
        self.video_info.setTextFormat(Qt.TextFormat.PlainText)
        self.video_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.video_info.setContentsMargins(10, 8, 10, 4)
        self.video_info.hide()
        self.right = QWidget(self)
        right_layout = QVBoxLayout(self.right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(self.video_info)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([950, 410])

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.setSpacing(6)
        self.banners = QVBoxLayout()
        self.banners.setSpacing(4)
        layout.addLayout(self.banners)
        self.demo_banner = self._add_banner("info")
        self.notice_banner = self._add_banner("info")
        self.undo_banner = self._add_banner("info")
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status_counts = QLabel(self)
        self.status_counts.setContentsMargins(0, 0, 8, 0)
        self.statusBar().addPermanentWidget(self.status_counts)
        # Tab goes where the eye goes: the list, the preview, then search and filter.
        QWidget.setTabOrder(self.table, self.preview)
        QWidget.setTabOrder(self.preview, self.search)
        QWidget.setTabOrder(self.search, self.filter_combo)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(15000)
        self._undo_timer.timeout.connect(self.undo_banner.hide)

    def _build_empty_state(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("emptyState")
        outer = QVBoxLayout(page)
        outer.addStretch(2)
        icon = QLabel(page)
        icon.setPixmap(app_icon().pixmap(88, 88))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(icon)
        self.empty_title = QLabel(self.tr("No tasks yet"), page)
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.empty_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.empty_title.setFont(font)
        outer.addWidget(self.empty_title)
        text = QLabel(
            self.tr(
                "Paste task ids with Ctrl+V, drop text on this window, or add them by hand.\n"
                "Reelwatch checks every job, saves each video the moment it is ready, "
                "and plays it here."
            ),
            page,
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setFixedWidth(480)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(text)
        row.addStretch(1)
        outer.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        add = QPushButton(self.tr("Add tasks…"), page)
        add.setDefault(True)
        add.clicked.connect(self.open_add_dialog)
        paste = QPushButton(self.tr("Paste from clipboard"), page)
        paste.clicked.connect(self.paste_clipboard)
        self.empty_demo = QPushButton(self.tr("Try the demo"), page)
        self.empty_demo.clicked.connect(lambda: self.demo_requested.emit(True))
        for button in (add, paste, self.empty_demo):
            buttons.addWidget(button)
        buttons.addStretch(1)
        outer.addSpacing(12)
        outer.addLayout(buttons)
        outer.addStretch(3)
        return page

    def _add_banner(self, kind: str) -> Banner:
        banner = Banner(kind, self)
        banner.hide()
        self.banners.addWidget(banner)
        return banner

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        for action in (self.act_add, self.act_paste, None, self.act_settings, None, self.act_quit):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        self.task_menu = bar.addMenu(self.tr("&Task"))
        self._fill_task_menu(self.task_menu)
        view = bar.addMenu(self.tr("&View"))
        view.addAction(self.act_find)
        view.addAction(self.act_play)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.act_demo)
        help_menu.addAction(self.act_about)

    def _fill_task_menu(self, menu: QMenu) -> None:
        for action in (
            self.act_refresh, self.act_details, None, self.act_copy_id, self.act_copy_link,
            self.act_raw, None, self.act_save, self.act_open_folder, self.act_open_link, None,
            self.act_remove, self.act_undo,
        ):  # fmt: skip
            menu.addSeparator() if action is None else menu.addAction(action)

    # -- session -----------------------------------------------------------

    def _attach(self, session: Session) -> None:
        session.tracker.subscribe(self._on_tracker_event)
        session.tracker.subscribe(self.notifier.on_event)

    def set_session(self, session: Session, base_url: str, *, demo: bool) -> None:
        """Show another session (entering or leaving the demo)."""
        self.session = session
        self.base_url = base_url
        self.demo = demo
        self._undo = []
        self.undo_banner.hide()
        for banner in self._service_banners.values():
            banner.hide()
        self.preview.clear()
        self.model.set_tracker(session.tracker)
        self._attach(session)
        self._refresh_everything()

    def _refresh_everything(self) -> None:
        records = self.session.tracker.records()
        if records and self._selected_key() is None:
            self.select_task(records[0].key)
            self.table.setFocus()
        self._update_demo_banner()
        self._update_counts()
        self._update_actions()
        self._update_preview()

    def _update_demo_banner(self) -> None:
        self.act_demo.setText(self.tr("Leave the &demo") if self.demo else self.tr("Try the &demo"))
        self.empty_demo.setVisible(not self.demo)
        if self.demo:
            self.demo_banner.show_message(
                self.tr(
                    "You are looking at the demo: these tasks come from a small service "
                    "running on this computer. Your own tasks are kept apart."
                ),
                "info",
                [
                    (self.tr("Enter API key…"), self.open_settings),
                    (self.tr("Leave the demo"), lambda: self.demo_requested.emit(False)),
                ],
            )
        else:
            self.demo_banner.hide()

    def show_notice(self, text: str, kind: str = "warning") -> None:
        """A message that stays until dismissed (e.g. the task list was recovered)."""
        self.notice_banner.show_message(text, kind)

    # -- tracker events ----------------------------------------------------

    def _on_tracker_event(self, event: TrackerEvent) -> None:
        if isinstance(event, ServiceChanged):
            self._on_service(event)
            return
        if isinstance(event, Added | Removed):
            self._update_counts()  # the user's own action: at once
            self._update_actions()
            if isinstance(event, Added) and self._selected_key() is None:
                self.select_task(event.records[0].key)
            if isinstance(event, Removed):
                self._update_preview()
        elif isinstance(event, Changed):
            was_finished = event.previous_state is not None and event.previous_state.terminal
            if "snapshot" in event.fields and was_finished != event.record.terminal:
                self._update_counts()  # counts change only when a task finishes (or restarts)
            if event.record.key == self._shown_key:
                self._update_preview()
                self._update_actions()

    def _on_service(self, event: ServiceChanged) -> None:
        banner = self._service_banners.get(event.base_url)
        if banner is None:
            banner = self._add_banner("warning")
            self._service_banners[event.base_url] = banner
        host = origin_of(event.base_url).split("://", 1)[1].removesuffix(":443")
        if event.state is ServiceState.OK:
            banner.hide()
        elif event.state is ServiceState.AUTH:
            banner.show_message(
                self.tr("{host}: {message} Checks are paused until a new key is entered.").format(
                    host=host, message=event.message
                ),
                "error",
                [(self.tr("Enter API key…"), self.open_settings)],
            )
        elif event.state is ServiceState.OFFLINE:
            banner.show_message(
                self.tr("Can't reach {host}: {message} Retrying by itself.").format(
                    host=host, message=event.message
                ),
                "warning",
            )
        else:
            wait = fmt.duration(event.resume_in or 0)
            banner.show_message(
                self.tr("{host} asked to slow down: {message} Checks resume in {wait}.").format(
                    host=host, message=event.message, wait=wait
                ),
                "warning",
            )

    def _update_counts(self) -> None:
        done, total = self.session.tracker.counts()
        name = self.tr("Reelwatch (demo)") if self.demo else self.tr("Reelwatch")
        title = (
            name
            if total == 0
            else self.tr("{name} — {done}/{total} done").format(name=name, done=done, total=total)
        )
        self.setWindowTitle(title)
        self.left.setCurrentWidget(self.table if total else self.empty)
        self.right.setVisible(bool(total))  # nothing to preview: the welcome gets the room
        unfinished = total - done
        interval = fmt.duration(self.session.poller.settings.interval)
        if unfinished:
            text = self.tr("{n} unfinished · checking every {interval}").format(
                n=unfinished, interval=interval
            )
        elif total:
            text = self.tr("All tasks finished")
        else:
            text = ""
        self.status_counts.setText(text)

    # -- selection and preview ----------------------------------------------

    def selected_records(self) -> list[TaskRecord]:
        rows = self.table.selectionModel().selectedRows()
        records = [self.proxy.data(index, RecordRole) for index in rows]
        return [record for record in records if isinstance(record, TaskRecord)]

    def _rows_on_screen(self) -> list[int]:
        """The model's rows the table shows now (none while the window is hidden)."""
        table = self.table
        if not table.isVisible() or self.isMinimized():
            return []
        first = table.rowAt(0)
        if first < 0:
            return []
        last = table.rowAt(table.viewport().height() - 1)
        if last < 0:
            last = self.proxy.rowCount() - 1
        proxy = self.proxy
        return [proxy.mapToSource(proxy.index(row, 0)).row() for row in range(first, last + 1)]

    def _selected_key(self) -> TaskKey | None:
        current = self.table.selectionModel().currentIndex()
        if not current.isValid():
            records = self.selected_records()
            return records[0].key if records else None
        record = self.proxy.data(current, RecordRole)
        return record.key if isinstance(record, TaskRecord) else None

    def current_record(self) -> TaskRecord | None:
        key = self._selected_key()
        return self.session.tracker.get(key) if key else None

    def select_task(self, key: TaskKey) -> None:
        row = self.model.row_of(key)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def _on_selection(self, *_: object) -> None:
        self._update_actions()
        self._update_preview()

    def _update_preview(self) -> None:
        record = self.current_record()
        self._shown_key = record.key if record is not None else None
        if record is None:
            if self.session.tracker.records():
                self.preview.show_message(
                    self.tr("Select a task"),
                    self.tr("Its details appear here, and its video once it is ready."),
                )
            else:
                self.preview.show_message(
                    self.tr("Nothing to show yet"),
                    self.tr("Videos play here as soon as they are downloaded."),
                )
            return
        title = fmt.short_id(record.task_id, 48)
        playing = record.delivered and record.file is not None and Path(record.file).is_file()
        self.video_info.setVisible(playing)
        if playing:
            assert record.file is not None
            if self.preview.current_path != Path(record.file).absolute():
                self.preview.show_video(Path(record.file), title)
            self.video_info.setText(fmt.video_summary(record))
            return
        if record.delivered and record.file:
            self.preview.show_message(
                self.tr("The video file is missing"),
                self.tr("{path} no longer exists. Use Refresh to download it again.").format(
                    path=record.file
                ),
            )
            return
        self.preview.show_details(title, fmt.detail_rows(record))

    def _update_actions(self) -> None:
        records = self.selected_records()
        single = records[0] if len(records) == 1 else None
        some = bool(records)
        for action in (self.act_refresh, self.act_copy_id, self.act_remove):
            action.setEnabled(some)
        has_link = bool(single and single.snapshot and single.snapshot.video_url)
        self.act_copy_link.setEnabled(has_link)
        self.act_open_link.setEnabled(has_link)
        self.act_raw.setEnabled(bool(single and single.snapshot))
        self.act_details.setEnabled(bool(single and single.snapshot))
        self.act_save.setEnabled(bool(single and single.state is TaskState.COMPLETED))
        self.act_open_folder.setEnabled(bool(single and single.file))
        self.act_undo.setEnabled(bool(self._undo))

    # -- adding --------------------------------------------------------------

    def add_text(self, text: str, base_url: str | None = None, *, source: str = "") -> int:
        """Track the ids found in `text`; says what happened in the status bar."""
        service = base_url or self.base_url
        try:
            pasted = self.session.add_text(text, service)
        except InputTooLargeError as exc:
            self.show_notice(str(exc), "error")
            return 0
        except ValueError as exc:
            self.show_notice(str(exc), "error")
            return 0
        found = pasted.extraction.ids
        added = pasted.outcome.added
        duplicates = pasted.outcome.duplicates
        parts: list[str] = []
        if not found:
            where = source or self.tr("the text")
            parts.append(self.tr("No task id found in {where}.").format(where=where))
        if added:
            parts.append(
                self._plural(
                    len(added), self.tr("Tracking 1 new task."), self.tr("Tracking {n} new tasks.")
                )
            )
        if duplicates:
            parts.append(
                self._plural(
                    len(duplicates),
                    self.tr("1 already tracked, ignored."),
                    self.tr("{n} already tracked, ignored."),
                )
            )
        ignored = len(pasted.extraction.ignored)
        if ignored and found:
            parts.append(
                self._plural(
                    ignored,
                    self.tr("1 line without an id skipped."),
                    self.tr("{n} lines without an id skipped."),
                )
            )
        self.statusBar().showMessage(" ".join(parts), 10000)
        if added:
            self.select_task(added[0].key)
        elif duplicates:
            self.select_task((normalize_base_url(service), duplicates[0]))
        return len(added)

    @staticmethod
    def _plural(n: int, one: str, many: str) -> str:
        """Both forms go through tr(), so each language words them its own way."""
        return one if n == 1 else many.format(n=n)

    def add_ids(self, ids: list[str], base_url: str) -> None:
        self.add_text("\n".join(ids), base_url)

    def paste_clipboard(self) -> None:
        focus = self.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.paste()
            return
        text = QGuiApplication.clipboard().text()
        self.add_text(text, source=self.tr("the clipboard"))

    def open_add_dialog(self) -> None:
        from reelwatch.gui.add_dialog import AddTasksDialog

        dialog = AddTasksDialog(self.settings.services(), self.base_url, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.tasks_submitted.connect(self.add_ids)
        dialog.open()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if event.mimeData().hasText():
            event.acceptProposedAction()
            self.add_text(event.mimeData().text(), source=self.tr("the dropped text"))

    # -- per-task actions ------------------------------------------------------

    def refresh_selected(self) -> None:
        for record in self.selected_records():
            self.session.refresh(record.key)
        self.statusBar().showMessage(self.tr("Checking now…"), 3000)

    def copy_ids(self) -> None:
        focus = self.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.copy()
            return
        ids = [record.task_id for record in self.selected_records()]
        if ids:
            QGuiApplication.clipboard().setText("\n".join(ids))
            self.statusBar().showMessage(
                self._plural(len(ids), self.tr("Copied 1 id."), self.tr("Copied {n} ids.")), 3000
            )

    def copy_link(self) -> None:
        record = self.current_record()
        if record and record.snapshot and record.snapshot.video_url:
            QGuiApplication.clipboard().setText(record.snapshot.video_url)
            self.statusBar().showMessage(self.tr("Copied the video link."), 3000)

    def open_link(self) -> None:
        record = self.current_record()
        if record and record.snapshot and record.snapshot.video_url:
            QDesktopServices.openUrl(QUrl(record.snapshot.video_url))

    def open_folder(self) -> None:
        record = self.current_record()
        if record and record.file:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(record.file).parent)))

    def show_raw_json(self) -> None:
        record = self.current_record()
        if record is None or record.snapshot is None:
            return
        from reelwatch.gui.raw_json_dialog import RawJsonDialog

        dialog = RawJsonDialog(record.task_id, record.snapshot.raw, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def save_video_as(self) -> None:
        record = self.current_record()
        if record is None or record.state is not TaskState.COMPLETED:
            return
        from reelwatch.engine.downloads import file_name_for

        dialog = QFileDialog(self, self.tr("Save video as"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("MP4 video (*.mp4)"))
        dialog.setDefaultSuffix("mp4")
        dialog.selectFile(file_name_for(record.task_id))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path, key=record.key: self._save_to(key, Path(path)))
        dialog.open()

    def _save_to(self, key: TaskKey, target: Path) -> None:
        record = self.session.tracker.get(key)
        if record is None:
            return
        if record.file and Path(record.file).is_file():
            try:
                shutil.copy2(record.file, target)
            except OSError as exc:
                self.show_notice(
                    self.tr("Could not save the video to {path}: {reason}").format(
                        path=target, reason=exc.strerror or exc
                    ),
                    "error",
                )
                return
            self.statusBar().showMessage(self.tr("Saved {path}").format(path=target), 5000)
        else:
            self.session.downloader.start(record, target)
            self.statusBar().showMessage(
                self.tr("Downloading to {path}…").format(path=target), 5000
            )

    def remove_selected(self) -> None:
        focus = self.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.del_()
            return
        records = self.selected_records()
        if not records:
            return
        removed = self.session.remove([record.key for record in records])
        self._undo = removed
        self.undo_banner.show_message(
            self._plural(
                len(removed),
                self.tr("Stopped tracking 1 task. Its video stays on disk."),
                self.tr("Stopped tracking {n} tasks. Their videos stay on disk."),
            ),
            "info",
            [(self.tr("Undo"), self.undo_remove)],
        )
        self._undo_timer.start()
        self._update_actions()

    def undo_remove(self) -> None:
        if not self._undo:
            return
        restored = self.session.restore(self._undo)
        self._undo = []
        self.undo_banner.hide()
        if restored:
            self.select_task(restored[0].key)
        self._update_actions()

    def _on_double_click(self, index: QModelIndex) -> None:
        record = self.proxy.data(index, RecordRole)
        if isinstance(record, TaskRecord) and record.delivered:
            self.preview.toggle_fullscreen()
        elif isinstance(record, TaskRecord) and record.snapshot is not None:
            self.show_raw_json()

    def _context_menu(self, position) -> None:  # type: ignore[no-untyped-def]
        menu = QMenu(self)
        self._fill_task_menu(menu)
        menu.popup(self.table.viewport().mapToGlobal(position))

    # -- other actions -----------------------------------------------------------

    def _apply_filter(self, index: int) -> None:
        self.proxy.set_states(_FILTERS[index][1])

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def open_settings(self) -> None:
        from reelwatch.gui.settings_dialog import SettingsDialog

        # In the demo, settings are about the user's own service, not the demo's port.
        service = self.settings.base_url() if self.demo else self.base_url
        dialog = SettingsDialog(self.settings, self.keys, service, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.key_changed.connect(self._on_key_changed)
        dialog.settings_changed.connect(self.settings_applied)
        dialog.open()

    def _on_key_changed(self, base_url: str, key: object) -> None:
        if self.demo and key:
            self.demo_requested.emit(False)
            return
        self.session.set_key(base_url, key if isinstance(key, str) else None)

    def _toggle_demo(self) -> None:
        self.demo_requested.emit(not self.demo)

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from reelwatch import __version__

        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About Reelwatch"))
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setText(self.tr("<b>Reelwatch {version}</b>").format(version=__version__))
        box.setInformativeText(
            self.tr(
                "Watches video generation jobs on any service that speaks the OpenAI "
                "video format, saves each video when it is ready and plays it here."
            )
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    # -- layout persistence and closing -----------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.get(GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        state = self.settings.get(WINDOW_STATE)
        if state:
            self.restoreState(QByteArray(state))
        splitter = self.settings.get(SPLITTER)
        if splitter:
            self.splitter.restoreState(QByteArray(splitter))
        header = self.settings.get(HEADER)
        if header:
            self.table.horizontalHeader().restoreState(QByteArray(header))

    def save_layout(self) -> None:
        self.settings.set(GEOMETRY, self.saveGeometry().data())
        self.settings.set(WINDOW_STATE, self.saveState().data())
        self.settings.set(SPLITTER, self.splitter.saveState().data())
        self.settings.set(HEADER, self.table.horizontalHeader().saveState().data())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout and let the app shut the engine down (it owns the loop)."""
        if not self._closing:
            self._closing = True
            with contextlib.suppress(RuntimeError):
                self.save_layout()
            self.notifier.close()
            self.preview.shutdown()
            self.close_requested.emit()
        event.accept()
