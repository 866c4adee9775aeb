#!/usr/bin/env python3
"""Writes tiersim model files for Pantheon's nine tasks, and AlexNet scaled to the Jetson Xavier NX,
with the host's part of every measured latency separated from the GPU's (issue 11, DESIGN section 2
rule 7).

Usage: import-pantheon.py [--macs-only] PANTHEON_REF_DIR REEF_ALEXNET_CFG [REEF_REF_DIR]   (run from scenarios/models/)
REEF_REF_DIR defaults to PANTHEON_REF_DIR/../reef-models.

Source: Pantheon (github.com/PantheonInfer/Pantheon, commit 63aa7d35) model repository configs,
flattened in shared/reference/pantheon/: per-block and per-exit-head latencies (blocks.csv,
exits.csv) and backbones, class counts and input shapes (tasks.csv).  Each block and each exit head
was measured standalone on a Jetson Xavier NX (20 W, 6 cores) as its own TorchScript module, fp32,
mean of 1000 runs each bracketed by cudaStreamSynchronize: one synchronisation per measurement.

Architectures.  The layers are those of the networks Pantheon trained and exported at commit
63aa7d35 (offline/dnn/<task>/, offline/een/branch/<task>.py, offline/third_party/ssd/), rebuilt
here from their published shapes (no code taken from there):
  * ResNet-18/34/50 and GoogLeNet with Pantheon's small-input ("CIFAR") stems: ResNet 3x3 stride-1
    convolution then a 3x3 stride-2 max pool; GoogLeNet one 3x3 stride-1 convolution to 192
    channels, no stem pools; VGG-16-BN with a 512->4096->classes classifier; the traffic-sign
    MobileNetV2 with strides 1 in its stem and second stage;
  * the SSDLite detectors on torchvision's MobileNetV2 (ImageNet strides), whose backbone Pantheon
    ends at base_net.14.conv.0.2 (the expand convolution of the first 160-channel stage); the rest
    of the SSD network is its deepest exit;
  * exit heads as offline/een/branch/<task>.py builds them from the exit point's channels and size
    (ConvBasic = conv+BN+ReLU stacks, pools and a linear layer; SSD heads with their own base and
    extra inverted residuals and separable regression/classification headers).
Blocks.  Pantheon's graph partition (offline/een/block_extraction/graph_partition.py) cuts where
every path of the graph meets: each residual unit (ResNet, MobileNetV2) or Inception module is one
block, each convolution outside them (VGG, non-residual MobileNetV2 stages) is one block, a pool
goes with the layer before it, and the last partition block (the classifier, or the SSD rest)
becomes the deepest exit (offline/een/een.py).  The model repository keeps blocks only up to the
deepest exit its planner kept.  This rule, applied to the architectures above, gives exactly the
measured block count where the repository keeps the final exit (face, wildfire: 24; gender: 14;
scene: 9) and one block more than the measured prefix elsewhere (age 17/16, emotion 17/16,
wildlife 10/9, sign 32/31; object detection 24/20), and it reproduces each task's pattern of
latencies (a residual unit costs about three single-conv blocks; ResNet stage widths show), so the
assignment of layers to blocks is taken from it and is not fitted.  (A check, run
every time: alternate the least-squares fit with a dynamic programme that re-places each task's
block boundaries anywhere between layers to minimise the squared error, starting from the rule
the previous importer used -- cumulative MACs following cumulative latency -- and print what it
converges to.)

Framework operators (ops) per layer, counted as the aten operators TorchScript runs that launch GPU
work: a convolution 1, its BatchNorm 1, its ReLU/ReLU6 1 (conv+BN+ReLU = 3, a depthwise
conv+BN+ReLU6 = 3, a projection conv+BN = 2), a pool or mean 1, a linear layer 1 (+1 for its ReLU),
a residual add 1 (+1 for the ReLU after it in ResNet), a concatenation 1, .contiguous() after a
permute 1 (a copy); views, flatten, reshape, permute and eval-mode dropout 0 (no kernel).
Operators without multiply-accumulates (add, cat, copies) are counted on the layer kernel before
them: a kernel stands for `ops` operators.

The fit.  One global model over the 163 measured blocks and the 29 exit heads of the nine tasks:
    latency = s + h * ops + sum over its layers of (c_kind * MACs + w_kind * DRAM bytes)
with s the per-measurement synchronisation + wake-up (one per block or head), h the host CPU time
per framework operator (TorchScript dispatch and the launch API call: the data cannot separate
them), and the GPU part per layer kind -- dense convolution; depthwise convolution, pool or mean;
linear layer -- with c_kind per multiply-accumulate and w_kind per byte of the layer's DRAM traffic
(dram_bytes below).  Non-negative least squares on the measured microseconds, solved exactly (every
subset of free parameters); parameters the data drive to zero are dropped.  With --macs-only the
GPU part is c_dense * MACs + c_light * MACs (dense convs and linear layers; depthwise and pools),
one c if c_light's t-statistic is below 2: the first proposal of issue 11, kept for comparison.
On these data the DRAM-traffic terms replace the MAC terms (every c is 0): fp32 at batch 1 on the
NX is bound by memory traffic, dense convolutions at about 11 GB/s of their layer traffic, depthwise
convolutions, pools and linear layers near 37 GB/s of the 59.7 GB/s peak; with MACs only the fit
is worse (R^2 0.85 against 0.97) and puts the GPU above its fp32 peak.  The inputs are the measured
latencies and the architectures only; the importer prints the parameters, R^2 and residuals,
overall and per task, and every file's header repeats them with each chunk's measured and fitted
latency.

Kernels.  Each layer is one kernel of 256-thread blocks, ceil(outputs / 256) blocks, whose dur_us is
its GPU part only and whose `ops` is its operator count: the host's part (h per op, s per
synchronisation) is the profile's host group (calib/profiles/jetson-xavier-nx.cfg: dispatch_us = h,
sync_us = s).  Registers per thread (32) and shared memory (none) are assumptions.

Contention inputs (DESIGN section 2 rule 5).  The reference has no occupancy curves on the Xavier NX,
so each kernel gets an sm_demand (the share of one SM's throughput one of its blocks takes) by what
its layer does, taken from REEF's measured curves on the AMD MI50 (shared/reference/reef-models/,
REEF commit 58dabe0a, column latency_by_occupancy_us: entry k = one-wave latency L(k) at k blocks
per CU).  For each REEF kernel, d = 1 / max_k (k * L(1) / L(k)): the inverse of its peak throughput
relative to one block, i.e. its per-block demand under processor sharing.  One value per distinct
kernel (file, kernel name) of REEF's nine DNN tables (mocked_kernel, a hand-written probe, is left
out), and only curves of two or more levels (a single level carries no information).  Medians:
  * "conv" -- REEF's convolutions (Winograd included), dense layers and batch-matmuls -- for
    Pantheon's dense convolutions (1x1, 3x3), linear layers and the heads' ones;
  * "light" -- REEF's element-wise kernels, pools and MobileNet's depthwise convolutions (odd
    convolution calls 1..25 of mobilenet.csv, a MobileNet-v1: stem, then depthwise/pointwise
    pairs) -- for Pantheon's depthwise convolutions and pools.
REEF's reductions (softmax, mean, variance) are in neither group.  A curve flat up to its last
level p gives d = 1/p, an upper bound: the demand could be lower.  These are MI50 CU figures;
applying them to the Xavier NX's SMs is an assumption.  The importer prints the medians and counts.

DRAM.  dram_bytes per layer = input + output activations + weights, 4 bytes per element: Pantheon
ran fp32 (offline/export.py traces each block with a float32 torch.randn input, and
online/apps/profiler/main.cpp feeds torch::rand and never converts to half; commit 63aa7d35).
BatchNorm and activation parameters are left out (a few KB), and so is the traffic of the BatchNorm,
ReLU, add and copy operators a kernel stands for beside its layer.  Exit heads now have layers, so
their kernels have dram_bytes by the same rule.

AlexNet (alexnet-nx, the BE model of the -be scenarios): REEF's MI50 kernels and grids, one per
layer of the AlexNet REEF ran (Caffe's, which REEF's grids and dram_bytes match), each kernel's
dur_us its layer's GPU part under the same fit; ops as TorchScript would run torchvision's AlexNet
(conv+ReLU 2, pool 1, the adaptive pool before flatten 1, linear+ReLU 2, linear 1, softmax 1).
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
THREADS = 256


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


# ---------------------------------------------------------------------------------------------
# Architectures: layers (one kernel each) grouped into Pantheon's partition blocks ("atoms").

class Layer:
    """One kernel.  kind: "conv" or "light" (its sm_demand); gk: its GPU-time kind, "conv" (dense
    convolution), "light" (depthwise convolution, pool, mean, copy) or "linear"."""

    def __init__(self, name, cout, h, w, macs, kind, dram, ops, grid, gk=None, wk="elementwise"):
        self.name, self.cout, self.h, self.w = name, cout, h, w
        self.macs, self.kind, self.dram, self.ops, self.grid = macs, kind, dram, ops, grid
        self.gk = gk or kind
        self.wk = wk  # the cost model's kernel kind (sim/cost.h)

    def flops(self):
        """A multiply-accumulate is two FLOPs; a pool's or softmax's per-element operation one."""
        return 2 * self.macs if self.wk in ("conv", "gemm") else self.macs


def out_size(x, k, s, p, ceil=False):
    v = (x + 2 * p - k) / s
    return max(1, (math.ceil(v) if ceil else math.floor(v)) + 1)


class Net:
    """A layer sequence with a current activation shape (c, h, w); cut() closes a partition block."""

    def __init__(self, c, h, w):
        self.c, self.h, self.w = c, h, w
        self.layers, self.atoms, self.atom_out, self._open = [], [], [], 0

    def at(self, shape):
        self.c, self.h, self.w = shape

    def shape(self):
        return (self.c, self.h, self.w)

    def _add(self, name, cout, h, w, macs, kind, elems, ops, gk=None, wk="elementwise"):
        grid = max(1, math.ceil(cout * h * w / THREADS))
        self.layers.append(Layer(name, cout, h, w, macs, kind, FP32 * elems, ops, grid, gk, wk))
        self.c, self.h, self.w = cout, h, w

    def conv(self, name, cout, k, s=1, dw=False, ops=3, groups=1, pad=None):
        """Convolution, padding k // 2 unless given; ops: 3 with BN and ReLU, 2 with BN only, 1 alone."""
        cin, hin, win = self.shape()
        groups = cin if dw else groups
        pad = k // 2 if pad is None else pad
        ho, wo = out_size(hin, k, s, pad), out_size(win, k, s, pad)
        weights = cout * (cin // groups) * k * k
        self._add(name, cout, ho, wo, ho * wo * weights, "light" if dw else "conv",
                  cin * hin * win + cout * ho * wo + weights, ops, wk="conv")

    def pool(self, name, k, s, p=0, ceil=False, ops=1):
        c, hin, win = self.shape()
        ho, wo = out_size(hin, k, s, p, ceil), out_size(win, k, s, p, ceil)
        self._add(name, c, ho, wo, c * ho * wo * k * k, "light", c * (hin * win + ho * wo), ops, wk="pool")

    def gpool(self, name, ops=1):
        """Global average pool or mean over the spatial dimensions."""
        c, hin, win = self.shape()
        self._add(name, c, 1, 1, c * hin * win, "light", c * (hin * win + 1), ops, wk="pool")

    def linear(self, name, cout, ops=1):
        cin = self.c * self.h * self.w
        self._add(name, cout, 1, 1, cin * cout, "conv", cin + cout + cin * cout, ops, "linear", "gemm")

    def more(self, n):
        """Operators without multiply-accumulates (add, cat, copy): counted on the last kernel."""
        self.layers[-1].ops += n

    def cut(self):
        self.atoms.append(self.layers[self._open:])
        self.atom_out.append(self.shape())
        self._open = len(self.layers)


def inverted_residual(n, tag, t, cout, s, blocks=False):
    """MobileNetV2 unit: [expand 1x1 +BN+ReLU6] dw 3x3 +BN+ReLU6, project 1x1 +BN, [+ input].
    blocks: it is a backbone unit; a unit without the residual add is one partition block per
    convolution, one with it is one block."""
    cin = n.c
    res = s == 1 and cin == cout
    if t != 1:
        n.conv(tag + "_expand", int(round(cin * t)), 1)
        if blocks and not res:
            n.cut()
    n.conv(tag + "_dw3x3", n.c, 3, s, dw=True)
    if blocks and not res:
        n.cut()
    n.conv(tag + "_project", cout, 1, ops=2)
    if res:
        n.more(1)
    if blocks:
        n.cut()


def resnet(c, h, w, ncls, units, bottleneck):
    """Pantheon's ResNets: 3x3 stride-1 stem, 3x3/2 max pool, torchvision's stages."""
    n = Net(c, h, w)
    n.conv("stem_conv3x3", 64, 3)
    n.pool("stem_maxpool", 3, 2, 1)
    n.cut()
    last = (3, units[3] - 1)
    for stage, (planes, count) in enumerate(zip([64, 128, 256, 512], units)):
        for b in range(count):
            s = 2 if stage > 0 and b == 0 else 1
            x, tag = n.shape(), f"l{stage + 1}b{b}"
            out = planes * 4 if bottleneck else planes
            if bottleneck:
                n.conv(tag + "_conv1x1a", planes, 1)
                n.conv(tag + "_conv3x3", planes, 3, s)
                n.conv(tag + "_conv1x1b", out, 1, ops=2)
            else:
                n.conv(tag + "_conv3x3a", planes, 3, s)
                n.conv(tag + "_conv3x3b", planes, 3, ops=2)
            if b == 0 and (s != 1 or x[0] != out):
                y = n.shape()
                n.at(x)
                n.conv(tag + "_downsample", out, 1, s, ops=2)
                assert n.shape() == y
            n.more(2)  # residual add, ReLU
            if (stage, b) == last:
                n.gpool("avgpool")
            n.cut()
    n.linear("fc", ncls)
    n.cut()
    return n


def vgg16_bn(c, h, w, ncls):
    n = Net(c, h, w)
    for i, v in enumerate([64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]):
        if v == "M":
            n.pool(f"pool{i}", 2, 2)
        else:
            if i:
                n.cut()
            n.conv(f"conv{i}", v, 3)
    n.gpool("avgpool")
    n.cut()
    n.linear("fc1", 4096, ops=2)  # + ReLU
    n.cut()
    n.linear("fc2", ncls)
    n.cut()
    return n


def googlenet(c, h, w, ncls):
    """Pantheon's GoogLeNet: one 3x3 stride-1 stem conv to 192 channels, 3x3/2 pools with padding."""
    n = Net(c, h, w)
    n.conv("stem_conv3x3", 192, 3)
    n.cut()
    mods = [("3a", 64, 96, 128, 16, 32, 32), ("3b", 128, 128, 192, 32, 96, 64), "M",
            ("4a", 192, 96, 208, 16, 48, 64), ("4b", 160, 112, 224, 24, 64, 64), ("4c", 128, 128, 256, 24, 64, 64),
            ("4d", 112, 144, 288, 32, 64, 64), ("4e", 256, 160, 320, 32, 128, 128), "M",
            ("5a", 256, 160, 320, 32, 128, 128), ("5b", 384, 192, 384, 48, 128, 128)]
    for i, m in enumerate(mods):
        if m == "M":
            n.pool(f"pool_{mods[i - 1][0]}", 3, 2, 1)
            n.cut()
            continue
        if i and mods[i - 1] != "M":
            n.cut()
        tag, c1, c3r, c3, c5r, c5, pp = m
        x = n.shape()
        n.conv(tag + "_b1_1x1", c1, 1)
        n.at(x)
        n.conv(tag + "_b2_1x1", c3r, 1)
        n.conv(tag + "_b2_3x3", c3, 3)
        n.at(x)
        n.conv(tag + "_b3_1x1", c5r, 1)
        n.conv(tag + "_b3_3x3", c5, 3)
        n.at(x)
        n.pool(tag + "_b4_pool", 3, 1, 1, ceil=True)
        n.conv(tag + "_b4_1x1", pp, 1)
        n.more(1)  # concatenation
        n.at((c1 + c3 + c5 + pp, x[1], x[2]))
    n.gpool("avgpool")
    n.cut()
    n.linear("fc", ncls)
    n.cut()
    return n


MBV2_IMAGENET = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
MBV2_CIFAR = [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def mobilenet_v2(c, h, w, ncls):
    """The traffic-sign MobileNetV2: stride 1 in the stem and the second stage."""
    n = Net(c, h, w)
    n.conv("stem_conv3x3", 32, 3, 1)
    n.cut()
    for i, (t, ch, reps, s) in enumerate(MBV2_CIFAR):
        for r in range(reps):
            inverted_residual(n, f"ir{i}_{r}", t, ch, s if r == 0 else 1, blocks=True)
    n.conv("last_conv1x1", 1280, 1)
    n.gpool("mean")
    n.cut()
    n.linear("fc", ncls)
    n.cut()
    return n


def sep_header(n, tag, src, cout):
    """SSDLite header: depthwise 3x3 (bias) +BN+ReLU6, pointwise 1x1 (bias); then
    permute().contiguous().view(): one copy."""
    n.at(src)
    n.conv(tag + "_dw3x3", src[0], 3, dw=True)
    n.conv(tag + "_1x1", cout, 1, ops=2)


def ssd_headers(n, sources, ncls):
    for i, src in enumerate(sources):
        for kind, cout in (("conf", 6 * ncls), ("loc", 6 * 4)):
            if i < len(sources) - 1:
                sep_header(n, f"{kind}{i}", src, cout)
            else:
                n.at(src)
                n.conv(f"{kind}{i}_1x1", cout, 1, ops=2)
    n.more(2)  # torch.cat of confidences and of locations


def ssd_extras(n, sources):
    for i, (out, t) in enumerate([(512, 0.2), (256, 0.25), (256, 0.5), (64, 0.25)]):
        inverted_residual(n, f"extra{i}", t, out, 2)
        sources.append(n.shape())


def ssdlite(c, h, w, ncls):
    """SSDLite on torchvision's MobileNetV2; Pantheon's backbone ends after features[14]'s expand
    convolution (base_net.14.conv.0.2), and the rest of the network is one block: the deepest exit."""
    n = Net(c, h, w)
    n.conv("stem_conv3x3", 32, 3, 2)
    n.cut()
    src0 = None
    for i, (t, ch, reps, s) in enumerate(MBV2_IMAGENET):
        for r in range(reps):
            tag = f"ir{i}_{r}"
            if (i, r) == (5, 0):
                n.conv(tag + "_expand", n.c * t, 1)
                n.cut()
                src0 = n.shape()
                n.conv(tag + "_dw3x3", n.c, 3, s, dw=True)
                n.conv(tag + "_project", ch, 1, ops=2)
            else:
                inverted_residual(n, tag, t, ch, s if r == 0 else 1, blocks=src0 is None)
    n.conv("last_conv1x1", 1280, 1)
    sources = [src0, n.shape()]
    ssd_extras(n, sources)
    ssd_headers(n, sources, ncls)
    n.cut()
    return n


def cls_head(x, ncls):
    """Pantheon's classifier exit branch (age, emotion, gender, scene, wildlife) by input size."""
    c, s, _ = x
    n = Net(*x)
    if s >= 32:
        n.conv("head_cb0", 256, 3, 2); n.pool("head_pool0", 2, 2); n.conv("head_cb1", 256, 3, 2); n.pool("head_pool1", 2, 2)
    elif s >= 16:
        n.conv("head_cb0", 256, 3, 2); n.pool("head_pool0", 2, 2); n.conv("head_cb1", 256, 3, 2)
    elif s >= 8:
        n.conv("head_cb0", 256, 3, 2); n.pool("head_pool0", 2, 2)
    elif s >= 4:
        n.conv("head_cb0", 256, 3, 2)
    elif s >= 2:
        n.conv("head_cb0", 256, 1)
    if s >= 2:
        n.gpool("head_avgpool")
    n.linear("head_fc", ncls)
    return n.layers


def sign_head(x, ncls):
    """The traffic-sign exit branch: ConvBasic stack by input size, mean, dropout, linear."""
    c, s, _ = x
    n = Net(*x)
    if s == 32:
        n.conv("head_cb0", 256, 3, 2); n.pool("head_pool0", 2, 2); n.conv("head_cb1", 256, 3, 2)
    elif s == 16:
        n.conv("head_cb0", 256, 3, 2); n.pool("head_pool0", 2, 2)
    elif s == 8:
        n.conv("head_cb0", 256, 3, 2)
    elif s == 4:
        n.conv("head_cb0", 256, 1)
    else:
        raise ValueError(f"no sign exit branch for input size {s}")
    n.gpool("head_mean")
    n.linear("head_fc", ncls)
    return n.layers


SSD_EXITS = {150: ([96, 96, 96, 96], 2), 75: ([160, 160, 160], 1), 38: ([320, 320], 0), 19: ([512], -1)}


def ssd_head(x, ncls):
    """The SSDLite exit branch by input size: stride-2 inverted residuals (t = 1), the four extras,
    six sources' headers."""
    n = Net(*x)
    chans, first = SSD_EXITS[x[1]]
    outs = []
    for i, ch in enumerate(chans):
        inverted_residual(n, f"head_base{i}", 1, ch, 2)
        outs.append(n.shape())
    sources = [x if first == -1 else outs[first], outs[-1]]
    ssd_extras(n, sources)
    for l in n.layers:
        l.name = l.name if l.name.startswith("head_") else "head_" + l.name
    k = len(n.layers)
    ssd_headers(n, sources, ncls)
    for l in n.layers[k:]:
        l.name = "head_" + l.name
    return n.layers


TASKS = {  # backbone -> (network builder, exit-branch builder)
    "ResNet-18": (lambda c, h, w, k: resnet(c, h, w, k, [2, 2, 2, 2], False), cls_head),
    "ResNet-34": (lambda c, h, w, k: resnet(c, h, w, k, [3, 4, 6, 3], False), cls_head),
    "ResNet-50": (lambda c, h, w, k: resnet(c, h, w, k, [3, 4, 6, 3], True), cls_head),
    "VGG-16-BN": (vgg16_bn, cls_head),
    "GoogLeNet": (googlenet, cls_head),
    "MobileNetV2": (mobilenet_v2, sign_head),
    "MobileNetV2-SSDLite": (ssdlite, ssd_head),
}


class Task:
    def __init__(self, t, blocks, exits):
        self.t, self.name = t, t["task"]
        self.lat = [b[1] for b in blocks]
        self.exits = exits
        _, c, h, w = [int(x) for x in t["input_shape"].split("x")]
        build, head = TASKS[t["backbone"]]
        net = build(c, h, w, int(t["num_classes"]))
        nb = len(self.lat)
        if nb > len(net.atoms) - 1:
            raise SystemExit(f"{self.name}: {nb} measured blocks, the partition has {len(net.atoms) - 1}")
        self.net, self.atoms = net, net.atoms[:nb]
        for e in exits:
            k = e["after_block"]
            if k == len(net.atoms) - 2:  # the last partition block is the deepest exit
                e["layers"] = [Layer("head_" + l.name, l.cout, l.h, l.w, l.macs, l.kind, l.dram, l.ops, l.grid, l.gk, l.wk)
                               for l in net.atoms[-1]]
            else:
                e["layers"] = head(net.atom_out[k], int(t["num_classes"]))


# ---------------------------------------------------------------------------------------------
# The fit.  Parameters, in order: s, h (us), then per GPU kind k in GK: c_k (us per thousand MACs,
# i.e. ns per MAC) and w_k (us per MB of DRAM traffic).  With --macs-only (the first proposal of
# issue 11: GPU time from multiply-accumulates only): s, h, c_dense (convs and linear), c_light.

GK = ("conv", "light", "linear")
MODEL = {"macs_only": False, "one_kind": False}


def param_names():
    if MODEL["macs_only"]:
        return ["s", "h", "c"] if MODEL["one_kind"] else ["s", "h", "c_dense", "c_light"]
    return ["s", "h"] + [f"{q}_{k}" for k in GK for q in ("c", "w")]


def features(layers):
    ops = float(sum(l.ops for l in layers))
    if MODEL["macs_only"]:
        md = sum(l.macs for l in layers if l.gk != "light") / 1e3
        ml = sum(l.macs for l in layers if l.gk == "light") / 1e3
        return [1.0, ops, md + ml] if MODEL["one_kind"] else [1.0, ops, md, ml]
    row = [1.0, ops]
    for k in GK:
        row.append(sum(l.macs for l in layers if l.gk == k) / 1e3)
        row.append(sum(l.dram for l in layers if l.gk == k) / 1e6)
    return row


def layer_gpu_us(p, l):
    """A kernel's GPU part under parameters p."""
    return predict([0.0, 0.0] + p[2:], features([l]))


def solve(a, b):
    """Gaussian elimination with partial pivoting; None if singular."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(m[r][i]))
        if abs(m[p][i]) < 1e-12:
            return None
        m[i], m[p] = m[p], m[i]
        for r in range(n):
            if r != i:
                f = m[r][i] / m[i][i]
                for k in range(i, n + 1):
                    m[r][k] -= f * m[i][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def lstsq(rows, y, cols):
    a = [[sum(r[i] * r[j] for r in rows) for j in cols] for i in cols]
    b = [sum(r[i] * v for r, v in zip(rows, y)) for i in cols]
    return solve(a, b), a


def predict(p, r):
    return sum(a * b for a, b in zip(p, r))


def nnls(rows, y):
    """Non-negative least squares, exactly: the best of every subset of free parameters whose
    unconstrained solution is non-negative (at most 8 parameters here)."""
    n = len(rows[0])
    used = [i for i in range(n) if any(r[i] for r in rows)]
    best = None
    for mask in range(1, 1 << len(used)):
        cols = [used[i] for i in range(len(used)) if mask >> i & 1]
        x, _ = lstsq(rows, y, cols)
        if x is None or min(x) < 0:
            continue
        full = [0.0] * n
        for i, v in zip(cols, x):
            full[i] = v
        sse = sum((v - predict(full, r)) ** 2 for r, v in zip(rows, y))
        if best is None or sse < best[0] - 1e-9:
            best = (sse, full, cols)
    return best[1], best[2]


def std_errors(rows, y, p, cols):
    """Standard errors of the free parameters (ordinary least squares on them)."""
    n, k = len(rows), len(cols)
    sse = sum((v - predict(p, r)) ** 2 for r, v in zip(rows, y))
    _, a = lstsq(rows, y, cols)
    se = {}
    for j, col in enumerate(cols):
        inv = solve(a, [1.0 if i == j else 0.0 for i in range(k)])
        se[col] = math.sqrt(max(0.0, inv[j]) * sse / max(1, n - k))
    return se


def observations(tasks):
    obs = []  # (task, "block"/"exit", index, measured us, feature row)
    for t in tasks:
        for i, atom in enumerate(t.atoms):
            obs.append((t.name, "block", i, t.lat[i], features(atom)))
        for e in t.exits:
            obs.append((t.name, "exit", e["index"], e["latency"], features(e["layers"])))
    return obs


def quality(obs, p):
    """R^2, median and max |residual| (us), median |residual| / measured; overall and per task."""
    def q(sub):
        y = [o[3] for o in sub]
        r = [o[3] - predict(p, o[4]) for o in sub]
        mean = sum(y) / len(y)
        sst = sum((v - mean) ** 2 for v in y)
        return {"n": len(sub), "r2": 1 - sum(v * v for v in r) / sst if sst else float("nan"),
                "median": statistics.median(abs(v) for v in r), "max": max(abs(v) for v in r),
                "rel_median": statistics.median(abs(v) / o[3] for v, o in zip(r, sub))}
    out = {"all": q(obs)}
    for name in dict.fromkeys(o[0] for o in obs):
        out[name] = q([o for o in obs if o[0] == name])
    return out


def fit(tasks):
    """The global fit over every block and exit head: (params, observations, standard errors)."""
    MODEL["one_kind"] = False
    obs = observations(tasks)
    rows, y = [o[4] for o in obs], [o[3] for o in obs]
    p, cols = nnls(rows, y)
    se = std_errors(rows, y, p, cols)
    if MODEL["macs_only"] and not (p[3] > 0 and p[3] >= 2 * se.get(3, float("inf"))):
        MODEL["one_kind"] = True  # c_light not separable from c_dense: one c for every MAC
        obs = observations(tasks)
        rows = [o[4] for o in obs]
        p, cols = nnls(rows, y)
        se = std_errors(rows, y, p, cols)
    return p, obs, se


def describe(p, se):
    """The parameters in words, one per line."""
    names, out = param_names(), []
    pm = (lambda i, f: f" (+- {se.get(i, 0):{f}})" if se else "")
    out.append(f"s = {p[0]:.1f} us{pm(0, '.1f')} per synchronisation (sync + wake-up, one per block or head)")
    out.append(f"h = {p[1]:.2f} us{pm(1, '.2f')} per framework operator (dispatch + launch API)")
    zeros = [names[i] for i in range(2, len(p)) if p[i] == 0]
    for i in range(2, len(p)):
        n, v = names[i], p[i]
        if v == 0:
            continue
        if n.startswith("c"):
            txt = f"{n} = {v * 1e3:.3f} ps/MAC" + (f" (+- {se.get(i, 0) * 1e3:.3f})" if se else "")
            if v > 0:
                txt += f" = {1 / v:.0f} G MAC/s"
        else:
            txt = f"{n} = {v:.2f} us/MB{pm(i, '.2f')}"
            if v > 0:
                txt += f" = {1e3 / v:.1f} GB/s effective"
        out.append(txt)
    if zeros:
        out.append(" = ".join(zeros) + " = 0 (the non-negative fit drops them)")
    return out


# The check: boundaries free (dynamic programme), blocks only, from the previous importer's rule.

def mac_split(layers, lat):
    """The previous importer's boundaries: cumulative MACs follow cumulative latency."""
    total_m, total_l = sum(l.macs for l in layers), sum(lat)
    cum_m, acc = [], 0
    for l in layers:
        acc += l.macs
        cum_m.append(acc / total_m)
    starts, cum_l, prev = [], 0, 0
    for j in range(1, len(lat)):
        cum_l += lat[j - 1] / total_l
        lo, hi = prev + 1, len(layers) - (len(lat) - j)
        best = min(range(lo, hi + 1), key=lambda i: abs(cum_m[i - 1] - cum_l))
        starts.append(best)
        prev = best
    return starts


def dp_split(layer_terms, lat, s):
    """Boundaries minimising sum over blocks of (measured - s - its layers' terms)^2; every block
    at least one layer, order kept."""
    n, nb = len(layer_terms), len(lat)
    pre = [0.0]
    for v in layer_terms:
        pre.append(pre[-1] + v)
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(nb + 1)]
    back = [[0] * (n + 1) for _ in range(nb + 1)]
    cost[0][0] = 0.0
    for b in range(1, nb + 1):
        for j in range(b, n - (nb - b) + 1):
            for i in range(b - 1, j):
                if cost[b - 1][i] < inf:
                    v = cost[b - 1][i] + (lat[b - 1] - s - (pre[j] - pre[i])) ** 2
                    if v < cost[b][j]:
                        cost[b][j], back[b][j] = v, i
    starts, j = [], n
    for b in range(nb, 0, -1):
        j = back[b][j]
        starts.append(j)
    return sorted(starts)[1:]


def free_boundary_check(tasks):
    layers = {t.name: [l for a in t.atoms for l in a] for t in tasks}
    pantheon = {}
    for t in tasks:
        acc, s = 0, []
        for a in t.atoms[:-1]:
            acc += len(a)
            s.append(acc)
        pantheon[t.name] = s
    bounds = {t.name: mac_split(layers[t.name], t.lat) for t in tasks}
    for rounds in range(1, 101):
        rows, y = [], []
        for t in tasks:
            b = [0] + bounds[t.name] + [len(layers[t.name])]
            for i in range(len(t.lat)):
                rows.append(features(layers[t.name][b[i]:b[i + 1]]))
                y.append(t.lat[i])
        p, _ = nnls(rows, y)
        new = {t.name: dp_split([predict([0.0] + p[1:], features([l])) for l in layers[t.name]], t.lat, p[0])
               for t in tasks}
        if new == bounds:
            break
        bounds = new
    sse = sum((v - predict(p, r)) ** 2 for r, v in zip(rows, y))
    mean = sum(y) / len(y)
    r2 = 1 - sse / sum((v - mean) ** 2 for v in y)
    moved = sum(sum(1 for a, b in zip(bounds[t.name], pantheon[t.name]) if a != b) for t in tasks)
    return p, r2, rounds, moved, sum(len(v) for v in pantheon.values())


# ---------------------------------------------------------------------------------------------
# Output.

DEMAND = {}  # kind -> (median sm_demand, count), from reef_demands()
FIT = {}     # "p", "quality", "se"


def kernel(name, l):
    extra = (f"sm_demand = {DEMAND[l.kind][0]}; dram_bytes = {l.dram}; flops = {l.flops()}; "
             f'kind = "{l.wk}"; ops = {l.ops}; ')
    dur = max(0.001, layer_gpu_us(FIT["p"], l))
    return f'{{ name = "{name}"; blocks = {l.grid}; threads = {THREADS}; dur_us = {dur:.3f}; {extra}}}'


def fit_lines():
    q = FIT["quality"]["all"]
    lines = describe(FIT["p"], FIT["se"])
    return ("".join(f"#   {x}\n" for x in lines) +
            f"#   over {q['n']} measurements (163 blocks, 29 exit heads, nine tasks): R^2 = {q['r2']:.3f}, |residual|"
            f" median {q['median']:.0f} us, max {q['max']:.0f} us.\n")


def model_line():
    if MODEL["macs_only"]:
        return "# The host/GPU fit (--macs-only), global over the nine tasks: latency = s + h x ops + c x MACs,\n"
    return ("# The host/GPU fit, global over the nine tasks: latency = s + h x ops + sum over its kernels of\n"
            "#   (c_kind x MACs + w_kind x DRAM bytes), kinds dense conv / depthwise+pool / linear (NNLS; zeros dropped):\n")


def write_task(out, task):
    t, lat, exits, q, p = task.t, task.lat, task.exits, FIT["quality"][task.name], FIT["p"]
    pred = [predict(p, features(a)) for a in task.atoms]
    out.write(f"# {t['task']} ({t['app']}): {t['backbone']} on {t['input_shape']}, {len(lat)} chunks, {len(exits)} exits.\n")
    out.write("# Source: Pantheon (github.com/PantheonInfer/Pantheon, commit 63aa7d35),\n")
    out.write(f"#   experiments/model_repositories/{t['app']}/{t['task']}/config.pbtxt: block and exit latencies\n")
    out.write("#   measured standalone on a Jetson Xavier NX at 20 W (one sync each), and exit accuracies.\n")
    out.write("# Derived by scenarios/models/import-pantheon.py (its header says how): Pantheon's layers, one kernel\n")
    out.write("#   each, grouped into chunks by Pantheon's graph partition; exit heads are Pantheon's exit branches.\n")
    out.write("#   dur_us is each kernel's GPU part only; ops = the framework operators it stands for (conv+BN+ReLU 3,\n")
    out.write("#   conv+BN 2, pool/linear/add/cat/copy 1 each), which the profile's host group charges\n")
    out.write("#   (jetson-xavier-nx: dispatch_us = h per op, sync_us = s per chunk).\n")
    out.write(model_line())
    out.write(fit_lines())
    out.write(f"# This task: R^2 = {q['r2']:.3f} over its {q['n']} blocks and heads, |residual| median {q['median']:.0f} us,"
              f" max {q['max']:.0f} us;\n#   all chunks: measured {sum(lat)} us, fitted {sum(pred):.0f} us"
              f" (host {sum(p[0] + p[1] * sum(l.ops for l in a) for a in task.atoms):.0f} + GPU"
              f" {sum(layer_gpu_us(p, l) for a in task.atoms for l in a):.0f}).\n")
    cells = [f"{i}: {m}/{v:.0f}" for i, (m, v) in enumerate(zip(lat, pred))]
    out.write("#   chunk measured/fitted us:")
    for i in range(0, len(cells), 8):
        out.write(("" if i == 0 else "\n#    ") + " " + ", ".join(cells[i:i + 8]))
    out.write("\n#   exit head measured/fitted us: " + ", ".join(
        f"{e['index']}: {e['latency']}/{predict(p, features(e['layers'])):.0f}" for e in exits) + "\n")
    out.write("# Registers (32) and shared memory (none) are assumptions.\n")
    demand_header(out)
    out.write("# dram_bytes per kernel: its layer's input + output activations + weights, fp32 (Pantheon ran fp32);\n")
    out.write("#   flops: 2 x MACs for convolutions and linear layers, one per pooled element; kind: the cost model's.\n")
    out.write("#   With them a profile's cost model scales dur_us to another GPU (measured_on, sim/load/durations.h).\n")
    out.write(f'name = "{t["task"]}";\n')
    out.write(f'description = "Pantheon {t["task"]}: {t["backbone"]} {t["input_shape"]}, {len(lat)} chunks, {len(exits)} exits (Xavier NX)";\n')
    out.write('source = "Pantheon model repository (commit 63aa7d35), Jetson Xavier NX";\n')
    out.write('measured_on = "jetson-xavier-nx";\n')
    out.write("kernels = (\n")
    rows, starts = [], []
    for ci, atom in enumerate(task.atoms):
        starts.append(len(rows))
        for l in atom:
            rows.append(f"  {kernel(f'c{ci}_' + l.name, l)}")
    out.write(",\n".join(rows) + "\n);\n")
    out.write("chunks = [ " + ", ".join(str(s) for s in starts[1:]) + " ];\n")
    out.write("exits = (\n")
    erows = []
    for e in exits:
        ks = ",\n".join(f"      {kernel(l.name, l)}" for l in e["layers"])
        erows.append(f'  {{ after_chunk = {e["after_block"]}; accuracy = {e["accuracy"]}; kernels = (\n{ks} ); }}')
    out.write(",\n".join(erows) + "\n);\n")


def demand_header(out):
    (dc, nc), (dl, nl) = DEMAND["conv"], DEMAND["light"]
    out.write("# sm_demand by layer kind: medians of REEF's per-kernel d = 1 / max_k (k L(1) / L(k)), measured on\n")
    out.write(f"#   an AMD MI50 CU (REEF commit 58dabe0a, latency_by_occupancy_us): {dc} for convolutions and\n")
    out.write(f"#   linear layers (n = {nc} REEF conv/GEMM/dense kernels), {dl} for depthwise convolutions and\n")
    out.write(f"#   pools (n = {nl} element-wise/pool/depthwise kernels).  Applied to the Xavier NX's SMs as an\n")
    out.write("#   assumption.\n")


def alexnet_layers():
    """The AlexNet of REEF's table, one layer per REEF kernel in its order: Caffe's (96 11x11/4 filters
    without padding, grouped conv2/4/5, 6400-input fc6), which REEF's grids and dram_bytes match."""
    n = Net(3, 224, 224)
    n.conv("conv1", 96, 11, 4, pad=0, ops=2)
    n.pool("pool1", 3, 2)
    n.conv("conv2", 256, 5, groups=2, ops=2)
    n.pool("pool2", 3, 2)
    n.conv("conv3", 384, 3, ops=2)
    n.conv("conv4", 384, 3, groups=2, ops=2)
    n.conv("conv5", 256, 3, groups=2, ops=2)
    n.pool("pool5", 3, 2)
    c = n.c * n.h * n.w
    n._add("flatten", c, 1, 1, 0, "light", 2 * c, 1)  # a copy; in torchvision the adaptive pool before it
    n.linear("fc6", 4096, ops=2)
    n.linear("fc7", 4096, ops=2)
    n.linear("fc8", 1000)
    n._add("softmax", 1000, 1, 1, 1000, "light", 2000, 1, wk="reduction")
    return n.layers


def write_alexnet(alexnet):
    text = open(alexnet).read()
    head, body = text.split("kernels = (", 1)
    names = re.findall(r'name = "([^"]+)";', body)
    layers = alexnet_layers()
    if len(names) != len(layers):
        raise SystemExit(f"alexnet: {len(names)} REEF kernels, {len(layers)} layers")
    p = FIT["p"]
    kernels = iter(zip(names, layers))

    def one(m):
        name, l = next(kernels)
        g = m.group(0)
        g = re.sub(r"dur_us = [0-9.]+;", f"dur_us = {max(0.001, layer_gpu_us(p, l)):.3f};", g)
        g = re.sub(r"occupancy_us = \[([0-9., ]+)\];",
                   lambda c: f"sm_demand = {round(curve_demand([float(x) for x in c.group(1).split(',')]), 4)};", g)
        if "dram_bytes" not in g:
            g = g.replace(" sm_demand", f" dram_bytes = {l.dram}; sm_demand")
        g = re.sub(r' (flops = [0-9.e+]+|kind = "[a-z]+");', "", g)  # REEF's own, if annotated: ours follow
        return g[:-1] + f'flops = {l.flops()}; kind = "{l.wk}"; ops = {l.ops}; }}'

    body = re.sub(r'\{ name = "[^"]+";[^}]*\}', one, body)
    total = sum(layer_gpu_us(p, l) for l in layers)
    fc = sum(layer_gpu_us(p, l) for l in layers if l.gk == "linear")
    n_ops = sum(l.ops for l in layers)
    with open("alexnet-nx.cfg", "w") as out:
        out.write("# alexnet-nx: AlexNet on the Jetson Xavier NX, the BE model of Pantheon's -be scenarios.\n")
        out.write("# Derived by scenarios/models/import-pantheon.py from alexnet.cfg (REEF's MI50 table): REEF's kernels\n")
        out.write("#   and grids, one per layer of the AlexNet REEF ran (Caffe's: 96 11x11/4 filters without padding,\n")
        out.write("#   grouped conv2/4/5, fc6 from 256x5x5, which REEF's grids and dram_bytes match).  Each kernel's\n")
        out.write("#   dur_us is its layer's GPU part under the fit to Pantheon's measured blocks (import-pantheon.py):\n")
        for x in describe(p, FIT["se"])[2:]:
            out.write(f"#     {x}\n")
        out.write(f"#   {total / 1000:.3f} ms of GPU time per job, {fc / 1000:.3f} ms of it the three linear layers'\n")
        out.write("#   (188 MB of fp32 weights: far beyond the largest fitted layer, an extrapolation).\n")
        out.write(f"# ops: the framework operators TorchScript would run, {n_ops} in all: conv+ReLU 2, pool 1, flatten 1\n")
        out.write("#   (torchvision's adaptive pool before it), linear+ReLU 2, linear 1, softmax 1.  With the profile's\n")
        out.write(f"#   host group a job also costs {n_ops} x dispatch_us and a sync.\n")
        out.write("# Contention inputs: regs and smem from alexnet.cfg; dram_bytes from alexnet.cfg where it has them (pools,\n")
        out.write("#   flatten, dense, softmax), else the layer's activations + weights, fp32.  REEF's MI50 occupancy\n")
        out.write("#   curves are not carried over; each kernel's sm_demand is the one its own curve implies,\n")
        out.write("#   d = 1 / max_k (k L(1) / L(k)), measured on an MI50 CU and applied to the NX's SMs as an assumption.\n")
        out.write('name = "alexnet-nx";\n')
        out.write(f'description = "AlexNet scaled to the Jetson Xavier NX ({total / 1000:.1f} ms)";\n')
        out.write('source = "REEF MI50 table (commit 58dabe0a), scaled";\n')
        out.write('measured_on = "jetson-xavier-nx";  # derived by the fit to the NX measurements\ndefault_regs = 32;\n')
        out.write("kernels = (" + body)
    return total, n_ops


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    MODEL["macs_only"] = "--macs-only" in sys.argv
    ref, alexnet = args[0], args[1]
    reef = args[2] if len(args) > 2 else os.path.join(ref, "..", "reef-models")
    DEMAND.update(reef_demands(reef))
    for kind, what in (("conv", "convolution/GEMM/dense"), ("light", "element-wise/pool/depthwise")):
        print(f"sm_demand {kind}: median {DEMAND[kind][0]} over {DEMAND[kind][1]} REEF {what} kernels (MI50)")
    rows = list(csv.DictReader(open(os.path.join(ref, "tasks.csv"))))
    blocks, exits = {}, {}
    for r in csv.DictReader(open(os.path.join(ref, "blocks.csv"))):
        blocks.setdefault(r["task"], []).append((int(r["block_index"]), int(r["block_latency_us"])))
    for r in csv.DictReader(open(os.path.join(ref, "exits.csv"))):
        exits.setdefault(r["task"], []).append({"after_block": int(r["after_block"]), "latency": int(r["exit_latency_us"]),
                                                "accuracy": r["accuracy"], "index": int(r["exit_index"])})
    tasks = [Task(t, sorted(blocks[t["task"]]), sorted(exits[t["task"]], key=lambda e: e["index"])) for t in rows]

    p, obs, se = fit(tasks)
    FIT.update(p=p, quality=quality(obs, p), se=se)
    print(model_line().replace("# ", "", 1).replace("#   ", "  ").rstrip())
    for x in describe(p, se):
        print("  " + x)
    print(f"  {'task':24s} {'n':>3s} {'R^2':>6s} {'med|r|':>7s} {'max|r|':>7s} {'med|r|/y':>8s}"
          f"  {'blocks: measured = host + GPU + residual (us)':s}")
    for name, q in FIT["quality"].items():
        line = f"  {name:24s} {q['n']:3d} {q['r2']:6.3f} {q['median']:7.0f} {q['max']:7.0f} {q['rel_median']:8.1%}"
        for t in tasks:
            if t.name == name:
                host = sum(p[0] + p[1] * sum(l.ops for l in a) for a in t.atoms)
                gpu = sum(layer_gpu_us(p, l) for a in t.atoms for l in a)
                line += f"  {sum(t.lat):6d} = {host:5.0f} + {gpu:5.0f} + {sum(t.lat) - host - gpu:+5.0f}"
        print(line)
    worst = sorted(obs, key=lambda o: -abs(o[3] - predict(p, o[4])))[:6]
    print("  largest residuals, measured - fitted: " + ", ".join(
        f"{o[0]} {o[1]} {o[2]} {o[3] - predict(p, o[4]):+.0f}" for o in worst))
    bobs = [o for o in obs if o[1] == "block"]
    bp, _ = nnls([o[4] for o in bobs], [o[3] for o in bobs])
    fp, r2, rounds, moved, nb = free_boundary_check(tasks)
    print(f"check, blocks only: with Pantheon's partition R^2 = {quality(bobs, bp)['all']['r2']:.3f}; with boundaries"
          f" free (dynamic programme from the MAC-following split, {rounds} rounds) R^2 = {r2:.3f}, {moved} of {nb}"
          f" boundaries differ from Pantheon's partition, parameters:")
    print("  " + "; ".join(describe(fp, {})))
    for t in tasks:
        with open(t.name + ".cfg", "w") as out:
            write_task(out, t)
    total, n_ops = write_alexnet(alexnet)
    print(f"alexnet-nx: {total / 1000:.3f} ms GPU per job, {n_ops} ops")
    print("profile host group (calib/profiles/jetson-xavier-nx.cfg): "
          f"cores = 6; dispatch_us = {p[1]:.3f}; launch_us = 0.0; sync_us = {p[0]:.3f}; wakeup_us = 0.0;")


if __name__ == "__main__":
    main()
