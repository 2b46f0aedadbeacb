"""JUnit XML: one test suite per file, one failing test case per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from asynclint.diagnostics import Diagnostic
from asynclint.output import FormatOptions


def junit(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    root = ET.Element("testsuites", name="asynclint", tests=str(len(diagnostics) or 1),
                      failures=str(len(diagnostics)), errors="0")
    if not diagnostics:
        suite = ET.SubElement(root, "testsuite", name="asynclint", tests="1", failures="0",
                              errors="0")
        ET.SubElement(suite, "testcase", name="No errors found")
    for path, group in groupby(diagnostics, key=lambda d: d.path):
        found = list(group)
        rel = options.relpath(path)
        suite = ET.SubElement(root, "testsuite", name=rel, tests=str(len(found)),
                              failures=str(len(found)), errors="0")
        for d in found:
            case = ET.SubElement(suite, "testcase", name=f"org.asynclint.{d.code}",
                                 classname=rel, line=str(d.start.row),
                                 column=str(d.start.col + 1))
            failure = ET.SubElement(case, "failure", message=d.message)
            failure.text = f"line {d.start.row}, col {d.start.col + 1}, {d.message}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
