/*
 * unit_sigv4.c -- section 4 of awsrole.c (SigV4) against the AWS signing
 * test suite (v4, header-signing variant), plus ar_uri_encode vectors, the
 * form body's encoding (ar_form_encode, sts_form_body) against botocore's
 * bytes, the canonical path/query/header rules the suite does not reach,
 * and bad input.
 *
 *   make build/unit_sigv4 && build/unit_sigv4      (cwd: the repo root)
 *
 * The suite is read from ../shared/testdata/aws-signing-test-suite/v4, or
 * from $AWSROLE_SIGV4_SUITE.  One line per check, "ok sigv4/NAME" or
 * "FAIL sigv4/NAME" followed by both sides; the last line is
 * "sigv4: N passed, N failed"; the exit status is 1 if anything failed.
 */
#include "../awsrole.c"

#define UNIT_GROUP "sigv4"
#include "unit.h"

#include <dirent.h>

#define T_SUITE_DEFAULT "../shared/testdata/aws-signing-test-suite/v4"
#define T_MAX_FILE      (1u << 20)
#define T_MAX_HDRS      32
#define T_S(lit)        lit, sizeof(lit) - 1   /* a literal and its length */

/*
 * Suite cases that do not apply to awsrole's STS signer, with the reason.
 * Empty: every case passes, the S3-style unnormalised paths included.
 */
static const struct {
	const char *name, *reason;
} t_skip[] = {
	{ NULL, NULL }
};

/* ------------------------------------------------------------------------
 * The suite
 * ------------------------------------------------------------------------ */

struct t_case {
	const char *name;
	char dir[4096];
	struct ar_buf req;              /* request.txt, cut in place */
	const char *method, *path, *query;
	char *wire_path;                /* the path handed to sigv4_sign */
	struct sigv4_header hdr[T_MAX_HDRS];
	size_t nhdr;
	const char *body;
	size_t body_len;
	cJSON *ctx;                     /* context.json */
	char amz_date[SIGV4_DATE_LEN + 1];
	char body_hash[65];
};

/* Read dir/file whole; trailing line breaks dropped when `chomp`. */
static int
t_read(const struct t_case *c, const char *file, int chomp,
    struct ar_buf *out, char *why, size_t whylen)
{
	struct ar_err err;
	char path[4200];
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", c->dir, file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(why, whylen, "the path of %s is too long", file);
		return -1;
	}
	if (read_file(path, T_MAX_FILE, 0, AR_EGENERAL, out, &err) == -1) {
		snprintf(why, whylen, "%s", err.msg);
		return -1;
	}
	if (out->p == NULL)
		buf_add(out, "", 0);
	while (chomp && out->len > 0 && (out->p[out->len - 1] == '\n' ||
	    out->p[out->len - 1] == '\r'))
		out->p[--out->len] = '\0';
	return 0;
}

/* The end of the line at p: its '\n', or end. */
static char *
t_eol(char *p, char *end)
{
	char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl : end;
}

/* NUL-terminate the line [p, eol), dropping a '\r' before eol. */
static void
t_cut(char *p, char *eol)
{
	if (eol > p && eol[-1] == '\r')
		eol[-1] = '\0';
	*eol = '\0';            /* eol may be end: the buffer's own NUL */
}

/* "METHOD target HTTP/1.1"; the target may hold spaces
 * ("/example space/"), so the version is cut at the last one. */
static int
t_request_line(struct t_case *c, char *line, char *why, size_t whylen)
{
	char *sp, *last, *q;

	sp = strchr(line, ' ');
	last = strrchr(line, ' ');
	if (sp == NULL || last == sp) {
		snprintf(why, whylen, "bad request line \"%s\"", line);
		return -1;
	}
	*sp = *last = '\0';
	c->method = line;
	c->path = sp + 1;
	q = strchr(c->path, '?');
	c->query = q != NULL ? q + 1 : "";
	if (q != NULL)
		*q = '\0';
	return 0;
}

static int
t_add_header(struct t_case *c, const char *name, const char *value,
    char *why, size_t whylen)
{
	if (c->nhdr == T_MAX_HDRS) {
		snprintf(why, whylen, "more than %d headers", T_MAX_HDRS);
		return -1;
	}
	c->hdr[c->nhdr].name = name;
	c->hdr[c->nhdr].value = value;
	c->nhdr++;
	return 0;
}

/* One header line at p; a following line that starts with a blank
 * continues it (obs-fold), and is unfolded by turning the line break into
 * a space: "value1\n  value2" -> "value1   value2".  Returns the next
 * line, or NULL. */
static char *
t_header_line(struct t_case *c, char *p, char *end, char *why, size_t whylen)
{
	char *eol = t_eol(p, end), *colon;

	while (eol + 1 < end && (eol[1] == ' ' || eol[1] == '\t')) {
		if (eol > p && eol[-1] == '\r')
			eol[-1] = ' ';
		*eol = ' ';
		eol = t_eol(eol + 1, end);
	}
	t_cut(p, eol);
	colon = strchr(p, ':');
	if (colon == NULL) {
		snprintf(why, whylen, "header line without ':': \"%s\"", p);
		return NULL;
	}
	*colon = '\0';
	if (t_add_header(c, p, colon + 1, why, whylen) == -1)
		return NULL;
	return eol < end ? eol + 1 : end;
}

/* request.txt: request line, headers, blank line, body (verbatim). */
static int
t_parse_request(struct t_case *c, char *why, size_t whylen)
{
	char *p = c->req.p, *end = p + c->req.len, *eol;

	eol = t_eol(p, end);
	t_cut(p, eol);
	if (t_request_line(c, p, why, whylen) == -1)
		return -1;
	p = eol < end ? eol + 1 : end;
	while (p < end && *p != '\n' && !(*p == '\r' && p[1] == '\n'))
		if ((p = t_header_line(c, p, end, why, whylen)) == NULL)
			return -1;
	if (p < end)
		p += *p == '\r' ? 2 : 1;
	c->body = p;
	c->body_len = (size_t)(end - p);
	return 0;
}

static const char *
t_json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
t_json_true(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* "2015-08-30T12:36:00Z" -> "20150830T123600Z" (sigv4_sign checks it). */
static void
t_amz_date(const char *ts, char out[SIGV4_DATE_LEN + 1])
{
	size_t o = 0;

	for (; *ts != '\0' && o < SIGV4_DATE_LEN; ts++)
		if (*ts != '-' && *ts != ':')
			out[o++] = *ts;
	out[o] = '\0';
}

/*
 * The headers the suite's signer adds to request.txt before signing:
 * X-Amz-Date from the timestamp, X-Amz-Security-Token when there is a
 * token and omit_session_token is not set (when it is set, the token is
 * added after signing, unsigned), and X-Amz-Content-Sha256 when
 * sign_body is set.
 */
static int
t_add_signer_headers(struct t_case *c, char *why, size_t whylen)
{
	const cJSON *cred = cJSON_GetObjectItemCaseSensitive(c->ctx,
	    "credentials");
	const char *ts = t_json_str(c->ctx, "timestamp");
	const char *token = t_json_str(cred, "token");

	if (ts == NULL) {
		snprintf(why, whylen, "context.json has no timestamp");
		return -1;
	}
	t_amz_date(ts, c->amz_date);
	if (t_add_header(c, "X-Amz-Date", c->amz_date, why, whylen) == -1)
		return -1;
	if (token != NULL && !t_json_true(c->ctx, "omit_session_token") &&
	    t_add_header(c, "X-Amz-Security-Token", token, why, whylen) == -1)
		return -1;
	sigv4_hex_sha256(c->body, c->body_len, c->body_hash);
	if (t_json_true(c->ctx, "sign_body") &&
	    t_add_header(c, "X-Amz-Content-Sha256", c->body_hash, why,
	    whylen) == -1)
		return -1;
	return 0;
}

/*
 * The suite's vectors encode the request-line path exactly once in both
 * modes.  sigv4_sign follows [IAM]: for every service but S3 it encodes
 * the path as sent once more; for S3 (normalize false) it signs the path
 * as sent.  So a normalised case hands over its request-line path as is,
 * and an unnormalised (S3-style) one hands it over as an HTTP client
 * would send it, encoded once: either way the canonical path is the
 * suite's.  No suite path holds a '%', so the suite cannot tell one
 * encoding from two; t_canonical_rules does.
 */
static void
t_wire_path(struct t_case *c)
{
	if (t_json_true(c->ctx, "normalize"))
		c->wire_path = xstrdup(c->path);
	else
		c->wire_path = ar_uri_encode(c->path, strlen(c->path), 1);
}

static int
t_load_case(struct t_case *c, char *why, size_t whylen)
{
	struct ar_buf js = { 0 };

	if (t_read(c, "context.json", 0, &js, why, whylen) == -1)
		return -1;
	c->ctx = cJSON_Parse(js.p);
	buf_free(&js);
	if (c->ctx == NULL) {
		snprintf(why, whylen, "context.json is not JSON");
		return -1;
	}
	if (t_read(c, "request.txt", 0, &c->req, why, whylen) == -1 ||
	    t_parse_request(c, why, whylen) == -1 ||
	    t_add_signer_headers(c, why, whylen) == -1)
		return -1;
	t_wire_path(c);
	return 0;
}

static void
t_fill_input(const struct t_case *c, struct sigv4_input *in)
{
	const cJSON *cred = cJSON_GetObjectItemCaseSensitive(c->ctx,
	    "credentials");

	memset(in, 0, sizeof(*in));
	in->method = c->method;
	in->path = c->wire_path;
	in->query = c->query;
	in->headers = c->hdr;
	in->nheaders = c->nhdr;
	in->body = c->body;
	in->body_len = c->body_len;
	in->region = t_json_str(c->ctx, "region");
	in->service = t_json_str(c->ctx, "service");
	in->amz_date = c->amz_date;
	in->access_key = t_json_str(cred, "access_key_id");
	in->secret_key = t_json_str(cred, "secret_access_key");
	in->normalize_path = t_json_true(c->ctx, "normalize");
}

/* The value of the Authorization line of header-signed-request.txt. */
static const char *
t_signed_auth(const struct ar_buf *signed_req)
{
	static const char key[] = "\nAuthorization:";
	const char *a = strstr(signed_req->p, key);

	return a != NULL ? a + sizeof(key) - 1 : NULL;
}

/* Compare got with dir/file; on a difference report it.  Returns 0 when
 * equal. */
static int
t_compare(const struct t_case *c, const char *file, const char *got)
{
	struct ar_buf want = { 0 };
	char why[1200];
	int rc = -1;

	if (t_read(c, file, 1, &want, why, sizeof(why)) == -1)
		unit_bad(c->name, "cannot read the expected file", why, got);
	else if (strcmp(want.p, got) != 0)
		unit_bad(c->name, file, want.p, got);
	else
		rc = 0;
	buf_free(&want);
	return rc;
}

/* The Authorization value, checked against header-signed-request.txt. */
static int
t_compare_auth(const struct t_case *c, const char *got)
{
	struct ar_buf sreq = { 0 };
	const char *want;
	char why[1200];
	size_t n;
	int rc = -1;

	if (t_read(c, "header-signed-request.txt", 1, &sreq, why,
	    sizeof(why)) == -1) {
		unit_bad(c->name, "cannot read the expected file", why, got);
		goto out;
	}
	want = t_signed_auth(&sreq);
	if (want == NULL) {
		unit_bad(c->name, "no Authorization line in "
		    "header-signed-request.txt", "", got);
		goto out;
	}
	n = strcspn(want, "\r\n");
	if (strlen(got) != n || memcmp(want, got, n) != 0) {
		sreq.p[(size_t)(want - sreq.p) + n] = '\0';
		unit_bad(c->name, "Authorization (header-signed-request.txt)",
		    want, got);
		goto out;
	}
	rc = 0;
out:
	buf_free(&sreq);
	return rc;
}

static void
t_run_case(const char *suite, const char *name)
{
	struct t_case c;
	struct sigv4_input in;
	struct sigv4_output out = { 0 };
	struct ar_err err;
	char why[1200];
	int n;

	memset(&c, 0, sizeof(c));
	c.name = name;
	n = snprintf(c.dir, sizeof(c.dir), "%s/%s", suite, name);
	if (n < 0 || (size_t)n >= sizeof(c.dir)) {
		unit_bad(name, "path too long", suite, name);
		goto out;
	}
	if (t_load_case(&c, why, sizeof(why)) == -1) {
		unit_bad(name, "cannot load the case", "a loadable case", why);
		goto out;
	}
	t_fill_input(&c, &in);
	if (sigv4_sign(&in, &out, &err) == -1) {
		unit_bad(name, "sigv4_sign failed", "success", err.msg);
		goto out;
	}
	if (t_compare(&c, "header-canonical-request.txt",
	    out.canonical_request) == 0 &&
	    t_compare(&c, "header-string-to-sign.txt",
	    out.string_to_sign) == 0 &&
	    t_compare(&c, "header-signature.txt", out.signature) == 0 &&
	    t_compare_auth(&c, out.authorization) == 0)
		unit_ok(name);
out:
	sigv4_output_free(&out);
	free(c.wire_path);
	buf_free(&c.req);
	cJSON_Delete(c.ctx);
}

static const char *
t_skip_reason(const char *name)
{
	size_t i;

	for (i = 0; t_skip[i].name != NULL; i++)
		if (strcmp(t_skip[i].name, name) == 0)
			return t_skip[i].reason;
	return NULL;
}

static int
t_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The case directories of the suite, sorted; NULL if it cannot be read. */
static char **
t_list_cases(const char *suite, size_t *n)
{
	struct dirent *e;
	char **v = NULL;
	DIR *d;

	*n = 0;
	if ((d = opendir(suite)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (v != NULL)
		qsort(v, *n, sizeof(*v), t_strcmp_p);
	return v;
}

static void
t_suite(void)
{
	const char *suite = getenv("AWSROLE_SIGV4_SUITE"), *reason;
	char **names;
	size_t n, i;

	if (suite == NULL || *suite == '\0')
		suite = T_SUITE_DEFAULT;
	errno = 0;
	names = t_list_cases(suite, &n);
	if (n == 0) {
		char what[PATH_MAX + 128];

		snprintf(what, sizeof(what), "no case directories in %s (%s); "
		    "set AWSROLE_SIGV4_SUITE", suite,
		    errno != 0 ? strerror(errno) : "empty");
		unit_fail("suite", what);
		free(names);
		return;
	}
	for (i = 0; i < n; i++) {
		if ((reason = t_skip_reason(names[i])) != NULL)
			printf("skip sigv4/%s: %s\n", names[i], reason);
		else
			t_run_case(suite, names[i]);
		free(names[i]);
	}
	free(names);
}

/* ------------------------------------------------------------------------
 * ar_uri_encode
 * ------------------------------------------------------------------------ */

static void
t_uri_encode(void)
{
	static const struct {
		const char *label, *in;
		size_t n;
		int keep_slash;
		const char *want;
	} v[] = {
		{ "empty", T_S(""), 0, "" },
		{ "unreserved", T_S("AZaz09-_.~"), 0, "AZaz09-_.~" },
		{ "space", T_S(" "), 0, "%20" },
		{ "slash", T_S("a/b"), 0, "a%2Fb" },
		{ "slash-kept", T_S("/a/b/"), 1, "/a/b/" },
		{ "utf8", T_S("\xe1\x88\xb4"), 0, "%E1%88%B4" },
		{ "percent", T_S("%"), 0, "%25" },
		{ "percent-encoded", T_S("%20"), 1, "%2520" },
		{ "plus", T_S("+"), 0, "%2B" },
		{ "equals", T_S("="), 0, "%3D" },
		{ "tilde", T_S("~"), 0, "~" },
		{ "nul-byte", T_S("a\0b"), 0, "a%00b" },
		{ "high-bytes", T_S("\x7f\x80\xff"), 0, "%7F%80%FF" },
		{ "reserved", T_S("!*'();:@&$,?#[]"), 1,
		    "%21%2A%27%28%29%3B%3A%40%26%24%2C%3F%23%5B%5D" },
	};
	char name[64], *got;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		got = ar_uri_encode(v[i].in, v[i].n, v[i].keep_slash);
		snprintf(name, sizeof(name), "uri-encode/%s", v[i].label);
		if (strcmp(got, v[i].want) == 0)
			unit_ok(name);
		else
			unit_bad(name, "ar_uri_encode", v[i].want, got);
		free(got);
	}
}

/* ------------------------------------------------------------------------
 * ar_form_encode and sts_form_body: the bytes botocore sends (issue 13.10).
 * The vectors are botocore's (python3 tests/form_diff.py vectors, and
 * botocore.serialize + AWSRequest.prepare() for the bodies).
 * ------------------------------------------------------------------------ */

static void
t_form_encode(void)
{
	static const struct {
		const char *label, *in;
		size_t n;
		const char *want;
	} v[] = {
		{ "empty", T_S(""), "" },
		{ "unreserved", T_S("AZaz09-_.~"), "AZaz09-_.~" },
		{ "space", T_S("a b"), "a+b" },
		{ "plus", T_S("+"), "%2B" },
		{ "tilde", T_S("~"), "~" },
		{ "star", T_S("*"), "%2A" },
		{ "slash", T_S("/"), "%2F" },
		{ "equals", T_S("="), "%3D" },
		{ "amp", T_S("&"), "%26" },
		{ "percent", T_S("%"), "%25" },
		{ "bang-quote-parens", T_S("!'()"), "%21%27%28%29" },
		{ "colon", T_S(":"), "%3A" },
		{ "gen-delims", T_S("@,;$?#[]"), "%40%2C%3B%24%3F%23%5B%5D" },
		{ "unsafe", T_S("\"<>\\^`{|}"), "%22%3C%3E%5C%5E%60%7B%7C%7D" },
		{ "controls", T_S("\t\n\r"), "%09%0A%0D" },
		{ "del", T_S("\x7f"), "%7F" },
		{ "nul-byte", T_S("a\0b"), "a%00b" },
		{ "e-acute", T_S("\xc3\xa9"), "%C3%A9" },
		{ "cjk", T_S("\xe6\x97\xa5\xe6\x9c\xac"), "%E6%97%A5%E6%9C%AC" },
		{ "emoji", T_S("\xf0\x9f\x98\x80"), "%F0%9F%98%80" },
		{ "u2028", T_S("\xe2\x80\xa8"), "%E2%80%A8" },
		{ "mixed", T_S("a+b c~d*e/f=g&h"), "a%2Bb+c~d%2Ae%2Ff%3Dg%26h" },
	};
	char name[64], *got;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		got = ar_form_encode(v[i].in, v[i].n);
		snprintf(name, sizeof(name), "form-encode/%s", v[i].label);
		if (strcmp(got, v[i].want) == 0)
			unit_ok(name);
		else
			unit_bad(name, "ar_form_encode", v[i].want, got);
		free(got);
	}
	/* the SigV4 encoder keeps %20: canonical URI and query need it */
	got = ar_uri_encode(" ", 1, 0);
	unit_check_str("form-encode/uri-encode-keeps-%20", "%20", got);
	free(got);
}

/* sts_form_body of p[0..n) equals want. */
static void
t_form_body_is(const char *name, const char *action,
    const struct sts_param *p, size_t n, const char *want)
{
	struct ar_buf b = { 0 };

	sts_form_body(action, p, n, &b);
	unit_check_str(name, want, b.p);
	buf_free(&b);
}

/* The bodies of AssumeRole and AssumeRoleWithWebIdentity, with the
 * parameters hop_assume and hop_assume_web build (botocore's order). */
static void
t_form_body(void)
{
	static const char arn[] = "arn:aws:iam::111111111111:role/RoleA";
	static const char gen[] = "botocore-session-1796160937";
	struct assume_args a;
	struct sts_param p[7];
	size_t n;

	memset(&a, 0, sizeof(a));
	a.role_arn = arn;
	a.session_name = "a+b=c,d.e@f-g_h";
	a.external_id = "sp ace~tilde*star/slash=eq&amp+plus%pct!'()"
	    "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80:end";
	a.serial = "arn:aws:iam::333333333333:mfa/path/dev+one=a,b.c@d-e_f";
	n = assume_params(&a, gen, "900", "123456", p);
	t_form_body_is("form-body/assume-role-name-configured", "AssumeRole",
	    p, n, "Action=AssumeRole&Version=2011-06-15"
	    "&RoleSessionName=a%2Bb%3Dc%2Cd.e%40f-g_h"
	    "&ExternalId=sp+ace~tilde%2Astar%2Fslash%3Deq%26amp%2Bplus%25pct"
	    "%21%27%28%29%C3%A9%E6%97%A5%F0%9F%98%80%3Aend"
	    "&SerialNumber=arn%3Aaws%3Aiam%3A%3A333333333333%3Amfa%2Fpath%2F"
	    "dev%2Bone%3Da%2Cb.c%40d-e_f"
	    "&DurationSeconds=900"
	    "&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FRoleA"
	    "&TokenCode=123456");
	memset(&a, 0, sizeof(a));
	a.role_arn = arn;
	a.external_id = "a b";
	n = assume_params(&a, gen, "900", NULL, p);
	t_form_body_is("form-body/assume-role-name-generated", "AssumeRole",
	    p, n, "Action=AssumeRole&Version=2011-06-15&ExternalId=a+b"
	    "&DurationSeconds=900"
	    "&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FRoleA"
	    "&RoleSessionName=botocore-session-1796160937");
	n = web_params(&a, gen, "eyJ.a-b_c.d~e", p);
	t_form_body_is("form-body/web-identity-name-generated",
	    "AssumeRoleWithWebIdentity", p, n,
	    "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
	    "&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FRoleA"
	    "&RoleSessionName=botocore-session-1796160937"
	    "&WebIdentityToken=eyJ.a-b_c.d~e");
	a.session_name = "web-sess";
	n = web_params(&a, gen, "eyJ.a-b_c.d~e", p);
	t_form_body_is("form-body/web-identity-name-configured",
	    "AssumeRoleWithWebIdentity", p, n,
	    "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
	    "&RoleSessionName=web-sess"
	    "&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FRoleA"
	    "&WebIdentityToken=eyJ.a-b_c.d~e");
	t_form_body_is("form-body/get-caller-identity", "GetCallerIdentity",
	    NULL, 0, "Action=GetCallerIdentity&Version=2011-06-15");
}

/* ------------------------------------------------------------------------
 * Canonical path, query and header rules the suite does not reach
 * ------------------------------------------------------------------------ */

static const struct sigv4_header t_host[] = {
	{ "Host", "sts.amazonaws.com" },
	{ "X-Amz-Date", "20150830T123600Z" },
};

static void
t_good_input(struct sigv4_input *in)
{
	memset(in, 0, sizeof(*in));
	in->method = "POST";
	in->path = "/";
	in->query = "";
	in->headers = t_host;
	in->nheaders = sizeof(t_host) / sizeof(t_host[0]);
	in->body = "Action=GetCallerIdentity&Version=2011-06-15";
	in->body_len = strlen(in->body);
	in->region = "us-east-1";
	in->service = "sts";
	in->amz_date = "20150830T123600Z";
	in->access_key = "AKIDEXAMPLE";
	in->secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	in->normalize_path = 1;
}

/* Line `line` (0-based) of the canonical request, into a static buffer. */
static const char *
t_cr_line(const struct sigv4_output *out, int line)
{
	static char buf[1024];
	const char *p = out->canonical_request;
	size_t n;

	while (line-- > 0 && p != NULL)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL)
		return "(no such line)";
	n = strcspn(p, "\n");
	snprintf(buf, sizeof(buf), "%.*s", (int)(n < 1000 ? n : 1000), p);
	return buf;
}

/* Sign `in` and compare line `line` of the canonical request. */
static void
t_check_line(const char *name, const struct sigv4_input *in, int line,
    const char *want)
{
	struct sigv4_output out;
	struct ar_err err;
	const char *got;

	if (sigv4_sign(in, &out, &err) == -1) {
		unit_bad(name, "sigv4_sign failed", want, err.msg);
		return;
	}
	got = t_cr_line(&out, line);
	if (strcmp(got, want) == 0)
		unit_ok(name);
	else
		unit_bad(name, line == 1 ? "canonical path" : "canonical query",
		    want, got);
	sigv4_output_free(&out);
}

/* Line 1 (the canonical URI) or 2 (the canonical query) of the canonical
 * request for a path and query. */
static void
t_canonical_rules(void)
{
	static const struct {
		const char *label, *path, *query;
		int normalize, line;
		const char *want;
	} v[] = {
		/* [IAM]: every service but S3 encodes the path as sent
		 * once more; S3 signs it as sent. */
		{ "path/double-encode", "/a%20b/c d", "", 1, 1,
		    "/a%2520b/c%20d" },
		{ "path/s3-as-sent", "/a%20b//./c/../", "", 0, 1,
		    "/a%20b//./c/../" },
		{ "path/dot-segments", "/a/b/../c/./d//", "", 1, 1, "/a/c/d/" },
		{ "path/above-root", "/../a/../..", "", 1, 1, "/" },
		{ "path/trailing-dot", "/a/.", "", 1, 1, "/a" },
		{ "path/root", "/", "", 1, 1, "/" },
		{ "path/dots-in-names", "/.a/..b/...", "", 1, 1, "/.a/..b/..." },
		{ "query/sort-name-value", "/", "b=2&a=1&a=0&c", 1, 2,
		    "a=0&a=1&b=2&c=" },
		{ "query/plus-is-literal", "/", "x=a+b%2fc", 1, 2,
		    "x=a%2Bb%2Fc" },
		{ "query/reencode", "/", "%41=%7e&e=%&f=%4", 1, 2,
		    "A=~&e=%25&f=%254" },
		{ "query/empty-pieces", "/", "&&a=&=v&", 1, 2, "=v&a=" },
		{ "query/equals-in-value", "/", "k=v=w", 1, 2, "k=v%3Dw" },
		{ "query/sort-encoded", "/", "b=1&%C3%A9=2&B=3", 1, 2,
		    "%C3%A9=2&B=3&b=1" },
		{ "query/nul-byte", "/", "k=%00", 1, 2, "k=%00" },
	};
	struct sigv4_input in;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		t_good_input(&in);
		in.path = v[i].path;
		in.query = v[i].query;
		in.normalize_path = v[i].normalize;
		t_check_line(v[i].label, &in, v[i].line, v[i].want);
	}
}

static void
t_header_rules(void)
{
	static const struct sigv4_header h[] = {
		{ "X-B", " \t two   words\t " },
		{ "x-a", "1" },
		{ "Host", "sts.amazonaws.com" },
		{ "X-A", " 2 " },
		{ "X-Empty", "   " },
		{ "X-Amz-Date", "20150830T123600Z" },
	};
	static const char want[] = "POST\n/\n\nhost:sts.amazonaws.com\n"
	    "x-a:1,2\nx-amz-date:20150830T123600Z\nx-b:two words\nx-empty:\n"
	    "\nhost;x-a;x-amz-date;x-b;x-empty\n";
	struct sigv4_input in;
	struct sigv4_output out;
	struct ar_err err;

	t_good_input(&in);
	in.headers = h;
	in.nheaders = sizeof(h) / sizeof(h[0]);
	if (sigv4_sign(&in, &out, &err) == -1) {
		unit_bad("headers/trim-join-sort", "sigv4_sign failed", want,
		    err.msg);
		return;
	}
	if (strncmp(out.canonical_request, want, sizeof(want) - 1) != 0)
		unit_bad("headers/trim-join-sort", "canonical headers", want,
		    out.canonical_request);
	else if (strcmp(out.signed_headers,
	    "host;x-a;x-amz-date;x-b;x-empty") != 0)
		unit_bad("headers/trim-join-sort", "signed headers",
		    "host;x-a;x-amz-date;x-b;x-empty", out.signed_headers);
	else
		unit_ok("headers/trim-join-sort");
	sigv4_output_free(&out);
}

/* ------------------------------------------------------------------------
 * Bad input: -1, AR_EGENERAL, a message without the secret, an empty
 * output.
 * ------------------------------------------------------------------------ */

enum t_field {
	F_METHOD, F_PATH, F_QUERY, F_REGION, F_SERVICE, F_DATE, F_AKID,
	F_SECRET, F_HNAME, F_HVALUE, F_HEADERS, F_NHEADERS, F_BODY, F_INPUT
};

static const struct {
	const char *label;
	enum t_field f;
	const char *v;          /* NULL: set the field to NULL */
} t_bad_inputs[] = {
	{ "null-input", F_INPUT, NULL },
	{ "null-method", F_METHOD, NULL },
	{ "null-path", F_PATH, NULL },
	{ "null-query", F_QUERY, NULL },
	{ "null-region", F_REGION, NULL },
	{ "null-service", F_SERVICE, NULL },
	{ "null-date", F_DATE, NULL },
	{ "null-access-key", F_AKID, NULL },
	{ "null-secret", F_SECRET, NULL },
	{ "null-headers", F_HEADERS, NULL },
	{ "null-header-name", F_HNAME, NULL },
	{ "null-header-value", F_HVALUE, NULL },
	{ "null-body-with-length", F_BODY, NULL },
	{ "no-headers", F_NHEADERS, NULL },
	{ "date-short", F_DATE, "20150830T123600" },
	{ "date-long", F_DATE, "20150830T123600ZZ" },
	{ "date-iso8601", F_DATE, "2015-08-30T12:36:00Z" },
	{ "date-no-T", F_DATE, "20150830X123600Z" },
	{ "date-letter", F_DATE, "2015O830T123600Z" },
	{ "date-empty", F_DATE, "" },
	{ "method-lower", F_METHOD, "post" },
	{ "method-empty", F_METHOD, "" },
	{ "path-relative", F_PATH, "a/b" },
	{ "path-empty", F_PATH, "" },
	{ "region-slash", F_REGION, "us/east-1" },
	{ "region-empty", F_REGION, "" },
	{ "service-space", F_SERVICE, "s ts" },
	{ "access-key-comma", F_AKID, "AKID,X" },
	{ "access-key-empty", F_AKID, "" },
	{ "secret-empty", F_SECRET, "" },
	{ "header-name-colon", F_HNAME, "Host:" },
	{ "header-name-empty", F_HNAME, "" },
	{ "header-name-space", F_HNAME, "X Y" },
	{ "header-value-lf", F_HVALUE, "a\nX-Forged: b" },
	{ "header-value-cr", F_HVALUE, "a\rb" },
};

static void
t_mutate(struct sigv4_input *in, struct sigv4_header *h, enum t_field f,
    const char *v)
{
	switch (f) {
	case F_METHOD:   in->method = v; break;
	case F_PATH:     in->path = v; break;
	case F_QUERY:    in->query = v; break;
	case F_REGION:   in->region = v; break;
	case F_SERVICE:  in->service = v; break;
	case F_DATE:     in->amz_date = v; break;
	case F_AKID:     in->access_key = v; break;
	case F_SECRET:   in->secret_key = v; break;
	case F_HNAME:    h[0].name = v; break;
	case F_HVALUE:   h[0].value = v; break;
	case F_HEADERS:  in->headers = NULL; break;
	case F_NHEADERS: in->nheaders = 0; break;
	case F_BODY:     in->body = NULL; in->body_len = 5; break;
	case F_INPUT:    break;
	}
}

static int
t_output_empty(const struct sigv4_output *o)
{
	return o->canonical_request == NULL && o->string_to_sign == NULL &&
	    o->signed_headers == NULL && o->authorization == NULL &&
	    o->signature[0] == '\0';
}

static void
t_one_bad_input(size_t i, const char *secret)
{
	struct sigv4_header h[2];
	struct sigv4_input in;
	struct sigv4_output out;
	struct ar_err err;
	char name[64];
	int rc;

	snprintf(name, sizeof(name), "bad-input/%s", t_bad_inputs[i].label);
	t_good_input(&in);
	memcpy(h, t_host, sizeof(h));
	in.headers = h;
	t_mutate(&in, h, t_bad_inputs[i].f, t_bad_inputs[i].v);
	memset(&err, 0, sizeof(err));
	memset(&out, 0xa5, sizeof(out));       /* must be cleared */
	rc = sigv4_sign(t_bad_inputs[i].f == F_INPUT ? NULL : &in, &out, &err);
	if (rc != -1)
		unit_bad(name, "sigv4_sign", "-1", "0");
	else if (err.status != AR_EGENERAL || err.msg[0] == '\0')
		unit_bad(name, "error", "AR_EGENERAL and a message", err.msg);
	else if (strstr(err.msg, secret) != NULL)
		unit_bad(name, "error message", "no secret", err.msg);
	else if (!t_output_empty(&out))
		unit_bad(name, "output", "all NULL", "something left");
	else
		unit_ok(name);
	if (rc == 0 || t_output_empty(&out))
		sigv4_output_free(&out);
}

static void
t_bad_input(void)
{
	static const char prefix[] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
	    "20150830/us-east-1/sts/aws4_request, SignedHeaders=host;"
	    "x-amz-date, Signature=";
	struct sigv4_input in;
	struct sigv4_output out;
	struct ar_err err;
	size_t i;

	t_good_input(&in);      /* the control: unchanged, it signs */
	if (sigv4_sign(&in, &out, &err) == -1)
		unit_bad("bad-input/control", "sigv4_sign failed", "success",
		    err.msg);
	else if (strncmp(out.authorization, prefix, sizeof(prefix) - 1) != 0 ||
	    strlen(out.authorization) != sizeof(prefix) - 1 + 64)
		unit_bad("bad-input/control", "Authorization", prefix,
		    out.authorization);
	else
		unit_ok("bad-input/control");
	sigv4_output_free(&out);
	sigv4_output_free(&out);        /* twice is harmless */
	for (i = 0; i < sizeof(t_bad_inputs) / sizeof(t_bad_inputs[0]); i++)
		t_one_bad_input(i, in.secret_key);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_suite();
	t_uri_encode();
	t_form_encode();
	t_form_body();
	t_canonical_rules();
	t_header_rules();
	t_bad_input();
	return unit_done();
}
