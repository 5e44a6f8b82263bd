"""Facilitators and their registers (issue 20).

A facilitator is a City staff member trained to run groups: an account the Segreteria
makes, with two-factor authentication like staff, linked to the groups they run, and no
access to the Wagtail admin. On a phone they see each meeting of their groups with the
people assigned, mark each present or absent, add a meeting that was moved and mark one
cancelled. Attendance moves a request from assigned to attending; the referring partner
sees the status change, never the register.
"""
