/* tiersim — which solo durations a run uses (DESIGN §3 "Models"; docs/model.md, "Solo durations
 * and the cost model").
 *
 * A model file's dur_us belong to the GPU its measured_on names.  On that GPU's profile they are
 * used as they are.  On another profile they are scaled, kernel by kernel, by the ratio of the two
 * GPUs' cost-model predictions, both with the measuring profile's efficiencies (the software's,
 * which carries over; the hardware's peaks, bandwidth, SMs and fixed cost change): the measurement
 * keeps what a roofline cannot know, and what the two predictions get wrong alike cancels.  A file
 * without durations (measured_on = "none") is predicted outright.  Never are another GPU's times
 * used unscaled; a file that does not say where it was measured keeps its times as given. */
#pragma once

#include "sim/model.h"

G_BEGIN_DECLS

/* Sets every kernel's duration (and solo sums, and measured occupancy curves) of m for a run on
 * profile p, and m->durations to say how.  The measuring GPU's profile is looked up by name
 * as the scenario's is, from ref_dir (the scenario's folder).  Fails, saying which kernel (file:line) and what to do,
 * when the durations would have to come from a cost model that p or the measuring profile lacks,
 * or from work a kernel does not give.  Call once per loaded model. */
gboolean ts_model_resolve_durations (TsModel *m, const TsProfile *p, const char *ref_dir, GError **error);

/* Where m's durations come from, in words ("measured on mi50", "scaled from mi50 by the cost
 * models of mi50 and a100", ...), for check and the run header.  Free with g_free. */
char *ts_model_durations_describe (const TsModel *m, const TsProfile *p);

G_END_DECLS
