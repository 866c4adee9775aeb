#include "config.h"

#include "cfg.h"
#include "datadir.h"
#include "profile.h"

void
ts_profile_free (TsProfile *p)
{
  if (p == NULL)
    return;
  g_free (p->name);
  g_free (p->description);
  g_free (p->path);
  g_free (p->source);
  g_free (p->date);
  g_free (p->tool_version);
  g_free (p);
}

static const char *const top_keys[] = { "name", "description", "source", "date", "tool_version",
                                        "device", "timing", "rules", NULL };
static const char *const device_keys[] = { "sms", "max_threads_per_sm", "max_blocks_per_sm",
                                           "registers_per_sm", "shared_mem_per_sm",
                                           "max_threads_per_block", "priority_levels", NULL };
static const char *const timing_keys[] = { "launch_latency_us", "block_dispatch_us", "sync_wakeup_us",
                                           "host_queue_clear_us", "flag_write_us", "cu_reset_us",
                                           "block_check_us", NULL };
static const char *const rules_keys[] = { "dispatch", "placement", NULL };
static const char *const source_names[] = { "datasheet", "measured", NULL };
static const char *const dispatch_names[] = { "head-of-level", "any-fit", NULL };
static const char *const placement_names[] = { "most-free", "round-robin", NULL };

static void
read_uint (TsCfgFile *f, const config_setting_t *g, const char *key, gint64 min, gint64 max, guint *out)
{
  gint64 v;
  if (ts_cfg_int (f, g, key, TRUE, min, max, &v))
    *out = (guint) v;
}

static void
read_us (TsCfgFile *f, const config_setting_t *g, const char *key, TsTime *out)
{
  double us;
  if (ts_cfg_number (f, g, key, FALSE, 0.0, 1e9, &us))
    *out = ts_time_from_ms (us / 1000.0);
}

static void
parse_profile (TsCfgFile *f, gpointer target)
{
  TsProfile *p = target;
  const config_setting_t *root = config_root_setting (&f->cfg);
  const char *s;
  int e;

  ts_cfg_check_keys (f, root, top_keys);
  if (ts_cfg_string (f, root, "name", TRUE, &s))
    p->name = g_strdup (s);
  if (ts_cfg_string (f, root, "description", FALSE, &s))
    p->description = g_strdup (s);
  if (ts_cfg_enum (f, root, "source", TRUE, source_names, &e))
    p->source = g_strdup (source_names[e]);
  if (ts_cfg_string (f, root, "date", FALSE, &s))
    p->date = g_strdup (s);
  if (ts_cfg_string (f, root, "tool_version", FALSE, &s))
    p->tool_version = g_strdup (s);

  const config_setting_t *dev = ts_cfg_group (f, root, "device", TRUE);
  if (dev != NULL)
    {
      ts_cfg_check_keys (f, dev, device_keys);
      read_uint (f, dev, "sms", 1, 4096, &p->sms);
      /* Upper bounds well above any GPU's, and < 2^21 as the dispatcher's arithmetic needs. */
      read_uint (f, dev, "max_threads_per_sm", 32, 1 << 16, &p->max_threads_per_sm);
      read_uint (f, dev, "max_blocks_per_sm", 1, 1024, &p->max_blocks_per_sm);
      read_uint (f, dev, "registers_per_sm", 1024, (1 << 21) - 1, &p->registers_per_sm);
      read_uint (f, dev, "shared_mem_per_sm", 0, (1 << 21) - 1, &p->shared_mem_per_sm);
      read_uint (f, dev, "max_threads_per_block", 1, 1 << 16, &p->max_threads_per_block);
      p->priority_levels = 2;
      gint64 lv;
      if (ts_cfg_int (f, dev, "priority_levels", FALSE, 1, 64, &lv))
        p->priority_levels = (guint) lv;
    }

  const config_setting_t *tim = ts_cfg_group (f, root, "timing", FALSE);
  if (tim != NULL)
    {
      ts_cfg_check_keys (f, tim, timing_keys);
      read_us (f, tim, "launch_latency_us", &p->launch_latency);
      read_us (f, tim, "block_dispatch_us", &p->block_dispatch);
      read_us (f, tim, "sync_wakeup_us", &p->sync_wakeup);
      read_us (f, tim, "host_queue_clear_us", &p->host_queue_clear);
      read_us (f, tim, "flag_write_us", &p->flag_write);
      read_us (f, tim, "cu_reset_us", &p->cu_reset);
      read_us (f, tim, "block_check_us", &p->block_check);
    }

  p->dispatch = TS_DISPATCH_HEAD_OF_LEVEL;
  p->placement = TS_PLACE_MOST_FREE;
  const config_setting_t *rules = ts_cfg_group (f, root, "rules", FALSE);
  if (rules != NULL)
    {
      ts_cfg_check_keys (f, rules, rules_keys);
      if (ts_cfg_enum (f, rules, "dispatch", FALSE, dispatch_names, &e))
        p->dispatch = e;
      if (ts_cfg_enum (f, rules, "placement", FALSE, placement_names, &e))
        p->placement = e;
    }
}

TsProfile *
ts_profile_load (const char *name, const char *ref_dir, GError **error)
{
  return ts_profile_load_with (name, ref_dir, NULL, error);
}

TsProfile *
ts_profile_load_with (const char *name, const char *ref_dir, const TsOverride *overrides, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GBytes) contents = NULL;
  if (!ts_data_find (TS_DATA_PROFILE, name, ref_dir, &path, &contents, error))
    return NULL;
  g_autoptr (TsProfile) p = g_new0 (TsProfile, 1);
  p->path = g_strdup (path);
  if (!ts_cfg_parse (path, contents, overrides, parse_profile, p, error))
    return NULL;
  return g_steal_pointer (&p);
}
