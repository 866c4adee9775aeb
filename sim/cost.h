/* tiersim — the cost model (DESIGN §3 "Models"; docs/model.md, "Solo durations and the cost
 * model"): a kernel's solo duration on a GPU predicted from its work, so that one model file
 * serves every profile.
 *
 * A kernel of F FLOPs moving B DRAM bytes takes max(F / (P · e_kind · u), B / W) + c on a GPU of
 * effective peak P (per precision), effective bandwidth W, per-kind efficiency e and fixed cost c:
 * the roofline (Williams, Waterman and Patterson, CACM 2009) plus what an empty kernel costs.
 * u = min(1, blocks / SMs): a block runs on one SM, so a grid of fewer blocks than SMs can use
 * only that share of the peak (batch-1 layers often have a handful of blocks). */
#pragma once

#include "sim/base.h"

G_BEGIN_DECLS

/* What a kernel computes, as far as its efficiency goes. */
typedef enum {
  TS_KIND_NONE,         /* not given: efficiency 1 */
  TS_KIND_CONV,         /* convolutions, depthwise included */
  TS_KIND_GEMM,         /* dense layers, (batched) matrix products, attention products */
  TS_KIND_ELEMENTWISE,  /* add, activations, bias, copies, concatenation, transposes */
  TS_KIND_POOL,         /* max and average pooling */
  TS_KIND_REDUCTION,    /* softmax, global means, argmax */
  TS_KIND_NORM,         /* batch or layer normalisation not fused into a neighbour */
  TS_KIND_OTHER,
  TS_N_KINDS
} TsKernelKind;

/* The names model and profile files use, indexed by TsKernelKind from TS_KIND_CONV on
 * (ts_kind_names[0] is "conv"); NULL-terminated. */
extern const char *const ts_kind_names[];

/* The name of a kind ("-" for TS_KIND_NONE). */
const char *ts_kind_name (TsKernelKind kind);

typedef enum { TS_FP32, TS_FP16, TS_N_PRECISIONS } TsPrecision;

/* "fp32", "fp16"; NULL-terminated. */
extern const char *const ts_precision_names[];

typedef struct {
  gboolean present;                    /* the profile has a cost group */
  double peak_flops[TS_N_PRECISIONS];  /* effective peak, FLOP per ns (= GFLOP/s); fp16 defaults to fp32's */
  double dram_bytes_per_ns;            /* effective DRAM bandwidth, bytes per ns (= GB/s) */
  double fixed_ns;                     /* per-kernel fixed cost */
  double efficiency[TS_N_KINDS];       /* of the peak, per kind, in (0, 1]; 1 where not given */
  guint sms;                           /* the SMs the peak is spread over (the profile's) */
} TsCostModel;

/* A kernel's work: what the cost model needs of it. */
typedef struct {
  double flops;        /* floating-point operations (a multiply-add is 2); 0: none known */
  double dram_bytes;   /* DRAM bytes read and written; 0: none known */
  TsKernelKind kind;
  TsPrecision precision;
  guint blocks;        /* grid size */
} TsWork;

/* TRUE when the work says anything the cost model can predict from (FLOPs or bytes). */
gboolean ts_work_known (const TsWork *w);

/* The predicted solo duration in ns (not rounded): the roofline time plus the fixed cost.
 * c must be present. */
double ts_cost_predict (const TsCostModel *c, const TsWork *w);

/* TRUE when the roofline's compute term is the larger one: the kernel is compute-bound. */
gboolean ts_cost_compute_bound (const TsCostModel *c, const TsWork *w);

G_END_DECLS
