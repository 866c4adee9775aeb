/* tiersim — the interference predictor of issue 18 ("Interference Aware DNN Serving on
 * Heterogeneous Processors in Edge Systems"): how much slower a request runs on its processor
 * given what runs on the others, learned from randomly generated layers run in the simulator.
 *
 * A sample is a victim (a random sequence of 1-6 random layers on the GPU or on DLA 0) run once
 * alone and once beside random co-runners (on each other processor, with probability 2/3, a
 * random sequence of layers repeated until the victim is done).  Its features are what a router
 * knows before it maps a request (TsItfFeature); its target is the victim's slowdown, its time
 * beside the co-runners over its time alone.  Every random draw comes from one seeded TsRng.
 *
 * Two predictors learn it: a multi-layer perceptron (libfann, the double build: a maintained C
 * library in Debian, trained by iRPROP-, whose initial weights come from our own seeded generator,
 * so that training is a pure function of data and seed), and a linear least-squares baseline on
 * the same features.  Accuracy is 1 - mean |predicted - actual| / actual over held-out samples,
 * the paper's measure. */
#pragma once

#include "sim/backend.h"

G_BEGIN_DECLS

typedef enum {
  TS_ITF_VICTIM_ON_DLA,   /* 1: the request runs on a DLA, 0: on the GPU */
  TS_ITF_VICTIM_DEMAND,   /* its DRAM demand alone: its bytes / (bandwidth x its solo time) */
  TS_ITF_GPU_DEMAND,      /* the same of the work on the GPU beside it (0: the GPU is idle) */
  TS_ITF_DLA_DEMAND,      /* summed over the DLAs beside it (0: idle) */
  TS_ITF_N_FEATURES
} TsItfFeature;

typedef struct {
  double x[TS_ITF_N_FEATURES];
  double slowdown;        /* >= 1 */
} TsItfSample;

/* n samples on profile p (which needs a dla group and the memory rule to show interference),
 * from seed. */
GArray *ts_itf_generate (const TsProfile *p, guint n, guint64 seed);

/* Splits samples (kept) into a training and a held-out set of about test_fraction of them, by
 * seed. */
void ts_itf_split (const GArray *samples, double test_fraction, guint64 seed, GArray **train, GArray **test);

typedef struct _TsItfModel TsItfModel;

/* Trains both predictors on train (at least TS_ITF_N_FEATURES + 1 samples). */
TsItfModel *ts_itf_train (const GArray *train, guint64 seed);
void ts_itf_model_free (TsItfModel *m);

typedef enum { TS_ITF_MLP, TS_ITF_LINEAR, TS_ITF_MEAN } TsItfPredictor;

/* The predicted slowdown (>= 1) of features x; TS_ITF_MEAN: the training set's mean, the
 * yardstick a predictor must beat. */
double ts_itf_predict (const TsItfModel *m, TsItfPredictor which, const double *x);

/* 1 - mean relative error of a predictor over samples. */
double ts_itf_accuracy (const TsItfModel *m, TsItfPredictor which, const GArray *samples);

/* The model trained on the profile's samples (n of them), generated and trained once per profile
 * and seed; kept for the process's life, for the routers.  p must be a loaded profile: the cache
 * goes by its digest. */
const TsItfModel *ts_itf_for_profile (const TsProfile *p, guint n, guint64 seed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsItfModel, ts_itf_model_free)

G_END_DECLS
