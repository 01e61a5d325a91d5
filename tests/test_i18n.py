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


def babel_compiled(po_text: str) -> dict:
    """What Babel's reader and compiler make of a PO file (the reference for ours)."""
    import gettext
    import io

    from babel.messages.mofile import write_mo

    catalogue = read_po(io.BytesIO(po_text.encode()), locale="fr", domain="casecell")
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)._catalog
    del compiled[""]  # the header, which Babel writes anew
    return compiled


def without_header(messages: dict) -> dict:
    return {k: v for k, v in messages.items() if k != ""}


def test_the_shipped_catalogue_reads_as_babel_compiles_it():
    po = resource_dir() / "locale" / "fr" / "LC_MESSAGES" / "casecell.po"
    text = po.read_text(encoding="utf-8")
    assert without_header(i18n.read_catalogue(text)) == babel_compiled(text)


def test_escapes_plurals_fuzzy_and_untranslated_entries_read_as_babel_reads_them():
    text = r"""msgid ""
msgstr ""
"Language: fr\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

#: a.py:1
msgid "Say \"hello\"\tto {name}\\"
msgstr "Dites « bonjour »\n"
"à {name}\\"

#, fuzzy
msgid "Guessed"
msgstr "Deviné"

msgid "Not yet"
msgstr ""

#, python-format
msgid "{count} file"
msgid_plural "{count} files"
msgstr[0] "{count} fichier"
msgstr[1] "{count} fichiers"

msgid "{count} half"
msgid_plural "{count} halves"
msgstr[0] "{count} moitié"
msgstr[1] ""

#~ msgid "Old"
#~ msgstr "Ancien"
"""
    messages = i18n.read_catalogue(text)
    assert without_header(messages) == babel_compiled(text)
    assert messages['Say "hello"\tto {name}\\'] == "Dites « bonjour »\nà {name}\\"
    catalogue = i18n.Catalogue(messages)
    assert catalogue.gettext("Guessed") == "Guessed"
    assert catalogue.gettext("Not yet") == "Not yet"
    assert catalogue.ngettext("{count} file", "{count} files", 0) == "{count} fichier"
    assert catalogue.ngettext("{count} file", "{count} files", 2) == "{count} fichiers"
    assert catalogue.ngettext("{count} half", "{count} halves", 1) == "{count} moitié"
    assert catalogue.ngettext("{count} half", "{count} halves", 2) == "{count} halves"
