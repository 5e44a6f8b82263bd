"""An operator learns the settings from .env.example: every variable the settings read
(but the test settings' own) is listed there."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READ = re.compile(r"""env(?:\.[a-z]+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def test_every_variable_the_settings_read_is_in_env_example():
    read = set()
    for module in (ROOT / "website" / "settings").glob("*.py"):
        if module.name != "test.py":
            read |= set(READ.findall(module.read_text()))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(),
                            re.MULTILINE))
    assert read, "the pattern no longer finds the settings' variables"
    assert sorted(read - listed) == []
