"""Production's static files storage: whitenoise's hashed, compressed files, with the
`import … from "./x.js"` statements of JavaScript modules pointed at their hashed names.

Bootstrap Italia's components are loaded as its own ES modules (dist/plugins/*.js), which
import one another by relative paths. Django rewrites those paths only when
`support_js_module_import_aggregation` is on (off by default); without it a hashed
module would import its neighbours by their unhashed names, which whitenoise serves
without the long-lived cache headers. Bare specifiers ("uuid", "animejs/…") are left
alone: the page's import map resolves them (home/static_modules.py).

Django finds those statements with regular expressions that do not know comments: in the
site's own modules (static/js/*.js) a comment must not hold the word "import" followed by
a space, or the expression runs from it to the next `from "./…";` and that path is
rewritten twice (collectstatic then fails on a hashed name it cannot find).
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ModuleAwareStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
