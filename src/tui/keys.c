/* keys.c — actions, lookup, key names, footer hints and the count prefix (keys.h); the
 * tables themselves are in bindings.c. */
#include "tui/keys.h"

#include <stdio.h>
#include <string.h>

#include "domain/utf8.h"

static const char *const action_names[] = {
#define TUI_ACTION_NAME(name, text) text,
    TUI_ACTION_MAP(TUI_ACTION_NAME)
#undef TUI_ACTION_NAME
};

const char *tui_action_name(TuiAction a)
{
    return (unsigned)a < TA_COUNT ? action_names[a] : "none";
}

TuiAction tui_keymap_lookup(const TuiKeymap *map, int key)
{
    if (!map)
        return TA_NONE;
    for (size_t i = 0; i < map->count; i++)
        if (map->bindings[i].key == key)
            return map->bindings[i].action;
    return TA_NONE;
}

char *tui_key_name(int key, char *buf, size_t size)
{
    const char *name = NULL;
    switch (key) {
    case TK_UP: name = "Up"; break;
    case TK_DOWN: name = "Down"; break;
    case TK_LEFT: name = "Left"; break;
    case TK_RIGHT: name = "Right"; break;
    case TK_PGUP: name = "PgUp"; break;
    case TK_PGDN: name = "PgDn"; break;
    case TK_HOME: name = "Home"; break;
    case TK_END: name = "End"; break;
    case TK_BTAB: name = "S-Tab"; break;
    case TK_BACKSPACE: name = "Backspace"; break;
    case TK_DELETE: name = "Delete"; break;
    case TK_TAB: name = "Tab"; break;
    case TK_ENTER: name = "Enter"; break;
    case TK_ESC: name = "Esc"; break;
    case ' ': name = "Space"; break;
    default: break;
    }
    if (name) {
        snprintf(buf, size, "%s", name);
    } else if (key >= TK_F1 && key <= TK_F12) {
        snprintf(buf, size, "F%d", key - TK_F1 + 1);
    } else if (key > 0 && key < 32) {
        snprintf(buf, size, "Ctrl-%c", 'A' + key - 1);
    } else if (key > 0 && key < 0x80) {
        snprintf(buf, size, "%c", key);
    } else if (key >= 0x80 && key < 0x110000) {
        char u[5];
        tui_utf8_put(key, u);
        snprintf(buf, size, "%s", u);
    } else {
        snprintf(buf, size, "?");
    }
    return buf;
}

char *tui_keymap_footer(const TuiKeymap *const *maps, size_t nmaps, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = 0;
    const char *shown[64];
    size_t nshown = 0;
    for (size_t m = 0; m < nmaps; m++) {
        if (!maps[m])
            continue;
        for (size_t i = 0; i < maps[m]->count; i++) {
            const TuiBinding *b = &maps[m]->bindings[i];
            bool seen = false;
            for (size_t s = 0; s < nshown; s++)
                seen = seen || strcmp(shown[s], b->note) == 0;
            if (!b->footer || seen || nshown == 64)
                continue;
            shown[nshown++] = b->note;
            /* every key of this table with the same note, joined by "/" */
            char keys[64] = "", kn[16];
            for (size_t j = 0; j < maps[m]->count; j++) {
                const TuiBinding *o2 = &maps[m]->bindings[j];
                if (!o2->footer || strcmp(o2->note, b->note) != 0)
                    continue;
                size_t kl = strlen(keys);
                tui_key_name(o2->key, kn, sizeof kn);
                bool slash = kl && keys[kl - 1] != '/' && strcmp(kn, "/") != 0;
                snprintf(keys + kl, sizeof keys - kl, "%s%s", kl ? (slash ? "/" : " ") : "", kn);
            }
            int n = snprintf(buf + o, size - o, "%s%s %s", o ? "  " : "", keys, b->note);
            if (n < 0 || (size_t)n >= size - o) {
                buf[o] = 0;
                return buf;
            }
            o += (size_t)n;
        }
    }
    return buf;
}

bool tui_count_feed(TuiCount *c, int key)
{
    if (key < '0' || key > '9' || (key == '0' && c->value == 0))
        return false;
    if (c->value <= (TUI_COUNT_MAX - (key - '0')) / 10)
        c->value = c->value * 10 + (key - '0');
    else
        c->value = TUI_COUNT_MAX;
    return true;
}

int64_t tui_count_take(TuiCount *c, int64_t dflt)
{
    int64_t v = c->value ? c->value : dflt;
    c->value = 0;
    return v;
}

size_t tui_utf8_put(int cp, char out[5])
{
    memset(out, 0, 5);
    return utf8_encode(cp < 0 ? '?' : (uint32_t)cp, out);
}
