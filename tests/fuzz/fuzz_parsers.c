/* fuzz_parsers — fuzz harnesses for allot's two parsers: the command grammar
 * (command_parse_line) and the CSV reader (csv_reader_*).
 *
 * LLVMFuzzerTestOneInput is the libFuzzer entry point; fuzz_replay.c replays the
 * seed corpus (tests/fuzz/corpus/) with mutations for ctest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_parse.h"
#include "persistence/csv_io.h"

static void parse_lines(const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    TokenList toks;
    token_list_init(&toks);
    for (char *line = copy, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        ParsedCommand pc;
        ErrBuf err = {{0}};
        AllotStatus st = command_parse_line(line, &toks, &pc, &err);
        if (st != ALLOT_OK && !err.msg[0])
            abort(); /* every refusal says why */
        ErrBuf e2;
        command_tokenize(line, true, &toks, &e2);
    }
    token_list_fini(&toks);
    free(copy);
}

static void read_csv(const uint8_t *data, size_t len)
{
    static const char *const cols[] = {"ref", "sku", "qty", "eta"};
    static const bool optional[] = {false, false, true, true};
    if (len == 0)
        return;
    FILE *fp = fmemopen((void *)data, len, "r");
    if (!fp)
        return;
    CsvReader *r;
    ErrBuf err = {{0}};
    if (csv_reader_open(fp, "fuzz.csv", cols, optional, 4, &r, &err) == ALLOT_OK) {
        for (;;) {
            const char *const *f;
            long line;
            bool done;
            if (csv_reader_next(r, &f, &line, &done, &err) != ALLOT_OK || done)
                break;
            if (line < 1)
                abort();
            for (int i = 0; i < 4; i++)
                (void)strlen(f[i]);
        }
        csv_reader_free(r);
    } else if (!err.msg[0]) {
        abort();
    }
    fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    parse_lines((const char *)data, len);
    read_csv(data, len);
    return 0;
}
