"""The project's own translation catalogues, read from the .po files (the compiled .mo files leave out what is untranslated)."""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")


@dataclass(frozen=True)
class Entry:
    """One message of a catalogue: its text, its context and whether zh-Hans has a translation for it."""

    msgid: str
    msgid_plural: str
    context: str
    is_translated: bool
    source: str


def project_catalogues() -> list[Path]:
    """Return the zh-Hans .po files of the shell (locale/) and of every app of the project."""
    base = Path(settings.BASE_DIR).resolve()
    folders = [Path(folder) for folder in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            folders.append(path / "locale")
    return sorted({po for folder in folders for po in folder.glob("zh_Hans/LC_MESSAGES/*.po")})


def _entries_of(path: Path):
    """Yield the entries of one .po file (obsolete ``#~`` entries left out)."""
    fields: dict[str, str] = {}
    flags: set[str] = set()
    current = None

    def finish():
        if "msgid" in fields and fields["msgid"]:
            strings = [value for key, value in fields.items() if key.startswith("msgstr")]
            yield Entry(fields["msgid"], fields.get("msgid_plural", ""), fields.get("msgctxt", ""),
                        bool(strings) and all(strings) and "fuzzy" not in flags, str(path))

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            yield from finish()
            fields, flags, current = {}, set(), None
        elif line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if current:
                fields[current] += ast.literal_eval(line)
        else:
            keyword, _space, text = line.partition(" ")
            if keyword in fields:  # a new entry began without a blank line
                yield from finish()
                fields, flags = {}, set()
            current = keyword
            fields[current] = ast.literal_eval(text)


def untranslated_messages() -> list[Entry]:
    """Return every message of the project's catalogues that has no zh-Hans translation (or only a fuzzy one)."""
    return [entry for path in project_catalogues() for entry in _entries_of(path) if not entry.is_translated]


def message_pattern(text: str) -> re.Pattern | None:
    """Return the pattern a page's text matches when it shows this message as is, or None for a message too short to tell."""
    words = " ".join(text.split())
    literal = PLACEHOLDER.sub("", words)
    if len(re.sub(r"[^A-Za-z]", "", literal)) < 3:
        return None  # "OK", "%(n)d": nothing English left to recognise
    parts = [re.escape(part) for part in PLACEHOLDER.split(words)]
    body = r".+?".join(parts)
    if len(words.split()) >= 2:
        return re.compile(rf"(?<![A-Za-z]){body}(?![A-Za-z])")
    return re.compile(rf"^{body}$")
