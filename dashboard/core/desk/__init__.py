"""The editorial desk (docs/workflow.md): informants submit (submissions.py), editors select, merge and
word candidates (candidates.py), a leader signs the numbered 《重要舆情摘报》 (issues.py), and the year's
records count what went where (records.py). No streamlit; every change names who made it and when."""
