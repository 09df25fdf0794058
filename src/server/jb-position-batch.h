/* jb-position-batch.h — a terminal's batch of fixes (POST
 * /api/v1/device/positions), read without a JSON tree when it can be.
 *
 * At 20,000 units a second the batches are most of what a server parses,
 * and a json-glib tree costs some 25 allocations per fix. The scanner
 * (yajl's event parser) reads the plain form of a valid batch straight
 * into fixes and declines anything else; the declined body is read from
 * its tree as before, which gives every error its usual message. So both
 * readers agree on every batch the scanner accepts: test-server-position-batch
 * and fuzz-position-batch compare them. */

#pragma once

#include "jb-storage.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A fix from the future would make every later real fix look older and
 * be skipped: a device clock may run ahead a little, not more. */
#define JB_MAX_FUTURE_FIX_MS (10 * 60 * 1000LL)

typedef struct
{
  const char         *unit_id;
  JbStoragePosition   position;
} JbBatchFix;

typedef struct _JbPositionBatch JbPositionBatch;

JbPositionBatch  *jb_position_batch_scan         (const char        *data,
                                                  gsize              len,
                                                  gint64             now);
JbPositionBatch  *jb_position_batch_read_object  (JsonObject        *body,
                                                  gint64             now,
                                                  GError           **error);
const JbBatchFix *jb_position_batch_get_fixes    (JbPositionBatch   *batch,
                                                  guint             *out_n);
void              jb_position_batch_free         (JbPositionBatch   *batch);

gboolean          jb_position_read               (JsonObject        *object,
                                                  gint64             now,
                                                  JbStoragePosition *out,
                                                  GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbPositionBatch, jb_position_batch_free)

G_END_DECLS
