"""Node-type and relation ids, in the order of the official BioBridge ``data_config.json``.

Mirrors ``src/kg/registry.ts``: official checkpoints index their embedding tables by these ids,
so the order must never change; project additions are appended.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence

BIOBRIDGE_NODE_TYPES: List[str] = [
    "biological_process",
    "gene/protein",
    "disease",
    "effect/phenotype",
    "anatomy",
    "molecular_function",
    "drug",
    "cellular_component",
    "pathway",
    "exposure",
]

BIOBRIDGE_RELATIONS: List[str] = [
    "expression present",
    "synergistic interaction",
    "interacts with",
    "ppi",
    "phenotype present",
    "parent-child",
    "associated with",
    "side effect",
    "contraindication",
    "expression absent",
    "target",
    "indication",
    "enzyme",
    "transporter",
    "off-label use",
    "linked to",
    "phenotype absent",
    "carrier",
]

EXTRA_NODE_TYPES: List[str] = ["variant"]
EXTRA_RELATIONS: List[str] = ["maps to"]


@dataclass(frozen=True)
class Registry:
    node_types: tuple
    relations: tuple

    def __post_init__(self) -> None:
        for kind, names in (("node type", self.node_types), ("relation", self.relations)):
            seen = set()
            for name in names:
                if not isinstance(name, str) or not name:
                    raise ValueError(f"registry {kind} names must be non-empty strings, got {name!r}")
                if name in seen:
                    raise ValueError(f'registry lists the {kind} "{name}" twice')
                seen.add(name)

    @staticmethod
    def default() -> "Registry":
        return Registry(
            tuple(BIOBRIDGE_NODE_TYPES + EXTRA_NODE_TYPES),
            tuple(BIOBRIDGE_RELATIONS + EXTRA_RELATIONS),
        )

    @staticmethod
    def official() -> "Registry":
        """The registry of the released checkpoint (10 node types, 18 relations)."""
        return Registry(tuple(BIOBRIDGE_NODE_TYPES), tuple(BIOBRIDGE_RELATIONS))

    @staticmethod
    def from_json(value: Dict[str, Sequence[str]]) -> "Registry":
        if not isinstance(value, dict) or "nodeTypes" not in value or "relations" not in value:
            raise ValueError("registry must be an object with nodeTypes and relations")
        return Registry(tuple(value["nodeTypes"]), tuple(value["relations"]))

    def to_json(self) -> Dict[str, List[str]]:
        return {"nodeTypes": list(self.node_types), "relations": list(self.relations)}

    def type_id(self, name: str) -> int:
        try:
            return self.node_types.index(name)
        except ValueError:
            raise KeyError(f'unknown node type "{name}"; known: {", ".join(self.node_types)}') from None

    def relation_id(self, name: str) -> int:
        try:
            return self.relations.index(name)
        except ValueError:
            raise KeyError(f'unknown relation "{name}"; known: {", ".join(self.relations)}') from None


def table_name_for_type(node_type: str) -> str:
    """Same rule as ``tableNameForType`` in TypeScript: ``gene/protein`` → ``gene_protein``."""
    import re

    name = re.sub(r"[^A-Za-z0-9]+", "_", node_type)
    return re.sub(r"^_+|_+$", "", name).lower()
