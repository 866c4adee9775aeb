/* tiersim — figures with gnuplot from a run's or a sweep's output folder.
 *
 * Every figure is a .gp script beside its .dat data in DIR/plots/, written so that it can be
 * edited and re-run by hand (cd DIR/plots && gnuplot NAME.gp); each writes NAME.png (pngcairo)
 * and NAME.svg.  A run folder (summary.csv, jobs.csv) gets a latency CDF per task with a line
 * per policy over all released jobs (dropped or unfinished ones never complete, so the line ends
 * below 1) and the task's deadline, bars of RT deadline miss rate and accuracy per task and
 * policy, bars of throughput, and, if the run wrote timeline.csv, a timeline per policy (stream
 * lanes, kernels coloured by task, preemptions marked).  A sweep folder (points.csv) gets RT
 * deadline miss rate, the worst RT task's p99 latency, BE throughput and total throughput
 * against the sweep's first axis with more than one value, a line per policy (and per value of
 * any other axis that varies), each point the mean over replicas with its 95% confidence
 * interval (Student t); a sweep where only replicas vary gets each policy's replicas and their
 * mean with its interval.  Names are shown as they are (no enhanced-text markup); every series
 * has its own colour, dash and point type. */
#pragma once

#include "sim/base.h"

G_BEGIN_DECLS

/* Writes DIR/plots/ and runs gnuplot on every script; returns the number of figures in *n.
 * Without gnuplot, the scripts and data are written and the error says how to install it. */
gboolean ts_plot_dir (const char *dir, guint *n, GError **error);


/* The two-sided 95% quantile of Student's t with df > 0 degrees of freedom, t_{0.975, df}: the
 * factor of a 95% confidence interval of a mean of df + 1 values (4.303 for 3). */
double ts_plot_t95 (guint df);

G_END_DECLS
