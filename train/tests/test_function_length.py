import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from function_length import long_functions  # noqa: E402


def write_function(path: Path, name: str, statements: int, mark: str = "") -> None:
    body = "".join(f"    x{i} = {i}\n\n    # a comment\n" for i in range(statements))
    path.write_text(f'def {name}():  {mark}\n    """Doc\n    string."""\n{body}    return 0\n')


def test_counts_code_lines_only(tmp_path):
    short = tmp_path / "short.py"
    write_function(short, "short", 98)  # def + 98 assignments + return = 100 lines of code
    assert long_functions(short, 100) == []
    long = tmp_path / "long.py"
    write_function(long, "long", 99)
    assert long_functions(long, 100) == [f"{long}:1: long has 101 lines of code (max 100)"]


def test_a_table_opts_out(tmp_path):
    table = tmp_path / "table.py"
    write_function(table, "table", 150, "# function-length: table")
    assert long_functions(table, 100) == []
