"""The Kazakh and Russian catalogs are complete, checked and compiled.

Every kk and ru entry of locale/<lang>/LC_MESSAGES/django.po has a translation and no
fuzzy flag, and the committed django.mo next to it says the same thing: nothing
compiles the catalogs at run time. A refusal a service raises is marked for translation: its
message is never a bare English string.
"""

import ast
import gettext as gettext_module
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from benefits.models.awards import Award
from contributions.models import PaymentDocument
from participants.models import Payer

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["kk", "ru"]
NPLURALS = {"kk": 2, "ru": 3}
KAZAKH_LETTERS = set("әғқңөұүі")  # һ is rare outside loanwords
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%%|%[sdf]")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted .po string: {text}")
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, the header (msgid "") first; obsolete (#~) ones left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: tuple[str, int] = ("", 0)

    def finish() -> None:
        nonlocal current
        if current is not None and current.msgstr:
            entries.append(current)
        current = None

    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$")
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if current is None or (line.startswith("#") and current.msgstr):
            finish()
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = keyword.match(line)
        if match:
            name, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if name == "msgid" and current.msgstr:
                finish()
                current = Entry(line=number)
            key = (name, int(index or 0))
        else:
            value = _unquote(line)
        name, index = key
        if name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif name == "msgid":
            current.msgid += value
        elif name == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + value
        else:
            current.msgstr[index] = current.msgstr.get(index, "") + value
    finish()
    return entries


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def messages(language: str) -> list[Entry]:
    return [entry for entry in parse_po(po_path(language)) if entry.msgid]


def where(language: str, entry: Entry) -> str:
    return f"{po_path(language).relative_to(LOCALE_DIR.parent)}:{entry.line} {entry.msgid!r}"


def test_the_parser_reads_multiline_and_plural_entries(tmp_path: Path) -> None:
    sample = tmp_path / "django.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: ru\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Long %(n)s "\n"text"\n'
        'msgstr ""\n"Длинный %(n)s "\n"текст"\n\n'
        'msgid "file"\nmsgid_plural "files"\n'
        'msgstr[0] "файл"\nmsgstr[1] "файла"\nmsgstr[2] ""\n\n'
        '#~ msgid "gone"\n#~ msgstr "нет"\n',
        encoding="utf-8",
    )
    header, long, plural = parse_po(sample)
    assert header.msgstr == {0: "Language: ru\n"}
    assert (long.msgid, long.msgstr, long.fuzzy) == (
        "Long %(n)s text",
        {0: "Длинный %(n)s текст"},
        True,
    )
    assert plural.msgid_plural == "files"
    assert plural.msgstr == {0: "файл", 1: "файла", 2: ""}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_catalog_exists_with_its_compiled_twin(language: str) -> None:
    assert po_path(language).is_file(), "run makemessages -l kk -l ru -l en"
    assert po_path(language).with_suffix(".mo").is_file(), "run compilemessages and commit the .mo"
    assert len(messages(language)) > 100


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_is_translated_and_not_fuzzy(language: str) -> None:
    header, *entries = parse_po(po_path(language))
    assert header.msgid == ""
    problems = [f"fuzzy header in {po_path(language)}"] if header.fuzzy else []
    for entry in entries:
        if entry.fuzzy:
            problems.append(f"fuzzy: {where(language, entry)}")
        expected = range(NPLURALS[language]) if entry.msgid_plural is not None else [0]
        if any(not entry.msgstr.get(index, "").strip() for index in expected):
            problems.append(f"untranslated: {where(language, entry)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_header(language: str) -> None:
    header = parse_po(po_path(language))[0].msgstr[0]
    assert f"Language: {language}\n" in header
    assert f"Plural-Forms: nplurals={NPLURALS[language]};" in header


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_survive_translation(language: str) -> None:
    problems = []
    for entry in messages(language):
        sources = PLACEHOLDER.findall(entry.msgid) + PLACEHOLDER.findall(entry.msgid_plural or "")
        for text in entry.msgstr.values():
            if entry.msgid_plural is None and sorted(PLACEHOLDER.findall(text)) != sorted(sources):
                problems.append(f"{where(language, entry)} -> {text!r}")
            if entry.msgid_plural is not None and not set(PLACEHOLDER.findall(text)) <= set(
                sources
            ):
                problems.append(f"{where(language, entry)} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_kazakh_catalog_is_written_in_kazakh() -> None:
    text = "".join("".join(entry.msgstr.values()) for entry in messages("kk"))
    assert set(text.lower()) >= KAZAKH_LETTERS


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalog_is_in_step_with_the_po(language: str) -> None:
    with po_path(language).with_suffix(".mo").open("rb") as compiled:
        catalog = gettext_module.GNUTranslations(compiled)
    stale = []
    for entry in messages(language):
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                found = catalog.gettext(entry.msgid)
            else:
                found = catalog.pgettext(entry.msgctxt, entry.msgid)
            if found != entry.msgstr[0]:
                stale.append(f"{where(language, entry)}: .mo has {found!r}")
            continue
        for n, index in ((1, 0), (2, 1), (5, 2)):
            if index >= NPLURALS[language]:
                continue
            found = catalog.ngettext(entry.msgid, entry.msgid_plural, n)
            if found != entry.msgstr[index]:
                stale.append(f"{where(language, entry)}[{index}]: .mo has {found!r}")
    assert not stale, "run compilemessages and commit the .mo:\n" + "\n".join(stale)


@pytest.mark.parametrize(
    ("language", "dashboard", "award", "payer", "document"),
    [
        ("kk", "Басқару тақтасы", "тағайындау", "төлеуші", "төлем құжаты"),
        ("ru", "Панель управления", "назначение", "плательщик", "платёжный документ"),
    ],
)
def test_django_serves_the_compiled_catalog(
    language: str, dashboard: str, award: str, payer: str, document: str
) -> None:
    with translation.override(language):
        assert translation.gettext("Dashboard") == dashboard
        assert str(Award._meta.verbose_name) == award
        assert str(Payer._meta.verbose_name) == payer
        assert str(PaymentDocument._meta.verbose_name) == document
    with translation.override("en"):
        assert translation.gettext("Dashboard") == "Dashboard"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", ["Пайдаланушы аты", "Құпиясөз", "Мемлекеттік әлеуметтік сақтандыру қоры"]),
        ("ru", ["Имя пользователя", "Пароль", "Государственный фонд социального страхования"]),
    ],
)
def test_login_page_is_translated(client: Client, language: str, expected: list[str]) -> None:
    response = client.get(f"/{language}/login/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in expected:
        assert text in page
    assert "Username" not in page


@pytest.mark.parametrize(
    ("lang", "paid_out", "paid_in", "being_paid"),
    [("ru", "Выплачено", "Уплачено", "Выплачивается"), ("kk", "Төленді", "Төленді", "Төленеді")],
)
def test_paid_reads_by_what_was_paid(lang, paid_out, paid_in, being_paid) -> None:
    """An award's paid column, a payer's paid contributions and a letter's "paid once" are
    three meanings of one English word; each reads in its own sense."""
    with translation.override(lang):
        assert translation.gettext("Paid") == paid_out
        assert translation.pgettext("contributions", "Paid") == paid_in
        assert translation.pgettext("letter", "Paid") == being_paid


# --- refusals are marked for translation -------------------------------------------------

APPS = ["benefits", "payouts", "participants", "contributions", "refunds", "reporting", "gfss"]
# Errors whose constructor takes the message itself as its first argument.
MESSAGE_FIRST = {"ApplicationError", "ConflictError", "NotFoundError", "ValidationError"}


def _sources() -> dict[Path, ast.Module]:
    base = Path(settings.BASE_DIR)
    return {
        path.relative_to(base): ast.parse(path.read_text(encoding="utf-8"))
        for app in APPS
        for path in sorted((base / app).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _is_english_literal(node: ast.expr) -> bool:
    """A str literal, an f-string, or one formatted or added to: text no catalog can hold."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_english_literal(node.left) or (
            isinstance(node.op, ast.Add) and _is_english_literal(node.right)
        )
    if isinstance(node, ast.IfExp):
        return _is_english_literal(node.body) or _is_english_literal(node.orelse)
    if isinstance(node, ast.Call) and _name(node.func) == "format":
        return isinstance(node.func, ast.Attribute) and _is_english_literal(node.func.value)
    return False


def _application_errors(sources: dict[Path, ast.Module]) -> dict[str, ast.ClassDef]:
    """Every class of the project that is (through its bases) an ApplicationError."""
    classes = {
        node.name: node
        for tree in sources.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    errors = {"ApplicationError"}
    grew = True
    while grew:
        grew = False
        for name, node in classes.items():
            if name not in errors and any(_name(base) in errors for base in node.bases):
                errors.add(name)
                grew = True
    return {name: classes[name] for name in errors if name in classes}


def _takes_message_first(name: str, errors: dict[str, ast.ClassDef]) -> bool:
    if name in MESSAGE_FIRST:
        return True
    node = errors.get(name)
    if node is None:
        return False
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            arguments = item.args.args[1:]
            return bool(arguments) and arguments[0].arg == "message"
    return any(_takes_message_first(_name(base), errors) for base in node.bases)


def _messages(call: ast.Call) -> list[ast.expr]:
    return call.args[:1] + [word.value for word in call.keywords if word.arg == "message"]


def _is_super_init(call: ast.AST) -> bool:
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "__init__"
        and isinstance(call.func.value, ast.Call)
        and _name(call.func.value.func) == "super"
    )


def _says_english(call: ast.AST) -> bool:
    return isinstance(call, ast.Call) and any(_is_english_literal(m) for m in _messages(call))


def untranslated_refusals(sources: dict[Path, ast.Module]) -> list[str]:
    """``path:line`` of each refusal whose message is an English literal: an error class's
    ``super().__init__(...)``, or a call of an error that takes the message first."""
    errors = _application_errors(sources)
    found = []
    for path, tree in sources.items():
        found += [
            f"{path}:{call.lineno} {node.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and node.name in errors
            for call in ast.walk(node)
            if isinstance(call, ast.Call) and _is_super_init(call) and _says_english(call)
        ]
        found += [
            f"{path}:{call.lineno} {_name(call.func)}(...)"
            for call in ast.walk(tree)
            if isinstance(call, ast.Call)
            and _takes_message_first(_name(call.func), errors)
            and _says_english(call)
        ]
    return found


def test_the_scan_finds_an_english_refusal_and_passes_a_marked_one() -> None:
    sample = ast.parse(
        "class OwnError(ApplicationError):\n"
        "    def __init__(self, iin):\n"
        "        super().__init__(f'No person {iin}.', code='x')\n"
        "class MarkedError(ConflictError):\n"
        "    def __init__(self, iin):\n"
        "        super().__init__(_('No person %(iin)s.') % {'iin': iin}, code='x')\n"
        "class FactError(ApplicationError):\n"
        "    def __init__(self, fact):\n"
        "        super().__init__(_('Fact %(f)s.') % {'f': fact}, code='x')\n"
        "raise ApplicationError('Bad ' + 'input.', code='x')\n"
        "raise NotFoundError(message=_('No such award.'), code='x')\n"
        "raise FactError('avg_monthly_income')\n"
    )
    assert untranslated_refusals({Path("sample.py"): sample}) == [
        "sample.py:3 OwnError",
        "sample.py:10 ApplicationError(...)",
    ]


def test_every_refusal_a_service_raises_is_marked_for_translation() -> None:
    found = untranslated_refusals(_sources())
    assert not found, "wrap the message in _() and translate it in kk and ru:\n" + "\n".join(found)
