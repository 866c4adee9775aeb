/* tiersim — the REEF family: one preemptive runtime and its policies (wait, reset, reef, reef-n,
 * rt-only-serial), each a configuration of it.
 *
 * RT jobs are served one at a time in FIFO order on a high-tier stream.  Each BE client has its
 * own low-tier stream with a device-queue window of TS_BE_WINDOW kernels.  When an RT job starts
 * while BE work is on the GPU, every BE stream with work is preempted (by reset or by drain);
 * BE work stays suspended until the RT queue is empty, then resumes from its restore point:
 *   reset: REEF's rewind, computed when the reset is requested: kernels submitted since the last
 *          launch, minus those dropped from the host queue, minus the window are known complete;
 *          the rest re-executes (completed kernels in the window may run again);
 *   drain: the first kernel with unfinished blocks, resumed with only those blocks.
 * With padding (REEF's dynamic kernel padding), each RT kernel that leaves SMs free is fused with
 * blocks of one suspended BE kernel: first fit over the BE clients in task order, as many blocks
 * as fit on the free SMs within the RT kernel's solo duration; BE progress is tracked in blocks
 * across padded launches. */
#include "config.h"

#include "sim/policy.h"

/* REEF's device-queue capacity for BE streams. */
#define BE_WINDOW 2

typedef enum { BY_RESET, BY_DRAIN } ReefBy;

typedef struct {
  ReefBy by;
  gboolean rt_waits;   /* an RT job's kernels are launched only once every BE stream is preempted */
  gboolean padding;    /* dynamic kernel padding */
} TsReefConfig;

typedef struct _Preempt Preempt;

typedef struct {
  Preempt *p;
  guint task;
  guint stream;
  const TsModel *model;
  TsJob *job;               /* issued and unfinished, or NULL */
  guint pos_kernel;         /* restore point: every kernel before it is known complete, */
  guint32 pos_block;        /*   and this many blocks of it */
  guint submitted;          /* kernels submitted to the stream since it was (re)launched */
  gboolean on_gpu;          /* its kernels are in its stream */
  gboolean preempting;      /* a reset or drain of its stream is in flight */
  TsJob *preempted_job;     /* the job that preemption hit */
  TsJob *plan_job;          /* padding: the job the planned position belongs to */
  guint plan_kernel;        /* padding: position after the pads planned so far */
  guint32 plan_block;
} BeClient;

struct _Preempt {
  TsRunner *r;
  TsBackend *be;
  TsReefConfig cfg;
  const TsScenario *scn;
  guint rt_stream;
  GQueue rt_queue;          /* RT jobs waiting, FIFO */
  TsJob *rt_job;            /* the RT job being served */
  gboolean rt_launched;
  gboolean rt_mode;         /* BE work is suspended */
  guint preempting;         /* BE preemptions in flight */
  BeClient *clients;        /* per task; only be tasks' are used */
};

static void rt_next (Preempt *p);

static gpointer
reef_create (TsRunner *runner, const void *config, GError **error)
{
  Preempt *p = g_new0 (Preempt, 1);
  p->r = runner;
  p->be = ts_runner_backend (runner);
  p->cfg = *(const TsReefConfig *) config;
  p->scn = ts_runner_scenario (runner);
  p->rt_stream = ts_backend_stream_new (p->be, 0);
  /* REEF's scheduler is one thread of its own: it makes every launch, RT and BE. */
  guint worker = ts_backend_thread_new (p->be);
  ts_backend_stream_set_thread (p->be, p->rt_stream, worker);
  g_queue_init (&p->rt_queue);
  p->clients = g_new0 (BeClient, p->scn->n_tasks);
  for (guint i = 0; i < p->scn->n_tasks; i++)
    {
      BeClient *c = &p->clients[i];
      c->p = p, c->task = i, c->model = p->scn->tasks[i].model;
      if (p->scn->tasks[i].cls != TS_CLASS_BE)
        continue;
      c->stream = ts_backend_stream_new (p->be, ts_backend_levels (p->be) - 1);
      ts_backend_stream_set_thread (p->be, c->stream, worker);
      ts_backend_stream_set_window (p->be, c->stream, BE_WINDOW);
    }
  return p;
}

static void
reef_destroy (gpointer self)
{
  Preempt *p = self;
  g_queue_clear (&p->rt_queue);
  g_free (p->clients);
  g_free (p);
}

/* ---- BE side ---- */

static void
be_done (gpointer data, guint64 tag)
{
  BeClient *c = data;
  TsJob *job = c->job;
  c->job = NULL;
  c->on_gpu = FALSE;
  ts_runner_finish_job (c->p->r, job);
}

/* Launches the client's job from its restore point. */
static void
be_launch (BeClient *c)
{
  Preempt *p = c->p;
  guint n = ts_model_full_n_kernels (c->model);
  ts_runner_start_job (p->r, c->job);
  for (guint i = c->pos_kernel; i < n; i++)
    {
      const TsKernelDesc *k = ts_model_full_kernel (c->model, i);
      guint32 blocks = i == c->pos_kernel ? k->blocks - c->pos_block : k->blocks;
      ts_backend_launch (p->be, c->stream, &(TsLaunch) { .kernel = k, .blocks = blocks,
                                                      .done = i + 1 == n ? be_done : NULL, .data = c, .tag = i });
    }
  c->submitted = n - c->pos_kernel;
  c->on_gpu = TRUE;
}

static gboolean
be_may_launch (const BeClient *c)
{
  return c->job != NULL && !c->on_gpu && !c->preempting && !c->p->rt_mode;
}

static void
rt_launch (Preempt *p);

static void
preempt_done (gpointer data, const TsPreemptResult *pr)
{
  BeClient *c = data;
  Preempt *p = c->p;
  p->preempting--;
  c->preempting = FALSE;
  ts_runner_record_preemption (p->r, c->preempted_job, pr);
  if (p->cfg.by == BY_DRAIN && c->job == c->preempted_job)
    {
      /* Resume from the first kernel with unfinished blocks, or after the last completed one. */
      if (pr->have_unfinished)
        {
          guint k = (guint) pr->unfinished_tag;
          c->pos_block = (k == c->pos_kernel ? c->pos_block : 0) + pr->unfinished_done;
          c->pos_kernel = k;
        }
      else
        {
          c->pos_kernel += c->submitted - pr->host_dropped;
          c->pos_block = 0;
        }
    }
  if (be_may_launch (c))
    be_launch (c);
  if (p->cfg.rt_waits && p->rt_job != NULL && !p->rt_launched && p->preempting == 0)
    rt_launch (p);
}

static void
be_preempt (BeClient *c)
{
  Preempt *p = c->p;
  c->on_gpu = FALSE;
  c->preempting = TRUE;
  c->preempted_job = c->job;
  p->preempting++;
  if (p->cfg.by == BY_DRAIN)
    {
      ts_backend_drain (p->be, c->stream, preempt_done, c);
      return;
    }
  /* REEF's rewind: of the kernels that entered the device queue, all but the window's worth are
   * known complete. */
  guint dropped = ts_backend_reset (p->be, c->stream, preempt_done, c);
  gint known = (gint) c->submitted - (gint) dropped - BE_WINDOW;
  if (known > 0)
    {
      c->pos_kernel += known;
      c->pos_block = 0;
    }
}

/* ---- padding ---- */

/* Pad blocks ran.  Blocks of one kernel are independent, so a pad of the kernel at the restore
 * point advances it whatever blocks it was planned for; a pad of a later kernel, planned on the
 * assumption that an earlier pad completes its kernel, is lost work if that pad ran short. */
static void
pad_done (gpointer data, guint64 tag, guint32 blocks_done)
{
  BeClient *c = data;
  Preempt *p = c->p;
  guint k = (guint) tag;
  if (c->job != c->plan_job || k != c->pos_kernel)
    {
      guint per_sm;
      TsTime block_ns;
      ts_backend_kernel_shape (p->be, ts_model_full_kernel (c->model, k), &per_sm, &block_ns);
      ts_runner_record_waste (p->r, c->task, (double) blocks_done * block_ns / ((double) ts_backend_sms (p->be) * per_sm));
      return;
    }
  c->pos_block += blocks_done;  /* planned ranges of one kernel are disjoint: no overshoot */
  if (c->pos_block == ts_model_full_kernel (c->model, k)->blocks)
    c->pos_kernel++, c->pos_block = 0;
  if (c->pos_kernel == ts_model_full_n_kernels (c->model))
    {
      TsJob *job = c->job;  /* finished entirely in pads */
      c->job = NULL;
      ts_runner_finish_job (p->r, job);
    }
}

/* Chooses the pad of RT kernel rt: the first suspended BE client, in task order, whose next
 * kernel has blocks that fit on the SMs rt leaves free and end within rt's solo duration. */
static BeClient *
choose_pad (Preempt *p, const TsKernelDesc *rt, const TsKernelDesc **pad, guint32 *n_pad, guint64 *tag)
{
  guint sms = ts_backend_sms (p->be);
  if (rt->blocks >= sms)
    return NULL;  /* on an idle GPU its blocks spread one per SM: none is left free */
  guint free_sms = sms - rt->blocks;
  for (guint i = 0; i < p->scn->n_tasks; i++)
    {
      BeClient *c = &p->clients[i];
      if (p->scn->tasks[i].cls != TS_CLASS_BE || c->job == NULL || c->on_gpu
          || (c->preempting && p->cfg.by == BY_DRAIN))
        continue;
      if (c->plan_job != c->job)
        c->plan_job = c->job, c->plan_kernel = c->pos_kernel, c->plan_block = c->pos_block;
      if (c->plan_kernel >= ts_model_full_n_kernels (c->model))
        continue;
      const TsKernelDesc *k = ts_model_full_kernel (c->model, c->plan_kernel);
      guint per_sm;
      TsTime block_ns;
      ts_backend_kernel_shape (p->be, k, &per_sm, &block_ns);
      guint64 waves = rt->duration / block_ns;
      guint64 n = MIN ((guint64) (k->blocks - c->plan_block), (guint64) free_sms * per_sm * waves);
      if (n == 0)
        continue;
      *pad = k;
      *n_pad = (guint32) n;
      *tag = c->plan_kernel;
      c->plan_block += n;
      if (c->plan_block == k->blocks)
        c->plan_kernel++, c->plan_block = 0;
      return c;
    }
  return NULL;
}

/* ---- RT side ---- */

static void
rt_done (gpointer data, guint64 tag)
{
  Preempt *p = data;
  p->rt_job = NULL;
  ts_runner_finish_job (p->r, GSIZE_TO_POINTER (tag));  /* may issue the client's next job */
  if (p->rt_job == NULL)
    rt_next (p);
}

static void
rt_launch (Preempt *p)
{
  TsJob *job = p->rt_job;
  const TsModel *m = p->scn->tasks[job->task].model;
  p->rt_launched = TRUE;
  ts_runner_start_job (p->r, job);
  for (guint i = 0; i < p->scn->n_tasks; i++)
    p->clients[i].plan_job = NULL;  /* plan pads afresh from the restore points */
  guint n = ts_model_full_n_kernels (m);
  for (guint i = 0; i < n; i++)
    {
      const TsKernelDesc *k = ts_model_full_kernel (m, i);
      TsLaunch l = { .kernel = k, .done = i + 1 == n ? rt_done : NULL, .data = p, .tag = GPOINTER_TO_SIZE (job) };
      const TsKernelDesc *pad;
      guint32 n_pad;
      guint64 pad_tag;
      BeClient *c = p->cfg.padding ? choose_pad (p, k, &pad, &n_pad, &pad_tag) : NULL;
      if (c != NULL)
        l.pad = pad, l.pad_blocks = n_pad, l.pad_done = pad_done, l.pad_data = c, l.pad_tag = pad_tag;
      ts_backend_launch (p->be, p->rt_stream, &l);
    }
}

/* Serves the next RT job, preempting BE work first; with none left, resumes BE work. */
static void
rt_next (Preempt *p)
{
  TsJob *job = g_queue_pop_head (&p->rt_queue);
  if (job == NULL)
    {
      p->rt_mode = FALSE;
      for (guint i = 0; i < p->scn->n_tasks; i++)
        if (be_may_launch (&p->clients[i]))
          be_launch (&p->clients[i]);
      return;
    }
  p->rt_job = job;
  p->rt_launched = FALSE;
  if (!p->rt_mode)
    {
      p->rt_mode = TRUE;
      for (guint i = 0; i < p->scn->n_tasks; i++)
        if (p->clients[i].on_gpu)
          be_preempt (&p->clients[i]);
    }
  if (!p->cfg.rt_waits || p->preempting == 0)
    rt_launch (p);
}

static void
reef_job_arrived (gpointer self, TsJob *job)
{
  Preempt *p = self;
  if (p->scn->tasks[job->task].cls == TS_CLASS_RT)
    {
      g_queue_push_tail (&p->rt_queue, job);
      if (p->rt_job == NULL)
        rt_next (p);
      return;
    }
  BeClient *c = &p->clients[job->task];
  c->job = job;
  c->pos_kernel = 0, c->pos_block = 0;
  if (be_may_launch (c))
    be_launch (c);
}

/* ---- the policies ---- */

static const TsReefConfig wait_config = { .by = BY_DRAIN, .rt_waits = TRUE };

static const TsPolicyClass ts_policy_wait = {
  .name = "wait",
  .summary = "drain BE streams by flag, then run the RT job (REEF's WAIT baseline)",
  .description =
    "Wait-based preemption: when an RT job arrives, every BE stream with work has its host "
    "queue cleared and a preemption flag set; BE blocks not yet started exit at entry, running "
    "ones finish.  The RT job's kernels are launched only once every BE stream is empty, so its "
    "latency includes the running BE blocks' remaining time.  RT jobs run one at a time, FIFO; "
    "BE work resumes, when no RT job is left, from the first kernel with unfinished blocks, "
    "with only those blocks.",
  .create = reef_create,
  .config = &wait_config,
  .destroy = reef_destroy,
  .job_arrived = reef_job_arrived,
};

static const TsReefConfig reset_config = { .by = BY_RESET };

static const TsPolicyClass ts_policy_reset = {
  .name = "reset",
  .summary = "REEF's reset-based preemption without kernel padding",
  .description =
    "Reset-based preemption (REEF without dynamic kernel padding): when an RT job arrives, "
    "every BE stream with work has its host queue cleared, its device queue evicted and its "
    "running blocks killed (their work is lost and counted as wasted), and the RT job is "
    "launched at once on the high tier.  RT jobs run one at a time, FIFO, alone on the GPU.  "
    "When none is left, BE work re-executes from REEF's rewind point: the kernels that entered "
    "the device queue, less the window of 2, are taken as complete.",
  .create = reef_create,
  .config = &reset_config,
  .destroy = reef_destroy,
  .job_arrived = reef_job_arrived,
};

static const TsReefConfig reef_config = { .by = BY_RESET, .padding = TRUE };

static const TsPolicyClass ts_policy_reef = {
  .name = "reef",
  .summary = "REEF: reset-based preemption plus dynamic kernel padding",
  .description =
    "REEF (OSDI'22) on an AMD GPU: reset-based preemption as in 'reset', plus dynamic kernel "
    "padding while RT jobs run.  Each RT kernel that leaves SMs free is fused with blocks of one "
    "suspended BE kernel (first fit over the BE clients in task order): as many as fit on the "
    "free SMs and end within the RT kernel's solo duration.  The GPU places pad blocks only on "
    "SMs the RT kernel does not use and only if they end by its last block, so padding never "
    "delays it.  BE progress is counted in blocks across padded launches.",
  .create = reef_create,
  .config = &reef_config,
  .destroy = reef_destroy,
  .job_arrived = reef_job_arrived,
};

static const TsReefConfig reef_n_config = { .by = BY_DRAIN };

static const TsPolicyClass ts_policy_reef_n = {
  .name = "reef-n",
  .summary = "REEF-N (NVIDIA): drop host queues, drain by flag, RT on the high tier",
  .description =
    "REEF's restricted variant for NVIDIA GPUs, which cannot kill running kernels: when an RT "
    "job arrives, every BE stream with work has its host queue dropped and a flag set so that "
    "BE blocks not yet started exit at entry; running BE blocks finish.  The RT job is launched "
    "at once on the high tier and takes SMs as the BE blocks leave them.  No padding.  RT jobs "
    "run one at a time, FIFO; BE work resumes from the first kernel with unfinished blocks.",
  .create = reef_create,
  .config = &reef_n_config,
  .destroy = reef_destroy,
  .job_arrived = reef_job_arrived,
};

/* With no BE work there is nothing to preempt: the runtime then only serves RT jobs one at a
 * time, in FIFO order, on its high-tier stream. */
static const TsReefConfig serial_config = { .by = BY_DRAIN };

static const TsPolicyClass ts_policy_rt_only_serial = {
  .name = "rt-only-serial",
  .summary = "RT requests one at a time, BE tasks removed (REEF's and DISB's RT-only)",
  .description =
    "The latency floor as REEF (OSDI'22) and DISB measure it: the BE tasks are removed and the "
    "RT requests of every client are served one at a time, in arrival order, by the REEF "
    "runtime on its high-tier stream, so an RT request also waits for the RT requests ahead of "
    "it.  'rt-only' instead runs each RT client on its own stream, concurrently; with one RT "
    "client the two are the same.  Compare the REEF family with this one.",
  .rt_only = TRUE,
  .create = reef_create,
  .config = &serial_config,
  .destroy = reef_destroy,
  .job_arrived = reef_job_arrived,
};

const TsPolicyClass *const ts_reef_family[] = {
  &ts_policy_rt_only_serial, &ts_policy_wait, &ts_policy_reset, &ts_policy_reef, &ts_policy_reef_n, NULL,
};
