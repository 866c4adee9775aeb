/* tiersim — GPU profile: device facts, timing constants and the switchable dispatch rules.
 *
 * The file (libconfig; calib/profiles/ has examples):
 *   name, description, source ("datasheet" | "measured"), date, tool_version: strings;
 *   measured_on = { device; compute_capability; driver; cuda; }: required when, and only when,
 *     source = "measured";
 *   device = { sms; max_threads_per_sm; max_blocks_per_sm; registers_per_sm; shared_mem_per_sm
 *     (bytes); max_threads_per_block; priority_levels (default 2) };
 *   timing = { <t>_us; <t>_p99_us; } for each t of TsTimings (default 0): <t>_us is what the
 *     simulated GPU uses (a measured profile's median), <t>_p99_us its optional 99th percentile
 *     (not below the median; absent, it equals the median);
 *     and dram_bandwidth_gbps (optional: the datasheet's peak DRAM bandwidth) };
 *   rules = { dispatch = "head-of-level" | "any-fit"; placement = "most-free" | "round-robin";
 *     contention = "sm+memory" (default) | "sm" | "none" };
 *   interference = { dram_bandwidth_gbps; <v>_with_<a> for v, a in compute, memory }: optional,
 *     written by calibrate (TsInterference); its measured bandwidth replaces the datasheet's;
 *   contention = { compute_occupancy_us = [...]; memory_occupancy_us = [...];
 *     <v>_with_<a> }: optional, written by calibrate (TsContention);
 *   host = { cores; dispatch_us; launch_us; sync_us; wakeup_us }: optional (TsHostModel); without
 *     it the host costs nothing;
 *   power = { source = "datasheet" | "measured"; reference; idle_w; sm_active_w; dram_pj_per_byte;
 *     cpu_core_w }: optional (TsPower); without it runs report no energy;
 *   cost = { fp32_tflops; fp16_tflops (optional); dram_gbps; kernel_fixed_us;
 *     efficiency = { <kind> = e; ... } (optional) }: optional (TsCostModel, sim/cost.h); without
 *     it the profile cannot predict durations, only run models measured on it;
 *   dla = { count; fp16_tflops; dram_gbps; layer_fixed_us; handoff_us; supports = [ kinds ];
 *     efficiency = { <kind> = e; ... } (optional) }: optional (TsDlaModel, sim/dla.h): deep-learning
 *     accelerators beside the GPU. */
#pragma once

#include "sim/cost.h"
#include "sim/base.h"

G_BEGIN_DECLS

/* DESIGN §2 rule 2: which kernels of the execution queues may receive blocks. */
typedef enum {
  TS_DISPATCH_HEAD_OF_LEVEL,  /* only the head of the highest non-empty level, until fully dispatched */
  TS_DISPATCH_ANY_FIT,        /* later kernels take blocks when the earlier ones' do not fit */
} TsDispatchRule;

/* DESIGN §2 rule 3: which SM a block goes to. */
typedef enum {
  TS_PLACE_MOST_FREE,    /* the SM that can host the most further blocks of the kernel; ties: lowest id */
  TS_PLACE_ROUND_ROBIN,  /* the next SM, cyclically from the last one used, that fits the block */
} TsPlacementRule;

/* DESIGN §2 rule 5: which kinds of contention between co-running blocks the simulated GPU models. */
typedef enum {
  TS_CONTENTION_SM_MEMORY,  /* blocks share their SM's throughput, kernels share DRAM bandwidth */
  TS_CONTENTION_SM,         /* only the SM share */
  TS_CONTENTION_NONE,       /* co-running is free: every block takes its solo time */
} TsContentionRule;

/* The timing constants, in one struct so that a profile can hold two of them: the values the
 * simulated GPU uses (medians, for a measured profile) and their 99th percentiles. */
typedef struct {
  TsTime launch_latency;   /* API call -> kernel eligible to dispatch */
  TsTime block_dispatch;   /* placement -> block starts executing (resources held meanwhile) */
  TsTime sync_wakeup;      /* kernel completion -> host learns of it */
  TsTime host_queue_clear; /* reset/drain: clearing a stream's host queue */
  TsTime flag_write;       /* reset/drain: the preemption flag becomes visible to the device */
  TsTime cu_reset;         /* reset: killing the running blocks */
  TsTime block_check;      /* drain: a block that finds the flag set and exits at entry */
} TsTimings;

/* Where a measured profile was measured (all NULL in a datasheet profile). */
typedef struct {
  char *device;              /* the driver's device name */
  char *compute_capability;  /* "major.minor" */
  char *driver;              /* driver version */
  char *cuda;                /* CUDA runtime version */
} TsMeasuredOn;

/* What calibrate measured of interference between co-running kernels (DESIGN §2 rule 5). */
typedef enum { TS_LOAD_COMPUTE, TS_LOAD_MEMORY, TS_N_LOADS } TsLoadKind;

typedef struct {
  gboolean present;             /* the profile has an interference group */
  double dram_bandwidth_gbps;   /* sustained DRAM bandwidth of a streaming copy (read + write), every
                                 * SM copying: the same measurement as cost.dram_gbps */
  /* slowdown[v][a]: the duration of a kernel of kind v on half of the SMs while a kernel of kind
   * a runs on the other half, over its duration alone (1: no interference). */
  double slowdown[TS_N_LOADS][TS_N_LOADS];
} TsInterference;

/* What calibrate measured of blocks sharing SMs (rule 5a), with its own synthetic kernels. */
typedef struct {
  gboolean present;                     /* the profile has a contention group */
  double *occupancy_ns[TS_N_LOADS];     /* one-wave latency at 1..n_occupancy[v] blocks per SM */
  guint n_occupancy[TS_N_LOADS];
  /* sm_slowdown[v][a]: a kernel of kind v with one block on every SM, beside one block per SM of
   * a kernel of kind a on the same SMs, over its duration alone. */
  double sm_slowdown[TS_N_LOADS][TS_N_LOADS];
} TsContention;

/* The host (DESIGN §2 rule 7): CPU time that launching and synchronising cost the thread doing
 * it, on a host of a few cores (sim/host.h). */
typedef struct {
  gboolean present;      /* the profile has a host group */
  guint cores;
  TsTime dispatch;       /* the framework's dispatch of one operator (a kernel's `ops` of them) */
  TsTime launch;         /* the launch API call */
  TsTime sync;           /* a synchronisation call, by a thread that waits for a kernel */
  TsTime wakeup;         /* that thread's wake-up once the kernel has completed */
} TsHostModel;

/* The power model (issue 19; docs/model.md "Energy"): a run over T seconds uses
 *   E = idle_w T + sm_active_w (SM-seconds with a block resident) + dram_pj_per_byte 1e-12
 *       (DRAM bytes of the blocks that ran) + cpu_core_w (host CPU-seconds spent by threads).
 * source says where the numbers come from ("datasheet": derived from published figures, named
 * in `reference`; "measured": calibrate read them through NVML). */
typedef struct {
  gboolean present;      /* the profile has a power group */
  char *source;          /* "datasheet" or "measured" */
  char *reference;       /* where the figures come from (datasheet URL or title, or the NVML run) */
  double idle_w;         /* the whole board/module with nothing running */
  double sm_active_w;    /* added by each SM hosting at least one block */
  double dram_pj_per_byte;
  double cpu_core_w;     /* added by each busy host core */
} TsPower;

/* What the simulated GPU's kernels stand for.  Not read from a file: `validate` sets it so that
 * the simulated kernels behave as the real backend's synthetic ones of its --work kind do. */
typedef enum {
  TS_STAND_IN_MODEL,     /* the model's kernels, with their own contention inputs (default) */
  TS_STAND_IN_COMPUTE,   /* synthetic compute work: calibrate's compute curve, no DRAM traffic */
  TS_STAND_IN_MEMORY,    /* synthetic streaming loads: calibrate's memory curve, all DRAM-bound */
  TS_STAND_IN_TIMED,     /* blocks that spin on the clock: exact durations, no contention */
} TsStandIn;

/* Deep-learning accelerators beside the GPU (an edge SoC's NVDLA engines; sim/dla.h), all alike.
 * An engine runs one layer at a time; its solo time is its own roofline (cost.h, with u = 1: a
 * layer has the whole engine).  DLAs compute in FP16 (or INT8), never FP32, so every layer uses
 * the FP16 peak, as TensorRT runs an FP32 network built for a DLA. */
typedef struct {
  guint count;                     /* engines; 0: the profile has none */
  TsCostModel cost;                /* one engine's: peak (both precisions), the bandwidth one engine
                                    * reaches alone, the fixed cost per layer, efficiencies */
  TsTime handoff;                  /* a job's execution moving between the GPU and a DLA, either way
                                    * (synchronisation and the tensor's hand-over) */
  gboolean supports[TS_N_KINDS];   /* the layer kinds an engine runs; the others fall back to the GPU */
} TsDlaModel;

typedef struct {
  char *name;
  char *description;
  char *path;            /* file it was loaded from */
  char *digest;          /* SHA-256 of its text (ts_profile_to_text) when loaded: equal digests,
                          * equal contents, whatever the path or overrides; NULL if not loaded */
  char *source;          /* "datasheet" or "measured" */
  char *date;
  char *tool_version;

  /* device */
  guint sms;
  guint max_threads_per_sm;
  guint max_blocks_per_sm;
  guint registers_per_sm;
  guint shared_mem_per_sm;      /* bytes */
  guint max_threads_per_block;
  guint priority_levels;        /* >= 1; level 0 is the highest */
  double dram_bandwidth_gbps;   /* datasheet peak (0: not given); see ts_profile_dram_bandwidth */

  TsTimings timing;      /* what the simulated GPU uses: a measured profile's medians */
  TsTimings timing_p99;  /* 99th percentiles where measured; equal to timing otherwise */
  TsMeasuredOn measured_on;

  TsDispatchRule dispatch;
  TsPlacementRule placement;
  TsContentionRule contention_rule;
  TsInterference interference;
  TsContention contention;
  TsHostModel host;
  TsPower power;
  TsCostModel cost;
  TsDlaModel dla;
  TsStandIn stand_in;
} TsProfile;

/* The DRAM bandwidth the memory-contention rule shares out, in bytes per ns (= GB/s): the
 * measured sustained bandwidth where calibrate gave one, else the datasheet's; 0 if neither. */
double ts_profile_dram_bandwidth (const TsProfile *profile);

void ts_profile_free (TsProfile *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsProfile, ts_profile_free)

G_END_DECLS
