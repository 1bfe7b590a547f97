"""What pages show, without Streamlit: plotly figures, KPI cards, item tables, drill-down from a chart
selection to the items behind it, the word-cloud image."""
