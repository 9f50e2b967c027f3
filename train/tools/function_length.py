"""Fails when a function in the trainer has more than MAX_LINES lines of code (house style, issue 14).

Counts the lines of a function (its `def` line included) that hold code: blank lines, comment-only lines and the
docstring are not counted, and nested functions count toward the function around them (as
ESLint's max-lines-per-function does for src/). A function that is a table may opt out with a
`# function-length: table` comment on its `def` line.

Usage: python3 tools/function_length.py [--max N] PATH...
"""

import argparse
import ast
import io
import sys
import tokenize
from pathlib import Path

MAX_LINES = 100
TABLE_MARK = "function-length: table"


def code_lines(source: str) -> set[int]:
    """Line numbers that hold a token other than a comment, a newline or a string statement."""
    lines: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in skip or token.type == tokenize.ENDMARKER:
            continue
        lines.update(range(token.start[0], token.end[0] + 1))
    return lines


def docstring_lines(function: ast.AST) -> set[int]:
    body = getattr(function, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        first = body[0]
        if isinstance(first.value.value, str):
            return set(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return set()


def long_functions(path: Path, max_lines: int) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    code = code_lines(source)
    source_lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if TABLE_MARK in source_lines[node.lineno - 1]:
            continue
        span = set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        count = len((span & code) - docstring_lines(node))
        if count > max_lines:
            found.append(f"{path}:{node.lineno}: {node.name} has {count} lines of code (max {max_lines})")
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=MAX_LINES)
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    files = [file for path in args.paths for file in ([path] if path.is_file() else sorted(path.rglob("*.py")))]
    found = [line for file in files for line in long_functions(file, args.max)]
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
