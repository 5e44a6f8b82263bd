"""The import arrows of the README's "Architecture" table, and no import circle.

Every import of the site's packages is read with `ast` (those inside functions too: a
lazy import is still a dependency), relative imports resolved. An import is an edge to
the module it names (`from programme.models.groups import Group` -> programme.models.groups),
as import-linter's graph draws it. Migrations and tests are left out: a migration may
name another app's (see antispam 0001), tests use everything.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVICES = {"antispam", "pagecache", "languages", "mail", "exports", "readable", "seo",
            "typed_text", "topics", "rating"}
# Which package may import which (the README's table). Whatever is not listed is refused.
ALLOWED = {
    "typed_text": set(),
    "antispam": set(),
    "mail": set(),
    "readable": {"typed_text"},
    "pagecache": {"typed_text"},
    "languages": {"pagecache"},
    "exports": {"readable", "typed_text"},
    "seo": {"languages", "pagecache", "readable", "typed_text"},
    "topics": {"languages", "pagecache", "typed_text"},
    "rating": {"antispam", "exports", "languages", "pagecache", "readable", "typed_text"},
    "accounts": {"antispam", "exports", "mail", "readable", "typed_text"},
    "home": SERVICES,
    "programme": SERVICES | {"home", "accounts"},
    "worker": {"mail", "accounts", "readable"},
    "privacy": SERVICES | {"home", "programme", "accounts"},
    "booking": SERVICES | {"home", "programme", "accounts"},
    "opendata": SERVICES | {"home", "programme", "accounts"},
    "facilitation": SERVICES | {"home", "programme", "accounts"},
    "jobservice": SERVICES | {"home", "programme", "accounts"},
    "outcomes": SERVICES | {"home", "programme", "accounts", "facilitation", "jobservice"},
    "flyers": SERVICES | {"home", "programme"},
    "website": SERVICES | {"home", "programme", "accounts", "worker", "privacy", "booking",
                           "opendata", "facilitation", "jobservice", "outcomes", "flyers"},
}


# Top-level folders holding Python that is not the site's code.
NOT_PACKAGES = {"tests", "benchmarks", "scripts", "deploy", "node_modules", "locale_overrides"}


def top_level_packages():
    """Every package at the top of the project (a folder with an __init__.py)."""
    return {path.parent.name for path in ROOT.glob("*/__init__.py")} - NOT_PACKAGES


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def site_modules():
    modules = {}
    for package in ALLOWED:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "migrations" not in parts and "tests" not in parts:
                modules[module_name(path)] = path
    return modules


def imported_names(module, path, known):
    """The site's modules that `module` imports (each named as far as it is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in known and target != module:
                found.add(target)
    return found


def import_graph():
    modules = site_modules()
    return {module: imported_names(module, path, modules) for module, path in modules.items()}


def against_the_arrows(graph, allowed):
    return sorted(f"{module} imports {target}"
                  for module, targets in graph.items() for target in targets
                  if (package := module.split(".")[0]) != (other := target.split(".")[0])
                  and other not in allowed.get(package, set()))


def circles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_package_is_in_the_table():
    """A new app gets its row (and its arrows) before anything else: an app missing from
    ALLOWED would be neither read nor checked."""
    assert top_level_packages() == set(ALLOWED)


def test_every_import_follows_the_arrows():
    assert against_the_arrows(import_graph(), ALLOWED) == []


def test_no_import_circle():
    assert circles(import_graph()) == []


def test_the_arrows_themselves_have_no_circle():
    assert circles({package: set(allowed) for package, allowed in ALLOWED.items()}) == []


def test_a_reversed_arrow_or_a_circle_is_found():
    """The checks can fail: home importing programme, and a circle of two modules."""
    graph = import_graph()
    graph["home.models"] = graph["home.models"] | {"programme.models"}
    assert against_the_arrows(graph, ALLOWED) == ["home.models imports programme.models"]
    assert circles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
