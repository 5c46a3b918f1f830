/* Request decoding (src/net/request_json.h): a JSON body becomes the same checked
 * command as the CLI's arguments, or a 400 with the CLI's message (SPEC.md §7.1,
 * issue 11 "Hostile input"). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_table.h"
#include "net/request_json.h"

static JsonCommand jc;
static ErrBuf err;
static void teardown(void) { json_command_fini(&jc); }
TestSuite(request_json, .fini = teardown);

static AllotStatus decode(const char *name, const char *body)
{
    memset(&err, 0, sizeof err);
    json_command_fini(&jc);
    return json_command_decode(command_lookup(name), body, strlen(body), NULL, &jc, &err);
}

/* The CLI's message for the same arguments. */
static const char *cli_message(int argc, char **argv)
{
    static ErrBuf e;
    ParsedCommand pc;
    memset(&e, 0, sizeof e);
    cr_assert_neq(command_parse_argv(argc, argv, &pc, &e), ALLOT_OK);
    return e.msg;
}

Test(request_json, an_allocate_body_becomes_the_allocate_command)
{
    cr_assert_eq(decode("allocate", "{\"orderid\": \" o1 \", \"sku\": \"LAMP\", \"qty\": 3}"), ALLOT_OK,
                 "%s", err.msg);
    cr_assert_eq(jc.pc.cmd.type, CMD_ALLOCATE);
    cr_assert_str_eq(jc.pc.cmd.orderid, "o1"); /* trimmed, as on the command line */
    cr_assert_str_eq(jc.pc.cmd.sku, "LAMP");
    cr_assert_eq(jc.pc.cmd.qty, 3);
}

Test(request_json, add_batch_takes_an_eta_date_or_null_or_none)
{
    cr_assert_eq(decode("add-batch", "{\"ref\":\"B1\",\"sku\":\"LAMP\",\"qty\":0,\"eta\":\"2027-03-01\"}"),
                 ALLOT_OK, "%s", err.msg);
    int32_t d;
    date_from_ymd(2027, 3, 1, &d);
    cr_assert_eq(jc.pc.cmd.eta, d);
    cr_assert_eq(decode("add-batch", "{\"ref\":\"B1\",\"sku\":\"LAMP\",\"qty\":5,\"eta\":null}"), ALLOT_OK);
    cr_assert_eq(jc.pc.cmd.eta, ALLOT_NO_ETA);
    cr_assert_eq(decode("add-batch", "{\"ref\":\"B1\",\"sku\":\"LAMP\",\"qty\":5}"), ALLOT_OK);
    cr_assert_eq(jc.pc.cmd.eta, ALLOT_NO_ETA);
}

Test(request_json, allocate_takes_a_need_date_or_null)
{
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"L\",\"qty\":1,\"need\":\"2027-05-01\"}"),
                 ALLOT_OK, "%s", err.msg);
    int32_t d;
    date_from_ymd(2027, 5, 1, &d);
    cr_assert_eq(jc.pc.cmd.need, d);
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"L\",\"qty\":1,\"need\":null}"),
                 ALLOT_OK, "%s", err.msg);
    cr_assert_eq(jc.pc.cmd.need, ALLOT_NO_DATE);
    char *a[] = {"allocate", "o1", "L", "1", "2027-13-01"};
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"L\",\"qty\":1,\"need\":\"2027-13-01\"}"),
                 ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, cli_message(5, a));
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"L\",\"qty\":1,\"need\":7}"),
                 ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: need must be a date (YYYY-MM-DD) or null, not an integer");
}

Test(request_json, a_quantity_of_another_json_type_is_refused_naming_the_field)
{
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":\"3\"}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: qty must be a whole number, not a string");
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":true}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: qty must be a whole number, not a boolean");
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":[3]}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: qty must be a whole number, not an array");
    cr_assert_eq(decode("allocate", "{\"orderid\":3,\"sku\":\"LAMP\",\"qty\":3}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: orderid must be a string, not an integer");
    cr_assert_eq(decode("add-batch", "{\"ref\":\"B1\",\"sku\":\"LAMP\",\"qty\":3,\"eta\":20270301}"),
                 ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "add-batch: eta must be a date (YYYY-MM-DD) or null, not an integer");
}

Test(request_json, numbers_with_a_fraction_or_an_exponent_are_refused_whole_or_not)
{
    /* jansson reads each of these as a real; 3.0, 2.0, 1E3, 4e1 are whole. */
    static const struct {
        const char *command, *body;
    } reals[] = {
        {"allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":3.5}"},
        {"allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":1e99}"},
        {"allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":3.0}"},
        {"allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":2.0}"},
        {"change-qty", "{\"ref\":\"B1\",\"qty\":1E3}"},
        {"change-qty", "{\"ref\":\"B1\",\"qty\":4e1}"},
        {"change-qty", "{\"ref\":\"B1\",\"qty\":-0.0}"},
        {"undo", "{\"command_id\":7.0}"},
    };
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
        cr_assert_eq(decode(reals[i].command, reals[i].body), ALLOT_EINVALID, "%s", reals[i].body);
        char want[128];
        snprintf(want, sizeof want, "%s: %s must be a whole number, not a number with a fraction or an exponent",
                 reals[i].command, strcmp(reals[i].command, "undo") == 0 ? "command_id" : "qty");
        cr_assert_str_eq(err.msg, want, "%s", reals[i].body);
    }
    cr_assert_eq(decode("change-qty", "{\"ref\":\"B1\",\"qty\":40}"), ALLOT_OK, "%s", err.msg);
}

Test(request_json, the_command_line_words_for_no_date_are_not_dates_on_the_wire)
{
    static const struct {
        const char *command, *body, *msg;
    } cases[] = {
        {"add-batch", "{\"ref\":\"B2\",\"sku\":\"L\",\"qty\":5,\"eta\":\"\"}",
         "add-batch: eta \"\" is not a date (YYYY-MM-DD); null means none"},
        {"add-batch", "{\"ref\":\"B2\",\"sku\":\"L\",\"qty\":5,\"eta\":\"-\"}",
         "add-batch: eta \"-\" is not a date (YYYY-MM-DD); null means none"},
        {"set-eta", "{\"ref\":\"B1\",\"eta\":\" - \"}",
         "set-eta: eta \" - \" is not a date (YYYY-MM-DD); null means none"},
        {"allocate", "{\"orderid\":\"o1\",\"sku\":\"L\",\"qty\":1,\"need\":\"\"}",
         "allocate: need \"\" is not a date (YYYY-MM-DD); null means none"},
        {"allocate", "{\"orderid\":\"o1\",\"sku\":\"L\",\"qty\":1,\"need\":\"-\"}",
         "allocate: need \"-\" is not a date (YYYY-MM-DD); null means none"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(decode(cases[i].command, cases[i].body), ALLOT_EINVALID, "%s", cases[i].body);
        cr_assert_str_eq(err.msg, cases[i].msg);
    }
    cr_assert_eq(decode("set-eta", "{\"ref\":\"B1\",\"eta\":null}"), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(jc.pc.cmd.eta, ALLOT_NO_ETA);
}

Test(request_json, out_of_range_numbers_get_the_cli_messages)
{
    char *z[] = {"allocate", "o1", "LAMP", "0"};
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":0}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, cli_message(4, z));
    char *big[] = {"change-qty", "B1", "1000000001"};
    cr_assert_eq(decode("change-qty", "{\"ref\":\"B1\",\"qty\":1000000001}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, cli_message(3, big));
    /* Beyond 64 bits jansson refuses the document itself. */
    cr_assert_eq(decode("change-qty", "{\"ref\":\"B1\",\"qty\":123456789012345678901234567890}"),
                 ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "change-qty: invalid JSON"), "%s", err.msg);
}

Test(request_json, identifiers_and_dates_are_checked_as_on_the_command_line)
{
    char *a[] = {"set-eta", "B1", "2027-02-30"};
    cr_assert_eq(decode("set-eta", "{\"ref\":\"B1\",\"eta\":\"2027-02-30\"}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, cli_message(3, a));
    char *c[] = {"cancel", "o\x01", "LAMP"};
    cr_assert_eq(decode("cancel", "{\"orderid\":\"o\\u0001\",\"sku\":\"LAMP\"}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, cli_message(3, c));
    char *zw[] = {"cancel", "o\xe2\x80\x8b" "1", "LAMP"};
    cr_assert_eq(decode("cancel", "{\"orderid\":\"o\\u200b1\",\"sku\":\"LAMP\"}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, cli_message(3, zw));
    char *e[] = {"cancel", "  ", "LAMP"};
    cr_assert_eq(decode("cancel", "{\"orderid\":\"  \",\"sku\":\"LAMP\"}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, cli_message(3, e));
}

Test(request_json, an_id_that_looks_like_an_option_is_an_id)
{
    cr_assert_eq(decode("change-qty", "{\"ref\":\"--json\",\"qty\":3}"), ALLOT_OK, "%s", err.msg);
    cr_assert_str_eq(jc.pc.cmd.ref, "--json");
    cr_assert_eq(decode("change-qty", "{\"ref\":\"--\",\"qty\":3}"), ALLOT_OK, "%s", err.msg);
    cr_assert_str_eq(jc.pc.cmd.ref, "--");
}

Test(request_json, missing_and_unknown_fields_are_refused)
{
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"qty\":3}"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: missing field \"sku\"");
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":3,\"colour\":1}"),
                 ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: unknown field \"colour\"");
    cr_assert_eq(decode("allocate", "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":3,\"a\\u0007\":1}"),
                 ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: unknown field \"a<U+0007>\"");
}

Test(request_json, a_body_that_is_not_one_json_object_is_refused)
{
    const char *bad[] = {"", "   ", "{", "{\"orderid\":\"o1\",}", "[1,2]", "3", "null",
                         "{\"orderid\":\"o1\",\"orderid\":\"o2\",\"sku\":\"L\",\"qty\":1}",
                         "{\"orderid\":\"a\\u0000b\",\"sku\":\"L\",\"qty\":1}",
                         "{\"orderid\":\"o1\",\"sku\":\"L\",\"qty\":1} {}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(decode("allocate", bad[i]), ALLOT_EINVALID, "accepted %s", bad[i]);
        cr_expect(strncmp(err.msg, "allocate: ", 10) == 0 && err.msg[10], "%s", err.msg);
    }
    cr_assert_eq(decode("allocate", "[1]"), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: the body must be a JSON object, not an array");
}

Test(request_json, invalid_utf8_is_refused_and_never_echoed)
{
    const char body[] = "{\"orderid\":\"o\xff\xfe\",\"sku\":\"LAMP\",\"qty\":1}";
    cr_assert_eq(json_command_decode(command_lookup("allocate"), body, sizeof body - 1, NULL, &jc, &err),
                 ALLOT_EINVALID);
    for (const unsigned char *p = (const unsigned char *)err.msg; *p; p++)
        cr_assert(*p >= 0x20 && *p < 0x7f, "message byte %02x: %s", *p, err.msg);
}

Test(request_json, deep_nesting_is_refused_without_a_crash)
{
    size_t depth = 60000;
    char *body = malloc(2 * depth + 1);
    memset(body, '[', depth);
    memset(body + depth, ']', depth);
    body[2 * depth] = '\0';
    cr_assert_eq(json_command_decode(command_lookup("allocate"), body, 2 * depth, NULL, &jc, &err),
                 ALLOT_EINVALID);
    free(body);
    cr_assert_eq(decode("allocate", "{\"orderid\":{\"a\":{\"b\":[]}},\"sku\":\"L\",\"qty\":1}"),
                 ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: orderid must be a string, not an object");
}

Test(request_json, a_field_may_go_by_another_name)
{
    static const FieldAlias redis[] = {{"ref", "batchref"}, {NULL, NULL}};
    const char *body = "{\"batchref\":\"B1\",\"qty\":5}";
    cr_assert_eq(json_command_decode(command_lookup("change-qty"), body, strlen(body), redis, &jc, &err),
                 ALLOT_OK, "%s", err.msg);
    cr_assert_eq(jc.pc.cmd.type, CMD_CHANGE_BATCH_QTY);
    cr_assert_str_eq(jc.pc.cmd.ref, "B1");
    cr_assert_eq(jc.pc.cmd.qty, 5);
    json_command_fini(&jc);
    body = "{\"ref\":\"B1\",\"qty\":5}";
    cr_assert_eq(json_command_decode(command_lookup("change-qty"), body, strlen(body), redis, &jc, &err),
                 ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "change-qty: unknown field \"ref\"");
}

Test(request_json, every_bus_command_of_the_table_decodes_from_its_fields)
{
    for (size_t i = 0; i < command_table_count(); i++) {
        const CommandSpec *s = command_table_at(i);
        if (!command_is_bus(s))
            continue;
        char body[512] = "{";
        for (size_t a = 0; a < s->nargs; a++) {
            if (s->args[a].option) /* options (--quiet) are the command line's, not fields */
                continue;
            char name[32];
            const char *v = "\"X1\"";
            switch (s->args[a].kind) {
            case ARG_LINE_QTY:
            case ARG_BATCH_QTY:
                v = "2";
                break;
            case ARG_ETA:
            case ARG_NEED:
                v = "\"2027-01-02\"";
                break;
            default:
                break;
            }
            snprintf(body + strlen(body), sizeof body - strlen(body), "%s\"%s\":%s",
                     body[1] ? "," : "",
                     json_field_name(&s->args[a], name, sizeof name), v);
        }
        strcat(body, "}");
        cr_expect_eq(decode(s->name, body), ALLOT_OK, "%s %s: %s", s->name, body, err.msg);
        cr_expect_eq(jc.pc.cmd.type, s->bus, "%s", s->name);
    }
}
