"""What people type into the site's forms (public, partner, account and admin): plain
text without control or bidirectional characters (`characters`), phone numbers staff can
call (`phones`), web addresses that are what they look like (`web_addresses`).

Cross-cutting: `home`, `accounts` and `programme` use it; it uses none of them.
"""
