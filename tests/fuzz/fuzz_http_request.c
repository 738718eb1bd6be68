/*
 * fuzz_http_request.c -- libFuzzer target for srv_parse_request, the request
 * parser of `awsrole serve`'s endpoint (the agent lane, issue 11).
 *
 * The input is the bytes a client sent so far.  It is handed over as an
 * exact-size heap copy, (buf, len) with no NUL after it, as the server's
 * read buffer would be: ASan then catches any read past len.  Contract
 * (awsrole.h):
 *   0    a complete GET request head: rq->method, target, auth, ua, view
 *        point into rq->head (auth/ua/view NULL when absent), rq->path is
 *        the target percent-decoded, NUL-terminated
 *   >0   the HTTP status to answer (400 405 414 431 505)
 *   -1   the head is not complete yet: read more
 * Checked besides the sanitizers:
 *   - the result is one of those; parsing the same bytes twice gives the
 *     same result and the same strings;
 *   - for 0: the method is GET, the target starts with "/", every pointer
 *     is inside rq->head, rq->path ends within its array, and no header
 *     value holds a CR or LF (serve logs User-Agent and the view's name);
 *   - "need more" is bounded: with a blank line (CRLF CRLF, after any empty
 *     lines at the start) in the input, or more than AR_SRV_HEAD_MAX bytes,
 *     the answer is never -1;
 *   - the answer does not depend on how TCP split the bytes, for inputs the
 *     server can hold (AR_SRV_HEAD_MAX + 1 bytes): at a few prefixes, a
 *     prefix that is accepted gives the same request as the whole input,
 *     and a prefix that is refused means the whole input is not accepted
 *     either (the two refusals may differ: a long request line without its
 *     LF is 414 at once, the whole head may be 431 or 400).
 *
 *   make fuzz-build && build/fuzz/fuzz_http_request tests/fuzz/corpus/fuzz_http_request
 */
#define AWSROLE_NO_MAIN
#include "../../awsrole.c"

#define FZ_IS_ARRAY(a) \
	(!__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])))

struct fz_result {
	int rc;
	struct srv_request rq;
};

static void
fz_parse(const uint8_t *data, size_t size, struct fz_result *r)
{
	char *buf = xmalloc(size ? size : 1);

	memcpy(buf, data, size);
	memset(&r->rq, 0, sizeof(r->rq));
	r->rc = srv_parse_request(buf, size, &r->rq);
	/* rq holds its own copies: nothing may point into buf afterwards. */
	memset(buf, 'Z', size);
	free(buf);
}

static void
fz_check_value(const char *v)
{
	if (v != NULL && strpbrk(v, "\r\n") != NULL) {
		fprintf(stderr, "header value with CR/LF: \"%s\"\n", v);
		__builtin_trap();
	}
}

static int
fz_same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
fz_same(const struct fz_result *a, const struct fz_result *b, const char *what)
{
	if (a->rc != b->rc) {
		fprintf(stderr, "%s: %d, then %d\n", what, a->rc, b->rc);
		__builtin_trap();
	}
	if (a->rc == 0 && (strcmp(a->rq.path, b->rq.path) != 0 ||
	    strcmp(a->rq.target, b->rq.target) != 0 ||
	    !fz_same_str(a->rq.auth, b->rq.auth) ||
	    !fz_same_str(a->rq.ua, b->rq.ua) ||
	    !fz_same_str(a->rq.view, b->rq.view))) {
		fprintf(stderr, "%s: same status, different request\n", what);
		__builtin_trap();
	}
}

static void
fz_check_inside(const struct srv_request *rq, const char *p, const char *what)
{
	if (p != NULL && (p < rq->head || p >= rq->head + sizeof(rq->head) ||
	    strnlen(p, (size_t)(rq->head + sizeof(rq->head) - p)) ==
	    (size_t)(rq->head + sizeof(rq->head) - p))) {
		fprintf(stderr, "rq.%s is not a string inside rq.head\n", what);
		__builtin_trap();
	}
}

static void
fz_check_ok(const struct fz_result *r)
{
	const struct srv_request *rq = &r->rq;

	if (FZ_IS_ARRAY(rq->path) &&
	    strnlen(rq->path, sizeof(rq->path)) >= sizeof(rq->path)) {
		fprintf(stderr, "rq.path is not NUL-terminated\n");
		__builtin_trap();
	}
	fz_check_inside(rq, rq->method, "method");
	fz_check_inside(rq, rq->target, "target");
	fz_check_inside(rq, rq->auth, "auth");
	fz_check_inside(rq, rq->ua, "ua");
	fz_check_inside(rq, rq->view, "view");
	if (rq->method == NULL || strcmp(rq->method, "GET") != 0 ||
	    rq->target == NULL || rq->target[0] != '/') {
		fprintf(stderr, "accepted, but not GET /...\n");
		__builtin_trap();
	}
	fz_check_value(rq->auth);
	fz_check_value(rq->ua);
	fz_check_value(rq->view);
}

/*
 * A CRLF CRLF after the first byte that is not CR or LF (RFC 9112 lets a
 * server skip empty lines before the request line).
 */
static int
fz_has_blank_line(const uint8_t *data, size_t size)
{
	size_t i = 0;

	while (i < size && (data[i] == '\r' || data[i] == '\n'))
		i++;
	return memmem(data + i, size - i, "\r\n\r\n", 4) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_result whole, again, part;
	size_t cuts[3], i;

	fz_parse(data, size, &whole);
	if (whole.rc < -1 || (whole.rc > 0 && (whole.rc < 400 || whole.rc > 599))) {
		fprintf(stderr, "srv_parse_request returned %d\n", whole.rc);
		__builtin_trap();
	}
	if (whole.rc == 0)
		fz_check_ok(&whole);
	if (whole.rc == -1 && (size > AR_SRV_HEAD_MAX || fz_has_blank_line(data, size))) {
		fprintf(stderr, "-1 (need more) for %zu bytes%s\n", size,
		    size > AR_SRV_HEAD_MAX ? "" : " that hold a blank line");
		__builtin_trap();
	}
	fz_parse(data, size, &again);
	fz_same(&whole, &again, "the same bytes twice");

	/* A few prefixes: at a third, at the half, one byte short. */
	if (size > AR_SRV_HEAD_MAX + 1)
		return 0;
	cuts[0] = size / 3;
	cuts[1] = size / 2;
	cuts[2] = size ? size - 1 : 0;
	for (i = 0; i < 3; i++) {
		if (cuts[i] == 0 || cuts[i] >= size)
			continue;
		fz_parse(data, cuts[i], &part);
		if (part.rc == 0) {
			fz_check_ok(&part);
			fz_same(&part, &whole, "a prefix, then the whole input");
		} else if (part.rc > 0 && whole.rc == 0) {
			fprintf(stderr, "a prefix of %zu bytes is refused (%d), the "
			    "whole input is accepted\n", cuts[i], part.rc);
			__builtin_trap();
		}
	}
	return 0;
}
