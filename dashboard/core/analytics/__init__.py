"""Figures made from the store: department responsiveness (metrics), alerts, hot topics and repeat
complaints (topics), word terms (terms) and predicted categories (categories). No Streamlit, no plotly."""
