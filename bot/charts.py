"""matplotlib for faqbot's charts: the Agg backend (no display) and a CJK font, so Chinese labels are not boxes.

matplotlib keeps its list of fonts in a cache file made the first time it is imported; a font installed after that
(``apt-get install fonts-wqy-microhei`` once the virtualenv is already in use) is not in the list, and every chart
then drew its Chinese labels as boxes although the font was on the machine. When no CJK font is listed, the system's
fonts are looked through once and a CJK one is added for this process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC")
# Font files that hold them (Debian: fonts-wqy-microhei, fonts-noto-cjk), by name less dashes and underscores.
_CJK_FILES = ("wqymicrohei", "wqyzenhei", "notosanscjk")


def _is_cjk_file(path: str) -> bool:
    name = Path(path).name.lower().replace("-", "").replace("_", "")
    return any(part in name for part in _CJK_FILES)


def cjk_fonts() -> list[str]:
    """The CJK font names matplotlib can use now, adding an installed one it does not yet list."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    found = [n for n in CJK_FONTS if n in names]
    if found:
        return found
    for path in font_manager.findSystemFonts():
        if _is_cjk_file(path):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    return [n for n in CJK_FONTS if n in names]


def pyplot() -> Any:
    """``matplotlib.pyplot`` with the Agg backend and a CJK font first, when one is installed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.sans-serif"] = [*cjk_fonts(), "DejaVu Sans"]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    return plt
