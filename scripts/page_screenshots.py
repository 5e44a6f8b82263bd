"""Screenshots of every public page type, to compare a change's look before and after.

    .venv/bin/python scripts/page_screenshots.py shoot BASE_URL DIR
    .venv/bin/python scripts/page_screenshots.py compare BEFORE_DIR AFTER_DIR

`shoot` opens each page of tests/browser/helpers.py's PUBLIC_PAGES (both languages) as a
first visit in Debian's chromium, at phone (390 px) and desktop (1280 px) width, waits
for the fonts, and writes one full-page PNG per page and width into DIR; then two states
styled by classes set at run time or by the server on error: the main menu opened on a
phone (`*-menu-phone.png`) and each form sent empty (`*-errors-*.png`). Run it against
a site started from each version with the same demo content (`make run`; or a `git
worktree` of the old commit with its own `var/`).

`compare` prints, for each pair of PNGs of the same name, whether the two are the same
size and how many pixels differ (Pillow's ImageChops), and writes a difference image
(`*-diff.png`, changed pixels in red) next to the AFTER file for each that differs. It
exits 1 when any pair differs. Issue 23 (page weight) quotes its output.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--font-render-hinting=none"]


def shoot(base_url, folder):
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import FORMS, PUBLIC_PAGES

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        for language, urls in PUBLIC_PAGES.items():
            for width_name, viewport in WIDTHS.items():
                context = browser.new_context(viewport=viewport, reduced_motion="reduce",
                                              locale=f"{language}-{language.upper()}")
                for url in urls:
                    page = context.new_page()
                    page.goto(base_url.rstrip("/") + url, wait_until="networkidle")
                    page.evaluate("document.fonts.ready")
                    name = url.strip("/").replace("/", "-").replace("?", "_").replace("=", "-")
                    page.screenshot(path=folder / f"{name}-{width_name}.png", full_page=True,
                                    animations="disabled", caret="hide")
                    page.close()
                    print(f"{name}-{width_name}.png")
                for url in FORMS[language].values():
                    page = context.new_page()
                    page.goto(base_url.rstrip("/") + url, wait_until="networkidle")
                    # submit() skips the browser's own checks: the server's messages show.
                    with page.expect_navigation():
                        page.evaluate("document.querySelector('main form.site-form').submit()")
                    page.wait_for_load_state("networkidle")
                    page.evaluate("document.fonts.ready")
                    name = url.strip("/").replace("/", "-") + f"-errors-{width_name}.png"
                    page.screenshot(path=folder / name, full_page=True, animations="disabled",
                                    caret="hide")
                    page.close()
                    print(name)
                if width_name == "phone":
                    page = context.new_page()
                    page.goto(base_url.rstrip("/") + f"/{language}/", wait_until="networkidle")
                    page.click('[data-bs-toggle="navbarcollapsible"]')
                    page.wait_for_selector("#main-menu.expanded")
                    page.wait_for_timeout(800)  # the menu's slide-in
                    page.screenshot(path=folder / f"{language}-menu-phone.png",
                                    animations="disabled", caret="hide")
                    page.close()
                    print(f"{language}-menu-phone.png")
                context.close()
        browser.close()


def compare(before, after):
    from PIL import Image, ImageChops

    before, after = Path(before), Path(after)
    differing = 0
    for old in sorted(before.glob("*.png")):
        if old.name.endswith("-diff.png"):
            continue
        new = after / old.name
        if not new.exists():
            print(f"{old.name}: missing after")
            differing += 1
            continue
        a, b = Image.open(old).convert("RGB"), Image.open(new).convert("RGB")
        if a.size != b.size:
            print(f"{old.name}: size {a.size} before, {b.size} after")
            differing += 1
            continue
        mask = ImageChops.difference(a, b).convert("L").point(lambda value: 255 if value else 0)
        changed = mask.histogram()[255]
        if changed:
            differing += 1
            red = Image.new("RGB", b.size, (255, 0, 0))
            Image.composite(red, b, mask).save(after / old.name.replace(".png", "-diff.png"))
        print(f"{old.name}: {changed} pixels differ of {a.size[0] * a.size[1]}")
    print(f"{differing} of {len(list(before.glob('*.png')))} screenshots differ")
    return 1 if differing else 0


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("shoot", "compare"):
        sys.exit(__doc__)
    if sys.argv[1] == "shoot":
        shoot(sys.argv[2], sys.argv[3])
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
