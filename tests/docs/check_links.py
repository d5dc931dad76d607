#!/usr/bin/env python3
"""Checks that the repository's documentation stands alone.

  check_links.py ROOT

Fails (exit 1, one line per problem, "file:line: what") when
  - a relative link in README.md or docs/*.md names a file or directory that
    does not exist, or a #anchor that no heading of the target produces
    (GitHub's heading ids: lower case, punctuation dropped, spaces to '-',
    '-1', '-2' ... for repeats);
  - any file under README.md, docs/, src/, tests/, bench/, scripts/, data/,
    .ci/, CMakeLists.txt or Makefile points into ../shared or cites DESIGN.md
    (neither is part of a clone);
  - a citation "docs/ARCHITECTURE.md decision N" or "docs/REQUIREMENTS.md §N"
    names a decision or section that those pages do not have, or a path
    "docs/NAME.md" / "docs/NAME.yaml" mentioned anywhere names a missing file.

Links to URLs (anything with a scheme) are not fetched. Code spans and fenced
code blocks are skipped when links are read. Only the standard library is
used, so it runs wherever python3 does.
"""
import os
import re
import sys
import unicodedata

LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")

# What may not appear in the tree: the shared folder beside the repository,
# and the design document that lives there (cite docs/ARCHITECTURE.md).
FORBIDDEN = [
    (re.compile(r"\.\./shared\b|/work/shared\b"), "points into ../shared, which a clone does not have"),
    (re.compile(r"(?<![\w/.-])DESIGN\.md"), "cites DESIGN.md; cite docs/ARCHITECTURE.md decision N"),
    (re.compile(r"(?<![\w/.-])REQUIREMENTS\.md\s*§"), "cites REQUIREMENTS.md §N; cite docs/REQUIREMENTS.md §N"),
]
DECISION_CITE = re.compile(r"docs/ARCHITECTURE\.md,?\s+decisions?\s+(\d+)((?:(?:\s*,\s*|\s+and\s+)\d+)*)")
SECTION_CITE = re.compile(r"docs/REQUIREMENTS\.md\s+§(\d+)((?:(?:\s*,\s*|\s+and\s+)§?\d+)*)")
DOC_PATH = re.compile(r"(?<![\w/.-])docs/([A-Za-z0-9_.-]+\.(?:md|yaml))")

SCANNED_DIRS = ["docs", "src", "tests", "bench", "scripts", "data", ".ci"]
SCANNED_FILES = ["README.md", "CMakeLists.txt", "Makefile"]
SKIP_SUFFIXES = (".png", ".jpg", ".gz", ".db", ".key", ".crt", ".pem")


def slug(text):
    """GitHub's id for a heading's text."""
    text = re.sub(r"`([^`]*)`", r"\1", text)           # code spans keep their text
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"<[^>]+>", "", text)                # inline HTML
    out = []
    for ch in text.lower():
        cat = unicodedata.category(ch)
        if ch in " -":
            out.append("-" if ch == " " else ch)
        elif ch == "_" or cat[0] in "LN" or cat in ("Mn", "Mc"):
            out.append(ch)
    return "".join(out)


def strip_code_spans(line):
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", line)


def markdown_lines(path):
    """(number, line) of the lines outside fenced code blocks."""
    fence = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = FENCE.match(line)
            if fence:
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                    fence = None
                continue
            if m:
                fence = m.group(1)
                continue
            yield n, line.rstrip("\n")


_anchor_cache = {}


def anchors(path):
    if path not in _anchor_cache:
        seen = {}
        ids = set()
        for _, line in markdown_lines(path):
            m = HEADING.match(line)
            if not m:
                continue
            base = slug(m.group(2))
            k = seen.get(base, 0)
            seen[base] = k + 1
            ids.add(base if k == 0 else f"{base}-{k}")
        _anchor_cache[path] = ids
    return _anchor_cache[path]


def check_markdown(root, path, problems):
    rel = os.path.relpath(path, root)
    for n, line in markdown_lines(path):
        targets = [m.group(1) for m in LINK.finditer(strip_code_spans(line))]
        m = REF_DEF.match(line)
        if m:
            targets.append(m.group(1))
        for target in targets:
            if not target or SCHEME.match(target) or target.startswith("//"):
                continue
            file_part, _, anchor = target.partition("#")
            file_part = file_part.split("?")[0]
            if file_part:
                dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                if os.path.relpath(dest, root).startswith(".."):
                    problems.append(f"{rel}:{n}: link {target!r} leaves the repository")
                    continue
                if not os.path.exists(dest):
                    problems.append(f"{rel}:{n}: link {target!r}: no such file")
                    continue
            else:
                dest = path
            if anchor and dest.endswith(".md") and os.path.isfile(dest):
                if anchor not in anchors(dest):
                    problems.append(
                        f"{rel}:{n}: link {target!r}: {os.path.relpath(dest, root)} "
                        f"has no heading with id {anchor!r}")


def numbered_headings(path, level):
    """Numbers N of headings '#'*level + ' N. ...' in path (empty if missing)."""
    nums = set()
    if os.path.isfile(path):
        pat = re.compile(r"^" + "#" * level + r"\s+(\d+)\.\s")
        for _, line in markdown_lines(path):
            m = pat.match(line)
            if m:
                nums.add(int(m.group(1)))
    return nums


def scanned_files(root):
    for name in SCANNED_FILES:
        p = os.path.join(root, name)
        if os.path.isfile(p):
            yield p
    for d in SCANNED_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, d)):
            dirnames[:] = sorted(x for x in dirnames if not x.startswith("build"))
            for f in sorted(filenames):
                if not f.endswith(SKIP_SUFFIXES):
                    yield os.path.join(dirpath, f)


def check_citations(root, problems):
    decisions = numbered_headings(os.path.join(root, "docs", "ARCHITECTURE.md"), 3)
    sections = numbered_headings(os.path.join(root, "docs", "REQUIREMENTS.md"), 2)
    me = os.path.realpath(__file__)
    for path in scanned_files(root):
        rel = os.path.relpath(path, root)
        if os.path.realpath(path) == me or rel.replace(os.sep, "/").startswith("tests/docs/"):
            continue  # this checker and its own test name the patterns on purpose
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except (UnicodeDecodeError, OSError):
            continue
        for n, line in enumerate(lines, 1):
            for pattern, why in FORBIDDEN:
                if pattern.search(line):
                    problems.append(f"{rel}:{n}: {why}")
            for m in DECISION_CITE.finditer(line):
                for num in [m.group(1)] + re.findall(r"\d+", m.group(2)):
                    if int(num) not in decisions:
                        problems.append(f"{rel}:{n}: docs/ARCHITECTURE.md has no decision {num}")
            for m in SECTION_CITE.finditer(line):
                for num in [m.group(1)] + re.findall(r"\d+", m.group(2)):
                    if int(num) not in sections:
                        problems.append(f"{rel}:{n}: docs/REQUIREMENTS.md has no §{num}")
            for m in DOC_PATH.finditer(line):
                if not os.path.isfile(os.path.join(root, "docs", m.group(1))):
                    problems.append(f"{rel}:{n}: mentions docs/{m.group(1)}, which does not exist")


def main(argv):
    if len(argv) != 2:
        print("usage: check_links.py ROOT", file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1])
    problems = []
    docs = [os.path.join(root, "README.md")]
    docs_dir = os.path.join(root, "docs")
    if os.path.isdir(docs_dir):
        docs += [os.path.join(docs_dir, f) for f in sorted(os.listdir(docs_dir)) if f.endswith(".md")]
    for path in docs:
        if os.path.isfile(path):
            check_markdown(root, path, problems)
        else:
            problems.append(f"{os.path.relpath(path, root)}: missing")
    check_citations(root, problems)
    for p in problems:
        print(p)
    if problems:
        print(f"check_links: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check_links: {len(docs)} documents, every link and citation resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
