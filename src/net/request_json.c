#include "net/request_json.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "domain/validate.h"

const char *json_field_name(const ArgSpec *a, char *buf, size_t size)
{
    size_t i = 0;
    for (; a->name[i] && i + 1 < size; i++)
        buf[i] = (char)tolower((unsigned char)a->name[i]);
    buf[i] = '\0';
    return buf;
}

const char *json_type_words(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number with a fraction or an exponent";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

/* The name of argument `a` in the JSON object, after `aliases`. */
static const char *json_key(const ArgSpec *a, const FieldAlias *aliases, char *buf, size_t size)
{
    json_field_name(a, buf, size);
    for (const FieldAlias *al = aliases; al && al->arg; al++)
        if (strcmp(al->arg, buf) == 0)
            return al->json;
    return buf;
}

static bool is_quantity(ArgKind k)
{
    return k == ARG_LINE_QTY || k == ARG_BATCH_QTY || k == ARG_EVENT_ID || k == ARG_COMMAND_ID;
}

/* The text of field `v` for argument `a` into *text (borrowed from v or jc). */
static AllotStatus field_text(const CommandSpec *spec, const ArgSpec *a, const char *key,
                              const json_t *v, JsonCommand *jc, size_t i, const char **text,
                              ErrBuf *err)
{
    if (is_quantity(a->kind)) {
        /* jansson reads a number written with a fraction or an exponent as a real,
         * whole or not (3.0, 1E3): only one written as an integer is taken. */
        if (!json_is_integer(v))
            return err_set(err, ALLOT_EINVALID, "%s: %s must be a whole number, not %s",
                           spec->name, key, json_type_words(v));
        snprintf(jc->numbers[i], sizeof jc->numbers[i], "%lld", (long long)json_integer_value(v));
        *text = jc->numbers[i];
        return ALLOT_OK;
    }
    if (a->kind == ARG_ETA || a->kind == ARG_NEED) {
        if (json_is_null(v)) {
            *text = "-";
            return ALLOT_OK;
        }
        if (!json_is_string(v))
            return err_set(err, ALLOT_EINVALID, "%s: %s must be a date (YYYY-MM-DD) or null, not %s",
                           spec->name, key, json_type_words(v));
        /* The command line's words for "none" ("-", "", blanks) are not dates on
         * the wire: none is null there. */
        int32_t day;
        ErrBuf ignored;
        if (validate_date(json_string_value(v), key, &day, &ignored) == ALLOT_OK &&
            day == ALLOT_NO_ETA) {
            char vb[ERR_VALUE_SIZE];
            return err_set(err, ALLOT_EINVALID,
                           "%s: %s \"%s\" is not a date (YYYY-MM-DD); null means none",
                           spec->name, key, err_value_str(json_string_value(v), vb, sizeof vb));
        }
        *text = json_string_value(v);
        return ALLOT_OK;
    }
    if (!json_is_string(v))
        return err_set(err, ALLOT_EINVALID, "%s: %s must be a string, not %s", spec->name, key,
                       json_type_words(v));
    *text = json_string_value(v);
    return ALLOT_OK;
}

/* jansson's error text, which may quote the bad input: control characters and
 * bytes outside ASCII become '?'. */
static const char *clean_text(const char *s, char *buf, size_t size)
{
    size_t i = 0;
    for (; s[i] && i + 1 < size; i++)
        buf[i] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ? '?' : s[i];
    buf[i] = '\0';
    return buf;
}

AllotStatus json_command_decode(const CommandSpec *spec, const char *body, size_t len,
                                const FieldAlias *aliases, JsonCommand *out, ErrBuf *err)
{
    memset(out, 0, sizeof *out);
    char vb[ERR_VALUE_SIZE];
    json_error_t je;
    out->root = json_loadb(body ? body : "", body ? len : 0, JSON_REJECT_DUPLICATES, &je);
    if (!out->root) {
        char t[JSON_ERROR_TEXT_LENGTH];
        return err_set(err, ALLOT_EINVALID, "%s: invalid JSON at line %d, column %d: %s",
                       spec->name, je.line, je.column, clean_text(je.text, t, sizeof t));
    }
    if (!json_is_object(out->root))
        return err_set(err, ALLOT_EINVALID, "%s: the body must be a JSON object, not %s",
                       spec->name, json_type_words(out->root));
    /* Every key must name an argument. */
    const char *k;
    json_t *v;
    json_object_foreach(out->root, k, v) {
        bool known = false;
        for (size_t i = 0; i < spec->nargs && !known; i++) {
            char kb[32];
            known = !spec->args[i].option &&
                    strcmp(json_key(&spec->args[i], aliases, kb, sizeof kb), k) == 0;
        }
        if (!known)
            return err_set(err, ALLOT_EINVALID, "%s: unknown field \"%s\"", spec->name,
                           err_value_str(k, vb, sizeof vb));
    }
    int argc = 0;
    out->argv[argc++] = (char *)spec->name;
    out->argv[argc++] = "--"; /* values only: an id "--json" is an id */
    const char *absent = NULL;
    for (size_t i = 0; i < spec->nargs; i++) {
        const ArgSpec *a = &spec->args[i];
        if (a->option)
            continue;
        char kb[32];
        const char *key = json_key(a, aliases, kb, sizeof kb);
        v = json_object_get(out->root, key);
        if (!v) {
            if (!a->optional)
                return err_set(err, ALLOT_EINVALID, "%s: missing field \"%s\"", spec->name, key);
            if (!absent)
                absent = a->name;
            continue;
        }
        if (absent) {
            char ab[32];
            ArgSpec tmp = {.name = absent};
            return err_set(err, ALLOT_EINVALID, "%s: field \"%s\" needs field \"%s\"", spec->name,
                           key, json_field_name(&tmp, ab, sizeof ab));
        }
        const char *text = NULL;
        AllotStatus s = field_text(spec, a, key, v, out, i, &text, err);
        if (s != ALLOT_OK)
            return s;
        out->argv[argc++] = (char *)text;
    }
    AllotStatus s = command_parse_argv(argc, out->argv, &out->pc, err);
    if (s == ALLOT_EUSAGE) /* cannot happen with the checks above; still a 400 */
        s = ALLOT_EINVALID;
    return s;
}

void json_command_fini(JsonCommand *jc)
{
    json_decref(jc->root);
    jc->root = NULL;
}
