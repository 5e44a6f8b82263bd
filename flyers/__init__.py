"""Print material made from the site's own content (issue 21): A5 flyers for the
programme and for each group, in Italian and English, as tagged PDFs (WeasyPrint's
PDF/UA-1) with a vector QR code (segno) leading to the intake form."""
