/* The key bindings page (assets/help/keys.md) and the key tables of the code
 * list the same keys on the same screens, both ways. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift_source.h"
#include "help/help_pages.h"
#include "page_index.h"

static int page_has(const PageIndex *ix, const char *screen, const char *key)
{
    for (size_t i = 0; i < ix->nkeys; i++)
        if (strcmp(ix->keys[i].screen, screen) == 0 && strcmp(ix->keys[i].key, key) == 0)
            return 1;
    return 0;
}

static int code_has(const char *screen, const char *key)
{
    for (size_t i = 0; i < drift_key_count(); i++) {
        DriftKey k = drift_key_at(i);
        if (strcmp(k.screen, screen) == 0 && strcmp(k.key, key) == 0)
            return 1;
    }
    return 0;
}

static int code_has_screen(const char *screen)
{
    for (size_t i = 0; i < drift_key_count(); i++)
        if (strcmp(drift_key_at(i).screen, screen) == 0)
            return 1;
    return 0;
}

Test(help_drift, every_key_of_the_code_is_on_the_key_bindings_page)
{
    PageIndex ix = {0};
    page_index_keys(&ix, help_page_find("keys")->markdown);
    cr_assert_gt(drift_key_count(), 0);
    for (size_t i = 0; i < drift_key_count(); i++) {
        DriftKey k = drift_key_at(i);
        cr_expect(page_has(&ix, k.screen, k.key),
                  "key `%s` (%s) of screen %s is not in assets/help/keys.md", k.key, k.note,
                  k.screen);
    }
    page_index_fini(&ix);
}

Test(help_drift, every_key_on_the_page_is_bound_in_the_code)
{
    PageIndex ix = {0};
    page_index_keys(&ix, help_page_find("keys")->markdown);
    size_t checked = 0;
    for (size_t i = 0; i < ix.nkeys; i++) {
        const PageKey *k = &ix.keys[i];
        if (!drift_keys_cover_every_screen() && !code_has_screen(k->screen))
            continue; /* that screen's table is not in the code yet */
        checked++;
        cr_expect(code_has(k->screen, k->key),
                  "assets/help/keys.md lists `%s` on %s, but no key table binds it", k->key,
                  k->screen);
    }
    cr_assert_gt(checked, 0);
    page_index_fini(&ix);
}

/* The what-if page's "Quitting with a session open asks first: `K`, `K` or
 * `Ctrl-C`" names keys that quit (Every screen, note "quit") — Ctrl-C is the
 * signal, not a key table's. */
Test(help_drift_keys, the_whatif_pages_quitting_keys_are_keys_that_quit)
{
    const HelpPage *page = help_page_find("whatif");
    cr_assert(page, "no whatif page");
    char *md = strndup(page->markdown, page->len);
    const char *p = strstr(md, "asks\n  first:");
    cr_assert(p, "the whatif page does not say how quitting asks");
    p += strlen("asks\n  first:");
    const char *end = p + strcspn(p, "(.");
    int keys = 0;
    while ((p = strchr(p, '`')) && p < end) {
        const char *q = strchr(p + 1, '`');
        cr_assert(q);
        char key[16];
        snprintf(key, sizeof key, "%.*s", (int)(q - p - 1), p + 1);
        p = q + 1;
        keys++;
        if (strcmp(key, "Ctrl-C") == 0)
            continue;
        int quits = 0;
        for (size_t i = 0; i < drift_key_count(); i++) {
            DriftKey k = drift_key_at(i);
            quits |= strcmp(k.screen, "Every screen") == 0 && strcmp(k.key, key) == 0 &&
                     strcmp(k.note, "quit") == 0;
        }
        cr_expect(quits, "the whatif page says `%s` quits; the key tables say it does not", key);
    }
    cr_expect_gt(keys, 1);
    free(md);
}
