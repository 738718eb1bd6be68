/*
 * fuzz_cache.c -- libFuzzer target for cache_parse (section 10) and
 * iso8601_parse (section 1).
 *
 * The input, as a NUL-terminated copy, is read as a cache entry.  An entry
 * that parses is written back with cache_body and read again: the second
 * read must give the same credentials (role_id only travels with an arn,
 * and only expiry times in years 1970..9999 can be written back).  The
 * same text also goes to iso8601_parse on its own.
 *
 *   make fuzz-build && build/fuzz/fuzz_cache tests/fuzz/corpus/fuzz_cache
 */
#define AWSROLE_NO_MAIN
#include "../../awsrole.c"

#define FZ_YEAR_1970   ((time_t)0)
#define FZ_YEAR_10000  ((time_t)253402300800)   /* 10000-01-01T00:00:00Z */

static int
fz_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
fz_round_trip(const struct creds *c)
{
	struct creds again;
	char *body;

	if (c->expires < FZ_YEAR_1970 || c->expires >= FZ_YEAR_10000)
		return;
	memset(&again, 0, sizeof(again));
	body = cache_body(c);
	if (cache_parse(body, &again) != 0 ||
	    again.expires != c->expires ||
	    !fz_same(again.akid, c->akid) ||
	    !fz_same(again.secret, c->secret) ||
	    !fz_same(again.token, c->token) ||
	    !fz_same(again.arn, c->arn) ||
	    !fz_same(again.account, c->account) ||
	    (c->arn != NULL && !fz_same(again.role_id, c->role_id))) {
		fprintf(stderr, "cache round trip differs:\n%s\n", body);
		__builtin_trap();
	}
	creds_clear(&again);
	ar_free_secret(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct creds c;
	char *text;
	time_t t;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&c, 0, sizeof(c));
	if (cache_parse(text, &c) == 0)
		fz_round_trip(&c);
	creds_clear(&c);
	(void)iso8601_parse(text, &t);
	free(text);
	return 0;
}
