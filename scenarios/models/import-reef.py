#!/usr/bin/env python3
"""Writes a tiersim model file from one of REEF's per-kernel tables.

Usage: import-reef.py REEF_CSV MODEL_NAME "DESCRIPTION" > MODEL_NAME.cfg

REEF_CSV is a table from shared/reference/reef-models/ (REEF commit 58dabe0a, files
resource/<model>/<model>.json and .profile.json, AMD MI50; columns described in
shared/reference/README.md section 1.1).  Conversions:
  blocks   = total_blocks (grid_x * grid_y * grid_z)
  threads  = threads_per_block
  dur_us   = latency_us, REEF's standalone latency of the whole kernel
  occupancy_us = latency_by_occupancy_us: entry k = one-wave latency at k blocks per CU, as REEF's
             scheduler reads it; its length p (n_occupancy_levels) is the kernel's measured maximum
             blocks per CU
  smem     = shared_mem_bytes - 4: REEF's generator writes 4 + 4 * (elements of __shared__ arrays),
             so 4 means none.  Where q < p blocks of that size fit in the MI50's LDS
             (calib/profiles/mi50.cfg), the curve says which is right.  Flat from level q on (within
             REEF's 2-us timer step): the higher levels placed no more blocks, so the estimate holds
             and the curve is cut to its first q levels.  Still rising past q: more blocks did run,
             so the estimate is too high and smem is lowered to floor(shared_mem_per_sm / p)
  regs     = not in REEF's tables (REEF reads them from the code object at load time): the file
             sets default_regs = 32, a moderate count for TVM-generated kernels; 32 registers x
             2048 threads fill the MI50 CU's 65536 VGPRs, the 32 wavefronts REEF's deepest curves
             reach.  A kernel gets its own `regs` only where p blocks at 32 would not fit: the largest
             count that lets them, floor(registers_per_sm / (p * threads))
  dram_bytes = DRAM bytes read + written, fp32 (4 bytes an element), only where the element counts
             follow from the table (see DRAM below); other kernels (convolutions, Winograd
             transforms, batch-matmuls, reductions, kernels at TVM's 256-block cap) have none: the
             tables carry no tensor sizes for them

DRAM.  TVM's schedules for these kernels run one output element per thread, so a grid of `blocks`
blocks of `threads` holds ceil(elements / threads) blocks; its element-wise (injective) schedule caps
the grid at 256 blocks and loops beyond, so a grid of 256 gives only a lower bound.  Estimates:
  * element-wise fused_add / fused_add_nn_relu / fused_nn_batch_flatten with fewer than 256 blocks:
    elements = blocks * threads; fused_add_nn_relu is the residual add (two full inputs), fused_add
    adds a per-channel constant to the input (one), batch_flatten copies (one); + one output;
  * pools (and the ResNets' 256-block residual add): input and output element counts from the
    network's layer shapes (POOLS below), used only where the data confirm them: blocks =
    ceil(output elements / threads), or for the ResNets' global pool (8x8-thread blocks) the element
    counts of the stage-4 residual adds and of the flatten after it; checked here;
  * fused_nn_dense_add* (batch-1 GEMV, one block per output feature): out = blocks, in = the
    element count of the kernel before it (batch_flatten or the previous dense); bytes = 4 *
    (in + in * out weights + out bias + out);
  * fused_nn_softmax of one block right after a dense: elements = that dense's outputs, read and
    written once.
"""
import csv
import math
import os
import re
import sys

PROFILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "calib", "profiles", "mi50.cfg")
DEFAULT_REGS = 32
INJECTIVE_CAP = 256

# Pools (and one capped residual add) whose element counts come from the layer shapes, per REEF
# resource directory: kernel name (without tvmgen_default_) -> (input elements, output elements,
# where the shapes come from).
_RESNET64 = {
    "fused_nn_max_pool2d_add_nn_relu_kernel0": (64 * 32 * 32, 64 * 16 * 16, "stem max pool 3x3/2: 64x32x32 -> 64x16x16"),
    "fused_add_nn_relu_3_kernel0": (2 * 256 * 16 * 16, 256 * 16 * 16, "stage-1 residual add, 2 x 256x16x16 (256 blocks = exactly 65536 / 256)"),
    # Its grid (256 blocks of 8x8 threads) is not one output per thread: checked instead against the
    # stage-4 residual adds (fused_add_nn_relu_kernel0: 2048x2x2 = 32 blocks x 256; the last one is
    # fused into the convolution before the pool) and the flatten after it (2048 = 8 x 256).
    "fused_nn_global_avg_pool2d_kernel0": (2048 * 2 * 2, 2048, "global pool 2048x2x2 -> 2048",
                                           "fused_add_nn_relu_kernel0"),
}
POOLS = {
    "vgg": _RESNET64,
    "resnet152": _RESNET64,
    "densenet": {
        "fused_nn_max_pool2d_add_nn_relu_kernel0": (64 * 112 * 112, 64 * 56 * 56, "stem max pool 3x3/2"),
        "fused_nn_avg_pool2d_add_nn_relu_2_kernel0": (128 * 56 * 56, 128 * 28 * 28, "transition 1 avg pool 2x2/2"),
        "fused_nn_avg_pool2d_add_nn_relu_1_kernel0": (256 * 28 * 28, 256 * 14 * 14, "transition 2 avg pool 2x2/2"),
        "fused_nn_avg_pool2d_add_nn_relu_kernel0": (896 * 14 * 14, 896 * 7 * 7, "transition 3 avg pool 2x2/2"),
    },
    "inception": {
        "fused_nn_max_pool2d_6_kernel0": (64 * 147 * 147, 64 * 73 * 73, "stem max pool 3x3/2"),
        "fused_nn_max_pool2d_5_kernel0": (192 * 71 * 71, 192 * 35 * 35, "stem max pool 3x3/2"),
        "fused_nn_avg_pool2d_7_kernel0": (192 * 35 * 35, 192 * 35 * 35, "Mixed_5b branch pool 3x3/1"),
        "fused_nn_avg_pool2d_8_kernel0": (256 * 35 * 35, 256 * 35 * 35, "Mixed_5c branch pool 3x3/1"),
        "fused_nn_avg_pool2d_9_kernel0": (288 * 35 * 35, 288 * 35 * 35, "Mixed_5d branch pool 3x3/1"),
        "fused_nn_max_pool2d_7_kernel0": (288 * 35 * 35, 288 * 17 * 17, "Mixed_6a max pool 3x3/2"),
        "fused_nn_avg_pool2d_10_kernel0": (768 * 17 * 17, 768 * 17 * 17, "Mixed_6b-e branch pool 3x3/1"),
        "fused_nn_max_pool2d_8_kernel0": (768 * 17 * 17, 768 * 8 * 8, "Mixed_7a max pool 3x3/2"),
        "fused_nn_avg_pool2d_11_kernel0": (1280 * 8 * 8, 1280 * 8 * 8, "Mixed_7b branch pool 3x3/1"),
        "fused_nn_max_pool2d_9_kernel0": (2048 * 8 * 8, 2048 * 8 * 8, "Mixed_7c branch pool 3x3/1 (a max pool here)"),
        "fused_nn_avg_pool2d_6_kernel0": (2048 * 8 * 8, 2048, "global pool 2048x8x8 -> 2048"),
    },
    "alexnet": {
        "fused_nn_max_pool2d_2_kernel0": (96 * 54 * 54, 96 * 26 * 26, "pool 1, 3x3/2 after conv 1 (11x11/4, 224 -> 54)"),
        "fused_nn_max_pool2d_1_kernel0": (256 * 26 * 26, 256 * 12 * 12, "pool 2, 3x3/2"),
        "fused_nn_max_pool2d_kernel0": (256 * 12 * 12, 256 * 5 * 5, "pool 3, 3x3/2"),
    },
}
ELEMENTWISE_INPUTS = {"fused_add": 1, "fused_add_nn_relu": 2, "fused_nn_batch_flatten": 1}


def read_profile(path):
    text = open(path).read()
    dev = re.search(r"device\s*=\s*\{(.*?)\};", text, re.S).group(1)
    get = lambda key: int(re.search(rf"\b{key}\s*=\s*(\d+)\s*;", dev).group(1))
    return {k: get(k) for k in ("max_threads_per_sm", "max_blocks_per_sm", "registers_per_sm", "shared_mem_per_sm")}


TIMER_STEP_US = 2  # every latency in REEF's tables is even: its profiler's resolution


def fit(r, prof):
    """(regs or None, smem, how: None | "lowered" | "cut", curve) such that the curve's levels fit
    on one CU."""
    t = int(r["threads_per_block"])
    curve = [int(x) for x in r["latency_by_occupancy_us"].split(";")]
    p = len(curve)
    smem = max(0, int(r["shared_mem_bytes"]) - 4)
    if p * t > prof["max_threads_per_sm"] or p > prof["max_blocks_per_sm"]:
        sys.exit(f"{r['kernel_name']}: {p} blocks of {t} threads cannot fit on one CU")
    regs = None
    if p * t * DEFAULT_REGS > prof["registers_per_sm"]:
        regs = prof["registers_per_sm"] // (p * t)
    how = None
    q = prof["shared_mem_per_sm"] // smem if smem > 0 else p
    if q < p:
        if max(curve[q - 1:]) - min(curve[q - 1:]) <= TIMER_STEP_US:
            curve, how = curve[:q], "cut"
        else:
            smem, how = prof["shared_mem_per_sm"] // p, "lowered"
    return regs, smem, how, curve


def base_name(kernel_name):
    return kernel_name[len("tvmgen_default_"):] if kernel_name.startswith("tvmgen_default_") else kernel_name


def dram_estimates(stem, rows):
    """Per row: (bytes, output elements) or None."""
    pools = POOLS.get(stem, {})
    out = []
    prev_elems = None
    for r in rows:
        n, blocks, t = base_name(r["kernel_name"]), int(r["total_blocks"]), int(r["threads_per_block"])
        op = re.sub(r"(_\d+)?_kernel\d$", "", n)
        est = None
        if n in pools:
            i, o, _, *check = pools[n]
            if check:
                elems = lambda q: int(q["total_blocks"]) * int(q["threads_per_block"])
                nxt = rows[len(out) + 1] if len(out) + 1 < len(rows) else None
                ok = any(base_name(q["kernel_name"]) == check[0] and elems(q) == i for q in rows) \
                    and nxt is not None and elems(nxt) == o
            else:
                ok = math.ceil(o / t) == blocks
            if not ok:
                sys.exit(f"{stem} {n}: {i} -> {o} elements do not match the data")
            est = (4 * (i + o), o)
        elif op in ELEMENTWISE_INPUTS and blocks < INJECTIVE_CAP:
            e = blocks * t
            est = (4 * e * (ELEMENTWISE_INPUTS[op] + 1), e)
        elif op.startswith("fused_nn_dense_add") and prev_elems is not None:
            i, o = prev_elems, blocks
            est = (4 * (i + i * o + 2 * o), o)
        elif op == "fused_nn_softmax" and blocks == 1 and out and out[-1] is not None \
                and base_name(rows[len(out) - 1]["kernel_name"]).startswith("fused_nn_dense_add"):
            est = (4 * 2 * prev_elems, prev_elems)
        out.append(est)
        prev_elems = est[1] if est else None
    return out


def main():
    src, name, desc = sys.argv[1], sys.argv[2], sys.argv[3]
    stem = os.path.basename(src)[:-4]
    prof = read_profile(PROFILE)
    rows = list(csv.DictReader(open(src)))
    total = sum(int(r["latency_us"]) for r in rows)
    fits = [fit(r, prof) for r in rows]
    dram = dram_estimates(stem, rows)
    n_smem = sum(1 for f in fits if f[2] == "lowered")
    n_cut = sum(1 for f in fits if f[2] == "cut")
    n_regs = sum(1 for f in fits if f[0] is not None)
    n_dram = sum(1 for d in dram if d)
    t_dram = sum(int(r["latency_us"]) for r, d in zip(rows, dram) if d)
    out = sys.stdout
    out.write(f"# {name}: {desc}\n")
    out.write(f"# Source: REEF (github.com/SJTU-IPADS/reef, commit 58dabe0a63fe6979349b358a78aa324cca050e4a),\n")
    out.write(f"#   resource/{stem}/*.json: TVM kernels measured standalone on an AMD MI50.\n")
    out.write("# Converted by scenarios/models/import-reef.py: blocks = grid size; smem = REEF's estimate - 4\n")
    out.write("#   (4 means no shared memory); dur_us = REEF's standalone kernel latency.\n")
    out.write("# Registers per thread are not in REEF's tables: default_regs = 32 is an assumption.\n")
    out.write(f"# {len(rows)} kernel launches, sum of solo latencies {total} us.\n")
    out.write("# occupancy_us = REEF's latency_by_occupancy_us (profile JSON kernel_latency[k].latency): entry k is\n")
    out.write("#   the one-wave latency at k blocks per CU; its length is the measured maximum blocks per CU.\n")
    lds = prof["shared_mem_per_sm"]
    out.write(f"# Where REEF's smem estimate lets fewer blocks fit a CU ({lds} B of LDS) than the curve has levels:\n")
    out.write(f"#   {n_cut} launches' curves are flat from that level on (the extra levels placed no more blocks)\n")
    out.write(f"#   and are cut there; {n_smem} keep rising, so their smem is lowered to floor({lds} B / levels).\n")
    out.write(f"#   {n_regs} launches need regs below default_regs.\n")
    out.write("# dram_bytes (fp32) only where element counts follow from the table: element-wise kernels under\n")
    out.write("#   TVM's 256-block cap (one element per thread), pools from layer shapes their grids confirm,\n")
    out.write("#   batch-1 dense layers (in = previous kernel's outputs, out = blocks; weights dominate) and the\n")
    out.write("#   softmax after them; see the importer's docstring.  Convolutions and the rest have none.\n")
    out.write(f"#   {n_dram} of {len(rows)} launches have it ({t_dram} of {total} us of solo latency).\n")
    out.write(f'name = "{name}";\n')
    out.write(f'description = "{desc}";\n')
    out.write('source = "REEF MI50 tables (commit 58dabe0a)";\n')
    out.write(f"default_regs = {DEFAULT_REGS};\n")
    out.write("kernels = (\n")
    for i, (r, (regs, smem, _, curve), d) in enumerate(zip(rows, fits, dram)):
        if len(r["latency_by_occupancy_us"].split(";")) != int(r["n_occupancy_levels"]) or min(curve) <= 0:
            sys.exit(f"{src}:{r['index']}: bad latency_by_occupancy_us")
        curve = [str(x) for x in curve]
        sep = "," if i + 1 < len(rows) else ""
        regs_s = f"regs = {regs}; " if regs is not None else ""
        dram_s = f"dram_bytes = {d[0]}; " if d else ""
        out.write(f'  {{ name = "{r["kernel_name"]}"; blocks = {r["total_blocks"]}; '
                  f'threads = {r["threads_per_block"]}; {regs_s}smem = {smem}; dur_us = {r["latency_us"]}; '
                  f'{dram_s}occupancy_us = [ {", ".join(curve)} ]; }}{sep}\n')
    out.write(");\n")
    print(f"{name}: curve cut in {n_cut}, smem lowered in {n_smem}, regs in {n_regs}, dram_bytes in {n_dram} of {len(rows)} launches "
          f"({t_dram} of {total} us)", file=sys.stderr)


if __name__ == "__main__":
    main()
