/* jb-demo.h — the demo city: 开福区's pilot stations, units, terminals and users
 *
 * The district boundary comes from the GResource compiled from
 * data/jb-server.gresource.xml with c_name "jb_server": jb-demo.c calls
 * jb_server_get_resource (), so whatever links jb-demo.c must link that
 * generated source too (gnome.compile_resources (…, c_name: 'jb_server')).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint32 seed;          /* default 20260113 */
  guint   n_guards;      /* default 2000 (the article: 联动力量超过2000人) */
  guint   n_extra_units; /* default 0; load tests add this many more moving guards */
} JbDemoOptions;

void        jb_demo_options_init    (JbDemoOptions       *options);

typedef struct
{
  GPtrArray  *stations;   /* JsonObject*, protocol Station objects */
  GPtrArray  *units;      /* JsonObject*, protocol Unit objects with "position" */
  GPtrArray  *terminals;  /* JsonObject*, protocol Terminal objects, plus "secret" (the demo
                           * secret, plaintext), "gateway" (TRUE: relays positions for
                           * every unit of its organisation) and "org_id" (the security
                           * company or volunteer team it belongs to; the station for
                           * police handsets) */
  GPtrArray  *users;      /* JsonObject*: {"username","password","display_name","role","station_id"} */
  JsonObject *city;       /* {"name","district","center":{"lat","lon"},"zoom"} */
} JbDemoCity;

/* Builds the city: 7 stations of 开福分局 whose jurisdictions cut 开福区's
 * real boundary (Voronoi cells of their seats), ~150 venues with alarm
 * buttons, n_guards guards of 9 security companies, ~100 雷锋义警,
 * 15–20 officers and 4–6 patrol cars per station, 70 body cameras, 15
 * sensors, one gateway per company and for the volunteers, a police
 * handset per police unit, and the users dispatcher / qingshuitang / wall
 * (password "demo"). @options may be NULL for the defaults. The same
 * options give the same city (the rosters carry today's date, China
 * time). Fails only if the bundled boundary cannot be read. */
JbDemoCity *jb_demo_city_new        (const JbDemoOptions *options,
                                     GError             **error);
void        jb_demo_city_free       (JbDemoCity          *city);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbDemoCity, jb_demo_city_free)

/* The demo secret of a terminal: deterministic, so the simulator can
 * authenticate as any demo terminal. Demo only: never for real devices. */
char       *jb_demo_terminal_secret (const char          *terminal_id);

G_END_DECLS
