"""Every user-facing string has its French translation, with the same placeholders."""

from __future__ import annotations

import importlib.util
import re
import string
from pathlib import Path

from babel.messages.pofile import read_po

from casecell import i18n
from casecell.paths import resource_dir

ROOT = Path(__file__).resolve().parent.parent


def load_updater():
    spec = importlib.util.spec_from_file_location(
        "update_catalogue", ROOT / "scripts" / "update_catalogue.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def french():
    po = resource_dir() / "locale" / "fr" / "LC_MESSAGES" / "casecell.po"
    with po.open("rb") as handle:
        return read_po(handle, locale="fr", domain="casecell")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_source_string_has_a_french_translation():
    catalogue = french()
    source = {m.id for m in load_updater().extract() if m.id}

    def translated(message_id) -> bool:
        entry = catalogue.get(message_id)
        if entry is None:
            return False
        forms = entry.string if isinstance(entry.string, tuple | list) else [entry.string]
        return all(forms)  # every plural form, not just the tuple

    missing = sorted(map(str, (m for m in source if not translated(m))))
    assert missing == [], "run scripts/update_catalogue.py and translate these"


def test_translations_keep_their_placeholders():
    for message in french():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert fields(ids[-1]) == fields(text), message.id


def test_french_is_the_default_and_english_is_the_source():
    assert i18n.install(None) == "fr"
    assert i18n._("Wrong passphrase.") == "Phrase de passe incorrecte."
    assert i18n.install("en") == "en"
    assert i18n._("Wrong passphrase.") == "Wrong passphrase."
    assert i18n.install("xx") == "fr"


def test_french_messages_use_french_quotes_and_apostrophes():
    for message in french():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert not re.search(r"\w'\w", text), text
