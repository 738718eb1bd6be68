/*
 * unit_sources.c -- section 9 of awsrole.c (credential sources) without
 * peers: the credential_process output parser (creds_parse_process), the
 * shared JSON reader of the process/IMDS/ECS formats (creds_from_json,
 * meta_parse_creds), the plain-http host check of
 * AWS_CONTAINER_CREDENTIALS_FULL_URI (ecs_host_allowed, against botocore's
 * rule: https, a loopback IP literal, or 169.254.170.2 / 169.254.170.23 /
 * fd00:ec2::23 / localhost, judged on the URL's real host), the ISO 8601
 * reader, the shell-like splitting of credential_process commands, a
 * failed child's cause and fix line (proc_err_lines), and the CSV row of
 * _AWSROLE_PROFILE_CHAIN (csv_split, csv_add_field).
 *
 *   make build/unit_sources && build/unit_sources      (cwd: the repo root)
 *
 * One line per check, "ok sources/NAME" or "FAIL sources/NAME" with both
 * sides; the last line is "sources: N passed, N failed"; the exit status
 * is 1 if anything failed.
 */
#include "../awsrole.c"

#define UNIT_GROUP "sources"
#include "unit.h"

/* ------------------------------------------------------------------------
 * creds_parse_process: credential_process output
 * ------------------------------------------------------------------------ */

#define T_FUTURE     "2099-01-01T00:00:00Z"
#define T_FUTURE_T   ((time_t)4070908800)

struct proc_case {
	const char *name;
	const char *out;        /* what the process printed */
	const char *akid;       /* expected; NULL: must fail */
	const char *secret;
	const char *token;      /* expected token (NULL: none) */
	time_t expires;         /* expected; 0: none */
	const char *err_has;    /* failure: the message contains this */
};

static const struct proc_case proc_cases[] = {
	{ "minimal",
	  "{\"Version\": 1, \"AccessKeyId\": \"AKIDX\", \"SecretAccessKey\": \"SK\"}",
	  "AKIDX", "SK", NULL, 0, NULL },
	{ "session-and-expiration",
	  "{\"Version\": 1, \"AccessKeyId\": \"ASIAX\", \"SecretAccessKey\": \"SK\","
	  " \"SessionToken\": \"TOK\", \"Expiration\": \"" T_FUTURE "\"}",
	  "ASIAX", "SK", "TOK", T_FUTURE_T, NULL },
	{ "expiration-with-offset",
	  "{\"Version\": 1, \"AccessKeyId\": \"A1\", \"SecretAccessKey\": \"S1\","
	  " \"Expiration\": \"2099-01-01T09:00:00+09:00\"}",
	  "A1", "S1", NULL, T_FUTURE_T, NULL },
	{ "whitespace-around",
	  "\n  {\"Version\":1,\"AccessKeyId\":\"A2\",\"SecretAccessKey\":\"S2\"}  \n",
	  "A2", "S2", NULL, 0, NULL },
	{ "version-1.0",
	  "{\"Version\": 1.0, \"AccessKeyId\": \"A3\", \"SecretAccessKey\": \"S3\"}",
	  "A3", "S3", NULL, 0, NULL },
	{ "extra-members-ignored",
	  "{\"Version\": 1, \"AccessKeyId\": \"A4\", \"SecretAccessKey\": \"S4\","
	  " \"AccountId\": \"123456789012\", \"Other\": [1, 2]}",
	  "A4", "S4", NULL, 0, NULL },
	{ "token-key-is-SessionToken",   /* "Token" is the IMDS/ECS name */
	  "{\"Version\": 1, \"AccessKeyId\": \"A5\", \"SecretAccessKey\": \"S5\","
	  " \"Token\": \"imds-style\"}",
	  "A5", "S5", NULL, 0, NULL },
	{ "empty-session-token-is-none",
	  "{\"Version\": 1, \"AccessKeyId\": \"A6\", \"SecretAccessKey\": \"S6\","
	  " \"SessionToken\": \"\"}",
	  "A6", "S6", NULL, 0, NULL },
	{ "no-version",
	  "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}",
	  NULL, NULL, NULL, 0, "\"Version\": 1" },
	{ "version-2",
	  "{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}",
	  NULL, NULL, NULL, 0, "Version" },
	{ "version-string",
	  "{\"Version\": \"1\", \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}",
	  NULL, NULL, NULL, 0, "Version" },
	{ "version-0",
	  "{\"Version\": 0, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}",
	  NULL, NULL, NULL, 0, "Version" },
	{ "missing-akid",
	  "{\"Version\": 1, \"SecretAccessKey\": \"S\"}",
	  NULL, NULL, NULL, 0, "AccessKeyId" },
	{ "missing-secret",
	  "{\"Version\": 1, \"AccessKeyId\": \"A\"}",
	  NULL, NULL, NULL, 0, "SecretAccessKey" },
	{ "empty-akid",
	  "{\"Version\": 1, \"AccessKeyId\": \"\", \"SecretAccessKey\": \"S\"}",
	  NULL, NULL, NULL, 0, "AccessKeyId" },
	{ "akid-not-a-string",
	  "{\"Version\": 1, \"AccessKeyId\": 12345, \"SecretAccessKey\": \"S\"}",
	  NULL, NULL, NULL, 0, "AccessKeyId" },
	{ "expired",
	  "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\","
	  " \"SessionToken\": \"T\", \"Expiration\": \"2020-01-01T00:00:00Z\"}",
	  NULL, NULL, NULL, 0, "expired" },
	{ "expiration-unreadable",
	  "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\","
	  " \"Expiration\": \"tomorrow\"}",
	  NULL, NULL, NULL, 0, "Expiration" },
	{ "expiration-without-zone",
	  "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\","
	  " \"Expiration\": \"2099-01-01T00:00:00\"}",
	  NULL, NULL, NULL, 0, "Expiration" },
	{ "array", "[{\"Version\": 1}]", NULL, NULL, NULL, 0, "JSON object" },
	{ "null", "null", NULL, NULL, NULL, 0, "JSON object" },
	{ "string", "\"{}\"", NULL, NULL, NULL, 0, "JSON object" },
	{ "number", "1", NULL, NULL, NULL, 0, "JSON object" },
	{ "empty", "", NULL, NULL, NULL, 0, "JSON object" },
	{ "garbage", "AKIA... not json", NULL, NULL, NULL, 0, "JSON object" },
	{ "truncated", "{\"Version\": 1, \"AccessKeyId\": \"A\"",
	  NULL, NULL, NULL, 0, "JSON object" },
};

static void
t_proc_one(const struct proc_case *k)
{
	struct creds c;
	struct ar_err err;
	char got[1100];
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	rc = creds_parse_process(k->out, "helper --x", &c, &err);
	if (k->akid == NULL) {
		if (rc != -1)
			t_bad("process", k->name, "result", "failure",
			    "success");
		else if (err.status != AR_EAWS) {
			snprintf(got, sizeof(got), "%d (%s)", err.status,
			    err.msg);
			t_bad("process", k->name, "status", "5", got);
		} else if (strstr(err.msg, k->err_has) == NULL)
			t_bad("process", k->name, "message", k->err_has,
			    err.msg);
		else if (strstr(err.msg, "helper --x") == NULL &&
		    strstr(err.msg, "credential_process") == NULL)
			t_bad("process", k->name, "message names the source",
			    "helper --x / credential_process", err.msg);
		else
			t_ok("process", k->name);
		creds_clear(&c);
		return;
	}
	if (rc != 0) {
		t_bad("process", k->name, "result", "success", err.msg);
	} else if (!unit_streq(c.akid, k->akid) ||
	    !unit_streq(c.secret, k->secret) ||
	    !unit_streq(c.token, k->token) || c.expires != k->expires) {
		char want[512];

		snprintf(want, sizeof(want), "%s %s %s %lld", k->akid,
		    k->secret, k->token ? k->token : "(none)",
		    (long long)k->expires);
		snprintf(got, sizeof(got), "%s %s %s %lld", c.akid, c.secret,
		    c.token ? c.token : "(none)", (long long)c.expires);
		t_bad("process", k->name, "akid secret token expires", want,
		    got);
	} else {
		t_ok("process", k->name);
	}
	creds_clear(&c);
}

static void
t_process(void)
{
	size_t i;

	for (i = 0; i < sizeof(proc_cases) / sizeof(proc_cases[0]); i++)
		t_proc_one(&proc_cases[i]);
}

/* ------------------------------------------------------------------------
 * creds_from_json / meta_parse_creds: the IMDS and ECS documents
 * ------------------------------------------------------------------------ */

struct json_case {
	const char *name;
	const char *doc;
	const char *token_key;
	int ok;
	const char *token;      /* ok: expected token */
	time_t expires;
	const char *err_has;
};

static const struct json_case json_cases[] = {
	{ "imds-document",
	  "{\"Code\": \"Success\", \"LastUpdated\": \"2024-01-01T00:00:00Z\","
	  " \"Type\": \"AWS-HMAC\", \"AccessKeyId\": \"ASIAI\","
	  " \"SecretAccessKey\": \"SI\", \"Token\": \"TI\","
	  " \"Expiration\": \"" T_FUTURE "\"}",
	  "Token", 1, "TI", T_FUTURE_T, NULL },
	{ "ecs-document",
	  "{\"AccessKeyId\": \"ASIAE\", \"SecretAccessKey\": \"SE\","
	  " \"Token\": \"TE\", \"Expiration\": \"2099-01-01T00:00:00.000Z\","
	  " \"RoleArn\": \"arn:aws:iam::1:role/x\"}",
	  "Token", 1, "TE", T_FUTURE_T, NULL },
	{ "token-key-respected",   /* IMDS/ECS name the token "Token" */
	  "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\","
	  " \"SessionToken\": \"not-this\"}",
	  "Token", 1, NULL, 0, NULL },
	{ "no-expiration",
	  "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}",
	  "Token", 1, NULL, 0, NULL },
	{ "missing-akid", "{\"SecretAccessKey\": \"S\"}", "Token", 0, NULL, 0,
	  "AccessKeyId" },
	{ "missing-secret", "{\"AccessKeyId\": \"A\"}", "Token", 0, NULL, 0,
	  "SecretAccessKey" },
	{ "expired",
	  "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\","
	  " \"Expiration\": \"2001-09-09T01:46:40Z\"}",
	  "Token", 0, NULL, 0, "expired" },
	{ "expiration-garbage",
	  "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\","
	  " \"Expiration\": \"2099-13-01T00:00:00Z\"}",
	  "Token", 0, NULL, 0, "Expiration" },
	{ "not-an-object", "[\"AccessKeyId\", \"SecretAccessKey\"]", "Token",
	  0, NULL, 0, "JSON object" },
	{ "not-json", "<html>captive portal</html>", "Token", 0, NULL, 0,
	  "JSON object" },
	{ "empty-body", "", "Token", 0, NULL, 0, "JSON object" },
};

static void
t_json(void)
{
	size_t i;

	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		const struct json_case *k = &json_cases[i];
		struct ar_buf body;
		struct creds c;
		struct ar_err err;
		char got[1100];
		int rc;

		memset(&body, 0, sizeof(body));
		memset(&c, 0, sizeof(c));
		memset(&err, 0, sizeof(err));
		buf_add(&body, k->doc, strlen(k->doc));
		rc = meta_parse_creds(&body, "IMDS", &c, &err);
		if (k->ok) {
			if (rc != 0)
				t_bad("json", k->name, "result", "success",
				    err.msg);
			else if (!unit_streq(c.token, k->token) ||
			    c.expires != k->expires || c.akid == NULL ||
			    c.secret == NULL) {
				snprintf(got, sizeof(got), "token %s expires "
				    "%lld", c.token ? c.token : "(none)",
				    (long long)c.expires);
				t_bad("json", k->name, "token/expires",
				    k->token ? k->token : "(none)", got);
			} else
				t_ok("json", k->name);
		} else if (rc != -1) {
			t_bad("json", k->name, "result", "failure", "success");
		} else if (err.status != AR_EAWS ||
		    strstr(err.msg, k->err_has) == NULL ||
		    strstr(err.msg, "IMDS") == NULL) {
			snprintf(got, sizeof(got), "%d: %s", err.status,
			    err.msg);
			t_bad("json", k->name, "status 5, message naming IMDS "
			    "and", k->err_has, got);
		} else {
			t_ok("json", k->name);
		}
		creds_clear(&c);
		buf_free(&body);
	}
}

/* creds_from_json on a parsed non-object must fail, not crash. */
static void
t_json_direct(void)
{
	static const char *docs[] = { "[]", "[1, 2]", "\"s\"", "7", "null" };
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		cJSON *j = cJSON_Parse(docs[i]);
		struct creds c;
		struct ar_err err;
		char name[32];

		memset(&c, 0, sizeof(c));
		memset(&err, 0, sizeof(err));
		snprintf(name, sizeof(name), "non-object-%zu", i);
		if (creds_from_json(j, "Token", "ECS", &c, &err) != -1)
			t_bad("json", name, docs[i], "failure", "success");
		else if (err.status != AR_EAWS)
			t_bad("json", name, docs[i], "status 5", err.msg);
		else
			t_ok("json", name);
		creds_clear(&c);
		cJSON_Delete(j);
	}
}

/* ------------------------------------------------------------------------
 * ecs_host_allowed: plain-http FULL_URI hosts
 * ------------------------------------------------------------------------ */

static const struct {
	const char *url;
	int allowed;
} ecs_cases[] = {
	{ "http://127.0.0.1/creds", 1 },
	{ "http://127.0.0.1:8080/v2/credentials/x", 1 },
	{ "http://127.0.0.1", 1 },
	{ "http://127.1.2.3:80/x", 1 },
	{ "http://127.255.255.254/x", 1 },
	{ "http://localhost/creds", 1 },
	{ "http://localhost:51679/creds", 1 },
	{ "http://169.254.170.2/v2/credentials/abc", 1 },
	{ "http://169.254.170.2:80/x", 1 },
	{ "http://169.254.170.23/v1/credentials", 1 },
	{ "http://[fd00:ec2::23]/v1/credentials", 1 },
	{ "http://[fd00:ec2::23]:80/x", 1 },
	{ "http://[::1]:5000/creds", 1 },
	{ "http://[::1]/creds", 1 },
	{ "http://example.com/creds", 0 },
	{ "http://10.0.0.1/x", 0 },
	{ "http://192.168.1.1/x", 0 },
	{ "http://169.254.169.254/latest", 0 },
	{ "http://169.254.170.3/x", 0 },
	{ "http://169.254.170.20/x", 0 },
	{ "http://169.254.170.233/x", 0 },
	{ "http://169.254.170.2.example.com/x", 0 },
	{ "http://169.254.170.23.example.com/x", 0 },
	{ "http://localhost.example.com/x", 0 },
	{ "http://localhostx/x", 0 },
	{ "http://local/x", 0 },
	{ "http://[fd00:ec2::24]/x", 0 },
	{ "http://[::2]/x", 0 },
	{ "http://0x7f000001/x", 0 },
	{ "http://2130706433/x", 0 },
	{ "http://128.0.0.1/x", 0 },
	{ "http://12.0.0.1/x", 0 },
	{ "http://1127.0.0.1/x", 0 },
	/* Hostnames that only start like loopback: DNS decides where they go. */
	{ "http://127.0.0.1.example.com/x", 0 },
	{ "http://127.example.com/x", 0 },
	{ "http://127.0.0.1.nip.io/x", 0 },
	/* userinfo: the host is what follows '@' (curl connects there). */
	{ "http://127.0.0.1@example.com/x", 0 },
	{ "http://127.0.0.1:80@example.com/x", 0 },
	{ "http://[::1]@example.com/x", 0 },
	{ "http://localhost@example.com/x", 0 },
	{ "http://169.254.170.2@example.com/x", 0 },
	{ "http://a@example.com/x", 0 },
};

static void
t_ecs_hosts(void)
{
	size_t i;

	for (i = 0; i < sizeof(ecs_cases) / sizeof(ecs_cases[0]); i++) {
		int got = ecs_host_allowed(ecs_cases[i].url);

		if (got == ecs_cases[i].allowed)
			t_ok("ecs-host", ecs_cases[i].url);
		else
			t_bad("ecs-host", ecs_cases[i].url, "allowed",
			    ecs_cases[i].allowed ? "1" : "0",
			    got ? "1" : "0");
	}
}

/* ------------------------------------------------------------------------
 * iso8601_parse
 * ------------------------------------------------------------------------ */

static const struct {
	const char *s;
	int ok;
	long long t;
} iso_cases[] = {
	{ "2026-11-28T14:28:22Z", 1, 1795876102LL },
	{ "2026-11-28T14:28:22z", 1, 1795876102LL },
	{ "2026-11-28t14:28:22Z", 1, 1795876102LL },
	{ "2026-11-28 14:28:22Z", 1, 1795876102LL },
	{ "2026-11-28T14:28:22.123Z", 1, 1795876102LL },
	{ "2026-11-28T14:28:22.123456789Z", 1, 1795876102LL },
	{ "2026-11-28T14:28:22+00:00", 1, 1795876102LL },
	{ "2026-11-28T23:28:22+09:00", 1, 1795876102LL },
	{ "2026-11-28T23:28:22+0900", 1, 1795876102LL },
	{ "2026-11-28T09:28:22-05:00", 1, 1795876102LL },
	{ "2026-11-28T14:28:22.5-00:00", 1, 1795876102LL },
	{ "1970-01-01T00:00:00Z", 1, 0LL },
	{ "2000-02-29T00:00:00Z", 1, 951782400LL },
	{ "2038-01-19T03:14:08Z", 1, 2147483648LL },
	{ "2099-01-01T00:00:00Z", 1, 4070908800LL },
	{ "", 0, 0 },
	{ "2026-11-28", 0, 0 },
	{ "2026-11-28T14:28:22", 0, 0 },          /* no zone */
	{ "2026-11-28T14:28Z", 0, 0 },
	{ "2026-11-28T14:28:22ZZ", 0, 0 },
	{ "2026-11-28T14:28:22Z ", 0, 0 },
	{ " 2026-11-28T14:28:22Z", 0, 0 },
	{ "2026-1-28T14:28:22Z", 0, 0 },
	{ "26-11-28T14:28:22Z", 0, 0 },
	{ "2026/11/28T14:28:22Z", 0, 0 },
	{ "2026-11-28X14:28:22Z", 0, 0 },
	{ "2026-13-28T14:28:22Z", 0, 0 },
	{ "2026-00-28T14:28:22Z", 0, 0 },
	{ "2026-11-32T14:28:22Z", 0, 0 },
	{ "2026-11-00T14:28:22Z", 0, 0 },
	{ "2026-11-28T24:00:00Z", 0, 0 },
	{ "2026-11-28T14:60:22Z", 0, 0 },
	{ "2026-11-28T14:28:61Z", 0, 0 },
	{ "2026-11-28T14:28:22+24:00", 0, 0 },
	{ "2026-11-28T14:28:22+09:60", 0, 0 },
	{ "2026-11-28T14:28:22+9:00", 0, 0 },
	{ "2026-11-28T14:28:22+09", 0, 0 },
	{ "1795876102", 0, 0 },
	{ "tomorrow", 0, 0 },
};

static void
t_iso8601(void)
{
	size_t i;
	char want[64], got[64];

	for (i = 0; i < sizeof(iso_cases) / sizeof(iso_cases[0]); i++) {
		time_t t = (time_t)-12345;
		int rc = iso8601_parse(iso_cases[i].s, &t);
		char name[80];

		snprintf(name, sizeof(name), "[%s]", iso_cases[i].s);
		if (iso_cases[i].ok) {
			snprintf(want, sizeof(want), "0 %lld", iso_cases[i].t);
			snprintf(got, sizeof(got), "%d %lld", rc, (long long)t);
		} else {
			snprintf(want, sizeof(want), "-1");
			snprintf(got, sizeof(got), "%d", rc);
		}
		if (strcmp(want, got) == 0)
			t_ok("iso8601", name);
		else
			t_bad("iso8601", name, "rc [time]", want, got);
	}
	/* NULL is refused, not a crash. */
	{
		time_t t = 0;

		if (iso8601_parse(NULL, &t) == -1)
			t_ok("iso8601", "null");
		else
			t_bad("iso8601", "null", "rc", "-1", "0");
	}
	/* Round trip with the writer. */
	{
		time_t t = 1795876102, back = 0;
		char s[32];

		iso8601_format(t, s, sizeof(s));
		if (strcmp(s, "2026-11-28T14:28:22Z") == 0 &&
		    iso8601_parse(s, &back) == 0 && back == t)
			t_ok("iso8601", "round-trip");
		else
			t_bad("iso8601", "round-trip", "format/parse",
			    "2026-11-28T14:28:22Z", s);
	}
}

/* ------------------------------------------------------------------------
 * ar_shlex_split: credential_process commands (Python shlex.split, POSIX)
 * ------------------------------------------------------------------------ */

static const struct {
	const char *name, *cmd;
	const char *want;       /* argv joined by '|', or NULL: an error */
} shlex_cases[] = {
	{ "plain", "helper --profile x", "helper|--profile|x" },
	{ "double-quotes", "helper \"an arg with spaces\" z",
	  "helper|an arg with spaces|z" },
	{ "single-quotes", "helper 'a b' 'c\"d'", "helper|a b|c\"d" },
	{ "no-expansion", "helper '$(touch x)' $HOME `id` ~ *",
	  "helper|$(touch x)|$HOME|`id`|~|*" },
	{ "backslash-space", "helper a\\ b", "helper|a b" },
	{ "backslash-in-single", "helper 'a\\b'", "helper|a\\b" },
	{ "backslash-in-double", "helper \"a\\\"b\" \"c\\d\"",
	  "helper|a\"b|c\\d" },
	{ "empty-quoted-arg", "helper \"\" ''", "helper||" },
	{ "adjacent-quotes", "helper a\"b c\"'d'", "helper|ab cd" },
	{ "tabs-and-runs", "  helper\t\t x   y  ", "helper|x|y" },
	{ "no-semicolon-magic", "helper; rm -rf x", "helper;|rm|-rf|x" },
	{ "empty", "", "" },
	{ "unclosed-double", "helper \"abc", NULL },
	{ "unclosed-single", "helper 'abc", NULL },
	{ "trailing-backslash", "helper abc\\", NULL },
};

static void
t_shlex(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(shlex_cases) / sizeof(shlex_cases[0]); i++) {
		struct ar_err err;
		struct ar_buf b;
		char **argv = NULL;
		size_t argc = 0;
		int rc;

		memset(&err, 0, sizeof(err));
		memset(&b, 0, sizeof(b));
		buf_add(&b, "", 0);
		rc = ar_shlex_split(shlex_cases[i].cmd, &argv, &argc, &err);
		if (shlex_cases[i].want == NULL) {
			if (rc == -1 && err.status == AR_ECONFIG)
				t_ok("shlex", shlex_cases[i].name);
			else
				t_bad("shlex", shlex_cases[i].name, "result",
				    "error, status 3", rc == 0 ? "success" :
				    err.msg);
		} else if (rc != 0) {
			t_bad("shlex", shlex_cases[i].name, "result",
			    shlex_cases[i].want, err.msg);
		} else {
			for (j = 0; j < argc; j++)
				buf_addf(&b, "%s%s", j ? "|" : "", argv[j]);
			if (strcmp(b.p, shlex_cases[i].want) == 0 &&
			    argv[argc] == NULL)
				t_ok("shlex", shlex_cases[i].name);
			else
				t_bad("shlex", shlex_cases[i].name, "argv",
				    shlex_cases[i].want, b.p);
		}
		ar_argv_free(argv);
		buf_free(&b);
	}
}

/* ------------------------------------------------------------------------
 * proc_err_lines: a failed child's cause and fix (issue 13.24), and the
 * CSV row of _AWSROLE_PROFILE_CHAIN (issue 13.23), as Python's csv module
 * reads and writes it
 * ------------------------------------------------------------------------ */

struct err_case {
	const char *name;
	const char *err;        /* the child's stderr */
	const char *cause;
	const char *fix;        /* NULL: none */
};

static const struct err_case err_cases[] = {
	{ "last-line", "progress\nthe real reason\n", "the real reason", NULL },
	{ "awsrole-child", "awsrole: it failed\n  fix: do this\n",
	  "awsrole: it failed", "do this" },
	{ "fix-before-cause-is-not-its", "  fix: old\nlater cause\n",
	  "later cause", NULL },
	{ "hint-skipped", "cause\n  hint: more\n\n  \n", "cause", NULL },
	{ "first-fix-after-cause", "cause\nfix: one\nfix: two\n", "cause",
	  "one" },
	{ "control-chars", "bad \x1b[31mred\x7f\xc2\x9b\tend\r\n",
	  "bad ?[31mred??? end", NULL },
	{ "utf8-kept", "caf\xc3\xa9 closed\n", "caf\xc3\xa9 closed", NULL },
	{ "empty", "", "", NULL },
	{ "only-fix", "  fix: x\n", "", NULL },
};

static void
t_err_lines(void)
{
	size_t i;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *k = &err_cases[i];
		struct proc_result r;
		const char *cause, *fix;

		memset(&r, 0, sizeof(r));
		buf_adds(&r.err, k->err);
		proc_err_lines(&r, &cause, &fix);
		if (!unit_streq(k->cause, cause))
			t_bad("err-lines", k->name, "cause", k->cause, cause);
		else if (!unit_streq(k->fix, fix))
			t_bad("err-lines", k->name, "fix", k->fix, fix);
		else
			t_ok("err-lines", k->name);
		proc_result_free(&r);
	}
}

struct csv_case {
	const char *name;
	const char *row;
	const char *fields;     /* joined with '|' */
	size_t n;
};

/* Expected values from python3: list(csv.reader([row]))[0]. */
static const struct csv_case csv_cases[] = {
	{ "empty", "", "", 0 },
	{ "one", "P", "P", 1 },
	{ "three", "a,b,P", "a|b|P", 3 },
	{ "quoted-comma", "\"c,1\",P", "c,1|P", 2 },
	{ "doubled-quote", "\"x\"\"y\"", "x\"y", 1 },
	{ "trailing-comma", "a,", "a|", 2 },
	{ "quote-inside-unquoted", "a\"b", "a\"b", 1 },
	{ "text-after-closing-quote", "\"a\"b,c", "ab|c", 2 },
};

static void
t_csv(void)
{
	static const char *names[] = { "P", "c,1", "q\"uote", "cr\rlf\n" };
	const char *want;
	char *f[8];
	struct ar_buf b, row;
	size_t i, j, n;

	for (i = 0; i < sizeof(csv_cases) / sizeof(csv_cases[0]); i++) {
		memset(&b, 0, sizeof(b));
		buf_add(&b, "", 0);
		n = csv_split(csv_cases[i].row, f, 8);
		for (j = 0; j < n; j++) {
			buf_addf(&b, "%s%s", j ? "|" : "", f[j]);
			free(f[j]);
		}
		if (n != csv_cases[i].n || strcmp(b.p, csv_cases[i].fields))
			t_bad("csv", csv_cases[i].name, "fields",
			    csv_cases[i].fields, b.p);
		else
			t_ok("csv", csv_cases[i].name);
		buf_free(&b);
	}
	/* csv.writer's QUOTE_MINIMAL, and back: the same names */
	memset(&row, 0, sizeof(row));
	for (i = 0; i < 4; i++) {
		if (i)
			buf_add(&row, ",", 1);
		csv_add_field(&row, names[i]);
	}
	want = "P,\"c,1\",\"q\"\"uote\",\"cr\rlf\n\"";
	if (strcmp(row.p, want) == 0)
		t_ok("csv", "writer");
	else
		t_bad("csv", "writer", "row", want, row.p);
	n = csv_split(row.p, f, 8);
	for (i = 0, j = n == 4; i < n; i++) {
		j = j && strcmp(f[i], names[i]) == 0;
		free(f[i]);
	}
	if (j)
		t_ok("csv", "round-trip");
	else
		t_bad("csv", "round-trip", "the 4 names back", NULL, NULL);
	n = csv_split("a,b,c,d,e,f", f, 2);
	if (n == 6 && !strcmp(f[0], "a") && !strcmp(f[1], "b"))
		t_ok("csv", "count-past-max");
	else
		t_bad("csv", "count-past-max", "6 fields, the first 2 kept",
		    NULL, NULL);
	free(f[0]);
	free(f[1]);
	buf_free(&row);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_process();
	t_json();
	t_json_direct();
	t_ecs_hosts();
	t_iso8601();
	t_shlex();
	t_err_lines();
	t_csv();
	return unit_done();
}
