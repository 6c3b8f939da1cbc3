#!/usr/bin/env python3
"""Prints docs/shape-errors.md's table from real compiler runs.

Usage: examples/shape_errors/docs_table.py [g++ [clang++]]
For each catalogue file: the user's line with the mistake (the line before `#else`), the first
error line each compiler prints (path and position removed) and the number of lines of output.
"""
import pathlib
import re
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent
include = here.parent.parent / "include"
compilers = sys.argv[1:] or ["g++", "clang++"]


def run(compiler, source):
    flags = [line[len("// flags: "):].split() for line in source.read_text().splitlines()
             if line.startswith("// flags: ")]
    result = subprocess.run(
        [compiler, "-std=c++20", "-fsyntax-only", "-fno-diagnostics-color", f"-I{include}",
         *(flags[0] if flags else []), str(source)], capture_output=True, text=True)
    lines = (result.stdout + result.stderr).splitlines()
    first = next((line for line in lines if " error: " in line), "")
    return re.sub(r"^.*? error: ", "", first), len(lines)


def mistake_line(source):
    text = source.read_text().splitlines()
    for line in text:
        if line.startswith("// user-code: "):
            return line[len("// user-code: "):]
    start = next(i for i, line in enumerate(text) if line.startswith("#ifndef CTNN_CONTROL"))
    end = next(i for i, line in enumerate(text) if line.startswith("#else"))
    return " ".join(line.strip() for line in text[start + 1:end])


print("| Mistake | User code | " + " | ".join(
    f"{c}: first error line | lines" for c in compilers) + " |")
print("|---|---|" + "---|---|" * len(compilers))
for source in sorted(here.glob("*.cpp")):
    cells = [source.stem.replace("_", " "), f"`{mistake_line(source)}`"]
    for compiler in compilers:
        first, count = run(compiler, source)
        cells += [f"`{first}`", str(count)]
    print("| " + " | ".join(cells) + " |")
