"""Printable reports and file exports: the documents (document.py renders them; bulletin 通报, digest 摘报,
special report 专报 build them) with their chart images and safe text, and CSV/XLSX exports of item lists."""
from dashboard.core.reports.bulletin import bulletin_report
from dashboard.core.reports.digest import daily_digest, issue_number
from dashboard.core.reports.document import Report, file_name
from dashboard.core.reports.special import special_report

__all__ = ["Report", "bulletin_report", "daily_digest", "special_report", "issue_number", "file_name"]
