/* Choosing the store from --db / ALLOT_DB (persistence/store.h; SPEC.md §3, §3.1). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "persistence/store.h"

static ErrBuf err;

Test(store_target, a_path_selects_sqlite_and_a_uri_selects_postgresql)
{
    StoreTarget t;
    cr_assert_eq(store_target("/data/allot.db", &t, &err), ALLOT_OK);
    cr_assert_eq(t.kind, STORE_SQLITE);
    cr_assert_str_eq(t.where, "/data/allot.db");
    cr_assert_eq(store_target("postgresql://pat@db.example/allot", &t, &err), ALLOT_OK);
    cr_assert_eq(t.kind, STORE_POSTGRES);
    cr_assert_str_eq(t.where, "postgresql://pat@db.example/allot");
    cr_assert_eq(store_target("postgres://db.example/allot", &t, &err), ALLOT_OK);
    cr_assert_eq(t.kind, STORE_POSTGRES);
    cr_assert_eq(store_target("postgresql://", &t, &err), ALLOT_OK, "libpq's defaults");
    cr_assert_eq(t.kind, STORE_POSTGRES);
    /* a file that happens to be called so is still a file */
    cr_assert_eq(store_target("./postgresql:/x.db", &t, &err), ALLOT_OK);
    cr_assert_eq(t.kind, STORE_SQLITE);
}

Test(store_target, allot_db_may_hold_a_uri_and_the_option_wins_over_it)
{
    StoreTarget t;
    setenv("ALLOT_DB", "postgresql:///warehouse", 1);
    cr_assert_eq(store_target(NULL, &t, &err), ALLOT_OK);
    cr_assert_eq(t.kind, STORE_POSTGRES);
    cr_assert_str_eq(t.where, "postgresql:///warehouse");
    cr_assert_eq(store_target("/tmp/x.db", &t, &err), ALLOT_OK);
    cr_assert_eq(t.kind, STORE_SQLITE);
    unsetenv("ALLOT_DB");
}

Test(store_target, the_label_of_a_uri_never_shows_its_password)
{
    StoreTarget t;
    cr_assert_eq(store_target("postgresql://pat:s3cret@db.example:6543/allot", &t, &err), ALLOT_OK);
    cr_assert_null(strstr(t.label, "s3cret"), "%s", t.label);
}
