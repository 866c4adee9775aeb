/* tiersim — DNN models: a sequence of kernels, optionally grouped into chunks. */
#pragma once

#include "error.h"
#include "profile.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  guint32 blocks;         /* grid size, in blocks */
  guint32 threads;        /* threads per block */
  guint32 regs;           /* registers per thread */
  guint32 smem;           /* shared memory per block, bytes */
  TsTime duration;        /* solo duration on the model's GPU */
  int line;               /* source line, for messages */
} TsKernelDesc;

typedef struct {
  char *name;
  char *description;
  char *path;
  double accuracy;        /* of the full model; 1.0 unless the file says */
  TsKernelDesc *kernels;
  guint n_kernels;
  guint *chunk_starts;    /* first kernel of each chunk after the first; NULL if none */
  guint n_chunk_starts;
  TsTime solo;            /* sum of kernel solo durations */
} TsModel;

/* Loads a model by name or path (see datadir.h), relative to ref_dir. */
TsModel *ts_model_load (const char *name, const char *ref_dir, GError **error);

void ts_model_free (TsModel *model);

/* Blocks of k that fit on one empty SM of profile p (0 if a block does not fit at all). */
guint ts_kernel_blocks_per_sm (const TsKernelDesc *k, const TsProfile *p);

/* Checks that every kernel of m fits on an SM of p; errors name the kernel's file:line. */
gboolean ts_model_check_fits (const TsModel *m, const TsProfile *p, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsModel, ts_model_free)

G_END_DECLS
