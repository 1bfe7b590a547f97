"""Accounts, roles, sessions and the audit log (issue 13; docs/security.md). No streamlit here."""
