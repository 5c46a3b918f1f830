/* The route table (src/net/routes.h): matching, decoding of path parts, 404 and
 * 405, and docs/api.md lists exactly its routes (SPEC.md §7.1 "checked against the
 * route table by a test"). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_table.h"
#include "net/routes.h"

static char buf[1024], allow[64];
static const char *params[ROUTE_MAX_PARAMS];
static const RouteSpec *route;
static ErrBuf err;

static RouteMatch match(const char *method, const char *path)
{
    memset(params, 0, sizeof params);
    return route_match(method, path, &route, params, buf, sizeof buf, allow, sizeof allow, &err);
}

Test(routes, the_book_routes_match_with_their_order_id)
{
    cr_assert_eq(match("POST", "/allocate"), ROUTE_FOUND);
    cr_assert_str_eq(route->pattern, "/allocate");
    cr_assert(route->book && route->json_body);
    cr_assert_eq(match("GET", "/allocations/o1"), ROUTE_FOUND);
    cr_assert_str_eq(params[0], "o1");
    cr_assert_eq(match("GET", "/"), ROUTE_FOUND);
    cr_assert_str_eq(route->pattern, "/");
}

Test(routes, path_parts_are_decoded_one_by_one)
{
    cr_assert_eq(match("GET", "/allocations/o%2F1%20x"), ROUTE_FOUND);
    cr_assert_str_eq(params[0], "o/1 x");
    cr_assert_eq(match("GET", "/api/v1/batches/B%C3%A9/lines"), ROUTE_FOUND);
    cr_assert_str_eq(params[0], "B\xc3\xa9");
    cr_assert_eq(match("GET", "/allocations/o/1"), ROUTE_NO_PATH);
}

Test(routes, an_escaped_control_character_is_a_bad_path)
{
    cr_assert_eq(match("GET", "/allocations/o%001"), ROUTE_BAD_PATH);
    cr_assert_eq(match("GET", "/allocations/o%0a"), ROUTE_BAD_PATH);
    cr_assert_neq(err.msg[0], '\0');
}

Test(routes, a_malformed_escape_is_a_bad_path_saying_so)
{
    cr_assert_eq(match("GET", "/api/v1/orders/%zz"), ROUTE_BAD_PATH);
    cr_assert_str_eq(err.msg, "the path has a malformed percent escape (% and two hex digits)");
    cr_assert_eq(match("GET", "/allocations/o%4"), ROUTE_BAD_PATH);
    cr_assert_eq(match("GET", "/allocations/o%001"), ROUTE_BAD_PATH);
    cr_assert_str_eq(err.msg, "the path has an escaped control character");
    cr_assert_eq(match("GET", "/allocations/o%41"), ROUTE_FOUND);
    cr_assert_str_eq(params[0], "oA");
}

Test(routes, each_route_names_the_query_parameters_it_takes)
{
    cr_assert_eq(match("GET", "/api/v1/products"), ROUTE_FOUND);
    cr_assert(route_takes_query(route, "limit") && route_takes_query(route, "after") &&
              route_takes_query(route, "backordered"));
    cr_assert(!route_takes_query(route, "lim") && !route_takes_query(route, "bogus") &&
              !route_takes_query(route, ""));
    cr_assert_eq(match("GET", "/api/v1/orders/o1"), ROUTE_FOUND);
    cr_assert(!route_takes_query(route, "limit"));
}

Test(routes, unknown_paths_and_methods_are_told_apart)
{
    cr_assert_eq(match("GET", "/nope"), ROUTE_NO_PATH);
    cr_assert_eq(match("GET", "/allocations/"), ROUTE_NO_PATH);
    cr_assert_eq(match("GET", "/allocate/"), ROUTE_NO_PATH);
    cr_assert_eq(match("GET", "/allocate"), ROUTE_NO_METHOD);
    cr_assert_str_eq(allow, "POST");
    cr_assert_eq(match("DELETE", "/"), ROUTE_NO_METHOD);
    cr_assert_str_eq(allow, "GET");
}

Test(routes, a_path_too_long_for_its_parts_does_not_match)
{
    char path[4096] = "/allocations/";
    memset(path + strlen(path), 'x', 3000);
    cr_assert_eq(match("GET", path), ROUTE_NO_PATH);
}

/* ---- docs/api.md ---- */

/* The "METHOD PATH" of every "### `METHOD PATH`" heading of docs/api.md (and
 * "#### `...`" ones when `level` is 4). */
static size_t doc_headings(const char *hashes, char out[][128], size_t max)
{
    FILE *fp = fopen(API_DOC, "r");
    cr_assert_not_null(fp, "cannot open %s", API_DOC);
    char line[512];
    size_t n = 0, hl = strlen(hashes);
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, hashes, hl) != 0 || line[hl] != ' ' || line[hl + 1] != '`')
            continue;
        char *end = strchr(line + hl + 2, '`');
        if (!end || n == max)
            continue;
        *end = '\0';
        snprintf(out[n++], 128, "%s", line + hl + 2);
    }
    fclose(fp);
    return n;
}

Test(routes, every_route_of_the_table_has_its_section_in_docs_api_md_and_back)
{
    static char heads[64][128];
    size_t n = doc_headings("###", heads, 64);
    cr_assert_gt(n, 0);
    for (size_t i = 0; i < route_table_count(); i++) {
        char want[128];
        snprintf(want, sizeof want, "%s %s", route_table_at(i)->method, route_table_at(i)->pattern);
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(heads[k], want) == 0;
        cr_expect(found, "route %s has no \"### `%s`\" section in docs/api.md", want, want);
    }
    for (size_t k = 0; k < n; k++) {
        bool found = false;
        for (size_t i = 0; i < route_table_count() && !found; i++) {
            char have[128];
            snprintf(have, sizeof have, "%s %s", route_table_at(i)->method,
                     route_table_at(i)->pattern);
            found = strcmp(heads[k], have) == 0;
        }
        cr_expect(found, "docs/api.md documents %s, which the route table lacks", heads[k]);
    }
}

Test(routes, every_bus_command_has_its_example_in_docs_api_md_and_back)
{
    static char heads[64][128];
    size_t n = doc_headings("####", heads, 64);
    size_t bus = 0;
    for (size_t i = 0; i < command_table_count(); i++) {
        const CommandSpec *s = command_table_at(i);
        if (!command_is_bus(s))
            continue;
        bus++;
        char want[128];
        snprintf(want, sizeof want, "POST /api/v1/commands/%s", s->name);
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(heads[k], want) == 0;
        cr_expect(found, "bus command %s has no \"#### `%s`\" example in docs/api.md", s->name, want);
    }
    cr_expect_eq(n, bus, "docs/api.md has %zu command examples for %zu bus commands", n, bus);
}
