/* tiersim — DNN models: a sequence of kernels, grouped into chunks, with optional early exits.
 *
 * A chunk is a group of consecutive kernels; chunk boundaries are where a chunk-level scheduler
 * may switch jobs.  An exit follows a chunk and has its own head kernels and accuracy: a job that
 * takes exit e runs chunks 0..after_chunk(e), then e's head.  Outputs at exit positions are kept,
 * so a job already past an exit's chunk can still finish there at the cost of that head alone.
 * Without exits, a job runs every kernel and has the model's accuracy. */
#pragma once

#include "sim/base.h"
#include "sim/profile.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  guint32 blocks;         /* grid size, in blocks */
  guint32 threads;        /* threads per block */
  guint32 regs;           /* registers per thread */
  guint32 smem;           /* shared memory per block, bytes */
  TsTime duration;        /* solo duration on the run's GPU (see sim/load/durations.h); until
                           * that resolves it, the file's dur_us (0 where it has none) */
  TsTime measured;        /* the file's dur_us, on the GPU of the model's measured_on (0: none) */
  double flops;           /* work (cost.h): FLOPs of the whole kernel (0: not known) */
  TsKernelKind kind;
  /* Contention inputs (DESIGN §2 rule 5, docs/model.md "Contention"): */
  double *occupancy_ns;   /* measured one-wave latency at 1..n_occupancy blocks per SM, or NULL */
  guint n_occupancy;      /* its length, the measured maximum blocks per SM (0: from resources) */
  double sm_demand;       /* without a curve: share of an SM's throughput one block takes at full
                           * speed, in (0, 1]; 0: its share of the SM's threads (no contention) */
  double dram_bytes;      /* DRAM bytes the whole kernel reads and writes (0: none known); also work */
  guint32 ops;            /* framework operators it stands for, each dispatched by the host (>= 1) */
  int line;               /* source line, for messages */
} TsKernelDesc;

/* measured_on of a model file without durations. */
#define TS_MEASURED_NONE "none"

typedef struct {
  char *name;             /* "exit<i>" unless the file names it */
  guint after_chunk;
  double accuracy;
  TsKernelDesc *kernels;  /* its head */
  guint n_kernels;
  TsTime solo;            /* the head's solo duration */
  guint64 ops;            /* the head's host operators: the sum of max(1, ops) of its kernels */
} TsExit;

/* Where the durations a run uses come from (sim/load/durations.h). */
typedef enum {
  TS_DURATIONS_GIVEN,      /* the file's, of no stated GPU (hand-made models) */
  TS_DURATIONS_MEASURED,   /* the file's, measured on the run's GPU */
  TS_DURATIONS_SCALED,     /* the file's, measured on another GPU, scaled by the cost models' ratio */
  TS_DURATIONS_PREDICTED,  /* the run's profile's cost model, from the kernels' work */
} TsDurationSource;

typedef struct {
  char *name;
  char *description;
  char *path;
  char *measured_on;      /* profile name of the GPU the durations were measured on; "none" when
                           * the file has none; NULL when it does not say */
  TsPrecision precision;  /* which peak of the cost model applies */
  double parameters;      /* weights, as the file states (0: not stated) */
  TsDurationSource durations;  /* set by ts_model_resolve_durations */
  double accuracy;        /* of the full model: the deepest exit's, or the file's (default 1.0) */
  TsKernelDesc *kernels;  /* the chunks' kernels, in order */
  guint n_kernels;
  guint *chunk_first;     /* n_chunks + 1 entries: chunk c is kernels [chunk_first[c], chunk_first[c + 1]) */
  guint n_chunks;         /* 1 unless the file has chunk boundaries */
  TsTime *chunk_solo;     /* per chunk: sum of its kernels' solo durations */
  guint64 *chunk_ops;     /* per chunk: its host operators, as TsExit.ops (ts_model_count_ops) */
  TsExit *exits;          /* ascending by after_chunk; the deepest follows the last chunk */
  guint n_exits;
  TsTime solo;            /* the full model: every chunk plus the deepest exit's head */
} TsModel;

void ts_model_free (TsModel *model);

/* Sets m->chunk_ops and each exit's ops from the kernels (the loader does, once the model's
 * chunks and exits are read): ts_model_steps_host reads them. */
void ts_model_count_ops (TsModel *m);

/* A deep copy of m: the same model with kernel descriptors of its own. */
TsModel *ts_model_copy (const TsModel *m);

/* The full model's kernels in launch order: every chunk's, then (with exits) the deepest exit's
 * head.  Its solo duration is m->solo. */
guint ts_model_full_n_kernels (const TsModel *m);
const TsKernelDesc *ts_model_full_kernel (const TsModel *m, guint i);

/* Solo duration of the variant ending at exit e, from scratch: chunks 0..after_chunk(e) and
 * its head.  Without exits, e is ignored and the whole model's solo duration is returned. */
TsTime ts_model_variant_solo (const TsModel *m, guint e);

/* The host's CPU time (rule 7; 0 without a host group) for running a model step by step, as the
 * real-time runtime does: chunks first_chunk.. up to exit e's chunk and e's head (e < 0: every
 * chunk, no head), each step's kernels dispatched (per operator) and launched, and one
 * synchronisation and wake-up per step. */
TsTime ts_model_steps_host (const TsModel *m, guint first_chunk, int e, const TsHostModel *h);

/* Blocks of k that fit on one empty SM of profile p (0 if a block does not fit at all): what its
 * resources allow, capped by its measured maximum occupancy where it has one. */
guint ts_kernel_blocks_per_sm (const TsKernelDesc *k, const TsProfile *p);

/* A kernel's work as the cost model reads it, at the model's precision. */
TsWork ts_kernel_work (const TsKernelDesc *k, TsPrecision precision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsModel, ts_model_free)

G_END_DECLS
