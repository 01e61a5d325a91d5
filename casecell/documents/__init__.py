"""ReportLab documents and file formats (minutes, agenda, reports, .ics, CSV, JSON)."""
