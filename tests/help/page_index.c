/* page_index.c — see page_index.h. */
#include "page_index.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

static char *text_of(cmark_node *node)
{
    char *buf = xstrdup("");
    size_t len = 0;
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)) {
            const char *l = cmark_node_get_literal(n);
            buf = xrealloc(buf, len + strlen(l) + 1);
            strcpy(buf + len, l);
            len += strlen(l);
        } else if (ev == CMARK_EVENT_ENTER && t == CMARK_NODE_SOFTBREAK) {
            buf = xrealloc(buf, len + 2);
            strcpy(buf + len, " ");
            len++;
        }
    }
    cmark_iter_free(it);
    return buf;
}

void page_index_commands(PageIndex *ix, const char *md)
{
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    for (cmark_node *n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
        if (cmark_node_get_type(n) != CMARK_NODE_HEADING || cmark_node_get_heading_level(n) != 2)
            continue;
        char *t = text_of(n);
        if (strncmp(t, "allot ", 6) == 0 && t[6] && t[6] != ' ') {
            size_t l = strcspn(t + 6, " ");
            char *name = xmalloc(l + 1);
            memcpy(name, t + 6, l);
            name[l] = '\0';
            ix->commands = xreallocarray(ix->commands, ix->ncommands + 1, sizeof *ix->commands);
            ix->usages = xreallocarray(ix->usages, ix->ncommands + 1, sizeof *ix->usages);
            ix->usages[ix->ncommands] = xstrdup(t + 6);
            ix->commands[ix->ncommands++] = name;
        }
        free(t);
    }
    cmark_node_free(doc);
}

static void add_key(PageIndex *ix, const char *screen, const char *key, const char *note)
{
    ix->keys = xreallocarray(ix->keys, ix->nkeys + 1, sizeof *ix->keys);
    ix->keys[ix->nkeys++] = (PageKey){xstrdup(screen), xstrdup(key), xstrdup(note)};
}

/* One list item: `k1`, `k2` — note */
static void item_keys(PageIndex *ix, const char *screen, cmark_node *item)
{
    cmark_node *para = cmark_node_first_child(item);
    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
        return;
    char *all = text_of(para);
    const char *dash = strstr(all, " \xE2\x80\x94 "); /* " — " */
    const char *note = dash ? dash + 5 : "";
    for (cmark_node *in = cmark_node_first_child(para); in; in = cmark_node_next(in)) {
        cmark_node_type t = cmark_node_get_type(in);
        if (t == CMARK_NODE_CODE) {
            add_key(ix, screen, cmark_node_get_literal(in), note);
        } else if (t == CMARK_NODE_TEXT) {
            const char *l = cmark_node_get_literal(in);
            if (strcmp(l, ", ") != 0)
                break; /* the note begins */
        } else {
            break;
        }
    }
    free(all);
}

void page_index_keys(PageIndex *ix, const char *md)
{
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    char *screen = NULL;
    for (cmark_node *n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_HEADING) {
            free(screen);
            screen = cmark_node_get_heading_level(n) == 2 ? text_of(n) : NULL;
        } else if (t == CMARK_NODE_LIST && screen) {
            for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item))
                item_keys(ix, screen, item);
        }
    }
    free(screen);
    cmark_node_free(doc);
}

void page_index_fini(PageIndex *ix)
{
    for (size_t i = 0; i < ix->ncommands; i++) {
        free(ix->commands[i]);
        free(ix->usages[i]);
    }
    free(ix->commands);
    free(ix->usages);
    for (size_t i = 0; i < ix->nkeys; i++) {
        free(ix->keys[i].screen);
        free(ix->keys[i].key);
        free(ix->keys[i].note);
    }
    free(ix->keys);
    *ix = (PageIndex){0};
}
