"""`ropa import markdown`: a register kept as Markdown or wiki text.

Two shapes are read, in any mix:

- tables with one row per activity (GitHub/GitLab pipe tables, Confluence ``||`` tables,
  MediaWiki ``{| … |}`` tables), their headings in any of the usual wordings;
- fiches, CNIL-style: a heading per activity followed by ``Label: value`` lines (bullets
  and bold allowed, a list under an empty label) or by a two-column table of labels.

``Controller:`` / ``Responsable du traitement :`` lines name the controller (the whole
register's before the first activity, one activity's inside its fiche). Every line of the
document is accounted for in the import's ledger: each cell, label and line of prose is
read into an entity or reported with its line and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.importers.draft import Draft, ImportFailure
from registry.importers.freeform import FreeRow, split_items
from registry.importers.headings import read_columns, synonym_key
from registry.importers.sheet import ico_key
from registry.importers.spreadsheet import Cell
from registry.importers.text import fold

MAX_BYTES = 16 * 1024 * 1024
# Labels naming the controller or its DPO (the register's, or one fiche's).
CONTROLLER_LABELS = {
    fold(t)
    for t in (
        "controller",
        "data controller",
        "responsable du traitement",
        "responsable de traitement",
        "responsable",
        "verantwortlicher",
        "verantwortliche stelle",
        "verwerkingsverantwoordelijke",
        "organisation",
        "organization",
        "organisme",
    )
}
DPO_LABELS = {
    fold(t)
    for t in (
        "dpo",
        "data protection officer",
        "dpo/contact",
        "dpo / contact",
        "delegue a la protection des donnees",
        "dpd",
        "datenschutzbeauftragter",
        "datenschutzbeauftragte:r",
        "functionaris gegevensbescherming",
    )
}
# What a fiche needs to be an activity: at least one of these labels.
_ACTIVITY_KEYS = {"purposes", "data_categories", "data_subjects", "legal_basis", "retention"}
_TITLE_PREFIX = re.compile(
    r"^(?:(?:fiche|processing activity|activity|traitement|verarbeitungstatigkeit|verwerking)"
    r"\s*(?:n[°o]\s*)?#?\s*\d*\s*[:.)\-–—]?\s*|\d+\s*[.)]\s*(?:traitement\s*:?\s*)?)",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
# Confluence's "h2. Title" and MediaWiki's "== Title ==".
_WIKI_HEADING = re.compile(r"^(?:h[1-6]\.\s+(?P<title>.+)|=+\s*(?P<wiki>.+?)\s*=+)$")
_NUMBERED_TITLE = re.compile(
    r"^\d+\s*[.)]\s+(?:traitement|processing activity|activity|verwerking)\s*:\s*(?P<title>.+)$",
    re.I,
)
_LABEL = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<label>[^:*_|\[\]]{1,60}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?"
    r"\s*(?P<value>.*?)\s*$"
)
_ITEM = re.compile(r"^\s*[-*+]\s+(?P<item>.+?)\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")


@dataclass
class Piece:
    """A value with its line: a table cell, a label's value, a line of prose."""

    text: str
    line: int
    where: str


@dataclass
class Table:
    line: int
    headings: list[Piece]
    rows: list[list[Piece]]


@dataclass
class Section:
    title: Piece | None
    labels: list[tuple[Piece, Piece]] = field(default_factory=list)  # (label, value)
    tables: list[Table] = field(default_factory=list)
    prose: list[Piece] = field(default_factory=list)


def _clean(text: str) -> str:
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return "\n".join(part.strip() for part in text.split("\n")).strip()


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner.removeprefix("|").removesuffix("|")
    return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


class Document:
    """A Markdown or wiki document cut into sections of labels, tables and prose."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines = text.split("\n")
        self.sections: list[Section] = [Section(None)]
        self.tables = 0
        self._parse()

    def where(self, line: int, what: str = "") -> str:
        return f"{self.name}:{line}" + (f" {what}" if what else "")

    def _parse(self) -> None:
        i = 0
        lines = self.lines
        while i < len(lines):
            raw = lines[i]
            number = i + 1
            stripped = raw.strip()
            if not stripped or _RULE.match(stripped) or stripped.startswith("<!--"):
                i += 1
                continue
            heading = (
                _HEADING.match(stripped)
                or _WIKI_HEADING.match(stripped)
                or _NUMBERED_TITLE.match(stripped)
            )
            if heading:
                text = heading["title"] or heading.groupdict().get("wiki") or ""
                self.sections.append(
                    Section(Piece(_clean(text), number, self.where(number, "heading")))
                )
                i += 1
                continue
            if stripped.startswith("{|"):
                i = self._mediawiki(i)
                continue
            if stripped.startswith("||"):
                i = self._confluence(i)
                continue
            if stripped.startswith("|") and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
                i = self._pipe(i)
                continue
            label = _LABEL.match(raw)
            if label and not re.match(r"https?$|mailto$", label["label"].strip(), re.I):
                name = _clean(label["label"])
                value = _clean(label["value"])
                where = self.where(number, repr(name))
                items, i = [], i + 1
                while (
                    i < len(lines)
                    and (item := _ITEM.match(lines[i]))
                    and not _LABEL.match(lines[i])
                ):
                    if lines[i].startswith((" ", "\t")) or not value:
                        items.append(_clean(item["item"]))
                        i += 1
                    else:
                        break
                text = "\n".join([value] * bool(value) + items)
                self.sections[-1].labels.append(
                    (Piece(name, number, where), Piece(text, number, where))
                )
                continue
            self.sections[-1].prose.append(Piece(_clean(stripped), number, self.where(number)))
            i += 1

    def _table(self, line: int) -> Table:
        self.tables += 1
        return Table(line, [], [])

    def _piece(self, table: int, row: int, column: str, text: str, line: int) -> Piece:
        what = f"table {table} row {row} column {column!r}" if row else f"table {table} heading"
        if not row:
            what += f" {column!r}"
        return Piece(_clean(text), line, self.where(line, what))

    def _add_row(self, table: Table, cells: list[str], line: int) -> None:
        headings = [h.text for h in table.headings]
        row = len(table.rows) + 1
        pieces = []
        for index, text in enumerate(cells):
            column = headings[index] if index < len(headings) else f"#{index + 1}"
            pieces.append(self._piece(self.tables, row, column, text, line))
        table.rows.append(pieces)

    def _heads(self, table: Table, cells: list[str], line: int) -> None:
        table.headings = [
            self._piece(self.tables, 0, _clean(c) or f"#{n + 1}", c, line)
            for n, c in enumerate(cells)
        ]

    def _pipe(self, i: int) -> int:
        table = self._table(i + 1)
        self._heads(table, _cells(self.lines[i]), i + 1)
        i += 2
        while i < len(self.lines) and self.lines[i].strip().startswith("|"):
            self._add_row(table, _cells(self.lines[i]), i + 1)
            i += 1
        self.sections[-1].tables.append(table)
        return i

    def _confluence(self, i: int) -> int:
        table = self._table(i + 1)
        self._heads(table, [c for c in self.lines[i].strip().strip("|").split("||")], i + 1)
        i += 1
        while i < len(self.lines) and self.lines[i].strip().startswith("|"):
            self._add_row(table, _cells(self.lines[i]), i + 1)
            i += 1
        self.sections[-1].tables.append(table)
        return i

    def _mediawiki(self, i: int) -> int:
        table = self._table(i + 1)
        row: list[str] = []
        row_line = i + 1
        i += 1
        while i < len(self.lines) and not self.lines[i].strip().startswith("|}"):
            line = self.lines[i].strip()
            if line.startswith("|-"):
                if row:
                    self._add_row(table, row, row_line)
                row, row_line = [], i + 2
            elif line.startswith("!"):
                self._heads(table, [c.strip() for c in line[1:].split("!!")], i + 1)
            elif line.startswith("|+"):
                pass  # the caption
            elif line.startswith("|"):
                if not row:
                    row_line = i + 1
                row += [c.strip() for c in line[1:].split("||")]
            i += 1
        if row:
            self._add_row(table, row, row_line)
        self.sections[-1].tables.append(table)
        return i + 1


def _key(label: str, extra: dict[str, str] | None) -> str | None:
    key = synonym_key(label, extra)
    if key is None:
        key = ico_key(label)
    return key


class MarkdownImport:
    def __init__(self, document: Document, draft: Draft, extra: dict[str, str] | None) -> None:
        self.doc = document
        self.draft = draft
        self.extra = extra
        self.controller: str | None = None
        self.activities = 0
        for section in document.sections:
            for piece in self._pieces(section):
                if piece.text:
                    draft.expect(piece.where, piece.text)

    @staticmethod
    def _pieces(section: Section) -> list[Piece]:
        found = [section.title] if section.title else []
        found += [value for _, value in section.labels]
        for table in section.tables:
            found += table.headings
            for row in table.rows:
                found += row
        return found + section.prose

    def run(self) -> None:
        for section in self.doc.sections:
            self.section(section)
        if self.activities == 0:
            raise ImportFailure(
                f"{self.doc.name}: no register found (a table with a purpose column, or a "
                "heading per activity followed by `Purpose: …` lines)"
            )
        self.draft.sweep("not read: outside the register's tables and fiches")

    # -- the controller ----------------------------------------------------------------------
    def _organisation(self, text: str, where: str) -> str:
        parts = [p for p in split_items(text.replace("\n", ";")) if not re.fullmatch(r"\[.*\]", p)]
        if not parts:
            parts = [text]
        email = next((p for p in parts if re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", p)), None)
        phone = next((p for p in parts if re.fullmatch(r"\+?[\d\s().-]{6,}", p)), None)
        rest = [p for p in parts[1:] if p not in (email, phone)]
        contact = {k: v for k, v in (("email", email), ("phone", phone)) if v}
        return self.draft.organisation(
            parts[0], where, address=", ".join(rest) or None, contact=contact or None
        )

    def _controller_labels(self, labels: list[tuple[Piece, Piece]]) -> str | None:
        controller = None
        for label, value in labels:
            folded = fold(label.text).strip(" .")
            if folded in CONTROLLER_LABELS and value.text:
                controller = self._organisation(value.text, value.where)
                self.draft.mapped(value.where, f"Organisation {controller}")
        for label, value in labels:
            folded = fold(label.text).strip(" .")
            if folded in DPO_LABELS and value.text:
                target = controller or self.controller
                if target is None:
                    continue
                dpo = _dpo(value.text)
                self.draft.entities[("Organisation", target)].setdefault("dpo", dpo)
                self.draft.mapped(value.where, f"Organisation {target}.dpo")
        return controller

    def _default_controller(self) -> str:
        if self.controller is None:
            self.controller = self.draft.add(
                "Organisation",
                {
                    "id": "controller-to-be-named",
                    "name": "Controller to be named",
                    "description": "Placeholder written by `ropa import markdown`: the "
                    "register names no controller.",
                },
                self.doc.name,
            )
            self.draft.todo.append(
                f"organisations/{self.controller}.yaml is a placeholder: the register names "
                "no controller. Give its legal name, address and contact."
            )
        return self.controller

    # -- sections ------------------------------------------------------------------------------
    def section(self, section: Section) -> None:
        keyed = [(label, value, _key(label.text, self.extra)) for label, value in section.labels]
        for table in section.tables:
            keyed += self._label_table(table)
        is_fiche = any(k in _ACTIVITY_KEYS for _, _, k in keyed)
        found = self._controller_labels([(label, value) for label, value, _ in keyed])
        if found is not None and not is_fiche:
            self.controller = found  # the register's controller, before its activities
        for table in section.tables:
            if not self._is_label_table(table):
                self.table(table)
        if is_fiche:
            self.fiche(section, keyed, found)
        else:
            for label, value, _ in keyed:
                if value.text and not self.draft.ledger[self.draft.key(value.where)].outcomes:
                    self.draft.report(
                        value.where,
                        value.text,
                        f"a {label.text!r} line outside any activity: not read",
                    )
            if (
                section.title
                and not self.draft.ledger[self.draft.key(section.title.where)].outcomes
            ):
                self.draft.report(section.title.where, section.title.text, "a heading", quiet=True)

    def _is_label_table(self, table: Table) -> bool:
        if len(table.headings) != 2 or not table.rows:
            return False
        known = [r for r in table.rows if r and _key(r[0].text, self.extra)]
        return len(known) >= 2 and len(known) * 2 >= len(table.rows)

    def _label_table(self, table: Table) -> list[tuple[Piece, Piece, str | None]]:
        """A two-column table of labels and values (``| Élément | Description |``)."""
        if not self._is_label_table(table):
            return []
        for heading in table.headings:
            self.draft.report(heading.where, heading.text, "a column heading", quiet=True)
        found = []
        for row in table.rows:
            label, value = row[0], row[1] if len(row) > 1 else Piece("", row[0].line, "")
            self.draft.report(label.where, label.text, "a label of the fiche", quiet=True)
            for extra in row[2:]:
                if extra.text:
                    self.draft.report(extra.where, extra.text, "a third column in a fiche")
            found.append((Piece(_clean(label.text), label.line, label.where), value, None))
        return [(label, value, _key(label.text, self.extra)) for label, value, _ in found]

    def fiche(
        self,
        section: Section,
        keyed: list[tuple[Piece, Piece, str | None]],
        controller: str | None,
    ) -> None:
        cells: dict[str, Cell] = {}
        for label, value, key in keyed:
            folded = fold(label.text).strip(" .")
            if folded in CONTROLLER_LABELS or folded in DPO_LABELS:
                continue
            if key is None or key == "ignore":
                if value.text:
                    reason = (
                        "ignored (--columns)"
                        if key == "ignore"
                        else f"a line the register's format has no field for ({label.text!r}): "
                        "map it with --columns"
                    )
                    self.draft.report(value.where, value.text, reason, quiet=key == "ignore")
                continue
            if key in cells:
                before = cells[key]
                if value.text:
                    self.draft.report(
                        value.where, value.text, f"a second {label.text!r} line: not read"
                    )
                cells[key] = before
                continue
            cells[key] = Cell(value.text or None, value.where)
        if "name" not in cells and section.title is not None:
            title = _TITLE_PREFIX.sub("", section.title.text).strip() or section.title.text
            cells["name"] = Cell(title, section.title.where)
        elif section.title is not None:
            self.draft.report(section.title.where, section.title.text, "a heading", quiet=True)
        owner = controller or self.controller or self._default_controller()
        reader = FreeRow(self.draft, owner, free=True)
        self.activities += 1
        reader.read(cells, 0)
        for label, value, _ in keyed:  # the controller's lines of this fiche
            if value.text and fold(label.text).strip(" .") in CONTROLLER_LABELS:
                self.draft.mapped(value.where, f"Organisation {owner}")

    def table(self, table: Table) -> None:
        keys: dict[int, str] = {}
        for index, heading in enumerate(table.headings):
            key = _key(heading.text, self.extra)
            if key and key not in keys.values():
                keys[index] = key
                reason = f"a column heading (read as {key})" if key != "ignore" else "ignored"
                self.draft.report(heading.where, heading.text, reason, quiet=True)
            elif heading.text:
                self.draft.report(heading.where, heading.text, "a column heading", quiet=True)
        if not {"purposes", "name"} & set(keys.values()) or len(set(keys.values())) < 2:
            for row in table.rows:
                for piece in row:
                    if piece.text:
                        self.draft.report(
                            piece.where,
                            piece.text,
                            "a table that is not a register (no purpose or activity column)",
                        )
            return
        owner = self.controller or self._default_controller()
        reader = FreeRow(self.draft, owner, free=True)
        for row in table.rows:
            cells: dict[str, Cell] = {}
            for index, piece in enumerate(row):
                key = keys.get(index)
                if key is None or key == "ignore":
                    if piece.text:
                        self.draft.report(
                            piece.where,
                            piece.text,
                            "ignored (--columns)"
                            if key == "ignore"
                            else "column not in the register's format: map it with --columns",
                            quiet=key == "ignore",
                        )
                    continue
                cells[key] = Cell(piece.text or None, piece.where)
            if any(cell.text for cell in cells.values()):
                self.activities += 1
                reader.read(cells, 0)


def _dpo(text: str) -> dict[str, Any]:
    email = re.search(r"[^@\s<>()\[\]]+@[^@\s<>()\[\]]+\.\w+", text)
    name = re.sub(r"\s*[-–(,]?\s*[^@\s<>()\[\]]+@[^@\s<>()\[\]]+\.\w+\)?", "", text).strip(" -–,")
    result: dict[str, Any] = {}
    if name and not re.fullmatch(r"\[.*\]|\{\{.*\}\}", name):
        result["name"] = name
    if email:
        result["email"] = email[0]
    return result or {"name": text}


def import_markdown(path: Path, draft: Draft, *, columns: Path | None = None) -> None:
    if not path.is_file():
        raise ImportFailure(f"{path} is not a file")
    if path.stat().st_size > MAX_BYTES:
        raise ImportFailure(f"{path} is larger than {MAX_BYTES // 2**20} MiB")
    data = path.read_bytes()
    if data.startswith(b"PK") or b"\x00" in data[:8192]:
        raise ImportFailure(
            f"{path.name} is not Markdown (binary content): a spreadsheet is imported with "
            f"`ropa import spreadsheet {path} --out DIR`"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailure(f"{path.name} is not UTF-8 text") from None
    extra = read_columns(columns) if columns is not None else None
    MarkdownImport(Document(path.name, text.replace("\r\n", "\n")), draft, extra).run()
