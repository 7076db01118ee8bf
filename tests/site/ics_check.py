#!/usr/bin/env python3
"""Strict RFC 5545 check of every .ics file under the given folders, then a
parse by the `icalendar` package (PyPI), as calendar apps would.

The line checks are written out here rather than trusted to a parser,
because lenient parsers (icalendar included) accept what strict apps
reject: lines over 75 octets, bare LF, folds inside a UTF-8 character,
unescaped commas and semicolons in text values.
"""
import re
import sys
from pathlib import Path

import icalendar

# Properties whose value type is TEXT (RFC 5545 3.8) and which take one
# value: a comma or semicolon inside must be escaped.
TEXT_PROPS = {"SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "CONTACT", "X-WR-CALNAME", "X-WR-CALDESC"}
NAME = re.compile(r"^[A-Za-z0-9-]+")


def split_value(line):
    """Returns (name, value) of an unfolded content line, skipping quoted
    parameter values (which may hold ':')."""
    m = NAME.match(line)
    if not m:
        return None, None
    i, quoted = m.end(), False
    while i < len(line):
        c = line[i]
        if c == '"':
            quoted = not quoted
        elif c == ":" and not quoted:
            return m.group(0).upper(), line[i + 1 :]
        i += 1
    return m.group(0).upper(), None


def check_text(value):
    """Problems with the escaping of a TEXT value (RFC 5545 3.3.11)."""
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            if i + 1 >= len(value) or value[i + 1] not in "\\;,nN":
                return f"backslash not followed by \\\\, \\;, \\, or \\n at column {i + 1}"
            i += 2
            continue
        if c in ";,":
            return f"unescaped {c!r} at column {i + 1}"
        i += 1
    return None


def check_file(path):
    errors = []
    data = path.read_bytes()
    if not data.endswith(b"\r\n"):
        errors.append("the file does not end with CRLF")
    raw_lines = data.split(b"\r\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    logical = []  # (first physical line number, text)
    for n, raw in enumerate(raw_lines, 1):
        where = f"{path}:{n}"
        if b"\n" in raw or b"\r" in raw:
            errors.append(f"{where}: bare LF or CR (lines must end with CRLF)")
        if len(raw) > 75:
            errors.append(f"{where}: {len(raw)} octets (at most 75, the leading space of a continuation included)")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(f"{where}: not UTF-8 (a fold inside a multi-octet character?)")
            continue
        if any(ord(c) < 32 and c != "\t" for c in text):
            errors.append(f"{where}: control character")
        if text[:1] in (" ", "\t"):
            if not logical:
                errors.append(f"{where}: continuation line before any content line")
                continue
            logical[-1] = (logical[-1][0], logical[-1][1] + text[1:])
        else:
            logical.append((n, text))
    stack = []
    for n, line in logical:
        where = f"{path}:{n}"
        name, value = split_value(line)
        if name is None or value is None:
            errors.append(f"{where}: not a content line `name[;params]:value`: {line[:40]!r}")
            continue
        if name == "BEGIN":
            stack.append(value)
        elif name == "END":
            if not stack or stack.pop() != value:
                errors.append(f"{where}: END:{value} does not close the open component")
        if name in TEXT_PROPS:
            problem = check_text(value)
            if problem:
                errors.append(f"{where}: {name}: {problem}")
    if stack:
        errors.append(f"{path}: components left open: {stack}")
    # The parse calendar apps do; then what every event must carry.
    try:
        cal = icalendar.Calendar.from_ical(data.decode("utf-8", "replace"))
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        errors.append(f"{path}: icalendar cannot parse it: {e}")
        return errors, 0
    for key in ("VERSION", "PRODID"):
        if key not in cal:
            errors.append(f"{path}: VCALENDAR without {key}")
    events = cal.walk("VEVENT")
    for ev in events:
        for key in ("UID", "DTSTAMP", "DTSTART"):
            if key not in ev:
                errors.append(f"{path}: VEVENT {ev.get('UID', '?')} without {key}")
    if not events:
        errors.append(f"{path}: no VEVENT")
    return errors, len(events)


def main(folders):
    files = sorted(p for f in folders for p in Path(f).rglob("*.ics"))
    if not files:
        print("ics_check: no .ics file found", file=sys.stderr)
        return 1
    errors, events = [], 0
    for path in files:
        e, n = check_file(path)
        errors += e
        events += n
    for e in errors:
        print(e, file=sys.stderr)
    print(f"ics_check: {len(files)} files, {events} events, {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["out"]))
