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
</style>
"""


def apply() -> None:
    """Once per run, from the router (st.html with only a <style> takes no space on the page)."""
    st.html(STYLESHEET)
