"""Deterministic, realistic demo items: the generator (generator.py) and its vocabulary (vocab.py, read
from data/demo/*.toml)."""
from dashboard.core.demo.generator import (
                                           CANONICAL_COLUMNS,
                                           TEXT_COLUMNS,
                                           default_end,
                                           generate_items,
                                           iter_item_batches,
                                           planned_incidents,
)

__all__ = ["CANONICAL_COLUMNS", "TEXT_COLUMNS", "default_end", "generate_items", "iter_item_batches",
           "planned_incidents"]
