/* tiersim — the policy registry: every policy class by name.  The families are listed in
 * registry.c; nothing else needs to know them. */
#pragma once

#include "sim/policy.h"

G_BEGIN_DECLS

/* Every registered policy, NULL-terminated, in the order 'list policies' shows them. */
const TsPolicyClass *const *ts_policy_all (void);

/* The policy of that name, or NULL with an error naming the nearest one. */
const TsPolicyClass *ts_policy_lookup (const char *name, GError **error);

G_END_DECLS
