#!/usr/bin/env python3
"""Checks the control catalogue (controls/NNN.tsv, one file per source document).

  check_catalogue.py ROOT

ROOT is the repository. Fails (exit 1, one line per problem, "file:line: what")
when
  - a file in controls/ ending in .tsv is not one of 000.tsv ... 004.tsv (a
    clause of a source mamori does not take rules from) or inspection_items.tsv,
    or one of those five is missing;
  - a row of inspection_items.tsv (the self-inspection checklist items: item,
    role, source, clause, question) is malformed, repeats an item, or cites a
    source and clause that is not a row of the catalogue;
  - a file is not UTF-8, its first line is not the header below, or a row has
    the wrong number of tab-separated fields;
  - a row has an empty clause, requirement or control, repeats a clause already
    in the same file, or has a mode outside the five below;
  - a `planned` or `not_applicable` row has no reason, or any other row has one;
  - an `enforced` or `evidenced` row names no code or no test, or an
    `attested`, `planned` or `not_applicable` row names either;
  - a `code` entry (a repository path, optionally `path#Symbol`) names a path
    outside the tree or one that does not exist, or a Symbol (`Name` or
    `Scope::Name`, every part a whole word) that the file does not contain;
  - a test `Suite.Name` has no TEST(Suite, Name), TEST_F(Suite, Name) or
    TEST_P(Suite, Name) in a .cc/.cpp/.h file under tests/ (the form
    `Prefix/Suite.Name/param` of an instantiated TEST_P matches TEST_P(Suite,
    Name)), or a test `ctest:NAME` is not declared by add_test(NAME ...),
    mamori_test(...) or gtest_discover_tests(...) in a CMakeLists.txt.

Only the standard library is used, so it runs wherever python3 does.
"""
import os
import re
import sys

HEADER = ["clause", "requirement", "control", "mode", "reason", "code", "tests"]
MODES = ("enforced", "evidenced", "attested", "planned", "not_applicable")
NEEDS_REASON = ("planned", "not_applicable")
NEEDS_IMPLEMENTATION = ("enforced", "evidenced")
SOURCES = ["%03d.tsv" % n for n in range(5)]
ITEMS = "inspection_items.tsv"
ITEMS_HEADER = ["item", "role", "source", "clause", "question"]

TEST_MACRO = re.compile(r"\b(TEST|TEST_F|TEST_P)\s*\(\s*([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)\s*\)")
CTEST_DECL = re.compile(
    r"\badd_test\s*\(\s*(?:NAME\s+)?([A-Za-z0-9_.+-]+)"
    r"|\bmamori_test\s*\(\s*([A-Za-z0-9_.+-]+)"
    r"|\bgtest_discover_tests\s*\(\s*([A-Za-z0-9_.+-]+)")
PLAIN_TEST = re.compile(r"^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$")
PARAM_TEST = re.compile(r"^[A-Za-z_]\w*/([A-Za-z_]\w*)\.([A-Za-z_]\w*)/[^\s/]+$")
SKIP_DIRS = {".git", "build", "node_modules"}


def walk(root, top):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("build"))
        for name in sorted(filenames):
            yield os.path.join(dirpath, name)


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def declared_gtests(root):
    """(kind, suite, name) for every TEST, TEST_F and TEST_P under tests/."""
    found = set()
    for path in walk(root, "tests"):
        if path.endswith((".cc", ".cpp", ".h")):
            for m in TEST_MACRO.finditer(read_text(path)):
                found.add((m.group(1), m.group(2), m.group(3)))
    return found


def declared_ctests(root):
    names = set()
    for path in walk(root, "."):
        if os.path.basename(path) == "CMakeLists.txt" or path.endswith(".cmake"):
            text = read_text(path)
            if path.endswith(".cmake"):
                # The definition `function(mamori_test name)` declares nothing.
                text = re.sub(r"function\s*\([^)]*\)", "", text)
            for m in CTEST_DECL.finditer(text):
                names.add(next(g for g in m.groups() if g))
    return names


def inside(root, path):
    full = os.path.realpath(os.path.join(root, path))
    base = os.path.realpath(root)
    return full == base or full.startswith(base + os.sep)


def check_code(root, entry, symbol_cache):
    """Returns what is wrong with one `code` entry, or None."""
    path, _, symbol = entry.partition("#")
    if not path or os.path.isabs(path) or ".." in path.split("/") or not inside(root, path):
        return "code %r is not a path inside the repository" % entry
    full = os.path.join(root, path)
    if not os.path.exists(full):
        return "code path %r does not exist" % path
    if "#" in entry:
        if not os.path.isfile(full):
            return "code %r: a symbol can only be looked up in a file" % entry
        if not re.fullmatch(r"[A-Za-z_~]\w*(::[A-Za-z_~]\w*)*", symbol):
            return "code %r: %r is not a symbol name" % (entry, symbol)
        text = symbol_cache.setdefault(full, read_text(full))
        for part in symbol.split("::"):
            if not re.search(r"(?<!\w)" + re.escape(part) + r"(?!\w)", text):
                return "code %r: symbol %r not found in %s" % (entry, part, path)
    return None


def check_test(entry, gtests, ctests):
    """Returns what is wrong with one `tests` entry, or None."""
    if entry.startswith("ctest:"):
        name = entry[len("ctest:"):]
        if name not in ctests:
            return "test %r: no add_test, mamori_test or gtest_discover_tests declares %r" % (entry, name)
        return None
    m = PLAIN_TEST.match(entry)
    if m:
        suite, name = m.groups()
        if any((kind, suite, name) in gtests for kind in ("TEST", "TEST_F", "TEST_P")):
            return None
        return "test %r: no TEST, TEST_F or TEST_P(%s, %s) under tests/" % (entry, suite, name)
    m = PARAM_TEST.match(entry)
    if m:
        suite, name = m.groups()
        if ("TEST_P", suite, name) in gtests:
            return None
        return "test %r: no TEST_P(%s, %s) under tests/" % (entry, suite, name)
    return "test %r is neither Suite.Name, Prefix/Suite.Name/param nor ctest:NAME" % entry


def check_file(root, rel, gtests, ctests, symbol_cache):
    problems = []
    full = os.path.join(root, rel)

    def bad(line, what):
        problems.append("%s:%d: %s" % (rel, line, what))

    try:
        with open(full, "rb") as f:
            text = f.read().decode("utf-8")
    except UnicodeDecodeError as e:
        bad(1, "not UTF-8 (%s)" % e.reason)
        return problems
    if text.startswith("\ufeff"):
        bad(1, "starts with a byte-order mark")
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0].rstrip("\r").split("\t") != HEADER:
        bad(1, "header must be: " + "\\t".join(HEADER))
        return problems
    seen = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.endswith("\r"):
            bad(number, "line ends in CR (use LF)")
            line = line[:-1]
        if not line.strip():
            bad(number, "empty line")
            continue
        fields = line.split("\t")
        if len(fields) != len(HEADER):
            bad(number, "%d fields, expected %d (tab-separated)" % (len(fields), len(HEADER)))
            continue
        row = dict(zip(HEADER, (f.strip() for f in fields)))
        clause, mode = row["clause"], row["mode"]
        for column in ("clause", "requirement", "control"):
            if not row[column]:
                bad(number, "empty %s" % column)
        if clause:
            if clause in seen:
                bad(number, "clause %r repeated (first on line %d)" % (clause, seen[clause]))
            else:
                seen[clause] = number
        if mode not in MODES:
            bad(number, "unknown mode %r (one of %s)" % (mode, ", ".join(MODES)))
            continue
        if mode in NEEDS_REASON and not row["reason"]:
            bad(number, "mode %s needs a reason" % mode)
        if mode not in NEEDS_REASON and row["reason"]:
            bad(number, "mode %s takes no reason" % mode)
        code, tests = row["code"].split(), row["tests"].split()
        if mode in NEEDS_IMPLEMENTATION:
            if not code:
                bad(number, "mode %s needs the code that implements it" % mode)
            if not tests:
                bad(number, "mode %s needs the tests that show it" % mode)
        else:
            if code:
                bad(number, "mode %s names no code" % mode)
            if tests:
                bad(number, "mode %s names no tests" % mode)
        for entry in code:
            what = check_code(root, entry, symbol_cache)
            if what:
                bad(number, what)
        for entry in tests:
            what = check_test(entry, gtests, ctests)
            if what:
                bad(number, what)
    return problems


def clauses_of(root, name):
    try:
        with open(os.path.join(root, "controls", name), encoding="utf-8") as f:
            return {line.split("\t", 1)[0] for line in f.read().split("\n")[1:] if line}
    except (OSError, UnicodeDecodeError):
        return set()


def check_items(root):
    """The self-inspection items cite rows of the catalogue."""
    rel = "controls/" + ITEMS
    try:
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            lines = f.read().split("\n")
    except UnicodeDecodeError:
        return ["%s:1: not UTF-8" % rel]
    if lines[0].split("\t") != ITEMS_HEADER:
        return ["%s:1: header must be %s" % (rel, "\t".join(ITEMS_HEADER))]
    problems, seen, clauses = [], set(), {}
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        cells = line.split("\t")
        if len(cells) != len(ITEMS_HEADER) or not all(cells):
            problems.append("%s:%d: needs %d non-empty fields" % (rel, number, len(ITEMS_HEADER)))
            continue
        item, _, source, clause, _ = cells
        if item in seen:
            problems.append("%s:%d: item %s repeated" % (rel, number, item))
        seen.add(item)
        name = source + ".tsv"
        if name == ITEMS:
            problems += check_items(root)
        elif name not in SOURCES:
            problems.append("%s:%d: source %s is not 000 ... 004" % (rel, number, source))
            continue
        if name not in clauses:
            clauses[name] = clauses_of(root, name)
        if clause not in clauses[name]:
            problems.append("%s:%d: clause %s is not a row of controls/%s" % (rel, number, clause, name))
    return problems


def check(root):
    problems = []
    controls = os.path.join(root, "controls")
    if not os.path.isdir(controls):
        return ["controls: directory missing"]
    present = sorted(n for n in os.listdir(controls) if n.endswith(".tsv"))
    for name in present:
        if name == ITEMS:
            problems += check_items(root)
        elif name not in SOURCES:
            problems.append("controls/%s:1: not a source of mamori (000.tsv ... 004.tsv)" % name)
    for name in SOURCES:
        if name not in present:
            problems.append("controls/%s:1: missing (one file per source document)" % name)
    gtests, ctests, symbol_cache = declared_gtests(root), declared_ctests(root), {}
    for name in SOURCES:
        if name in present:
            problems += check_file(root, "controls/" + name, gtests, ctests, symbol_cache)
    return problems


def main(argv):
    if len(argv) != 2:
        print("usage: check_catalogue.py ROOT", file=sys.stderr)
        return 2
    problems = check(argv[1])
    for p in problems:
        print(p)
    if problems:
        print("%d problem(s) in the control catalogue" % len(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
