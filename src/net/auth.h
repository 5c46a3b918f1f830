/* auth.h — the bearer token of `allot serve` (SPEC.md §7, issue 11 "Security").
 *
 * With a token (from --token-file FILE, else ALLOT_API_TOKEN) every request must
 * carry `Authorization: Bearer TOKEN`; the comparison takes the same time whatever
 * the bytes sent (it depends on the token's length only).  The token is never
 * written anywhere: not in messages, not in logs.
 *
 * The token is held behind a lock so that a running server can reload its file
 * (SIGHUP, issue 16) while requests are checked.
 */
#ifndef ALLOT_NET_AUTH_H
#define ALLOT_NET_AUTH_H

#include <stdbool.h>

#include "domain/status.h"

/* Longest token accepted, in bytes. */
#define AUTH_TOKEN_MAX 4096

typedef struct ApiAuth ApiAuth;

/* The token of `token_file` (path, or NULL) else `env_token` (NULL or "" = none):
 * *out has no token when neither is given.  A file's content is the token with
 * trailing blanks and line ends removed.  A token is 1..AUTH_TOKEN_MAX bytes of
 * the characters of RFC 6750 b64token (letters, digits, - . _ ~ + / and trailing
 * =).  Errors: ALLOT_EUSAGE "--token-file FILE: cannot read: REASON", "...: the
 * token is empty", "...: the token has characters a bearer token cannot hold"
 * (never quoting it). */
AllotStatus auth_new(const char *token_file, const char *env_token, ApiAuth **out, ErrBuf *err);

/* True if requests must carry the token. */
bool auth_enabled(ApiAuth *a);

/* True if `authorization` (the header's value, NULL if absent) is "Bearer TOKEN"
 * (scheme case-insensitive) with the token, or if there is no token. */
bool auth_check(ApiAuth *a, const char *authorization);

/* Reads the token file again (the environment's token does not change); on error
 * the old token stays.  Errors: as auth_new. */
AllotStatus auth_reload(ApiAuth *a, ErrBuf *err);

void auth_free(ApiAuth *a);

#endif
