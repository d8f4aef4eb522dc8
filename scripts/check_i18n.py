"""Check the module's translation files against a freshly exported template.

Usage: python check_i18n.py FRESH_POT MODULE.pot LANG [LANG...]

The .po files are looked for beside MODULE.pot.

Fails (exit 1, one line per problem) when the committed .pot differs from the
fresh export, or a .po file is missing, has a header without Language or
Plural-Forms, or has an untranslated, fuzzy, obsolete or unknown entry, or a
translation whose placeholders differ from its source.
"""

import re
import sys
from pathlib import Path

import polib

PLACEHOLDER = re.compile(
    r"%\(\w+\)[sdifr]|%[sdif]|\{\{.*?\}\}|\$\{.*?\}|\bt-(?:out|esc|att-\w+|if)=\"[^\"]*\""
)


def entry_key(entry):
    return (entry.msgctxt or "", entry.msgid)


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text or ""))


def check_template(fresh, committed, problems):
    fresh_keys = {entry_key(e) for e in fresh}
    committed_keys = {entry_key(e) for e in committed if not e.obsolete}
    for msgid in sorted(k[1] for k in fresh_keys - committed_keys):
        problems.append(f"{committed.fpath}: missing from the template: {msgid!r}")
    for msgid in sorted(k[1] for k in committed_keys - fresh_keys):
        problems.append(f"{committed.fpath}: no longer in the code: {msgid!r}")


def check_po(path, fresh, problems):
    if not path.is_file():
        problems.append(f"{path}: missing")
        return
    po = polib.pofile(str(path))
    for header in ("Language", "Plural-Forms"):
        if not po.metadata.get(header):
            problems.append(f"{path}: the header has no {header}")
    fresh_keys = {entry_key(e) for e in fresh}
    for entry in po:
        where = f"{path}:{entry.linenum}"
        if entry.obsolete:
            problems.append(f"{where}: obsolete entry {entry.msgid!r}")
            continue
        if entry_key(entry) not in fresh_keys:
            problems.append(f"{where}: not in the template: {entry.msgid!r}")
        if entry.fuzzy:
            problems.append(f"{where}: fuzzy: {entry.msgid!r}")
        translations = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        if not all(t.strip() for t in translations):
            problems.append(f"{where}: untranslated: {entry.msgid!r}")
            continue
        for translation in translations:
            if placeholders(translation) != placeholders(entry.msgid):
                problems.append(
                    f"{where}: placeholders differ: {placeholders(entry.msgid)} "
                    f"!= {placeholders(translation)} in {entry.msgid!r}"
                )
    po_keys = {entry_key(e) for e in po if not e.obsolete}
    for msgid in sorted(k[1] for k in fresh_keys - po_keys):
        problems.append(f"{path}: missing entry {msgid!r}")


def main(fresh_pot, template, *languages):
    template = Path(template)
    i18n = template.parent
    fresh = polib.pofile(fresh_pot)
    problems = []
    if template.is_file():
        check_template(fresh, polib.pofile(str(template)), problems)
    else:
        problems.append(f"{template}: missing")
    for lang in languages:
        check_po(i18n / f"{lang}.po", fresh, problems)
    for problem in problems:
        sys.stdout.write(f"i18n: {problem}\n")
    sys.stdout.write(
        f"i18n: {len(fresh)} terms, {len(languages)} languages, "
        f"{len(problems)} problems\n"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
