/* tiersim — the arithmetic of contention between co-running blocks (DESIGN §2 rule 5,
 * docs/model.md "Contention"), shared by the simulated GPU and by calibrate's report.
 *
 * A kernel's one-wave latency curve L(x) gives the latency of one wave at x blocks per SM, alone
 * on the GPU: measured (occ[0..n-1] at x = 1..n, interpolated linearly, and past x = n taken as a
 * saturated SM, L(n) x / n), or, without a measurement (occ == NULL), processor sharing with a
 * per-block demand d: L(x) = max(1, x d) in units of L(1).  An SM's load is the sum over its
 * resident blocks of their kernels' demands; a block of kernel K on an SM of load D runs at
 * speed L_K(1) / L_K(D / d_K): the other blocks count as blocks of K by demand. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* L(x) for x >= 1 (x < 1 reads as 1), in the curve's own unit (see above). */
double ts_contention_curve_at (const double *occ, guint n, double demand, double x);

/* A measured curve's per-block demand: the inverse of the SM's peak throughput in blocks of the
 * kernel, 1 / max over k of k L(1) / L(k).  Exactly d for a curve L(1) max(1, k d) that reaches
 * saturation within its n levels; at most 1 / n for a flat one. */
double ts_contention_curve_demand (const double *occ, guint n);

/* The speed (1: as fast as one block alone on an SM) of a block of a kernel with this curve and
 * demand on an SM of load `load`. */
double ts_contention_speed (const double *occ, guint n, double demand, double load);

/* What the mixing rule predicts for calibrate's same-SM pairs: the slowdown of a kernel v with
 * one block on every SM, beside one block per SM of kernel a for all of its run. */
double ts_contention_pair_slowdown (const double *occ_v, guint n_v, const double *occ_a, guint n_a);

G_END_DECLS
