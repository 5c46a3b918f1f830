/* The counters of allot serve (src/net/stats.h) and the escaping of log values
 * (src/net/log.h): what GET /metrics and the request lines are made of. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "app/command_table.h"
#include "net/log.h"
#include "net/stats.h"

static NetStats stats;

static long long answers_of(const RouteStats *r, unsigned status)
{
    for (size_t i = 0; i < STATS_STATUS_SLOTS; i++)
        if (atomic_load(&r->status[i]) == status)
            return atomic_load(&r->answers[i]);
    return -1;
}

Test(stats, each_answer_counts_once_by_route_status_and_time)
{
    memset(&stats, 0, sizeof stats);
    stats_answer(&stats, 2, 202, 400);     /* 0.4 ms: first bucket (<= 0.5 ms) */
    stats_answer(&stats, 2, 202, 500);     /* on the bound: still the first */
    stats_answer(&stats, 2, 400, 501);     /* just above: the second */
    stats_answer(&stats, 3, 200, 20000000); /* 20 s: above the last bound */
    cr_assert_eq(atomic_load(&stats.requests), 4);
    cr_assert_eq(answers_of(&stats.routes[2], 202), 2);
    cr_assert_eq(answers_of(&stats.routes[2], 400), 1);
    cr_assert_eq(answers_of(&stats.routes[3], 200), 1);
    cr_assert_eq(answers_of(&stats.routes[2], 200), -1);
    cr_assert_eq(atomic_load(&stats.routes[2].bucket[0]), 2);
    cr_assert_eq(atomic_load(&stats.routes[2].bucket[1]), 1);
    cr_assert_eq(atomic_load(&stats.routes[3].bucket[STATS_BUCKETS]), 1);
    cr_assert_eq(atomic_load(&stats.routes[2].micros), 1401);
}

Test(stats, statuses_beyond_the_slots_count_as_other_and_routes_past_the_table_as_the_last)
{
    memset(&stats, 0, sizeof stats);
    for (unsigned i = 0; i < STATS_STATUS_SLOTS + 3; i++)
        stats_answer(&stats, 0, 400 + i, 1);
    cr_assert_eq(atomic_load(&stats.routes[0].other), 3);
    cr_assert_eq(answers_of(&stats.routes[0], 400 + STATS_STATUS_SLOTS - 1), 1);
    stats_answer(&stats, STATS_ROUTES + 5, 404, 1);
    cr_assert_eq(answers_of(&stats.routes[STATS_ROUTES - 1], 404), 1);
}

static void *answer_many(void *arg)
{
    unsigned base = *(unsigned *)arg;
    for (int i = 0; i < 20000; i++)
        stats_answer(&stats, 1, base + (unsigned)(i % 4), i % 3000);
    return NULL;
}

Test(stats, threads_that_claim_slots_at_once_lose_no_answer_and_never_share_a_status)
{
    memset(&stats, 0, sizeof stats);
    pthread_t t[8];
    unsigned bases[8];
    for (int k = 0; k < 8; k++) {
        bases[k] = 200 + (unsigned)(k % 2) * 100; /* 200..203 and 300..303 */
        pthread_create(&t[k], NULL, answer_many, &bases[k]);
    }
    for (int k = 0; k < 8; k++)
        pthread_join(t[k], NULL);
    long long total = 0;
    for (size_t i = 0; i < STATS_STATUS_SLOTS; i++) {
        unsigned st = atomic_load(&stats.routes[1].status[i]);
        for (size_t j = 0; j < i && st; j++)
            cr_assert_neq(atomic_load(&stats.routes[1].status[j]), st, "status %u in two slots", st);
        if (st)
            cr_assert_eq(atomic_load(&stats.routes[1].answers[i]), 20000, "status %u", st);
        total += atomic_load(&stats.routes[1].answers[i]);
    }
    cr_assert_eq(total, 8 * 20000);
    long long in_buckets = 0;
    for (size_t b = 0; b <= STATS_BUCKETS; b++)
        in_buckets += atomic_load(&stats.routes[1].bucket[b]);
    cr_assert_eq(in_buckets, 8 * 20000);
}

Test(stats, commands_count_their_outcome_and_the_retries_beyond_the_first_run)
{
    memset(&stats, 0, sizeof stats);
    stats_command(&stats, CMD_ALLOCATE, ALLOT_OK, 1);
    stats_command(&stats, CMD_ALLOCATE, ALLOT_OK, 3);
    stats_command(&stats, CMD_ALLOCATE, ALLOT_ECONFLICT, 8);
    stats_command(&stats, CMD_CREATE_BATCH, ALLOT_EDUPLICATE_BATCH, 0);
    cr_assert_eq(atomic_load(&stats.commands[CMD_ALLOCATE][ALLOT_OK]), 2);
    cr_assert_eq(atomic_load(&stats.commands[CMD_ALLOCATE][ALLOT_ECONFLICT]), 1);
    cr_assert_eq(atomic_load(&stats.commands[CMD_CREATE_BATCH][ALLOT_EDUPLICATE_BATCH]), 1);
    cr_assert_eq(atomic_load(&stats.retries[CMD_ALLOCATE]), 2 + 7);
    cr_assert_eq(atomic_load(&stats.retries[CMD_CREATE_BATCH]), 0);
}

Test(log, values_keep_the_path_as_sent_and_escape_blanks_quotes_and_controls)
{
    char buf[64];
    cr_assert_str_eq(log_escape("/allocations/o%2F1", buf, sizeof buf), "/allocations/o%2F1");
    cr_assert_str_eq(log_escape("/a b\"c\\\n\x7f\xc3\xa9", buf, sizeof buf),
                     "/a%20b%22c%5C%0A%7F%C3%A9");
    char longer[200];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    log_escape(longer, buf, sizeof buf);
    cr_assert_eq(strlen(buf), sizeof buf - 1);
    cr_assert_str_eq(buf + strlen(buf) - 3, "...");
    char tight[8];
    cr_assert_str_eq(log_escape("\x01\x02", tight, sizeof tight), "%01..."); /* 7 bytes and NUL */
}

Test(log, levels_are_parsed_by_name_and_filter_lines_above_them)
{
    LogLevel lv;
    cr_assert(log_level_parse("warn", &lv));
    cr_assert_eq(lv, LOG_LEVEL_WARN);
    cr_assert_not(log_level_parse("WARN", &lv));
    cr_assert_not(log_level_parse("loud", &lv));
    cr_assert_not(log_level_parse(NULL, &lv));
    NetLog l = {.out = NULL, .level = LOG_LEVEL_WARN};
    cr_assert(netlog_on(&l, LOG_LEVEL_ERROR));
    cr_assert(netlog_on(&l, LOG_LEVEL_WARN));
    cr_assert_not(netlog_on(&l, LOG_LEVEL_INFO));
    const char *choices = LOG_LEVEL_CHOICES;
    for (const char *p = choices; *p;) {
        char word[16];
        size_t n = strcspn(p, "|");
        memcpy(word, p, n);
        word[n] = '\0';
        cr_assert(log_level_parse(word, &lv), "%s", word);
        p += n + (p[n] == '|');
    }
}

Test(log, the_serve_command_offers_exactly_the_levels_the_log_knows)
{
    const CommandSpec *serve = command_lookup("serve");
    cr_assert_not_null(serve);
    const ArgSpec *level = NULL;
    for (size_t i = 0; i < serve->nargs; i++)
        if (serve->args[i].option && strcmp(serve->args[i].option, "--log-level") == 0)
            level = &serve->args[i];
    cr_assert_not_null(level);
    cr_assert_str_eq(level->choices, LOG_LEVEL_CHOICES);
}
