// Bootstrap Italia's stylesheet cut to the rules the public site can use (issue 23), with
// PurgeCSS (npm, pinned in package.json). Run by scripts/build_assets.py (`make assets`):
//
//     node scripts/purge_css.mjs OUTPUT.css
//
// A rule is kept when a class, id, element or attribute of its selector appears as a word
// in what can put it on a page:
// - every template (the site's and allauth's, whose stock pages some account screens use);
// - the site's Python code (form widgets, format_html) outside tests and migrations;
// - the site's scripts, and the Bootstrap Italia modules they import, followed through
//   their own imports (the classes they set at run time: show, expanded, collapsing…).
// What no file spells whole is listed in SAFELIST with the reason.
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PurgeCSS } from "purgecss";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "node_modules", "bootstrap-italia", "dist");
const SOURCE_CSS = join(DIST, "css", "bootstrap-italia.min.css");
const PYTHON_APPS_SKIP = new Set([".venv", "node_modules", "static", "static_collected",
  "templates", "tests", "var", "benchmarks", "scripts", "deploy", "locale",
  "locale_overrides", "test-artifacts", ".git", ".ci"]);

export const SAFELIST = {
  standard: [
    // templates/includes/messages.html builds alert-{{ message.tags }}.
    /^alert-(success|info|warning|danger)$/,
    // What editors' rich text and embeds can contain, whatever the templates spell.
    /^(p|a|b|i|em|strong|h[1-6]|ul|ol|li|blockquote|hr|code|pre|sub|sup|table|thead|tbody|tfoot|tr|th|td|caption|figure|figcaption|img|iframe|br|abbr|dl|dt|dd)$/,
  ],
};
// The library's focus ring, ":focus:not([data-focus-mouse=true])", names no class or
// element, which PurgeCSS takes as unused: kept by its pseudo-class.
SAFELIST.standard.push(/^:focus$/);

function walk(folder, keep, found = []) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      if (!PYTHON_APPS_SKIP.has(name) && name !== "migrations" && name !== "__pycache__") {
        walk(path, keep, found);
      }
    } else if (keep(path)) {
      found.push(path);
    }
  }
  return found;
}

// The site's ES modules name Bootstrap Italia's as "../bootstrap-italia/plugins/x.js"
// (STATICFILES_DIRS serves dist/ under that prefix); those import each other relatively.
function importedModules(entries) {
  const seen = new Set();
  const queue = [...entries];
  const specifier = /(?:import|export)\s*(?:[^"'();]*?from\s*)?\(?\s*["']([^"']+)["']/g;
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, name] of readFileSync(file, "utf8").matchAll(specifier)) {
      if (!name.startsWith(".")) continue;
      let target = resolve(dirname(file), name);
      const mapped = relative(join(ROOT, "static"), target);
      if (mapped.startsWith("bootstrap-italia/")) {
        target = join(DIST, mapped.slice("bootstrap-italia/".length));
      }
      if (!target.endsWith(".js")) target += ".js";
      // Other libraries (uuid, animejs) set none of Bootstrap Italia's classes.
      if (target.startsWith(DIST) || target.startsWith(join(ROOT, "static", "js"))) {
        queue.push(target);
      }
    }
  }
  return [...seen];
}

export function contentFiles() {
  const scripts = readdirSync(join(ROOT, "static", "js"))
    .filter((name) => name.endsWith(".js"))
    .map((name) => join(ROOT, "static", "js", name));
  const site = (path) => path.endsWith(".py");
  const lib = join(ROOT, ".venv", "lib");
  const python = readdirSync(lib).find((name) => name.startsWith("python"));
  const allauth = join(lib, python, "site-packages", "allauth", "templates");
  return [
    ...walk(join(ROOT, "templates"), (path) => path.endsWith(".html")),
    ...walk(allauth, (path) => path.endsWith(".html")),
    ...walk(ROOT, site).filter((path) => !path.includes(`${join(ROOT, "tests")}`)),
    ...importedModules(scripts),
  ].sort();
}

async function main() {
  const output = process.argv[2];
  if (!output) {
    console.error("usage: node scripts/purge_css.mjs OUTPUT.css");
    process.exit(2);
  }
  const [result] = await new PurgeCSS().purge({
    css: [SOURCE_CSS],
    content: contentFiles(),
    safelist: SAFELIST,

    keyframes: true,
    fontFace: true,
    rejected: false,
  });
  const header = "/* Bootstrap Italia " + JSON.parse(readFileSync(join(ROOT, "node_modules",
    "bootstrap-italia", "package.json"), "utf8")).version + " (BSD-3-Clause), cut to the rules "
    + "the site's templates and scripts use by scripts/purge_css.mjs (PurgeCSS). "
    + "Rebuilt by `make assets`. */\n";
  writeFileSync(output, header + result.css.replace(/\/\*# sourceMappingURL=.*?\*\//, "").trim() + "\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
