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
  kind, flops, dram_bytes = each kernel call's work (issue 12), for the tables whose network is
             known (NETWORKS below): the cost-model kind from the kernel's name; FLOPs of the whole
             kernel (a multiply-add is 2, each fused element-wise op 1 per output element); DRAM
             bytes read + written, fp32 (4 bytes an element), the compulsory traffic: inputs,
             weights and outputs once each
  measured_on = "mi50": the durations are the MI50's (calib/profiles/mi50.cfg)

Work.  REEF's tables give no tensor shapes, so they come from the networks: REEF's models are TVM's
relay.testing ResNet, DenseNet and Inception-v3, an AlexNet and a DistilBERT-style encoder compiled
by TVM for ROCm, whose shapes REEF's own files show (resource/<model>/<model>.json: each kernel's weight sizes; <model>.cu: the kernels'
index arithmetic).  The builders below write each network as the kernels TVM launches; the importer
matches them one to one with the table and refuses (exit 2) unless: every kernel's fused ops and
kernel index are the builder's; a kernel name that recurs has the same work each time (TVM compiles
one function per shape); every grid fits the output shape its rule names (one element per thread,
TVM's 256-block cap for element-wise kernels, a whole number of outputs per thread for tiled
convolutions and GEMMs, one block per output of a dense layer); and the layers' parameters add up
to REEF's parameter count (models.csv parameter_elements), exactly.
Regenerate the shipped files (from this folder; R = the folder of REEF's tables):
  R=../../../shared/reference/reef-models
  for m in vgg:resnet50_64 resnet152:resnet152 densenet:densenet201 inception:inception_v3 \
           alexnet:alexnet bert:distilbert; do
    ./import-reef.py $R/${m%%:*}.csv ${m#*:} "$(sed -n 's/^description = "\(.*\)";$/\1/p' ${m#*:}.cfg)" \
      > ${m#*:}.cfg.new && mv ${m#*:}.cfg.new ${m#*:}.cfg; done
"""
import csv
import math
import os
import re
import sys

PROFILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "calib", "profiles", "mi50.cfg")
DEFAULT_REGS = 32


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


# ---- Kernel work (issue 12) -------------------------------------------------------------------
# Every REEF model is a network from TVM's relay.testing, compiled by TVM for ROCm: each kernel is
# one fused Relay function, named fused_<ops>[_<n>]_kernel<k> (<n> tells apart functions of the
# same ops, and TVM compiles one function for one set of shapes, so one name means one shape;
# <k> numbers the kernels of a function that needs several).  The builders below list a network's
# layers in the order TVM's graph executor launches them, each as the kernels it becomes; main()
# matches that list one to one with REEF's table and checks it (see check_work).

F32 = 4
# Arithmetic ops a fused name can carry after its main op; each costs one FLOP per output element.
ARITH = {"add", "subtract", "multiply", "divide", "sqrt", "erf", "exp", "relu"}
CAP = 256  # TVM's injective (element-wise) schedule: at most 256 blocks, each thread loops beyond


def split_name(kernel_name):
    """(fused ops, kernel index) of a TVM kernel name: 'fused_nn_conv2d_add_3_kernel0' ->
    ('fused_nn_conv2d_add', 0)."""
    m = re.fullmatch(r"(.*?)(?:_\d+)?_kernel(\d+)", base_name(kernel_name))
    return (m.group(1), int(m.group(2))) if m else (base_name(kernel_name), 0)


def kind_of(op, sub):
    """The cost-model kind of kernel `sub` of fused function `op`, from its name alone."""
    if "winograd" in op:  # input transform, batched GEMM, output transform
        return "gemm" if sub == 1 else "elementwise"
    for token, kind in (("conv2d", "conv"), ("dense", "gemm"), ("batch_matmul", "gemm"), ("pool2d", "pool"),
                        ("softmax", "reduction"), ("fused_mean", "reduction"), ("fused_variance", "reduction"),
                        ("subtract_add_sqrt_divide", "norm")):
        if token in op:
            return kind
    return "elementwise"


def ew_ops(op):
    """Element-wise arithmetic fused after the main op, in FLOPs per output element."""
    return sum(t in ARITH for t in op.split("_"))


def out_hw(h, w, kh, kw, stride, ph, pw):
    return (h + 2 * ph - kh) // stride + 1, (w + 2 * pw - kw) // stride + 1


class Net:
    """A network's kernel sequence with each kernel's work.  Kernel: (op, sub, kind, flops,
    dram_bytes, rule, layer); rule = (how, n) ties the launch grid to the shapes:
      "one"     one item of n per thread: blocks = ceil(n / threads);
      "inj"     the same under TVM's 256-block cap for element-wise kernels;
      "divides" each thread computes a whole number of the n outputs (tiled convolutions, GEMMs);
      "blocks"  one block per item: blocks = n (batch-1 dense layers, one softmax row)."""

    def __init__(self, what):
        self.what, self.kernels, self.params = what, [], 0

    def k(self, op, flops, nbytes, rule, params=0, sub=0, layer=""):
        self.kernels.append((op, sub, kind_of(op, sub), flops, nbytes, rule, layer))
        self.params += params

    def conv(self, op, c, h, w, cout, kh, kw=None, stride=1, pad=0, vecs=0, residual=0):
        """Direct convolution + the fused ops in its name; vecs per-channel parameter vectors
        (bias, folded batch-norm shift or scale), residual full-size tensors added."""
        kw = kh if kw is None else kw
        ph, pw = pad if isinstance(pad, tuple) else (pad, pad)
        ho, wo = out_hw(h, w, kh, kw, stride, ph, pw)
        out, weights = cout * ho * wo, cout * c * kh * kw
        self.k(op, 2 * out * c * kh * kw + ew_ops(op) * out,
               F32 * (c * h * w + weights + vecs * cout + (residual + 1) * out), ("divides", out),
               weights + vecs * cout, layer=f"conv {c}x{h}x{w} -> {cout}x{ho}x{wo}, {kh}x{kw}/{stride}")
        return cout, ho, wo

    def winograd(self, op, c, h, w, cout, pad):
        """3x3 stride-1 convolution as TVM's Winograd F(m x m, 3 x 3) (weights transformed
        offline): input transform, batched GEMM over the alpha^2 tile positions, output transform
        (+ bias, relu).  m = 4 where the input height is a multiple of 8, else 2 (TVM's
        _infer_tile_size for CUDA/ROCm); the transforms' grids check the tile count."""
        m = 4 if h % 8 == 0 else 2
        a = m + 2
        ho, wo = out_hw(h, w, 3, 3, 1, pad, pad)
        tiles = math.ceil(ho / m) * math.ceil(wo / m)
        v, u, mm, out = a * a * c * tiles, a * a * cout * c, a * a * cout * tiles, cout * ho * wo
        layer = f"winograd F({m}x{m},3x3) {c}x{h}x{w} -> {cout}x{ho}x{wo}"
        # transforms: two alpha x alpha matrix products per tile and channel (B^T d B), A^T M A
        self.k(op, 4 * a ** 3 * c * tiles, F32 * (c * h * w + v), ("one", c * tiles), sub=0, layer=layer)
        self.k(op, 2 * a * a * cout * c * tiles, F32 * (u + v + mm), ("divides", mm), u, sub=1, layer=layer)
        self.k(op, 2 * (m * a * a + m * m * a) * cout * tiles + ew_ops(op) * out, F32 * (mm + cout + out),
               ("one", cout * tiles), cout, sub=2, layer=layer)
        return cout, ho, wo

    def pool(self, op, c, h, w, k, stride, pad=0, vecs=0, rule="one"):
        ho, wo = out_hw(h, w, k, k, stride, pad, pad)
        out = c * ho * wo
        self.k(op, out * (k * k + ew_ops(op)), F32 * (c * h * w + vecs * c + out),
               (rule, out) if rule else None, vecs * c, layer=f"pool {c}x{h}x{w} -> {c}x{ho}x{wo}, {k}x{k}/{stride}")
        return c, ho, wo

    def ew(self, op, n, inputs=1, vecs=0, extra_bytes=0, flops=None, rule="inj", layer=""):
        """Element-wise kernel of n outputs reading `inputs` tensors of n elements and vecs
        parameter elements."""
        self.k(op, ew_ops(op) * n if flops is None else flops, F32 * (inputs * n + vecs + n) + extra_bytes,
               (rule, n), vecs, layer=layer or f"element-wise, {n} elements")

    def dense(self, op, n_in, n_out):
        """Batch-1 fully connected layer + bias (TVM's GEMV schedule: one block per output)."""
        self.k(op, 2 * n_in * n_out + ew_ops(op) * n_out, F32 * (n_in + n_in * n_out + 2 * n_out),
               ("blocks", n_out), n_in * n_out + n_out, layer=f"dense {n_in} -> {n_out}")

    def softmax(self, op, rows, cols):
        """One-kernel softmax, one block per row."""
        self.k(op, 4 * rows * cols, F32 * 2 * rows * cols, ("blocks", rows), layer=f"softmax {rows}x{cols}")

    def bmm(self, op, batch, m, n, k, weight=False):
        """Batched matmul (batch x m x k) . (batch x k x n); weight: the right operand is a
        parameter (a linear layer)."""
        self.k(op, 2 * batch * m * n * k, F32 * batch * (m * k + k * n + m * n), ("divides", batch * m * n),
               batch * k * n if weight else 0, layer=f"batch_matmul {batch}x{m}x{k} . {k}x{n}")


def resnet_tvm(units, size):
    """relay.testing.resnet, bottleneck units: a batch norm on the data (its shift is fused_add;
    FoldScaleAxis moves the scales into the convolutions), 7x7/2 stem, 3x3/2 max pool, then
    pre-activation units: batch norm + relu, 1x1 (stride here, as the stride-2 kernels' input
    indexing shows), 3x3, 1x1, with a 1x1 projection of the activated input as the first unit's
    shortcut; a unit's sum is fused into its last convolution, and the next unit's batch norm +
    relu with it where nothing else reads the sum."""
    n = Net(f"ResNet (relay.testing.resnet, bottleneck units {'/'.join(map(str, units))}) at {size}x{size}")
    n.ew("fused_add", 3 * size * size, vecs=3, layer="data batch norm (shift)")
    c, h, w = n.conv("fused_nn_conv2d_add_nn_relu", 3, size, size, 64, 7, stride=2, pad=3, vecs=1)
    c, h, w = n.pool("fused_nn_max_pool2d_add_nn_relu", c, h, w, 3, 2, pad=1, vecs=1)
    for i, count in enumerate(units):
        f = 256 << i
        for j in range(count):
            stride = 2 if i > 0 and j == 0 else 1
            _, ho, wo = n.conv("fused_nn_conv2d_add_nn_relu", c, h, w, f // 4, 1, stride=stride, vecs=1)
            n.conv("fused_nn_conv2d_add_nn_relu", f // 4, ho, wo, f // 4, 3, pad=1, vecs=1)
            if j == 0:
                n.conv("fused_nn_conv2d", c, h, w, f, 1, stride=stride)
            if j < count - 1:
                n.conv("fused_nn_conv2d_add", f // 4, ho, wo, f, 1, residual=1)
                n.ew("fused_add_nn_relu", f * ho * wo, vecs=f, layer="next unit's batch norm + relu")
            elif i < len(units) - 1:
                n.conv("fused_nn_conv2d_add_add_nn_relu", f // 4, ho, wo, f, 1, vecs=1, residual=1)
            else:  # the final batch norm keeps its scale: nothing after it to fold it into
                n.conv("fused_nn_conv2d_add_multiply_add_nn_relu", f // 4, ho, wo, f, 1, vecs=2, residual=1)
            c, h, w = f, ho, wo
    # global pool: 8x8-thread blocks, 256 of them, not one output per thread: no grid rule
    n.pool("fused_nn_global_avg_pool2d", c, h, w, h, 1, rule=None)
    n.ew("fused_nn_batch_flatten", c)
    n.dense("fused_nn_dense_add", c, 1000)
    n.softmax("fused_nn_softmax", 1, 1000)
    return n


def densenet_tvm():
    """relay.testing.densenet at size 201 as REEF built it: its weights show 1x1 convolutions of
    32 outputs and 3x3 convolutions of ONE output, each dense layer fed by the previous layer only
    (no concatenation: a block hands on its last layer's single channel), while the transitions
    keep DenseNet-201's widths (128, 256, 896); the classifier has one input feature."""
    n = Net("DenseNet-201 as relay.testing.densenet builds it (1x1: 32 outputs, 3x3: 1 output, no concatenation), 224x224")
    c, h, w = n.conv("fused_nn_conv2d_add_nn_relu", 3, 224, 224, 64, 7, stride=2, pad=3, vecs=1)
    c, h, w = n.pool("fused_nn_max_pool2d_add_nn_relu", c, h, w, 3, 2, pad=1, vecs=1)
    features, blocks = 64, (6, 12, 48, 32)
    for i, layers in enumerate(blocks):
        for _ in range(layers):
            c, h, w = n.conv("fused_nn_conv2d_add_nn_relu", c, h, w, 32, 1, vecs=1)
            c, h, w = n.conv("fused_nn_conv2d_add_nn_relu", c, h, w, 1, 3, pad=1, vecs=1)
        features = (features + 32 * layers) // 2
        if i < len(blocks) - 1:
            c, h, w = n.conv("fused_nn_conv2d", c, h, w, features, 1)
            c, h, w = n.pool("fused_nn_avg_pool2d_add_nn_relu", c, h, w, 2, 2, vecs=1)
    c, h, w = n.pool("fused_nn_avg_pool2d", c, h, w, 7, 1)
    n.ew("fused_nn_batch_flatten", c * h * w)
    n.dense("fused_nn_dense_add", c * h * w, 1000)
    return n


def inception_tvm():
    """relay.testing.inception_v3 (the MXNet Inception-v3 symbol) at 299x299: every convolution
    is conv + batch norm (shift) + relu; TVM runs the 3x3 stride-1 ones as Winograd."""
    n = Net("Inception-v3 (relay.testing.inception_v3), 299x299")

    def conv(x, cout, k=(1, 1), stride=1, pad=(0, 0)):
        if k == (3, 3) and stride == 1:
            return n.winograd("fused_nn_contrib_conv2d_winograd_without_weight_transform_add_nn_relu", *x, cout, pad[0])
        return n.conv("fused_nn_conv2d_add_nn_relu", *x, cout, k[0], k[1], stride=stride, pad=pad, vecs=1)

    def pool(x, kind, stride=1, pad=1):
        return n.pool(f"fused_nn_{kind}_pool2d", *x, 3, stride, pad=pad)

    def concat(*parts):
        c = sum(p[0] for p in parts)
        n.ew("fused_concatenate", c * parts[0][1] * parts[0][2], layer=f"concatenate {c} channels")
        return c, parts[0][1], parts[0][2]

    x = conv((3, 299, 299), 32, (3, 3), stride=2)
    x = conv(x, 32, (3, 3))
    x = conv(x, 64, (3, 3), pad=(1, 1))
    x = pool(x, "max", 2, 0)
    x = conv(x, 80)
    x = conv(x, 192, (3, 3))
    x = pool(x, "max", 2, 0)
    for proj in (32, 64, 64):  # 7A
        t1 = conv(x, 64)
        t5 = conv(conv(x, 48), 64, (5, 5), pad=(2, 2))
        t3 = conv(conv(conv(x, 64), 96, (3, 3), pad=(1, 1)), 96, (3, 3), pad=(1, 1))
        x = concat(t1, t5, t3, conv(pool(x, "avg"), proj))
    t3 = conv(x, 384, (3, 3), stride=2)  # 7B
    td = conv(conv(conv(x, 64), 96, (3, 3), pad=(1, 1)), 96, (3, 3), stride=2)
    x = concat(t3, td, pool(x, "max", 2, 0))
    for r in (128, 160, 160, 192):  # 7C
        t1 = conv(x, 192)
        td = conv(conv(conv(x, r), r, (1, 7), pad=(0, 3)), 192, (7, 1), pad=(3, 0))
        tq = conv(x, r)
        for cout, k, pad in ((r, (7, 1), (3, 0)), (r, (1, 7), (0, 3)), (r, (7, 1), (3, 0)), (192, (1, 7), (0, 3))):
            tq = conv(tq, cout, k, pad=pad)
        x = concat(t1, td, tq, conv(pool(x, "avg"), 192))
    t3 = conv(conv(x, 192), 320, (3, 3), stride=2)  # 7D
    td = conv(conv(conv(conv(x, 192), 192, (1, 7), pad=(0, 3)), 192, (7, 1), pad=(3, 0)), 192, (3, 3), stride=2)
    x = concat(t3, td, pool(x, "max", 2, 0))
    for kind in ("avg", "max"):  # 7E
        t1 = conv(x, 320)
        td = conv(x, 384)
        tda, tdb = conv(td, 384, (1, 3), pad=(0, 1)), conv(td, 384, (3, 1), pad=(1, 0))
        tq = conv(conv(x, 448), 384, (3, 3), pad=(1, 1))
        tqa, tqb = conv(tq, 384, (1, 3), pad=(0, 1)), conv(tq, 384, (3, 1), pad=(1, 0))
        x = concat(t1, tda, tdb, tqa, tqb, conv(pool(x, kind), 192))
    c, h, w = n.pool("fused_nn_avg_pool2d", *x, 8, 1)
    n.ew("fused_nn_batch_flatten", c * h * w)
    n.dense("fused_nn_dense_add", c * h * w, 1000)
    n.softmax("fused_nn_softmax", 1, 1000)
    return n


def alexnet_tvm():
    """AlexNet with 96/256/384/384/256 filters, convolutions without bias, 224x224."""
    n = Net("AlexNet (96-256-384-384-256 filters, no convolution bias), 224x224")
    x = n.conv("fused_nn_conv2d_nn_relu", 3, 224, 224, 96, 11, stride=4)
    x = n.pool("fused_nn_max_pool2d", *x, 3, 2)
    x = n.conv("fused_nn_conv2d_nn_relu", *x, 256, 5, pad=2)
    x = n.pool("fused_nn_max_pool2d", *x, 3, 2)
    for cout in (384, 384, 256):
        x = n.conv("fused_nn_conv2d_nn_relu", *x, cout, 3, pad=1)
    c, h, w = n.pool("fused_nn_max_pool2d", *x, 3, 2)
    n.ew("fused_nn_batch_flatten", c * h * w)
    n.dense("fused_nn_dense_add_nn_relu", c * h * w, 4096)
    n.dense("fused_nn_dense_add_nn_relu", 4096, 4096)
    n.dense("fused_nn_dense_add", 4096, 1000)
    n.softmax("fused_nn_softmax", 1, 1000)
    return n


def distilbert_tvm(seq=480, hidden=480, heads=12, ffn=480, layers=6, vocab=30522, positions=1024):
    """REEF's 'bert': a DistilBERT-style post-norm encoder imported into Relay, batch 1.  Its
    weights fix hidden = 480 (every linear layer, the feed-forward one included, is 480 x 480),
    the 30522 x 480 word and 1024 x 480 position embeddings and 6 layers; its score tensors fix
    12 heads over 480 tokens.  Linear layers are batch_matmul kernels, their bias fused into the
    next element-wise kernel; LayerNorm is two-kernel mean and variance reductions and one
    normalising kernel; softmax is four kernels (row max, exp, row sum, divide)."""
    n = Net(f"DistilBERT-style encoder: {layers} layers, hidden {hidden}, feed-forward {ffn}, {heads} heads, {seq} tokens")
    t, d, s = seq * hidden, hidden // heads, heads * seq * seq

    def layernorm():
        for op in ("fused_mean", "fused_variance"):
            var = op == "fused_variance"
            n.k(op, (3 if var else 1) * t, F32 * (t + (seq if var else 0) + seq), ("divides", t),
                layer=f"layer norm {op[6:]}: row sums")
            n.k(op, seq, F32 * 2 * seq, ("one", seq), sub=1, layer=f"layer norm {op[6:]}: divide")
        n.ew("fused_subtract_add_sqrt_divide_multiply_add", t, vecs=2 * hidden, extra_bytes=F32 * 2 * seq,
             layer="layer norm: normalise, scale, shift")

    def softmax(rows, cols):
        e = rows * cols
        for sub, (flops, nbytes, rule) in enumerate(((e, e + rows, ("one", rows)), (2 * e, 2 * e + rows, ("inj", e)),
                                                     (e, e + rows, ("one", rows)), (e, 2 * e + rows, ("inj", e)))):
            n.k("fused_nn_softmax", flops, F32 * nbytes, rule, sub=sub, layer=f"softmax {rows}x{cols}")

    def linear(n_in, n_out):
        n.bmm("fused_nn_batch_matmul", 1, seq, n_out, n_in, weight=True)

    # attention mask (one byte a token) and embeddings: word rows gathered by token id + position rows
    n.k("fused_full_equal_reshape", 0, seq, ("one", seq), layer="attention mask, int8")
    n.k("fused_cast_take_broadcast_to_like_cast_take_add", t, F32 * 3 * t + 8 * 2 * seq, ("inj", t),
        vocab * hidden + positions * hidden + seq, layer="embeddings: gather + position")
    layernorm()
    for _ in range(layers):
        n.ew("fused_reshape", t)
        linear(hidden, hidden)
        n.ew("fused_reshape_add_reshape_transpose_divide_reshape", t, vecs=hidden, layer="q: bias, heads, / sqrt(d)")
        linear(hidden, hidden)
        n.ew("fused_reshape_add_reshape_transpose_transpose_reshape_transpose", t, vecs=hidden, layer="k: bias, heads")
        n.bmm("fused_nn_batch_matmul", heads, seq, seq, d)
        n.ew("fused_reshape_cast_broadcast_to_like_where", s, extra_bytes=seq, layer="mask the scores")
        softmax(heads * seq, seq)
        n.ew("fused_reshape", s)
        linear(hidden, hidden)
        n.ew("fused_reshape_add_reshape_transpose_reshape_transpose", t, vecs=hidden, layer="v: bias, heads")
        n.bmm("fused_nn_batch_matmul", heads, seq, d, seq)
        n.ew("fused_reshape_transpose_copy_reshape", t, layer="merge heads")
        linear(hidden, hidden)
        n.ew("fused_reshape_add_add", t, inputs=2, vecs=hidden, layer="bias + residual")
        layernorm()
        n.ew("fused_reshape", t)
        linear(hidden, ffn)
        n.ew("fused_reshape_add_multiply_erf_multiply_add_multiply_reshape", seq * ffn, vecs=ffn, layer="bias + gelu")
        linear(ffn, hidden)
        n.ew("fused_reshape_add_add", t, inputs=2, vecs=hidden, layer="bias + residual")
        layernorm()
    return n


NETWORKS = {  # REEF resource directory -> builder
    "vgg": lambda: resnet_tvm((3, 4, 6, 3), 64),
    "resnet152": lambda: resnet_tvm((3, 8, 36, 3), 64),
    "densenet": densenet_tvm,
    "inception": inception_tvm,
    "alexnet": alexnet_tvm,
    "bert": distilbert_tvm,
}


def grid_fits(rule, blocks, threads):
    if rule is None:
        return True
    how, n = rule
    if how == "one":
        return blocks == math.ceil(n / threads)
    if how == "inj":
        return blocks == min(CAP, math.ceil(n / threads))
    if how == "divides":
        return n % (blocks * threads) == 0
    return blocks == n  # "blocks"


def check_work(src, stem, rows):
    """Per row: (kind, flops, dram_bytes), or None for every row when the table's network has no
    builder.  Exits (status 2) unless the kernels match the network one to one, by fused-op name and
    kernel index; one kernel name always has one work; every grid fits its rule; and the layers'
    parameters add up to REEF's count (models.csv parameter_elements)."""
    if stem not in NETWORKS:
        return [None] * len(rows), None
    net = NETWORKS[stem]()
    if len(net.kernels) != len(rows):
        fail(f"{src}: {len(rows)} kernels, but {net.what} has {len(net.kernels)}")
    seen = {}
    for r, (op, sub, kind, flops, nbytes, rule, layer) in zip(rows, net.kernels):
        at = f"{src}:{int(r['index']) + 2}"
        if split_name(r["kernel_name"]) != (op, sub):
            fail(f"{at}: {r['kernel_name']} where {net.what} has {op}_kernel{sub} ({layer})")
        if not grid_fits(rule, int(r["total_blocks"]), int(r["threads_per_block"])):
            fail(f"{at}: {r['kernel_name']}: grid {r['total_blocks']} x {r['threads_per_block']} does not fit {layer} ({rule[0]} {rule[1]})")
        if seen.setdefault(r["kernel_name"], (flops, nbytes)) != (flops, nbytes):
            fail(f"{at}: {r['kernel_name']} again, with other shapes ({layer})")
    models = os.path.join(os.path.dirname(src), "models.csv")
    expect = next(int(m["parameter_elements"]) for m in csv.DictReader(open(models)) if m["model"] == stem)
    if net.params != expect:
        fail(f"{src}: {net.what} has {net.params} parameters, REEF's {models} says {expect}")
    return [(kind, flops, nbytes) for _, _, kind, flops, nbytes, _, _ in net.kernels], net


def fail(msg):
    print(f"import-reef.py: {msg}", file=sys.stderr)
    sys.exit(2)


def main():
    src, name, desc = sys.argv[1], sys.argv[2], sys.argv[3]
    stem = os.path.basename(src)[:-4]
    prof = read_profile(PROFILE)
    rows = list(csv.DictReader(open(src)))
    total = sum(int(r["latency_us"]) for r in rows)
    fits = [fit(r, prof) for r in rows]
    work, net = check_work(src, stem, rows)
    n_smem = sum(1 for f in fits if f[2] == "lowered")
    n_cut = sum(1 for f in fits if f[2] == "cut")
    n_regs = sum(1 for f in fits if f[0] is not None)
    n_work = sum(1 for w in work if w)
    t_work = sum(int(r["latency_us"]) for r, w in zip(rows, work) if w)
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
    if net:
        out.write(f"# Work (kind, flops, dram_bytes: fp32, inputs + weights + outputs once each) from the layers of\n")
        out.write(f"#   {net.what}:\n")
        out.write("#   matched kernel by kernel to the table by fused-op name; checked: one name, one work; grids fit\n")
        out.write(f"#   the output shapes; the layers' {net.params} parameters are REEF's count.  See the importer.\n")
    out.write(f"#   {n_work} of {len(rows)} launches have work ({t_work} of {total} us of solo latency).\n")
    out.write(f'name = "{name}";\n')
    out.write(f'description = "{desc}";\n')
    out.write('source = "REEF MI50 tables (commit 58dabe0a)";\n')
    out.write('measured_on = "mi50";\n')
    out.write(f"default_regs = {DEFAULT_REGS};\n")
    out.write("kernels = (\n")
    for i, (r, (regs, smem, _, curve), w) in enumerate(zip(rows, fits, work)):
        if len(r["latency_by_occupancy_us"].split(";")) != int(r["n_occupancy_levels"]) or min(curve) <= 0:
            sys.exit(f"{src}:{r['index']}: bad latency_by_occupancy_us")
        curve = [str(x) for x in curve]
        sep = "," if i + 1 < len(rows) else ""
        regs_s = f"regs = {regs}; " if regs is not None else ""
        work_s = f'kind = "{w[0]}"; flops = {w[1]}; dram_bytes = {w[2]}; ' if w else ""
        out.write(f'  {{ name = "{r["kernel_name"]}"; blocks = {r["total_blocks"]}; '
                  f'threads = {r["threads_per_block"]}; {regs_s}smem = {smem}; dur_us = {r["latency_us"]}; '
                  f'{work_s}occupancy_us = [ {", ".join(curve)} ]; }}{sep}\n')
    out.write(");\n")
    print(f"{name}: curve cut in {n_cut}, smem lowered in {n_smem}, regs in {n_regs}, work in {n_work} of {len(rows)} launches "
          f"({t_work} of {total} us)", file=sys.stderr)


if __name__ == "__main__":
    main()
