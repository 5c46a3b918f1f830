/* drift_keys.c — drift_source.h's keys when the TUI is not part of the build: the
 * help viewer's table only (src/tui/help_view.h), screen "Help".  With src/tui,
 * drift_keys_tui.c is used instead. */
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
