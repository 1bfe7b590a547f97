"""Work done on each item before the write transaction: personal-data masks and word terms.

Both are stored, so pages never tokenise or scan for phone numbers at request time.
Large batches are tokenised in worker processes (one per core).
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

import pandas as pd

from dashboard.core.pii import mask_text
from dashboard.core.sentiment import get_lexicon, score_tokens
from dashboard.core.text import get_tokenizer

# Below this many items one process is faster than starting workers.
PARALLEL_THRESHOLD = 20_000
_CHUNK = 5_000

Progress = Callable[[str, float], None]


def add_masks(frame: pd.DataFrame) -> pd.DataFrame:
    """Masked copies of title, content and reply where they hold personal data (else NULL)."""
    kinds_per_row: list[set[str]] = [set() for _ in range(len(frame))]
    for source, target in (("title", "title_masked"), ("content", "content_masked"),
                           ("reply_content", "reply_masked")):
        masked_values = []
        for i, text in enumerate(frame[source]):
            masked, kinds = mask_text(text)
            if kinds:
                kinds_per_row[i].update(kinds)
                masked_values.append(masked)
            else:
                masked_values.append(None)
        frame[target] = pd.Series(masked_values, dtype=object, index=frame.index)
    frame["pii_kinds"] = pd.Series([sorted(k) for k in kinds_per_row], dtype=object, index=frame.index)
    return frame


def _analyse_chunk(args: tuple[str | None, list[str], list[str]]) -> tuple[list[str], list[str], list[int], list[str]]:
    """One segmentation per item gives both its word-cloud terms and its sentiment."""
    dicts_dir, ids, texts = args
    tokenizer = get_tokenizer(Path(dicts_dir) if dicts_dir else None)
    lexicon = get_lexicon(dicts_dir, tokenizer=tokenizer)
    out_ids, out_terms, out_counts, labels = [], [], [], []
    for item_id, text in zip(ids, texts):
        tokens, counts = tokenizer.analyse(text)
        labels.append(score_tokens(tokens, lexicon))
        for term, count in counts.items():
            out_ids.append(item_id)
            out_terms.append(term)
            out_counts.append(min(count, 32767))
    return out_ids, out_terms, out_counts, labels


def analyse_items(frame: pd.DataFrame, dicts_dir: Path | None = None,
                  progress: Progress | None = None) -> tuple[pd.DataFrame, list[str]]:
    """(item_id, term, n) rows and a sentiment label per item, from title + content."""
    ids = frame["id"].tolist()
    texts = [" ".join(part for part in (title, content) if part)
             for title, content in zip(frame["title"], frame["content"])]
    chunks = [(str(dicts_dir) if dicts_dir else None, ids[i:i + _CHUNK], texts[i:i + _CHUNK])
              for i in range(0, len(ids), _CHUNK)]
    results = []
    workers = min(os.cpu_count() or 1, 8)
    if len(ids) >= PARALLEL_THRESHOLD and workers > 1:
        # spawn, not fork: the dashboard process runs threads, and forking those is unsafe
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            for done, result in enumerate(pool.map(_analyse_chunk, chunks), start=1):
                results.append(result)
                if progress:
                    progress("分词与情感", done / len(chunks))
    else:
        for done, chunk in enumerate(chunks, start=1):
            results.append(_analyse_chunk(chunk))
            if progress:
                progress("分词与情感", done / len(chunks))
    terms = pd.DataFrame({
        "item_id": [x for r in results for x in r[0]],
        "term": [x for r in results for x in r[1]],
        "n": pd.array([x for r in results for x in r[2]], dtype="int16"),
    })
    return terms, [label for r in results for label in r[3]]
