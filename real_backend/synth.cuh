// tiersim — synthetic kernels for the real backend (C++ only; real_backend/synth.cu).
//
// A model kernel runs on the GPU as a synthetic kernel with the model's grid and threads per
// block.  Its blocks do no useful work: each does a fixed amount of busy work, sized (a "plan")
// so that the kernel alone on this GPU lasts the model's solo duration, and the kernel's
// occupancy (blocks per SM) is the one the scenario's profile gives the model kernel: extra
// dynamic shared memory stands in for the registers and shared memory the synthetic kernel does
// not use.
//
// Every launch carries a completion slot.  Thread 0 of each block reads its stream's drain epoch
// at entry; a block launched under an older epoch exits at once (drain by flag).  Blocks that
// ran count themselves in the slot; the last block of the grid to exit copies the counts into
// mapped host memory and then publishes the launch's sequence number there, which is how the host
// learns, by reading memory, that the launch is complete and how many blocks ran.
#pragma once

#include <cuda_runtime.h>

#include "real_backend/cuda.h"
#include "sim/model.h"
#include "sim/profile.h"

namespace ts_cuda {

// How a model kernel runs on this GPU.
struct Plan {
  unsigned threads;        // threads per block (the model's)
  unsigned smem;           // dynamic shared memory per block, bytes (>= the model's)
  unsigned blocks_per_sm;  // the occupancy this GPU gives the synthetic kernel
  unsigned model_per_sm;   // the occupancy the profile gives the model kernel
  long long work;          // per block: iterations, or nanoseconds with TS_CUDA_WORK_TIMED
  TsTime block_ns;         // target block duration: solo / waves
  TsTime solo_ns;          // measured solo duration of the whole grid with this work
};

// Per-launch counters in device memory (zeroed again by the launch's last block).
struct DevSlot {
  unsigned finished, done_main, done_pad;
};

// What the host reads of a launch, in mapped memory.
struct HostSlot {
  volatile unsigned long long seq;   // the launch's sequence number, once every block has exited
  volatile unsigned done_main, done_pad;
};

// One part of a launch: blocks [0, main_blocks) do main's work, the others pad's.
struct Part {
  unsigned threads;
  long long work;
};

struct LaunchArgs {
  Part main, pad;
  unsigned main_blocks, grid;
  const volatile unsigned *epoch;  // the stream's drain epoch (mapped host memory)
  unsigned launch_epoch;           // its value when the launch entered the device queue
  DevSlot *slot;
  HostSlot *host;
  unsigned long long seq;
};

// What planning's own launches use in place of a stream's slot and epoch (device memory, zero).
struct PlanProbe {
  DevSlot slot;
  HostSlot host;
  unsigned epoch;
};

// The device-side state shared by every launch on one device.
struct Synth {
  TsCudaWork work;
  int sms;
  float *buffer = nullptr;         // TS_CUDA_WORK_MEMORY's source: larger than L2
  size_t buffer_elems = 0;
  float *sink = nullptr;           // keeps the compiler from removing the work
  size_t max_smem = 0;             // per block, opt-in
  PlanProbe *probe = nullptr;
};

// Prepares the device (current device) for synthetic kernels in the given work mode.
gboolean synth_init (Synth *sy, TsCudaWork work, GError **error);
void synth_fini (Synth *sy);

// Plans model kernel k as the scenario's profile describes it, and measures the plan's solo
// duration (calibrating the work to the model's duration where the mode needs it).  Its measuring
// launches run on the default stream, so no other launch may be in flight.
gboolean synth_plan (Synth *sy, const TsKernelDesc *k, const TsProfile *profile, Plan *out, GError **error);

// Launches a synthetic kernel: grid blocks of `threads`, `smem` bytes of dynamic shared memory.
cudaError_t synth_launch (const Synth *sy, const LaunchArgs &a, unsigned threads, unsigned smem,
                          cudaStream_t stream);

} // namespace ts_cuda
