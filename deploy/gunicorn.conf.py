"""gunicorn's configuration for production (deploy/systemd/mutuo-aiuto-lavoro-web.service;
README, "Data protection"): `gunicorn website.wsgi -c deploy/gunicorn.conf.py`.

The access log records who asked for which page and when, never what was in the address
beyond the path: a query string carries search words (/it/cerca/?q=…) and tokens, and
gunicorn's default format writes it twice, in the request line %(r)s and in the referer
%(f)s. The format below has no %(r)s, %(q)s, %(f)s or header atom; the logger also blanks
the token in the path of an invitation, a password-reset or a booking's link, and drops
the query string from every atom, whatever format an operator writes. Atoms: gunicorn's
"access_log_format" setting (h address, t time, m method, U path without query, H
protocol, s status, b bytes, L seconds).
"""

import re

from gunicorn.glogging import Logger

bind = "127.0.0.1:8000"  # behind the proxy that terminates TLS
workers = 2
worker_class = "gthread"
threads = 4
accesslog = "-"  # the journal, under systemd
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'

# A path segment after one of these is a secret (an invitation's token, allauth's
# password-reset or email-confirmation key, a booking's signed link and its confirmation
# page, booking/pages.py): the log shows "…" instead.
SECRET_AFTER = re.compile(
    r"(/(?:invitation|invito|key|confirm-email|prenotazione|booking|conferma|confirmation)/)"
    r"[^/]+")


def private_path(path):
    """`path` (str, a URL path or a full address) without its query string and with the
    secret segments blanked: "/it/partner/invito/abc123/?x=1" -> "/it/partner/invito/…/"."""
    return SECRET_AFTER.sub(r"\1…", (path or "").split("?", 1)[0])


class PrivateAccessLogger(Logger):
    """gunicorn's logger whose access-log atoms carry no query string, no secret path
    segment, no header and no WSGI environ value (cookies, the raw URI)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = {name: value for name, value in
                 super().atoms(resp, req, environ, request_time).items()
                 if not name.startswith("{")}  # {header}i, {header}o, {variable}e
        path = private_path(environ.get("PATH_INFO"))
        atoms.update({
            "U": path, "q": "",
            "r": f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}",
            "f": private_path(environ.get("HTTP_REFERER", "-")),
        })
        return atoms


logger_class = PrivateAccessLogger
