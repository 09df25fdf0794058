/* jb-command.h — one queued command (a REST call that changes state)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jb-enums.h"
#include "jb-roster.h"

G_BEGIN_DECLS

/* QUEUED → SENDING (→ RETRYING → SENDING …) → ACCEPTED → CONFIRMED, or
 * FAILED from any state before ACCEPTED. A command is pending until it is
 * CONFIRMED or FAILED (jb_command_is_pending()). */
typedef enum
{
  JB_COMMAND_STATE_QUEUED,     /* waiting for the ones before it */
  JB_COMMAND_STATE_SENDING,    /* sent, on the wire */
  JB_COMMAND_STATE_RETRYING,   /* network failure: will resend, same key */
  JB_COMMAND_STATE_ACCEPTED,   /* 2xx: done on the server, its event not yet applied */
  JB_COMMAND_STATE_FAILED,     /* error answer, or out of retries (see get_error) */
  JB_COMMAND_STATE_CONFIRMED,  /* the store has applied the server's event(s) */
} JbCommandState;

/* Earlier names. */
#define JB_COMMAND_STATE_DONE JB_COMMAND_STATE_ACCEPTED
#define JB_COMMAND_STATE_SENT JB_COMMAND_STATE_SENDING

/* What a command is about, from its path. */
typedef enum
{
  JB_COMMAND_TARGET_NONE,
  JB_COMMAND_TARGET_INCIDENT,  /* /api/v1/incidents[/{id}/…] */
  JB_COMMAND_TARGET_UNIT,      /* /api/v1/units/{id}/… */
} JbCommandTarget;

#define JB_TYPE_COMMAND (jb_command_get_type ())

G_DECLARE_FINAL_TYPE (JbCommand, jb_command, JB, COMMAND, GObject)

/* @body may be NULL (no body); a reference is taken. */
JbCommand      *jb_command_new                 (const char  *method,
                                                const char  *path,
                                                JsonNode    *body);
const char     *jb_command_get_method          (JbCommand   *self);
const char     *jb_command_get_path            (JbCommand   *self);
/* Borrowed, NULL when none. */
JsonNode       *jb_command_get_body            (JbCommand   *self);
/* Fresh per command (g_uuid_string_random), the same on every retry. */
const char     *jb_command_get_idempotency_key (JbCommand   *self);
JbCommandState  jb_command_get_state           (JbCommand   *self);
guint           jb_command_get_attempts        (JbCommand   *self);
/* Monotonic µs when queued. */
gint64          jb_command_get_queued_at       (JbCommand   *self);
/* Wall-clock ms when the person gave it (sent as "issued_at"). */
gint64          jb_command_get_issued_at       (JbCommand   *self);
/* Given, or first sent, while the server was out of reach: the catch-up
 * lists it ("offline" is notified). */
gboolean        jb_command_get_offline         (JbCommand   *self);
/* A new incident the server has not numbered yet (a local draft). */
gboolean        jb_command_is_draft            (JbCommand   *self);
/* The last error's message, NULL when none (also set while RETRYING). */
const char     *jb_command_get_error_message   (JbCommand   *self);

/* FAILED: the error (JB_ERROR with the server's code, JB_ERROR_NETWORK
 * when out of retries, G_IO_ERROR_CANCELLED); NULL in any other state. */
const GError   *jb_command_get_error           (JbCommand   *self);
/* Neither CONFIRMED nor FAILED: the UI shows it as pending. */
gboolean        jb_command_is_pending          (JbCommand   *self);
/* Monotonic µs when it became CONFIRMED or FAILED, 0 before. */
gint64          jb_command_get_finished_at     (JbCommand   *self);
/* The 2xx answer's JSON (borrowed; NULL before ACCEPTED or for an empty
 * answer). */
JsonNode       *jb_command_get_answer          (JbCommand   *self);

JbCommandTarget jb_command_get_target_kind     (JbCommand   *self);
/* The incident or unit id of the path ("/api/v1/incidents/ID/assign…",
 * "/api/v1/units/ID/status"). Creating an incident has none until the
 * server accepted it; then it is the new incident's id ("target-id" is
 * notified). NULL when none. */
const char     *jb_command_get_target_id       (JbCommand   *self);
/* The unit a command concerns besides its target: the unit of an
 * assignment (body "unit_id" or the path's last segment) or the target of
 * a unit command; NULL when none. */
const char     *jb_command_get_unit_id         (JbCommand   *self);

/* The commands of the protocol, each with its path and body written here
 * (docs/protocol.md, "REST endpoints"), so no caller builds either. */

/* POST /api/v1/incidents. @source: PHONE or PATROL. Empty or NULL strings
 * are left out. The target id becomes the new incident's id once ACCEPTED. */
JbCommand      *jb_command_new_create_incident (JbIncidentType    type,
                                                guint             priority,
                                                double            lat,
                                                double            lon,
                                                const char       *address,
                                                const char       *description,
                                                const char       *venue_name,
                                                JbIncidentSource  source);
JbCommand      *jb_command_new_acknowledge     (const char       *incident_id);
JbCommand      *jb_command_new_assign          (const char       *incident_id,
                                                const char       *unit_id);
JbCommand      *jb_command_new_unassign        (const char       *incident_id,
                                                const char       *unit_id);
JbCommand      *jb_command_new_note            (const char       *incident_id,
                                                const char       *text);
/* @note may be NULL or empty (no note). */
JbCommand      *jb_command_new_resolve         (const char       *incident_id,
                                                JbDisposition     disposition,
                                                const char       *note);
/* @disposition: a JbDisposition, or -1 for none (allowed once resolved). */
JbCommand      *jb_command_new_close           (const char       *incident_id,
                                                int               disposition,
                                                const char       *note);
JbCommand      *jb_command_new_unit_status     (const char       *unit_id,
                                                JbUnitStatus      status);
/* POST /api/v1/alerts/{id}/acknowledge */
JbCommand      *jb_command_new_acknowledge_alert (const char     *alert_id);
/* POST /api/v1/incidents/{id}/callouts: by @radius_m when @grid_id is
 * NULL, else by the grid. */
JbCommand      *jb_command_new_callout         (const char       *incident_id,
                                                guint             radius_m,
                                                const char       *grid_id,
                                                const char       *message);

/* PUT /api/v1/stations/{id}/roster: the whole roster. @date: "YYYY-MM-DD";
 * @officers: @n_officers of them (may be 0). */
JbCommand      *jb_command_new_roster_update   (const char           *station_id,
                                                const char           *date,
                                                const JbRosterPerson *leader,
                                                const JbRosterPerson *officers,
                                                guint                 n_officers,
                                                const char           *phone);

G_END_DECLS
