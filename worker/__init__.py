"""Background work: the queue's worker, kept running through database faults.

A cross-cutting service of its own: it knows django-tasks-db, not the site's apps.
"""
