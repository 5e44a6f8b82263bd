"""The programme's outcomes in numbers (issue 20).

For the Segreteria and the City, a dashboard in the admin: requests per month by source
and status, time to first contact and to assignment, waiting list, fill and attendance
rates, completed paths, referrals per partner and their outcomes, filtered by period,
venue and group, each figure as a table, an accessible SVG chart and a CSV. For everyone,
the page "Il programma in numeri" / "The programme in numbers" with the same aggregates,
every count under 10 suppressed and secondary suppression so no suppressed count can be
recovered from the totals shown. Anonymised requests count like the others, so the
figures survive the retention purge.
"""
