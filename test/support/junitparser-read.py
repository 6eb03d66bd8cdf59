"""Prints, as JSON, what junitparser reads from each JUnit file named on the command line:
per suite its count attributes and the outcomes of its cases (test/support/junit-validators.ts)."""
import json
import sys

from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite


def outcomes(cases, kind):
    return sum(1 for c in cases if any(isinstance(r, kind) for r in c.result))


out = {}
for path in sys.argv[1:]:
    xml = JUnitXml.fromfile(path)
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    rows = []
    for s in suites:
        cases = list(s)
        rows.append({
            'name': s.name,
            'attrs': {'tests': s.tests, 'failures': s.failures, 'errors': s.errors, 'skipped': s.skipped},
            'cases': {'tests': len(cases), 'failures': outcomes(cases, Failure), 'errors': outcomes(cases, Error), 'skipped': outcomes(cases, Skipped)},
        })
    out[path] = rows
print(json.dumps(out))
