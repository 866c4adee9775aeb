#!/usr/bin/env python3
"""Writes tiersim model files for Pantheon's nine tasks, and AlexNet scaled to the Jetson Xavier NX.

Usage: import-pantheon.py PANTHEON_REF_DIR REEF_ALEXNET_CFG [REEF_REF_DIR]    (run from scenarios/models/)
REEF_REF_DIR defaults to PANTHEON_REF_DIR/../reef-models.

Source: Pantheon (github.com/PantheonInfer/Pantheon, commit 63aa7d35) model repository configs,
flattened in shared/reference/pantheon/: per-block latencies (blocks.csv), exits (exits.csv) and
backbones and input shapes (tasks.csv), measured standalone on a Jetson Xavier NX at 20 W.

The reference has latencies per block but no kernels, and it does not record which layers
Pantheon's graph partition put in each block.  So, for each task:
  1. the backbone's convolution layers are built from its architecture at the task's input size
     (output channels x height x width, and multiply-accumulates, per layer);
  2. chunk boundaries are placed between layers so that the cumulative share of the backbone's
     multiply-accumulates at each boundary is as close as possible to the cumulative share of
     the measured block latencies (every chunk gets at least one layer);
  3. each layer is one kernel of 256-thread blocks, as many blocks as ceil(outputs / 256), and
     the chunk's measured latency is divided among its kernels in proportion to their
     multiply-accumulates;
  4. each exit head is two kernels over the exit chunk's output feature map: a convolution-like
     kernel (grid from the feature map, 80% of the measured head latency) and a classifier (one
     block, 20%).
Registers per thread (32) and shared memory (none) are assumptions: the reference has neither.

Contention inputs (DESIGN section 2 rule 5).  The reference has no occupancy curves on the Xavier NX,
so each kernel gets an sm_demand (the share of one SM's throughput one of its blocks takes) by what
its layer does, taken from REEF's measured curves on the AMD MI50 (shared/reference/reef-models/,
REEF commit 58dabe0a, column latency_by_occupancy_us: entry k = one-wave latency L(k) at k blocks
per CU).  For each REEF kernel, d = 1 / max_k (k * L(1) / L(k)): the inverse of its peak throughput
relative to one block, i.e. its per-block demand under processor sharing.  One value per distinct
kernel (file, kernel name) of REEF's nine DNN tables (mocked_kernel, a hand-written probe, is left
out), and only curves of two or more levels (a single level carries no information).  Medians:
  * "conv" -- REEF's convolutions (Winograd included), dense layers and batch-matmuls -- for
    Pantheon's dense convolutions (1x1, 3x3, 7x7), linear layers and the exit heads;
  * "light" -- REEF's element-wise kernels, pools and MobileNet's depthwise convolutions (odd
    convolution calls 1..25 of mobilenet.csv, a MobileNet-v1: stem, then depthwise/pointwise
    pairs) -- for Pantheon's depthwise convolutions and pools.
REEF's reductions (softmax, mean, variance) are in neither group.  A curve flat up to its last
level p gives d = 1/p, an upper bound: the demand could be lower.  These are MI50 CU figures;
applying them to the Xavier NX's SMs is an assumption.  The importer prints the medians and counts.

DRAM.  dram_bytes per backbone layer = input activations + output activations + convolution
weights, 4 bytes per element: Pantheon ran fp32 (offline/export.py traces each block with a
float32 torch.randn input, and online/apps/profiler/main.cpp feeds torch::rand and never converts
to half; commit 63aa7d35).  BatchNorm and activation parameters are left out (a few KB), and so is
the traffic of BatchNorm/ReLU kernels that TorchScript may run separately: one kernel per layer.
The exit heads' layers are not in the reference, so the head kernels have no dram_bytes.
"""
import csv
import importlib.machinery
import math
import os
import re
import statistics
import sys

FP32 = 4
REEF_TABLES = ["vgg", "resnet152", "resnet", "densenet", "inception", "bert", "mobilenet", "resnet18", "alexnet"]


def curve_demand(curve):
    """Per-block SM demand under processor sharing from a one-wave latency curve L(1..p)."""
    return 1.0 / max(k * curve[0] / curve[k - 1] for k in range(1, len(curve) + 1))


def reef_kind(table, index, name):
    n = name[len("tvmgen_default_"):] if name.startswith("tvmgen_default_") else name
    if table == "mobilenet" and "conv2d" in n and 1 <= index <= 25 and index % 2 == 1:
        return "light"
    if re.search(r"conv2d|dense|matmul", n):
        return "conv"
    if re.search(r"softmax|mean|variance", n):
        return None
    return "light"


# The REEF importer's rule for curves whose top levels placed no more blocks (see its docstring).
REEF_IMPORT = importlib.machinery.SourceFileLoader(
    "import_reef", os.path.join(os.path.dirname(os.path.abspath(__file__)), "import-reef.py")).load_module()
MI50 = REEF_IMPORT.read_profile(REEF_IMPORT.PROFILE)


def reef_demands(reef_dir):
    """Median sm_demand and count per kind over REEF's distinct kernels with curves of 2+ levels."""
    d = {"conv": [], "light": []}
    for table in REEF_TABLES:
        seen = set()
        for r in csv.DictReader(open(os.path.join(reef_dir, table + ".csv"))):
            if r["kernel_name"] in seen:
                continue
            seen.add(r["kernel_name"])
            curve = [float(x) for x in REEF_IMPORT.fit(r, MI50)[3]]  # cut where import-reef.py cuts it
            kind = reef_kind(table, int(r["index"]), r["kernel_name"])
            if kind and len(curve) >= 2:
                d[kind].append(curve_demand(curve))
    return {k: (round(statistics.median(v), 4), len(v)) for k, v in d.items()}


class Net:
    def __init__(self, c, h, w):
        self.c, self.h, self.w, self.layers = c, h, w, []

    # A layer: (name, out channels, out height, out width, multiply-accumulates, kind, DRAM bytes).
    # kind is "conv" (dense convolution or linear layer) or "light" (depthwise convolution, pool);
    # DRAM bytes = input + output activations + weights, fp32 (see DRAM in the module docstring).
    def conv(self, name, cout, k, s=1, groups=1, cin=None, in_hw=None):
        cin = self.c if cin is None else cin
        hin, win = (self.h, self.w) if in_hw is None else in_hw
        self.h, self.w = max(1, math.ceil(self.h / s)), max(1, math.ceil(self.w / s))
        macs = self.h * self.w * cout * (cin // groups) * k * k
        elems = cin * hin * win + cout * self.h * self.w + cout * (cin // groups) * k * k
        self.layers.append((name, cout, self.h, self.w, macs, "conv" if groups == 1 else "light", FP32 * elems))
        self.c = cout

    def pool(self, name, s=2):
        elems = self.c * self.h * self.w
        self.h, self.w = max(1, math.ceil(self.h / s)), max(1, math.ceil(self.w / s))
        elems += self.c * self.h * self.w
        self.layers.append((name, self.c, self.h, self.w, self.c * self.h * self.w * 9, "light", FP32 * elems))


def resnet(c, h, w, blocks, bottleneck):
    n = Net(c, h, w)
    n.conv("stem_conv7x7", 64, 7, 2)
    n.pool("stem_maxpool")
    for stage, (planes, count) in enumerate(zip([64, 128, 256, 512], blocks)):
        for b in range(count):
            s = 2 if stage > 0 and b == 0 else 1
            cin, tag, in_hw = n.c, f"l{stage + 1}b{b}", (n.h, n.w)
            if bottleneck:
                n.conv(tag + "_conv1x1a", planes, 1)
                n.conv(tag + "_conv3x3", planes, 3, s)
                n.conv(tag + "_conv1x1b", planes * 4, 1)
                out = planes * 4
            else:
                n.conv(tag + "_conv3x3a", planes, 3, s)
                n.conv(tag + "_conv3x3b", planes, 3)
                out = planes
            if b == 0 and (s != 1 or cin != out):
                hw = (n.h, n.w)
                n.conv(tag + "_downsample", out, 1, 1, cin=cin, in_hw=in_hw)
                n.h, n.w = hw
    return n


def vgg16_bn(c, h, w):
    n = Net(c, h, w)
    for i, v in enumerate([64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]):
        if v == "M":
            n.pool(f"pool{i}")
        else:
            n.conv(f"conv{i}", v, 3)
    n.conv("classifier_fc", 512, 1)
    return n


def googlenet(c, h, w):
    n = Net(c, h, w)
    n.conv("stem_conv7x7", 64, 7, 2)
    n.pool("stem_pool1")
    n.conv("stem_conv1x1", 64, 1)
    n.conv("stem_conv3x3", 192, 3)
    n.pool("stem_pool2")
    mods = [("3a", 64, 96, 128, 16, 32, 32), ("3b", 128, 128, 192, 32, 96, 64), "M",
            ("4a", 192, 96, 208, 16, 48, 64), ("4b", 160, 112, 224, 24, 64, 64), ("4c", 128, 128, 256, 24, 64, 64),
            ("4d", 112, 144, 288, 32, 64, 64), ("4e", 256, 160, 320, 32, 128, 128), "M",
            ("5a", 256, 160, 320, 32, 128, 128), ("5b", 384, 192, 384, 48, 128, 128)]
    for m in mods:
        if m == "M":
            n.pool("pool")
            continue
        tag, c1, c3r, c3, c5r, c5, pp = m
        cin = n.c
        n.conv(tag + "_b1_1x1", c1, 1, cin=cin)
        n.conv(tag + "_b2_1x1", c3r, 1, cin=cin)
        n.conv(tag + "_b2_3x3", c3, 3)
        n.conv(tag + "_b3_1x1", c5r, 1, cin=cin)
        n.conv(tag + "_b3_3x3", c5, 3)
        n.conv(tag + "_b4_1x1", pp, 1, cin=cin)
        n.c = c1 + c3 + c5 + pp
    return n


def mobilenet_v2(c, h, w, ssdlite=False):
    n = Net(c, h, w)
    n.conv("stem_conv3x3", 32, 3, 2)
    for i, (t, ch, reps, s) in enumerate([(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                                          (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]):
        for r in range(reps):
            tag, hidden = f"ir{i}_{r}", n.c * t
            if t != 1:
                n.conv(tag + "_expand", hidden, 1)
            n.conv(tag + "_dw3x3", hidden, 3, s if r == 0 else 1, groups=hidden)
            n.conv(tag + "_project", ch, 1)
    n.conv("last_conv1x1", 1280, 1)
    if ssdlite:
        for i, (out, ratio) in enumerate([(512, 0.2), (256, 0.25), (256, 0.5), (64, 0.25)]):
            hidden = int(n.c * ratio)
            n.conv(f"extra{i}_expand", hidden, 1)
            n.conv(f"extra{i}_dw3x3", hidden, 3, 2, groups=hidden)
            n.conv(f"extra{i}_project", out, 1)
    return n


BACKBONES = {
    "ResNet-18": lambda c, h, w: resnet(c, h, w, [2, 2, 2, 2], False),
    "ResNet-34": lambda c, h, w: resnet(c, h, w, [3, 4, 6, 3], False),
    "ResNet-50": lambda c, h, w: resnet(c, h, w, [3, 4, 6, 3], True),
    "VGG-16-BN": vgg16_bn,
    "GoogLeNet": googlenet,
    "MobileNetV2": mobilenet_v2,
    "MobileNetV2-SSDLite": lambda c, h, w: mobilenet_v2(c, h, w, ssdlite=True),
}


def split(layers, lat):
    """Chunk boundaries (first layer index of chunks 1..N-1) following the latency profile."""
    total_m, total_l = sum(l[4] for l in layers), sum(lat)
    cum_m, acc = [], 0
    for l in layers:
        acc += l[4]
        cum_m.append(acc / total_m)
    starts, cum_l, prev = [], 0, 0
    for j in range(1, len(lat)):
        cum_l += lat[j - 1] / total_l
        lo, hi = prev + 1, len(layers) - (len(lat) - j)
        best = min(range(lo, hi + 1), key=lambda i: abs(cum_m[i - 1] - cum_l))
        starts.append(best)
        prev = best
    return starts


DEMAND = {}  # kind -> (median sm_demand, count), from reef_demands()


def kernel(name, blocks, dur, kind, dram=None):
    extra = f"sm_demand = {DEMAND[kind][0]}; " + (f"dram_bytes = {dram}; " if dram else "")
    return f'{{ name = "{name}"; blocks = {blocks}; threads = 256; dur_us = {dur:.3f}; {extra}}}'


def demand_header(out):
    (dc, nc), (dl, nl) = DEMAND["conv"], DEMAND["light"]
    out.write("# sm_demand by layer kind: medians of REEF's per-kernel d = 1 / max_k (k L(1) / L(k)), measured on\n")
    out.write(f"#   an AMD MI50 CU (REEF commit 58dabe0a, latency_by_occupancy_us): {dc} for convolutions and\n")
    out.write(f"#   linear layers (n = {nc} REEF conv/GEMM/dense kernels), {dl} for depthwise convolutions and\n")
    out.write(f"#   pools (n = {nl} element-wise/pool/depthwise kernels).  Applied to the Xavier NX's SMs as an\n")
    out.write("#   assumption.\n")


def write_task(out, t, blocks, exits):
    _, c, h, w = [int(x) for x in t["input_shape"].split("x")]
    net = BACKBONES[t["backbone"]](c, h, w)
    lat = [b[1] for b in blocks]
    starts = split(net.layers, lat)
    bounds = [0] + starts + [len(net.layers)]
    out.write(f"# {t['task']} ({t['app']}): {t['backbone']} on {t['input_shape']}, {len(lat)} chunks, {len(exits)} exits.\n")
    out.write("# Source: Pantheon (github.com/PantheonInfer/Pantheon, commit 63aa7d35),\n")
    out.write(f"#   experiments/model_repositories/{t['app']}/{t['task']}/config.pbtxt: block and exit latencies\n")
    out.write("#   measured standalone on a Jetson Xavier NX at 20 W, and exit accuracies.\n")
    out.write("# Kernels derived by scenarios/models/import-pantheon.py (its header says how): one kernel per\n")
    out.write("#   backbone layer, grids from layer output sizes, chunk boundaries placed so that the layers'\n")
    out.write("#   cumulative multiply-accumulates follow the measured cumulative latency, each chunk's latency\n")
    out.write("#   shared among its kernels by multiply-accumulates.  Registers (32) and shared memory (none)\n")
    out.write("#   are assumptions.\n")
    demand_header(out)
    out.write("# dram_bytes per backbone layer: input + output activations + weights, fp32 (Pantheon ran fp32\n")
    out.write("#   TorchScript); exit heads have none.\n")
    out.write(f'name = "{t["task"]}";\n')
    out.write(f'description = "Pantheon {t["task"]}: {t["backbone"]} {t["input_shape"]}, {len(lat)} chunks, {len(exits)} exits (Xavier NX)";\n')
    out.write('source = "Pantheon model repository (commit 63aa7d35), Jetson Xavier NX";\n')
    out.write("kernels = (\n")
    rows = []
    for ci in range(len(lat)):
        ls = net.layers[bounds[ci]:bounds[ci + 1]]
        tot = sum(l[4] for l in ls)
        for l in ls:
            rows.append(f"  {kernel(f'c{ci}_' + l[0], max(1, math.ceil(l[1] * l[2] * l[3] / 256)), max(0.001, lat[ci] * l[4] / tot), l[5], l[6])}")
    out.write(",\n".join(rows) + "\n);\n")
    out.write("chunks = [ " + ", ".join(str(bounds[i]) for i in range(1, len(lat))) + " ];\n")
    out.write("exits = (\n")
    erows = []
    for e in exits:
        feat = net.layers[bounds[e["after_block"] + 1] - 1]
        grid = max(1, math.ceil(feat[1] * feat[2] * feat[3] / 256))
        erows.append(f'  {{ after_chunk = {e["after_block"]}; accuracy = {e["accuracy"]}; kernels = (\n'
                     f'      {kernel("head_conv", grid, 0.8 * e["latency"], "conv")},\n'
                     f'      {kernel("head_classifier", 1, 0.2 * e["latency"], "conv")} ); }}')
    out.write(",\n".join(erows) + "\n);\n")
    return net


def main():
    ref, alexnet = sys.argv[1], sys.argv[2]
    reef = sys.argv[3] if len(sys.argv) > 3 else os.path.join(ref, "..", "reef-models")
    DEMAND.update(reef_demands(reef))
    for kind, what in (("conv", "convolution/GEMM/dense"), ("light", "element-wise/pool/depthwise")):
        print(f"sm_demand {kind}: median {DEMAND[kind][0]} over {DEMAND[kind][1]} REEF {what} kernels (MI50)")
    tasks = list(csv.DictReader(open(os.path.join(ref, "tasks.csv"))))
    blocks, exits = {}, {}
    for r in csv.DictReader(open(os.path.join(ref, "blocks.csv"))):
        blocks.setdefault(r["task"], []).append((int(r["block_index"]), int(r["block_latency_us"])))
    for r in csv.DictReader(open(os.path.join(ref, "exits.csv"))):
        exits.setdefault(r["task"], []).append({"after_block": int(r["after_block"]), "latency": int(r["exit_latency_us"]),
                                                "accuracy": r["accuracy"], "index": int(r["exit_index"])})
    macs_per_us = None
    for t in tasks:
        bl = sorted(blocks[t["task"]])
        ex = sorted(exits[t["task"]], key=lambda e: e["index"])
        with open(t["task"] + ".cfg", "w") as out:
            net = write_task(out, t, bl, ex)
        if t["task"] == "gender_classification":
            macs_per_us = sum(l[4] for l in net.layers) / float(t["full_model_latency_us"])

    # AlexNet on the NX: REEF's MI50 kernels, every duration scaled by one factor so that the model
    # takes its multiply-accumulates at the throughput Pantheon's VGG-16-BN shows on the NX.
    alex_macs = 714e6  # torchvision AlexNet at 224x224
    text = open(alexnet).read()
    durs = [float(x) for x in re.findall(r"dur_us = ([0-9.]+);", text)]
    target = alex_macs / macs_per_us
    scale = target / sum(durs)
    body = re.sub(r"dur_us = ([0-9.]+);", lambda m: f"dur_us = {float(m.group(1)) * scale:.3f};", text.split("kernels = (", 1)[1])
    # REEF's occupancy curves are MI50 measurements: on the NX each kernel keeps only the demand its
    # own curve implies, as sm_demand (its occupancy cap and absolute latencies do not carry over).
    body = re.sub(r"occupancy_us = \[([0-9., ]+)\];",
                  lambda m: f"sm_demand = {round(curve_demand([float(x) for x in m.group(1).split(',')]), 4)};", body)
    with open("alexnet-nx.cfg", "w") as out:
        out.write("# alexnet-nx: AlexNet on the Jetson Xavier NX, the BE model of Pantheon's scenarios.\n")
        out.write("# Derived by scenarios/models/import-pantheon.py from alexnet.cfg (REEF's MI50 table): same\n")
        out.write(f"#   kernels and grids, every duration scaled by {scale:.4f} so that the model's 0.714 G\n")
        out.write("#   multiply-accumulates (224x224) run at the throughput Pantheon's VGG-16-BN shows on the NX\n")
        out.write(f"#   ({macs_per_us * 1e-3:.2f} G MAC/s: its backbone's MACs over its measured full latency):\n")
        out.write(f"#   {target / 1000:.3f} ms.  A proportional model: it keeps REEF's kernel mix, not the NX's.\n")
        out.write("# Contention inputs from alexnet.cfg: regs, smem and dram_bytes (fp32) as there.  REEF's MI50\n")
        out.write("#   occupancy curves are not carried over; each kernel's sm_demand is the one its own curve implies,\n")
        out.write("#   d = 1 / max_k (k L(1) / L(k)), measured on an MI50 CU and applied to the NX's SMs as an assumption.\n")
        out.write('name = "alexnet-nx";\n')
        out.write(f'description = "AlexNet scaled to the Jetson Xavier NX ({target / 1000:.1f} ms)";\n')
        out.write('source = "REEF MI50 table (commit 58dabe0a), scaled";\ndefault_regs = 32;\n')
        out.write("kernels = (" + body)


if __name__ == "__main__":
    main()
