/* tiersim calibrate: measure an NVIDIA GPU with calib/probe.cu and write a measured profile. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "calib/nvml.h"
#include "sim/cli/cmd.h"
#include "sim/contention.h"
#include "sim/load/load.h"
#include "sim/profile.h"
#include "real_backend/realgpu.h"
#ifdef TS_HAVE_CUDA
#include "calib/power.h"
#include "calib/probe.h"
#endif

#ifdef TS_HAVE_CUDA
/* The kernel module's version from /proc/driver/nvidia/version ("... Kernel Module  550.54.15 ..."),
 * else the CUDA driver API version. */
static char *
driver_version (int api_version)
{
  g_autofree char *text = NULL;
  if (g_file_get_contents ("/proc/driver/nvidia/version", &text, NULL, NULL))
    {
      const char *p = strstr (text, "Kernel Module");
      if (p != NULL)
        {
          p += strlen ("Kernel Module");
          p += strspn (p, " \t");
          return g_strndup (p, strcspn (p, " \t\n"));
        }
    }
  return g_strdup_printf ("CUDA driver API %d.%d", api_version / 1000, api_version % 1000 / 10);
}

/* "NVIDIA H100 80GB HBM3" -> "nvidia-h100-80gb-hbm3". */
static char *
slug (const char *name)
{
  GString *s = g_string_new (NULL);
  for (const char *c = name; *c; c++)
    if (g_ascii_isalnum (*c))
      g_string_append_c (s, g_ascii_tolower (*c));
    else if (s->len > 0 && s->str[s->len - 1] != '-')
      g_string_append_c (s, '-');
  while (s->len > 0 && s->str[s->len - 1] == '-')
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

/* Prints a measured timing and stores it as a profile timing's median and 99th percentile. */
static void
put_dist (const char *what, TsDist d, TsTime *median, TsTime *p99)
{
  printf ("  %-28s p50 %9.3f us   p99 %9.3f us\n", what, (double) d.p50 / 1000.0, (double) d.p99 / 1000.0);
  *median = d.p50, *p99 = d.p99;
}

/* Blocks sharing SMs (rule 5a): the two occupancy curves and the four same-SM pair slowdowns into
 * p's contention group, with a summary that sets the memory curve's top against the sustained
 * bandwidth measured before. */
static gboolean
measure_contention (TsProfile *p, int device, guint n, GError **error)
{
  TsContention *c = &p->contention;
  static const char *const kind[TS_N_LOADS] = { "compute", "memory" };
  TsProbeContention info;
  if (!ts_probe_contention (device, n, c, &info, error))
    return FALSE;
  printf ("contention within an SM (%u-thread blocks, %u samples each): one-wave latency in us at "
          "k = 1..%u blocks on every SM\n", info.threads, n, info.levels);
  for (guint v = 0; v < TS_N_LOADS; v++)
    {
      printf ("  %-8s", kind[v]);
      for (guint k = 0; k < info.levels; k++)
        printf (" %.1f", c->occupancy_ns[v][k] / 1000.0);
      printf ("\n");
    }
  double d[TS_N_LOADS];
  for (guint v = 0; v < TS_N_LOADS; v++)
    d[v] = ts_contention_curve_demand (c->occupancy_ns[v], info.levels);
  printf ("  a block's SM demand (1 / the SM's peak throughput in blocks): compute %.3f, memory %.3f\n",
          d[TS_LOAD_COMPUTE], d[TS_LOAD_MEMORY]);
  double top = c->occupancy_ns[TS_LOAD_MEMORY][info.levels - 1];
  printf ("  the memory kernel at %u blocks per SM reads %.0f GB/s (sustained bandwidth: %.0f GB/s)\n",
          info.levels, info.block_bytes * info.levels * p->sms / top, p->interference.dram_bandwidth_gbps);
  /* The same-SM pairs against what the simulator's mixing rule makes of the two curves. */
  printf ("  one block of each of two kernels on every SM, slowdown measured (mixing rule):\n");
  for (guint v = 0; v < TS_N_LOADS; v++)
    for (guint a = 0; a < TS_N_LOADS; a++)
      printf ("    %-7s beside %-7s %.3f (%.3f)\n", kind[v], kind[a], c->sm_slowdown[v][a],
              ts_contention_pair_slowdown (c->occupancy_ns[v], info.levels, c->occupancy_ns[a], info.levels));
  if (info.uneven > 0)
    printf ("  note: %u of %u runs did not hold exactly the intended blocks on every SM at once (%%smid "
            "records); they are kept\n", info.uneven, info.runs);
  return TRUE;
}

/* The cost group (sim/cost.h) from calib/probe.cu's three microbenchmarks.  The streaming
 * kernel's bandwidth is also the interference group's: the one DRAM bandwidth of the device, by
 * which the cost model and the memory rule both divide a kernel's bytes read and written. */
static gboolean
measure_cost (TsProfile *p, int device, guint n, GError **error)
{
  TsProbeCost *dev = ts_probe_cost_open (device, error);
  if (dev == NULL)
    return FALSE;
  TsCostFit fit;
  gboolean good = ts_fit_cost (&ts_probe_cost_bench, dev, n, &p->cost, &fit, error);
  ts_probe_cost_close (dev);
  if (!good)
    return FALSE;
  p->cost.sms = p->sms;  /* as the loader sets it: the peak is spread over the device's SMs */
  printf ("cost model (%u samples each; a kernel's rate from its difference with one twice as long):\n", n);
  for (int k = 0; k < TS_N_BENCH_COMPUTE; k++)
    {
      const TsBenchFit *f = &fit.compute[k];
      if (f->size == 0)
        printf ("  %-18s not supported by this device\n", ts_bench_compute_names[k]);
      else
        printf ("  %-18s %9.2f TFLOP/s   (%.3g FLOP in %.3f ms; %.1f us beyond the work)\n", ts_bench_compute_names[k],
                fit.units.flops_per_iter[k] / f->ns_per_unit / 1000.0, fit.units.flops_per_iter[k] * 2.0 * (double) f->size,
                ts_time_to_ms (f->duration), f->overhead_ns / 1000.0);
    }
  printf ("  %-18s %9.1f GB/s      (%.3g B read and written in %.3f ms; %.1f us beyond the work)\n", "streaming copy",
          p->cost.dram_bytes_per_ns, fit.units.bytes_per_pass * 2.0 * (double) fit.stream.size,
          ts_time_to_ms (fit.stream.duration), fit.stream.overhead_ns / 1000.0);
  printf ("  %-18s %9.3f us each  (%" G_GUINT64_FORMAT " back to back in %.3f ms)\n", "empty kernel",
          p->cost.fixed_ns / 1000.0, 2 * fit.empty.size, ts_time_to_ms (fit.empty.duration));
  printf ("  -> fp32_tflops %.2f, fp16_tflops %.2f (%s), dram_gbps %.1f, kernel_fixed_us %.3f; efficiencies per "
          "kind not measured (1)\n", p->cost.peak_flops[TS_FP32] / 1000.0, p->cost.peak_flops[TS_FP16] / 1000.0,
          ts_bench_compute_names[fit.fp16_from], p->cost.dram_bytes_per_ns, p->cost.fixed_ns / 1000.0);
  p->interference.dram_bandwidth_gbps = p->cost.dram_bytes_per_ns;
  return TRUE;
}

/* Runs every probe and fills p's device, timing, rules, cost, interference and contention from them. */
static gboolean
measure (TsProfile *p, int device, guint samples, GError **error)
{
  TsProbeDevice d;
  if (!ts_probe_device (device, &d, error))
    return FALSE;
  printf ("device %d: %s, compute capability %d.%d, %d SMs\n", device, d.name, d.cc_major, d.cc_minor, d.sms);
  p->measured_on.device = g_strdup (d.name);
  p->measured_on.compute_capability = g_strdup_printf ("%d.%d", d.cc_major, d.cc_minor);
  p->measured_on.driver = driver_version (d.driver_version);
  p->measured_on.cuda = g_strdup_printf ("%d.%d", d.runtime_version / 1000, d.runtime_version % 1000 / 10);
  p->sms = (guint) d.sms;
  p->max_threads_per_sm = (guint) d.max_threads_per_sm;
  p->max_blocks_per_sm = (guint) d.max_blocks_per_sm;
  p->registers_per_sm = (guint) d.registers_per_sm;
  p->shared_mem_per_sm = (guint) d.shared_mem_per_sm;
  p->max_threads_per_block = (guint) d.max_threads_per_block;
  /* CUDA numbers priorities downwards: greatest is the most negative. */
  p->priority_levels = (guint) (d.priority_least - d.priority_greatest + 1);

  g_autofree TsTime *launch = g_new (TsTime, samples), *gap = g_new (TsTime, samples),
                    *wakeup = g_new (TsTime, samples);
  if (!ts_probe_timing (device, samples, launch, gap, wakeup, error))
    return FALSE;
  TsTimings *t = &p->timing, *t99 = &p->timing_p99;
  printf ("timing (%u samples each):\n", samples);
  put_dist ("launch latency", ts_fit_dist (launch, samples), &t->launch_latency, &t99->launch_latency);
  put_dist ("back-to-back gap (dispatch)", ts_fit_dist (gap, samples), &t->block_dispatch, &t99->block_dispatch);
  put_dist ("sync wake-up", ts_fit_dist (wakeup, samples), &t->sync_wakeup, &t99->sync_wakeup);

  guint n, slots, early;
  g_autofree TsBlockRecord *place = ts_probe_placement (device, &n, &slots, error);
  TsPlacementFit pf;
  if (place == NULL || !ts_fit_placement (place, n, p->sms, slots, &pf, error))
    return FALSE;
  printf ("placement (%u blocks, %u per SM): most-free explains %.1f%%, round-robin %.1f%% -> %s\n", pf.blocks,
          slots, 100.0 * pf.most_free, 100.0 * pf.round_robin,
          pf.rule == TS_PLACE_MOST_FREE ? "most-free" : "round-robin");
  p->placement = pf.rule;

  g_autofree TsBlockRecord *disp = ts_probe_dispatch (device, &n, error);
  if (disp == NULL || !ts_fit_dispatch (disp, n, 2 * TS_NS_PER_US, &p->dispatch, &early, error))
    return FALSE;
  printf ("dispatch: %u blocks of the second kernel started before the first's last -> %s\n", early,
          p->dispatch == TS_DISPATCH_HEAD_OF_LEVEL ? "head-of-level" : "any-fit");

  /* Priorities: adjacent levels, from the least urgent up; a pair behaves differently when the
   * more urgent kernel takes freed slots ahead of the other's remaining blocks. */
  guint distinct = 1;
  TsTime longest_gap = 0;
  for (int low = d.priority_least; low > d.priority_greatest; low--)
    {
      g_autofree TsBlockRecord *rec = ts_probe_priority (device, low, low - 1, &n, error);
      TsDispatchRule r;
      if (rec == NULL || !ts_fit_dispatch (rec, n, 2 * TS_NS_PER_US, &r, &early, error))
        return FALSE;
      for (guint i = 0; i < n; i++)
        longest_gap = MAX (longest_gap, rec[i].longest_gap);
      distinct += early > 0;
      printf ("priority %d over %d: %u blocks started ahead of the lower one's remaining blocks%s\n", low - 1, low,
              early, early > 0 ? "" : " (no difference)");
    }
  printf ("priorities: the driver offers %d levels, %u behave differently; running blocks %s (longest "
          "pause in a polling block %.1f us)\n", d.priority_least - d.priority_greatest + 1, distinct,
          longest_gap > 20 * TS_NS_PER_US ? "WERE descheduled" : "were never preempted",
          (double) longest_gap / 1000.0);
  p->priority_levels = distinct;

  g_autofree TsTime *visible = g_new (TsTime, samples), *drain = g_new (TsTime, samples),
                    *remaining = g_new (TsTime, samples), *check = g_new (TsTime, samples);
  if (!ts_probe_flag (device, samples, visible, drain, remaining, check, error))
    return FALSE;
  g_autofree double *x = g_new (double, samples), *y = g_new (double, samples);
  for (guint i = 0; i < samples; i++)
    x[i] = (double) remaining[i] / 1000.0, y[i] = (double) drain[i] / 1000.0;
  double a, b, r2;
  if (samples >= 2 && ts_fit_line (x, y, samples, &a, &b, &r2))
    printf ("drain by flag: latency = %.2f us + %.3f x remaining block time (r^2 %.3f)\n", a, b, r2);
  put_dist ("flag write (until seen)", ts_fit_dist (visible, samples), &t->flag_write, &t99->flag_write);
  put_dist ("block check (exit at entry)", ts_fit_dist (check, samples), &t->block_check, &t99->block_check);

  double makespan[64];
  if (!ts_probe_streams (device, G_N_ELEMENTS (makespan), makespan, error))
    return FALSE;
  printf ("hardware queues: up to %u streams run concurrently (not modelled by the simulator)\n",
          ts_fit_connections (makespan, G_N_ELEMENTS (makespan), 0.5));

  if (!measure_cost (p, device, MIN (samples, 20), error))
    return FALSE;
  TsInterference *in = &p->interference;
  if (!ts_probe_interference (device, MIN (samples, 20), in, error))
    return FALSE;
  printf ("interference: DRAM %.0f GB/s sustained (the streaming copy's, which rule 5b shares out); on disjoint "
          "halves of the SMs, slowdown beside compute / beside memory: compute %.3f / %.3f, memory %.3f / %.3f\n",
          in->dram_bandwidth_gbps, in->slowdown[TS_LOAD_COMPUTE][TS_LOAD_COMPUTE],
          in->slowdown[TS_LOAD_COMPUTE][TS_LOAD_MEMORY], in->slowdown[TS_LOAD_MEMORY][TS_LOAD_COMPUTE],
          in->slowdown[TS_LOAD_MEMORY][TS_LOAD_MEMORY]);
  return measure_contention (p, device, MIN (samples, 20), error);
}
#endif

static gboolean
calibrate_main (const TsCommand *cmd, int argc, char **argv, GError **error)
{
  int device = 0, samples = 200;
  double power_s = 0;
  g_autofree char *output = NULL, *base = NULL;
  const GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_INT, &device,
      "CUDA device to measure, 0 to " G_STRINGIFY (TS_REAL_GPU_MAX_DEVICE) " (default 0)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Profile to write (default: DEVICE-DATE.cfg here)", "FILE" },
    { "samples", 'n', 0, G_OPTION_ARG_INT, &samples,
      "Samples per timing, 1 to 100000 (default 200; the heavier probes take 20 at most)", "N" },
    { "base", 0, 0, G_OPTION_ARG_STRING, &base,
      "Profile to take the host queue clear and reset costs from (default: 0)", "PROFILE" },
    { "power", 0, 0, G_OPTION_ARG_DOUBLE, &power_s,
      "Also measure the power group through NVML, S seconds per phase (idle, compute, memory; 1 to 600)", "S" },
    { 0 },
  };
  if (!ts_cmd_parse (cmd, entries, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    return ts_cmd_usage (error, "takes no arguments");
  if (!ts_real_gpu_check_device (device, error))
    {
      (*error)->code = TS_ERROR_USAGE;
      return FALSE;
    }
  if (samples < 1 || samples > 100000)
    return ts_cmd_usage (error, "--samples must be 1 to 100000 (got %d)", samples);
  if (power_s != 0 && !(power_s >= 1 && power_s <= 600))
    return ts_cmd_usage (error, "--power must be 1 to 600 seconds (got %g)", power_s);
  g_autoptr (TsProfile) from = NULL;
  if (base != NULL && (from = ts_profile_load (base, NULL, error)) == NULL)
    return FALSE;
  /* NVML first: a missing library is said before minutes of measuring.  NVML numbers devices in
   * PCI bus order; CUDA does too under CUDA_DEVICE_ORDER=PCI_BUS_ID (the user's to set). */
  g_autoptr (TsNvml) nvml = NULL;
  if (power_s > 0 && (nvml = ts_nvml_open ((guint) device, error)) == NULL)
    {
      g_prefix_error (error, "--power: ");
      (*error)->code = TS_ERROR_USAGE;
      return FALSE;
    }
#ifndef TS_HAVE_CUDA
  return ts_cmd_usage (error, "this tiersim was built without CUDA (./configure --with-cuda)");
#else
  g_autoptr (TsProfile) p = g_new0 (TsProfile, 1);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  p->source = g_strdup ("measured");
  p->date = g_date_time_format (now, "%Y-%m-%d");
  p->tool_version = g_strdup ("tiersim " PACKAGE_VERSION);
  if (!measure (p, device, (guint) samples, error))
    return FALSE;
  if (nvml != NULL)
    {
      TsPowerProbe pp;
      if (from != NULL)
        p->power.cpu_core_w = from->power.cpu_core_w;
      if (!ts_probe_power (device, nvml, p->sms, power_s, &p->power, &pp, error))
        return FALSE;
      printf ("power (NVML, %s): idle %.1f W, FMA on every SM %.1f W, DRAM copy %.1f W at %.0f GB/s -> "
              "%.3f W per busy SM, %.1f pJ per DRAM byte\n", ts_nvml_device_name (nvml), pp.idle_w, pp.compute_w,
              pp.memory_w, pp.memory_gbps, p->power.sm_active_w, p->power.dram_pj_per_byte);
    }
  if (from != NULL)
    {
      TsTimings *t = &p->timing, *t99 = &p->timing_p99;
      t->host_queue_clear = from->timing.host_queue_clear, t99->host_queue_clear = from->timing_p99.host_queue_clear;
      t->cu_reset = from->timing.cu_reset, t99->cu_reset = from->timing_p99.cu_reset;
    }
  g_autofree char *dev_slug = slug (p->measured_on.device);
  if (output == NULL)
    output = g_strdup_printf ("%s-%s.cfg", dev_slug, p->date);
  g_autofree char *file = g_path_get_basename (output);
  p->name = g_str_has_suffix (file, ".cfg") ? g_strndup (file, strlen (file) - 4) : g_strdup (file);
  p->description = g_strdup_printf ("%s, measured by tiersim calibrate; cost efficiencies per kernel kind not "
                                    "measured (1); host queue clear and reset %s%s",
                                    p->measured_on.device, from != NULL ? "from " : "not measured (0)",
                                    from != NULL ? from->name : "");
  if (!ts_profile_write (p, output, error))
    return FALSE;
  printf ("wrote %s\n", output);
  return TRUE;
#endif
}

const TsCommand ts_command_calibrate = {
  .name = "calibrate",
  .summary = "measure an NVIDIA GPU and write a measured profile (needs CUDA)",
  .help =
    "Measures an NVIDIA GPU and writes a profile with source = \"measured\": device facts from the\n"
    "driver; launch latency, back-to-back dispatch gap, sync wake-up, flag write and block entry\n"
    "check as p50 and p99; which placement and dispatch rules (rules 2 and 3, docs/architecture.md section 2)\n"
    "explain per-block %smid/%globaltimer records; how many priority levels behave differently.\n"
    "It also prints whether running blocks are ever preempted, drain latency against the running\n"
    "blocks' remaining time, and how many streams run concurrently.  For contention (rule 5) it\n"
    "records the sustained DRAM bandwidth, which the memory rule shares out, the slowdown of\n"
    "compute- and memory-bound kernels on disjoint SMs beside each other (interference), and,\n"
    "with synthetic kernels, the one-wave latency at 1..max blocks per SM and the slowdown of two\n"
    "kernels sharing every SM (contention).  For the cost model (cost group) it measures, each\n"
    "from the difference between a kernel and one twice as long: the effective FP32 peak (FMA\n"
    "chains on every SM) and FP16 peak (Tensor Core products, FP32 accumulation; half2 FMAs\n"
    "where there are no Tensor Cores; also printed), the DRAM bandwidth of a copy between two\n"
    "buffers far larger than the L2 (also the interference group's bandwidth), and the fixed\n"
    "cost of an empty kernel among empty kernels back to back.  Efficiencies per kernel kind are\n"
    "not measured: the profile leaves them out (1).  NVIDIA GPUs cannot kill running blocks and\n"
    "the host queue is tiersim's own: those two costs come from --base, or are 0.\n"
    "With --power S it reads the board's power through NVML (calib/power.h): idle, with FMA chains\n"
    "on every SM, and with a DRAM copy, S seconds each, and writes the power group from them\n"
    "(cpu_core_w from --base, or 0).  Without NVML (no NVIDIA driver, Jetson boards) it stops at once\n"
    "with a message saying so.\n"
    "Needs a tiersim built with CUDA and a GPU (exit 2 without).",
  .fn = calibrate_main,
};
