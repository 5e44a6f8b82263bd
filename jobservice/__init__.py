"""Candidates from the job service's database (issue 20).

The Segreteria uploads the export of the "banca dati del Servizio supporti attivi per il
lavoro" (CSV or XLSX, columns documented with an example file); a preview shows each row
as it would be stored with its errors, nothing is saved until confirmed, and then every
row becomes a participation request with source "job service" in one transaction, the
import itself recorded (who, when, file name, counts).
"""
