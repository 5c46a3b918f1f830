/* keys.c — key tables, lookup, names, footer hints and the count prefix (keys.h). */
#include "tui/keys.h"

#include <stdio.h>
#include <string.h>

static const char *const action_names[] = {
#define TUI_ACTION_NAME(name, text) text,
    TUI_ACTION_MAP(TUI_ACTION_NAME)
#undef TUI_ACTION_NAME
};

const char *tui_action_name(TuiAction a)
{
    return (unsigned)a < TA_COUNT ? action_names[a] : "none";
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* SPEC.md §5 "Keys": the keys every screen understands. */
static const TuiBinding global_bindings[] = {
    {'?', TA_HELP, "help", true},
    {':', TA_PROMPT, "command", true},
    {TK_TAB, TA_NEXT_SCREEN, "screens", true},
    {TK_BTAB, TA_PREV_SCREEN, "previous screen", false},
    {'q', TA_BACK, "back", true},
    {TK_ESC, TA_BACK, "back", true},
    {'w', TA_WHATIF, "what-if session", false},
    {'A', TA_WHATIF_APPLY, "apply the what-if session", false},
    {'D', TA_WHATIF_DISCARD, "discard the what-if session", false},
    {'Q', TA_QUIT, "quit", true},
    {'p', TA_PAUSE_FEED, "pause/resume the live feed", false},
    {TK_CTRL_L, TA_REDRAW, "redraw the screen", false},
    {'T', TA_SCREEN_TRIAGE, "go to Triage", false},
    {'P', TA_SCREEN_PRODUCTS, "go to Products", false},
    {'B', TA_SCREEN_BATCHES, "go to Batches", false},
    {'O', TA_SCREEN_BACKORDERS, "go to Backorders", false},
    {'E', TA_SCREEN_EVENTS, "go to Events", false},
};

/* SPEC.md §5 "Keys": moving in a list. */
static const TuiBinding list_bindings[] = {
    {'k', TA_UP, "up", false},
    {TK_UP, TA_UP, "up", false},
    {'j', TA_DOWN, "down", false},
    {TK_DOWN, TA_DOWN, "down", false},
    {'h', TA_LEFT, "back (left)", false},
    {TK_LEFT, TA_LEFT, "back (left)", false},
    {'l', TA_RIGHT, "open (right)", false},
    {TK_RIGHT, TA_RIGHT, "open (right)", false},
    {TK_PGUP, TA_PAGE_UP, "page up", false},
    {TK_PGDN, TA_PAGE_DOWN, "page down", false},
    {'g', TA_TOP, "first row", false},
    {TK_HOME, TA_TOP, "first row", false},
    {'G', TA_BOTTOM, "last row", false},
    {TK_END, TA_BOTTOM, "last row", false},
    {TK_ENTER, TA_OPEN, "open", false},
    {'/', TA_FILTER, "filter", true},
    {'s', TA_SORT, "sort", true},
};

static const TuiKeymap global_map = {"global", global_bindings, N(global_bindings)};
static const TuiKeymap list_map = {"list", list_bindings, N(list_bindings)};

const TuiKeymap *tui_keymap_global(void) { return &global_map; }
const TuiKeymap *tui_keymap_list(void) { return &list_map; }

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
    } else if (key > 0 && key < 32) {
        snprintf(buf, size, "Ctrl-%c", 'A' + key - 1);
    } else if (key > 0 && key < 0x80) {
        snprintf(buf, size, "%c", key);
    } else if (key >= 0x80 && key < 0x110000) {
        /* UTF-8 of a code point */
        char u[5] = {0};
        if (key < 0x800) {
            u[0] = (char)(0xC0 | (key >> 6));
            u[1] = (char)(0x80 | (key & 0x3F));
        } else if (key < 0x10000) {
            u[0] = (char)(0xE0 | (key >> 12));
            u[1] = (char)(0x80 | ((key >> 6) & 0x3F));
            u[2] = (char)(0x80 | (key & 0x3F));
        } else {
            u[0] = (char)(0xF0 | (key >> 18));
            u[1] = (char)(0x80 | ((key >> 12) & 0x3F));
            u[2] = (char)(0x80 | ((key >> 6) & 0x3F));
            u[3] = (char)(0x80 | (key & 0x3F));
        }
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
                snprintf(keys + kl, sizeof keys - kl, "%s%s", kl ? "/" : "",
                         tui_key_name(o2->key, kn, sizeof kn));
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

static void visit_map(const TuiKeymap *m, TuiKeyVisitor fn, void *ctx)
{
    char kn[16];
    for (size_t i = 0; i < m->count; i++)
        fn(m->name, tui_key_name(m->bindings[i].key, kn, sizeof kn),
           tui_action_name(m->bindings[i].action), m->bindings[i].note, ctx);
}

void tui_keys_foreach(TuiKeyVisitor fn, void *ctx)
{
    visit_map(&global_map, fn, ctx);
    visit_map(&list_map, fn, ctx);
    const TuiKeymap *const *maps;
    size_t n = tui_screen_keymaps(&maps);
    for (size_t i = 0; i < n; i++)
        visit_map(maps[i], fn, ctx);
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
