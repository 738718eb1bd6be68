/*
 * unit_agent.c -- the agent lane and the session controls of awsrole.c:
 * serve's request parser (srv_parse_request) and token comparison
 * (ct_equal), json_minify, base64url, split_list / tag_text_len /
 * valid_source_identity, scope_build on profiles read by config_load,
 * cache_key with session controls (against botocore's own key), the agent
 * view's config text (view_config_text, read back by botocore, Python's
 * shlex and /bin/sh) and its environment (view_vars).
 *
 *   make build/unit_agent && build/unit_agent      (cwd: the repo root)
 *
 * Where the expected values come from:
 *   - srv_parse_request: its contract comment and RFC 9112 (a method is
 *     1*tchar; a head that is a prefix of an acceptable one is "not
 *     complete yet", -1);
 *   - base64url: RFC 4648 section 10's vectors (padding dropped, section 5
 *     alphabet) and Python's base64.urlsafe_b64encode (command below);
 *   - scope_build: AWS's documented limits as the README states them
 *     (10 policy ARNs, 2048 characters of policy + ARNs, 50 tags, keys
 *     1-128 and values 0-256 characters, no aws: prefix, SourceIdentity
 *     2-64 of [\w+=,.@-]);
 *   - cache_key: botocore 1.43.11's AssumeRoleCredentialFetcher (the
 *     generating script is given above the table);
 *   - view_config_text: botocore's configloader, shlex.split and /bin/sh
 *     run on the generated file at test time (python3, or $PY);
 *   - view_vars: the README's "How the view works".
 *
 * Prints "ok agent/NAME" or "FAIL agent/NAME" with both sides, then
 * "agent: N passed, N failed"; exits 1 if anything failed.
 */
#include "../awsrole.c"

#define UNIT_GROUP "agent"
#include "unit.h"

static char t_dir[] = "/tmp/unit_agent.XXXXXX";

/* Write text to t_dir/name; its path into path. */
static void
t_write(const char *name, const char *text, char path[PATH_MAX])
{
	FILE *f;

	snprintf(path, PATH_MAX, "%s/%s", t_dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		printf("# cannot write %s: %s\n", path, strerror(errno));
		abort();
	}
}

/* ------------------------------------------------------------------------
 * srv_parse_request
 * ------------------------------------------------------------------------ */

static struct srv_request t_rq;

static int
t_parse_n(const char *s, size_t n)
{
	return srv_parse_request(s, n, &t_rq);
}

static int
t_parse(const char *s)
{
	return t_parse_n(s, strlen(s));
}

/* The status of parsing s[0..n) is want. */
static void
t_status_n(const char *name, const char *s, size_t n, int want)
{
	char sub[160];

	snprintf(sub, sizeof(sub), "srv_parse_request/%s", name);
	unit_check_long(sub, want, t_parse_n(s, n));
}

static void
t_status(const char *name, const char *s, int want)
{
	t_status_n(name, s, strlen(s), want);
}

/* "GET /" + k times 'a' + " HTTP/1.1": a request line of 14 + k bytes. */
static void
t_long_line(struct ar_buf *b, size_t k)
{
	buf_adds(b, "GET /");
	while (k-- > 0)
		buf_add(b, "a", 1);
	buf_adds(b, " HTTP/1.1");
}

static void
test_parse_request(void)
{
	struct ar_buf b = { 0 };
	char got[4 * AR_SRV_LINE_MAX];
	size_t i;
	int rc;

	rc = t_parse("GET /v1/credentials/CustomerA HTTP/1.1\r\n"
	    "Host: 127.0.0.1:60561\r\nAuthorization: tok123\r\n"
	    "User-Agent: aws-sdk-js/3.0\r\nX-Awsrole-View: sub1\r\n"
	    "Accept: */*\r\n\r\n");
	snprintf(got, sizeof(got), "rc %d method %s target %s path %s auth %s "
	    "ua %s view %s", rc, UNIT_STR(t_rq.method), UNIT_STR(t_rq.target),
	    t_rq.path, UNIT_STR(t_rq.auth), UNIT_STR(t_rq.ua),
	    UNIT_STR(t_rq.view));
	unit_check_str("srv_parse_request/valid-get",
	    "rc 0 method GET target /v1/credentials/CustomerA path "
	    "/v1/credentials/CustomerA auth tok123 ua aws-sdk-js/3.0 view sub1",
	    got);

	rc = t_parse("GET /v1/status HTTP/1.0\r\n\r\n");
	snprintf(got, sizeof(got), "rc %d path %s auth %s ua %s view %s", rc,
	    t_rq.path, UNIT_STR(t_rq.auth), UNIT_STR(t_rq.ua),
	    UNIT_STR(t_rq.view));
	unit_check_str("srv_parse_request/http-1.0-no-headers",
	    "rc 0 path /v1/status auth (null) ua (null) view (null)", got);

	/* header names are case-insensitive */
	rc = t_parse("GET / HTTP/1.1\r\naUTHORIZATION: a\r\nuser-agent: u\r\n"
	    "X-AWSROLE-VIEW: v\r\n\r\n");
	snprintf(got, sizeof(got), "rc %d auth %s ua %s view %s", rc,
	    UNIT_STR(t_rq.auth), UNIT_STR(t_rq.ua), UNIT_STR(t_rq.view));
	unit_check_str("srv_parse_request/header-names-case-insensitive",
	    "rc 0 auth a ua u view v", got);

	/* optional white space around the value is not part of it */
	rc = t_parse("GET / HTTP/1.1\r\nAuthorization: \t tok \t \r\n"
	    "User-Agent:a b\tc  \r\nX-Awsrole-View:\r\n\r\n");
	snprintf(got, sizeof(got), "rc %d auth [%s] ua [%s] view [%s]", rc,
	    UNIT_STR(t_rq.auth), UNIT_STR(t_rq.ua), UNIT_STR(t_rq.view));
	unit_check_str("srv_parse_request/ows-trimmed",
	    "rc 0 auth [tok] ua [a b\tc] view []", got);

	/* rq starts empty on every call */
	t_parse("GET / HTTP/1.1\r\nAuthorization: x\r\n\r\n");
	rc = t_parse("GET /b HTTP/1.1\r\n\r\n");
	unit_check("srv_parse_request/rq-reset", rc == 0 && t_rq.auth == NULL &&
	    strcmp(t_rq.path, "/b") == 0, "rc 0, auth NULL, path /b",
	    t_rq.auth);

	/* percent-decoding of the target into path */
	rc = t_parse("GET /v1/credentials/Access%20CustomerA HTTP/1.1\r\n\r\n");
	snprintf(got, sizeof(got), "rc %d target %s path %s", rc,
	    UNIT_STR(t_rq.target), t_rq.path);
	unit_check_str("srv_parse_request/percent-20",
	    "rc 0 target /v1/credentials/Access%20CustomerA path "
	    "/v1/credentials/Access CustomerA", got);
	rc = t_parse("GET /x%c3%A9%2fy%27 HTTP/1.1\r\n\r\n");
	snprintf(got, sizeof(got), "rc %d path %s", rc, t_rq.path);
	unit_check_str("srv_parse_request/percent-hex-either-case",
	    "rc 0 path /x\xc3\xa9/y'", got);
	t_status("percent-00-refused", "GET /a%00b HTTP/1.1\r\n\r\n", 400);
	t_status("percent-01-refused", "GET /a%01b HTTP/1.1\r\n\r\n", 400);
	t_status("percent-0a-refused", "GET /a%0Ab HTTP/1.1\r\n\r\n", 400);
	t_status("percent-1f-refused", "GET /a%1fb HTTP/1.1\r\n\r\n", 400);
	t_status("percent-7f-refused", "GET /a%7Fb HTTP/1.1\r\n\r\n", 400);
	t_status("percent-20-ok", "GET /a%20b HTTP/1.1\r\n\r\n", 0);
	t_status("percent-truncated-end", "GET /a% HTTP/1.1\r\n\r\n", 400);
	t_status("percent-one-digit", "GET /a%4 HTTP/1.1\r\n\r\n", 400);
	t_status("percent-not-hex", "GET /a%zz HTTP/1.1\r\n\r\n", 400);
	t_status("percent-second-not-hex", "GET /a%0g HTTP/1.1\r\n\r\n", 400);
	t_status("query-refused", "GET /v1/status?x=1 HTTP/1.1\r\n\r\n", 400);
	t_status("fragment-refused", "GET /v1/status#x HTTP/1.1\r\n\r\n", 400);
	t_status("control-in-target", "GET /a\x01z HTTP/1.1\r\n\r\n", 400);
	t_status("del-in-target", "GET /a\x7fz HTTP/1.1\r\n\r\n", 400);
	t_status("asterisk-form", "GET * HTTP/1.1\r\n\r\n", 400);
	t_status("absolute-form", "GET http://x/ HTTP/1.1\r\n\r\n", 400);

	/* line structure */
	t_status("bare-lf-after-request-line",
	    "GET / HTTP/1.1\nHost: x\r\n\r\n", 400);
	t_status("bare-lf-head", "GET / HTTP/1.1\n\n", 400);
	t_status("bare-lf-head-with-header", "GET / HTTP/1.1\nHost: x\n\n", 400);
	t_status("crlf-then-bare-lf", "GET / HTTP/1.1\r\n\n", 400);
	t_status("bare-lf-in-header", "GET / HTTP/1.1\r\nA: b\nc\r\n\r\n", 400);
	t_status("bare-cr-in-header", "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 400);
	t_status("folded-header-space",
	    "GET / HTTP/1.1\r\nUser-Agent: a\r\n b\r\n\r\n", 400);
	t_status("folded-header-tab",
	    "GET / HTTP/1.1\r\nUser-Agent: a\r\n\tb\r\n\r\n", 400);
	t_status("header-without-colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", 400);
	t_status("header-empty-name", "GET / HTTP/1.1\r\n: x\r\n\r\n", 400);
	t_status("header-space-before-colon",
	    "GET / HTTP/1.1\r\nAuthorization : x\r\n\r\n", 400);
	t_status("header-name-not-token",
	    "GET / HTTP/1.1\r\nX(y): z\r\n\r\n", 400);

	/* repeated headers: the three the server reads are refused */
	t_status("duplicate-authorization",
	    "GET / HTTP/1.1\r\nAuthorization: a\r\nAuthorization: a\r\n\r\n", 400);
	t_status("duplicate-authorization-other-case",
	    "GET / HTTP/1.1\r\nAuthorization: a\r\nauthorization: b\r\n\r\n", 400);
	t_status("duplicate-authorization-first-empty",
	    "GET / HTTP/1.1\r\nAuthorization:\r\nAuthorization: b\r\n\r\n", 400);
	t_status("duplicate-user-agent",
	    "GET / HTTP/1.1\r\nUser-Agent: a\r\nUser-Agent: b\r\n\r\n", 400);
	t_status("duplicate-view",
	    "GET / HTTP/1.1\r\nX-Awsrole-View: a\r\nx-awsrole-view: b\r\n\r\n",
	    400);
	t_status("duplicate-unread-header-ok",
	    "GET / HTTP/1.1\r\nAccept: a\r\nAccept: b\r\n\r\n", 0);

	/* the request line */
	t_status("post", "POST /v1/status HTTP/1.1\r\n\r\n", 405);
	t_status("lower-case-get", "get /v1/status HTTP/1.1\r\n\r\n", 405);
	t_status("http-2.0", "GET / HTTP/2.0\r\n\r\n", 505);
	t_status("http-1.2", "GET / HTTP/1.2\r\n\r\n", 505);
	t_status("version-foo", "GET / FOO\r\n\r\n", 400);
	t_status("version-lower-case", "GET / http/1.1\r\n\r\n", 400);
	t_status("no-version", "GET /\r\n\r\n", 400);
	t_status("two-spaces", "GET  / HTTP/1.1\r\n\r\n", 400);
	t_status("trailing-space", "GET / HTTP/1.1 \r\n\r\n", 400);
	t_status("method-not-token", "GE(T / HTTP/1.1\r\n\r\n", 400);
	/* RFC 9112: method = token = 1*tchar; an empty one is malformed */
	t_status("empty-method", " / HTTP/1.1\r\n\r\n", 400);

	/* request line of 1024 bytes: accepted; 1025: 414 */
	t_long_line(&b, 1010);
	buf_adds(&b, "\r\n\r\n");
	unit_check_long("srv_parse_request/request-line-1024-length", 1024,
	    (long)strlen(b.p) - 4);
	t_status("request-line-1024-ok", b.p, 0);
	unit_check_long("srv_parse_request/request-line-1024-path-length",
	    1011, (long)strlen(t_rq.path));
	/* its first 1025 bytes (the line and its CR) are a prefix of that
	 * acceptable head: not complete yet */
	t_status_n("request-line-1024-prefix-with-cr-incomplete", b.p, 1025, -1);
	buf_free(&b);
	t_long_line(&b, 1011);
	buf_adds(&b, "\r\n\r\n");
	t_status("request-line-1025-414", b.p, 414);
	/* no line end yet, but already longer than a request line may be */
	t_status_n("request-line-1025-incomplete-414", b.p, 1025, 414);
	t_status_n("request-line-1024-incomplete-no-cr", b.p, 1024, -1);
	buf_free(&b);

	/* head (without its final CRLF CRLF) of 8192 bytes: accepted; 8193: 431 */
	buf_adds(&b, "GET / HTTP/1.1\r\nX-Pad: ");
	for (i = 0; i < AR_SRV_HEAD_MAX - 23; i++)
		buf_add(&b, "p", 1);
	unit_check_long("srv_parse_request/head-8192-length", 8192,
	    (long)b.len);
	buf_adds(&b, "\r\n\r\n");
	t_status("head-8192-ok", b.p, 0);
	t_status_n("head-8192-prefix-incomplete", b.p, b.len - 1, -1);
	buf_free(&b);
	buf_adds(&b, "GET / HTTP/1.1\r\nX-Pad: ");
	for (i = 0; i < AR_SRV_HEAD_MAX - 22; i++)
		buf_add(&b, "p", 1);
	buf_adds(&b, "\r\n\r\n");
	t_status("head-8193-431", b.p, 431);
	t_status_n("head-8193-incomplete-431", b.p, 8193 + 1, 431);
	buf_free(&b);

	/* 64 header lines: accepted; 65: 431 */
	buf_adds(&b, "GET / HTTP/1.1\r\n");
	for (i = 0; i < 64; i++)
		buf_addf(&b, "X-H%zu: v\r\n", i);
	buf_adds(&b, "\r\n");
	t_status("64-headers-ok", b.p, 0);
	buf_free(&b);
	buf_adds(&b, "GET / HTTP/1.1\r\n");
	for (i = 0; i < 65; i++)
		buf_addf(&b, "X-H%zu: v\r\n", i);
	buf_adds(&b, "\r\n");
	t_status("65-headers-431", b.p, 431);
	buf_free(&b);

	/* NUL bytes */
	{
		static const char r1[] = "GET /a\0b HTTP/1.1\r\n\r\n";
		static const char r2[] = "GET / HTTP/1.1\r\nUser-Agent: a\0b\r\n\r\n";
		static const char r3[] = "GET / HTTP/1.1\r\nUser-Agent: a\0";

		t_status_n("nul-in-request-line", r1, sizeof(r1) - 1, 400);
		t_status_n("nul-in-header", r2, sizeof(r2) - 1, 400);
		t_status_n("nul-in-incomplete-head", r3, sizeof(r3) - 1, 400);
	}

	/* incomplete heads */
	t_status_n("incomplete-empty", "", 0, -1);
	t_status("incomplete-request-line", "GET / HTTP/1.1", -1);
	t_status("incomplete-one-header",
	    "GET / HTTP/1.1\r\nHost: x\r\n", -1);
	t_status("incomplete-cr-lf-cr", "GET / HTTP/1.1\r\nHost: x\r\n\r", -1);

	/* header values */
	t_status("control-char-in-value",
	    "GET / HTTP/1.1\r\nUser-Agent: a\x01z\r\n\r\n", 400);
	t_status("escape-in-value",
	    "GET / HTTP/1.1\r\nAuthorization: a\x1b[2Jz\r\n\r\n", 400);
	t_status("del-in-value",
	    "GET / HTTP/1.1\r\nUser-Agent: a\x7fz\r\n\r\n", 400);
	t_status("control-char-in-unread-header",
	    "GET / HTTP/1.1\r\nAccept: a\x02z\r\n\r\n", 400);
	rc = t_parse("GET / HTTP/1.1\r\nUser-Agent: caf\xc3\xa9\r\n\r\n");
	unit_check("srv_parse_request/obs-text-in-value-ok", rc == 0 &&
	    unit_streq(t_rq.ua, "caf\xc3\xa9"), "rc 0, ua caf\xc3\xa9",
	    t_rq.ua);
}

/* ------------------------------------------------------------------------
 * ct_equal
 * ------------------------------------------------------------------------ */

static void
test_ct_equal(void)
{
	static const struct {
		const char *name, *a, *b;
		int want;
	} t[] = {
		{ "equal", "tok-abc123", "tok-abc123", 1 },
		{ "one-byte-differs", "tok-abc124", "tok-abc123", 0 },
		{ "first-byte-differs", "Xok", "tok", 0 },
		{ "a-prefix-of-b", "tok", "tok-abc", 0 },
		{ "b-prefix-of-a", "tok-abc", "tok", 0 },
		{ "a-repeats-b", "abab", "ab", 0 },
		{ "b-repeats-a", "ab", "abab", 0 },
		{ "single-char-repeated", "a", "aaaa", 0 },
		{ "both-empty", "", "", 1 },
		{ "a-empty", "", "tok", 0 },
		{ "b-empty", "tok", "", 0 },
		{ "case-differs", "TOK", "tok", 0 },
	};
	char name[96];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "ct_equal/%s", t[i].name);
		unit_check_long(name, t[i].want, ct_equal(t[i].a, t[i].b));
	}
}

/* ------------------------------------------------------------------------
 * json_minify
 * ------------------------------------------------------------------------ */

static void
test_json_minify(void)
{
	static const struct {
		const char *name, *in, *want;
	} t[] = {
		{ "empty-text", "", "" },
		{ "already-minified", "{\"a\":[1,2]}", "{\"a\":[1,2]}" },
		{ "spaces-tabs-newlines", " {\n\t\"a\" :\r\n [ 1 , 2 ] } \n",
		    "{\"a\":[1,2]}" },
		{ "space-in-string-kept", "{ \"a b\" : \"c  d\\te\" }",
		    "{\"a b\":\"c  d\\te\"}" },
		{ "escaped-quote", "{\"k\": \"a\\\" b\" , \"m\" : 1}",
		    "{\"k\":\"a\\\" b\",\"m\":1}" },
		{ "escaped-backslash-ends-string",
		    "{\"k\": \"a\\\\\" , \"m\" : \" x \"}",
		    "{\"k\":\"a\\\\\",\"m\":\" x \"}" },
		{ "backslash-then-quote-then-space",
		    "[\"\\\\\\\" x\", 1]", "[\"\\\\\\\" x\",1]" },
		{ "non-ascii-kept", "{ \"s\" : \"caf\xc3\xa9 \xe6\x97\xa5\" }",
		    "{\"s\":\"caf\xc3\xa9 \xe6\x97\xa5\"}" },
		{ "empty-strings", "[ \"\" , \"\" ]", "[\"\",\"\"]" },
		{ "literals", "[ true , false , null ]", "[true,false,null]" },
	};
	char name[96], *got;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "json_minify/%s", t[i].name);
		got = json_minify(t[i].in);
		unit_check_str(name, t[i].want, got);
		free(got);
	}
}

/* ------------------------------------------------------------------------
 * base64url
 * ------------------------------------------------------------------------ */

static void
test_base64url(void)
{
	/* RFC 4648 section 10, padding dropped */
	static const struct {
		const char *in, *want;
	} rfc[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	/*
	 * python3 -c 'import base64; print(base64.urlsafe_b64encode(
	 *     bytes(range(32))).rstrip(b"=").decode()); print(
	 *     base64.urlsafe_b64encode(bytes(range(255,222,-1))).rstrip(b"=")
	 *     .decode())'
	 */
	static const char want32[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
	static const char want33[] =
	    "__79_Pv6-fj39vX08_Lx8O_u7ezr6uno5-bl5OPi4eDf";
	unsigned char in[64];
	char out[128], name[96];
	size_t i, cap;

	for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		memset(out, 'X', sizeof(out));
		base64url((const unsigned char *)rfc[i].in, strlen(rfc[i].in),
		    out);
		snprintf(name, sizeof(name), "base64url/rfc4648/\"%s\"",
		    rfc[i].in);
		unit_check_str(name, rfc[i].want, out);
	}
	in[0] = 0xfb, in[1] = 0xff;
	base64url(in, 2, out);
	unit_check_str("base64url/fb-ff-url-alphabet", "-_8", out);
	in[0] = 0xfb, in[1] = 0xff, in[2] = 0xbf;
	base64url(in, 3, out);
	unit_check_str("base64url/fb-ff-bf", "-_-_", out);
	for (i = 0; i < 32; i++)
		in[i] = (unsigned char)i;
	base64url(in, 32, out);
	unit_check_str("base64url/32-bytes-0-31", want32, out);
	for (i = 0; i < 33; i++)
		in[i] = (unsigned char)(255 - i);
	base64url(in, 33, out);
	unit_check_str("base64url/33-bytes-255-down", want33, out);
	/* writes at most the documented 4n/3 + 2 bytes */
	cap = 4 * 32 / 3 + 2;
	memset(out, 'X', sizeof(out));
	for (i = 0; i < 32; i++)
		in[i] = 0xff;
	base64url(in, 32, out);
	unit_check("base64url/within-4n/3+2", strlen(out) == 43 &&
	    out[cap] == 'X', "43 characters, nothing past 4n/3 + 2", out);
}

/* ------------------------------------------------------------------------
 * split_list, tag_text_len, valid_source_identity
 * ------------------------------------------------------------------------ */

/* The parts joined by "|", or "N=count" when count > max. */
static void
t_split(const char *name, const char *v, size_t max, const char *want)
{
	char *out[16], sub[128];
	struct ar_buf b = { 0 };
	size_t n, i;

	n = split_list(v, out, max);
	if (n > max) {
		buf_addf(&b, "N=%zu", n);
		n = max;
	} else {
		buf_addf(&b, "%zu:", n);
	}
	for (i = 0; i < n && !str_has_prefix(b.p, "N="); i++)
		buf_addf(&b, "%s%s", i ? "|" : "", out[i]);
	for (i = 0; i < n; i++)
		free(out[i]);
	snprintf(sub, sizeof(sub), "split_list/%s", name);
	unit_check_str(sub, want, b.p);
	buf_free(&b);
}

static void
test_small_helpers(void)
{
	static const struct {
		const char *name, *in;
		long want;
	} tl[] = {
		{ "empty", "", 0 },
		{ "ascii", "Project", 7 },
		{ "allowed-punctuation", "_.:/=+-@ ", 9 },
		{ "digits", "0123456789", 10 },
		{ "e-acute-one-char", "caf\xc3\xa9", 4 },
		{ "cjk", "\xe6\x97\xa5\xe6\x9c\xac", 2 },
		{ "emoji-one-char", "\xf0\x9f\x98\x80", 1 },
		{ "bang-refused", "a!b", -1 },
		{ "comma-refused", "a,b", -1 },
		{ "tab-refused", "a\tb", -1 },
		{ "newline-refused", "a\nb", -1 },
		{ "quote-refused", "a\"b", -1 },
		{ "invalid-utf8", "a\xff", -1 },
		{ "truncated-utf8", "a\xc3", -1 },
	};
	static const struct {
		const char *in;
		int want;
	} si[] = {
		{ "ab", 1 }, { "a", 0 }, { "", 0 },
		{ "alice@example.com", 1 }, { "a_b+c=d,e.f@g-h", 1 },
		{ "a b", 0 }, { "a/b", 0 }, { "a:b", 0 }, { "caf\xc3\xa9", 0 },
		{ "aws:ab", 0 }, { "AWS:ab", 0 }, { "awsab", 1 },
	};
	char name[128], s64[66];
	size_t i;

	t_split("simple", "a,b,c", 8, "3:a|b|c");
	t_split("trimmed", "  a , b\t,\tc  ", 8, "3:a|b|c");
	t_split("empty-parts-skipped", ",a,, ,b,", 8, "2:a|b");
	t_split("inner-space-kept", "a b , c  d", 8, "2:a b|c  d");
	t_split("empty", "", 8, "0:");
	t_split("only-commas-and-spaces", " , ,, ", 8, "0:");
	t_split("exactly-max", "a,b,c", 3, "3:a|b|c");
	t_split("exactly-max-trailing-empty", "a,b,c, ,", 3, "3:a|b|c");
	t_split("max-plus-one", "a,b,c,d", 3, "N=4");
	t_split("max-zero", "a", 0, "N=1");
	{
		char *out[2];

		unit_check_long("split_list/null", 0, (long)split_list(NULL,
		    out, 2));
	}

	for (i = 0; i < sizeof(tl) / sizeof(tl[0]); i++) {
		snprintf(name, sizeof(name), "tag_text_len/%s", tl[i].name);
		unit_check_long(name, tl[i].want, tag_text_len(tl[i].in));
	}

	for (i = 0; i < sizeof(si) / sizeof(si[0]); i++) {
		snprintf(name, sizeof(name), "valid_source_identity/\"%s\"",
		    si[i].in);
		unit_check_long(name, si[i].want, valid_source_identity(si[i].in));
	}
	memset(s64, 'a', 64);
	s64[64] = '\0';
	unit_check_long("valid_source_identity/64-chars", 1,
	    valid_source_identity(s64));
	s64[64] = 'a', s64[65] = '\0';
	unit_check_long("valid_source_identity/65-chars", 0,
	    valid_source_identity(s64));
}

/* ------------------------------------------------------------------------
 * scope_build: profiles read by config_load from a scratch config file
 * ------------------------------------------------------------------------ */

#define ROLE    "arn:aws:iam::111111111111:role/RoleA"
#define ROLE_CN "arn:aws-cn:iam::111111111111:role/RoleA"
#define ROLE_GOV "arn:aws-us-gov:iam::111111111111:role/RoleA"
#define RO_ARN  "arn:aws:iam::aws:policy/ReadOnlyAccess"

static struct config t_cfg;
static int t_cfg_loaded;
static char t_cfg_path[PATH_MAX];
static const struct scope_opts t_no_opts;

/* Load "[profile p]" with role_arn and the lines keys as the config file
 * (no credentials file); profile p, or NULL. */
static const struct profile *
t_profile(const char *keys)
{
	char kp[PATH_MAX];
	struct ar_buf b = { 0 };
	struct ar_err err;

	if (t_cfg_loaded)
		config_free(&t_cfg);
	t_cfg_loaded = 0;
	buf_addf(&b, "[profile p]\nrole_arn = %s\n%s\n", ROLE, keys);
	t_write("config", b.p, t_cfg_path);
	buf_free(&b);
	snprintf(kp, sizeof(kp), "%s/no-credentials", t_dir);
	memset(&err, 0, sizeof(err));
	if (config_load(&t_cfg, t_cfg_path, kp, &err) == -1) {
		printf("# config_load: %s\n", err.msg);
		return NULL;
	}
	t_cfg_loaded = 1;
	return config_profile(&t_cfg, "p");
}

/* scope_build of profile p (keys) for role (NULL: ROLE) with so (NULL:
 * none).  -2 when the profile could not be made. */
static int
t_build(const char *keys, const char *role, const struct scope_opts *so,
    struct scope *sc, struct ar_err *err)
{
	const struct profile *p = t_profile(keys);

	memset(err, 0, sizeof(*err));
	memset(sc, 0, sizeof(*sc));
	if (p == NULL) {
		snprintf(err->msg, sizeof(err->msg), "(test: no profile p)");
		return -2;
	}
	return scope_build(p, role ? role : ROLE, so ? so : &t_no_opts, sc,
	    err);
}

/* Refused: rc -1, the status, and needle (if any) in the message. */
static void
t_refused(const char *name, const char *keys, const char *role,
    const struct scope_opts *so, int status, const char *needle)
{
	struct scope sc;
	struct ar_err err;
	char sub[160], want[200], got[1200];
	int rc = t_build(keys, role, so, &sc, &err);

	snprintf(sub, sizeof(sub), "scope_build/%s", name);
	snprintf(want, sizeof(want), "rc -1, status %d%s%s%s", status,
	    needle ? ", message with \"" : "", needle ? needle : "",
	    needle ? "\"" : "");
	snprintf(got, sizeof(got), "rc %d, status %d: %s", rc, err.status,
	    err.msg);
	unit_check(sub, rc == -1 && err.status == status &&
	    (needle == NULL || strstr(err.msg, needle) != NULL), want, got);
	scope_free(&sc);
}

/* "k1,k2,...": n comma-separated items made by fmt (one %zu, 1-based). */
static void
t_list(struct ar_buf *b, const char *key, const char *fmt, size_t n)
{
	size_t i;

	buf_addf(b, "%s = ", key);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			buf_adds(b, ",");
		buf_addf(b, fmt, i);
	}
	buf_adds(b, "\n");
}

/* n copies of s appended to b. */
static void
t_rep(struct ar_buf *b, const char *s, size_t n)
{
	while (n-- > 0)
		buf_adds(b, s);
}

#define POL_HEAD "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":" \
	"\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::"
#define POL_TAIL "\"}]}"

/*
 * A policy whose minified text has exactly n code points (n >= the
 * template's length + 2): the compact form into compact, and a pretty
 * form (white space outside the strings) written to t_dir/name, whose path
 * goes into path.  The padding, inside the Resource string, starts with
 * "é " (two code points, three bytes, a space json_minify must keep).
 */
static void
t_policy(const char *name, size_t n, struct ar_buf *compact,
    char path[PATH_MAX])
{
	struct ar_buf pad = { 0 }, pretty = { 0 };
	size_t fixed = strlen(POL_HEAD) + strlen(POL_TAIL) + 2;

	buf_adds(&pad, "\xc3\xa9 ");
	t_rep(&pad, "x", n - fixed);
	buf_addf(compact, "%s%s%s", POL_HEAD, pad.p, POL_TAIL);
	buf_addf(&pretty, "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\": "
	    "[ {\n\t\"Effect\": \"Allow\",\r\n    \"Action\" :\"s3:GetObject\" "
	    ", \"Resource\": \"arn:aws:s3:::%s\"\n  } ]\n}\n", pad.p);
	t_write(name, pretty.p, path);
	buf_free(&pad);
	buf_free(&pretty);
}

static void
test_scope_arns(void)
{
	struct ar_buf b = { 0 };
	struct scope_opts so;
	struct scope sc;
	struct ar_err err;
	char got[4096];
	int rc;

	/* 10 policy ARNs: accepted, in order; 11: refused */
	t_list(&b, "awsrole_policy_arns",
	    "arn:aws:iam::111111111111:policy/P%zu", 10);
	rc = t_build(b.p, NULL, NULL, &sc, &err);
	snprintf(got, sizeof(got), "rc %d narns %zu first %s last %s label %s %s",
	    rc, sc.narns, sc.narns ? sc.arns[0] : "-", sc.narns == 10 ?
	    sc.arns[9] : "-", sc.label, err.msg);
	unit_check("scope_build/10-policy-arns-ok", rc == 0 && sc.narns == 10 &&
	    strcmp(sc.arns[0], "arn:aws:iam::111111111111:policy/P1") == 0 &&
	    strcmp(sc.arns[9], "arn:aws:iam::111111111111:policy/P10") == 0,
	    "rc 0, 10 ARNs P1..P10", got);
	unit_check("scope_build/arns-set-no-tags", rc == 0 && sc.ntags == 0 &&
	    sc.policy == NULL && sc.source_identity == NULL,
	    "no tags, no policy, no source identity", got);
	scope_free(&sc);
	buf_free(&b);
	t_list(&b, "awsrole_policy_arns",
	    "arn:aws:iam::111111111111:policy/P%zu", 11);
	t_refused("11-policy-arns-refused", b.p, NULL, NULL, AR_ECONFIG, "10");
	t_refused("11-policy-arns-names-key", b.p, NULL, NULL, AR_ECONFIG,
	    "awsrole_policy_arns");
	buf_free(&b);

	/* the error names the file and line of the key */
	{
		char where[PATH_MAX + 8];

		t_build("region = x\nawsrole_policy_arns = nope", NULL, NULL,
		    &sc, &err);
		snprintf(where, sizeof(where), "%s:4", t_cfg_path);
		unit_check("scope_build/error-names-file-and-line",
		    err.status == AR_ECONFIG && strstr(err.msg, where) &&
		    strstr(err.msg, "\"nope\""), where, err.msg);
		scope_free(&sc);
	}
	t_refused("arn-not-a-policy", "awsrole_policy_arns = "
	    "arn:aws:iam::111111111111:role/X", NULL, NULL, AR_ECONFIG,
	    "managed policy ARN");

	rc = t_build("awsrole_policy_arns =  arn:aws:iam::1:policy/A , ,"
	    "arn:aws:iam::1:policy/B ,", NULL, NULL, &sc, &err);
	unit_check("scope_build/arns-trimmed-empty-skipped", rc == 0 &&
	    sc.narns == 2 && strcmp(sc.arns[0], "arn:aws:iam::1:policy/A") == 0 &&
	    strcmp(sc.arns[1], "arn:aws:iam::1:policy/B") == 0, "2 ARNs A, B",
	    err.msg);
	scope_free(&sc);

	/* --scope */
	memset(&so, 0, sizeof(so));
	so.scope = "readonly";
	rc = t_build("", NULL, &so, &sc, &err);
	unit_check("scope_build/scope-readonly", rc == 0 && sc.narns == 1 &&
	    strcmp(sc.arns[0], RO_ARN) == 0 && strcmp(sc.label, "readonly") == 0,
	    RO_ARN ", label readonly", sc.narns ? sc.arns[0] : err.msg);
	scope_free(&sc);
	rc = t_build("", ROLE_CN, &so, &sc, &err);
	unit_check("scope_build/scope-readonly-aws-cn", rc == 0 &&
	    sc.narns == 1 && strcmp(sc.arns[0],
	    "arn:aws-cn:iam::aws:policy/ReadOnlyAccess") == 0,
	    "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
	    sc.narns ? sc.arns[0] : err.msg);
	scope_free(&sc);
	rc = t_build("", ROLE_GOV, &so, &sc, &err);
	unit_check("scope_build/scope-readonly-aws-us-gov", rc == 0 &&
	    sc.narns == 1 && strcmp(sc.arns[0],
	    "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess") == 0,
	    "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
	    sc.narns ? sc.arns[0] : err.msg);
	scope_free(&sc);
	so.scope = "viewonly";
	rc = t_build("", NULL, &so, &sc, &err);
	unit_check("scope_build/scope-viewonly", rc == 0 && sc.narns == 1 &&
	    strcmp(sc.arns[0], "arn:aws:iam::aws:policy/job-function/"
	    "ViewOnlyAccess") == 0 && strcmp(sc.label, "viewonly") == 0,
	    "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess, label viewonly",
	    sc.narns ? sc.arns[0] : err.msg);
	scope_free(&sc);
	rc = t_build("", ROLE_CN, &so, &sc, &err);
	unit_check("scope_build/scope-viewonly-aws-cn", rc == 0 &&
	    sc.narns == 1 && strcmp(sc.arns[0], "arn:aws-cn:iam::aws:policy/"
	    "job-function/ViewOnlyAccess") == 0,
	    "arn:aws-cn:iam::aws:policy/job-function/ViewOnlyAccess",
	    sc.narns ? sc.arns[0] : err.msg);
	scope_free(&sc);
	so.scope = "full";
	rc = t_build("", NULL, &so, &sc, &err);
	unit_check("scope_build/scope-full", rc == 0 && sc.narns == 0 &&
	    !scope_set(&sc) && strcmp(sc.label, "full") == 0,
	    "no ARN, label full", err.msg);
	scope_free(&sc);
	so.scope = "admin";
	t_refused("scope-unknown", "", NULL, &so, AR_EUSAGE, "admin");
	so.scope = "readonly";
	t_list(&b, "awsrole_policy_arns",
	    "arn:aws:iam::111111111111:policy/P%zu", 9);
	rc = t_build(b.p, NULL, &so, &sc, &err);
	unit_check("scope_build/9-arns-plus-readonly", rc == 0 &&
	    sc.narns == 10 && strcmp(sc.arns[9], RO_ARN) == 0,
	    "10 ARNs, the last " RO_ARN, err.msg);
	scope_free(&sc);
	buf_free(&b);
	t_list(&b, "awsrole_policy_arns",
	    "arn:aws:iam::111111111111:policy/P%zu", 10);
	rc = t_build(b.p, NULL, &so, &sc, &err);
	unit_check("scope_build/10-arns-plus-readonly-refused", rc == -1 &&
	    strstr(err.msg, "10") != NULL, "rc -1, a message naming 10",
	    err.msg);
	scope_free(&sc);
	buf_free(&b);

	/* serve's implied readonly: only when nothing else narrows */
	memset(&so, 0, sizeof(so));
	so.implied_readonly = 1;
	rc = t_build("", NULL, &so, &sc, &err);
	unit_check("scope_build/implied-readonly", rc == 0 && sc.narns == 1 &&
	    strcmp(sc.arns[0], RO_ARN) == 0, RO_ARN, sc.narns ? sc.arns[0] :
	    err.msg);
	scope_free(&sc);
	rc = t_build("awsrole_policy_arns = arn:aws:iam::1:policy/Mine", NULL,
	    &so, &sc, &err);
	unit_check("scope_build/implied-readonly-not-over-profile-arns",
	    rc == 0 && sc.narns == 1 && strcmp(sc.arns[0],
	    "arn:aws:iam::1:policy/Mine") == 0, "arn:aws:iam::1:policy/Mine",
	    sc.narns ? sc.arns[0] : err.msg);
	scope_free(&sc);

	/* --policy-arn flags: they replace the profile's; errors AR_EUSAGE */
	memset(&so, 0, sizeof(so));
	so.arns[0] = "arn:aws:iam::1:policy/F1";
	so.arns[1] = "arn:aws:iam::1:policy/F2";
	so.narns = 2;
	rc = t_build("awsrole_policy_arns = arn:aws:iam::1:policy/Profile",
	    NULL, &so, &sc, &err);
	unit_check("scope_build/flag-arns-replace-profile-arns", rc == 0 &&
	    sc.narns == 2 && strcmp(sc.arns[0], so.arns[0]) == 0 &&
	    strcmp(sc.arns[1], so.arns[1]) == 0, "F1, F2",
	    sc.narns ? sc.arns[0] : err.msg);
	scope_free(&sc);
	so.arns[1] = "not-an-arn";
	t_refused("flag-arn-bad-usage", "", NULL, &so, AR_EUSAGE, "not-an-arn");
	{
		size_t i;

		for (i = 0; i < 11; i++)
			so.arns[i] = "arn:aws:iam::1:policy/F";
		so.narns = 11;
		t_refused("flag-11-arns-usage", "", NULL, &so, AR_EUSAGE, "10");
	}
}

static void
test_scope_policy(void)
{
	struct ar_buf b = { 0 }, compact = { 0 };
	char path[PATH_MAX], keys[2 * PATH_MAX], got[PATH_MAX + 16];
	struct scope_opts so;
	struct scope sc;
	struct ar_err err;
	size_t rol = strlen(RO_ARN);
	int rc;

	/* the profile's policy file, minified; exactly 2048 code points */
	t_policy("p2048.json", 2048, &compact, path);
	snprintf(keys, sizeof(keys), "awsrole_policy_file = %s", path);
	rc = t_build(keys, NULL, NULL, &sc, &err);
	unit_check("scope_build/policy-file-minified", rc == 0 &&
	    unit_streq(sc.policy, compact.p), "the compact policy",
	    rc == 0 ? sc.policy : err.msg);
	snprintf(got, sizeof(got), "policy %s", path);
	unit_check_str("scope_build/policy-file-label", got, sc.label);
	unit_check("scope_build/policy-2048-chars-ok", rc == 0 &&
	    strlen(compact.p) == 2049, "rc 0 (2048 code points, 2049 bytes)",
	    err.msg);
	scope_free(&sc);
	buf_free(&compact);

	t_policy("p2049.json", 2049, &compact, path);
	snprintf(keys, sizeof(keys), "awsrole_policy_file = %s", path);
	t_refused("policy-2049-chars-refused", keys, NULL, NULL, AR_ECONFIG,
	    "2048");
	memset(&so, 0, sizeof(so));
	so.policy_file = path;
	t_refused("flag-policy-2049-chars-usage", "", NULL, &so, AR_EUSAGE,
	    "2048");
	buf_free(&compact);

	/* policy + ARNs together: 2048 ok, 2049 refused */
	t_policy("p-arn-ok.json", 2048 - rol, &compact, path);
	snprintf(keys, sizeof(keys), "awsrole_policy_file = %s\n"
	    "awsrole_policy_arns = %s", path, RO_ARN);
	rc = t_build(keys, NULL, NULL, &sc, &err);
	unit_check("scope_build/policy-plus-arn-2048-ok", rc == 0 &&
	    sc.narns == 1 && sc.policy != NULL, "rc 0", err.msg);
	scope_free(&sc);
	buf_free(&compact);
	memset(&so, 0, sizeof(so));
	so.scope = "readonly";
	t_policy("p-arn-ok2.json", 2048 - rol, &compact, path);
	snprintf(keys, sizeof(keys), "awsrole_policy_file = %s", path);
	rc = t_build(keys, NULL, &so, &sc, &err);
	unit_check("scope_build/policy-plus-readonly-2048-ok", rc == 0 &&
	    sc.narns == 1 && strcmp(sc.arns[0], RO_ARN) == 0, "rc 0",
	    err.msg);
	scope_free(&sc);
	buf_free(&compact);
	t_policy("p-arn-bad.json", 2049 - rol, &compact, path);
	snprintf(keys, sizeof(keys), "awsrole_policy_file = %s\n"
	    "awsrole_policy_arns = %s", path, RO_ARN);
	t_refused("policy-plus-arn-2049-refused", keys, NULL, NULL, AR_ECONFIG,
	    "2048");
	snprintf(keys, sizeof(keys), "awsrole_policy_file = %s", path);
	rc = t_build(keys, NULL, &so, &sc, &err);
	unit_check("scope_build/policy-plus-readonly-2049-refused", rc == -1 &&
	    strstr(err.msg, "2048") != NULL, "rc -1, a message naming 2048",
	    err.msg);
	scope_free(&sc);
	buf_free(&compact);

	/* ARNs alone past 2048: 10 ARNs of 205 characters = 2050 */
	{
		struct ar_buf arn = { 0 };
		size_t i;

		buf_adds(&b, "awsrole_policy_arns = ");
		for (i = 0; i < 10; i++) {
			buf_free(&arn);
			buf_addf(&arn, "arn:aws:iam::111111111111:policy/%zu", i);
			while (arn.len < (i == 9 ? 203 : 205))
				buf_add(&arn, "n", 1);
			buf_addf(&b, "%s%s", i ? "," : "", arn.p);
		}
		buf_free(&arn);
		rc = t_build(b.p, NULL, NULL, &sc, &err);
		unit_check("scope_build/arns-alone-2048-ok", rc == 0 &&
		    sc.narns == 10 && scope_policy_chars(&sc) == 2048,
		    "rc 0, 2048 characters", err.msg);
		scope_free(&sc);
		buf_add(&b, "n", 1);
		t_refused("arns-alone-2049-refused", b.p, NULL, NULL, AR_ECONFIG,
		    "2048");
		buf_free(&b);
	}

	/* bad policy files */
	snprintf(keys, sizeof(keys), "awsrole_policy_file = %s/absent.json",
	    t_dir);
	t_refused("policy-file-missing-config", keys, NULL, NULL, AR_ECONFIG,
	    "absent.json");
	t_write("notjson.json", "{\"Version\": ", path);
	snprintf(keys, sizeof(keys), "awsrole_policy_file = %s", path);
	t_refused("policy-file-not-json-config", keys, NULL, NULL, AR_ECONFIG,
	    "not a JSON object");
	memset(&so, 0, sizeof(so));
	so.policy_file = path;
	t_refused("flag-policy-not-json-usage", "", NULL, &so, AR_EUSAGE,
	    "not a JSON object");
	t_write("array.json", "[{\"Effect\": \"Allow\"}]", path);
	so.policy_file = path;
	t_refused("flag-policy-array-usage", "", NULL, &so, AR_EUSAGE,
	    "not a JSON object");
	snprintf(path, sizeof(path), "%s/absent.json", t_dir);
	so.policy_file = path;
	t_refused("flag-policy-missing-usage", "", NULL, &so, AR_EUSAGE,
	    "absent.json");
}

static void
test_scope_tags(void)
{
	struct ar_buf b = { 0 }, k = { 0 };
	struct scope sc;
	struct ar_err err;
	char got[4096];
	int rc;

	/* 50 tags: accepted; 51: refused */
	t_list(&b, "session_tags", "Key%zu=v", 50);
	rc = t_build(b.p, NULL, NULL, &sc, &err);
	unit_check("scope_build/50-tags-ok", rc == 0 && sc.ntags == 50 &&
	    strcmp(sc.tags[49].key, "Key50") == 0 &&
	    strcmp(sc.tags[49].value, "v") == 0, "rc 0, 50 tags", err.msg);
	scope_free(&sc);
	buf_free(&b);
	t_list(&b, "session_tags", "Key%zu=v", 51);
	t_refused("51-tags-refused", b.p, NULL, NULL, AR_ECONFIG, "50");
	buf_free(&b);

	/* parsing: trimmed key and value, '=' in the value, empty value */
	rc = t_build("session_tags =  Project = Customer A , Team=a=b,Empty=",
	    NULL, NULL, &sc, &err);
	snprintf(got, sizeof(got), "rc %d n %zu [%s]=[%s] [%s]=[%s] [%s]=[%s] %s",
	    rc, sc.ntags, sc.ntags > 0 ? sc.tags[0].key : "", sc.ntags > 0 ?
	    sc.tags[0].value : "", sc.ntags > 1 ? sc.tags[1].key : "",
	    sc.ntags > 1 ? sc.tags[1].value : "", sc.ntags > 2 ?
	    sc.tags[2].key : "", sc.ntags > 2 ? sc.tags[2].value : "", err.msg);
	unit_check_str("scope_build/tags-parsed",
	    "rc 0 n 3 [Project]=[Customer A] [Team]=[a=b] [Empty]=[] ", got);
	unit_check("scope_build/tags-make-scope-set", rc == 0 && scope_set(&sc),
	    "scope_set", "not set");
	scope_free(&sc);
	t_refused("tag-without-equals", "session_tags = Project", NULL, NULL,
	    AR_ECONFIG, "KEY=VALUE");
	t_refused("tag-empty-key", "session_tags = =v", NULL, NULL, AR_ECONFIG,
	    "1-128");

	/* key length in characters: 128 ok, 129 refused (é: 2 bytes, 1 char) */
	t_rep(&k, "\xc3\xa9", 128);
	buf_addf(&b, "session_tags = %s=v", k.p);
	rc = t_build(b.p, NULL, NULL, &sc, &err);
	unit_check("scope_build/tag-key-128-chars-ok", rc == 0 && sc.ntags == 1,
	    "rc 0", err.msg);
	scope_free(&sc);
	buf_free(&b);
	buf_adds(&k, "k");
	buf_addf(&b, "session_tags = %s=v", k.p);
	t_refused("tag-key-129-chars-refused", b.p, NULL, NULL, AR_ECONFIG,
	    "1-128");
	buf_free(&b);
	buf_free(&k);

	/* value: 256 ok, 257 refused */
	t_rep(&k, "\xc3\xa9", 256);
	buf_addf(&b, "session_tags = K=%s", k.p);
	rc = t_build(b.p, NULL, NULL, &sc, &err);
	unit_check("scope_build/tag-value-256-chars-ok", rc == 0 &&
	    sc.ntags == 1 && strlen(sc.tags[0].value) == 512, "rc 0", err.msg);
	scope_free(&sc);
	buf_free(&b);
	buf_adds(&k, "v");
	buf_addf(&b, "session_tags = K=%s", k.p);
	t_refused("tag-value-257-chars-refused", b.p, NULL, NULL, AR_ECONFIG,
	    "0-256");
	buf_free(&b);
	buf_free(&k);

	/* characters and the aws: prefix */
	t_refused("tag-key-bad-char", "session_tags = a!b=v", NULL, NULL,
	    AR_ECONFIG, "a!b");
	t_refused("tag-value-bad-char", "session_tags = K=v$x", NULL, NULL,
	    AR_ECONFIG, "\"K\"");
	t_refused("tag-key-aws-prefix", "session_tags = aws:x=v", NULL, NULL,
	    AR_ECONFIG, "aws:");
	t_refused("tag-key-AWS-prefix", "session_tags = AWS:x=v", NULL, NULL,
	    AR_ECONFIG, "aws:");
	t_refused("tag-key-Aws-prefix", "session_tags = Aws:X=v", NULL, NULL,
	    AR_ECONFIG, "aws:");
	rc = t_build("session_tags = awsx=v,my:aws:k=v", NULL, NULL, &sc, &err);
	unit_check("scope_build/tag-key-aws-not-prefix-ok", rc == 0 &&
	    sc.ntags == 2, "rc 0", err.msg);
	scope_free(&sc);

	/* duplicate keys, case-insensitively */
	t_refused("tag-duplicate-key", "session_tags = Team=a,Team=b", NULL,
	    NULL, AR_ECONFIG, "twice");
	t_refused("tag-duplicate-key-other-case",
	    "session_tags = Team=a,x=y,tEAM=b", NULL, NULL, AR_ECONFIG, "twice");

	/* transitive keys must be tag keys */
	rc = t_build("session_tags = Project=A,Team=B\n"
	    "transitive_session_tags = Project , Team", NULL, NULL, &sc, &err);
	unit_check("scope_build/transitive-ok", rc == 0 && sc.ntrans == 2 &&
	    strcmp(sc.transitive[0], "Project") == 0 &&
	    strcmp(sc.transitive[1], "Team") == 0, "Project, Team", err.msg);
	scope_free(&sc);
	t_refused("transitive-not-a-tag", "session_tags = Project=A\n"
	    "transitive_session_tags = Team", NULL, NULL, AR_ECONFIG, "Team");
	t_refused("transitive-without-tags", "transitive_session_tags = Team",
	    NULL, NULL, AR_ECONFIG, "transitive_session_tags");
	t_list(&b, "session_tags", "K%zu=v", 50);
	t_list(&k, "transitive_session_tags", "K%zu", 50);
	buf_adds(&b, k.p);
	rc = t_build(b.p, NULL, NULL, &sc, &err);
	unit_check("scope_build/50-transitive-ok", rc == 0 && sc.ntrans == 50,
	    "rc 0, 50 transitive keys", err.msg);
	scope_free(&sc);
	buf_free(&b);
	buf_free(&k);
	t_list(&b, "session_tags", "K%zu=v", 50);
	t_list(&k, "transitive_session_tags", "K%zu", 51);
	buf_adds(&b, k.p);
	t_refused("51-transitive-refused", b.p, NULL, NULL, AR_ECONFIG,
	    "transitive_session_tags");
	buf_free(&b);
	buf_free(&k);
}

static void
test_scope_source_identity(void)
{
	struct ar_buf b = { 0 };
	struct scope sc;
	struct ar_err err;
	int rc;

	rc = t_build("source_identity = ab", NULL, NULL, &sc, &err);
	unit_check("scope_build/source-identity-2-ok", rc == 0 &&
	    unit_streq(sc.source_identity, "ab") && scope_set(&sc),
	    "ab, scope set", rc == 0 ? sc.source_identity : err.msg);
	scope_free(&sc);
	buf_adds(&b, "source_identity = ");
	t_rep(&b, "s", 64);
	rc = t_build(b.p, NULL, NULL, &sc, &err);
	unit_check("scope_build/source-identity-64-ok", rc == 0 &&
	    sc.source_identity && strlen(sc.source_identity) == 64, "rc 0",
	    err.msg);
	scope_free(&sc);
	buf_adds(&b, "s");
	t_refused("source-identity-65-refused", b.p, NULL, NULL, AR_ECONFIG,
	    "source_identity");
	buf_free(&b);
	t_refused("source-identity-1-refused", "source_identity = a", NULL, NULL,
	    AR_ECONFIG, "source_identity");
	t_refused("source-identity-space-refused", "source_identity = a b",
	    NULL, NULL, AR_ECONFIG, "source_identity");
	t_refused("source-identity-slash-refused", "source_identity = a/b",
	    NULL, NULL, AR_ECONFIG, "source_identity");
	t_refused("source-identity-aws-prefix-refused",
	    "source_identity = AWS:ab", NULL, NULL, AR_ECONFIG,
	    "source_identity");
	rc = t_build("source_identity = a_b+c=d,e.f@g-h", NULL, NULL, &sc, &err);
	unit_check("scope_build/source-identity-punctuation-ok", rc == 0 &&
	    unit_streq(sc.source_identity, "a_b+c=d,e.f@g-h"), "rc 0",
	    err.msg);
	scope_free(&sc);
	rc = t_build("source_identity =", NULL, NULL, &sc, &err);
	unit_check("scope_build/source-identity-empty-is-none", rc == 0 &&
	    sc.source_identity == NULL && !scope_set(&sc), "rc 0, none",
	    err.msg);
	scope_free(&sc);
	rc = t_build("region = eu-west-1", NULL, NULL, &sc, &err);
	unit_check("scope_build/nothing-set", rc == 0 && !scope_set(&sc) &&
	    sc.label[0] == '\0', "rc 0, no scope, empty label", err.msg);
	scope_free(&sc);
}

/* ------------------------------------------------------------------------
 * cache_key with session controls: botocore's own key
 * ------------------------------------------------------------------------ */

/*
 * Expected keys: botocore 1.43.11, the fetcher the AWS CLI builds, with
 * the session controls in its extra_args (what tests/cache_key.py does
 * through the profile), computed when this file was written by:
 *
 * import botocore.credentials as bc
 * R = "arn:aws:iam::111111111111:role/RoleA"
 * MFA = "arn:aws:iam::333333333333:mfa/example.user"
 * POL = '{"Version":"2012-10-17","Statement":[{"Sid":"Z\u00e9","Effect":'
 *       '"Allow","Condition":{"StringEquals":{"s3:prefix":["b","a"]},"Bool":'
 *       '{"aws:SecureTransport":"true"}},"Resource":"*","Action":["s3:List*",'
 *       '"s3:Get*"]}],"Id":"p1"}'
 * A1 = "arn:aws:iam::aws:policy/ReadOnlyAccess"
 * A2 = "arn:aws:iam::111111111111:policy/Extra"
 * TAGS = [{"Key": "Project", "Value": "CustomerA"},
 *         {"Key": "Team", "Value": "caf\u00e9"}]
 * def key(**extra):
 *     return bc.AssumeRoleCredentialFetcher(None, None, R,
 *         extra_args=extra)._cache_key
 * key(Policy=POL)                                   # policy
 * key(Policy='{"Statement":[],"Max":3600,"Neg":-5,"Zero":0}')  # policy-ints
 * key(Policy='{"a":1.0,"b":0.1,"c":2.5e3}')         # policy-floats
 * key(Policy='{"a":"first","a":"last"}')            # policy-dup-key
 * key(PolicyArns=[{"arn": A1}, {"arn": A2}])        # arns
 * key(Tags=TAGS)                                    # tags
 * key(Tags=TAGS, TransitiveTagKeys=["Project", "Team"])  # tags-transitive
 * key(SourceIdentity="alice@example.com")           # source-identity
 * key(DurationSeconds=900, ExternalId="ext-1", RoleSessionName="sess",
 *     SerialNumber=MFA, Policy=POL, PolicyArns=[{"arn": A1}, {"arn": A2}],
 *     Tags=TAGS, TransitiveTagKeys=["Project"],
 *     SourceIdentity="alice@example.com")           # all
 * key(DurationSeconds=3600, ExternalId="ext-1", SerialNumber=MFA,
 *     Policy=POL, PolicyArns=[{"arn": A1}], Tags=TAGS[:1],
 *     TransitiveTagKeys=["Project"], SourceIdentity="alice")
 *                                                   # all-default-session-name
 * key()                                             # empty-scope
 * key(Policy='{"n":12345678901234567890}')          # policy-int-past-int64
 * key(Policy='{"n":1e300}')                         # policy-1e300
 */
#define MFA "arn:aws:iam::333333333333:mfa/example.user"
#define POL "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Z\xc3\xa9\"," \
	"\"Effect\":\"Allow\",\"Condition\":{\"StringEquals\":{\"s3:prefix\":" \
	"[\"b\",\"a\"]},\"Bool\":{\"aws:SecureTransport\":\"true\"}}," \
	"\"Resource\":\"*\",\"Action\":[\"s3:List*\",\"s3:Get*\"]}],\"Id\":\"p1\"}"
#define A1 "arn:aws:iam::aws:policy/ReadOnlyAccess"
#define A2 "arn:aws:iam::111111111111:policy/Extra"

static const char K_POLICY[] = "c51005f777b87917f8ee48c3af1fe664251fdc42";
static const char K_POLICY_INTS[] = "61d6c0628fb9fd44ede4414dd7ad269f56ee688c";
static const char K_POLICY_FLOATS[] = "4f1ca6688bee61100be8fd714a2437cba248105a";
static const char K_POLICY_DUP[] = "f20cd971adb98ca292ce144e1da0f8a97351fb77";
static const char K_ARNS[] = "a70d762213325a86eb212dccf4c5344bc56d1257";
static const char K_TAGS[] = "9fbc4ee801acb3384f4c9194baeddc5bc0b22af6";
static const char K_TAGS_TRANS[] = "f2c8d92c37335ff2fcd22191911172c695b4832f";
static const char K_SOURCE_ID[] = "ac642d7a35bef73092014c9555ecb37929045d30";
static const char K_ALL[] = "70c9c767d67105f8ec95fbe259394fdca9f1b161";
static const char K_ALL_DEFAULT_NAME[] =
    "6a1e6e3223a3835b6b8ca6261434a53d30266dd0";
static const char K_EMPTY[] = "00a50c1651f2c269f4c3b41d21ceb56a5168761d";
static const char K_POLICY_BIG_INT[] =
    "c1027d4e303739ff04fc9466a4778dd1bded12c1";
static const char K_POLICY_1E300[] = "2926b17e3bf31c12203f23ce6a21f5ad8077b6c4";

/* cache_key of a (its scope: sc) is want. */
static void
t_key(const char *name, const struct assume_args *a, const char *want)
{
	struct ar_err err;
	char hex[41], sub[128];

	memset(&err, 0, sizeof(err));
	memset(hex, 0, sizeof(hex));
	snprintf(sub, sizeof(sub), "cache_key/%s", name);
	unit_check_str(sub, want, cache_key(a, hex, &err) == 0 ? hex : err.msg);
}

/* t_key in a child process: for numbers outside long long's range, where
 * a crash (a sanitizer's report) must not end the whole run. */
static void
t_key_isolated(const char *name, const struct assume_args *a,
    const char *want)
{
	struct ar_err err;
	char hex[41], sub[128], got[64];
	ssize_t n = 0;
	pid_t pid;
	int fd[2], st = 0;

	snprintf(sub, sizeof(sub), "cache_key/%s", name);
	memset(hex, 0, sizeof(hex));
	fflush(stdout);
	if (pipe(fd) == -1 || (pid = fork()) == -1) {
		unit_check(sub, 0, "a child process", strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fd[0]);
		if (cache_key(a, hex, &err) == 0)
			(void)!write(fd[1], hex, 40);
		_exit(0);
	}
	close(fd[1]);
	while (n < 40) {
		ssize_t r = read(fd[0], hex + n, (size_t)(40 - n));

		if (r <= 0)
			break;
		n += r;
	}
	close(fd[0]);
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		snprintf(got, sizeof(got), "the child died (wait status %d)", st);
	else
		snprintf(got, sizeof(got), "%s", n == 40 ? hex : "(rc -1)");
	unit_check_str(sub, want, got);
}

static void
test_cache_key_scope(void)
{
	struct scope sc;
	struct assume_args a = { ROLE, NULL, NULL, NULL, 0, NULL, NULL, &sc };
	struct scope_opts so;
	struct ar_err err;
	char hex[41];

	memset(&sc, 0, sizeof(sc));
	t_key("empty-scope", &a, K_EMPTY);
	sc.policy = (char *)POL;
	t_key("policy", &a, K_POLICY);
	sc.policy = (char *)"{\"Statement\":[],\"Max\":3600,\"Neg\":-5,"
	    "\"Zero\":0}";
	t_key("policy-ints", &a, K_POLICY_INTS);
	sc.policy = (char *)"{\"a\":1.0,\"b\":0.1,\"c\":2.5e3}";
	t_key("policy-floats", &a, K_POLICY_FLOATS);
	sc.policy = (char *)"{\"a\":\"first\",\"a\":\"last\"}";
	t_key("policy-duplicate-key-last-wins", &a, K_POLICY_DUP);
	sc.policy = (char *)"{\"n\":12345678901234567890}";
	t_key_isolated("policy-int-past-int64", &a, K_POLICY_BIG_INT);
	sc.policy = (char *)"{\"n\":1e300}";
	t_key_isolated("policy-1e300", &a, K_POLICY_1E300);
	sc.policy = NULL;

	sc.arns[0] = (char *)A1, sc.arns[1] = (char *)A2, sc.narns = 2;
	t_key("policy-arns", &a, K_ARNS);
	sc.narns = 0;

	sc.tags[0] = (struct session_tag){ (char *)"Project", (char *)"CustomerA" };
	sc.tags[1] = (struct session_tag){ (char *)"Team", (char *)"caf\xc3\xa9" };
	sc.ntags = 2;
	t_key("tags", &a, K_TAGS);
	sc.transitive[0] = (char *)"Project", sc.transitive[1] = (char *)"Team";
	sc.ntrans = 2;
	t_key("tags-transitive", &a, K_TAGS_TRANS);
	sc.ntags = sc.ntrans = 0;

	sc.source_identity = (char *)"alice@example.com";
	t_key("source-identity", &a, K_SOURCE_ID);

	a = (struct assume_args){ ROLE, MFA, "ext-1", "sess", 900, NULL, NULL,
	    &sc };
	sc.policy = (char *)POL;
	sc.arns[0] = (char *)A1, sc.arns[1] = (char *)A2, sc.narns = 2;
	sc.ntags = 2;
	sc.transitive[0] = (char *)"Project", sc.ntrans = 1;
	t_key("all", &a, K_ALL);
	a = (struct assume_args){ ROLE, MFA, "ext-1", NULL, 3600, NULL, NULL,
	    &sc };
	sc.narns = 1, sc.ntags = 1;
	sc.source_identity = (char *)"alice";
	t_key("all-default-session-name", &a, K_ALL_DEFAULT_NAME);

	/* the same through scope_build from profile keys */
	memset(&so, 0, sizeof(so));
	if (t_build("awsrole_policy_arns = " A1 ", " A2, NULL, &so, &sc,
	    &err) == 0) {
		a = (struct assume_args){ ROLE, NULL, NULL, NULL, 0, NULL, NULL,
		    &sc };
		t_key("scope-build-arns", &a, K_ARNS);
	} else {
		unit_check("cache_key/scope-build-arns", 0, "rc 0", err.msg);
	}
	scope_free(&sc);
	if (t_build("session_tags = Project=CustomerA, Team=caf\xc3\xa9\n"
	    "transitive_session_tags = Project,Team", NULL, &so, &sc,
	    &err) == 0) {
		a = (struct assume_args){ ROLE, NULL, NULL, NULL, 0, NULL, NULL,
		    &sc };
		t_key("scope-build-tags-transitive", &a, K_TAGS_TRANS);
	} else {
		unit_check("cache_key/scope-build-tags-transitive", 0, "rc 0",
		    err.msg);
	}
	scope_free(&sc);
	if (t_build("source_identity = alice@example.com", NULL, &so, &sc,
	    &err) == 0) {
		a = (struct assume_args){ ROLE, NULL, NULL, NULL, 0, NULL, NULL,
		    &sc };
		t_key("scope-build-source-identity", &a, K_SOURCE_ID);
	} else {
		unit_check("cache_key/scope-build-source-identity", 0, "rc 0",
		    err.msg);
	}
	scope_free(&sc);
	{
		char path[PATH_MAX];

		t_write("key-policy.json", "{ \"Version\" : \"2012-10-17\",\n"
		    "  \"Statement\" : [ { \"Sid\" : \"Z\xc3\xa9\", \"Effect\" : "
		    "\"Allow\",\n    \"Condition\" : { \"StringEquals\" : { "
		    "\"s3:prefix\" : [ \"b\", \"a\" ] },\n      \"Bool\" : { "
		    "\"aws:SecureTransport\" : \"true\" } },\n    \"Resource\" : "
		    "\"*\", \"Action\" : [ \"s3:List*\", \"s3:Get*\" ] } ],\n"
		    "  \"Id\" : \"p1\" }\n", path);
		so.policy_file = path;
		if (t_build("", NULL, &so, &sc, &err) == 0) {
			a = (struct assume_args){ ROLE, NULL, NULL, NULL, 0, NULL,
			    NULL, &sc };
			t_key("scope-build-pretty-policy-file", &a, K_POLICY);
		} else {
			unit_check("cache_key/scope-build-pretty-policy-file", 0,
			    "rc 0", err.msg);
		}
		scope_free(&sc);
	}

	/* a scope that is set changes the key; invalid UTF-8 is refused */
	memset(&sc, 0, sizeof(sc));
	sc.source_identity = (char *)"bad\xff";
	a = (struct assume_args){ ROLE, NULL, NULL, NULL, 0, NULL, NULL, &sc };
	memset(&err, 0, sizeof(err));
	unit_check("cache_key/scope-invalid-utf8-config-error",
	    cache_key(&a, hex, &err) == -1 && err.status == AR_ECONFIG,
	    "rc -1, AR_ECONFIG", err.msg);
}

/* ------------------------------------------------------------------------
 * view_config_text: read back by botocore, shlex and /bin/sh
 * ------------------------------------------------------------------------ */

#define SELF "/opt/aw's dir/awsrole"

static const char t_user_config[] =
    "[default]\n"
    "region = eu-west-1\n"
    "output = json\n"
    "mfa_serial = arn:aws:iam::111111111111:mfa/u\n"
    "aws_access_key_id = AKIACONFIGFILEKEY000\n"
    "aws_secret_access_key = configfilesecret/0000000000000000000000\n"
    "\n"
    "[profile CustomerA]\n"
    "role_arn = arn:aws:iam::222222222222:role/Access\n"
    "source_profile = default\n"
    "mfa_serial = arn:aws:iam::111111111111:mfa/u\n"
    "external_id = ext-secretish\n"
    "duration_seconds = 900\n"
    "role_session_name = me\n"
    "region = us-east-1\n"
    "cli_pager =\n"
    "services = mysvc\n"
    "s3 =\n"
    "    addressing_style = path\n"
    "    max_concurrent_requests = 20\n"
    "\n"
    "[profile \"it's\"]\n"
    "role_arn = arn:aws:iam::333333333333:role/Q\n"
    "source_profile = default\n"
    "region = ap-south-1\n"
    "\n"
    "[profile \"my prof\"]\n"
    "credential_process = /bin/echo nope\n"
    "region = eu-north-1\n"
    "\n"
    "[profile web]\n"
    "role_arn = arn:aws:iam::444444444444:role/W\n"
    "web_identity_token_file = /var/run/token\n"
    "\n"
    "[services mysvc]\n"
    "sts =\n"
    "    endpoint_url = https://sts.example.com\n"
    "\n"
    "[sso-session s]\n"
    "sso_start_url = https://example.awsapps.com/start\n";

static const char t_user_creds[] =
    "[default]\n"
    "aws_access_key_id = AKIADEFAULTKEY000000\n"
    "aws_secret_access_key = defaultsecret/000000000000000000000000\n"
    "\n"
    "[plain]\n"
    "aws_access_key_id = AKIAPLAINKEY00000000\n"
    "aws_secret_access_key = plainsecret/00000000000000000000000000\n"
    "\n"
    "[my cred]\n"
    "aws_access_key_id = AKIASPACEKEY00000000\n"
    "aws_secret_access_key = spacesecret/000000000000000000000000000\n"
    "\n"
    "[has\"quote]\n"
    "aws_access_key_id = AKIAQUOTEKEY00000000\n"
    "aws_secret_access_key = quotesecret/000000000000000000000000000\n"
    "\n"
    "[back\\slash]\n"
    "aws_access_key_id = AKIABACKSLASHKEY0000\n"
    "aws_secret_access_key = backslashsecret/00000000000000000000000\n";

/*
 * For the view's config (argv[1]) and the user's two files (argv[2],
 * argv[3]): botocore's profile names of the user's files, and for each
 * profile of the view its credential_process split by shlex.split and by
 * /bin/sh (set -- WORDS), and its other keys as botocore reads them.
 */
static const char t_reader_py[] =
    "import json, os, shlex, subprocess, sys\n"
    "for v in list(os.environ):\n"
    "    if v.startswith('AWS_'):\n"
    "        del os.environ[v]\n"
    "import botocore.configloader as cl, botocore.session\n"
    "view = cl.load_config(sys.argv[1])\n"
    "os.environ['AWS_CONFIG_FILE'] = sys.argv[2]\n"
    "os.environ['AWS_SHARED_CREDENTIALS_FILE'] = sys.argv[3]\n"
    "user = sorted(botocore.session.Session().available_profiles)\n"
    "out = {'user': user, 'view': {}, 'services': view['services']}\n"
    "for name, vals in view['profiles'].items():\n"
    "    cp = vals.get('credential_process')\n"
    "    words = shlex.split(cp) if cp else None\n"
    "    sh = None\n"
    "    if cp:\n"
    "        r = subprocess.run(['/bin/sh', '-c', 'set -- ' + cp +\n"
    "            '; printf \"%s\\\\0\" \"$@\"'], capture_output=True)\n"
    "        sh = r.stdout.decode('utf-8', 'replace').split('\\0')[:-1]\n"
    "    other = {k: v for k, v in vals.items() if k != 'credential_process'}\n"
    "    out['view'][name] = {'shlex': words, 'sh': sh, 'keys': other}\n"
    "print(json.dumps(out))\n";

/* The JSON array a as "w1|w2|...". */
static void
t_words(const cJSON *a, char *out, size_t cap)
{
	const cJSON *it;
	size_t n = 0;

	out[0] = '\0';
	if (!cJSON_IsArray(a)) {
		snprintf(out, cap, "(not a list)");
		return;
	}
	cJSON_ArrayForEach(it, a)
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s",
		    n ? "|" : "", cJSON_IsString(it) ? it->valuestring : "?");
}

/* Profile name of the view (j: the reader's output) runs exactly
 * [SELF, credential-process, name] for both shlex and sh. */
static void
t_view_profile(const cJSON *j, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(j, "view"), name);
	char want[512], got[1200], w1[512], w2[512], sub[160];

	snprintf(want, sizeof(want), "%s|credential-process|%s", SELF, name);
	snprintf(sub, sizeof(sub), "view_config_text/botocore-reads/%s", name);
	if (v == NULL) {
		unit_check(sub, 0, "a profile of the view", "absent");
		return;
	}
	t_words(cJSON_GetObjectItemCaseSensitive(v, "shlex"), w1, sizeof(w1));
	t_words(cJSON_GetObjectItemCaseSensitive(v, "sh"), w2, sizeof(w2));
	snprintf(got, sizeof(got), "shlex %s ; sh %s", w1, w2);
	snprintf(sub, sizeof(sub), "view_config_text/shlex-and-sh-words/%s",
	    name);
	unit_check(sub, strcmp(w1, want) == 0 && strcmp(w2, want) == 0, want,
	    got);
}

/* The key key of the view's profile name as botocore reads it (a string,
 * or a nested block printed as JSON); "(absent)" when not there. */
static char *
t_view_key(const cJSON *j, const char *name, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(j, "view"), name), "keys"), key);

	if (v == NULL)
		return xstrdup("(absent)");
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	return cJSON_PrintUnformatted(v);
}

static void
t_check_view_key(const cJSON *j, const char *name, const char *key,
    const char *want)
{
	char sub[160], *got = t_view_key(j, name, key);

	snprintf(sub, sizeof(sub), "view_config_text/%s/%s", name, key);
	unit_check_str(sub, want, got);
	free(got);
}

/* The text contains s (the name says what). */
static void
t_has(const char *name, const char *text, const char *s, int want)
{
	char sub[160];

	snprintf(sub, sizeof(sub), "view_config_text/%s", name);
	unit_check(sub, (strstr(text, s) != NULL) == want, want ? s :
	    "(absent)", want ? "(absent)" : s);
}

static void
test_view_config_text(void)
{
	static const char *const secrets[] = { "aws_access_key_id",
	    "aws_secret_access_key", "role_arn", "mfa_serial", "source_profile",
	    "external_id", "duration_seconds", "role_session_name",
	    "web_identity_token_file", "sso_start_url", "/bin/echo",
	    "AKIA", "secret/", "ext-secretish", "arn:aws:iam" };
	struct config cfg;
	struct ar_err err;
	struct ar_buf text = { 0 }, cmd = { 0 }, out = { 0 };
	char cp[PATH_MAX], kp[PATH_MAX], vp[PATH_MAX], py[PATH_MAX], chunk[4096];
	const char *interp = getenv("PY") && *getenv("PY") ? getenv("PY") :
	    "python3";
	const cJSON *it, *user;
	cJSON *j;
	FILE *p;
	size_t i, n, nuser = 0, nview = 0;
	int st;

	t_write("user-config", t_user_config, cp);
	t_write("user-credentials", t_user_creds, kp);
	memset(&err, 0, sizeof(err));
	if (config_load(&cfg, cp, kp, &err) == -1) {
		unit_check("view_config_text/config_load", 0, "rc 0", err.msg);
		return;
	}
	view_config_text(&cfg, SELF, &text);
	config_free(&cfg);

	/* the exact header and credential_process line of each kind of name */
	t_has("default-section", text.p, "\n[default]\ncredential_process = "
	    "'/opt/aw'\\''s dir/awsrole' credential-process 'default'\n", 1);
	t_has("plain-name", text.p, "\n[profile CustomerA]\ncredential_process = "
	    "'/opt/aw'\\''s dir/awsrole' credential-process 'CustomerA'\n", 1);
	t_has("quote-in-name", text.p, "\n[profile \"it's\"]\ncredential_process "
	    "= '/opt/aw'\\''s dir/awsrole' credential-process 'it'\\''s'\n", 1);
	t_has("space-in-name", text.p, "\n[profile \"my prof\"]\n"
	    "credential_process = '/opt/aw'\\''s dir/awsrole' "
	    "credential-process 'my prof'\n", 1);
	t_has("credentials-file-profile", text.p, "\n[profile plain]\n"
	    "credential_process = '/opt/aw'\\''s dir/awsrole' "
	    "credential-process 'plain'\n", 1);
	t_has("credentials-file-space", text.p, "\n[profile \"my cred\"]\n", 1);
	/* a double quote (and a backslash) is escaped inside the quotes, as
	 * shlex.split reads them back */
	t_has("double-quote-name-escaped", text.p, "\n[profile \"has\\\"quote\"]\n",
	    1);
	t_has("no-profile-default-header", text.p, "[profile default]", 0);
	t_has("services-section-copied", text.p, "\n[services mysvc]\nsts =\n"
	    "    endpoint_url = https://sts.example.com\n", 1);
	t_has("sso-session-not-copied", text.p, "[sso-session", 0);
	t_has("s3-block-copied", text.p, "\ns3 =\n    addressing_style = path\n"
	    "    max_concurrent_requests = 20\n", 1);
	t_has("services-key-copied", text.p, "\nservices = mysvc\n", 1);
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		char sub[96];

		snprintf(sub, sizeof(sub), "not-copied/%s", secrets[i]);
		t_has(sub, text.p, secrets[i], 0);
	}
	n = 0;
	for (const char *s = text.p; (s = strstr(s, "credential_process =")) !=
	    NULL; s++)
		n++;
	unit_check_long("view_config_text/one-credential-process-per-profile",
	    9, (long)n);

	/* botocore, shlex and sh read it back */
	snprintf(vp, sizeof(vp), "%s/view-config", t_dir);
	t_write("view-config", text.p, vp);
	t_write("reader.py", t_reader_py, py);
	buf_addf(&cmd, "%s '%s' '%s' '%s' '%s' 2>&1", interp, py, vp, cp, kp);
	if ((p = popen(cmd.p, "r")) == NULL) {
		unit_check("view_config_text/reader", 0, "python3 runs",
		    strerror(errno));
		goto done;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(&out, chunk, n);
	st = pclose(p);
	buf_add(&out, "", 0);
	j = cJSON_Parse(out.p);
	if (!unit_check("view_config_text/reader", st == 0 && j != NULL,
	    "the reader's JSON (python3 with botocore)", out.p)) {
		cJSON_Delete(j);
		goto done;
	}
	/* every profile of the user's files is in the view, except the one
	 * whose name cannot be written (a double quote) */
	user = cJSON_GetObjectItemCaseSensitive(j, "user");
	cJSON_ArrayForEach(it, user) {
		nuser++;
		if (strcmp(it->valuestring, "has\"quote") == 0)
			continue;
		t_view_profile(j, it->valuestring);
	}
	/* and the view has no profile the user's files do not have */
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "view")) {
		const cJSON *u;
		char sub[160];

		nview++;
		cJSON_ArrayForEach(u, user)
			if (strcmp(u->valuestring, it->string) == 0)
				break;
		snprintf(sub, sizeof(sub), "view_config_text/view-profile-is-"
		    "the-user's/%s", it->string);
		unit_check(sub, u != NULL, "a profile of the user's files",
		    "not one of them");
	}
	unit_check_long("view_config_text/user-profiles-botocore", 9,
	    (long)nuser);
	unit_check_long("view_config_text/view-profiles-botocore", 9,
	    (long)nview);
	t_check_view_key(j, "default", "region", "eu-west-1");
	t_check_view_key(j, "default", "output", "json");
	t_check_view_key(j, "default", "aws_access_key_id", "(absent)");
	t_check_view_key(j, "CustomerA", "region", "us-east-1");
	t_check_view_key(j, "CustomerA", "s3", "{\"addressing_style\":\"path\","
	    "\"max_concurrent_requests\":\"20\"}");
	t_check_view_key(j, "CustomerA", "services", "mysvc");
	t_check_view_key(j, "CustomerA", "cli_pager", "");
	t_check_view_key(j, "CustomerA", "role_arn", "(absent)");
	t_check_view_key(j, "CustomerA", "source_profile", "(absent)");
	t_check_view_key(j, "CustomerA", "mfa_serial", "(absent)");
	t_check_view_key(j, "it's", "region", "ap-south-1");
	t_check_view_key(j, "my prof", "region", "eu-north-1");
	t_check_view_key(j, "web", "web_identity_token_file", "(absent)");
	t_check_view_key(j, "plain", "aws_secret_access_key", "(absent)");
	{
		char *s = cJSON_PrintUnformatted(
		    cJSON_GetObjectItemCaseSensitive(j, "services"));

		unit_check_str("view_config_text/botocore-services",
		    "{\"mysvc\":{\"sts\":{\"endpoint_url\":"
		    "\"https://sts.example.com\"}}}", s);
		free(s);
	}
	cJSON_Delete(j);
done:
	buf_free(&text);
	buf_free(&cmd);
	buf_free(&out);
}

/* ------------------------------------------------------------------------
 * view_vars
 * ------------------------------------------------------------------------ */

static void
test_view_vars(void)
{
	/* README, "How the view works" */
	static const char *const set[][2] = {
		{ "AWS_CONFIG_FILE", "/d/agent/config" },
		{ "AWS_SHARED_CREDENTIALS_FILE", "/d/agent/credentials" },
		{ "BOTO_CONFIG", "/dev/null" },
		{ "AWS_EC2_METADATA_DISABLED", "true" },
		{ "AWSROLE_AGENT_DIR", "/d/agent" },
		{ "AWSROLE_AGENT_VIEW", "sub1" },
	};
	static const char *const unset[] = { "AWS_ACCESS_KEY_ID",
	    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	    "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	    "AWS_CREDENTIAL_FILE",
	    /* the web identity variables */
	    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	    "AWS_BEARER_TOKEN_BEDROCK",
	    /* the container-provider variables */
	    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	    "AWSROLE_PROFILE", "_AWSROLE_PROFILE_CHAIN",
	    /* a view not made by agent --policy */
	    "AWSROLE_AGENT_NARROWED" };
	/* kept as they are */
	static const char *const kept[] = { "AWS_CA_BUNDLE", "AWS_REGION",
	    "AWS_DEFAULT_REGION", "HTTPS_PROXY", "https_proxy", "NO_PROXY",
	    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS" };
	struct export_var v[AR_VIEW_VARS_MAX + 8];
	char paths[2][PATH_MAX], name[160];
	size_t n, i, k, found;

	memset(v, 0, sizeof(v));
	n = view_vars("/d/agent", "sub1", 0, paths, v);
	unit_check_long("view_vars/count", 25, (long)n);
	unit_check("view_vars/count-within-max", n <= AR_VIEW_VARS_MAX,
	    "<= AR_VIEW_VARS_MAX", "more");
	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		for (k = 0, found = 0; k < n; k++)
			if (v[k].name && strcmp(v[k].name, set[i][0]) == 0)
				found++, snprintf(name, sizeof(name), "%s",
				    UNIT_STR(v[k].value));
		if (found != 1)
			snprintf(name, sizeof(name), "found %zu times", found);
		{
			char sub[96];

			snprintf(sub, sizeof(sub), "view_vars/set/%s", set[i][0]);
			unit_check_str(sub, set[i][1], name);
		}
	}
	for (i = 0; i < sizeof(unset) / sizeof(unset[0]); i++) {
		char sub[96];

		for (k = 0, found = 0; k < n; k++)
			if (v[k].name && strcmp(v[k].name, unset[i]) == 0 &&
			    v[k].value == NULL)
				found++;
		snprintf(sub, sizeof(sub), "view_vars/unset/%s", unset[i]);
		unit_check_long(sub, 1, (long)found);
	}
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		char sub[96];

		for (k = 0, found = 0; k < n; k++)
			if (v[k].name && strcmp(v[k].name, kept[i]) == 0)
				found++;
		snprintf(sub, sizeof(sub), "view_vars/kept/%s", kept[i]);
		unit_check_long(sub, 0, (long)found);
	}
	{	/* a narrowed view says so to serve: AWSROLE_AGENT_NARROWED=1 */
		struct export_var w[AR_VIEW_VARS_MAX + 8];
		char p2[2][PATH_MAX];
		size_t m = view_vars("/d/agent", "sub1", 1, p2, w), q;
		const char *got = "(absent)";

		for (q = 0; q < m; q++)
			if (strcmp(w[q].name, "AWSROLE_AGENT_NARROWED") == 0)
				got = w[q].value ? w[q].value : "(unset)";
		unit_check_str("view_vars/narrowed-sets-AWSROLE_AGENT_NARROWED",
		    "1", got);
	}
	unit_check_long("view_vars/set-plus-unset-is-count",
	    (long)(sizeof(set) / sizeof(set[0]) + sizeof(unset) /
	    sizeof(unset[0])), (long)n);
}

int
main(void)
{
	if (mkdtemp(t_dir) == NULL) {
		unit_check("mkdtemp", 0, "a scratch directory", strerror(errno));
		return unit_done();
	}
	test_parse_request();
	test_ct_equal();
	test_json_minify();
	test_base64url();
	test_small_helpers();
	test_scope_arns();
	test_scope_policy();
	test_scope_tags();
	test_scope_source_identity();
	test_cache_key_scope();
	test_view_config_text();
	test_view_vars();
	if (t_cfg_loaded)
		config_free(&t_cfg);
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", t_dir);
	}
	return unit_done();
}
