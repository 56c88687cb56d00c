#!/usr/bin/env python3
"""Reads the .trx files of a test run.

  test-failures.py report FILE...   prints the failed tests (name, message, the stack lines in SonicWeb), so that
                                    they are the last thing a CI log shows, not lost among thousands of app log lines
  test-failures.py filter FILE...   prints a `dotnet test --filter` expression selecting the failed tests' methods
                                    (nothing when none failed)
"""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def failures(path):
    root = ET.parse(path).getroot()
    methods = {}
    for test in root.iterfind(".//t:UnitTest", NS):
        method = test.find("t:TestMethod", NS)
        if method is not None:
            methods[test.get("id")] = f"{method.get('className')}.{method.get('name')}"
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") != "Failed":
            continue
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS).strip()
        stack = result.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=NS).strip()
        yield result.get("testName"), methods.get(result.get("testId")), result.get("duration"), message, stack


def report(found):
    if not found:
        return
    print(f"\n[test] {len(found)} failed test(s):")
    for name, _, duration, message, stack in found:
        print(f"\n--- FAILED {name} ({duration})")
        lines = message.splitlines()
        print("\n".join(lines[:40]) + ("\n..." if len(lines) > 40 else ""))
        own = [line for line in stack.splitlines() if "SonicWeb" in line][:8]
        if own:
            print("\n".join(own))


def main():
    mode, paths = sys.argv[1], sys.argv[2:]
    found = [f for path in paths for f in failures(path)]
    if mode == "report":
        report(found)
    elif mode == "filter":
        methods = sorted({method for _, method, _, _, _ in found if method})
        print("|".join(f"FullyQualifiedName={m}" for m in methods))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
