/* tiersim — the cost model's arithmetic (see cost.h). */
#include "sim/cost.h"

const char *const ts_kind_names[] = { "conv", "gemm", "elementwise", "pool", "reduction", "norm", "other", NULL };
const char *const ts_precision_names[] = { "fp32", "fp16", NULL };

const char *
ts_kind_name (TsKernelKind kind)
{
  return kind == TS_KIND_NONE || kind >= TS_N_KINDS ? "-" : ts_kind_names[kind - 1];
}

gboolean
ts_work_known (const TsWork *w)
{
  return w->flops > 0 || w->dram_bytes > 0;
}

static double
compute_ns (const TsCostModel *c, const TsWork *w)
{
  double used = c->sms > 0 && w->blocks < c->sms ? (double) w->blocks / c->sms : 1.0;
  return w->flops / (c->peak_flops[w->precision] * c->efficiency[w->kind] * used);
}

static double
memory_ns (const TsCostModel *c, const TsWork *w)
{
  return w->dram_bytes / c->dram_bytes_per_ns;
}

double
ts_cost_predict (const TsCostModel *c, const TsWork *w)
{
  return MAX (compute_ns (c, w), memory_ns (c, w)) + c->fixed_ns;
}

gboolean
ts_cost_compute_bound (const TsCostModel *c, const TsWork *w)
{
  return compute_ns (c, w) > memory_ns (c, w);
}
