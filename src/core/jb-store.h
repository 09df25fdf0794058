/* jb-store.h — the client's state, changed only by applying server data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jb-incident.h"
#include "jb-station.h"
#include "jb-terminal.h"
#include "jb-unit.h"

G_BEGIN_DECLS

typedef enum
{
  JB_STORE_APPLY_OK,
  JB_STORE_APPLY_DUPLICATE,  /* seq <= current: ignored */
  JB_STORE_APPLY_GAP,        /* seq > current + 1: nothing applied, resync */
  JB_STORE_APPLY_RESYNC,     /* a resync_required frame */
  JB_STORE_APPLY_ERROR,      /* bad frame: nothing applied, error set */
} JbStoreApply;

typedef enum
{
  JB_STORE_CHANGE_UNIT,
  JB_STORE_CHANGE_TERMINAL,
  JB_STORE_CHANGE_INCIDENT,
  JB_STORE_CHANGE_STATION,
  JB_STORE_CHANGE_CONFIG,
  JB_STORE_CHANGE_CLIP,  /* a clip of an incident: added, progress, verified, removed */
} JbStoreChange;

/* Bits of JbUnitPoint.flags. */
typedef enum
{
  JB_UNIT_POINT_HAS_POSITION = 1 << 0,  /* else lat/lon are NAN */
  JB_UNIT_POINT_HAS_HEADING  = 1 << 1,  /* else heading is NAN */
  JB_UNIT_POINT_ASSIGNED     = 1 << 2,  /* the unit has an incident */
  JB_UNIT_POINT_PATROL_ALERT = 1 << 3,  /* an unacknowledged patrol alert */
} JbUnitPointFlags;

/* One unit as the map layers need it, packed; index i is item i of
 * jb_store_get_units(). */
typedef struct
{
  double  lat;
  double  lon;
  float   heading;
  guint8  kind;    /* JbUnitKind */
  guint8  status;  /* JbUnitStatus */
  guint16 flags;   /* JbUnitPointFlags */
  gint64  time;    /* of the fix, ms; 0 when no position */
} JbUnitPoint;

#define JB_TYPE_STORE (jb_store_get_type ())

G_DECLARE_FINAL_TYPE (JbStore, jb_store, JB, STORE, GObject)

JbStore           *jb_store_new                (void);

/* Replaces everything with a GET /api/v1/snapshot answer; sets seq, config
 * and user. Objects whose id survives are updated in place (a view holding
 * one keeps a live object). Emits items-changed on every list, then
 * ::changed (CONFIG, NULL) and ::snapshot-loaded. On error nothing changes. */
gboolean           jb_store_load_snapshot      (JbStore     *self,
                                                JsonNode    *snapshot,
                                                GError     **error);
/* The same in two halves, so the big one runs off the main loop: building
 * the objects from the JSON touches no store (any thread); applying them
 * swaps them in and tells the world (the store's thread). */
typedef struct _JbStoreSnapshot JbStoreSnapshot;
JbStoreSnapshot   *jb_store_prepare_snapshot   (JsonNode        *snapshot,
                                                GError         **error);
void               jb_store_apply_snapshot     (JbStore         *self,
                                                JbStoreSnapshot *prepared);
void               jb_store_snapshot_free      (JbStoreSnapshot *prepared);
/* The same in slices, so a city's snapshot never holds the main loop:
 * works until the monotonic time @deadline_us and returns FALSE while
 * there is more to do (call again with the same @prepared), TRUE once the
 * snapshot is in (the lists, seq and signals change in that last call,
 * which does nothing else unless @deadline_us is G_MAXINT64).
 * Between two calls, an object whose id survives may already carry the
 * snapshot's fields; apply no event until it returns TRUE. Dropping
 * @prepared half-way leaves the lists as they were. */
gboolean           jb_store_apply_snapshot_step (JbStore         *self,
                                                 JbStoreSnapshot *prepared,
                                                 gint64           deadline_us);
/* The seq the snapshot brings. */
gint64             jb_store_snapshot_get_seq   (JbStoreSnapshot *prepared);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbStoreSnapshot, jb_store_snapshot_free)
gboolean           jb_store_has_snapshot       (JbStore     *self);

/* Applies one event frame (the whole {"seq","type","time","data"} object).
 * Unknown event types are skipped (seq still advances): newer servers may
 * add types. */
JbStoreApply       jb_store_apply_event        (JbStore     *self,
                                                JsonNode    *event,
                                                GError     **error);
/* The same from the frame's text (need not be NUL-terminated). unit.moved
 * frames take a hand-written scanner; anything else or unusual goes through
 * json-glib and jb_store_apply_event(). */
JbStoreApply       jb_store_apply_event_text   (JbStore     *self,
                                                const char  *text,
                                                gsize        len,
                                                GError     **error);

/* Applies a "positions" frame (docs/protocol.md: no seq, outside the
 * event log, so never a gap): each unit's fix unless the store already has
 * a newer one; units the store does not know are skipped. A hand-written
 * scanner takes the server's frames, json-glib the rest. Returns how many
 * fixes were applied, or -1 with @error for a malformed frame (then
 * nothing was applied). Moves are announced by ::units-moved. */
gint               jb_store_apply_positions_text (JbStore   *self,
                                                  const char *text,
                                                  gsize       len,
                                                  GError    **error);

/* The seq of the last event applied (the snapshot's seq after a load). */
gint64             jb_store_get_seq            (JbStore     *self);
/* The snapshot's server_time (ms) and the time field of the last event. */
gint64             jb_store_get_server_time    (JbStore     *self);
/* Borrowed, NULL before the first snapshot. */
JsonObject        *jb_store_get_config         (JbStore     *self);
/* The same, typed (jb-config.h); defaults before a snapshot. Borrowed,
 * replaced when a snapshot brings a new config. */
typedef struct _JbConfig JbConfig;
JbConfig          *jb_store_get_typed_config   (JbStore     *self);
JsonObject        *jb_store_get_user           (JbStore     *self);

/* Borrowed GListModels of JbUnit, JbTerminal, JbStation and the OPEN
 * JbIncidents (status != closed; a closing incident is updated in place,
 * then removed). In-place changes emit items-changed (pos, 1, 1), except
 * position moves (see ::units-moved). */
GListModel        *jb_store_get_units          (JbStore     *self);
GListModel        *jb_store_get_terminals      (JbStore     *self);
GListModel        *jb_store_get_stations       (JbStore     *self);
/* The snapshot's grids, kept current by grid.updated (borrowed). */
struct _JbGridSet *jb_store_get_grids         (JbStore     *self);
GListModel        *jb_store_get_incidents      (JbStore     *self);
/* The patrol alerts not cleared (JbAlert), oldest first; acknowledged ones
 * stay (their "acknowledged" changes) until the server clears them. */
GListModel        *jb_store_get_alerts         (JbStore     *self);
/* The first not cleared alert of @unit_id, NULL when none (borrowed). */
struct _JbAlert   *jb_store_lookup_unit_alert  (JbStore     *self,
                                                const char  *unit_id);

/* Borrowed; NULL when unknown (closed incidents are not kept). */
JbUnit            *jb_store_lookup_unit        (JbStore     *self,
                                                const char  *id);
JbTerminal        *jb_store_lookup_terminal    (JbStore     *self,
                                                const char  *id);
JbIncident        *jb_store_lookup_incident    (JbStore     *self,
                                                const char  *id);
JbStation         *jb_store_lookup_station     (JbStore     *self,
                                                const char  *id);
/* Borrowed; NULL when no open incident has it. */
JbClip            *jb_store_lookup_clip        (JbStore     *self,
                                                const char  *id);

/* Position in jb_store_get_units() (and the points array), or
 * GTK_INVALID_LIST_POSITION (G_MAXUINT) when unknown. */
guint              jb_store_get_unit_index     (JbStore     *self,
                                                const char  *id);

/* Packed unit positions, in step with jb_store_get_units(); valid until
 * the next change of the units list. */
const JbUnitPoint *jb_store_get_unit_points    (JbStore     *self,
                                                guint       *n);

/* How many units are of @kind and in @status; JB_UNIT_KIND_N and
 * JB_UNIT_STATUS_N mean any. One pass over the packed points. */
guint              jb_store_count_units        (JbStore      *self,
                                                JbUnitKind    kind,
                                                JbUnitStatus  status);
/* The same among the units of one station (@station_id NULL: units of no
 * station). */
guint              jb_store_count_station_units (JbStore     *self,
                                                 const char  *station_id,
                                                 JbUnitKind   kind,
                                                 JbUnitStatus status);

/* Counters, for the status bar and tests. */
guint64            jb_store_get_n_events       (JbStore     *self);
guint64            jb_store_get_n_moves        (JbStore     *self);
/* How many moves the scanners took (the rest went through json-glib):
 * should be nearly all moves. n_moves counts every fix applied, from
 * unit.moved events and positions frames alike. */
guint64            jb_store_get_n_fast_path    (JbStore     *self);

/* Signals:
 *   ::units-moved ()  at most once per main-loop batch of unit.moved
 *       events (an idle at G_PRIORITY_HIGH_IDLE + 10), after the units and
 *       points were updated in place.
 *   ::changed (JbStoreChange kind, const char *id)  anything else that
 *       changed (a unit's status, an incident, …); id is NULL for CONFIG.
 *   ::snapshot-loaded ()  after jb_store_load_snapshot() succeeded.
 *   ::wall-pushed (JbClip *clip, const char *incident_id, const char *by,
 *       const char *reason)  a wall.pushed event: show @clip on the wall.
 *       @clip is the incident's own clip object when the store has it.
 */

/* The shared clock of every view (queue rows, map icons, detail pane):
 * the time of the last tick, so a countdown and an overdue look never
 * disagree between two views. Before the first tick, the wall clock at the
 * first call. */
gint64          jb_store_get_now_ms           (JbStore        *self);
/* Moves the clock to @now_ms (0: the wall clock) and emits ::tick. */
void            jb_store_tick                 (JbStore        *self,
                                               gint64          now_ms);
/* Ticks each second, on the wall clock's seconds, until disposed. */
void            jb_store_start_clock          (JbStore        *self);

G_END_DECLS
