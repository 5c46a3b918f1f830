#include "net/metrics.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "net/api.h"
#include "net/routes.h"
#include "version.h"

/* A label value: '\', '"' and newline escaped as the format wants. */
static void label(FILE *out, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            fputc('\\', out), fputc(*v, out);
        else if (*v == '\n')
            fputs("\\n", out);
        else
            fputc(*v, out);
    }
}

static void head(FILE *out, const char *name, const char *type, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* method="GET",route="/allocations/{orderid}" of route row `i` (or "none"). */
static void route_labels(FILE *out, size_t i)
{
    const RouteSpec *r = route_table_at(i);
    fputs("method=\"", out);
    label(out, r ? r->method : "");
    fputs("\",route=\"", out);
    label(out, r ? r->pattern : "none");
    fputc('"', out);
}

static int64_t sum_of(const atomic_llong *v, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += atomic_load(&v[i]);
    return s;
}

static void write_http(FILE *out, Server *srv, const MetricsNow *now)
{
    NetStats *ns = &srv->stats;
    size_t nroutes = route_table_count() + 1; /* the last: requests that matched none */
    head(out, "allot_http_requests_total", "counter",
         "HTTP requests answered, by route (the route table's pattern; none: no route "
         "matched) and status.");
    for (size_t i = 0; i < nroutes; i++) {
        RouteStats *rs = &ns->routes[i];
        for (size_t k = 0; k < STATS_STATUS_SLOTS; k++) {
            unsigned status = atomic_load(&rs->status[k]);
            if (!status)
                break;
            fputs("allot_http_requests_total{", out);
            route_labels(out, i);
            fprintf(out, ",status=\"%u\"} %lld\n", status, (long long)atomic_load(&rs->answers[k]));
        }
        long long other = atomic_load(&rs->other);
        if (other) {
            fputs("allot_http_requests_total{", out);
            route_labels(out, i);
            fprintf(out, ",status=\"other\"} %lld\n", other);
        }
    }
    head(out, "allot_http_request_duration_seconds", "histogram",
         "Time from the first byte of a request to its answer being handed to the HTTP "
         "library, by route.");
    for (size_t i = 0; i < nroutes; i++) {
        RouteStats *rs = &ns->routes[i];
        int64_t count = sum_of(rs->bucket, STATS_BUCKETS + 1);
        if (count == 0)
            continue;
        int64_t cum = 0;
        for (size_t b = 0; b <= STATS_BUCKETS; b++) {
            cum += atomic_load(&rs->bucket[b]);
            fputs("allot_http_request_duration_seconds_bucket{", out);
            route_labels(out, i);
            if (b < STATS_BUCKETS)
                fprintf(out, ",le=\"%g\"} %lld\n", (double)stats_bucket_bounds_us[b] / 1e6,
                        (long long)cum);
            else
                fprintf(out, ",le=\"+Inf\"} %lld\n", (long long)cum);
        }
        fputs("allot_http_request_duration_seconds_sum{", out);
        route_labels(out, i);
        fprintf(out, "} %.6f\n", (double)atomic_load(&rs->micros) / 1e6);
        fputs("allot_http_request_duration_seconds_count{", out);
        route_labels(out, i);
        fprintf(out, "} %lld\n", (long long)count);
    }
    head(out, "allot_http_requests_in_flight", "gauge",
         "HTTP requests being answered now, event streams included.");
    fprintf(out, "allot_http_requests_in_flight %d\n", now->in_flight);
    head(out, "allot_http_event_streams", "gauge", "Event streams open now.");
    fprintf(out, "allot_http_event_streams %d\n", now->streams);
    head(out, "allot_http_timeouts_total", "counter",
         "Connections cut because a request did not arrive in time.");
    fprintf(out, "allot_http_timeouts_total %lld\n", (long long)atomic_load(&ns->timed_out));
}

static void write_commands(FILE *out, Server *srv)
{
    NetStats *ns = &srv->stats;
    head(out, "allot_commands_total", "counter",
         "Bus commands run (from HTTP and Redis), by type and outcome (ok, or the error).");
    for (int t = 0; t < CMD_TYPE_COUNT; t++) {
        for (int o = 0; o < ALLOT_STATUS_COUNT; o++) {
            long long n = atomic_load(&ns->commands[t][o]);
            if (n == 0 && o != ALLOT_OK)
                continue;
            char outcome[48];
            fprintf(out, "allot_commands_total{command=\"%s\",outcome=\"%s\"} %lld\n",
                    command_type_name((CommandType)t),
                    api_status_error((AllotStatus)o, outcome, sizeof outcome), n);
        }
    }
    head(out, "allot_command_retries_total", "counter",
         "Runs of a command's handler again after a concurrent update (write conflict).");
    for (int t = 0; t < CMD_TYPE_COUNT; t++)
        fprintf(out, "allot_command_retries_total{command=\"%s\"} %lld\n",
                command_type_name((CommandType)t), (long long)atomic_load(&ns->retries[t]));
}

static void write_redis(FILE *out, Server *srv, const MetricsNow *now)
{
    NetStats *ns = &srv->stats;
    head(out, "allot_redis_connected", "gauge", "1 while the link to Redis is up, by link.");
    fprintf(out, "allot_redis_connected{link=\"consumer\"} %d\n",
            atomic_load(&ns->consumer_connected));
    fprintf(out, "allot_redis_connected{link=\"relay\"} %d\n", atomic_load(&ns->relay_connected));
    head(out, "allot_redis_messages_total", "counter",
         "change_batch_quantity messages taken, by outcome (ok: run; refused: logged).");
    fprintf(out, "allot_redis_messages_total{outcome=\"ok\"} %lld\n",
            (long long)atomic_load(&ns->redis_messages));
    fprintf(out, "allot_redis_messages_total{outcome=\"refused\"} %lld\n",
            (long long)atomic_load(&ns->redis_bad_messages));
    head(out, "allot_relay_leader", "gauge",
         "1 while this process holds the relay's lease (it publishes).");
    fprintf(out, "allot_relay_leader %d\n", atomic_load(&ns->relay_leader));
    int64_t position = atomic_load(&ns->relay_position);
    head(out, "allot_relay_position", "gauge",
         "The id of the last event the relay published (its stored position).");
    fprintf(out, "allot_relay_position %lld\n", (long long)position);
    head(out, "allot_relay_published_events_total", "counter",
         "Events this process published to allot.events.");
    fprintf(out, "allot_relay_published_events_total %lld\n",
            (long long)atomic_load(&ns->relay_published));
    head(out, "allot_relay_batches_total", "counter", "Pipelines of events published.");
    fprintf(out, "allot_relay_batches_total %lld\n", (long long)atomic_load(&ns->relay_batches));
    if (now->latest_known) {
        int64_t lag = now->latest_event_id - position;
        head(out, "allot_relay_lag_events", "gauge",
             "Events in the log after the relay's position: not yet published.");
        fprintf(out, "allot_relay_lag_events %lld\n", (long long)(lag > 0 ? lag : 0));
    }
}

/* The resident set in bytes (Linux /proc), or -1. */
static long long resident_bytes(void)
{
    FILE *fp = fopen("/proc/self/statm", "r");
    long long pages = -1, resident = -1;
    if (fp) {
        if (fscanf(fp, "%lld %lld", &pages, &resident) != 2)
            resident = -1;
        fclose(fp);
    }
    return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* the one of opendir */
}

static void write_process(FILE *out, Server *srv)
{
    head(out, "process_start_time_seconds", "gauge",
         "When allot serve started, in seconds since 1970-01-01 UTC.");
    fprintf(out, "process_start_time_seconds %.3f\n", (double)srv->started_ms / 1000.0);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        head(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent.");
        fprintf(out, "process_cpu_seconds_total %.6f\n",
                (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
    }
    long long rss = resident_bytes();
    if (rss >= 0) {
        head(out, "process_resident_memory_bytes", "gauge", "Resident memory.");
        fprintf(out, "process_resident_memory_bytes %lld\n", rss);
    }
    int fds = open_fds();
    if (fds >= 0) {
        head(out, "process_open_fds", "gauge", "Open file descriptors.");
        fprintf(out, "process_open_fds %d\n", fds);
    }
}

void metrics_write(FILE *out, Server *srv, const MetricsNow *now)
{
    head(out, "allot_build_info", "gauge", "The version of allot serving.");
    fputs("allot_build_info{version=\"", out);
    label(out, ALLOT_VERSION);
    fputs("\"} 1\n", out);
    head(out, "allot_store_info", "gauge", "The kind of store served: sqlite or postgresql.");
    fputs("allot_store_info{kind=\"", out);
    label(out, srv->stores->kind);
    fputs("\"} 1\n", out);
    write_http(out, srv, now);
    write_commands(out, srv);
    if (srv->relay || srv->consumer)
        write_redis(out, srv, now);
    write_process(out, srv);
}
