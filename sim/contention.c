#include "config.h"

#include "sim/contention.h"

double
ts_contention_curve_at (const double *occ, guint n, double demand, double x)
{
  if (occ == NULL)
    return MAX (1.0, x * demand);
  if (x <= 1.0)
    return occ[0];
  if (x >= n)
    return occ[n - 1] * x / n;  /* saturated: time in proportion to the blocks */
  guint i = (guint) x;         /* 1 <= i < n: between levels i and i + 1 */
  return occ[i - 1] + (occ[i] - occ[i - 1]) * (x - i);
}

double
ts_contention_curve_demand (const double *occ, guint n)
{
  double peak = 1.0;
  for (guint k = 2; k <= n; k++)
    peak = MAX (peak, k * occ[0] / occ[k - 1]);
  return 1.0 / peak;
}

double
ts_contention_speed (const double *occ, guint n, double demand, double load)
{
  /* Loads are sums of doubles: within 1e-9 of 1 is a full SM, not an oversubscribed one. */
  if (occ == NULL)
    return load <= 1.0 + 1e-9 ? 1.0 : 1.0 / load;
  return occ[0] / ts_contention_curve_at (occ, n, demand, load / demand);
}

double
ts_contention_pair_slowdown (const double *occ_v, guint n_v, const double *occ_a, guint n_a)
{
  double dv = ts_contention_curve_demand (occ_v, n_v), da = ts_contention_curve_demand (occ_a, n_a);
  return 1.0 / ts_contention_speed (occ_v, n_v, dv, dv + da);
}
