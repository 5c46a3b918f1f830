/* fuzz_requests — the fuzz harness of `allot serve`'s request decoding (issue 11
 * "Hostile input"): a body through json_command_decode for every bus command of the
 * command table (as HTTP bodies and as Redis messages), and a path through the
 * route table's matching and percent-decoding (src/net/request_json.h, routes.h).
 *
 * Checked on every input, besides ASan and UBSan: a refusal is ALLOT_EINVALID with
 * a message that names the command and holds no control character and no byte
 * outside valid UTF-8 (it goes back to the client in JSON); an accepted command is
 * one the bus would take (its texts valid identifiers, its quantity in range); a
 * matched path's parameters are non-empty and free of control characters.
 *
 * LLVMFuzzerTestOneInput is the libFuzzer entry point; fuzz_replay.c replays the
 * seed corpus (tests/fuzz/corpus/requests/) with mutations for ctest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_table.h"
#include "net/request_json.h"
#include "net/routes.h"

static void check_message(const char *name, const char *msg)
{
    size_t n = strlen(name);
    if (strncmp(msg, name, n) != 0 || msg[n] != ':')
        abort(); /* every refusal names its command */
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            abort();
    json_t *probe = json_string(msg); /* NULL: not valid UTF-8 */
    if (!probe)
        abort();
    json_decref(probe);
}

static void check_command(const Command *c)
{
    AllotId id;
    ErrBuf e;
    switch (c->type) {
    case CMD_ALLOCATE:
        if (c->qty < 1 || c->qty > ALLOT_QTY_MAX || validate_id(c->orderid, "o", id, &e) != ALLOT_OK ||
            validate_id(c->sku, "s", id, &e) != ALLOT_OK)
            abort();
        break;
    case CMD_CREATE_BATCH:
        if (c->qty < 0 || c->qty > ALLOT_QTY_MAX || validate_id(c->ref, "r", id, &e) != ALLOT_OK)
            abort();
        break;
    case CMD_CHANGE_BATCH_QTY:
        if (c->qty < 0 || c->qty > ALLOT_QTY_MAX || validate_id(c->ref, "r", id, &e) != ALLOT_OK)
            abort();
        break;
    default:
        break;
    }
}

static void decode_bodies(const uint8_t *data, size_t len)
{
    static const FieldAlias redis[] = {{"ref", "batchref"}, {NULL, NULL}};
    for (size_t i = 0; i < command_table_count(); i++) {
        const CommandSpec *s = command_table_at(i);
        if (!command_is_bus(s))
            continue;
        for (int alias = 0; alias < 2; alias++) {
            JsonCommand jc;
            ErrBuf err = {{0}};
            AllotStatus st = json_command_decode(s, (const char *)data, len, alias ? redis : NULL,
                                                 &jc, &err);
            if (st == ALLOT_OK) {
                if (jc.pc.cmd.type != s->bus)
                    abort();
                check_command(&jc.pc.cmd);
            } else if (st != ALLOT_EINVALID) {
                abort();
            } else {
                check_message(s->name, err.msg);
            }
            json_command_fini(&jc);
        }
    }
}

static void match_path(const uint8_t *data, size_t len)
{
    size_t n = 0;
    while (n < len && data[n] != '\n' && data[n] != '\0' && data[n] != '?')
        n++;
    char *path = malloc(n + 2);
    path[0] = '/';
    memcpy(path + (n && data[0] == '/' ? 0 : 1), data, n);
    path[n + (n && data[0] == '/' ? 0 : 1)] = '\0';
    static const char *const methods[] = {"GET", "POST", "DELETE"};
    for (size_t m = 0; m < 3; m++) {
        const RouteSpec *route;
        const char *params[ROUTE_MAX_PARAMS];
        char buf[1024], allow[64];
        ErrBuf err = {{0}};
        RouteMatch r = route_match(methods[m], path, &route, params, buf, sizeof buf, allow,
                                   sizeof allow, &err);
        if (r == ROUTE_FOUND) {
            if (!route || strcmp(route->method, methods[m]) != 0)
                abort();
            for (const char *p = route->pattern; *p; p++) {
                if (*p != '{')
                    continue;
                size_t k = 0;
                for (const char *q = route->pattern; q < p; q++)
                    k += *q == '{';
                if (!params[k] || !params[k][0])
                    abort();
                for (const unsigned char *c = (const unsigned char *)params[k]; *c; c++)
                    if (*c < 0x20 || *c == 0x7f)
                        abort();
            }
        } else if (r == ROUTE_NO_METHOD && !allow[0]) {
            abort();
        } else if (r == ROUTE_BAD_PATH && !err.msg[0]) {
            abort();
        }
    }
    /* The decoder alone, on the raw bytes. */
    char *copy = malloc(len + 1);
    memcpy(copy, data, len);
    copy[len] = '\0';
    if (route_unescape(copy, NULL))
        for (const unsigned char *c = (const unsigned char *)copy; *c; c++)
            if (*c < 0x20 || *c == 0x7f)
                abort();
    free(copy);
    free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    decode_bodies(data, len);
    match_path(data, len);
    return 0;
}
