"""argparse generated from a settings dataclass: each field's flag, type, default, choices and help are
declared once, on the field (``metadata={"help": ..., "choices": ...}``)."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any, Dict, Optional, Sequence

_ARGUMENT_TYPES = {"str": str, "int": int, "float": float}


def add_config_arguments(
    parser: argparse.ArgumentParser, config_class: type, names: Optional[Sequence[str]] = None
) -> None:
    """Adds ``--field-name`` for every field of ``config_class``, or for those in ``names``: a ``bool`` field
    is a switch, a field without a default is required, and a ``None`` default leaves the value unset."""
    for item in dataclasses.fields(config_class):
        if names is not None and item.name not in names:
            continue
        flag = "--" + item.name.replace("_", "-")
        help_text = item.metadata.get("help", "")
        type_name = str(item.type).replace("Optional[", "").rstrip("]")
        if type_name == "bool":
            parser.add_argument(flag, action="store_true", help=help_text)
            continue
        options: Dict[str, Any] = {"type": _ARGUMENT_TYPES[type_name], "help": help_text}
        if item.default is dataclasses.MISSING:
            options["required"] = True
        else:
            options["default"] = item.default
            if item.default is not None:
                options["help"] = f"{help_text} (default: {item.default})"
        if "choices" in item.metadata:
            options["choices"] = item.metadata["choices"]
        parser.add_argument(flag, **options)


def config_parser(config_class: type, prog: str, description: Optional[str]) -> argparse.ArgumentParser:
    """The command line of a module whose settings are all fields of ``config_class``."""
    parser = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_config_arguments(parser, config_class)
    return parser
