"""Command line entry point: ``python -m scripts.make_corpus``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from .build import DEFAULT_SEED, build_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("sample_docs"),
        help="output folder; train/ and the demo files go here",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help="random seed; the same seed writes the same files",
    )
    parser.add_argument(
        "--per-category", type=int, default=50, help="documents written per category"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated categories to write (default: all)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    only = [c for c in args.only.split(",") if c]
    build_corpus(args.out, args.seed, args.per_category, only)


if __name__ == "__main__":
    main()
