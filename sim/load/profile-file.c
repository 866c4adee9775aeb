/* tiersim — reading and writing a profile file (see sim/load/load.h). */
#include "config.h"

#include <string.h>

#include "sim/load/cfg.h"
#include "sim/load/datadir.h"
#include "sim/load/load.h"
#include "sim/io.h"

/* The timing keys, shared by the reader and the writer: the value the simulated GPU uses and its
 * optional 99th percentile. */
static const struct {
  const char *key, *p99_key;
  gsize offset;
} timing_fields[] = {
  { "launch_latency_us", "launch_latency_p99_us", G_STRUCT_OFFSET (TsTimings, launch_latency) },
  { "block_dispatch_us", "block_dispatch_p99_us", G_STRUCT_OFFSET (TsTimings, block_dispatch) },
  { "sync_wakeup_us", "sync_wakeup_p99_us", G_STRUCT_OFFSET (TsTimings, sync_wakeup) },
  { "host_queue_clear_us", "host_queue_clear_p99_us", G_STRUCT_OFFSET (TsTimings, host_queue_clear) },
  { "flag_write_us", "flag_write_p99_us", G_STRUCT_OFFSET (TsTimings, flag_write) },
  { "cu_reset_us", "cu_reset_p99_us", G_STRUCT_OFFSET (TsTimings, cu_reset) },
  { "block_check_us", "block_check_p99_us", G_STRUCT_OFFSET (TsTimings, block_check) },
};
#define N_TIMING G_N_ELEMENTS (timing_fields)
#define TIMING_AT(t, i) G_STRUCT_MEMBER (TsTime, (t), timing_fields[i].offset)

static const char *const top_keys[] = { "name", "description", "source", "date", "tool_version",
                                        "measured_on", "device", "timing", "rules", "interference",
                                        "contention", "host", "cost", "power", "dla", NULL };
static const char *const power_keys[] = { "source", "reference", "idle_w", "sm_active_w", "dram_pj_per_byte",
                                          "cpu_core_w", NULL };
static const char *const measured_keys[] = { "device", "compute_capability", "driver", "cuda", NULL };
static const char *const device_keys[] = { "sms", "max_threads_per_sm", "max_blocks_per_sm",
                                           "registers_per_sm", "shared_mem_per_sm",
                                           "max_threads_per_block", "priority_levels",
                                           "dram_bandwidth_gbps", NULL };
static const char *const rules_keys[] = { "dispatch", "placement", "contention", NULL };
/* interference keys: the bandwidth, then <victim>_with_<aggressor> in slowdown[v][a] order. */
static const char *const interference_keys[] = { "dram_bandwidth_gbps", "compute_with_compute", "compute_with_memory",
                                                  "memory_with_compute", "memory_with_memory", NULL };
/* The host group's costs, in TsHostModel's order after `cores`. */
static const struct {
  const char *key;
  gsize offset;
} host_costs[] = {
  { "dispatch_us", G_STRUCT_OFFSET (TsHostModel, dispatch) },
  { "launch_us", G_STRUCT_OFFSET (TsHostModel, launch) },
  { "sync_us", G_STRUCT_OFFSET (TsHostModel, sync) },
  { "wakeup_us", G_STRUCT_OFFSET (TsHostModel, wakeup) },
};
static const char *const host_keys[] = { "cores", "dispatch_us", "launch_us", "sync_us", "wakeup_us", NULL };
static const char *const cost_keys[] = { "fp32_tflops", "fp16_tflops", "dram_gbps", "kernel_fixed_us",
                                         "efficiency", NULL };
static const char *const dla_keys[] = { "count", "fp16_tflops", "dram_gbps", "layer_fixed_us", "handoff_us",
                                        "supports", "efficiency", NULL };
static const char *const source_names[] = { "datasheet", "measured", NULL };
static const char *const dispatch_names[] = { "head-of-level", "any-fit", NULL };
static const char *const placement_names[] = { "most-free", "round-robin", NULL };
/* In TsContentionRule's order. */
static const char *const contention_names[] = { "sm+memory", "sm", "none", NULL };
/* The contention group: a curve per load kind, then <victim>_with_<aggressor> in [v][a] order. */
static const char *const contention_curve_keys[TS_N_LOADS] = { "compute_occupancy_us", "memory_occupancy_us" };
static const char *const contention_keys[] = { "compute_occupancy_us", "memory_occupancy_us",
                                               "compute_with_compute", "compute_with_memory",
                                               "memory_with_compute", "memory_with_memory", NULL };

/* The timing group's keys, in timing_fields' order, NULL-terminated. */
static const char *const *
timing_keys (void)
{
  static const char *keys[2 * N_TIMING + 1];
  static gsize done;
  if (g_once_init_enter (&done))
    {
      for (guint i = 0; i < N_TIMING; i++)
        keys[2 * i] = timing_fields[i].key, keys[2 * i + 1] = timing_fields[i].p99_key;
      g_once_init_leave (&done, 1);
    }
  return keys;
}

static void
read_uint (TsCfgFile *f, const config_setting_t *g, const char *key, gint64 min, gint64 max, guint *out)
{
  gint64 v;
  if (ts_cfg_int (f, g, key, TRUE, min, max, &v))
    *out = (guint) v;
}

/* An optional duration in microseconds; TRUE when present and valid. */
static gboolean
read_us (TsCfgFile *f, const config_setting_t *g, const char *key, TsTime *out)
{
  double us;
  if (!ts_cfg_number (f, g, key, FALSE, 0.0, 1e9, &us))
    return FALSE;
  *out = ts_time_from_ms (us / 1000.0);
  return TRUE;
}

/* An optional string member, duplicated into *out. */
static void
read_str (TsCfgFile *f, const config_setting_t *g, const char *key, gboolean required, char **out)
{
  const char *s;
  if (ts_cfg_string (f, g, key, required, &s))
    *out = g_strdup (s);
}

/* The contention group: each curve is required, its pair slowdowns too. */
static void
parse_contention (TsCfgFile *f, const config_setting_t *root, TsContention *c)
{
  const config_setting_t *grp = ts_cfg_group (f, root, "contention", FALSE);
  if (grp == NULL)
    return;
  c->present = TRUE;
  ts_cfg_check_keys (f, grp, contention_keys);
  for (guint v = 0; v < TS_N_LOADS; v++)
    c->occupancy_ns[v] = ts_cfg_occupancy_curve (f, grp, contention_curve_keys[v], TRUE, &c->n_occupancy[v]);
  for (guint i = 0; i < TS_N_LOADS * TS_N_LOADS; i++)
    ts_cfg_number (f, grp, contention_keys[TS_N_LOADS + i], TRUE, 0.5, 1000,
                   &c->sm_slowdown[i / TS_N_LOADS][i % TS_N_LOADS]);
}

/* A cost model's optional efficiency group: per kind, 1 where not given. */
static void
parse_efficiency (TsCfgFile *f, const config_setting_t *grp, TsCostModel *c)
{
  for (guint k = 0; k < TS_N_KINDS; k++)
    c->efficiency[k] = 1.0;
  const config_setting_t *eff = ts_cfg_group (f, grp, "efficiency", FALSE);
  if (eff == NULL)
    return;
  ts_cfg_check_keys (f, eff, ts_kind_names);
  for (guint k = 1; k < TS_N_KINDS; k++)
    ts_cfg_number (f, eff, ts_kind_names[k - 1], FALSE, 1e-4, 1.0, &c->efficiency[k]);
}

/* The dla group (TsDlaModel): every key but efficiency required; supports lists kinds by name,
 * each at most once. */
static void
parse_dla (TsCfgFile *f, const config_setting_t *root, TsDlaModel *d)
{
  const config_setting_t *grp = ts_cfg_group (f, root, "dla", FALSE);
  if (grp == NULL)
    return;
  ts_cfg_check_keys (f, grp, dla_keys);
  gint64 n = 0;
  if (ts_cfg_int (f, grp, "count", TRUE, 1, 64, &n))
    d->count = (guint) n;
  TsCostModel *c = &d->cost;
  c->present = TRUE;
  double tflops = 1, gbps = 1, us = 0;
  ts_cfg_number (f, grp, "fp16_tflops", TRUE, 1e-6, 1e6, &tflops);
  c->peak_flops[TS_FP32] = c->peak_flops[TS_FP16] = tflops * 1000.0;
  ts_cfg_number (f, grp, "dram_gbps", TRUE, 1e-3, 1e7, &gbps);
  c->dram_bytes_per_ns = gbps;
  ts_cfg_number (f, grp, "layer_fixed_us", TRUE, 0.0, 1e6, &us);
  c->fixed_ns = us * 1000.0;
  c->sms = 0;  /* a layer has the whole engine */
  if (ts_cfg_number (f, grp, "handoff_us", TRUE, 0.0, 1e9, &us))
    d->handoff = ts_time_from_ms (us / 1000.0);
  parse_efficiency (f, grp, c);
  const config_setting_t *sup = ts_cfg_sequence (f, grp, "supports", TRUE);
  for (int i = 0; sup != NULL && i < config_setting_length (sup); i++)
    {
      const config_setting_t *e = config_setting_get_elem (sup, i);
      const char *name = config_setting_type (e) == CONFIG_TYPE_STRING ? config_setting_get_string (e) : NULL;
      int k = -1;
      for (int j = 0; name != NULL && ts_kind_names[j] != NULL; j++)
        if (strcmp (name, ts_kind_names[j]) == 0)
          k = j + 1;
      if (name == NULL)
        ts_cfg_error (f, e, "expected a layer kind (a string)");
      else if (k < 0)
        {
          const char *best = ts_nearest_name (name, ts_kind_names);
          g_autofree char *all = g_strjoinv (", ", (char **) ts_kind_names);
          if (best != NULL)
            ts_cfg_error (f, e, "unknown layer kind '%s'; did you mean '%s'?", name, best);
          else
            ts_cfg_error (f, e, "unknown layer kind '%s' (kinds: %s)", name, all);
        }
      else if (d->supports[k])
        ts_cfg_error (f, e, "\"%s\" is listed twice", name);
      else
        d->supports[k] = TRUE;
    }
}

/* The cost group (sim/cost.h): peaks and bandwidth required, efficiencies per kind optional. */
static void
parse_cost (TsCfgFile *f, const config_setting_t *root, TsCostModel *c)
{
  const config_setting_t *grp = ts_cfg_group (f, root, "cost", FALSE);
  if (grp == NULL)
    return;
  c->present = TRUE;
  ts_cfg_check_keys (f, grp, cost_keys);
  /* TFLOP/s to FLOP/ns; 1e6 TFLOP/s and 1e7 GB/s are far beyond any GPU. */
  double tflops = 1, gbps = 1, us = 0;
  ts_cfg_number (f, grp, "fp32_tflops", TRUE, 1e-6, 1e6, &tflops);
  c->peak_flops[TS_FP32] = c->peak_flops[TS_FP16] = tflops * 1000.0;
  if (ts_cfg_number (f, grp, "fp16_tflops", FALSE, 1e-6, 1e6, &tflops))
    c->peak_flops[TS_FP16] = tflops * 1000.0;
  ts_cfg_number (f, grp, "dram_gbps", TRUE, 1e-3, 1e7, &gbps);
  c->dram_bytes_per_ns = gbps;
  ts_cfg_number (f, grp, "kernel_fixed_us", TRUE, 0.0, 1e6, &us);
  c->fixed_ns = us * 1000.0;
  parse_efficiency (f, grp, c);
}

static void
parse_power (TsCfgFile *f, const config_setting_t *root, TsPower *pw)
{
  const config_setting_t *g = ts_cfg_group (f, root, "power", FALSE);
  if (g == NULL)
    return;
  pw->present = TRUE;
  ts_cfg_check_keys (f, g, power_keys);
  int src = 0;
  if (ts_cfg_enum (f, g, "source", TRUE, source_names, &src))
    pw->source = g_strdup (source_names[src]);
  read_str (f, g, "reference", TRUE, &pw->reference);
  ts_cfg_number (f, g, "idle_w", TRUE, 0, 1e5, &pw->idle_w);
  ts_cfg_number (f, g, "sm_active_w", TRUE, 0, 1e4, &pw->sm_active_w);
  ts_cfg_number (f, g, "dram_pj_per_byte", TRUE, 0, 1e6, &pw->dram_pj_per_byte);
  ts_cfg_number (f, g, "cpu_core_w", FALSE, 0, 1e4, &pw->cpu_core_w);
}

static void
parse_profile (TsCfgFile *f, gpointer target)
{
  TsProfile *p = target;
  const config_setting_t *root = config_root_setting (&f->cfg);
  int e;

  ts_cfg_check_keys (f, root, top_keys);
  read_str (f, root, "name", TRUE, &p->name);
  read_str (f, root, "description", FALSE, &p->description);
  if (ts_cfg_enum (f, root, "source", TRUE, source_names, &e))
    p->source = g_strdup (source_names[e]);
  read_str (f, root, "date", FALSE, &p->date);
  read_str (f, root, "tool_version", FALSE, &p->tool_version);

  /* A measured profile says where it was measured; a datasheet one has nothing to say. */
  gboolean measured = g_strcmp0 (p->source, "measured") == 0;
  const config_setting_t *on = config_setting_get_member (root, "measured_on");
  if (on != NULL && !measured && p->source != NULL)
    ts_cfg_error (f, on, "measured_on is for profiles with source = \"measured\"");
  else if (measured && (on = ts_cfg_group (f, root, "measured_on", TRUE)) != NULL)
    {
      ts_cfg_check_keys (f, on, measured_keys);
      read_str (f, on, "device", TRUE, &p->measured_on.device);
      read_str (f, on, "compute_capability", TRUE, &p->measured_on.compute_capability);
      read_str (f, on, "driver", TRUE, &p->measured_on.driver);
      read_str (f, on, "cuda", TRUE, &p->measured_on.cuda);
    }

  const config_setting_t *dev = ts_cfg_group (f, root, "device", TRUE);
  if (dev != NULL)
    {
      ts_cfg_check_keys (f, dev, device_keys);
      read_uint (f, dev, "sms", 1, 4096, &p->sms);
      /* Upper bounds well above any GPU's, and < 2^21 as the dispatcher's arithmetic needs. */
      read_uint (f, dev, "max_threads_per_sm", 32, 1 << 16, &p->max_threads_per_sm);
      read_uint (f, dev, "max_blocks_per_sm", 1, 1024, &p->max_blocks_per_sm);
      read_uint (f, dev, "registers_per_sm", 1024, (1 << 21) - 1, &p->registers_per_sm);
      read_uint (f, dev, "shared_mem_per_sm", 0, (1 << 21) - 1, &p->shared_mem_per_sm);
      read_uint (f, dev, "max_threads_per_block", 1, 1 << 16, &p->max_threads_per_block);
      p->priority_levels = 2;
      gint64 lv;
      if (ts_cfg_int (f, dev, "priority_levels", FALSE, 1, 64, &lv))
        p->priority_levels = (guint) lv;
      ts_cfg_number (f, dev, "dram_bandwidth_gbps", FALSE, 1e-3, 1e6, &p->dram_bandwidth_gbps);
    }

  const config_setting_t *tim = ts_cfg_group (f, root, "timing", FALSE);
  if (tim != NULL)
    {
      ts_cfg_check_keys (f, tim, timing_keys ());
      for (guint i = 0; i < N_TIMING; i++)
        {
          TsTime *v = &TIMING_AT (&p->timing, i), *v99 = &TIMING_AT (&p->timing_p99, i);
          read_us (f, tim, timing_fields[i].key, v);
          *v99 = *v;
          if (read_us (f, tim, timing_fields[i].p99_key, v99) && *v99 < *v)
            ts_cfg_error (f, config_setting_get_member (tim, timing_fields[i].p99_key),
                          "%.3f is below %s = %.3f: a 99th percentile cannot be below the median",
                          (double) *v99 / 1000.0, timing_fields[i].key,
                          (double) *v / 1000.0);
        }
    }

  p->dispatch = TS_DISPATCH_HEAD_OF_LEVEL;
  p->placement = TS_PLACE_MOST_FREE;
  const config_setting_t *rules = ts_cfg_group (f, root, "rules", FALSE);
  if (rules != NULL)
    {
      ts_cfg_check_keys (f, rules, rules_keys);
      if (ts_cfg_enum (f, rules, "dispatch", FALSE, dispatch_names, &e))
        p->dispatch = e;
      if (ts_cfg_enum (f, rules, "placement", FALSE, placement_names, &e))
        p->placement = e;
      if (ts_cfg_enum (f, rules, "contention", FALSE, contention_names, &e))
        p->contention_rule = e;
    }

  const config_setting_t *itf = ts_cfg_group (f, root, "interference", FALSE);
  if (itf != NULL)
    {
      TsInterference *in = &p->interference;
      in->present = TRUE;
      ts_cfg_check_keys (f, itf, interference_keys);
      ts_cfg_number (f, itf, "dram_bandwidth_gbps", TRUE, 1e-3, 1e6, &in->dram_bandwidth_gbps);
      /* Noise can put a slowdown a little below 1; far below, the measurement is broken. */
      for (guint i = 0; i < TS_N_LOADS * TS_N_LOADS; i++)
        ts_cfg_number (f, itf, interference_keys[1 + i], TRUE, 0.5, 1000, &in->slowdown[i / TS_N_LOADS][i % TS_N_LOADS]);
    }
  parse_contention (f, root, &p->contention);
  parse_cost (f, root, &p->cost);
  p->cost.sms = p->sms;
  parse_dla (f, root, &p->dla);

  const config_setting_t *host = ts_cfg_group (f, root, "host", FALSE);
  if (host != NULL)
    {
      p->host.present = TRUE;
      ts_cfg_check_keys (f, host, host_keys);
      read_uint (f, host, "cores", 1, 4096, &p->host.cores);
      for (guint i = 0; i < G_N_ELEMENTS (host_costs); i++)
        read_us (f, host, host_costs[i].key, &G_STRUCT_MEMBER (TsTime, &p->host, host_costs[i].offset));
    }
  parse_power (f, root, &p->power);
}

static void
append_member (GString *out, const char *indent, const char *key, const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (out, "%s%s = ", indent, key);
  ts_quote_cfg (out, value);
  g_string_append (out, ";\n");
}

/* Nanoseconds as microseconds, exactly and whatever the locale. */
static void
append_us (GString *out, const char *key, TsTime ns)
{
  g_string_append_printf (out, "  %s = %" G_GINT64_FORMAT ".%03d;\n", key, ns / 1000, (int) (ns % 1000));
}

/* A float in its shortest round-trip form, always with a '.' or exponent so that libconfig reads
 * a float: "<indent><key> = <v>;\n", or with key NULL just "<indent><v>". */
static void
append_double (GString *out, const char *indent, const char *key, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_dtostr (buf, sizeof buf, v);
  const char *dot = strpbrk (buf, ".eEn") != NULL ? "" : ".0";
  if (key != NULL)
    g_string_append_printf (out, "%s%s = %s%s;\n", indent, key, buf, dot);
  else
    g_string_append_printf (out, "%s%s%s", indent, buf, dot);
}

char *
ts_profile_to_text (const TsProfile *p)
{
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, "# tiersim GPU profile (%s); the format is described in sim/profile.h.\n",
                          p->source != NULL ? p->source : "datasheet");
  append_member (out, "", "name", p->name);
  append_member (out, "", "description", p->description);
  append_member (out, "", "source", p->source);
  append_member (out, "", "date", p->date);
  append_member (out, "", "tool_version", p->tool_version);
  if (g_strcmp0 (p->source, "measured") == 0)
    {
      g_string_append (out, "\nmeasured_on = {\n");
      append_member (out, "  ", "device", p->measured_on.device);
      append_member (out, "  ", "compute_capability", p->measured_on.compute_capability);
      append_member (out, "  ", "driver", p->measured_on.driver);
      append_member (out, "  ", "cuda", p->measured_on.cuda);
      g_string_append (out, "};\n");
    }
  g_string_append_printf (out,
                          "\ndevice = {\n  sms = %u;\n  max_threads_per_sm = %u;\n  max_blocks_per_sm = %u;\n"
                          "  registers_per_sm = %u;\n  shared_mem_per_sm = %u;\n  max_threads_per_block = %u;\n"
                          "  priority_levels = %u;\n",
                          p->sms, p->max_threads_per_sm, p->max_blocks_per_sm, p->registers_per_sm,
                          p->shared_mem_per_sm, p->max_threads_per_block, p->priority_levels);
  if (p->dram_bandwidth_gbps > 0)
    append_double (out, "  ", "dram_bandwidth_gbps", p->dram_bandwidth_gbps);
  g_string_append (out, "};\n\ntiming = {\n");
  for (guint i = 0; i < N_TIMING; i++)
    {
      TsTime v = TIMING_AT (&p->timing, i), v99 = TIMING_AT (&p->timing_p99, i);
      append_us (out, timing_fields[i].key, v);
      if (v99 != v)
        append_us (out, timing_fields[i].p99_key, v99);
    }
  g_string_append_printf (out, "};\n\nrules = {\n  dispatch = \"%s\";\n  placement = \"%s\";\n"
                          "  contention = \"%s\";\n};\n", dispatch_names[p->dispatch],
                          placement_names[p->placement], contention_names[p->contention_rule]);
  if (p->interference.present)
    {
      g_string_append (out, "\ninterference = {\n");
      for (guint i = 0; interference_keys[i] != NULL; i++)
        append_double (out, "  ", interference_keys[i],
                       i == 0 ? p->interference.dram_bandwidth_gbps
                              : p->interference.slowdown[(i - 1) / TS_N_LOADS][(i - 1) % TS_N_LOADS]);
      g_string_append (out, "};\n");
    }
  if (p->host.present)
    {
      g_string_append_printf (out, "\nhost = {\n  cores = %u;\n", p->host.cores);
      for (guint i = 0; i < G_N_ELEMENTS (host_costs); i++)
        append_us (out, host_costs[i].key, G_STRUCT_MEMBER (TsTime, &p->host, host_costs[i].offset));
      g_string_append (out, "};\n");
    }
  if (p->power.present)
    {
      g_string_append (out, "\npower = {\n");
      append_member (out, "  ", "source", p->power.source);
      append_member (out, "  ", "reference", p->power.reference);
      append_double (out, "  ", "idle_w", p->power.idle_w);
      append_double (out, "  ", "sm_active_w", p->power.sm_active_w);
      append_double (out, "  ", "dram_pj_per_byte", p->power.dram_pj_per_byte);
      append_double (out, "  ", "cpu_core_w", p->power.cpu_core_w);
      g_string_append (out, "};\n");
    }
  if (p->cost.present)
    {
      const TsCostModel *c = &p->cost;
      g_string_append (out, "\ncost = {\n");
      append_double (out, "  ", "fp32_tflops", c->peak_flops[TS_FP32] / 1000.0);
      if (c->peak_flops[TS_FP16] != c->peak_flops[TS_FP32])
        append_double (out, "  ", "fp16_tflops", c->peak_flops[TS_FP16] / 1000.0);
      append_double (out, "  ", "dram_gbps", c->dram_bytes_per_ns);
      append_double (out, "  ", "kernel_fixed_us", c->fixed_ns / 1000.0);
      gboolean any = FALSE;
      for (guint k = 1; k < TS_N_KINDS; k++)
        if (c->efficiency[k] != 1.0)
          {
            g_string_append (out, any ? "" : "  efficiency = {\n");
            append_double (out, "    ", ts_kind_names[k - 1], c->efficiency[k]);
            any = TRUE;
          }
      g_string_append (out, any ? "  };\n};\n" : "};\n");
    }
  if (p->dla.count > 0)
    {
      const TsDlaModel *d = &p->dla;
      g_string_append_printf (out, "\ndla = {\n  count = %u;\n", d->count);
      append_double (out, "  ", "fp16_tflops", d->cost.peak_flops[TS_FP16] / 1000.0);
      append_double (out, "  ", "dram_gbps", d->cost.dram_bytes_per_ns);
      append_double (out, "  ", "layer_fixed_us", d->cost.fixed_ns / 1000.0);
      append_us (out, "handoff_us", d->handoff);
      g_string_append (out, "  supports = [");
      gboolean first = TRUE;
      for (guint k = 1; k < TS_N_KINDS; k++)
        if (d->supports[k])
          {
            g_string_append_printf (out, "%s\"%s\"", first ? " " : ", ", ts_kind_names[k - 1]);
            first = FALSE;
          }
      g_string_append (out, " ];\n");
      gboolean any = FALSE;
      for (guint k = 1; k < TS_N_KINDS; k++)
        if (d->cost.efficiency[k] != 1.0)
          {
            g_string_append (out, any ? "" : "  efficiency = {\n");
            append_double (out, "    ", ts_kind_names[k - 1], d->cost.efficiency[k]);
            any = TRUE;
          }
      g_string_append (out, any ? "  };\n};\n" : "};\n");
    }
  if (p->contention.present)
    {
      const TsContention *c = &p->contention;
      g_string_append (out, "\ncontention = {\n");
      for (guint v = 0; v < TS_N_LOADS; v++)
        {
          g_string_append_printf (out, "  %s = [", contention_curve_keys[v]);
          for (guint i = 0; i < c->n_occupancy[v]; i++)
            append_double (out, i == 0 ? " " : ", ", NULL, c->occupancy_ns[v][i] / 1000.0);
          g_string_append (out, " ];\n");
        }
      for (guint i = 0; i < TS_N_LOADS * TS_N_LOADS; i++)
        append_double (out, "  ", contention_keys[TS_N_LOADS + i], c->sm_slowdown[i / TS_N_LOADS][i % TS_N_LOADS]);
      g_string_append (out, "};\n");
    }
  return g_string_free (out, FALSE);
}

gboolean
ts_profile_write (const TsProfile *p, const char *path, GError **error)
{
  g_autofree char *text = ts_profile_to_text (p);
  return ts_output_write (path, text, strlen (text), error);
}

TsProfile *
ts_profile_load (const char *name, const char *ref_dir, GError **error)
{
  return ts_profile_load_with (name, ref_dir, NULL, error);
}

TsProfile *
ts_profile_load_with (const char *name, const char *ref_dir, const TsOverride *overrides, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GBytes) contents = NULL;
  if (!ts_data_find (TS_DATA_PROFILE, name, ref_dir, &path, &contents, error))
    return NULL;
  g_autoptr (TsProfile) p = g_new0 (TsProfile, 1);
  p->path = g_strdup (path);
  if (!ts_cfg_parse (path, contents, overrides, parse_profile, p, error))
    return NULL;
  g_autofree char *text = ts_profile_to_text (p);
  p->digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  return g_steal_pointer (&p);
}
