#!/usr/bin/env python3
"""Writes tiersim model files for Pantheon's nine tasks, and AlexNet scaled to the Jetson Xavier NX.

Usage: import-pantheon.py PANTHEON_REF_DIR REEF_ALEXNET_CFG    (run from scenarios/models/)

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
"""
import csv
import math
import os
import sys


class Net:
    def __init__(self, c, h, w):
        self.c, self.h, self.w, self.layers = c, h, w, []

    def conv(self, name, cout, k, s=1, groups=1, cin=None):
        cin = self.c if cin is None else cin
        self.h, self.w = max(1, math.ceil(self.h / s)), max(1, math.ceil(self.w / s))
        macs = self.h * self.w * cout * (cin // groups) * k * k
        self.layers.append((name, cout, self.h, self.w, macs))
        self.c = cout

    def pool(self, name, s=2):
        self.h, self.w = max(1, math.ceil(self.h / s)), max(1, math.ceil(self.w / s))
        self.layers.append((name, self.c, self.h, self.w, self.c * self.h * self.w * 9))


def resnet(c, h, w, blocks, bottleneck):
    n = Net(c, h, w)
    n.conv("stem_conv7x7", 64, 7, 2)
    n.pool("stem_maxpool")
    for stage, (planes, count) in enumerate(zip([64, 128, 256, 512], blocks)):
        for b in range(count):
            s = 2 if stage > 0 and b == 0 else 1
            cin, tag = n.c, f"l{stage + 1}b{b}"
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
                n.conv(tag + "_downsample", out, 1, 1, cin=cin)
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


def kernel(name, blocks, dur):
    return f'{{ name = "{name}"; blocks = {blocks}; threads = 256; dur_us = {dur:.3f}; }}'


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
    out.write(f'name = "{t["task"]}";\n')
    out.write(f'description = "Pantheon {t["task"]}: {t["backbone"]} {t["input_shape"]}, {len(lat)} chunks, {len(exits)} exits (Xavier NX)";\n')
    out.write('source = "Pantheon model repository (commit 63aa7d35), Jetson Xavier NX";\n')
    out.write("kernels = (\n")
    rows = []
    for ci in range(len(lat)):
        ls = net.layers[bounds[ci]:bounds[ci + 1]]
        tot = sum(l[4] for l in ls)
        for l in ls:
            rows.append(f"  {kernel(f'c{ci}_' + l[0], max(1, math.ceil(l[1] * l[2] * l[3] / 256)), max(0.001, lat[ci] * l[4] / tot))}")
    out.write(",\n".join(rows) + "\n);\n")
    out.write("chunks = [ " + ", ".join(str(bounds[i]) for i in range(1, len(lat))) + " ];\n")
    out.write("exits = (\n")
    erows = []
    for e in exits:
        feat = net.layers[bounds[e["after_block"] + 1] - 1]
        grid = max(1, math.ceil(feat[1] * feat[2] * feat[3] / 256))
        erows.append(f'  {{ after_chunk = {e["after_block"]}; accuracy = {e["accuracy"]}; kernels = (\n'
                     f'      {kernel("head_conv", grid, 0.8 * e["latency"])},\n'
                     f'      {kernel("head_classifier", 1, 0.2 * e["latency"])} ); }}')
    out.write(",\n".join(erows) + "\n);\n")
    return net


def main():
    ref, alexnet = sys.argv[1], sys.argv[2]
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
    import re
    durs = [float(x) for x in re.findall(r"dur_us = ([0-9.]+);", text)]
    target = alex_macs / macs_per_us
    scale = target / sum(durs)
    body = re.sub(r"dur_us = ([0-9.]+);", lambda m: f"dur_us = {float(m.group(1)) * scale:.3f};", text.split("kernels = (", 1)[1])
    with open("alexnet-nx.cfg", "w") as out:
        out.write("# alexnet-nx: AlexNet on the Jetson Xavier NX, the BE model of Pantheon's scenarios.\n")
        out.write("# Derived by scenarios/models/import-pantheon.py from alexnet.cfg (REEF's MI50 table): same\n")
        out.write(f"#   kernels and grids, every duration scaled by {scale:.4f} so that the model's 0.714 G\n")
        out.write("#   multiply-accumulates (224x224) run at the throughput Pantheon's VGG-16-BN shows on the NX\n")
        out.write(f"#   ({macs_per_us * 1e-3:.2f} G MAC/s: its backbone's MACs over its measured full latency):\n")
        out.write(f"#   {target / 1000:.3f} ms.  A proportional model: it keeps REEF's kernel mix, not the NX's.\n")
        out.write('name = "alexnet-nx";\n')
        out.write(f'description = "AlexNet scaled to the Jetson Xavier NX ({target / 1000:.1f} ms)";\n')
        out.write('source = "REEF MI50 table (commit 58dabe0a), scaled";\ndefault_regs = 32;\n')
        out.write("kernels = (" + body)


if __name__ == "__main__":
    main()
