"""Event contracts, one module per producing service.

Importing a module registers its events. :func:`load_all` imports every module in this
package (including ones other teams add, such as ``identity``), so consumers and the
AsyncAPI generator see the whole catalogue without a hand-kept list.
"""

from __future__ import annotations

import importlib
import pkgutil

_loaded = False


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True
