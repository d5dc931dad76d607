#!/usr/bin/env python3
"""Tests of check_catalogue.py on small trees made for each case: it passes a
catalogue whose rows are well formed and whose code and tests exist, and fails,
naming file and line, on each kind of break it is meant to catch. Without this,
a checker that passes everything would look the same as a catalogue that is
right."""
import os
import subprocess
import sys
import tempfile
import unittest

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_catalogue.py")
HEADER = "clause\trequirement\tcontrol\tmode\treason\tcode\ttests\n"

SOURCE = """// The thing under test.
namespace demo {
class Ledger { public: int Rows() const; };
}  // namespace demo
"""

TESTS = """#include <gtest/gtest.h>
TEST(LedgerTest, CountsRows) {}
TEST_F(LedgerFixture, ListsItems) {}
TEST_P(LedgerParam, Refuses) {}
INSTANTIATE_TEST_SUITE_P(Modes, LedgerParam, ::testing::Values(1, 2));
"""

CMAKE = """mamori_test(demo_test SOURCES ledger_test.cc DEPS demo)
add_test(NAME demo_cli_test COMMAND bash demo.sh)
add_test(demo_old_style demo.sh)
"""

GOOD_ROWS = [
    "第1条\t台帳を備える\tThe ledger lists every dataset.\tenforced\t\tsrc/demo/ledger.h#demo::Ledger src/demo\tLedgerTest.CountsRows ctest:demo_cli_test",
    "第2条\t項目を示す\tItems are listed.\tevidenced\t\tsrc/demo/ledger.h#Rows\tLedgerFixture.ListsItems Modes/LedgerParam.Refuses/1 LedgerParam.Refuses ctest:demo_test ctest:demo_old_style",
    "第3条\t研修を行う\tThe organisation trains its staff.\tattested\t\t\t",
    "第4条\t監査する\tInternal audit cycles.\tplanned\tnot built yet\t\t",
    "第5条\t施設\tOutside the software.\tnot_applicable\tphysical security\t\t",
]


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class CheckCatalogueTest(unittest.TestCase):
    def make_tree(self, rows=None, header=HEADER, extra=None):
        base = os.environ.get("MAMORI_TEST_TMP")
        if base:
            os.makedirs(base, exist_ok=True)
        tmp = tempfile.TemporaryDirectory(dir=base)
        self.addCleanup(tmp.cleanup)
        root = tmp.name
        write(root, "src/demo/ledger.h", SOURCE)
        write(root, "tests/demo/ledger_test.cc", TESTS)
        write(root, "tests/demo/CMakeLists.txt", CMAKE)
        for n in range(5):
            body = header + "".join(r + "\n" for r in (rows if rows is not None and n == 2 else GOOD_ROWS))
            write(root, "controls/%03d.tsv" % n, body)
        for rel, text in (extra or {}).items():
            write(root, rel, text)
        return root

    def run_checker(self, root):
        return subprocess.run([sys.executable, CHECKER, root], capture_output=True, text=True)

    def assert_passes(self, root):
        r = self.run_checker(root)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")

    def assert_fails(self, root, *fragments, line=None):
        r = self.run_checker(root)
        self.assertEqual(r.returncode, 1, "checker passed a broken catalogue:\n" + r.stdout + r.stderr)
        for fragment in fragments:
            self.assertIn(fragment, r.stdout)
        if line is not None:
            self.assertIn("controls/002.tsv:%d:" % line, r.stdout)

    def with_row(self, row):
        """The good rows with `row` added as line 7 of controls/002.tsv."""
        return self.make_tree(rows=GOOD_ROWS + [row])

    def test_good_catalogue_passes(self):
        self.assert_passes(self.make_tree())

    def test_wrong_header(self):
        self.assert_fails(self.make_tree(header="clause\trequirement\tcontrol\tmode\tcode\ttests\n"),
                          "header must be", line=1)

    def test_wrong_field_count(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tattested\t\t"), "fields, expected 7", line=7)

    def test_unknown_mode(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tpartly\t\t\t"), "unknown mode 'partly'", line=7)

    def test_reason_on_enforced_row(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tenforced\tbecause\tsrc/demo/ledger.h\tLedgerTest.CountsRows"),
                          "takes no reason", line=7)

    def test_planned_without_reason(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tplanned\t\t\t"), "needs a reason", line=7)

    def test_not_applicable_without_reason(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tnot_applicable\t\t\t"), "needs a reason", line=7)

    def test_enforced_without_tests(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tenforced\t\tsrc/demo/ledger.h\t"),
                          "needs the tests", line=7)

    def test_evidenced_without_code(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tevidenced\t\t\tLedgerTest.CountsRows"),
                          "needs the code", line=7)

    def test_attested_naming_code(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tattested\t\tsrc/demo/ledger.h\t"),
                          "names no code", line=7)

    def test_missing_code_path(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tenforced\t\tsrc/demo/gone.h\tLedgerTest.CountsRows"),
                          "'src/demo/gone.h' does not exist", line=7)

    def test_code_path_outside_tree(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tenforced\t\t../outside.h\tLedgerTest.CountsRows"),
                          "not a path inside the repository", line=7)

    def test_missing_symbol(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tenforced\t\tsrc/demo/ledger.h#Ledge\tLedgerTest.CountsRows"),
                          "symbol 'Ledge' not found", line=7)

    def test_missing_gtest(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tenforced\t\tsrc/demo/ledger.h\tLedgerTest.Missing"),
                          "no TEST, TEST_F or TEST_P(LedgerTest, Missing)", line=7)

    def test_instantiated_name_needs_test_p(self):
        # CountsRows is a plain TEST: no instantiation of it can exist.
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tenforced\t\tsrc/demo/ledger.h\tModes/LedgerTest.CountsRows/0"),
                          "no TEST_P(LedgerTest, CountsRows)", line=7)

    def test_malformed_test_name(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tenforced\t\tsrc/demo/ledger.h\tCountsRows"),
                          "is neither Suite.Name", line=7)

    def test_missing_ctest(self):
        self.assert_fails(self.with_row("第9条\t要件\tControl.\tenforced\t\tsrc/demo/ledger.h\tctest:nowhere_test"),
                          "declares 'nowhere_test'", line=7)

    def test_duplicate_clause(self):
        self.assert_fails(self.with_row("第1条\t要件\tControl.\tattested\t\t\t"), "clause '第1条' repeated", line=7)

    def test_source_not_000_to_004(self):
        root = self.make_tree(extra={"controls/005.tsv": HEADER})
        self.assert_fails(root, "controls/005.tsv:1: not a source of mamori")

    def test_missing_source_file(self):
        root = self.make_tree()
        os.remove(os.path.join(root, "controls", "004.tsv"))
        self.assert_fails(root, "controls/004.tsv:1: missing")

    def test_not_utf8(self):
        root = self.make_tree()
        with open(os.path.join(root, "controls", "002.tsv"), "ab") as f:
            f.write("第9条\t要件\tControl.\tattested\t\t\t\n".encode("shift_jis"))
        self.assert_fails(root, "not UTF-8")

    def test_inspection_items_citing_catalogue_rows_pass(self):
        items = "item\trole\tsource\tclause\tquestion\nall-01\t*\t002\t第1条\t遵守していますか。\n"
        self.assert_passes(self.make_tree(extra={"controls/inspection_items.tsv": items}))

    def test_inspection_item_citing_a_missing_clause(self):
        items = "item\trole\tsource\tclause\tquestion\nall-01\t*\t002\t第99条\t遵守していますか。\n"
        root = self.make_tree(extra={"controls/inspection_items.tsv": items})
        self.assert_fails(root, "controls/inspection_items.tsv:2: clause 第99条 is not a row of controls/002.tsv")

    def test_inspection_item_repeated_or_short(self):
        items = ("item\trole\tsource\tclause\tquestion\nall-01\t*\t002\t第1条\tq\n"
                 "all-01\t*\t002\t第1条\tq\nall-02\t*\t002\n")
        root = self.make_tree(extra={"controls/inspection_items.tsv": items})
        self.assert_fails(root, "inspection_items.tsv:3: item all-01 repeated",
                          "inspection_items.tsv:4: needs 5 non-empty fields")


if __name__ == "__main__":
    unittest.main()
