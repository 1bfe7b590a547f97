"""Reading Chinese text at ingest: tokens and terms (jieba), sentiment, personal data (PII masks) and
place names (regions). No Streamlit, no plotly."""
