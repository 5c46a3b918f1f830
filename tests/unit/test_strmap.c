/* The one string map (app/strmap.h): numbers and pointers by key, keys of any
 * length, deletion that keeps probing intact, clearing, iteration. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "app/strmap.h"

Test(strmap, a_key_put_is_found_with_its_latest_value_and_an_absent_one_is_not)
{
    StrMap m;
    strmap_init(&m);
    uint64_t v = 7;
    cr_assert_not(strmap_get(&m, "LAMP", &v), "an empty map holds nothing");
    cr_assert_eq(v, 7, "the value is left alone when absent");
    strmap_put(&m, "LAMP", 1);
    strmap_put(&m, "DESK", UINT64_C(1) << 40 | 5);
    strmap_put(&m, "LAMP", 3);
    cr_assert(strmap_get(&m, "LAMP", &v));
    cr_assert_eq(v, 3);
    cr_assert(strmap_get(&m, "DESK", &v));
    cr_assert_eq(v, UINT64_C(1) << 40 | 5, "all 64 bits are kept");
    cr_assert(strmap_get(&m, "DESK", NULL));
    cr_assert_not(strmap_get(&m, "lamp", NULL), "keys compare byte-wise");
    cr_assert_eq(m.len, 2);
    strmap_fini(&m);
}

Test(strmap, keys_are_copied_whatever_their_length)
{
    StrMap m = {0};
    char key[600];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    strmap_put(&m, key, 9);
    char pair[80];
    strmap_put(&m, strmap_pair("o1", "LAMP", pair, sizeof pair), 4);
    cr_assert_str_eq(pair, "o1\x1fLAMP");
    key[0] = 'x'; /* the map holds its own copy */
    uint64_t v;
    cr_assert_not(strmap_get(&m, key, NULL));
    key[0] = 'k';
    cr_assert(strmap_get(&m, key, &v));
    cr_assert_eq(v, 9);
    cr_assert_not(strmap_get(&m, "o1", NULL), "a pair is not its first part");
    strmap_fini(&m);
}

Test(strmap, pointers_come_back_as_put_and_an_absent_key_is_null)
{
    StrMap m = {0};
    int a, b;
    strmap_put_ptr(&m, "A", &a);
    strmap_put_ptr(&m, "B", &b);
    cr_assert_eq(strmap_get_ptr(&m, "A"), &a);
    cr_assert_eq(strmap_get_ptr(&m, "B"), &b);
    cr_assert_null(strmap_get_ptr(&m, "C"));
    strmap_fini(&m);
}

/* Many keys, every other one deleted: the rest stay reachable past the deleted
 * slots, through growth, and iteration visits each live key once. */
Test(strmap, deleting_keeps_the_other_keys_reachable_and_iteration_sees_each_live_key_once)
{
    StrMap m = {0};
    char k[32];
    enum { N = 5000 };
    for (int i = 0; i < N; i++) {
        snprintf(k, sizeof k, "SKU-%05d", i);
        strmap_put(&m, k, (uint64_t)i);
    }
    for (int i = 0; i < N; i += 2) {
        snprintf(k, sizeof k, "SKU-%05d", i);
        strmap_del(&m, k);
    }
    strmap_del(&m, "absent");
    cr_assert_eq(m.len, N / 2);
    for (int i = 0; i < N; i++) {
        snprintf(k, sizeof k, "SKU-%05d", i);
        uint64_t v;
        bool has = strmap_get(&m, k, &v);
        cr_assert_eq(has, i % 2 == 1, "%s", k);
        if (has)
            cr_assert_eq(v, (uint64_t)i);
    }
    /* deleted keys come back; more keys make the table grow */
    for (int i = 0; i < 2 * N; i += 2) {
        snprintf(k, sizeof k, "SKU-%05d", i);
        strmap_put(&m, k, (uint64_t)i);
    }
    static bool seen[2 * N];
    const char *key;
    uint64_t v;
    size_t count = 0;
    for (size_t i = 0; strmap_next(&m, &i, &key, &v, NULL);) {
        cr_assert_lt(v, 2 * N);
        cr_assert_not(seen[v], "%s visited twice", key);
        seen[v] = true;
        snprintf(k, sizeof k, "SKU-%05d", (int)v);
        cr_assert_str_eq(key, k);
        count++;
    }
    cr_assert_eq(count, m.len);
    cr_assert_eq(count, N / 2 + N);
    strmap_fini(&m);
}

Test(strmap, a_cleared_map_is_empty_and_takes_keys_again)
{
    StrMap m = {0};
    strmap_clear(&m);
    strmap_put(&m, "A", 1);
    strmap_put(&m, "B", 2);
    strmap_clear(&m);
    cr_assert_eq(m.len, 0);
    cr_assert_not(strmap_get(&m, "A", NULL));
    size_t i = 0;
    cr_assert_not(strmap_next(&m, &i, NULL, NULL, NULL));
    strmap_put(&m, "B", 5);
    uint64_t v;
    cr_assert(strmap_get(&m, "B", &v));
    cr_assert_eq(v, 5);
    strmap_fini(&m);
}
