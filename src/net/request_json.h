/* request_json.h — a JSON object turned into a checked bus command, through the
 * same parser as the command line (app/command_parse.h), so that the HTTP API and
 * the Redis consumer accept exactly what the CLI accepts and refuse it with the
 * CLI's messages (SPEC.md §7.1, §7.2).
 *
 * The fields are the command's arguments, named as in its usage line, lower case
 * (`add-batch REF SKU QTY [ETA]` takes {"ref","sku","qty","eta"}); a caller may
 * rename fields (the Redis message says "batchref" for "ref").  Each value has
 * the JSON type of its kind:
 *   identifiers (ref, sku, orderid)  a string
 *   quantities (qty), command ids    an integer (a JSON number without fraction or
 *                                    exponent); 3.5, 1e99, "3", and also 3.0 and
 *                                    1E3 (whole, but written as reals) are refused
 *   dates (eta, need)                a string "YYYY-MM-DD", or null (or absent) for none
 *                                    (the CLI's "-" and "" are refused)
 * then the text goes through command_parse_argv: identifiers are trimmed and
 * checked, quantities range-checked, dates calendar-checked, as on the command line.
 * Missing fields, fields the command does not take, and a body that is not one JSON
 * object (bad syntax, invalid UTF-8, a NUL escape, duplicate keys, nesting deeper
 * than jansson's limit) are refused.  Every refusal is ALLOT_EINVALID (400) with a
 * message naming the command and the field; nothing reaches the bus.
 */
#ifndef ALLOT_NET_REQUEST_JSON_H
#define ALLOT_NET_REQUEST_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "app/command_parse.h"

/* A field of the JSON object that stands for an argument of another name. */
typedef struct FieldAlias {
    const char *arg;  /* the argument's own field name: "ref" */
    const char *json; /* the name in the JSON object: "batchref" */
} FieldAlias;

/* A decoded command.  Owns the JSON document and the argument texts that
 * pc.values point into: json_command_fini frees them. */
typedef struct JsonCommand {
    ParsedCommand pc;
    json_t *root;
    char *argv[COMMAND_MAX_ARGS + 2];
    char numbers[COMMAND_MAX_ARGS][32];
} JsonCommand;

/* Decodes `body` (`len` bytes, any bytes) as the positional arguments of command
 * `spec` (its options are not fields), with `aliases` (NULL or ending with {NULL,
 * NULL}).  On success out->pc holds the checked values, and for a bus command
 * (command_is_bus) out->pc.cmd is ready for bus_handle.  Errors: ALLOT_EINVALID, the message naming
 * the command and the field or the JSON error's place ("allocate: invalid JSON at
 * line 1, column 9: ..."; "allocate: qty must be a whole number, not a string" or "..., not a number with a
 * fraction or an exponent";
 * "allocate: missing field \"sku\""; "allocate: unknown field \"colour\""; and the
 * CLI's messages for values).  out is always fini-able. */
AllotStatus json_command_decode(const CommandSpec *spec, const char *body, size_t len,
                                const FieldAlias *aliases, JsonCommand *out, ErrBuf *err);

void json_command_fini(JsonCommand *jc);

/* The lower-case field name of argument `a` ("QTY" -> "qty") into buf. */
const char *json_field_name(const ArgSpec *a, char *buf, size_t size);

/* The JSON type of `v` as a word for messages: "a string", "an array", "null". */
const char *json_type_words(const json_t *v);

#endif
