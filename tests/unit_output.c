/*
 * unit_output.c -- section 13 of awsrole.c (output formats): the shell
 * quoting of `env` (sh, fish, PowerShell) with hostile values, export_render
 * and export_vars, the JSON shapes (credential_process, the CLI's flat
 * 4-space objects), and iso8601_parse / iso8601_format.
 *
 *   make build/unit_output && build/unit_output      (cwd: the repo root)
 *
 * sh output is also run: /bin/sh (and bash, when installed) evaluates the
 * rendered `export` line and prints the variable back, byte for byte; fish
 * does the same when /usr/bin/fish exists.  PowerShell is checked against
 * expected text only.  One line per check, "ok output/NAME" or
 * "FAIL output/NAME" with both sides; the last line is
 * "output: N passed, N failed"; the exit status is 1 if anything failed.
 */
#include "../awsrole.c"

#define UNIT_GROUP "output"
#include "unit.h"

static char t_tmp[PATH_MAX];   /* scratch directory */

/* Bytes as a C literal, for failure reports. */
static void
t_show(const char *label, const char *s, size_t n)
{
	size_t i;

	printf("--- %s (%zu bytes)\n\"", label, n);
	if (s == NULL) {
		printf("(null)\"\n");
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			printf("\\n");
		else if (c == '\r')
			printf("\\r");
		else if (c == '\t')
			printf("\\t");
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\"\n");
}

/* Compare bytes; report both sides on a mismatch. */
static int
t_bytes(const char *group, const char *name, const char *want, size_t wn,
    const char *got, size_t gn)
{
	if (got != NULL && wn == gn && memcmp(want, got, wn) == 0) {
		t_ok(group, name);
		return 1;
	}
	t_bad(group, name, "bytes differ", NULL, NULL);
	t_show("expected", want, wn);
	t_show("got", got, got ? gn : 0);
	return 0;
}

static int
t_str(const char *group, const char *name, const char *want, const char *got)
{
	return t_bytes(group, name, want, strlen(want), got,
	    got ? strlen(got) : 0);
}

static void
t_true(const char *group, const char *name, int cond, const char *what)
{
	if (cond)
		t_ok(group, name);
	else
		t_bad(group, name, what, NULL, NULL);
}

/* ------------------------------------------------------------------------
 * Hostile values and how each shell must quote them
 * ------------------------------------------------------------------------ */

static char t_canary_cmd[PATH_MAX + 64], t_canary_bq[PATH_MAX + 64];
static char t_canary_cmd_sh[2 * PATH_MAX], t_canary_bq_sh[2 * PATH_MAX];

struct t_quote {
	const char *name;
	const char *value;
	const char *sh, *fish, *ps;   /* expected; NULL: not fixed here */
};

static const struct t_quote t_quotes[] = {
	{ "single-quote", "it's",
	  "'it'\\''s'", "'it\\'s'", "'it''s'" },
	{ "only-single-quote", "'",
	  "''\\'''", "'\\''", "''''" },
	{ "two-single-quotes", "''",
	  "''\\'''\\'''", "'\\'\\''", "''''''" },
	{ "double-quotes", "say \"hi\"",
	  "'say \"hi\"'", "'say \"hi\"'", "'say \"hi\"'" },
	{ "backslashes", "a\\b\\",
	  "'a\\b\\'", "'a\\\\b\\\\'", "'a\\b\\'" },
	{ "backslash-quote", "\\'",
	  "'\\'\\'''", "'\\\\\\''", "'\\'''" },
	{ "dollar-paren", "$(echo pwned)",
	  "'$(echo pwned)'", "'$(echo pwned)'", "'$(echo pwned)'" },
	{ "backticks", "`echo pwned`",
	  "'`echo pwned`'", "'`echo pwned`'", "'`echo pwned`'" },
	{ "dollar-vars", "$HOME ${PATH} $Env:PATH",
	  "'$HOME ${PATH} $Env:PATH'", "'$HOME ${PATH} $Env:PATH'",
	  "'$HOME ${PATH} $Env:PATH'" },
	{ "newline", "line1\nline2\n",
	  "'line1\nline2\n'", "'line1\nline2\n'", "'line1\nline2\n'" },
	{ "carriage-return", "a\rb\r\n",
	  "'a\rb\r\n'", "'a\rb\r\n'", "'a\rb\r\n'" },
	{ "tab", "a\tb",
	  "'a\tb'", "'a\tb'", "'a\tb'" },
	{ "spaces", "  two  spaces ",
	  "'  two  spaces '", "'  two  spaces '", "'  two  spaces '" },
	{ "empty", "",
	  "''", "''", "''" },
	{ "utf8", "\xe6\x97\xa5\xe6\x9c\xac \xc3\xbc \xf0\x9f\x94\x91",
	  "'\xe6\x97\xa5\xe6\x9c\xac \xc3\xbc \xf0\x9f\x94\x91'",
	  "'\xe6\x97\xa5\xe6\x9c\xac \xc3\xbc \xf0\x9f\x94\x91'",
	  "'\xe6\x97\xa5\xe6\x9c\xac \xc3\xbc \xf0\x9f\x94\x91'" },
	/* U+2018 x U+2019: PowerShell takes both as single quotes. */
	{ "typographic-2018-2019", "\xe2\x80\x98x\xe2\x80\x99",
	  "'\xe2\x80\x98x\xe2\x80\x99'", "'\xe2\x80\x98x\xe2\x80\x99'",
	  "'\xe2\x80\x98\xe2\x80\x98x\xe2\x80\x99\xe2\x80\x99'" },
	/* U+201A and U+201B too; U+2019 as the last character. */
	{ "typographic-201a-201b", "\xe2\x80\x9a\xe2\x80\x9b\xe2\x80\x99",
	  "'\xe2\x80\x9a\xe2\x80\x9b\xe2\x80\x99'",
	  "'\xe2\x80\x9a\xe2\x80\x9b\xe2\x80\x99'",
	  "'\xe2\x80\x9a\xe2\x80\x9a\xe2\x80\x9b\xe2\x80\x9b"
	  "\xe2\x80\x99\xe2\x80\x99'" },
	/* U+201C/U+201D (double) are literal inside '...': not doubled. */
	{ "typographic-double", "\xe2\x80\x9cx\xe2\x80\x9d",
	  "'\xe2\x80\x9cx\xe2\x80\x9d'", "'\xe2\x80\x9cx\xe2\x80\x9d'",
	  "'\xe2\x80\x9cx\xe2\x80\x9d'" },
	/* A truncated sequence at the end must not read past the string. */
	{ "truncated-e2-80", "x\xe2\x80",
	  "'x\xe2\x80'", "'x\xe2\x80'", "'x\xe2\x80'" },
	{ "semicolon-hash", "a;b #c; rm -rf /",
	  "'a;b #c; rm -rf /'", "'a;b #c; rm -rf /'", "'a;b #c; rm -rf /'" },
	{ "mixed", "'\"\\$(x)`y`\n;#\xe2\x80\x99",
	  "''\\''\"\\$(x)`y`\n;#\xe2\x80\x99'",
	  "'\\'\"\\\\$(x)`y`\n;#\xe2\x80\x99'",
	  "'''\"\\$(x)`y`\n;#\xe2\x80\x99\xe2\x80\x99'" },
	/* t_45's hostile secret.  A cache entry with it is corrupt since issue
	 * 13.8, so t_45 takes it from a static-keys profile; the newline and
	 * the rest are covered here and by the real-shell round trips. */
	{ "t45-hostile-secret",
	  "it's \"q\" \\ $(touch PWNED1) `touch PWNED2` ; # x\ty\nline2 \xe2\x80\x99 \xe6\x97\xa5 $HOME",
	  "'it'\\''s \"q\" \\ $(touch PWNED1) `touch PWNED2` ; # x\ty\nline2 \xe2\x80\x99 \xe6\x97\xa5 $HOME'",
	  "'it\\'s \"q\" \\\\ $(touch PWNED1) `touch PWNED2` ; # x\ty\nline2 \xe2\x80\x99 \xe6\x97\xa5 $HOME'",
	  "'it''s \"q\" \\ $(touch PWNED1) `touch PWNED2` ; # x\ty\nline2 \xe2\x80\x99\xe2\x80\x99 \xe6\x97\xa5 $HOME'" },
	/* An AWS session token: base64 with + / = */
	{ "token-like", "IQoJb3JpZ2luX2VjEH0aCXVzLWVhc3QtMSJHMEUCIQ+/x==",
	  "'IQoJb3JpZ2luX2VjEH0aCXVzLWVhc3QtMSJHMEUCIQ+/x=='",
	  "'IQoJb3JpZ2luX2VjEH0aCXVzLWVhc3QtMSJHMEUCIQ+/x=='",
	  "'IQoJb3JpZ2luX2VjEH0aCXVzLWVhc3QtMSJHMEUCIQ+/x=='" },
};

#define T_NQUOTES (sizeof(t_quotes) / sizeof(t_quotes[0]))

static void
t_quote_fns(void)
{
	struct ar_buf b;
	size_t i;

	for (i = 0; i < T_NQUOTES; i++) {
		const struct t_quote *q = &t_quotes[i];

		memset(&b, 0, sizeof(b));
		quote_sh(&b, q->value);
		t_bytes("quote_sh", q->name, q->sh, strlen(q->sh), b.p, b.len);
		buf_free(&b);

		memset(&b, 0, sizeof(b));
		quote_fish(&b, q->value);
		t_bytes("quote_fish", q->name, q->fish, strlen(q->fish), b.p,
		    b.len);
		buf_free(&b);

		memset(&b, 0, sizeof(b));
		quote_powershell(&b, q->value);
		t_bytes("quote_powershell", q->name, q->ps, strlen(q->ps), b.p,
		    b.len);
		buf_free(&b);
	}
}

/* ------------------------------------------------------------------------
 * Round trips through real shells
 * ------------------------------------------------------------------------ */

/* Run `interp script` and capture stdout (all bytes). */
static int
t_run_script(const char *interp, const char *script, size_t slen,
    struct ar_buf *out)
{
	char path[PATH_MAX + 32], cmd[2 * PATH_MAX + 64], chunk[4096];
	FILE *f, *p;
	size_t n;
	int st;

	snprintf(path, sizeof(path), "%s/script", t_tmp);
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	fwrite(script, 1, slen, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s '%s' 2>&1", interp, path);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(out, chunk, n);
	st = pclose(p);
	if (out->p == NULL)
		buf_add(out, "", 0);
	return st;
}

static int
t_exists(const char *p)
{
	return access(p, F_OK) == 0;
}

/* One value: render `export AWSROLE_T=...` (export_render, sh), evaluate it
 * with `interp`, printf the variable back, compare bytes. */
static void
t_roundtrip_one(const char *group, const char *interp, const char *fmt,
    const char *name, const char *value)
{
	struct export_var v[1] = { { "AWSROLE_T", value } };
	struct ar_buf b = { 0 }, out = { 0 };
	int st;

	if (export_render(v, 1, fmt, &b) != 0) {
		t_bad(group, name, "export_render failed", NULL, NULL);
		buf_free(&b);
		return;
	}
	buf_adds(&b, "printf '%s' \"$AWSROLE_T\"\n");
	st = t_run_script(interp, b.p, b.len, &out);
	if (st != 0) {
		char w[64];
		snprintf(w, sizeof(w), "%s exited with status %d", interp, st);
		t_bad(group, name, w, NULL, NULL);
		t_show("script", b.p, b.len);
		t_show("output", out.p, out.len);
	} else {
		t_bytes(group, name, value, strlen(value), out.p, out.len);
	}
	buf_free(&b);
	buf_free(&out);
}

static void
t_roundtrips(void)
{
	static const char *shells[][3] = {
		{ "sh-roundtrip", "/bin/sh", "sh" },
		{ "bash-roundtrip", "/bin/bash", "sh" },
		{ "dash-roundtrip", "/bin/dash", "sh" },
		{ "fish-roundtrip", "/usr/bin/fish -N", "fish" },
	};
	const char *extra[][2] = {
		{ "canary-dollar-paren", t_canary_cmd_sh },
		{ "canary-backticks", t_canary_bq_sh },
	};
	char bin[PATH_MAX];
	size_t s, i;

	for (s = 0; s < sizeof(shells) / sizeof(shells[0]); s++) {
		snprintf(bin, sizeof(bin), "%s", shells[s][1]);
		bin[strcspn(bin, " ")] = '\0';
		if (s > 0 && !t_exists(bin))
			continue;        /* /bin/sh is always checked */
		for (i = 0; i < T_NQUOTES; i++) {
			/* A value that is not valid UTF-8 is not a fish
			 * string: fish may re-encode it. */
			if (strcmp(shells[s][2], "fish") == 0 &&
			    strcmp(t_quotes[i].name, "truncated-e2-80") == 0)
				continue;
			t_roundtrip_one(shells[s][0], shells[s][1],
			    shells[s][2], t_quotes[i].name, t_quotes[i].value);
		}
		for (i = 0; i < 2; i++)
			t_roundtrip_one(shells[s][0], shells[s][1],
			    shells[s][2], extra[i][0], extra[i][1]);
	}
	t_true("roundtrip", "no-command-ran ($(...) and `...` stayed text)",
	    !t_exists(t_canary_cmd) && !t_exists(t_canary_bq),
	    "a canary file was created: a value was executed");
}

/* ------------------------------------------------------------------------
 * export_render: whole outputs
 * ------------------------------------------------------------------------ */

static void
t_env_render(void)
{
	struct export_var v[] = {
		{ "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE" },
		{ "AWS_SECRET_ACCESS_KEY", "s/e+c'r\"et" },
		{ "AWS_PROFILE", NULL },
	};
	struct ar_buf b = { 0 };
	cJSON *j;
	int rc;

	rc = export_render(v, 3, "sh", &b);
	t_true("export_render", "sh-rc", rc == 0, "returned -1");
	/* Unsets come first, so that the last line's status is a set's. */
	t_str("export_render", "sh", "unset AWS_PROFILE\n"
	    "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\n"
	    "export AWS_SECRET_ACCESS_KEY='s/e+c'\\''r\"et'\n", b.p);
	t_true("export_render", "buffer-is-secret", b.secret == 1,
	    "the output buffer holds secrets but is not marked secret");
	buf_free(&b);

	memset(&b, 0, sizeof(b));
	rc = export_render(v, 3, "fish", &b);
	t_true("export_render", "fish-rc", rc == 0, "returned -1");
	t_str("export_render", "fish", "set -e AWS_PROFILE;\n"
	    "set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLE';\n"
	    "set -gx AWS_SECRET_ACCESS_KEY 's/e+c\\'r\"et';\n", b.p);
	buf_free(&b);

	memset(&b, 0, sizeof(b));
	rc = export_render(v, 3, "powershell", &b);
	t_true("export_render", "powershell-rc", rc == 0, "returned -1");
	t_str("export_render", "powershell",
	    "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n"
	    "$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE'\n"
	    "$Env:AWS_SECRET_ACCESS_KEY = 's/e+c''r\"et'\n",
	    b.p);
	buf_free(&b);

	memset(&b, 0, sizeof(b));
	rc = export_render(v, 3, "json", &b);
	t_true("export_render", "json-rc", rc == 0, "returned -1");
	j = cJSON_Parse(b.p);
	t_true("export_render", "json-parses", j != NULL && cJSON_IsObject(j),
	    "not a JSON object");
	if (j != NULL) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(j,
		    "AWS_ACCESS_KEY_ID");
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(j,
		    "AWS_SECRET_ACCESS_KEY");
		t_str("export_render", "json-akid", "ASIAEXAMPLE",
		    cJSON_IsString(a) ? a->valuestring : NULL);
		t_str("export_render", "json-secret", "s/e+c'r\"et",
		    cJSON_IsString(s) ? s->valuestring : NULL);
		t_true("export_render", "json-unset-absent",
		    cJSON_GetObjectItemCaseSensitive(j, "AWS_PROFILE") == NULL &&
		    cJSON_GetArraySize(j) == 2,
		    "a variable to unset appears in the JSON");
		cJSON_Delete(j);
	}
	t_true("export_render", "json-ends-in-newline",
	    b.len > 0 && b.p[b.len - 1] == '\n', "no final newline");
	buf_free(&b);

	memset(&b, 0, sizeof(b));
	rc = export_render(v, 3, "csh", &b);
	t_true("export_render", "unknown-format", rc == -1,
	    "an unknown format was accepted");
	buf_free(&b);

	/* Every hostile value through the json format parses back. */
	{
		size_t i;
		int bad = 0;

		for (i = 0; i < T_NQUOTES && !bad; i++) {
			struct export_var one[1] = { { "V", t_quotes[i].value } };
			const cJSON *x;

			memset(&b, 0, sizeof(b));
			export_render(one, 1, "json", &b);
			j = cJSON_Parse(b.p);
			x = cJSON_GetObjectItemCaseSensitive(j, "V");
			if (!cJSON_IsString(x) ||
			    strcmp(x->valuestring, t_quotes[i].value) != 0) {
				t_bad("export_render", "json-hostile-values",
				    t_quotes[i].name, NULL, NULL);
				t_show("json", b.p, b.len);
				bad = 1;
			}
			cJSON_Delete(j);
			buf_free(&b);
		}
		if (!bad)
			t_ok("export_render", "json-hostile-values");
	}
}

/* export_vars: which variables exec sets and removes. */
static void
t_env_vars(void)
{
	struct creds c;
	struct export_var v[AR_EXPORT_VARS_MAX];
	struct ar_buf b = { 0 };
	char exp[32];
	size_t n;

	memset(&c, 0, sizeof(c));
	c.akid = "ASIAROLE";
	c.secret = "secret";
	c.token = "token";
	c.expires = 1795876102; /* 2026-11-28T14:28:22Z */
	n = export_vars(&c, "ap-northeast-1", "CustomerA", exp, v);
	t_true("export_vars", "count-with-region", n == 17, "not 17 variables");
	export_render(v, n, "sh", &b);
	t_str("export_vars", "session-with-region",
	    "unset AWS_PROFILE\n"
	    "unset AWS_DEFAULT_PROFILE\n"
	    "unset AWS_SECURITY_TOKEN\n"
	    "unset AWS_CONTAINER_CREDENTIALS_FULL_URI\n"
	    "unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI\n"
	    "unset AWS_CONTAINER_AUTHORIZATION_TOKEN\n"
	    "unset AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE\n"
	    "unset AWS_ROLE_ARN\n"
	    "unset AWS_WEB_IDENTITY_TOKEN_FILE\n"
	    "unset AWS_ROLE_SESSION_NAME\n"
	    "export AWS_ACCESS_KEY_ID='ASIAROLE'\n"
	    "export AWS_SECRET_ACCESS_KEY='secret'\n"
	    "export AWS_SESSION_TOKEN='token'\n"
	    "export AWS_CREDENTIAL_EXPIRATION='2026-11-28T14:28:22Z'\n"
	    "export AWS_REGION='ap-northeast-1'\n"
	    "export AWS_DEFAULT_REGION='ap-northeast-1'\n"
	    "export AWSROLE_PROFILE='CustomerA'\n", b.p);
	buf_free(&b);

	/* Static keys, no region: a stale token and expiry are removed. */
	c.token = NULL;
	c.expires = 0;
	memset(&b, 0, sizeof(b));
	n = export_vars(&c, NULL, "base", exp, v);
	export_render(v, n, "sh", &b);
	t_str("export_vars", "static-no-region",
	    "unset AWS_SESSION_TOKEN\n"
	    "unset AWS_CREDENTIAL_EXPIRATION\n"
	    "unset AWS_PROFILE\n"
	    "unset AWS_DEFAULT_PROFILE\n"
	    "unset AWS_SECURITY_TOKEN\n"
	    "unset AWS_CONTAINER_CREDENTIALS_FULL_URI\n"
	    "unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI\n"
	    "unset AWS_CONTAINER_AUTHORIZATION_TOKEN\n"
	    "unset AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE\n"
	    "unset AWS_ROLE_ARN\n"
	    "unset AWS_WEB_IDENTITY_TOKEN_FILE\n"
	    "unset AWS_ROLE_SESSION_NAME\n"
	    "export AWS_ACCESS_KEY_ID='ASIAROLE'\n"
	    "export AWS_SECRET_ACCESS_KEY='secret'\n"
	    "export AWSROLE_PROFILE='base'\n", b.p);
	buf_free(&b);
}

/* ------------------------------------------------------------------------
 * JSON shapes
 * ------------------------------------------------------------------------ */

static const char *
t_jstr(const cJSON *o, const char *k)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(x) ? x->valuestring : NULL;
}

static void
t_keys(const char *group, const char *name, const cJSON *o, const char *want)
{
	struct ar_buf b = { 0 };
	const cJSON *it;

	for (it = o ? o->child : NULL; it != NULL; it = it->next)
		buf_addf(&b, "%s%s", b.len ? " " : "", it->string);
	if (b.p == NULL)
		buf_add(&b, "", 0);
	t_str(group, name, want, b.p);
	buf_free(&b);
}

static void
t_creds_process_json(void)
{
	struct creds c;
	const cJSON *ver;
	cJSON *j;
	char *t;

	memset(&c, 0, sizeof(c));
	c.akid = "ASIAEXAMPLEEXAMPLE";
	c.secret = "wJalr\"XUtn\\FEMI/K7MDENG\nbPxRfiCY";
	c.token = "IQoJb3JpZ2luX2Vj+/=\xe2\x80\x99";
	c.expires = 1795876102;
	t = creds_process_json(&c);
	j = cJSON_Parse(t);
	t_true("creds_process_json", "session-parses", j != NULL,
	    "not JSON");
	ver = cJSON_GetObjectItemCaseSensitive(j, "Version");
	t_true("creds_process_json", "version-is-number-1",
	    cJSON_IsNumber(ver) && ver->valuedouble == 1,
	    "Version is not the number 1");
	t_str("creds_process_json", "akid", c.akid, t_jstr(j, "AccessKeyId"));
	t_str("creds_process_json", "secret-hostile", c.secret,
	    t_jstr(j, "SecretAccessKey"));
	t_str("creds_process_json", "token", c.token,
	    t_jstr(j, "SessionToken"));
	t_str("creds_process_json", "expiration", "2026-11-28T14:28:22Z",
	    t_jstr(j, "Expiration"));
	t_keys("creds_process_json", "session-keys", j,
	    "Version AccessKeyId SecretAccessKey SessionToken Expiration");
	cJSON_Delete(j);
	free(t);

	/* Static keys: no SessionToken, no Expiration (never expires). */
	c.token = NULL;
	c.expires = 0;
	t = creds_process_json(&c);
	j = cJSON_Parse(t);
	t_keys("creds_process_json", "static-keys", j,
	    "Version AccessKeyId SecretAccessKey");
	cJSON_Delete(j);
	free(t);
}

static char *
t_flat(const cJSON *o)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);

	json_print_flat(f, o);
	fclose(f);
	return p;
}

static void
t_json_print_flat(void)
{
	cJSON *o = cJSON_CreateObject(), *back;
	char *t;

	cJSON_AddStringToObject(o, "UserId", "AIDAEXAMPLE");
	cJSON_AddStringToObject(o, "Account", "333333333333");
	cJSON_AddStringToObject(o, "Arn",
	    "arn:aws:iam::333333333333:user/example.user");
	t = t_flat(o);
	t_str("json_print_flat", "whoami-shape",
	    "{\n"
	    "    \"UserId\": \"AIDAEXAMPLE\",\n"
	    "    \"Account\": \"333333333333\",\n"
	    "    \"Arn\": \"arn:aws:iam::333333333333:user/example.user\"\n"
	    "}\n", t);
	back = cJSON_Parse(t);
	t_keys("json_print_flat", "whoami-parses-back", back,
	    "UserId Account Arn");
	cJSON_Delete(back);
	free(t);
	cJSON_Delete(o);

	/* Hostile strings, a number, a bool; UTF-8 stays raw as the CLI's
	 * json.dumps(ensure_ascii=False) prints it. */
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "q\"k", "a\"b\\c\nd\te\x01");
	cJSON_AddStringToObject(o, "Utf8", "\xe6\x97\xa5\xe2\x80\x99");
	cJSON_AddNumberToObject(o, "N", 900);
	cJSON_AddBoolToObject(o, "B", 1);
	t = t_flat(o);
	t_str("json_print_flat", "hostile-shape",
	    "{\n"
	    "    \"q\\\"k\": \"a\\\"b\\\\c\\nd\\te\\u0001\",\n"
	    "    \"Utf8\": \"\xe6\x97\xa5\xe2\x80\x99\",\n"
	    "    \"N\": 900,\n"
	    "    \"B\": true\n"
	    "}\n", t);
	back = cJSON_Parse(t);
	t_str("json_print_flat", "hostile-parses-back", "a\"b\\c\nd\te\x01",
	    t_jstr(back, "q\"k"));
	t_str("json_print_flat", "utf8-parses-back", "\xe6\x97\xa5\xe2\x80\x99",
	    t_jstr(back, "Utf8"));
	cJSON_Delete(back);
	free(t);
	cJSON_Delete(o);
}

/* ------------------------------------------------------------------------
 * ISO 8601
 * ------------------------------------------------------------------------ */

static void
t_iso8601(void)
{
	static const struct { const char *in; long long want; } good[] = {
		{ "2026-11-28T14:28:22Z", 1795876102 },
		{ "2026-11-28T14:28:22+00:00", 1795876102 },
		{ "2026-11-28T14:28:22.646586Z", 1795876102 },
		{ "2026-11-28T14:28:22.646586+00:00", 1795876102 },
		{ "2026-11-28T14:28:22.5Z", 1795876102 },
		{ "2026-11-28T23:28:22+09:00", 1795876102 },
		{ "2026-11-28T23:28:22+0900", 1795876102 },
		{ "2026-11-28T09:28:22-05:00", 1795876102 },
		{ "2026-11-29T04:13:22+13:45", 1795876102 },
		{ "2026-11-28t14:28:22z", 1795876102 },
		{ "2026-11-28 14:28:22Z", 1795876102 },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-02-29T12:00:00Z", 1709208000 },
		{ "2040-01-01T00:00:00Z", 2208988800LL },
	};
	static const char *bad[] = {
		"", "garbage", "2026-11-28", "2026-11-28T14:28:22",
		"2026-11-28T14:28Z", "2026-11-28T14:28:22ZZ",
		"2026-11-28T14:28:22Z ", " 2026-11-28T14:28:22Z",
		"2026-11-28T14:28:22+09", "2026-11-28T14:28:22+9:00",
		"2026-11-28T14:28:22+24:00", "2026-11-28T14:28:22+09:60",
		"2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
		"2026-11-00T00:00:00Z", "2026-11-32T00:00:00Z",
		"2026-11-28T24:00:00Z", "2026-11-28T14:60:00Z",
		"2026-11-28T14:28:61Z", "2026/11/28T14:28:22Z",
		"2026-11-28X14:28:22Z", "26-11-28T14:28:22Z",
		"2026-1-28T14:28:22Z", "2026-11-28T14:28:22.Zjunk",
		"2026-11-28T14:28:22Z\n", "-2026-11-28T14:28:22Z",
		"2026-11-28T14:28:22 UTC",
		/* a day that does not exist in its month */
		"2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z",
		"2025-02-29T00:00:00Z",
	};
	char name[128], fmt[32];
	time_t t;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(name, sizeof(name), "parse %s", good[i].in);
		t = -1;
		rc = iso8601_parse(good[i].in, &t);
		if (rc == 0 && (long long)t == good[i].want) {
			t_ok("iso8601", name);
		} else {
			char w[128];
			snprintf(w, sizeof(w), "rc %d, time %lld, expected %lld",
			    rc, (long long)t, good[i].want);
			t_bad("iso8601", name, w, NULL, NULL);
		}
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "reject \"%s\"", bad[i]);
		for (char *c = name; *c; c++)
			if (*c == '\n')
				*c = '~';
		t = 12345;
		rc = iso8601_parse(bad[i], &t);
		if (rc == -1) {
			t_ok("iso8601", name);
		} else {
			char w[128];
			snprintf(w, sizeof(w), "accepted, as %lld", (long long)t);
			t_bad("iso8601", name, w, NULL, NULL);
		}
	}
	t_true("iso8601", "reject NULL", iso8601_parse(NULL, &t) == -1,
	    "NULL accepted");

	iso8601_format(1795876102, fmt, sizeof(fmt));
	t_str("iso8601", "format 1795876102", "2026-11-28T14:28:22Z", fmt);
	iso8601_format(0, fmt, sizeof(fmt));
	t_str("iso8601", "format 0", "1970-01-01T00:00:00Z", fmt);
	iso8601_format(2208988800LL, fmt, sizeof(fmt));
	t_str("iso8601", "format 2040", "2040-01-01T00:00:00Z", fmt);
	iso8601_format(1795876102, fmt, 21);
	t_str("iso8601", "format into 21 bytes", "2026-11-28T14:28:22Z", fmt);
	memset(fmt, 'x', sizeof(fmt));
	iso8601_format(1795876102, fmt, 20);
	t_str("iso8601", "format into 20 bytes is empty, not cut", "", fmt);

	/* Round trip: format then parse gives the same second. */
	{
		static const long long ts[] = { 0, 1, 951782400, 1709208000,
		    1795876102, 2147483647, 2147483648LL, 4102444799LL };
		int bad_rt = 0;

		for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
			iso8601_format((time_t)ts[i], fmt, sizeof(fmt));
			if (iso8601_parse(fmt, &t) != 0 ||
			    (long long)t != ts[i]) {
				printf("    %lld -> %s -> %lld\n", ts[i], fmt,
				    (long long)t);
				bad_rt = 1;
			}
		}
		t_true("iso8601", "format-parse round trip", !bad_rt,
		    "a time did not survive format+parse");
	}
}

int
main(void)
{
	char tmpl[] = "/tmp/awsrole-unit-output.XXXXXX";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(t_tmp, sizeof(t_tmp), "%s", tmpl);
	snprintf(t_canary_cmd, sizeof(t_canary_cmd), "%s/pwned-cmd", t_tmp);
	snprintf(t_canary_bq, sizeof(t_canary_bq), "%s/pwned-bq", t_tmp);
	snprintf(t_canary_cmd_sh, sizeof(t_canary_cmd_sh),
	    "$(echo x > %s)", t_canary_cmd);
	snprintf(t_canary_bq_sh, sizeof(t_canary_bq_sh),
	    "`echo x > %s`", t_canary_bq);

	t_quote_fns();
	t_roundtrips();
	t_env_render();
	t_env_vars();
	t_creds_process_json();
	t_json_print_flat();
	t_iso8601();

	{
		char cmd[PATH_MAX + 16];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_tmp);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", t_tmp);
	}
	return unit_done();
}
