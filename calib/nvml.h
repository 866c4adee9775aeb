/* tiersim — board power through NVIDIA's management library (NVML), for `calibrate --power`.
 *
 * NVML is loaded at run time (dlopen of libnvidia-ml.so.1, which the NVIDIA driver installs), so
 * that tiersim starts and runs everywhere else; where it is missing (no driver, a Jetson board,
 * an AMD GPU) opening fails with a message saying so.  Power is the board's, in watts, as
 * nvmlDeviceGetPowerUsage reports it (milliwatts, averaged by the driver over about a second on
 * most boards: sample for several seconds). */
#pragma once

#include "sim/error.h"

G_BEGIN_DECLS

typedef struct _TsNvml TsNvml;

/* Opens NVML and device `index` (NVML's numbering, which follows PCI bus order, as
 * CUDA_DEVICE_ORDER=PCI_BUS_ID does); NULL with TS_ERROR_NOT_FOUND where NVML or the device is
 * unavailable. */
TsNvml *ts_nvml_open (guint index, GError **error);
void ts_nvml_close (TsNvml *nvml);

/* The device's name as NVML gives it. */
const char *ts_nvml_device_name (const TsNvml *nvml);

/* The board's present power draw in watts. */
gboolean ts_nvml_power_w (TsNvml *nvml, double *watts, GError **error);

/* Mean of the power draw sampled every `period_ms` for `seconds` (at least one sample), calling
 * keep_going(data) between samples when given: sampling stops early once it returns FALSE. */
gboolean ts_nvml_sample (TsNvml *nvml, double seconds, guint period_ms, gboolean (*keep_going) (gpointer data),
                         gpointer data, double *mean_w, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsNvml, ts_nvml_close)

G_END_DECLS
