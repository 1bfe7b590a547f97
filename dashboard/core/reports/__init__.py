"""Printable reports and file exports: the documents (bulletin 通报, digest 摘报, special report 专报) with
their chart images and safe text, and CSV/XLSX exports of item lists."""
from dashboard.core.reports.documents import (Report, bulletin_report, daily_digest, file_name, issue_number,
                                              special_report)

__all__ = ["Report", "bulletin_report", "daily_digest", "special_report", "issue_number", "file_name"]
