/* fuzz_replay.c — the main() of every fuzz harness when it is not built for
 * libFuzzer: replays each file named on the command line through the harness's
 * LLVMFuzzerTestOneInput, and a few thousand mutations of each (flipped, inserted
 * and cut bytes; a poor man's fuzzer, but steady: the same seed every run), so that
 * ctest runs every harness under ASan+UBSan on its seed corpus (tests/fuzz/corpus/).
 *
 * Built for libFuzzer (-DALLOT_LIBFUZZER=ON with clang), libFuzzer brings its own
 * main and this file is left out. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* Bytes a mutation inserts: the structure characters of the harnesses' formats. */
static const char inserts[] = "\",\n\r \\#{}[]:%/";

int main(int argc, char **argv)
{
    unsigned seed = 99;
    for (int a = 1; a < argc; a++) {
        FILE *fp = fopen(argv[a], "rb");
        if (!fp) {
            perror(argv[a]);
            return 1;
        }
        uint8_t buf[4096];
        size_t n = fread(buf, 1, sizeof buf, fp);
        fclose(fp);
        LLVMFuzzerTestOneInput(buf, n);
        for (int round = 0; round < 20000; round++) {
            uint8_t m[4096 + 8];
            size_t len = n;
            memcpy(m, buf, n);
            int edits = 1 + rand_r(&seed) % 4;
            for (int e = 0; e < edits && len; e++) {
                size_t at = (size_t)rand_r(&seed) % len;
                switch (rand_r(&seed) % 3) {
                case 0:
                    m[at] = (uint8_t)rand_r(&seed);
                    break;
                case 1:
                    if (len < sizeof m - 1) {
                        memmove(m + at + 1, m + at, len - at);
                        m[at] = (uint8_t)inserts[(size_t)rand_r(&seed) % (sizeof inserts - 1)];
                        len++;
                    }
                    break;
                default:
                    memmove(m + at, m + at + 1, len - at - 1);
                    len--;
                }
            }
            LLVMFuzzerTestOneInput(m, len);
        }
    }
    return 0;
}
