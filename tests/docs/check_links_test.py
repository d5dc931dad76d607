#!/usr/bin/env python3
"""Tests of check_links.py on small trees made for each case: it passes a tree
whose links and citations resolve, and fails, naming file and line, on each
kind of break it is meant to catch. Without this, a checker that passes
everything would look the same as a repository whose links are all right."""
import os
import subprocess
import sys
import tempfile
import unittest

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_links.py")

ARCHITECTURE = """# Architecture

## Decisions

### 1. First

### 2. Second

## Same heading

## Same heading

## 管理区分 and `code`: punctuation (dropped)!
"""

REQUIREMENTS = """# Requirements

## 1. One

## 2. Two

```
## 3. Not a heading: inside a fence
```
"""

README = """# Project

See [the architecture](docs/ARCHITECTURE.md), [requirements](docs/REQUIREMENTS.md#2-two),
[the second copy](docs/ARCHITECTURE.md#same-heading-1),
[the Japanese heading](docs/ARCHITECTURE.md#管理区分-and-code-punctuation-dropped),
[a folder](src) and [the web](https://example.org/missing.md).

[ref]: docs/ARCHITECTURE.md#decisions

`[in a code span](missing.md)`

```
[in a fence](missing.md)
```
"""

SOURCE = """// Cites docs/ARCHITECTURE.md decision 1 and docs/REQUIREMENTS.md §2,
// docs/ARCHITECTURE.md decisions 1 and 2, docs/REQUIREMENTS.md §1, §2.
int main() { return 0; }
"""


class CheckLinksTest(unittest.TestCase):
    def setUp(self):
        base = os.environ.get("MAMORI_TEST_TMP")
        if base:
            os.makedirs(base, exist_ok=True)
        self._tmp = tempfile.TemporaryDirectory(prefix="check_links_", dir=base)
        self.root = self._tmp.name
        self.write("README.md", README)
        self.write("docs/ARCHITECTURE.md", ARCHITECTURE)
        self.write("docs/REQUIREMENTS.md", REQUIREMENTS)
        self.write("src/main.cc", SOURCE)

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def append(self, rel, text):
        with open(os.path.join(self.root, rel), "a", encoding="utf-8") as f:
            f.write(text)

    def run_checker(self):
        p = subprocess.run([sys.executable, CHECKER, self.root],
                           capture_output=True, text=True, check=False)
        return p.returncode, p.stdout

    def assertFailsWith(self, *fragments):
        code, out = self.run_checker()
        self.assertEqual(code, 1, out)
        for f in fragments:
            self.assertIn(f, out)

    def test_a_tree_whose_links_resolve_passes(self):
        code, out = self.run_checker()
        self.assertEqual(code, 0, out)

    def test_a_link_to_a_missing_file_fails(self):
        self.append("README.md", "\nAnd [gone](docs/GONE.md).\n")
        self.assertFailsWith("README.md:16: link 'docs/GONE.md': no such file")

    def test_a_link_from_docs_resolves_relative_to_its_own_folder(self):
        self.append("docs/REQUIREMENTS.md", "\n[ok](ARCHITECTURE.md) [bad](docs/ARCHITECTURE.md)\n")
        self.assertFailsWith("docs/REQUIREMENTS.md:11: link 'docs/ARCHITECTURE.md': no such file")
        code, out = self.run_checker()
        self.assertEqual(out.count("no such file"), 1, out)

    def test_a_missing_anchor_fails(self):
        self.append("README.md", "\n[x](docs/ARCHITECTURE.md#3-third)\n")
        self.assertFailsWith("has no heading with id '3-third'")

    def test_a_missing_anchor_in_the_same_file_fails(self):
        self.append("docs/ARCHITECTURE.md", "\nSee [above](#decisions) and [nowhere](#nowhere).\n")
        self.assertFailsWith("docs/ARCHITECTURE.md", "'#nowhere'")
        code, out = self.run_checker()
        self.assertNotIn("'#decisions'", out)

    def test_a_third_copy_of_a_heading_is_not_there_yet(self):
        self.append("README.md", "\n[x](docs/ARCHITECTURE.md#same-heading-2)\n")
        self.assertFailsWith("'same-heading-2'")

    def test_a_heading_inside_a_fence_is_no_anchor(self):
        self.append("README.md", "\n[x](docs/REQUIREMENTS.md#3-not-a-heading-inside-a-fence)\n")
        self.assertFailsWith("has no heading with id")

    def test_a_broken_reference_definition_fails(self):
        self.append("README.md", "\n[other]: docs/NOPE.md\n")
        self.assertFailsWith("link 'docs/NOPE.md': no such file")

    def test_a_link_out_of_the_repository_fails(self):
        self.append("README.md", "\n[design](../shared/DESIGN.md)\n")
        self.assertFailsWith("leaves the repository", "points into ../shared")

    def test_source_pointing_into_shared_fails(self):
        self.append("src/main.cc", "// see ../shared/REQUIREMENTS.md\n")
        self.assertFailsWith("src/main.cc:4: points into ../shared")

    def test_source_citing_design_md_fails(self):
        self.append("src/main.cc", "// (DESIGN.md decision 1)\n")
        self.assertFailsWith("src/main.cc:4: cites DESIGN.md")

    def test_source_citing_bare_requirements_md_fails(self):
        self.append("src/main.cc", "// (REQUIREMENTS.md §2)\n")
        self.assertFailsWith("src/main.cc:4: cites REQUIREMENTS.md §N")

    def test_a_citation_of_a_missing_decision_fails(self):
        self.append("src/main.cc", "// docs/ARCHITECTURE.md decisions 2 and 3\n")
        self.assertFailsWith("src/main.cc:4: docs/ARCHITECTURE.md has no decision 3")

    def test_a_citation_of_a_missing_section_fails(self):
        self.append("src/main.cc", "// docs/REQUIREMENTS.md §1, §3\n")
        self.assertFailsWith("src/main.cc:4: docs/REQUIREMENTS.md has no §3")

    def test_a_mention_of_a_missing_doc_fails(self):
        self.append("src/main.cc", "// described in docs/MISSING.md\n")
        self.assertFailsWith("src/main.cc:4: mentions docs/MISSING.md")

    def test_a_missing_readme_fails(self):
        os.remove(os.path.join(self.root, "README.md"))
        self.assertFailsWith("README.md: missing")


if __name__ == "__main__":
    unittest.main(verbosity=2)
