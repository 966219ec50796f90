"""Charts draw Chinese labels with a CJK font, even when matplotlib listed the system's fonts before it was installed."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from bot import charts


def test_a_cjk_font_installed_after_matplotlib_listed_its_fonts_is_still_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib import font_manager

    # What a font cache made before `apt-get install fonts-wqy-microhei` holds: no CJK font.
    stale = [f for f in font_manager.fontManager.ttflist if f.name not in charts.CJK_FONTS]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    assert "WenQuanYi Micro Hei" in charts.cjk_fonts()  # .ci/run installs fonts-wqy-microhei
    plt = charts.pyplot()
    fig, ax = plt.subplots()
    ax.set_title("各主题回答准确率")
    ax.bar(["医保", "邮政"], [0.9, 0.8])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for each box it draws
        fig.savefig(tmp_path / "chart.png")
    plt.close(fig)
    assert (tmp_path / "chart.png").stat().st_size > 1000
