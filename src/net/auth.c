#include "net/auth.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/xalloc.h"

struct ApiAuth {
    pthread_rwlock_t lock;
    char *file;  /* NULL: the token came from the environment */
    char *token; /* NULL: no token, every request passes */
    size_t len;
};

static bool token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-._~+/=", c) != NULL;
}

/* Checks `t` (NUL-terminated, `len` bytes); `where` names it in messages. */
static AllotStatus check_token(const char *t, size_t len, const char *where, ErrBuf *err)
{
    if (len == 0)
        return err_set(err, ALLOT_EUSAGE, "%s: the token is empty", where);
    if (len > AUTH_TOKEN_MAX)
        return err_set(err, ALLOT_EUSAGE, "%s: the token is longer than %d bytes", where,
                       AUTH_TOKEN_MAX);
    for (size_t i = 0; i < len; i++)
        if (!token_char(t[i]) || (t[i] == '=' && strspn(t + i, "=") != len - i))
            return err_set(err, ALLOT_EUSAGE,
                           "%s: the token has characters a bearer token cannot hold (use "
                           "letters, digits and - . _ ~ + /)",
                           where);
    return ALLOT_OK;
}

/* Reads the token of `path` into a heap string. */
static AllotStatus read_token_file(const char *path, char **out, size_t *len, ErrBuf *err)
{
    char where[4200];
    snprintf(where, sizeof where, "--token-file %s", path);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return err_set(err, ALLOT_EUSAGE, "%s: cannot read: %s", where, strerror(errno));
    char *buf = xmalloc(AUTH_TOKEN_MAX + 2);
    size_t n = fread(buf, 1, AUTH_TOKEN_MAX + 1, fp);
    bool bad = ferror(fp);
    int e = errno;
    fclose(fp);
    if (bad) {
        free(buf);
        return err_set(err, ALLOT_EUSAGE, "%s: cannot read: %s", where, strerror(e));
    }
    while (n > 0 && strchr(" \t\r\n", buf[n - 1]))
        n--;
    buf[n] = '\0';
    AllotStatus s = memchr(buf, '\0', n) ? err_set(err, ALLOT_EUSAGE,
                                                   "%s: the token has characters a bearer "
                                                   "token cannot hold", where)
                                         : check_token(buf, n, where, err);
    if (s != ALLOT_OK) {
        memset(buf, 0, AUTH_TOKEN_MAX + 2);
        free(buf);
        return s;
    }
    *out = buf;
    *len = n;
    return ALLOT_OK;
}

AllotStatus auth_new(const char *token_file, const char *env_token, ApiAuth **out, ErrBuf *err)
{
    *out = NULL;
    char *token = NULL;
    size_t len = 0;
    if (token_file) {
        AllotStatus s = read_token_file(token_file, &token, &len, err);
        if (s != ALLOT_OK)
            return s;
    } else if (env_token && env_token[0]) {
        len = strlen(env_token);
        AllotStatus s = check_token(env_token, len, "ALLOT_API_TOKEN", err);
        if (s != ALLOT_OK)
            return s;
        token = xstrdup(env_token);
    }
    ApiAuth *a = xcalloc(1, sizeof *a);
    pthread_rwlock_init(&a->lock, NULL);
    a->file = token_file ? xstrdup(token_file) : NULL;
    a->token = token;
    a->len = len;
    *out = a;
    return ALLOT_OK;
}

bool auth_enabled(ApiAuth *a)
{
    pthread_rwlock_rdlock(&a->lock);
    bool on = a->token != NULL;
    pthread_rwlock_unlock(&a->lock);
    return on;
}

bool auth_check(ApiAuth *a, const char *authorization)
{
    pthread_rwlock_rdlock(&a->lock);
    bool ok;
    if (!a->token) {
        ok = true;
    } else {
        const char *given = "";
        size_t glen = 0;
        if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0) {
            given = authorization + 7;
            while (*given == ' ')
                given++;
            glen = strlen(given);
            while (glen > 0 && given[glen - 1] == ' ')
                glen--;
        }
        /* Constant time over the token: every byte of it is compared, whatever was
         * sent; a shorter or longer value differs in its length. */
        unsigned char diff = glen != a->len;
        for (size_t i = 0; i < a->len; i++)
            diff |= (unsigned char)a->token[i] ^ (unsigned char)(i < glen ? given[i] : 0);
        ok = diff == 0;
    }
    pthread_rwlock_unlock(&a->lock);
    return ok;
}

AllotStatus auth_reload(ApiAuth *a, ErrBuf *err)
{
    if (!a->file)
        return ALLOT_OK;
    char *token;
    size_t len;
    AllotStatus s = read_token_file(a->file, &token, &len, err);
    if (s != ALLOT_OK)
        return s;
    pthread_rwlock_wrlock(&a->lock);
    char *old = a->token;
    size_t oldlen = a->len;
    a->token = token;
    a->len = len;
    pthread_rwlock_unlock(&a->lock);
    if (old) {
        memset(old, 0, oldlen);
        free(old);
    }
    return ALLOT_OK;
}

void auth_free(ApiAuth *a)
{
    if (!a)
        return;
    if (a->token) {
        memset(a->token, 0, a->len);
        free(a->token);
    }
    free(a->file);
    pthread_rwlock_destroy(&a->lock);
    free(a);
}
