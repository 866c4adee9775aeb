/* Helpers shared by the test programs (header-only). */
#pragma once

#include <glib.h>

#include "sim/model.h"

/* Path of a file under tests/data. */
static inline char *
tu_data (const char *rel)
{
  const char *dir = g_getenv ("TIERSIM_TEST_DATA");
  return g_build_filename (dir ? dir : TS_ABS_SRCDIR "/tests/data", rel, NULL);
}

/* A GPU of `sms` SMs, each with 1024 threads, 8 block slots, 32768 registers and 48 KiB of
 * shared memory, two priority levels, no launch latency: the test4 profile's device in code. */
static inline TsProfile *
tu_profile (guint sms)
{
  TsProfile *p = g_new0 (TsProfile, 1);
  p->name = g_strdup ("test");
  p->sms = sms;
  p->max_threads_per_sm = 1024;
  p->max_blocks_per_sm = 8;
  p->registers_per_sm = 32768;
  p->shared_mem_per_sm = 49152;
  p->max_threads_per_block = 1024;
  p->priority_levels = 2;
  return p;
}

static inline TsKernelDesc
tu_kernel (guint blocks, guint threads, guint regs, guint smem, TsTime dur)
{
  return (TsKernelDesc) { .name = (char *) "k", .blocks = blocks, .threads = threads, .regs = regs,
                          .smem = smem, .duration = dur };
}
