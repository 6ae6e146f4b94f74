"""Reading one input CSV strictly: encoding, header and field counts, with line numbers kept."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from .contract import FileSpec

MAX_LISTED = 200


@dataclass
class Problems:
    """Rule failures, each `file:line: column=value — rule`, capped at MAX_LISTED listed."""

    items: list[str] = field(default_factory=list)
    total: int = 0

    def add(self, file: str, line: int | str, column: str = "", value: object = "", rule: str = "") -> None:
        self.total += 1
        if len(self.items) < MAX_LISTED:
            shown = str(value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            where = f"{file}:{line}:"
            cell = f" {column}={shown}" if column else ""
            self.items.append(f"{where}{cell} — {rule}")

    def lines(self) -> list[str]:
        extra = self.total - len(self.items)
        return self.items + ([f"… and {extra} more problems not listed"] if extra > 0 else [])

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class RawTable:
    """An input file as text cells, with the source line of each row."""

    file: str
    frame: pd.DataFrame
    lines: np.ndarray


def read_raw(path: Path, spec: FileSpec, problems: Problems) -> RawTable | None:
    """Read a CSV into string columns; report encoding, header and field-count problems."""
    name = path.name
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(name, line, rule=f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
        return None
    if "\x00" in text:
        problems.add(name, text[: text.index("\x00")].count("\n") + 1, rule="contains a NUL byte; not a text CSV")
        return None
    if not text.strip():
        problems.add(name, 1, rule=f"file is empty; expected the header row: {_header(spec)}")
        return None
    fast = _plain_rows(text, spec)
    if fast is not None:
        header, body = fast
        if not _header_ok(header, spec, name, problems):
            return None
        if body is None:
            problems.add(name, 2, rule="header only: the file has no data rows")
            return None
        frame, lines = body
        return RawTable(name, frame, lines)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
        rows, lines = _rows(reader, len(header), name, problems)
    except csv.Error as exc:
        problems.add(name, reader.line_num, rule=f"malformed CSV ({exc}); check quotes")
        return None
    if not _header_ok(header, spec, name, problems):
        return None
    if not rows:
        problems.add(name, 2, rule="header only: the file has no data rows")
        return None
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    for column in spec.columns:
        if column.name not in frame.columns:  # an optional column left out: read as blank
            frame[column.name] = ""
    frame = frame[spec.column_names].apply(lambda col: col.str.strip())
    return RawTable(name, frame, np.asarray(lines, dtype=np.int64))


def _plain_rows(text: str, spec: FileSpec):
    """The fast path for a plain file — no quotes, no blank or ragged lines, no control characters: polars reads it.

    Returns (header, None) for a header-only file, (header, (frame, lines)) otherwise, or None when the file
    needs the strict line-by-line reader (which reports each problem with its line).
    """
    data = text.encode("utf-8")
    raw = np.frombuffer(data, dtype=np.uint8)
    if (raw == ord('"')).any() or ((raw < 0x20) & (raw != ord("\n")) & (raw != ord("\r"))).any():
        return None
    if data.count(b"\r") != data.count(b"\r\n"):
        return None
    ends = np.flatnonzero(raw == ord("\n"))
    if ends.size == 0 or ends[-1] != len(raw) - 1:
        ends = np.append(ends, len(raw))  # the last line has no line break
    starts = np.concatenate(([0], ends[:-1] + 1))
    crlf = data.count(b"\r") > 0
    if ((ends - starts) <= (1 if crlf else 0)).any():
        return None  # a blank line
    commas = np.flatnonzero(raw == ord(","))
    fields = np.searchsorted(commas, ends) - np.searchsorted(commas, starts) + 1
    if (fields != fields[0]).any():
        return None
    header = [h.strip() for h in next(csv.reader([data[: ends[0]].decode("utf-8").rstrip("\r")]))]
    if len(set(header)) != len(header) or set(header) != set(spec.column_names):
        return None  # any other header: the strict reader and its header rules
    if len(ends) == 1:
        return header, None  # header only
    frame = pl.read_csv(
        io.BytesIO(data), has_header=True, new_columns=header, infer_schema=False, quote_char=None,
        empty_string_is_null=False,
    ).select(pl.col(c).str.strip_chars() for c in spec.column_names).to_pandas()
    return header, (frame, np.arange(2, len(ends) + 1, dtype=np.int64))


def _rows(reader, width: int, name: str, problems: Problems) -> tuple[list[list[str]], list[int]]:
    rows: list[list[str]] = []
    lines: list[int] = []
    previous_end = reader.line_num
    for row in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not row:
            continue
        if len(row) != width:
            problems.add(
                name, start, rule=f"expected {width} fields, found {len(row)} (truncated line or unquoted comma?)"
            )
            continue
        rows.append(row)
        lines.append(start)
    return rows, lines


def _header_ok(header: list[str], spec: FileSpec, name: str, problems: Problems) -> bool:
    ok = True
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.add(name, 1, column, column, "column appears twice in the header")
            ok = False
        seen.add(column)
        if column not in spec.column_names:
            problems.add(
                name, 1, column, column, f"unknown column; {spec.filename} has exactly: {_listed(spec)}"
            )
            ok = False
    for column in spec.columns:
        if column.name not in seen and not column.optional:
            problems.add(name, 1, column.name, "", "required column missing from the header")
            ok = False
    return ok


def _listed(spec: FileSpec) -> str:
    return ", ".join(f"{c.name} (optional)" if c.optional else c.name for c in spec.columns)


def _header(spec: FileSpec) -> str:
    return ",".join(c.name for c in spec.columns if not c.optional)
