"""Layer-level definitions of the DISB models, and the kernels an inference engine runs for them.

    import archs
    net = archs.build("resnet50", size=224, batch=1, precision="fp32")
    for k in net.kernels: k.name, k.kind, k.out, k.macs, k.flops, k.dram_bytes, k.blocks, ...

Architectures (torchvision's definitions where torchvision has one; standard library only):
  resnet50, resnet152  He et al., "Deep Residual Learning for Image Recognition", CVPR 2016;
                       torchvision's variant (stride on the 3x3 convolution, "v1.5").
  vgg19                Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale
                       Image Recognition", ICLR 2015 (configuration E).
  densenet201          Huang et al., "Densely Connected Convolutional Networks", CVPR 2017
                       (growth 32, blocks 6/12/48/32, bottleneck 4k, compression 0.5).
  inception_v3         Szegedy et al., "Rethinking the Inception Architecture for Computer Vision",
                       CVPR 2016; torchvision's Inception3 without the auxiliary head, which runs
                       only in training (its parameters are counted apart: aux_params()).
  mobilenet_v2         Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
                       CVPR 2018 (width 1.0).
  alexnet              Krizhevsky, "One weird trick for parallelizing convolutional neural
                       networks", 2014, as torchvision defines it (64/192/384/256/256 channels).
  bert_base            Devlin et al., "BERT: Pre-training of Deep Bidirectional Transformers for
                       Language Understanding", NAACL 2019 (L=12, H=768, A=12, FF 3072, vocabulary
                       30522, 512 positions, 2 token types, pooler).
  distilbert           Sanh et al., "DistilBERT, a distilled version of BERT", 2019: BERT-base with
                       6 layers, no token types, no pooler (DISB's "distilbert" returns the last
                       hidden state).

Kernels (one launch each, in execution order), as an inference engine (TensorRT-like) runs a model:
  - convolution: batch norm folded into its weights and a per-channel bias; bias and activation
    (ReLU, ReLU6) fused into its epilogue.  DenseNet's pre-activation batch norm + ReLU cannot be
    folded into weights (the ReLU comes between), so the consumer applies it as it loads its input
    (a prologue: the consumers are 1x1 convolutions without padding and pooling, so this is exact).
  - residual add (+ ReLU where the architecture has one) is an element-wise kernel of its own;
    pooling, global average pooling, each classifier GEMM and the final softmax too.
  - concatenation is free: the producers of a DenseNet block or an Inception module write into
    channel slices of one preallocated buffer (concat elimination), so no copy kernel exists.
  - an adaptive average pool whose output size equals its input size is the identity: no kernel
    (VGG's 7x7 and AlexNet's 6x6 pools at 224x224).  Dropout is the identity at inference.
  - BERT, per layer: fused QKV projection GEMM (bias fused), scores = QK^T batched GEMM (scale
    fused), softmax (mask add fused), context = PV batched GEMM, output projection GEMM, residual
    add + LayerNorm, FFN GEMM + bias + GELU, FFN GEMM + bias, residual add + LayerNorm.  Head
    split/merge transposes are folded into the batched GEMMs' strides.  Embeddings: one kernel
    (gather + sum + LayerNorm).  BERT-base's pooler: GEMM + bias + tanh on the [CLS] rows.
    Inputs are int32 token ids (DISB feeds int32) and a mask of one element per token.

Launch grid rule (written into each kernel's blocks/threads/smem/regs):
  - tiled kernels (convolutions as implicit GEMM, GEMMs with more than GEMV_MAX_ROWS rows, batched
    GEMMs): output tiles of TILE_M x TILE_N (GEMM rows = batch x output pixels or tokens, columns
    = output channels or features), THREADS threads per block, blocks = batch(es) x
    ceil(M/TILE_M) x ceil(N/TILE_N); shared memory STAGES x (TILE_M + TILE_N) x TILE_K elements
    (double-buffered operand tiles: 48 KiB fp32, 24 KiB fp16); TILE_REGS registers per thread
    (32 fp32 accumulators each plus operand fragments and addresses).  No split-K: late layers
    at batch 1 get few blocks, as TVM's schedules in REEF's tables do.
  - matrix-vector products (GEMM with at most GEMV_MAX_ROWS rows, e.g. a batch-1 classifier),
    reductions (softmax, global pooling) and row norms (LayerNorm): one warp per output row or
    feature, ROWS_PER_BLOCK rows per THREADS-thread block.
  - element-wise kernels, pooling and depthwise convolutions (direct, not GEMM): one output
    element per thread, THREADS threads per block.
  - every non-tiled grid is capped at MAX_BLOCKS blocks (a grid-stride loop does the rest);
    these kernels use no shared memory and the file's default registers.

Work per kernel:
  - macs: multiply-adds of convolutions and GEMMs; flops = 2 x macs + element-wise operations,
    counted one per output element per operation (OPS below: bias 1 (a folded batch norm is
    a bias), ReLU 1, ReLU6 2, GELU 5, tanh 1, softmax 5, LayerNorm 8, residual add 1; a pooling
    window counts one per element it reads; a prologue batch norm + ReLU 3 per input element).
  - dram_bytes: inputs + weights + outputs once each at the precision's element size (fp32 4 B,
    fp16 2 B; token ids 4 B): the compulsory traffic, no cache model.  A folded convolution's
    weights are its kernel plus one bias per output channel; an embedding reads only the rows
    it gathers.
  - parameters follow torchvision's / Hugging Face's count (batch-norm scale and shift included,
    running statistics not), so that totals compare with the published ones.
"""

THREADS = 256
TILE_M, TILE_N, TILE_K, STAGES = 128, 64, 32, 2
TILE_REGS = 128
GEMV_MAX_ROWS = 8
ROWS_PER_BLOCK = THREADS // 32
MAX_BLOCKS = 4096
ESIZE = {"fp32": 4, "fp16": 2}
INDEX_BYTES = 4
OPS = {None: 0, "relu": 1, "relu6": 2, "gelu": 5, "tanh": 1, "bias": 1,
       "softmax": 5, "layernorm": 8, "add": 1, "pre_bn_relu": 3}


def _cdiv(a, b):
    return -(-a // b)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


class Kernel:
    """One launch: name (torchvision / Hugging Face module path), kind (model-file kind), out
    (output shape with the batch), attrs (the layer's hyperparameters, e.g. conv: inp, cin,
    cout, k, s, p, groups), macs, flops, params (of its layer), reads / weights / outs
    (elements), dram_bytes, and the grid: blocks, threads, smem (bytes per block), regs (None:
    the file's default)."""

    def __init__(self, net, name, kind, out, macs=0, ops=0, params=0, reads=0, weights=0,
                 extra_bytes=0, grid=None, attrs=None):
        self.name, self.kind, self.out = name, kind, tuple(out)
        self.attrs = attrs or {}
        self.macs, self.params = macs, params
        self.flops = 2 * macs + ops
        self.outs = 1
        for d in self.out:
            self.outs *= d
        self.reads, self.weights = reads, weights
        self.dram_bytes = (reads + weights + self.outs) * net.esize + extra_bytes
        self.blocks, self.threads, self.smem, self.regs = grid


class Net:
    """A model at one input size, batch and precision: kernels in launch order, parameters."""

    def __init__(self, arch, size, batch, precision):
        if precision not in ESIZE:
            raise ValueError(f"precision must be fp32 or fp16, not {precision!r}")
        if batch < 1:
            raise ValueError(f"batch must be at least 1, not {batch}")
        self.arch, self.size, self.batch, self.precision = arch, size, batch, precision
        self.esize = ESIZE[precision]
        self.kernels = []
        self.params = 0

    # -- totals
    @property
    def macs(self):
        return sum(k.macs for k in self.kernels)

    @property
    def flops(self):
        return sum(k.flops for k in self.kernels)

    @property
    def dram_bytes(self):
        return sum(k.dram_bytes for k in self.kernels)

    # -- grids
    def _tiled(self, m, n, count=1):
        smem = STAGES * (TILE_M + TILE_N) * TILE_K * self.esize
        return (count * _cdiv(m, TILE_M) * _cdiv(n, TILE_N), THREADS, smem, TILE_REGS)

    @staticmethod
    def _per_element(n):
        return (min(_cdiv(n, THREADS), MAX_BLOCKS), THREADS, 0, None)

    @staticmethod
    def _per_row(rows):
        return (min(_cdiv(rows, ROWS_PER_BLOCK), MAX_BLOCKS), THREADS, 0, None)

    def _add(self, *args, **kw):
        k = Kernel(self, *args, **kw)
        self.kernels.append(k)
        self.params += k.params
        return k

    # -- CNN layers on (C, H, W) activations; every method returns the output's (C, H, W)
    def conv(self, name, x, cout, k, s=1, p=0, groups=1, bias=False, bn=True, act="relu",
             pre_bn=False):
        """Convolution [+ folded batch norm] [+ bias] [+ activation]; pre_bn: DenseNet's
        pre-activation batch norm + ReLU on the input, applied as the input is loaded."""
        c, h, w = x
        (kh, kw), (sh, sw), (ph, pw) = _pair(k), _pair(s), _pair(p)
        ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
        if ho < 1 or wo < 1:
            raise ValueError(f"{self.arch}: input {self.size} is too small for layer {name}")
        if c % groups or cout % groups:
            raise ValueError(f"{name}: channels {c}->{cout} not divisible into {groups} groups")
        n, cin_g = self.batch, c // groups
        kernel = cout * cin_g * kh * kw
        has_bias = bias or bn
        params = kernel + (cout if bias else 0) + (2 * cout if bn else 0) + (2 * c if pre_bn else 0)
        outs = n * cout * ho * wo
        ops = outs * ((OPS["bias"] if has_bias else 0) + OPS[act])
        if pre_bn:
            ops += OPS["pre_bn_relu"] * n * c * h * w
        if groups > 1 and groups == c == cout:
            grid = self._per_element(outs)  # depthwise: a direct convolution
        else:
            grid = self._tiled(n * ho * wo, cout // groups, groups)
        self._add(name, "conv", (n, cout, ho, wo), macs=outs * cin_g * kh * kw, ops=ops,
                  params=params, reads=n * c * h * w,
                  weights=kernel + (cout if has_bias else 0) + (2 * c if pre_bn else 0), grid=grid,
                  attrs=dict(inp=(n, c, h, w), cin=c, cout=cout, k=(kh, kw), s=(sh, sw), p=(ph, pw),
                             groups=groups, act=act, pre_bn=pre_bn))
        return (cout, ho, wo)

    def pool(self, name, x, op, k, s, p=0, pre_bn=False):
        """op "max" or "avg" pooling: one output element per thread, k x k reads each."""
        c, h, w = x
        ho, wo = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        if ho < 1 or wo < 1:
            raise ValueError(f"{self.arch}: input {self.size} is too small for layer {name}")
        if op not in ("max", "avg"):
            raise ValueError(f"{name}: pooling is max or avg, not {op!r}")
        n = self.batch
        outs = n * c * ho * wo
        ops = outs * k * k + (OPS["pre_bn_relu"] * n * c * h * w if pre_bn else 0)
        self._add(name, "pool", (n, c, ho, wo), ops=ops, params=2 * c if pre_bn else 0,
                  reads=n * c * h * w, weights=2 * c if pre_bn else 0, grid=self._per_element(outs),
                  attrs=dict(inp=(n, c, h, w), op=op, k=k, s=s, p=p, pre_bn=pre_bn))
        return (c, ho, wo)

    def adaptive_avgpool(self, name, x, size):
        """torchvision's AdaptiveAvgPool2d: the identity (no kernel) when the size already fits."""
        c, h, w = x
        if (h, w) == (size, size):
            return x

        def windows(length):  # PyTorch's bins: [floor(i*L/o), ceil((i+1)*L/o))
            return sum(_cdiv((i + 1) * length, size) - (i * length) // size for i in range(size))

        n = self.batch
        outs = n * c * size * size
        self._add(name, "pool", (n, c, size, size), ops=n * c * windows(h) * windows(w),
                  reads=n * c * h * w, grid=self._per_element(outs), attrs=dict(inp=(n, c, h, w)))
        return (c, size, size)

    def global_pool(self, name, x, pre_bn=False):
        """Global average pooling: a reduction of each (image, channel) row of H x W."""
        c, h, w = x
        n = self.batch
        ops = n * c * h * w + (OPS["pre_bn_relu"] * n * c * h * w if pre_bn else 0)
        self._add(name, "reduction", (n, c), ops=ops, params=2 * c if pre_bn else 0,
                  reads=n * c * h * w, weights=2 * c if pre_bn else 0, grid=self._per_row(n * c),
                  attrs=dict(inp=(n, c, h, w), pre_bn=pre_bn))
        return (c, 1, 1)

    def add(self, name, a, b, relu=True):
        """Residual add [+ ReLU] of two equal activations."""
        if a != b:
            raise ValueError(f"{name}: adding {a} to {b}")
        outs = self.batch * a[0] * a[1] * a[2]
        self._add(name, "elementwise", (self.batch,) + a,
                  ops=outs * (OPS["add"] + (OPS["relu"] if relu else 0)),
                  reads=2 * outs, grid=self._per_element(outs))
        return a

    def linear(self, name, rows, fin, fout, act=None, reads=None):
        """Fully connected layer (+ bias + activation) on `rows` input rows of `fin` features."""
        w = fin * fout + fout
        grid = self._per_row(fout) if rows <= GEMV_MAX_ROWS else self._tiled(rows, fout)
        self._add(name, "gemm", (rows, fout), macs=rows * fin * fout,
                  ops=rows * fout * (OPS["bias"] + OPS[act]), params=w,
                  reads=rows * fin if reads is None else reads, weights=w, grid=grid,
                  attrs=dict(rows=rows, fin=fin, fout=fout, act=act))

    def softmax(self, name, rows, length, mask_ops=0, extra_reads=0):
        self._add(name, "reduction", (rows, length), ops=rows * length * (OPS["softmax"] + mask_ops),
                  reads=rows * length + extra_reads, grid=self._per_row(rows))

    # -- transformer pieces on `tokens` rows
    def bmm(self, name, count, m, n, k, reads, ops_per_out=0):
        """`count` independent m x k by k x n products (one per sequence and head)."""
        self._add(name, "gemm", (count, m, n), macs=count * m * n * k, ops=count * m * n * ops_per_out,
                  reads=reads, grid=self._tiled(m, n, count), attrs=dict(count=count, m=m, n=n, k=k))

    def add_layernorm(self, name, tokens, hidden):
        self._add(name, "norm", (tokens, hidden), ops=tokens * hidden * (OPS["add"] + OPS["layernorm"]),
                  params=2 * hidden, reads=2 * tokens * hidden, weights=2 * hidden,
                  grid=self._per_row(tokens))


# ---------------------------------------------------------------- architectures

def _resnet(net, size, depths):
    x = net.conv("conv1", (3, size, size), 64, 7, 2, 3)
    x = net.pool("maxpool", x, "max", 3, 2, 1)
    for i, (blocks, width) in enumerate(zip(depths, (64, 128, 256, 512))):
        for b in range(blocks):
            pre, stride = f"layer{i + 1}.{b}", 2 if b == 0 and i > 0 else 1
            y = net.conv(pre + ".conv1", x, width, 1)
            y = net.conv(pre + ".conv2", y, width, 3, stride, 1)
            y = net.conv(pre + ".conv3", y, 4 * width, 1, act=None)
            shortcut = net.conv(pre + ".downsample", x, 4 * width, 1, stride, act=None) if b == 0 else x
            x = net.add(pre + ".add_relu", y, shortcut)
    x = net.global_pool("avgpool", x)
    _classify(net, [("fc", x[0], 1000, None)])


def _resnet_basic(net, size, depths):
    """ResNet-18/34: basic blocks of two 3x3 convolutions, no expansion."""
    x = net.conv("conv1", (3, size, size), 64, 7, 2, 3)
    x = net.pool("maxpool", x, "max", 3, 2, 1)
    for i, (blocks, width) in enumerate(zip(depths, (64, 128, 256, 512))):
        for b in range(blocks):
            pre, stride = f"layer{i + 1}.{b}", 2 if b == 0 and i > 0 else 1
            y = net.conv(pre + ".conv1", x, width, 3, stride, 1)
            y = net.conv(pre + ".conv2", y, width, 3, 1, 1, act=None)
            shortcut = net.conv(pre + ".downsample", x, width, 1, stride, act=None) if b == 0 and i > 0 else x
            x = net.add(pre + ".add_relu", y, shortcut)
    x = net.global_pool("avgpool", x)
    _classify(net, [("fc", x[0], 1000, None)])


def _classify(net, layers):
    for name, fin, fout, act in layers:
        net.linear(name, net.batch, fin, fout, act)
    net.softmax("softmax", net.batch, layers[-1][2])


VGG_CFGS = {
    "vgg11": (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "vgg13": (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "vgg16": (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"),
    "vgg19": (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
              512, 512, 512, 512, "M"),
}


def _vgg19(net, size, cfg=VGG_CFGS["vgg19"]):
    x, idx = (3, size, size), 0
    for v in cfg:
        if v == "M":
            x = net.pool(f"features.{idx}", x, "max", 2, 2)
            idx += 1
        else:
            x = net.conv(f"features.{idx}", x, v, 3, 1, 1, bias=True, bn=False)
            idx += 2  # the ReLU is fused
    x = net.adaptive_avgpool("avgpool", x, 7)
    _classify(net, [("classifier.0", 512 * 7 * 7, 4096, "relu"), ("classifier.3", 4096, 4096, "relu"),
                    ("classifier.6", 4096, 1000, None)])


def _alexnet(net, size):
    x = net.conv("features.0", (3, size, size), 64, 11, 4, 2, bias=True, bn=False)
    x = net.pool("features.2", x, "max", 3, 2)
    x = net.conv("features.3", x, 192, 5, 1, 2, bias=True, bn=False)
    x = net.pool("features.5", x, "max", 3, 2)
    x = net.conv("features.6", x, 384, 3, 1, 1, bias=True, bn=False)
    x = net.conv("features.8", x, 256, 3, 1, 1, bias=True, bn=False)
    x = net.conv("features.10", x, 256, 3, 1, 1, bias=True, bn=False)
    x = net.pool("features.12", x, "max", 3, 2)
    x = net.adaptive_avgpool("avgpool", x, 6)
    _classify(net, [("classifier.1", 256 * 6 * 6, 4096, "relu"), ("classifier.4", 4096, 4096, "relu"),
                    ("classifier.6", 4096, 1000, None)])


def _densenet201(net, size, growth=32, blocks=(6, 12, 48, 32), bottleneck=4, init=64):
    x = net.conv("features.conv0", (3, size, size), init, 7, 2, 3)
    c, h, w = net.pool("features.pool0", x, "max", 3, 2, 1)
    for b, layers in enumerate(blocks):
        for i in range(layers):
            pre = f"features.denseblock{b + 1}.denselayer{i + 1}"
            # norm1+relu1 as prologue, norm2 folded and relu2 fused, then conv2 writes its
            # `growth` channels into the block's concatenation buffer
            y = net.conv(pre + ".conv1", (c, h, w), bottleneck * growth, 1, pre_bn=True)
            net.conv(pre + ".conv2", y, growth, 3, 1, 1, bn=False, act=None)
            c += growth
        if b < len(blocks) - 1:
            pre = f"features.transition{b + 1}"
            x = net.conv(pre + ".conv", (c, h, w), c // 2, 1, bn=False, act=None, pre_bn=True)
            c, h, w = net.pool(pre + ".pool", x, "avg", 2, 2)
    x = net.global_pool("features.norm5+avgpool", (c, h, w), pre_bn=True)
    _classify(net, [("classifier", c, 1000, None)])


def _inception_v3(net, size):
    def conv(name, x, cout, k, s=1, p=0):
        return net.conv(name, x, cout, k, s, p)

    def concat(name, *branches):
        hw = {b[1:] for b in branches}
        if len(hw) != 1:
            raise ValueError(f"{name}: branches of different sizes {branches}")
        return (sum(b[0] for b in branches),) + branches[0][1:]

    def block_a(m, x, pool_features):
        b1 = conv(m + ".branch1x1", x, 64, 1)
        b5 = conv(m + ".branch5x5_2", conv(m + ".branch5x5_1", x, 48, 1), 64, 5, 1, 2)
        b3 = conv(m + ".branch3x3dbl_1", x, 64, 1)
        b3 = conv(m + ".branch3x3dbl_3", conv(m + ".branch3x3dbl_2", b3, 96, 3, 1, 1), 96, 3, 1, 1)
        bp = conv(m + ".branch_pool", net.pool(m + ".avg_pool", x, "avg", 3, 1, 1), pool_features, 1)
        return concat(m, b1, b5, b3, bp)

    def block_b(m, x):
        b3 = conv(m + ".branch3x3", x, 384, 3, 2)
        bd = conv(m + ".branch3x3dbl_1", x, 64, 1)
        bd = conv(m + ".branch3x3dbl_3", conv(m + ".branch3x3dbl_2", bd, 96, 3, 1, 1), 96, 3, 2)
        return concat(m, b3, bd, net.pool(m + ".max_pool", x, "max", 3, 2))

    def block_c(m, x, c7):
        b1 = conv(m + ".branch1x1", x, 192, 1)
        b7 = conv(m + ".branch7x7_1", x, c7, 1)
        b7 = conv(m + ".branch7x7_2", b7, c7, (1, 7), 1, (0, 3))
        b7 = conv(m + ".branch7x7_3", b7, 192, (7, 1), 1, (3, 0))
        bd = conv(m + ".branch7x7dbl_1", x, c7, 1)
        for j, (cout, k, p) in enumerate(((c7, (7, 1), (3, 0)), (c7, (1, 7), (0, 3)),
                                          (c7, (7, 1), (3, 0)), (192, (1, 7), (0, 3)))):
            bd = conv(f"{m}.branch7x7dbl_{j + 2}", bd, cout, k, 1, p)
        bp = conv(m + ".branch_pool", net.pool(m + ".avg_pool", x, "avg", 3, 1, 1), 192, 1)
        return concat(m, b1, b7, bd, bp)

    def block_d(m, x):
        b3 = conv(m + ".branch3x3_2", conv(m + ".branch3x3_1", x, 192, 1), 320, 3, 2)
        b7 = conv(m + ".branch7x7x3_1", x, 192, 1)
        b7 = conv(m + ".branch7x7x3_2", b7, 192, (1, 7), 1, (0, 3))
        b7 = conv(m + ".branch7x7x3_3", b7, 192, (7, 1), 1, (3, 0))
        b7 = conv(m + ".branch7x7x3_4", b7, 192, 3, 2)
        return concat(m, b3, b7, net.pool(m + ".max_pool", x, "max", 3, 2))

    def block_e(m, x):
        b1 = conv(m + ".branch1x1", x, 320, 1)
        b3 = conv(m + ".branch3x3_1", x, 384, 1)
        b3 = concat(m, conv(m + ".branch3x3_2a", b3, 384, (1, 3), 1, (0, 1)),
                    conv(m + ".branch3x3_2b", b3, 384, (3, 1), 1, (1, 0)))
        bd = conv(m + ".branch3x3dbl_2", conv(m + ".branch3x3dbl_1", x, 448, 1), 384, 3, 1, 1)
        bd = concat(m, conv(m + ".branch3x3dbl_3a", bd, 384, (1, 3), 1, (0, 1)),
                    conv(m + ".branch3x3dbl_3b", bd, 384, (3, 1), 1, (1, 0)))
        bp = conv(m + ".branch_pool", net.pool(m + ".avg_pool", x, "avg", 3, 1, 1), 192, 1)
        return concat(m, b1, b3, bd, bp)

    x = conv("Conv2d_1a_3x3", (3, size, size), 32, 3, 2)
    x = conv("Conv2d_2a_3x3", x, 32, 3)
    x = conv("Conv2d_2b_3x3", x, 64, 3, 1, 1)
    x = net.pool("maxpool1", x, "max", 3, 2)
    x = conv("Conv2d_3b_1x1", x, 80, 1)
    x = conv("Conv2d_4a_3x3", x, 192, 3)
    x = net.pool("maxpool2", x, "max", 3, 2)
    x = block_a("Mixed_5b", x, 32)
    x = block_a("Mixed_5c", x, 64)
    x = block_a("Mixed_5d", x, 64)
    x = block_b("Mixed_6a", x)
    for m, c7 in (("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160), ("Mixed_6e", 192)):
        x = block_c(m, x, c7)
    x = block_d("Mixed_7a", x)
    x = block_e("Mixed_7b", x)
    x = block_e("Mixed_7c", x)
    x = net.global_pool("avgpool", x)
    _classify(net, [("fc", x[0], 1000, None)])


def aux_params():
    """Parameters of torchvision's Inception-v3 auxiliary head (training only): 1x1 conv
    768->128 + BN, 5x5 conv 128->768 + BN, fc 768->1000."""
    return (768 * 128 + 2 * 128) + (128 * 768 * 25 + 2 * 768) + (768 * 1000 + 1000)


def _mobilenet_v2(net, size):
    x = net.conv("features.0", (3, size, size), 32, 3, 2, 1, act="relu6")
    cin, idx = 32, 1
    for t, c, repeats, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                             (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)):
        for i in range(repeats):
            pre, stride, hidden = f"features.{idx}", s if i == 0 else 1, cin * t
            y = net.conv(pre + ".expand", x, hidden, 1, act="relu6") if t != 1 else x
            y = net.conv(pre + ".depthwise", y, hidden, 3, stride, 1, groups=hidden, act="relu6")
            y = net.conv(pre + ".project", y, c, 1, act=None)
            x = net.add(pre + ".add", y, x, relu=False) if stride == 1 and cin == c else y
            cin, idx = c, idx + 1
    x = net.conv("features.18", x, 1280, 1, act="relu6")
    x = net.global_pool("avgpool", x)
    _classify(net, [("classifier.1", x[0], 1000, None)])


def _bert(net, seq, layers, token_types, pooler, hidden=768, heads=12, ff=3072, vocab=30522,
          positions=512):
    if not 1 <= seq <= positions:
        raise ValueError(f"{net.arch}: sequence length must be 1..{positions}, not {seq}")
    n, h = net.batch, hidden
    tokens, head_dim = n * seq, hidden // heads
    tables = 2 + (1 if token_types else 0)  # word, position [, token type] rows per token
    net._add("embeddings", "norm", (tokens, h),
             ops=tokens * h * (tables - 1 + OPS["layernorm"]),
             params=(vocab + positions + token_types) * h + 2 * h,
             reads=tables * tokens * h, weights=2 * h,
             extra_bytes=(2 if token_types else 1) * tokens * INDEX_BYTES, grid=net._per_row(tokens))
    for i in range(layers):
        pre = f"encoder.layer.{i}"
        net.linear(pre + ".attention.qkv", tokens, h, 3 * h)
        net.bmm(pre + ".attention.scores", n * heads, seq, seq, head_dim, reads=2 * tokens * h,
                ops_per_out=1)
        net.softmax(pre + ".attention.softmax", n * heads * seq, seq, mask_ops=1, extra_reads=tokens)
        net.bmm(pre + ".attention.context", n * heads, seq, head_dim, seq,
                reads=n * heads * seq * seq + tokens * h)
        net.linear(pre + ".attention.output.dense", tokens, h, h)
        net.add_layernorm(pre + ".attention.output.add_norm", tokens, h)
        net.linear(pre + ".intermediate.dense", tokens, h, ff, "gelu")
        net.linear(pre + ".output.dense", tokens, ff, h)
        net.add_layernorm(pre + ".output.add_norm", tokens, h)
    if pooler:
        net.linear("pooler", n, h, h, "tanh")


# name -> (builder(net, size_or_seq), is_transformer, default size or sequence, description)
ARCHS = {
    "resnet50": (lambda net, s: _resnet(net, s, (3, 4, 6, 3)), False, 224, "ResNet-50 (torchvision v1.5)"),
    "resnet152": (lambda net, s: _resnet(net, s, (3, 8, 36, 3)), False, 224, "ResNet-152 (torchvision v1.5)"),
    "vgg19": (_vgg19, False, 224, "VGG-19 (configuration E)"),
    "densenet201": (_densenet201, False, 224, "DenseNet-201"),
    "resnet18": (lambda net, s: _resnet_basic(net, s, (2, 2, 2, 2)), False, 224, "ResNet-18"),
    "resnet34": (lambda net, s: _resnet_basic(net, s, (3, 4, 6, 3)), False, 224, "ResNet-34"),
    "resnet101": (lambda net, s: _resnet(net, s, (3, 4, 23, 3)), False, 224, "ResNet-101 (torchvision v1.5)"),
    "vgg11": (lambda net, s: _vgg19(net, s, VGG_CFGS["vgg11"]), False, 224, "VGG-11 (configuration A)"),
    "vgg13": (lambda net, s: _vgg19(net, s, VGG_CFGS["vgg13"]), False, 224, "VGG-13 (configuration B)"),
    "vgg16": (lambda net, s: _vgg19(net, s, VGG_CFGS["vgg16"]), False, 224, "VGG-16 (configuration D)"),
    "densenet121": (lambda net, s: _densenet201(net, s, blocks=(6, 12, 24, 16)), False, 224, "DenseNet-121"),
    "densenet169": (lambda net, s: _densenet201(net, s, blocks=(6, 12, 32, 32)), False, 224, "DenseNet-169"),
    "inception_v3": (_inception_v3, False, 299, "Inception-v3 (no auxiliary head)"),
    "mobilenet_v2": (_mobilenet_v2, False, 224, "MobileNetV2 (width 1.0)"),
    "alexnet": (_alexnet, False, 224, "AlexNet (torchvision, 'one weird trick' channels)"),
    "bert_base": (lambda net, s: _bert(net, s, 12, 2, True), True, 128, "BERT-base (12 layers, with pooler)"),
    "distilbert": (lambda net, s: _bert(net, s, 6, 0, False), True, 128, "DistilBERT-base (6 layers, last hidden state)"),
}

# Where each definition comes from (for the model files' headers).
PAPERS = {
    "resnet50": "He et al., \"Deep Residual Learning for Image Recognition\", CVPR 2016; torchvision resnet50 (stride on the 3x3 convolution, \"v1.5\")",
    "resnet152": "He et al., \"Deep Residual Learning for Image Recognition\", CVPR 2016; torchvision resnet152 (stride on the 3x3 convolution, \"v1.5\")",
    "vgg19": "Simonyan & Zisserman, \"Very Deep Convolutional Networks for Large-Scale Image Recognition\", ICLR 2015 (configuration E); torchvision vgg19",
    "densenet201": "Huang et al., \"Densely Connected Convolutional Networks\", CVPR 2017; torchvision densenet201",
    "resnet18": "He et al., \"Deep Residual Learning for Image Recognition\", CVPR 2016; torchvision resnet18",
    "resnet34": "He et al., \"Deep Residual Learning for Image Recognition\", CVPR 2016; torchvision resnet34",
    "resnet101": "He et al., \"Deep Residual Learning for Image Recognition\", CVPR 2016; torchvision resnet101 (stride on the 3x3 convolution, \"v1.5\")",
    "vgg11": "Simonyan & Zisserman, \"Very Deep Convolutional Networks for Large-Scale Image Recognition\", ICLR 2015 (configuration A); torchvision vgg11",
    "vgg13": "Simonyan & Zisserman, \"Very Deep Convolutional Networks for Large-Scale Image Recognition\", ICLR 2015 (configuration B); torchvision vgg13",
    "vgg16": "Simonyan & Zisserman, \"Very Deep Convolutional Networks for Large-Scale Image Recognition\", ICLR 2015 (configuration D); torchvision vgg16",
    "densenet121": "Huang et al., \"Densely Connected Convolutional Networks\", CVPR 2017; torchvision densenet121",
    "densenet169": "Huang et al., \"Densely Connected Convolutional Networks\", CVPR 2017; torchvision densenet169",
    "inception_v3": "Szegedy et al., \"Rethinking the Inception Architecture for Computer Vision\", CVPR 2016; torchvision inception_v3",
    "mobilenet_v2": "Sandler et al., \"MobileNetV2: Inverted Residuals and Linear Bottlenecks\", CVPR 2018; torchvision mobilenet_v2",
    "alexnet": "Krizhevsky, \"One weird trick for parallelizing convolutional neural networks\", arXiv 1404.5997, 2014; torchvision alexnet",
    "bert_base": "Devlin et al., \"BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding\", NAACL 2019 (BERT-base)",
    "distilbert": "Sanh et al., \"DistilBERT, a distilled version of BERT: smaller, faster, cheaper and lighter\", 2019 (distilbert-base)",
}
# What a model file must say beyond the shared rules of this module's docstring.
NOTES = {
    "densenet201": ["DenseNet's pre-activation batch norm + ReLU is applied by its consumer as it loads",
                    "its input (a prologue of the 1x1 convolutions and of the final global pool)."],
    "densenet121": ["DenseNet's pre-activation batch norm + ReLU is applied by its consumer as it loads",
                    "its input (a prologue of the 1x1 convolutions and of the final global pool)."],
    "densenet169": ["DenseNet's pre-activation batch norm + ReLU is applied by its consumer as it loads",
                    "its input (a prologue of the 1x1 convolutions and of the final global pool)."],
    "inception_v3": ["Without the auxiliary classifier (it runs only in training; its 3,326,696 parameters",
                     "are not in `parameters`: torchvision's 27,161,264 include them).  No input",
                     "transform kernel (torchvision's transform_input is preprocessing)."],
    "bert_base": ["int32 token and segment ids and a mask in; the pooler's output out (no classifier)."],
    "distilbert": ["int32 token ids and a mask in; the last hidden state out (as DISB's model returns)."],
}

TV = "pytorch.org/vision/stable/models/generated/torchvision.models."
# Published totals: arch -> (size or sequence, GMACs or None, parameters, source).  torchvision's
# model pages list "GFLOPS" that count one per multiply-add (ResNet-50's 4.09 is its MAC count).
PUBLISHED = {
    "resnet50": (224, 4.09, 25557032, "torchvision ResNet50_Weights.IMAGENET1K_V1: GFLOPS 4.09, num_params 25557032 (" + TV + "resnet50.html)"),
    "resnet152": (224, 11.51, 60192808, "torchvision ResNet152_Weights.IMAGENET1K_V1: GFLOPS 11.51, num_params 60192808 (" + TV + "resnet152.html)"),
    "vgg19": (224, 19.63, 143667240, "torchvision VGG19_Weights.IMAGENET1K_V1: GFLOPS 19.63, num_params 143667240 (" + TV + "vgg19.html)"),
    "densenet201": (224, 4.29, 20013928, "torchvision DenseNet201_Weights.IMAGENET1K_V1: GFLOPS 4.29, num_params 20013928 (" + TV + "densenet201.html)"),
    "inception_v3": (299, 5.71, 27161264, "torchvision Inception_V3_Weights.IMAGENET1K_V1: GFLOPS 5.71, num_params 27161264 with the auxiliary head (" + TV + "inception_v3.html)"),
    "mobilenet_v2": (224, 0.30, 3504872, "torchvision MobileNet_V2_Weights.IMAGENET1K_V1: GFLOPS 0.30, num_params 3504872 (" + TV + "mobilenet_v2.html)"),
    "resnet18": (224, 1.81, 11689512, "torchvision ResNet18_Weights.IMAGENET1K_V1: GFLOPS 1.81, num_params 11689512 (" + TV + "resnet18.html)"),
    "resnet34": (224, 3.66, 21797672, "torchvision ResNet34_Weights.IMAGENET1K_V1: GFLOPS 3.66, num_params 21797672 (" + TV + "resnet34.html)"),
    "resnet101": (224, 7.80, 44549160, "torchvision ResNet101_Weights.IMAGENET1K_V1: GFLOPS 7.8, num_params 44549160 (" + TV + "resnet101.html)"),
    "vgg11": (224, 7.61, 132863336, "torchvision VGG11_Weights.IMAGENET1K_V1: GFLOPS 7.61, num_params 132863336 (" + TV + "vgg11.html)"),
    "vgg13": (224, 11.31, 133047848, "torchvision VGG13_Weights.IMAGENET1K_V1: GFLOPS 11.31, num_params 133047848 (" + TV + "vgg13.html)"),
    "vgg16": (224, 15.47, 138357544, "torchvision VGG16_Weights.IMAGENET1K_V1: GFLOPS 15.47, num_params 138357544 (" + TV + "vgg16.html)"),
    "densenet121": (224, 2.83, 7978856, "torchvision DenseNet121_Weights.IMAGENET1K_V1: GFLOPS 2.83, num_params 7978856 (" + TV + "densenet121.html)"),
    "densenet169": (224, 3.36, 14149480, "torchvision DenseNet169_Weights.IMAGENET1K_V1: GFLOPS 3.36, num_params 14149480 (" + TV + "densenet169.html)"),
    "alexnet": (224, 0.71, 61100840, "torchvision AlexNet_Weights.IMAGENET1K_V1: GFLOPS 0.71, num_params 61100840 (" + TV + "alexnet.html)"),
    "bert_base": (128, 11.2, 110e6, "Devlin et al. 2019, section 3: BERT-base 110M parameters; 11.2 GMACs at 128 tokens is the brief's figure (12 x (4SH^2 + 2SH*FF + 2S^2H)), not found in a primary source"),
    "distilbert": (128, None, 66e6, "Sanh et al. 2019, table 3: DistilBERT 66M parameters (Hugging Face: 40% fewer than bert-base-uncased); no published MAC count"),
}


def build(arch, size=None, batch=1, precision="fp32"):
    """The kernels of `arch` at input size (CNNs: pixels per side; transformers: sequence length)."""
    if arch not in ARCHS:
        raise ValueError(f"unknown architecture {arch!r}; known: {', '.join(ARCHS)}")
    builder, _, default, _ = ARCHS[arch]
    size = default if size is None else size
    if size < 1:
        raise ValueError(f"size must be positive, not {size}")
    net = Net(arch, size, batch, precision)
    builder(net, size)
    return net


def published_params(arch):
    """The parameter count to compare with PUBLISHED: Inception-v3's includes its aux head."""
    net = build(arch, PUBLISHED[arch][0])
    return net.params + (aux_params() if arch == "inception_v3" else 0)


def check(arch, tolerance=0.01):
    """Compares `arch` at its published size, batch 1, with PUBLISHED; returns (ok, lines)."""
    size, gmacs, params, source = PUBLISHED[arch]
    net = build(arch, size)
    ours = published_params(arch)
    lines, ok = [], True
    what = "parameters with the auxiliary head" if arch == "inception_v3" else "parameters"
    pairs = [(what, f"{ours:,}", ours, f"{params:,.0f}", params)]
    if gmacs is not None:
        pairs.append(("GMACs", f"{net.macs / 1e9:.4f}", net.macs / 1e9, f"{gmacs:g}", gmacs))
    for what, got_text, got, want_text, want in pairs:
        err = got / want - 1
        good = abs(err) <= tolerance
        ok = ok and good
        lines.append(f"{arch} at {size}: {what} {got_text} vs published {want_text} "
                     f"({err:+.2%}) {'ok' if good else 'MISMATCH'}")
    return ok, lines
