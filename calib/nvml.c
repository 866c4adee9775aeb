#include "config.h"

#include <dlfcn.h>

#include "calib/nvml.h"

/* The few NVML entry points used, declared from NVML's documented C API (NVML_SUCCESS is 0;
 * a device handle is an opaque pointer; power is in milliwatts). */
typedef int NvmlReturn;
typedef struct NvmlDeviceOpaque *NvmlDevice;

struct _TsNvml {
  void *lib;
  NvmlDevice dev;
  char name[96];
  NvmlReturn (*shutdown) (void);
  NvmlReturn (*power_usage) (NvmlDevice dev, unsigned int *mw);
  const char *(*error_string) (NvmlReturn r);
};

static gboolean
nvml_ok (TsNvml *n, NvmlReturn r, const char *what, GError **error)
{
  if (r == 0)
    return TRUE;
  g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND, "NVML: %s: %s", what,
               n->error_string != NULL ? n->error_string (r) : "failed");
  return FALSE;
}

TsNvml *
ts_nvml_open (guint index, GError **error)
{
  g_autofree TsNvml *n = g_new0 (TsNvml, 1);
  n->lib = dlopen ("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (n->lib == NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND,
                   "NVML is not available (%s): reading power needs an NVIDIA driver with its management "
                   "library; on Jetson boards read the INA3221 rails (tegrastats) instead", dlerror ());
      return NULL;
    }
  NvmlReturn (*init) (void) = (NvmlReturn (*) (void)) dlsym (n->lib, "nvmlInit_v2");
  NvmlReturn (*by_index) (unsigned int, NvmlDevice *) = (NvmlReturn (*) (unsigned int, NvmlDevice *)) dlsym (n->lib, "nvmlDeviceGetHandleByIndex_v2");
  NvmlReturn (*get_name) (NvmlDevice, char *, unsigned int) = (NvmlReturn (*) (NvmlDevice, char *, unsigned int)) dlsym (n->lib, "nvmlDeviceGetName");
  n->shutdown = (NvmlReturn (*) (void)) dlsym (n->lib, "nvmlShutdown");
  n->power_usage = (NvmlReturn (*) (NvmlDevice, unsigned int *)) dlsym (n->lib, "nvmlDeviceGetPowerUsage");
  n->error_string = (const char *(*) (NvmlReturn)) dlsym (n->lib, "nvmlErrorString");
  if (init == NULL || by_index == NULL || get_name == NULL || n->shutdown == NULL || n->power_usage == NULL)
    {
      g_set_error (error, TS_ERROR, TS_ERROR_NOT_FOUND, "NVML: libnvidia-ml.so.1 lacks the functions tiersim needs");
      dlclose (n->lib);
      return NULL;
    }
  if (!nvml_ok (n, init (), "nvmlInit", error))
    {
      dlclose (n->lib);
      return NULL;
    }
  if (!nvml_ok (n, by_index (index, &n->dev), "device handle", error)
      || !nvml_ok (n, get_name (n->dev, n->name, sizeof n->name), "device name", error))
    {
      n->shutdown ();
      dlclose (n->lib);
      return NULL;
    }
  return g_steal_pointer (&n);
}

void
ts_nvml_close (TsNvml *n)
{
  if (n == NULL)
    return;
  n->shutdown ();
  dlclose (n->lib);
  g_free (n);
}

const char *ts_nvml_device_name (const TsNvml *n) { return n->name; }

gboolean
ts_nvml_power_w (TsNvml *n, double *watts, GError **error)
{
  unsigned int mw = 0;
  if (!nvml_ok (n, n->power_usage (n->dev, &mw), "power usage (the board may not report it)", error))
    return FALSE;
  *watts = mw / 1000.0;
  return TRUE;
}

gboolean
ts_nvml_sample (TsNvml *n, double seconds, guint period_ms, gboolean (*keep_going) (gpointer data),
                gpointer data, double *mean_w, GError **error)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * 1e6);
  double sum = 0;
  guint count = 0;
  do
    {
      double w;
      if (!ts_nvml_power_w (n, &w, error))
        return FALSE;
      sum += w, count++;
      g_usleep ((gulong) period_ms * 1000);
    }
  while (g_get_monotonic_time () < end && (keep_going == NULL || keep_going (data)));
  *mean_w = sum / count;
  return TRUE;
}
