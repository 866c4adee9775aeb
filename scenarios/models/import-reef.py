#!/usr/bin/env python3
"""Writes a tiersim model file from one of REEF's per-kernel tables.

Usage: import-reef.py REEF_CSV MODEL_NAME "DESCRIPTION" > MODEL_NAME.cfg

REEF_CSV is a table from shared/reference/reef-models/ (REEF commit 58dabe0a, files
resource/<model>/<model>.json and .profile.json, AMD MI50).  Conversions:
  blocks   = total_blocks (grid_x * grid_y * grid_z)
  threads  = threads_per_block
  smem     = shared_mem_bytes - 4: REEF's generator writes 4 + 4 * (elements of __shared__ arrays),
             so 4 means none
  dur_us   = latency_us, REEF's standalone latency of the whole kernel
  regs     = not in REEF's tables (REEF reads them from the code object at load time): the file
             sets default_regs = 32, a moderate count for TVM-generated kernels
"""
import csv
import sys


def main():
    src, name, desc = sys.argv[1], sys.argv[2], sys.argv[3]
    rows = list(csv.DictReader(open(src)))
    total = sum(int(r["latency_us"]) for r in rows)
    out = sys.stdout
    out.write(f"# {name}: {desc}\n")
    out.write(f"# Source: REEF (github.com/SJTU-IPADS/reef, commit 58dabe0a63fe6979349b358a78aa324cca050e4a),\n")
    out.write(f"#   resource/{src.rsplit('/', 1)[-1][:-4]}/*.json: TVM kernels measured standalone on an AMD MI50.\n")
    out.write("# Converted by scenarios/models/import-reef.py: blocks = grid size; smem = REEF's estimate - 4\n")
    out.write("#   (4 means no shared memory); dur_us = REEF's standalone kernel latency.\n")
    out.write("# Registers per thread are not in REEF's tables: default_regs = 32 is an assumption.\n")
    out.write(f"# {len(rows)} kernel launches, sum of solo latencies {total} us.\n")
    out.write(f'name = "{name}";\n')
    out.write(f'description = "{desc}";\n')
    out.write('source = "REEF MI50 tables (commit 58dabe0a)";\n')
    out.write("default_regs = 32;\n")
    out.write("kernels = (\n")
    for i, r in enumerate(rows):
        smem = max(0, int(r["shared_mem_bytes"]) - 4)
        sep = "," if i + 1 < len(rows) else ""
        out.write(f'  {{ name = "{r["kernel_name"]}"; blocks = {r["total_blocks"]}; '
                  f'threads = {r["threads_per_block"]}; smem = {smem}; dur_us = {r["latency_us"]}; }}{sep}\n')
    out.write(");\n")


if __name__ == "__main__":
    main()
