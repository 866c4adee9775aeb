#!/usr/bin/env python3
"""Fits a profile's cost group to measured kernel durations, and measures how well it predicts
kernels it was not fitted on (issue 12, point 5).

Usage: fit-cost.py [options] PROFILE MODEL.cfg...
  --fp32-tflops X  --dram-gbps Y   peak FP32 FLOP/s and DRAM bandwidth the fit starts from; default:
                                   the profile's cost group, else (bandwidth only) its
                                   device.dram_bandwidth_gbps
  --together A,B   models that share kernels and so must sit on the same side of every split
                   (may be given more than once)
  --half A,B,...   the half split: fit on these, test on the rest, then the reverse
  --emit           print only the cost group fitted on all kernels, for the profile
  --without-share  for comparison: the roofline without u (as before tiersim b5402fe)

The cost model is the one tiersim's profiles carry (docs/model.md, sim/cost.h):
  t = max(flops / (peak * efficiency[kind] * u), dram_bytes / bandwidth) + kernel_fixed_us,
  u = min(1, blocks / SMs): a grid of fewer blocks than the profile's SMs (device.sms) uses that
  share of the peak
The fit chooses kernel_fixed_us >= 0 and one efficiency in (0, 1] per kernel kind, minimising the
sum over kernel calls of |ln(predicted / measured)| (a relative error, robust to the few kernels
no roofline explains).  Only models measured on the profile's GPU (measured_on = the profile's
name) are accepted, and only kernels that carry a kind and work are used.

Reports, per model, the absolute relative error |predicted - measured| / measured of kernels the
fit never saw: (1) the datasheet roofline (efficiency 1, no fixed cost: nothing fitted);
(2) the half split; (3) leave one model (or one --together group) out.
Bad input: "file:line: what is wrong" on stderr, exit status 2."""
import math
import os
import re
import sys

KINDS = ("conv", "gemm", "elementwise", "pool", "reduction", "norm", "other")


class Bad(Exception):
    pass


# ---- a small reader for the libconfig files tiersim uses ----------------------------------------
_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\n]+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<include>@include[ \t]+"(?:[^"\\]|\\.)*")
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<num>[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)L{0,2})
  | (?P<name>[A-Za-z*][-A-Za-z0-9_*]*)
  | (?P<punct>[=:;,{}()\[\]])
""", re.X | re.S)


def _tokens(path, seen=()):
    if path in seen:
        raise Bad(f"{path}:1: @include loop")
    try:
        text = open(path).read()
    except OSError as e:
        raise Bad(f"{path}:1: cannot read: {e.strerror}")
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise Bad(f"{path}:{line}: unexpected {text[pos]!r}")
        kind, val = m.lastgroup, m.group()
        if kind == "include":
            inc = os.path.join(os.path.dirname(path), _unquote(val.split(None, 1)[1]))
            yield from _tokens(inc, seen + (path,))
        elif kind != "ws":
            yield kind, val, f"{path}:{line}"
        line += val.count("\n")
        pos = m.end()
    yield "end", "", f"{path}:{line}"


def _unquote(s):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s[1:-1])


class Setting:
    """A parsed value with the place it was written."""

    def __init__(self, value, where):
        self.value, self.where = value, where


def read_config(path):
    """The file's settings: a dict name -> Setting; groups are dicts, lists and arrays Python lists."""
    toks = _tokens(path)
    cur = [next(toks)]

    def peek():
        return cur[0]

    def take(expect=None):
        t = cur[0]
        if expect and t[1] not in expect:
            raise Bad(f"{t[2]}: expected {' or '.join(expect)}, found {t[1] or 'end of file'!r}")
        cur[0] = next(toks, ("end", "", t[2]))
        return t

    def settings(close):
        out = {}
        while peek()[1] != close and peek()[0] != "end":
            kind, name, where = take()
            if kind != "name":
                raise Bad(f"{where}: expected a setting name, found {name!r}")
            take(("=", ":"))
            if name in out:
                raise Bad(f"{where}: '{name}' set twice")
            out[name] = value()
            if peek()[1] in (";", ","):
                take()
        return out

    def value():
        kind, val, where = take()
        if kind == "str":
            s = _unquote(val)
            while peek()[0] == "str":
                s += _unquote(take()[1])
            return Setting(s, where)
        if kind == "num":
            v = val.rstrip("L")
            return Setting(int(v, 0) if re.fullmatch(r"[-+]?(0[xX][0-9a-fA-F]+|\d+)", v) else float(v), where)
        if kind == "name" and val.lower() in ("true", "false"):
            return Setting(val.lower() == "true", where)
        if val == "{":
            s = settings("}")
            take(("}",))
            return Setting(s, where)
        if val in ("(", "["):
            close = ")" if val == "(" else "]"
            items = []
            while peek()[1] != close:
                items.append(value())
                if peek()[1] != close:
                    take((",",))
            take((close,))
            return Setting(items, where)
        raise Bad(f"{where}: expected a value, found {val or 'end of file'!r}")

    root = settings(None)
    if peek()[0] != "end":
        raise Bad(f"{peek()[2]}: unexpected {peek()[1]!r}")
    return root


def number(group, key, where, lo=0.0, hi=math.inf, required=True):
    s = group.get(key)
    if s is None:
        if required:
            raise Bad(f"{where}: '{key}' missing")
        return None
    if isinstance(s.value, bool) or not isinstance(s.value, (int, float)):
        raise Bad(f"{s.where}: '{key}' must be a number")
    if not lo <= s.value <= hi:
        raise Bad(f"{s.where}: '{key}' = {s.value} is out of range [{lo:g}, {hi:g}]")
    return float(s.value)


# ---- input -------------------------------------------------------------------------------------
class Kernel:
    __slots__ = ("model", "name", "kind", "flops", "dram_bytes", "dur_us", "fp16", "blocks")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


def read_profile(path, fp32_tflops, dram_gbps):
    root = read_config(path)
    name = root.get("name")
    if name is None or not isinstance(name.value, str):
        raise Bad(f"{path}:1: profile without a name")
    cost = root.get("cost")
    cost = cost.value if cost is not None and isinstance(cost.value, dict) else {}
    where = root["cost"].where if cost else path + ":1"
    if fp32_tflops is None:
        fp32_tflops = number(cost, "fp32_tflops", where, 1e-3, 1e4, required=False)
        if fp32_tflops is None:
            raise Bad(f"{where}: no cost.fp32_tflops in the profile: give --fp32-tflops")
    fp16_tflops = number(cost, "fp16_tflops", where, 1e-3, 1e5, required=False) or fp32_tflops
    if dram_gbps is None:
        dram_gbps = number(cost, "dram_gbps", where, 1e-3, 1e6, required=False)
    if dram_gbps is None:
        dev = root.get("device")
        if dev is None or not isinstance(dev.value, dict):
            raise Bad(f"{path}:1: no cost.dram_gbps and no device group: give --dram-gbps")
        dram_gbps = number(dev.value, "dram_bandwidth_gbps", dev.where, 1e-3, 1e6)
    dev = root.get("device")
    sms = number(dev.value, "sms", dev.where, 1, 1e6) if dev is not None and isinstance(dev.value, dict) else None
    return name.value, fp32_tflops * 1e12, fp16_tflops * 1e12, dram_gbps * 1e9, sms


def read_model(path, gpu):
    """(model name, annotated kernels, all kernel calls, their total measured latency)."""
    root = read_config(path)
    name = root.get("name")
    model = name.value if name is not None and isinstance(name.value, str) else os.path.basename(path)
    on = root.get("measured_on")
    if on is None or on.value != gpu:
        where = on.where if on is not None else f"{path}:1"
        raise Bad(f"{where}: measured_on is {on.value if on else 'absent'!r}, not the profile's GPU {gpu!r}: "
                  "its durations cannot calibrate this profile")
    prec = root.get("precision")
    fp16 = prec is not None and prec.value == "fp16"
    if prec is not None and prec.value not in ("fp16", "fp32"):
        raise Bad(f"{prec.where}: precision must be \"fp32\" or \"fp16\"")
    ks = root.get("kernels")
    if ks is None or not isinstance(ks.value, list):
        raise Bad(f"{path}:1: no kernels list")
    out, total = [], 0.0
    for s in ks.value:
        if not isinstance(s.value, dict):
            raise Bad(f"{s.where}: a kernel must be a group")
        k = s.value
        dur = number(k, "dur_us", s.where, 1e-9, 1e9)
        total += dur
        kind = k.get("kind")
        if kind is not None and kind.value not in KINDS:
            raise Bad(f"{kind.where}: unknown kind {kind.value!r} (one of {', '.join(KINDS)})")
        flops = number(k, "flops", s.where, 0, 1e18, required=False)
        nbytes = number(k, "dram_bytes", s.where, 0, 1e15, required=False)
        if kind is None or (flops is None and nbytes is None):
            continue
        kname = k.get("name")
        out.append(Kernel(model=model, name=kname.value if kname else "?", kind=kind.value, flops=flops or 0.0,
                          dram_bytes=nbytes or 0.0, dur_us=dur, fp16=fp16,
                          blocks=number(k, "blocks", s.where, 1, 1e12, required=False)))
    return model, out, len(ks.value), total


# ---- the model and its fit ----------------------------------------------------------------------
class Cost:
    def __init__(self, fp32, fp16, bw, fixed_us=0.0, eff=None, sms=None):
        self.fp32, self.fp16, self.bw, self.fixed_us, self.eff = fp32, fp16, bw, fixed_us, dict(eff or {})
        self.sms = sms

    def roofline_us(self, k):
        """(compute time at efficiency 1, memory time) of kernel k, in us."""
        share = min(1.0, k.blocks / self.sms) if self.sms and k.blocks else 1.0
        return (k.flops / ((self.fp16 if k.fp16 else self.fp32) * share) * 1e6, k.dram_bytes / self.bw * 1e6)

    def predict(self, k):
        compute, memory = self.roofline_us(k)
        return max(compute / self.eff.get(k.kind, 1.0), memory) + self.fixed_us


def _loss(terms, fixed, e):
    """Sum of weight * |ln(predicted / measured)| over (compute_us at efficiency 1, memory_us,
    measured, weight) terms."""
    return sum(w * abs(math.log((max(c / e, m) + fixed) / d)) for c, m, d, w in terms)


def _best_eff(terms, fixed):
    """The efficiency in (0, 1] minimising one kind's loss: a log grid, then golden section."""
    if not any(c > 0 for c, _, _, _ in terms):
        return 1.0, _loss(terms, fixed, 1.0)
    grid = [10 ** (-6 + 6 * i / 120) for i in range(121)]
    losses = [_loss(terms, fixed, e) for e in grid]
    # On a plateau (kernels whose memory time hides their compute) take the highest efficiency:
    # the fit departs from the datasheet only as far as the data ask
    i = max(j for j in range(len(grid)) if losses[j] <= min(losses) * (1 + 1e-12))
    lo, hi = math.log(grid[max(i - 1, 0)]), math.log(grid[min(i + 1, len(grid) - 1)])
    g = (math.sqrt(5) - 1) / 2
    for _ in range(30):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        if _loss(terms, fixed, math.exp(a)) <= _loss(terms, fixed, math.exp(b)):
            hi = b
        else:
            lo = a
    e = math.exp((lo + hi) / 2)
    return (e, _loss(terms, fixed, e)) if _loss(terms, fixed, e) < losses[i] else (grid[i], losses[i])


def fit(kernels, base, efficiencies=True):
    """Cost with kernel_fixed_us and (unless not efficiencies: all 1) per-kind efficiencies fitted
    to `kernels` (same peak and bandwidth as `base`)."""
    by_kind = {}
    for k in kernels:  # identical kernel calls (a kernel launched again) become one weighted term
        key = (*base.roofline_us(k), k.dur_us)
        terms = by_kind.setdefault(k.kind, {})
        terms[key] = terms.get(key, 0) + 1
    by_kind = {kind: [(c, m, d, w) for (c, m, d), w in t.items()] for kind, t in by_kind.items()}

    def total(fixed):
        if not efficiencies:
            return sum(_loss(terms, fixed, 1.0) for terms in by_kind.values()), {}
        effs = {kind: _best_eff(terms, fixed) for kind, terms in by_kind.items()}
        return sum(l for _, l in effs.values()), {kind: e for kind, (e, _) in effs.items()}

    top = quantile([k.dur_us for k in kernels], 0.5)  # a fixed cost above most kernels' duration is no fit
    coarse = [top * i / 40 for i in range(41)]
    scores = [total(f)[0] for f in coarse]
    i = min(range(len(coarse)), key=scores.__getitem__)
    step = top / 40
    fine = [max(0.0, coarse[i] + step * (j / 20 - 1)) for j in range(41)]
    best = min(fine, key=lambda f: total(f)[0])
    return Cost(base.fp32, base.fp16, base.bw, best, total(best)[1], base.sms)


# ---- reports ------------------------------------------------------------------------------------
def quantile(xs, q):
    """Nearest-rank quantile: sorted[ceil(q n) - 1]."""
    s = sorted(xs)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def errors(kernels, cost):
    return [(k, abs(cost.predict(k) - k.dur_us) / k.dur_us) for k in kernels]


def summary(errs):
    e = [x for _, x in errs]
    per_kind = {}
    for k, x in errs:
        per_kind.setdefault(k.kind, []).append(x)
    worst = max(per_kind, key=lambda kd: quantile(per_kind[kd], 0.5))
    return quantile(e, 0.5), quantile(e, 0.9), max(e), f"{worst} ({quantile(per_kind[worst], 0.5):.0%})"


def table(title, rows):
    print(f"\n{title}\n")
    print("| model | kernels | median | p90 | worst | worst kind (its median) | sum pred/meas |")
    print("|---|---:|---:|---:|---:|---|---:|")
    for model, errs, cost in rows:
        med, p90, worst, wk = summary(errs)
        ratio = sum(cost.predict(k) for k, _ in errs) / sum(k.dur_us for k, _ in errs)
        print(f"| {model} | {len(errs)} | {med:.0%} | {p90:.0%} | {worst:.0%} | {wk} | {ratio:.2f} |")
    allerrs = [x for _, errs, _ in rows for x in errs]
    med, p90, worst, wk = summary(allerrs)
    print(f"| all | {len(allerrs)} | {med:.0%} | {p90:.0%} | {worst:.0%} | {wk} | |")


def describe(cost):
    effs = ", ".join(f"{kd} {cost.eff[kd]:.3g}" for kd in KINDS if kd in cost.eff)
    return f"kernel_fixed_us {cost.fixed_us:.2f}" + (f"; efficiency: {effs}" if effs else "")


def cost_group(cost, kernels, models):
    n_models = len({k.model for k in kernels})
    print("cost = {")
    print(f"  # Fitted by calib/fit-cost.py on {len(kernels)} kernel calls of {n_models} models measured on this GPU:")
    print(f"  #   {', '.join(models)}")
    print("  # (REEF's standalone MI50 latencies, REEF commit 58dabe0a; each kernel's work from")
    print("  # scenarios/models/import-reef.py).  Peak and bandwidth are fixed below; kernel_fixed_us and one")
    print("  # efficiency per kind minimise the sum of |ln(predicted / measured)|, with the formula of")
    print("  # docs/model.md (t = max(F / (P e u), B / W) + c, u = min(1, blocks / SMs)).  Error on kernels")
    print("  # the fit did not see (by model): bench/cost-table.sh.")
    print(f"  fp32_tflops = {cost.fp32 / 1e12:.4g};")
    if cost.fp16 != cost.fp32:
        print(f"  fp16_tflops = {cost.fp16 / 1e12:.4g};")
    print(f"  dram_gbps = {cost.bw / 1e9:.4g};")
    print(f"  kernel_fixed_us = {cost.fixed_us:.2f};")
    print("  efficiency = { " + " ".join(f"{kd} = {cost.eff[kd]:.3g};" for kd in KINDS if kd in cost.eff) + " };")
    print("};")


def main(argv):
    args, opts, together, half, emit = [], {}, [], None, False
    it = iter(argv)
    for a in it:
        if a in ("--fp32-tflops", "--dram-gbps"):
            v = next(it, None)
            try:
                opts[a] = float(v)
                assert opts[a] > 0
            except (TypeError, ValueError, AssertionError):
                raise Bad(f"fit-cost.py: {a} needs a positive number, not {v!r}")
        elif a in ("--together", "--half"):
            v = next(it, None)
            if not v:
                raise Bad(f"fit-cost.py: {a} needs model names, comma-separated")
            if a == "--half":
                half = v.split(",")
            else:
                together.append(v.split(","))
        elif a == "--emit":
            emit = True
        elif a == "--without-share":
            opts[a] = True
        elif a.startswith("-"):
            raise Bad(f"fit-cost.py: unknown option {a}")
        else:
            args.append(a)
    if len(args) < 2:
        raise Bad("usage: fit-cost.py [--fp32-tflops X] [--dram-gbps Y] [--together A,B]... [--half A,B,...] "
                  "[--emit] [--without-share] PROFILE MODEL.cfg...")
    if emit and "--without-share" in opts:
        raise Bad("fit-cost.py: --emit writes the profile's cost group, whose formula has the share u")
    gpu, fp32, fp16, bw, sms = read_profile(args[0], opts.get("--fp32-tflops"), opts.get("--dram-gbps"))
    if "--fp32-tflops" in opts:
        fp16 = max(fp16, fp32)
    base = Cost(fp32, fp16, bw, sms=None if "--without-share" in opts else sms)
    models, kernels, coverage = [], {}, []
    for path in args[1:]:
        model, ks, n_all, t_all = read_model(path, gpu)
        if model in kernels:
            raise Bad(f"{path}:1: model {model!r} given twice")
        if not ks:
            raise Bad(f"{path}:1: no kernel has a kind and work: nothing to fit or predict")
        models.append(model)
        kernels[model] = ks
        coverage.append((model, len(ks), n_all, sum(k.dur_us for k in ks), t_all))
    for name in [m for g in together for m in g] + (half or []):
        if name not in kernels:
            raise Bad(f"fit-cost.py: {name!r} is not one of the models given ({', '.join(models)})")
    every = [k for m in models for k in kernels[m]]
    if emit:
        cost_group(fit(every, base), every, models)
        return
    groups = [[m] for m in models if not any(m in g for g in together)] + together
    if len(groups) < 2:
        raise Bad("fit-cost.py: held-out errors need at least two models (or --together groups)")
    if half is not None and not 0 < len(set(half)) < len(models):
        raise Bad("fit-cost.py: --half must name some of the models, not all")

    share = f"u = min(1, blocks / {sms:g} SMs)" if base.sms else "no share u (u = 1)"
    print(f"Profile {gpu}: peak FP32 {fp32 / 1e12:.4g} TFLOP/s, DRAM {bw / 1e9:.4g} GB/s, {share}.  Error = |predicted"
          " - measured| / measured per kernel call; p90 nearest-rank; worst kind = the kind with the highest median.")
    print("\n| model | kernels with work | of calls | share of solo latency |\n|---|---:|---:|---:|")
    for model, n, n_all, t, t_all in coverage:
        print(f"| {model} | {n} | {n_all} | {t / t_all:.0%} |")

    table("Datasheet roofline: efficiency 1, kernel_fixed_us 0 (nothing fitted)",
          [(m, errors(kernels[m], base), base) for m in models])

    def held_out(test_models, what, efficiencies=True):
        train = [k for m in models if m not in test_models for k in kernels[m]]
        cost = fit(train, base, efficiencies)
        missing = sorted({k.kind for m in test_models for k in kernels[m]} - {k.kind for k in train})
        print(f"- {what}: {describe(cost)}" + (f"; kinds not in the training set, efficiency 1: {', '.join(missing)}"
                                                if missing else ""))
        return {m: (errors(kernels[m], cost), cost) for m in test_models}

    rows = {}
    if half:
        print("\nHalf split, fits:")
        other = [m for m in models if m not in half]
        for g in together:
            if set(g) & set(half) and not set(g) <= set(half):
                raise Bad(f"fit-cost.py: --half splits the --together group {','.join(g)}")
        rows.update(held_out(other, f"fit on {', '.join(half)}"))
        rows.update(held_out(half, f"fit on {', '.join(other)}"))
        table("Half split: each model predicted by the fit on the other half", [(m, *rows[m]) for m in models])
    print("\nLeave one out, fits:")
    rows = {}
    for g in groups:
        rows.update(held_out(g, f"without {', '.join(g)}"))
    table("Leave one out: each model (or group) predicted by the fit on all the others", [(m, *rows[m]) for m in models])
    print("\nLeave one out, the 10 worst kernels (calls of one kernel name counted together):\n")
    print("| model | kernel | calls | kind | measured us | predicted us |\n|---|---|---:|---|---:|---:|")
    worst = {}
    for m in models:
        for k, x in rows[m][0]:
            w = worst.setdefault((m, k.name, k.dur_us), [k, x, 0])
            w[2] += 1
    for k, x, calls in sorted(worst.values(), key=lambda w: -w[1])[:10]:
        print(f"| {k.model} | {k.name} | {calls} | {k.kind} | {k.dur_us:g} | {rows[k.model][1].predict(k):.1f} |")
    print("\nLeave one out, kernel_fixed_us only (efficiency 1), fits:")
    rows = {}
    for g in groups:
        rows.update(held_out(g, f"without {', '.join(g)}", efficiencies=False))
    table("Leave one out, datasheet roofline + fitted kernel_fixed_us only", [(m, *rows[m]) for m in models])
    full = fit(every, base)
    print(f"\nFit on all {len(every)} kernel calls (for the profile; not an error measure): {describe(full)}")
    table("In-sample, for reference only (fitted on these very kernels)", [(m, errors(kernels[m], full), full) for m in models])


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Bad as e:
        print(e, file=sys.stderr)
        sys.exit(2)
