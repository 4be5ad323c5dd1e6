"""Chinese text in matplotlib charts, with fonts shipped by the mplfonts package.

No system font is assumed: the font file comes from mplfonts' own package
data, is registered with matplotlib's font manager and made the default sans
serif, so no chart shows tofu boxes on a machine without CJK fonts.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib import font_manager  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["FONT_FILE", "use_chinese_font"]

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def use_chinese_font() -> str:
    """Register mplfonts' Noto Sans CJK SC and make it the default; returns the family name."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [family, *plt.rcParams["font.sans-serif"]]
    plt.rcParams["axes.unicode_minus"] = False
    return family

