/* drift_keys.c — drift_source.h's keys over the real key tables.  Today: the help
 * viewer's table (src/tui/help_view.h), screen "Help".  The TUI's per-screen
 * tables join here when they land. */
#include "drift_source.h"
#include "tui/help_view.h"

size_t drift_key_count(void)
{
    return help_view_key_count();
}

DriftKey drift_key_at(size_t i)
{
    DriftKey k = {"Help", NULL, NULL};
    k.key = help_view_key_label(i, &k.note);
    return k;
}

int drift_keys_cover_every_screen(void)
{
    return 0;
}
