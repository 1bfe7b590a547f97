"""The one stylesheet (layout only; never item text): Chinese in place of the English Streamlit
cannot translate, and nothing else. Streamlit has no locale setting, so the file uploader's English
hint ("Drag and drop files here", "Limit 1GB per file • CSV…") is hidden and its button relabelled by
CSS; the page says the same in Chinese in its own caption."""
from __future__ import annotations

import streamlit as st

STYLESHEET = """
<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button p { display: none; }
[data-testid="stFileUploaderDropzone"] button::after { content: "选择文件"; }
/* Streamlit adds a full-screen button to every chart's toolbar, titled in English; the page's own
   element toolbar already offers full screen. */
.modebar-btn[data-title="Fullscreen"], .modebar-btn[data-title="Close fullscreen"] { display: none; }
/* A focused text field shows "Press Enter to submit form" / "Press Enter to apply" in English. */
[data-testid="InputInstructions"] { display: none; }

/* Phone width (a leader's phone, ≤ 480 px). Streamlit cannot tell the server the viewport width, so
   the compact layout is CSS: KPI rows (containers keyed kpis_…) wrap two by two, parts keyed
   phone_only / desktop_only show at one width only (a heatmap's ranked-bar stand-in, the columns of
   a table that matter), and the chart toolbar, which covers legends there, is hidden. */
.st-key-phone_only, [class*="st-key-phone_only_"] { display: none; }
@media (max-width: 480px) {
  [class*="st-key-kpis_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; gap: 0.5rem; }
  [class*="st-key-kpis_"] [data-testid="stColumn"] { flex: 1 1 calc(50% - 0.5rem) !important;
                                                     min-width: calc(50% - 0.5rem) !important; }
  [class*="st-key-kpis_"] [data-testid="stMetricValue"] { font-size: 1.6rem; }
  .st-key-phone_only, [class*="st-key-phone_only_"] { display: block; }
  .st-key-desktop_only, [class*="st-key-desktop_only_"] { display: none; }
  .modebar-container { display: none; }
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem; padding-right: 0.75rem; }
}
</style>
"""

# 大屏: the whole app dark, no sidebar or header, large type (1920×1080, read from five metres).
WALL_STYLESHEET = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"] { display: none; }
.stApp, [data-testid="stMain"] { background: #0b1426; color: #e8eef9; }
.st-key-wall h1, .st-key-wall h2, .st-key-wall p, .st-key-wall [data-testid="stText"],
.st-key-wall [data-testid="stText"] *, .st-key-wall [data-testid="stMetricValue"],
.st-key-wall [data-testid="stMetricLabel"] p, .st-key-wall [data-testid="stCaptionContainer"] { color: #e8eef9 !important; }
.st-key-wall h1 { font-size: 3.4rem; }
.st-key-wall_panel h2 { font-size: 2.8rem; }
.st-key-wall_panel [data-testid="stText"], .st-key-wall_panel [data-testid="stText"] * { font-size: 2.2rem; line-height: 1.5; }
.st-key-wall_panel [data-testid="stMetricValue"] { font-size: 4.5rem; }
.st-key-wall_panel [data-testid="stMetricLabel"] p { font-size: 2rem; }
.st-key-wall [data-testid="stCaptionContainer"] { font-size: 1.4rem; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 2rem 3rem; }
</style>
"""


def apply(wall: bool = False) -> None:
    """Once per run, from the router (st.html with only a <style> takes no space on the page);
    `wall` adds the 大屏's dark full-screen look."""
    st.html(STYLESHEET + (WALL_STYLESHEET if wall else ""))
