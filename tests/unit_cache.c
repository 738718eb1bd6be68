/*
 * unit_cache.c -- section 10 of awsrole.c (the credential cache shared with
 * the AWS CLI): py_json_string against Python's json.dumps, cache_key
 * vectors (botocore's sha1 of json.dumps(args, sort_keys=True)),
 * cache_window and AWSROLE_REFRESH_WINDOW, cache_init, cache_parse on good
 * and bad bodies, the ISO 8601 forms entries carry, and a write/read round
 * trip in a scratch directory.
 *
 *   make build/unit_cache && build/unit_cache      (cwd: the repo root)
 *
 * Every expected string and hash below was produced by Python 3.11
 * (json.dumps(s) with the default ensure_ascii, hashlib.sha1,
 * datetime.fromisoformat(...).timestamp()) when this file was written.
 * Prints "ok cache/NAME" or "FAIL cache/NAME" with both sides, then
 * "cache: N passed, N failed"; exits 1 if anything failed.
 */
#include "../awsrole.c"

#define UNIT_GROUP "cache"
#include "unit.h"

/* ------------------------------------------------------------------------
 * py_json_string: Python's json.dumps(s) (ensure_ascii=True)
 * ------------------------------------------------------------------------ */

static const struct {
	const char *name, *in, *want;
} t_json[] = {
	{ "empty", "", "\"\"" },
	{ "ascii", "plain", "\"plain\"" },
	{ "quote-backslash", "a\"b\\c", "\"a\\\"b\\\\c\"" },
	{ "slash-not-escaped", "/slash", "\"/slash\"" },
	{ "short-escapes", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
	{ "controls", "\x01\x1f", "\"\\u0001\\u001f\"" },
	{ "del-0x7f", "\x7f", "\"\\u007f\"" },
	{ "html-chars", "<>&'", "\"<>&'\"" },
	{ "e-acute", "\xc3\xa9", "\"\\u00e9\"" },
	{ "u0080", "\xc2\x80", "\"\\u0080\"" },
	{ "u07ff", "\xdf\xbf", "\"\\u07ff\"" },
	{ "nihon", "\xe6\x97\xa5\xe6\x9c\xac", "\"\\u65e5\\u672c\"" },
	{ "u2028", "\xe2\x80\xa8", "\"\\u2028\"" },
	{ "uffff", "\xef\xbf\xbf", "\"\\uffff\"" },
	{ "u10000", "\xf0\x90\x80\x80", "\"\\ud800\\udc00\"" },
	{ "emoji", "\xf0\x9f\x98\x80", "\"\\ud83d\\ude00\"" },
	{ "u10ffff", "\xf4\x8f\xbf\xbf", "\"\\udbff\\udfff\"" },
	{ "mixed", "mixed \xc3\xa9\"\\\xf0\x9f\x98\x80\t/end",
	    "\"mixed \\u00e9\\\"\\\\\\ud83d\\ude00\\t/end\"" },
};

/* Not UTF-8: no Python string corresponds, so the key must fail. */
static const struct {
	const char *name, *in;
} t_json_bad[] = {
	{ "lone-ff", "a\xff" },
	{ "lone-continuation", "a\x80z" },
	{ "truncated-2", "a\xc3" },
	{ "truncated-4", "a\xf0\x9f\x98" },
	{ "bad-continuation", "\xc3\x28" },
	{ "overlong-slash", "\xc0\xaf" },
	{ "encoded-surrogate", "\xed\xa0\x80" },
	{ "above-10ffff", "\xf4\x90\x80\x80" },
};

static void
test_py_json_string(void)
{
	struct ar_buf b;
	char name[96];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(t_json) / sizeof(t_json[0]); i++) {
		memset(&b, 0, sizeof(b));
		rc = py_json_string(&b, t_json[i].in);
		buf_add(&b, "", 1);
		snprintf(name, sizeof(name), "py_json_string/%s", t_json[i].name);
		unit_check_str(name, t_json[i].want, rc == 0 ? b.p : "(rc -1)");
		buf_free(&b);
	}
	for (i = 0; i < sizeof(t_json_bad) / sizeof(t_json_bad[0]); i++) {
		memset(&b, 0, sizeof(b));
		rc = py_json_string(&b, t_json_bad[i].in);
		buf_add(&b, "", 1);
		snprintf(name, sizeof(name), "py_json_string/invalid-utf8/%s",
		    t_json_bad[i].name);
		unit_check(name, rc == -1, "rc -1 (not UTF-8)", b.p);
		buf_free(&b);
	}
}

/* ------------------------------------------------------------------------
 * cache_key: sha1(json.dumps(args, sort_keys=True))
 * ------------------------------------------------------------------------ */

#define ROLE_A "arn:aws:iam::111111111111:role/RoleA"
#define MFA    "arn:aws:iam::333333333333:mfa/example.user"

static const struct {
	const char *name;
	struct assume_args a;
	const char *want;
} t_key[] = {
	/* FACTS.md, checked by running the CLI */
	{ "facts-example", { ROLE_A, MFA, NULL, NULL, 900, NULL, NULL },
	    "eb73dc24d3b02afb39b999e638a3365a630afca9" },
	{ "role-only", { ROLE_A, NULL, NULL, NULL, 0, NULL, NULL },
	    "00a50c1651f2c269f4c3b41d21ceb56a5168761d" },
	{ "all-fields", { ROLE_A, MFA, "ext-12345", "my.session@x", 43200, NULL, NULL },
	    "aa0739ab71f68c590a99ff2b700559457ba236b1" },
	{ "external-id-non-ascii",
	    { ROLE_A, NULL, "caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac-\xf0\x9f\x98\x80",
	    NULL, 0, NULL, NULL }, "c64d1c3e26aba0e9ba087467c7500a5b41d5a04b" },
	{ "session-name-quote-backslash", { ROLE_A, NULL, NULL, "a\"b\\c", 0, NULL, NULL },
	    "3c63d6f7ea5c495ae4fbdee6f3da04c630823d0e" },
	{ "external-id-del", { ROLE_A, NULL, "x\x7fy", NULL, 0, NULL, NULL },
	    "2336e6262a87b13e359c7437c7388307e790d5ae" },
};

static void
test_cache_key(void)
{
	struct assume_args a;
	struct ar_err err;
	char hex[41], name[96];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(t_key) / sizeof(t_key[0]); i++) {
		memset(hex, 0, sizeof(hex));
		rc = cache_key(&t_key[i].a, hex, &err);
		snprintf(name, sizeof(name), "cache_key/%s", t_key[i].name);
		unit_check_str(name, t_key[i].want, rc == 0 ? hex : err.msg);
	}
	/* the web identity token file is not part of the key */
	a = t_key[1].a;
	a.token_file = "/var/run/token";
	memset(hex, 0, sizeof(hex));
	rc = cache_key(&a, hex, &err);
	unit_check_str("cache_key/token-file-not-in-key", t_key[1].want,
	    rc == 0 ? hex : err.msg);
	/* not UTF-8: a configuration error, no key */
	a = t_key[1].a;
	a.external_id = "bad\xff";
	memset(&err, 0, sizeof(err));
	rc = cache_key(&a, hex, &err);
	unit_check("cache_key/invalid-utf8-is-config-error",
	    rc == -1 && err.status == AR_ECONFIG && strstr(err.msg, "UTF-8"),
	    "rc -1, AR_ECONFIG, a message naming UTF-8", err.msg);
}

/* ------------------------------------------------------------------------
 * cache_window, cache_init
 * ------------------------------------------------------------------------ */

static void
test_cache_window(void)
{
	static const struct {
		long duration, want;
	} t[] = {
		{ 900, 90 },     /* the scenario's sessions: 10% */
		{ 1200, 120 },
		{ 2999, 299 },
		{ 3000, 300 },
		{ 3600, 300 },   /* capped at AR_REFRESH_MAX_S */
		{ 43200, 300 },
		{ 0, 300 },      /* unset: STS's default 3600 s */
	};
	struct cache c;
	struct ar_err err;
	char name[96];
	size_t i;

	memset(&c, 0, sizeof(c));
	c.window = -1;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "cache_window/default/%ld",
		    t[i].duration);
		unit_check_long(name, t[i].want,
		    cache_window(&c, t[i].duration));
	}
	c.window = 0;
	unit_check_long("cache_window/override-0", 0, cache_window(&c, 900));
	c.window = 1000;
	unit_check_long("cache_window/override-1000-beats-duration", 1000,
	    cache_window(&c, 900));

	setenv("HOME", "/home/unit", 1);
	unsetenv("AWSROLE_CACHE_DIR");
	setenv("AWSROLE_REFRESH_WINDOW", "120", 1);
	unit_check("cache_init/refresh-window-120",
	    cache_init(&c, 0, &err) == 0 && c.window == 120 &&
	    cache_window(&c, 3600) == 120, "window 120", err.msg);
	setenv("AWSROLE_REFRESH_WINDOW", "", 1);
	unit_check("cache_init/refresh-window-empty-is-default",
	    cache_init(&c, 0, &err) == 0 && c.window == -1, "window -1",
	    err.msg);
	{
		static const char *bad[] = { "abc", "-5", "86401", "1.5",
		    "10s" };
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memset(&err, 0, sizeof(err));
			setenv("AWSROLE_REFRESH_WINDOW", bad[i], 1);
			snprintf(name, sizeof(name),
			    "cache_init/refresh-window-bad/%s", bad[i]);
			unit_check(name, cache_init(&c, 0, &err) == -1 &&
			    err.status == AR_ECONFIG &&
			    strstr(err.msg, "AWSROLE_REFRESH_WINDOW") != NULL,
			    "rc -1, AR_ECONFIG naming AWSROLE_REFRESH_WINDOW",
			    err.msg);
		}
	}
	unsetenv("AWSROLE_REFRESH_WINDOW");
	unit_check("cache_init/dir-from-home", cache_init(&c, 0, &err) == 0 &&
	    strcmp(c.dir, "/home/unit/.aws/cli/cache") == 0,
	    "/home/unit/.aws/cli/cache", c.dir);
	setenv("AWSROLE_CACHE_DIR", "/elsewhere/cache", 1);
	unit_check("cache_init/dir-from-AWSROLE_CACHE_DIR",
	    cache_init(&c, 0, &err) == 0 &&
	    strcmp(c.dir, "/elsewhere/cache") == 0, "/elsewhere/cache", c.dir);
	{
		char longdir[PATH_MAX];

		memset(longdir, 'd', sizeof(longdir) - 1);
		longdir[0] = '/';
		longdir[PATH_MAX - 40] = '\0';
		setenv("AWSROLE_CACHE_DIR", longdir, 1);
		memset(&err, 0, sizeof(err));
		unit_check("cache_init/dir-too-long",
		    cache_init(&c, 0, &err) == -1 && err.status == AR_EFILE, "rc -1, AR_EFILE", err.msg);
	}
	unsetenv("AWSROLE_CACHE_DIR");
}

/* ------------------------------------------------------------------------
 * iso8601_parse / iso8601_format
 * ------------------------------------------------------------------------ */

static void
test_iso8601(void)
{
	static const struct {
		const char *in;
		long long want;
	} good[] = {
		{ "2026-11-28T14:28:22Z", 1795876102 },
		{ "2026-11-28T14:28:22+00:00", 1795876102 },
		{ "2026-11-28T14:28:22.646586Z", 1795876102 },
		{ "2026-11-28T14:28:22.646586+00:00", 1795876102 },
		{ "2026-11-28T23:28:22+09:00", 1795876102 },
		{ "2026-11-28T08:58:22-05:30", 1795876102 },
		{ "2026-11-28T14:28:22+0000", 1795876102 },
		{ "2026-11-28t14:28:22z", 1795876102 },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2038-01-19T03:14:08Z", 2147483648LL },
	};
	static const char *bad[] = {
		"", "2026-11-28", "2026-11-28T14:28Z", "2026-11-28T14:28:22Zjunk",
		"2026-11-28T14:28:22+9", "2026-13-01T00:00:00Z",
		"2026-11-28T24:00:00Z", "2026-11-28T14:61:00Z",
		"2026-11-28T14:28:22.Zx", "tomorrow", "1893456000",
		"2026/11/28T14:28:22Z",
	};
	char name[128], got[64], want[64];
	time_t t;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(name, sizeof(name), "iso8601_parse/%s", good[i].in);
		t = -1;
		snprintf(want, sizeof(want), "%lld", good[i].want);
		if (iso8601_parse(good[i].in, &t) == -1)
			snprintf(got, sizeof(got), "rc -1");
		else
			snprintf(got, sizeof(got), "%lld", (long long)t);
		unit_check_str(name, want, got);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "iso8601_parse/bad/%s", bad[i]);
		unit_check(name, iso8601_parse(bad[i], &t) == -1, "rc -1",
		    "rc 0");
	}
	unit_check("iso8601_parse/bad/NULL", iso8601_parse(NULL, &t) == -1,
	    "rc -1", "rc 0");
	iso8601_format((time_t)1795877445, got, sizeof(got));
	unit_check_str("iso8601_format/utc-z", "2026-11-28T14:50:45Z", got);
	iso8601_format((time_t)1795876102, got, sizeof(got));
	t = 0;
	unit_check("iso8601_format/round-trip",
	    iso8601_parse(got, &t) == 0 && t == 1795876102, "1795876102", got);
}

/* ------------------------------------------------------------------------
 * cache_parse
 * ------------------------------------------------------------------------ */

#define CRED_OK(extra) "{\"Credentials\": {\"AccessKeyId\": \"ASIAEXAMPLE\", " \
	"\"SecretAccessKey\": \"sk/+=\", \"SessionToken\": \"tok\", " \
	"\"Expiration\": \"2026-11-28T14:28:22Z\"" extra "}"

static void
test_cache_parse(void)
{
	static const struct {
		const char *name, *body;
	} bad[] = {
		{ "empty", "" },
		{ "null", "null" },
		{ "array", "[]" },
		{ "not-json", "this is not JSON" },
		{ "truncated", "{\"Credentials\": {\"AccessKeyId\": \"ASIA" },
		{ "no-credentials", "{\"AssumedRoleUser\": {}}" },
		{ "credentials-not-object", "{\"Credentials\": \"x\"}" },
		{ "no-access-key", "{\"Credentials\": {\"SecretAccessKey\": "
		    "\"s\", \"SessionToken\": \"t\", \"Expiration\": "
		    "\"2026-11-28T14:28:22Z\"}}" },
		{ "no-secret", "{\"Credentials\": {\"AccessKeyId\": \"A\", "
		    "\"SessionToken\": \"t\", \"Expiration\": "
		    "\"2026-11-28T14:28:22Z\"}}" },
		{ "no-session-token", "{\"Credentials\": {\"AccessKeyId\": \"A\", "
		    "\"SecretAccessKey\": \"s\", \"Expiration\": "
		    "\"2026-11-28T14:28:22Z\"}}" },
		{ "no-expiration", "{\"Credentials\": {\"AccessKeyId\": \"A\", "
		    "\"SecretAccessKey\": \"s\", \"SessionToken\": \"t\"}}" },
		{ "bad-expiration", "{\"Credentials\": {\"AccessKeyId\": \"A\", "
		    "\"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", "
		    "\"Expiration\": \"tomorrow\"}}" },
		{ "numeric-expiration", "{\"Credentials\": {\"AccessKeyId\": "
		    "\"A\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", "
		    "\"Expiration\": 1795876102}}" },
		{ "numeric-access-key", "{\"Credentials\": {\"AccessKeyId\": 5, "
		    "\"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", "
		    "\"Expiration\": \"2026-11-28T14:28:22Z\"}}" },
		{ "null-token", "{\"Credentials\": {\"AccessKeyId\": \"A\", "
		    "\"SecretAccessKey\": \"s\", \"SessionToken\": null, "
		    "\"Expiration\": \"2026-11-28T14:28:22Z\"}}" },
	};
	struct creds c;
	char name[96];
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	rc = cache_parse(CRED_OK("}"), &c);
	unit_check("cache_parse/minimal", rc == 0 && c.akid &&
	    strcmp(c.akid, "ASIAEXAMPLE") == 0 && c.secret &&
	    strcmp(c.secret, "sk/+=") == 0 && c.token &&
	    strcmp(c.token, "tok") == 0 && c.expires == 1795876102 &&
	    c.arn == NULL, "rc 0, the four fields, no ARN", c.akid);
	creds_clear(&c);

	memset(&c, 0, sizeof(c));
	rc = cache_parse(CRED_OK(", \"AccountId\": \"111111111111\"}, "
	    "\"AssumedRoleUser\": {\"AssumedRoleId\": \"AROAX:botocore-session-1\", "
	    "\"Arn\": \"arn:aws:sts::111111111111:assumed-role/RoleA/botocore-session-1\"}, "
	    "\"ResponseMetadata\": {\"RequestId\": \"r\", \"RetryAttempts\": 0}"),
	    &c);
	unit_check("cache_parse/botocore-full-body", rc == 0 && c.arn &&
	    strcmp(c.arn, "arn:aws:sts::111111111111:assumed-role/RoleA/"
	    "botocore-session-1") == 0 && c.account &&
	    strcmp(c.account, "111111111111") == 0 && c.role_id &&
	    strcmp(c.role_id, "AROAX:botocore-session-1") == 0,
	    "rc 0 with ARN, account, role id", c.arn);
	creds_clear(&c);

	memset(&c, 0, sizeof(c));
	rc = cache_parse("{\"Credentials\": {\"AccessKeyId\": \"A\", "
	    "\"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": "
	    "\"2026-11-28T14:28:22.646586+00:00\"}}", &c);
	unit_check("cache_parse/cli-expiration-form", rc == 0 &&
	    c.expires == 1795876102, "rc 0, 1795876102", "other");
	creds_clear(&c);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		snprintf(name, sizeof(name), "cache_parse/bad/%s", bad[i].name);
		rc = cache_parse(bad[i].body, &c);
		unit_check(name, rc == -1, "rc -1 (corrupt)", "rc 0");
		creds_clear(&c);
	}
}

/* ------------------------------------------------------------------------
 * cache_write / cache_read in a scratch directory
 * ------------------------------------------------------------------------ */

static void
test_round_trip(void)
{
	char tmpl[] = "/tmp/unit_cache.XXXXXX";
	char path[PATH_MAX], sub[PATH_MAX];
	struct cache c;
	struct creds in, out;
	struct ar_err err;
	struct stat st;
	const char *why = NULL;
	const char *key = "00a50c1651f2c269f4c3b41d21ceb56a5168761d";
	int rc, fd;

	if (mkdtemp(tmpl) == NULL) {
		unit_check("round-trip/mkdtemp", 0, "a scratch directory",
		    strerror(errno));
		return;
	}
	snprintf(sub, sizeof(sub), "%s/a/b/cache", tmpl);
	setenv("AWSROLE_CACHE_DIR", sub, 1);
	unsetenv("AWSROLE_REFRESH_WINDOW");
	if (cache_init(&c, 0, &err) == -1) {
		unit_check("round-trip/cache_init", 0, "rc 0", err.msg);
		return;
	}
	memset(&in, 0, sizeof(in));
	in.akid = xstrdup("ASIAROUNDTRIP");
	in.secret = xstrdup("secret\"with\\odd/chars");
	in.token = xstrdup("token");
	in.arn = xstrdup("arn:aws:sts::111111111111:assumed-role/RoleA/s");
	in.account = xstrdup("111111111111");
	in.role_id = xstrdup("AROAX:s");
	in.expires = now_s() + 800;

	rc = cache_write(&c, key, &in, &err);
	unit_check("round-trip/write", rc == 0, "rc 0", err.msg);
	unit_check("round-trip/dir-0700", stat(sub, &st) == 0 &&
	    (st.st_mode & 07777) == 0700, "0700", "other");
	cache_path(&c, key, ".json", path);
	unit_check("round-trip/entry-0600", stat(path, &st) == 0 &&
	    (st.st_mode & 07777) == 0600, "0600", "other");

	memset(&out, 0, sizeof(out));
	rc = cache_read(&c, key, 900, &out, &why, &err);
	unit_check("round-trip/read", rc == 0 && out.akid &&
	    strcmp(out.akid, in.akid) == 0 && strcmp(out.secret, in.secret) == 0 &&
	    out.expires == in.expires && out.account &&
	    strcmp(out.account, "111111111111") == 0, "rc 0, same fields", why);
	creds_clear(&out);

	/* 800 s left, 900 s role: window 90 -> used; window 1000 -> not */
	c.window = 1000;
	memset(&out, 0, sizeof(out));
	rc = cache_read(&c, key, 900, &out, &why, &err);
	unit_check("round-trip/inside-window", rc == 1 && out.akid == NULL &&
	    strstr(why, "window") != NULL, "rc 1, why: refresh window", why);
	c.window = -1;

	in.expires = now_s() - 1;
	cache_write(&c, key, &in, &err);
	c.window = 0;
	memset(&out, 0, sizeof(out));
	rc = cache_read(&c, key, 900, &out, &why, &err);
	unit_check("round-trip/expired-never-used",
	    rc == 1 && out.akid == NULL && strstr(why, "expired") != NULL, "rc 1, why: expired", why);
	c.window = -1;

	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd != -1) {
		(void)!write(fd, "{\"Credentials\": {", 17);
		close(fd);
	}
	memset(&out, 0, sizeof(out));
	rc = cache_read(&c, key, 900, &out, &why, &err);
	unit_check("round-trip/corrupt-ignored", rc == 1 && out.akid == NULL &&
	    strstr(why, "corrupt") != NULL, "rc 1, why: corrupt", why);

	/* parsed, but what no STS hands out: corrupt too (issue 13.8) */
	in.expires = now_s() + AR_SESSION_MAX_S + 60;
	cache_write(&c, key, &in, &err);
	memset(&out, 0, sizeof(out));
	rc = cache_read(&c, key, 900, &out, &why, &err);
	unit_check("round-trip/far-expiration-corrupt", rc == 1 &&
	    out.akid == NULL && strstr(why, "corrupt") != NULL &&
	    strstr(why, "Expiration") != NULL, "rc 1, why: corrupt, Expiration",
	    why);
	in.expires = now_s() + 43200;
	cache_write(&c, key, &in, &err);
	rc = cache_read(&c, key, 900, &out, &why, &err);
	unit_check("round-trip/12-hour-session-used", rc == 0 && out.akid &&
	    strcmp(out.akid, in.akid) == 0, "rc 0", why);
	creds_clear(&out);
	free(in.akid);
	in.akid = xstrdup("ASIAROUND\nexport EVIL=1");
	cache_write(&c, key, &in, &err);
	rc = cache_read(&c, key, 900, &out, &why, &err);
	unit_check("round-trip/malformed-key-corrupt", rc == 1 &&
	    out.akid == NULL && strstr(why, "corrupt") != NULL &&
	    strstr(why, "AccessKeyId") != NULL, "rc 1, why: corrupt, AccessKeyId",
	    why);
	free(in.akid);
	in.akid = xstrdup("ASIAROUNDTRIP");
	in.expires = now_s() + 800;

	chmod(path, 0620);
	memset(&err, 0, sizeof(err));
	rc = cache_read(&c, key, 900, &out, &why, &err);
	unit_check("round-trip/group-writable-refused", rc == -1 &&
	    err.status == AR_EFILE, "rc -1, AR_EFILE", err.msg);
	unlink(path);

	snprintf(sub, sizeof(sub), "%s/target.json", tmpl);
	in.expires = now_s() + 800;
	if (symlink(sub, path) == 0) {
		memset(&err, 0, sizeof(err));
		rc = cache_read(&c, key, 900, &out, &why, &err);
		unit_check("round-trip/symlink-refused", rc == -1 &&
		    err.status == AR_EFILE && strstr(err.msg, "symbolic"),
		    "rc -1, AR_EFILE, 'symbolic link'", err.msg);
		unlink(path);
	}
	memset(&out, 0, sizeof(out));
	rc = cache_read(&c, key, 900, &out, &why, &err);
	unit_check("round-trip/absent", rc == 1 && strcmp(why, "no entry") == 0,
	    "rc 1, no entry", why);
	unit_check_long("round-trip/remove-absent", 0,
	    cache_remove(&c, key, &err));
	cache_write(&c, key, &in, &err);
	unit_check_long("round-trip/remove-present", 1,
	    cache_remove(&c, key, &err));

	creds_clear(&in);
	unsetenv("AWSROLE_CACHE_DIR");
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
		(void)!system(cmd);
	}
}

int
main(void)
{
	test_py_json_string();
	test_cache_key();
	test_cache_window();
	test_iso8601();
	test_cache_parse();
	test_round_trip();
	return unit_done();
}
