"""The user's language: Reelwatch's own translation and Qt's for its standard dialogs.

The system locale decides unless the user picked a language in Settings.
Translations ship as compiled `.qm` files in `resources/translations`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from reelwatch.resources import resource_path

LANGUAGES: list[tuple[str, str]] = [
    ("", "System default"),
    ("en", "English"),
    ("zh_CN", "简体中文"),
]
"""(code, name in that language); "" follows the system."""


def install_translations(app: QCoreApplication, language: str = "") -> QLocale:
    """Load the translations for `language` (or the system's) into the application."""
    locale = QLocale(language) if language else QLocale.system()
    QLocale.setDefault(locale)
    ours = QTranslator(app)
    if ours.load(locale, "reelwatch", "_", str(resource_path("translations"))):
        app.installTranslator(ours)
    qt_base = QTranslator(app)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_base.load(locale, "qtbase", "_", qt_folder):
        app.installTranslator(qt_base)
    return locale
