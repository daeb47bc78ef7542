"""The settings dialog: service, its API key, polling, downloads, notifications.

Nothing is applied until OK, so Cancel always leaves everything as it was (a "Forget key" click
is only a pending change until then). Built for `open()` and signals, never `exec()`: the app
runs on a qasync loop. The outcome is announced with `key_changed` and `settings_changed`.

The API key is handled only through `KeyStore`: never shown (an existing key leaves the field
empty with a placeholder), never logged, never put in QSettings. When no keyring can hold it,
the dialog says so up-front and keeps a typed key in memory for this session only. If the
keyring fails only when saving, the key is kept for the session as well and the dialog stays
open to say so, with OK turned into Close.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from reelwatch.api.urls import normalize_base_url
from reelwatch.engine.secrets import ENV_VAR, KeyLookup, KeyringUnavailableError, KeyStore
from reelwatch.gui.translations import LANGUAGES
from reelwatch.gui.widgets import WrappedFrame, WrappedLabel, error_color
from reelwatch.settings import (
    AUTO_DOWNLOAD,
    BASE_URL,
    DOWNLOAD_DIR,
    INTERVAL,
    LANGUAGE,
    MAX_RATE,
    NOTIFY,
    SERVICES,
    Settings,
)

#: Seconds between two polls of one task: the range the spin box offers.
INTERVAL_RANGE = (1, 3600)
#: Requests per second; 0 means no limit.
MAX_RATE_RANGE = (0.0, 100.0)
_KEY_REFRESH_MS = 300
_PLAIN_SELECTABLE = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)


def _eye_icon(color: QColor, crossed: bool) -> QIcon:
    """An eye (struck through for "hide"): drawn, because icon themes are often missing."""
    icon = QIcon()
    for size in (16, 32):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size / 16, size / 16)
        painter.setPen(QPen(color, 1.3))
        outline = QPainterPath(QPointF(1.5, 8))
        outline.quadTo(QPointF(8, 1), QPointF(14.5, 8))
        outline.quadTo(QPointF(8, 15), QPointF(1.5, 8))
        painter.drawPath(outline)
        painter.setBrush(color)
        painter.drawEllipse(QRectF(5.6, 5.6, 4.8, 4.8))
        if crossed:
            painter.setPen(QPen(color, 1.6))
            painter.drawLine(QPointF(2.5, 13.5), QPointF(13.5, 2.5))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class SettingsDialog(QDialog):
    """Edit the settings and the service's API key; applied on OK."""

    key_changed = Signal(str, object)
    """(normalized base URL, the new key, or None when it was forgotten)."""
    settings_changed = Signal()
    """The settings file was written; re-read what you use."""

    def __init__(
        self, settings: Settings, keys: KeyStore, base_url: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._keys = keys
        self._base_url: str | None = None
        self._lookup = KeyLookup(None, None)
        self._lookup_url: str | None = None
        self._applied = False

        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(600)

        self._key_refresh = QTimer(self, singleShot=True, interval=_KEY_REFRESH_MS)
        self._key_refresh.timeout.connect(self._refresh_key_section)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        forms = [
            self._build_service(layout, base_url),
            self._build_key(layout),
            self._build_polling(layout),
            self._build_downloads(layout),
            self._build_notifications(layout),
            self._build_language(layout),
        ]
        self._align_labels(forms)
        layout.addStretch(1)

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self._ok: QPushButton = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setObjectName("ok")
        self._cancel: QPushButton = self._buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout.addWidget(self._buttons)

        self._validate_url()
        self._refresh_key_section()

    # -- construction -----------------------------------------------------------------------

    @staticmethod
    def _form(group: QGroupBox) -> QFormLayout:
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(8)
        return form

    def _note(self, name: str) -> QLabel:
        label = WrappedLabel(self)
        label.setObjectName(name)
        label.setTextInteractionFlags(_PLAIN_SELECTABLE)
        return label

    def _build_service(self, layout: QVBoxLayout, base_url: str) -> QFormLayout:
        group = QGroupBox(self.tr("Service"), self)
        form = self._form(group)
        self._service = QComboBox(group)
        self._service.setObjectName("service")
        self._service.setEditable(True)
        self._service.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._service.setAccessibleName(self.tr("Service URL"))
        self._service.setToolTip(
            self.tr("The base URL of the OpenAI-format video API, e.g. https://api.example.com")
        )
        self._service.setMinimumContentsLength(28)
        self._service.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        for url in self._settings.services():
            self._service.addItem(url)
        if base_url and self._service.findText(base_url) < 0:
            self._service.insertItem(0, base_url)
        self._service.setCurrentText(base_url)
        self._service.editTextChanged.connect(self._service_edited)
        self._service.currentIndexChanged.connect(self._service_picked)
        self._url_note = self._note("urlNote")
        form.addRow(self.tr("Service &URL:"), self._service)
        form.addRow("", self._url_note)
        self._service_form = form
        layout.addWidget(group)
        return form

    def _build_key(self, layout: QVBoxLayout) -> QFormLayout:
        group = QGroupBox(self.tr("API key"), self)
        form = self._form(group)
        self._key = QLineEdit(group)
        self._key.setObjectName("apiKey")
        self._key.setEchoMode(QLineEdit.EchoMode.Password)
        self._key.setAccessibleName(self.tr("API key"))
        self._key.setToolTip(
            self.tr("The key is saved in the system keyring, never in the settings file")
        )
        self._key.setClearButtonEnabled(False)
        self._key.textEdited.connect(self._key_edited)
        text_color = self.palette().color(QPalette.ColorRole.Text)
        self._show_icon = _eye_icon(text_color, crossed=False)
        self._hide_icon = _eye_icon(text_color, crossed=True)
        self._reveal = QAction(self._show_icon, self.tr("Show key"), self._key)
        self._reveal.setObjectName("revealKey")
        self._reveal.setCheckable(True)
        self._reveal.setToolTip(self.tr("Show the typed key"))
        self._reveal.toggled.connect(self._toggle_reveal)
        self._key.addAction(self._reveal, QLineEdit.ActionPosition.TrailingPosition)

        self._forget = QPushButton(self.tr("&Forget key"), group)
        self._forget.setObjectName("forgetKey")
        self._forget.setCheckable(True)
        self._forget.setToolTip(self.tr("Remove the stored key of this service when you press OK"))
        self._forget.toggled.connect(self._forget_toggled)

        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self._key, 1)
        row.addWidget(self._forget)
        form.addRow(self.tr("API &key:"), row)
        label = form.labelForField(row)
        if isinstance(label, QLabel):
            label.setBuddy(self._key)

        self._key_status = self._note("keyStatus")
        form.addRow("", self._key_status)

        self._warning = WrappedFrame(group)
        self._warning.setObjectName("keyWarning")
        self._warning.setFrameShape(QFrame.Shape.StyledPanel)
        warning_layout = QHBoxLayout(self._warning)
        warning_layout.setContentsMargins(8, 8, 8, 8)
        warning_layout.setSpacing(8)
        icon = QLabel(self._warning)
        extent = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(
            self.style()
            .standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            .pixmap(QSize(extent, extent))
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        icon.setAccessibleName(self.tr("Warning"))
        self._warning_text = self._note("keyWarningText")
        self._warning_text.setParent(self._warning)
        warning_layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        warning_layout.addWidget(self._warning_text, 1)
        form.addRow("", self._warning)
        self._key_form = form
        layout.addWidget(group)
        return form

    def _build_polling(self, layout: QVBoxLayout) -> QFormLayout:
        group = QGroupBox(self.tr("Polling"), self)
        form = self._form(group)
        self._interval = QSpinBox(group)
        self._interval.setObjectName("interval")
        self._interval.setRange(*INTERVAL_RANGE)
        self._interval.setSuffix(self.tr(" s"))
        self._interval.setValue(round(self._settings.interval()))
        self._interval.setAccessibleName(self.tr("Polling interval in seconds"))
        self._interval.setToolTip(self.tr("How long to wait between two status checks of one task"))
        self._max_rate = QDoubleSpinBox(group)
        self._max_rate.setObjectName("maxRate")
        self._max_rate.setRange(*MAX_RATE_RANGE)
        self._max_rate.setDecimals(1)
        self._max_rate.setSingleStep(0.5)
        self._max_rate.setSuffix(self.tr(" per second"))
        self._max_rate.setSpecialValueText(self.tr("No limit"))
        self._max_rate.setValue(self._settings.max_rate())
        self._max_rate.setAccessibleName(self.tr("Maximum requests per second"))
        self._max_rate.setToolTip(
            self.tr("Spread status checks so the service never sees more than this; 0 = no limit")
        )
        for spin in (self._interval, self._max_rate):
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            spin.setMinimumWidth(150)
        form.addRow(self.tr("Check &every:"), self._interval)
        form.addRow(self.tr("&Max requests:"), self._max_rate)
        layout.addWidget(group)
        return form

    def _build_downloads(self, layout: QVBoxLayout) -> QFormLayout:
        group = QGroupBox(self.tr("Downloads"), self)
        form = self._form(group)
        self._folder = QLineEdit(group)
        self._folder.setObjectName("downloadDir")
        self._folder.setText(self._settings.get(DOWNLOAD_DIR))
        self._folder.setPlaceholderText(str(self._settings.download_dir()))
        self._folder.setAccessibleName(self.tr("Download folder"))
        self._folder.setToolTip(self.tr("Where finished videos are saved; empty = the default"))
        self._folder.setMinimumWidth(240)
        self._choose = QPushButton(self.tr("C&hoose…"), group)
        self._choose.setObjectName("chooseFolder")
        self._choose.setToolTip(self.tr("Pick the download folder"))
        self._choose.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self._folder, 1)
        row.addWidget(self._choose)
        form.addRow(self.tr("F&older:"), row)
        label = form.labelForField(row)
        if isinstance(label, QLabel):
            label.setBuddy(self._folder)
        self._auto_download = QCheckBox(self.tr("&Download finished videos automatically"), group)
        self._auto_download.setObjectName("autoDownload")
        self._auto_download.setChecked(self._settings.get(AUTO_DOWNLOAD))
        self._auto_download.setToolTip(
            self.tr("Save each video to the folder as soon as its task completes")
        )
        form.addRow("", self._auto_download)
        layout.addWidget(group)
        return form

    def _build_notifications(self, layout: QVBoxLayout) -> QFormLayout:
        group = QGroupBox(self.tr("Notifications"), self)
        form = self._form(group)
        self._notify = QCheckBox(self.tr("&Notify me when a task finishes or fails"), group)
        self._notify.setObjectName("notify")
        self._notify.setChecked(self._settings.get(NOTIFY))
        self._notify.setToolTip(self.tr("Show a desktop notification for finished tasks"))
        form.addRow("", self._notify)
        layout.addWidget(group)
        return form

    def _build_language(self, layout: QVBoxLayout) -> QFormLayout:
        group = QGroupBox(self.tr("Language"), self)
        form = self._form(group)
        self._language = QComboBox(group)
        self._language.setObjectName("language")
        # Each language is named in itself, so anyone can find their own.
        for code, name in LANGUAGES:
            label = self.tr("System default") if not code else name
            self._language.addItem(label, code)
        current = self._language.findData(self._settings.get(LANGUAGE))
        self._language.setCurrentIndex(max(0, current))
        self._language.setToolTip(self.tr("Takes effect the next time Reelwatch starts"))
        form.addRow(self.tr("&Language:"), self._language)
        layout.addWidget(group)
        return form

    @staticmethod
    def _align_labels(forms: list[QFormLayout]) -> None:
        """Give every label column the same width, so the groups line up."""
        labels: list[QWidget] = []
        for form in forms:
            for row in range(form.rowCount()):
                item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                if item is not None and item.widget() is not None:
                    labels.append(item.widget())
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)

    # -- public API -------------------------------------------------------------------------

    def base_url(self) -> str | None:
        """The normalized service URL, or None while the entry is invalid."""
        return self._base_url

    def accept(self) -> None:
        """Write the settings, store or forget the key, announce; close unless there is news."""
        if self._applied:
            super().accept()
            return
        url = self._base_url
        if url is None:
            self._service.setFocus()
            return
        self._key_refresh.stop()
        if self._lookup_url != url:
            self._refresh_key_section()
        self._write_settings(url)
        can_close = self._apply_key(url)
        self.settings_changed.emit()
        if can_close:
            super().accept()
            return
        # The user must read what happened to the key. Everything is already applied, so the
        # inputs are locked (later edits would be lost) and OK becomes Close.
        self._applied = True
        self._key_refresh.stop()
        for widget in (
            self._service,
            self._key,
            self._forget,
            self._interval,
            self._max_rate,
            self._folder,
            self._choose,
            self._auto_download,
            self._notify,
            self._language,
        ):
            widget.setEnabled(False)
        self._ok.setText(self.tr("Close"))
        self._cancel.hide()
        self._ok.setFocus()

    # -- applying ---------------------------------------------------------------------------

    def _write_settings(self, url: str) -> None:
        known = [url]
        for index in range(self._service.count()):
            try:
                normal = normalize_base_url(self._service.itemText(index))
            except ValueError:
                continue
            if normal not in known:
                known.append(normal)
        settings = self._settings
        settings.set(BASE_URL, url)
        settings.set(SERVICES, known)
        settings.set(INTERVAL, float(self._interval.value()))
        settings.set(MAX_RATE, float(self._max_rate.value()))
        settings.set(DOWNLOAD_DIR, self._folder.text().strip())
        settings.set(AUTO_DOWNLOAD, self._auto_download.isChecked())
        settings.set(NOTIFY, self._notify.isChecked())
        settings.set(LANGUAGE, self._language.currentData() or "")
        settings.sync()

    def _apply_key(self, url: str) -> bool:
        """Store or forget the key; False when the user must be told something first."""
        if self._lookup.source == "env":
            return True
        typed = self._key.text().strip()
        if typed:
            usable, _why = self._keys.available()
            if not usable:  # the warning has been on screen all along
                self._keys.keep_for_session(url, typed)
                self.key_changed.emit(url, typed)
                return True
            try:
                self._keys.store(url, typed)
            except KeyringUnavailableError as exc:
                self._keys.keep_for_session(url, typed)
                self.key_changed.emit(url, typed)
                self._after_key_change()
                self._show_warning(
                    self.tr(
                        "{reason}\n\nThe key could not be saved. It is kept for this session "
                        "only and must be entered again after Reelwatch restarts."
                    ).format(reason=str(exc))
                )
                return False
            self.key_changed.emit(url, typed)
            return True
        if self._forget.isChecked():
            try:
                self._keys.delete(url)
            except KeyringUnavailableError as exc:
                self._show_warning(
                    self.tr("{reason}\n\nThe stored key could not be removed.").format(
                        reason=str(exc)
                    )
                )
                return False
            self.key_changed.emit(url, None)
        return True

    def _after_key_change(self) -> None:
        self._key.clear()
        self._forget.setChecked(False)
        self._refresh_key_section()

    # -- reactions --------------------------------------------------------------------------

    def _service_edited(self, _text: str) -> None:
        self._validate_url()
        self._key_refresh.start()

    def _service_picked(self, _index: int) -> None:
        self._validate_url()
        self._key_refresh.stop()
        self._refresh_key_section()

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
            self._url_note.setText(
                self.tr("Will use {url}").format(url=normal) if normal != text.strip() else ""
            )
            palette.setColor(
                QPalette.ColorRole.WindowText,
                self.palette().color(QPalette.ColorRole.PlaceholderText),
            )
        self._url_note.setPalette(palette)
        self._service_form.setRowVisible(self._url_note, bool(self._url_note.text()))
        self._fit_height_later()
        if hasattr(self, "_ok"):
            self._ok.setEnabled(self._base_url is not None)

    def _key_edited(self, text: str) -> None:
        if text and self._forget.isChecked():
            self._forget.setChecked(False)

    def _toggle_reveal(self, shown: bool) -> None:
        self._key.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self._reveal.setIcon(self._hide_icon if shown else self._show_icon)
        self._reveal.setText(self.tr("Hide key") if shown else self.tr("Show key"))
        self._reveal.setToolTip(
            self.tr("Hide the typed key") if shown else self.tr("Show the typed key")
        )

    def _forget_toggled(self, checked: bool) -> None:
        if checked:
            self._key.clear()
        self._update_key_status()

    def _choose_folder(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose the download folder"))
        dialog.setObjectName("folderDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setDirectory(self._folder.text().strip() or self._folder.placeholderText())
        dialog.fileSelected.connect(self._folder.setText)
        dialog.open()

    # -- the key section --------------------------------------------------------------------

    def _refresh_key_section(self) -> None:
        """Look up where the key of the chosen service lives and say so."""
        url = self._base_url
        if url != self._lookup_url and self._forget.isChecked():
            self._forget.setChecked(False)  # it was meant for the other service
        self._lookup_url = url
        if url is None:
            self._lookup = KeyLookup(None, None)
            self._key.setEnabled(False)
            self._forget.setEnabled(False)
            self._key.setPlaceholderText("")
            self._key_status.setText(self.tr("Enter a valid service URL to set its key."))
            self._hide_warning()
            return
        self._lookup = self._keys.lookup(url)
        source = self._lookup.source
        from_env = source == "env"
        self._key.setEnabled(not from_env)
        self._reveal.setVisible(not from_env)
        self._forget.setEnabled(source in ("keyring", "session"))
        if from_env:
            self._key.clear()
            self._key.setPlaceholderText(self.tr("Set by {name}").format(name=ENV_VAR))
        elif source in ("keyring", "session"):
            self._key.setPlaceholderText(self.tr("•••••• stored — type to replace"))
        else:
            self._key.setPlaceholderText(self.tr("Paste the API key of this service"))
        self._update_key_status()

        usable, why = self._keys.available()
        if from_env:
            self._hide_warning()
        elif not usable:
            self._show_warning(
                self.tr(
                    "{reason}\n\nA key you enter here will be kept for this session only: it is "
                    "not written to any file and must be entered again after Reelwatch restarts."
                ).format(reason=why)
            )
        elif self._lookup.problem:
            self._show_warning(
                self.tr(
                    "{reason}\n\nIf the key cannot be saved, it will be kept for this session only."
                ).format(reason=self._lookup.problem)
            )
        else:
            self._hide_warning()

    def _update_key_status(self) -> None:
        source = self._lookup.source
        if self._base_url is None:
            return
        if self._forget.isChecked():
            text = self.tr("The stored key will be forgotten when you press OK.")
        elif source == "env":
            text = self.tr("Comes from the environment variable {name} (read-only here)").format(
                name=ENV_VAR
            )
        elif source == "keyring":
            text = self.tr("Stored in {where}").format(where=self._keys.describe_backend())
        elif source == "session":
            text = self.tr("Kept in memory for this session only (not saved)")
        else:
            text = self.tr("No key stored yet")
        self._key_status.setText(text)
        self._fit_height_later()

    def _show_warning(self, text: str) -> None:
        self._warning_text.setText(text)
        self._key_form.setRowVisible(self._warning, True)
        self._warning.updateGeometry()
        self._fit_height_later()

    def _hide_warning(self) -> None:
        self._key_form.setRowVisible(self._warning, False)

    # -- geometry ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # After the wrapped labels have learnt their real width (they relayout once shown).
        QTimer.singleShot(0, self, lambda: self._fit_height(shrink=True))

    def _fit_height_later(self) -> None:
        if self.isVisible():
            QTimer.singleShot(0, self, self._fit_height)

    def _fit_height(self, shrink: bool = False) -> None:
        """Grow until wrapped labels fit: Qt sizes top-level windows ignoring height-for-width."""
        layout = self.layout()
        layout.activate()
        needed = max(layout.totalHeightForWidth(self.width()), self.minimumHeight())
        if needed > self.height() or (shrink and needed < self.height()):
            self.resize(self.width(), needed)
