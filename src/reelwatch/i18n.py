"""Translation for text made below the GUI: error messages and reasons.

The engine and the terminal commands stay free of Qt: when the window runs (a
Qt application with Reelwatch's translator installed), messages come out in the
user's language; everywhere else the English source text is used as it is.
`pyside6-lupdate` finds these calls because the function is named `translate`.
"""

from __future__ import annotations

import sys


def translate(context: str, text: str) -> str:
    core = sys.modules.get("PySide6.QtCore")
    if core is None:
        return text
    if core.QCoreApplication.instance() is None:
        return text
    return core.QCoreApplication.translate(context, text)
