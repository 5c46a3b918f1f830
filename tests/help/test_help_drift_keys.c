/* The key bindings page (assets/help/keys.md) and the key tables of the code
 * list the same keys on the same screens, both ways. */
#include <criterion/criterion.h>
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
