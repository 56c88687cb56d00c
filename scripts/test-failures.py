#!/usr/bin/env python3
"""Prints the failed tests of a .trx file (name, message, first lines of the stack), so that they are the last
thing a CI log shows: the log's tail, not the middle of thousands of app log lines, says what failed and why."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def failures(path):
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") != "Failed":
            continue
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS).strip()
        stack = result.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=NS).strip()
        yield result.get("testName"), result.get("duration"), message, stack


def main():
    found = [f for path in sys.argv[1:] for f in failures(path)]
    if not found:
        return
    print(f"\n[test] {len(found)} failed test(s):")
    for name, duration, message, stack in found:
        print(f"\n--- FAILED {name} ({duration})")
        lines = message.splitlines()
        print("\n".join(lines[:40]) + ("\n..." if len(lines) > 40 else ""))
        own = [l for l in stack.splitlines() if "SonicWeb" in l][:8]
        if own:
            print("\n".join(own))


if __name__ == "__main__":
    main()
