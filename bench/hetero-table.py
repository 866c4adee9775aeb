#!/usr/bin/env python3
"""The acceptance table of issue 18: the 40 scenarios of scenarios/hetero/ (8 application sets x 5
request ratios) under gpu-only, round-robin, priority-score and priority-score-itf.

  goodput      at the scenario's load (the GPU alone 1.3x busy), the routers' goal = 0 (goodput):
               completions within SLO per second, summed over the applications (summary.csv's
               goodput_rps);
  slo99        throughput at 99% SLO satisfaction: the largest load, every application's rate
               scaled alike from the scenario's, at which every application meets its SLO for 99%
               of its requests (summary.csv's slo_attainment), found by geometric bisection on the
               scale in [0.02, 1.5] (7 steps: within 3.4%; routers' goal = 1); reported as the
               offered requests per second there;
  fairness     Jain's index at the scenario's load (routers' goal = 2; summary.csv's fairness_jain).

Usage: bench/hetero-table.py [-j N] [--only s0-even,...] [--steps N] [--cache DIR] > table.md
Needs the built ./tiersim (or $TIERSIM).  Runs are independent processes, N at a time.
"""
import argparse
import concurrent.futures as cf
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIERSIM = os.environ.get("TIERSIM", os.path.join(ROOT, "tiersim"))
SCN = os.path.join(ROOT, "scenarios", "hetero")
POLICIES = ["gpu-only", "round-robin", "priority-score", "priority-score-itf"]
ROUTERS = ["priority-score", "priority-score-itf"]
PAPER = {"goodput": (18.1, 40.0), "slo99": (33.0, 36.1)}


def goal_set(goal):
    return "policy_params={ " + " ".join(f"{p} = {{ goal = {goal}.0; }};" for p in ROUTERS) + " }"


def run(scn, policies, sets):
    with tempfile.TemporaryDirectory() as d:
        cmd = [TIERSIM, "run", scn, "-q", "-o", d]
        for p in policies:
            cmd += ["-p", p]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rows = list(csv.DictReader(open(os.path.join(d, "summary.csv"))))
    out = {}
    for r in rows:
        o = out.setdefault(r["policy"], {"goodput": 0.0, "att": 1.0, "fair": float(r["fairness_jain"])})
        o["goodput"] += float(r["goodput_rps"])
        if r["slo_attainment"] != "":  # empty: the task released no job (a low load's short run)
            o["att"] = min(o["att"], float(r["slo_attainment"]))
    return out


def rates(scn):
    return [float(x) for x in re.findall(r"rate = ([0-9.]+);", open(scn).read())]


def slo99(scn, policy, steps):
    base = rates(scn)
    def ok(scale):
        sets = [f"tasks.[{i}].arrival.rate={r * scale:.6f}" for i, r in enumerate(base)]
        return run(scn, [policy], sets + [goal_set(1)])[policy]["att"] >= 0.99
    # geometric bisection on the scale: the answer within a factor (hi / lo)^(1 / 2^steps)
    lo, hi = 0.02, 1.5
    if ok(hi):
        return hi * sum(base)
    if not ok(lo):
        return 0.0
    for _ in range(steps):
        mid = (lo * hi) ** 0.5
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo * sum(base)


def scenario(name, steps, cache):
    """One scenario's results, kept in cache (a folder) so that a rerun skips what is done."""
    done = os.path.join(cache, name + ".json") if cache else None
    if done and os.path.exists(done):
        return name, json.load(open(done))
    scn = os.path.join(SCN, name + ".cfg")
    g = run(scn, POLICIES, [goal_set(0)])
    f = run(scn, ROUTERS, [goal_set(2)])
    res = {p: {"goodput": g[p]["goodput"], "fair": (f if p in ROUTERS else g)[p]["fair"]} for p in POLICIES}
    for p in POLICIES:
        res[p]["slo99"] = slo99(scn, p, steps)
    if done:
        with open(done + ".tmp", "w") as f:
            json.dump(res, f)
        os.replace(done + ".tmp", done)
    print(f"{name} done", file=sys.stderr, flush=True)
    return name, res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--only")
    ap.add_argument("--steps", type=int, default=7)
    ap.add_argument("--cache", help="folder keeping each scenario's results (a rerun skips those)")
    a = ap.parse_args()
    names = sorted(f[:-4] for f in os.listdir(SCN) if re.match(r"s\d-\w+\.cfg$", f))
    if a.only:
        names = a.only.split(",")
    with cf.ThreadPoolExecutor(a.j) as ex:
        if a.cache:
            os.makedirs(a.cache, exist_ok=True)
        results = dict(ex.map(lambda n: scenario(n, a.steps, a.cache), names))
    out = io.StringIO()
    w = out.write
    w("| scenario | " + " | ".join(f"{p} goodput / slo99 / fair" for p in POLICIES) + " |\n")
    w("|---" * (len(POLICIES) + 1) + "|\n")
    for n in names:
        w(f"| {n} | " + " | ".join(f"{results[n][p]['goodput']:.1f} / {results[n][p]['slo99']:.1f} / {results[n][p]['fair']:.3f}"
                                   for p in POLICIES) + " |\n")
    mean = {p: {k: sum(results[n][p][k] for n in names) / len(names) for k in ("goodput", "slo99", "fair")} for p in POLICIES}
    w("\nMeans over %d scenarios:\n\n| policy | goodput (req/s) | SLO99 throughput (req/s) | fairness (Jain) |\n|---|---|---|---|\n" % len(names))
    for p in POLICIES:
        w(f"| {p} | {mean[p]['goodput']:.1f} | {mean[p]['slo99']:.1f} | {mean[p]['fair']:.3f} |\n")
    w("\nGains of priority-score-itf (ratio of the means) | over priority-score | over gpu-only | paper (over priority-score / over baseline)\n|---|---|---|---|\n")
    for k, label in (("goodput", "goodput"), ("slo99", "SLO99 throughput"), ("fair", "fairness")):
        itf = mean["priority-score-itf"][k]
        g1 = (itf / mean["priority-score"][k] - 1) * 100 if mean["priority-score"][k] else float("nan")
        g2 = (itf / mean["gpu-only"][k] - 1) * 100 if mean["gpu-only"][k] else float("nan")
        paper = PAPER.get(k)
        w(f"| {label} | {g1:+.1f}% | {g2:+.1f}% | " + (f"+{paper[0]}% / +{paper[1]}%" if paper else "-") + " |\n")
    sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main()
