/*
 * Unit tests of sections 2 and 3 of awsrole.c: the INI reader (as
 * Python's RawConfigParser + botocore's raw_config_parse read a file),
 * shlex.split, path resolution, and the merged profile table.
 *
 * Expected values were produced by Python 3.11 / botocore 1.43 on the
 * same inputs (configparser, shlex.split, os.path.expandvars/expanduser);
 * tests/ini_diff.py checks the whole program against botocore itself.
 *
 * Prints "ok ini/NAME" or "FAIL ini/NAME" with both sides, then
 * "ini: N passed, N failed".  Run from the repository root.
 */
#include "../awsrole.c"

#define UNIT_GROUP "ini"
#include "unit.h"

static char tmpdir[] = "/tmp/unit_ini.XXXXXX";

/* ------------------------------------------------------------------------
 * A canonical text of a parsed file or profile table, to compare against
 * one string: "[sec] key=value key{sub=v,sub=v} [sec2] ...".  Newlines in
 * values read "\n", other control bytes "\xNN".
 * ------------------------------------------------------------------------ */

static void
canon_str(struct ar_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			buf_adds(b, "\\n");
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			buf_addf(b, "\\x%02x", (unsigned char)*s);
		else
			buf_add(b, s, 1);
	}
}

static void
canon_pair(struct ar_buf *b, const struct ini_pair *p)
{
	size_t i;

	buf_adds(b, " ");
	canon_str(b, p->key);
	if (p->value != NULL) {
		buf_adds(b, "=");
		canon_str(b, p->value);
		return;
	}
	buf_adds(b, "{");
	for (i = 0; i < p->nsub; i++) {
		buf_adds(b, i ? "," : "");
		canon_str(b, p->sub[i].key);
		buf_adds(b, "=");
		canon_str(b, p->sub[i].value);
	}
	buf_adds(b, "}");
}

static char *
canon_file(const struct ini_file *f)
{
	struct ar_buf b;
	size_t i, j;

	memset(&b, 0, sizeof b);
	buf_add(&b, "", 0);
	for (i = 0; i < f->nsec; i++) {
		buf_adds(&b, i ? " [" : "[");
		canon_str(&b, f->sec[i].name);
		buf_adds(&b, "]");
		for (j = 0; j < f->sec[i].npairs; j++)
			canon_pair(&b, &f->sec[i].pairs[j]);
	}
	return b.p;
}

static char *
canon_config(const struct config *c)
{
	struct ar_buf b;
	size_t i, j;

	memset(&b, 0, sizeof b);
	buf_add(&b, "", 0);
	for (i = 0; i < c->nprof; i++) {
		buf_adds(&b, i ? " [" : "[");
		canon_str(&b, c->prof[i].name);
		buf_adds(&b, "]");
		for (j = 0; j < c->prof[i].nkv; j++)
			canon_pair(&b, c->prof[i].kv[j].pair);
	}
	for (i = 0; i < c->nign; i++) {
		buf_addf(&b, "%s", i ? " " : " | ign ");
		buf_adds(&b, "[");
		canon_str(&b, c->ign[i].name);
		buf_addf(&b, "]@%d", c->ign[i].line);
	}
	return b.p;
}

/* want is a canonical form (got, malloc'd, from a success), or "!" and a
 * part of the error message, which must also name the file. */
static void
check_outcome(const char *name, const char *want, int rc,
    const struct ar_err *err, const char *file, char *got)
{
	if (want[0] != '!')
		unit_check_str(name, want, rc == 0 ? got : err->msg);
	else
		unit_check(name, rc == -1 && err->status == AR_ECONFIG &&
		    strstr(err->msg, want + 1) != NULL &&
		    strstr(err->msg, file) != NULL, want + 1,
		    rc == -1 ? err->msg : "success");
	free(got);
}

/* ------------------------------------------------------------------------
 * INI reader: text -> canonical form, or "!" and a part of the error.
 * ------------------------------------------------------------------------ */

struct ini_case {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *want;
};

static const struct ini_case ini_cases[] = {
	{ "empty", "", 0, "" },
	{ "comments-only", "# a\n; b\n\n  # c\n", 0, "" },
	{ "basic", "[default]\nregion = us-east-1\noutput=json\n", 0,
	  "[default] output=json region=us-east-1" },
	{ "colon", "[a]\nk: v\nx :y\n", 0, "[a] k=v x=y" },
	{ "first-separator", "[a]\na = b:c\nd : e=f\nu=http://h:1/?q=2\n", 0,
	  "[a] a=b:c d=e=f u=http://h:1/?q=2" },
	{ "inline-comment-kept", "[a]\nr = x # c\ns = y ; d\nt = #\n", 0,
	  "[a] r=x # c s=y ; d t=#" },
	{ "indented-comment", "[a]\nx = 1\n   # c\n\t; d\ny = 2\n", 0,
	  "[a] x=1 y=2" },
	{ "key-lowercased", "[A]\nRegion = X\nAWS_Access_Key_ID = K\n", 0,
	  "[A] aws_access_key_id=K region=X" },
	{ "key-ascii-only-lowercased", "[a]\nR\xc3\x89GION = x\n", 0,
	  "[a] r\xc3\x89gion=x" },
	{ "strip", "[a]\n  k   =   v w  \t\nz =\n", 0, "[a] k=v w z=" },
	{ "quotes-kept", "[a]\nk = \"q\"\nj = 'r'\n", 0,
	  "[a] j='r' k=\"q\"" },
	{ "key-with-space", "[a]\nmy key = v\n", 0, "[a] my key=v" },
	{ "continuation", "[a]\nx = 1\n  2\n\t3\ny = 4\n", 0,
	  "[a] x=1\\n2\\n3 y=4" },
	{ "continuation-blank-inside",
	  "[a]\nx = 1\n\n  2\n\n\ny = 3\n", 0, "[a] x=1\\n\\n2 y=3" },
	{ "continuation-comment-not-blank", "[a]\nx = 1\n# c\n  2\n", 0,
	  "[a] x=1\\n2" },
	{ "continuation-whitespace-line-is-blank", "[a]\nx = 1\n  \t\n  2\n",
	  0, "[a] x=1\\n\\n2" },
	{ "indent-rules", "[a]\n  a = 1\n    b\n   c\n d = 2\ne = 3\n  f\n",
	  0, "[a] a=1\\nb\\nc d=2 e=3\\nf" },
	{ "indented-header-continues", "[a]\nx = 1\n  [b]\ny = 2\n", 0,
	  "[a] x=1\\n[b] y=2" },
	{ "indent-counts-characters",
	  "[a]\n   a = 1\n\xe3\x80\x80\xe3\x80\x80y = 2\n", 0,
	  "[a] a=1 y=2" },
	{ "nested", "[a]\ns3 =\n  b = 2\n  a = 1\nr = x\n", 0,
	  "[a] r=x s3{a=1,b=2}" },
	{ "nested-colon-key", "[a]\ns3:\n  x = 1\n", 0, "[a] s3{x=1}" },
	{ "nested-last-wins", "[a]\ns3 =\n  k = 1\n  k = 2\n", 0,
	  "[a] s3{k=2}" },
	{ "nested-keeps-case", "[a]\ns3 =\n  Addr = P\n", 0,
	  "[a] s3{Addr=P}" },
	{ "nested-split-at-equals-only", "[a]\ns3 =\n  a = b:c=d\n", 0,
	  "[a] s3{a=b:c=d}" },
	{ "nested-empty-subkey", "[a]\ns3 =\n  = v\n  k =\n", 0,
	  "[a] s3{=v,k=}" },
	{ "nested-blank-comment", "[a]\ns3 =\n\n  # c\n  a = 1\n\n  b = 2\n",
	  0, "[a] s3{a=1,b=2}" },
	{ "nested-splitlines", "[a]\ns3 =\n  a = 1\vb = 2\x1c" "c = 3\n", 0,
	  "[a] s3{a=1,b=2,c=3}" },
	{ "nested-u2028", "[a]\ns3 =\n  a = 1\xe2\x80\xa8" "b = 2\n", 0,
	  "[a] s3{a=1,b=2}" },
	{ "nested-no-equals", "[a]\ns3 =\n  a = 1\n  oops\n", 0,
	  "!line 4: a line in a nested block" },
	{ "value-vt-kept", "[a]\nx = a\vb\n", 0, "[a] x=a\\x0bb" },
	{ "empty-value-then-blank", "[a]\nx =\n\ny = 1\n", 0,
	  "[a] x= y=1" },
	{ "DEFAULT-kept-as-section", "[DEFAULT]\nr = 1\n[a]\n", 0,
	  "[DEFAULT] r=1 [a]" },
	{ "DEFAULT-twice-merged", "[DEFAULT]\nr = 1\n[a]\n[DEFAULT]\nq = 2\n",
	  0, "[DEFAULT] q=2 r=1 [a]" },
	{ "DEFAULT-dup-key", "[DEFAULT]\nr = 1\n[a]\n[DEFAULT]\nr = 2\n", 0,
	  "!line 5: key \"r\" is already set in [DEFAULT] at line 2" },
	{ "DEFAULT-bad-nested-unused", "[DEFAULT]\ns =\n  x\n[a]\ns = 1\n", 0,
	  "[DEFAULT] [a] s=1" },
	{ "DEFAULT-bad-nested-no-sections", "[DEFAULT]\ns =\n  x\n", 0,
	  "[DEFAULT]" },
	{ "DEFAULT-bad-nested-inherited", "[DEFAULT]\ns =\n  x\n[a]\n", 0,
	  "!line 3: a line in a nested block of [DEFAULT]" },
	{ "dup-section", "[a]\nx = 1\n[b]\n[a]\n", 0,
	  "!line 4: section [a] is already at line 1" },
	{ "dup-section-earliest", "[b]\n[a]\n[a]\n[b]\n", 0,
	  "!line 3: section [a]" },
	{ "dup-key", "[a]\nx = 1\ny = 2\nX = 3\n", 0,
	  "!line 4: key \"x\" is already set in [a] at line 2" },
	{ "dup-before-later-error", "[a]\nx = 1\nx = 2\nbad\n", 0,
	  "!line 3: key \"x\"" },
	{ "text-before-section", "k = v\n[a]\n", 0,
	  "!line 1: text before the first [section] header" },
	{ "empty-key", "[a]\n= v\n", 0, "!line 2: a key name is empty" },
	{ "empty-key-spaces", "[a]\n  : v\n", 0, "!line 2: a key name is empty" },
	{ "no-separator", "[a]\nx = 1\njustkey\n", 0,
	  "!line 3: expected \"key = value\"" },
	{ "header-trailing", "[a] # c\n[b]junk\n", 0, "[a] [b]" },
	{ "header-last-bracket", "[a]b]\n[]]\n", 0, "[a]b] []]" },
	{ "header-empty", "[a]\n[]\n", 0, "!line 2: expected" },
	{ "header-empty-as-key", "[a]\n[]=x\n", 0, "[a] []=x" },
	{ "header-spaces-kept", "[ a ]\n", 0, "[ a ]" },
	{ "header-with-equals", "[a=b]\n", 0, "[a=b]" },
	{ "crlf", "[a]\r\nx = 1\r\n  2\r\n", 0, "[a] x=1\\n2" },
	{ "cr", "[a]\rx = 1\ry = 2", 0, "[a] x=1 y=2" },
	{ "mixed-newlines", "[a]\nx = 1\r\ny = 2\rz = 3", 0,
	  "[a] x=1 y=2 z=3" },
	{ "cr-line-numbers", "[a]\rx = 1\r\r\n\nbad\n", 0, "!line 5:" },
	{ "bom", "\xef\xbb\xbf[a]\nx = 1\n", 0, "[a] x=1" },
	{ "bom-not-at-start", "[a]\nx = \xef\xbb\xbf\n", 0,
	  "[a] x=\xef\xbb\xbf" },
	{ "unicode-whitespace-stripped",
	  "[a]\nk\xe3\x80\x80=\xc2\xa0v\xe2\x80\x83\n", 0, "[a] k=v" },
	{ "nbsp-only-line-is-blank", "[a]\nx = 1\n\xc2\xa0\n  2\n", 0,
	  "[a] x=1\\n\\n2" },
	{ "ff-vt-whitespace", "[a]\n\fx = 1\v\n", 0, "[a] x=1" },
	{ "nul", "[a]\nx = a\0b\n", 12, "!line 2: a NUL byte" },
	{ "invalid-utf8", "[a]\n\nx = caf\xe9\n", 0, "!line 3: not valid UTF-8" },
	{ "surrogate", "[a]\nx = \xed\xa0\x80\n", 0, "!line 2: not valid UTF-8" },
	{ "overlong", "[a]\nx = \xc0\xaf\n", 0, "!line 2: not valid UTF-8" },
	{ "too-big-codepoint", "[a]\nx = \xf4\x90\x80\x80\n", 0,
	  "!line 2: not valid UTF-8" },
	{ "truncated-utf8", "[a]\nx = \xe4\xb8", 0, "!line 2: not valid UTF-8" },
	{ "max-codepoint-ok", "[a]\nx = \xf4\x8f\xbf\xbf\n", 0,
	  "[a] x=\xf4\x8f\xbf\xbf" },
};

static void
test_ini_cases(void)
{
	const struct ini_case *c;
	struct ini_file f;
	struct ar_err err;
	char name[128];
	size_t i, len;
	int rc;

	for (i = 0; i < sizeof ini_cases / sizeof ini_cases[0]; i++) {
		c = &ini_cases[i];
		len = c->len ? c->len : strlen(c->text);
		memset(&err, 0, sizeof err);
		rc = ini_parse("test.ini", c->text, len, &f, &err);
		snprintf(name, sizeof name, "parse/%s", c->name);
		check_outcome(name, c->want, rc, &err, "test.ini",
		    rc == 0 ? canon_file(&f) : NULL);
		if (rc == 0)
			ini_free(&f);
	}
}

/* Lines, flags and the error's fix line. */
static void
test_ini_details(void)
{
	static const char text[] = "\xef\xbb\xbf# c\r\n[a]\r\nx = 1\r\n"
	    "s3 =\r\n  p = 1\r\n\r\n  q = 2\r\n[b]\ry = 2\r";
	struct ini_file f;
	struct ar_err err;
	char got[256];
	const struct ini_pair *x, *s3;

	memset(&err, 0, sizeof err);
	if (ini_parse("d.ini", text, sizeof text - 1, &f, &err) == -1) {
		unit_check("details/parse", 0, "success", err.msg);
		return;
	}
	x = ini_find(&f.sec[0], "x");
	s3 = ini_find(&f.sec[0], "s3");
	snprintf(got, sizeof got, "bom=%d crlf=%d a@%d x@%d s3@%d p@%d q@%d "
	    "b@%d y@%d", f.has_bom, f.has_crlf, f.sec[0].line,
	    x ? x->line : -1, s3 ? s3->line : -1,
	    s3 && s3->nsub == 2 ? s3->sub[0].line : -1,
	    s3 && s3->nsub == 2 ? s3->sub[1].line : -1, f.sec[1].line,
	    f.sec[1].npairs ? f.sec[1].pairs[0].line : -1);
	unit_check_str("details/lines-and-flags",
	    "bom=1 crlf=1 a@2 x@3 s3@4 p@5 q@7 b@8 y@9", got);
	unit_check_str("details/path", "d.ini", f.path);
	ini_free(&f);

	memset(&err, 0, sizeof err);
	ini_parse("e.ini", "[a]\nbad\n", 8, &f, &err);
	unit_check_str("details/error-message",
	    "e.ini, line 2: expected \"key = value\"", err.msg);
	unit_check_str("details/error-fix", "edit line 2 of e.ini", err.fix);
	ini_parse("e.ini", "[a]\nx=1\n", 8, &f, &err);
	unit_check("details/no-flags", !f.has_bom && !f.has_crlf, "0 0",
	    "flags");
	ini_free(&f);
}

/* ------------------------------------------------------------------------
 * Limits: each one stops with an error naming the file and the line.
 * ------------------------------------------------------------------------ */

static void
limit_case(const char *name, struct ar_buf *b, const char *want)
{
	struct ini_file f;
	struct ar_err err;
	int rc;

	memset(&err, 0, sizeof err);
	rc = ini_parse("big.ini", b->p, b->len, &f, &err);
	unit_check(name, rc == -1 && strstr(err.msg, want) != NULL, want,
	    rc == -1 ? err.msg : "success");
	if (rc == 0)
		ini_free(&f);
	buf_free(b);
}

static void
test_limits(void)
{
	struct ar_buf b;
	size_t i;

	memset(&b, 0, sizeof b);
	buf_adds(&b, "[a]\nx = ");
	for (i = 0; i < AR_CONFIG_MAX_LINE; i++)
		buf_add(&b, "y", 1);
	limit_case("limit/line", &b, "big.ini, line 2: line longer than");

	buf_adds(&b, "[a]\n");
	for (i = 0; i <= AR_CONFIG_MAX_KEYS; i++)
		buf_addf(&b, "k%zu = v\n", i);
	limit_case("limit/keys", &b, "line 4098: too many keys in one section");

	buf_adds(&b, "[a]\ns3 =\n");
	for (i = 0; i <= AR_CONFIG_MAX_KEYS; i++)
		buf_addf(&b, "  k%zu = v\n", i);
	limit_case("limit/nested-keys", &b, "line 4099: too many keys in a "
	    "nested block");

	for (i = 0; i <= AR_CONFIG_MAX_SECTIONS; i++)
		buf_addf(&b, "[s%zu]\n", i);
	limit_case("limit/sections", &b, "line 250001: too many sections");
}

/* ini_load: a file over AR_CONFIG_MAX_BYTES (sparse, so cheap), and what
 * botocore's os.path.isfile() calls no file. */
static void
test_load_files(void)
{
	char big[256], dir[256], miss[256];
	struct ini_file f;
	struct ar_err err;
	int fd, missing = -1, rc;

	snprintf(big, sizeof big, "%s/big", tmpdir);
	snprintf(dir, sizeof dir, "%s/adir", tmpdir);
	snprintf(miss, sizeof miss, "%s/nope/config", tmpdir);
	if ((fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    ftruncate(fd, (off_t)AR_CONFIG_MAX_BYTES + 1) == -1 ||
	    mkdir(dir, 0700) == -1)
		abort();
	close(fd);
	memset(&err, 0, sizeof err);
	rc = ini_load(big, &f, &missing, &err);
	unit_check("load/over-byte-limit",
	    rc == -1 && err.status == AR_ECONFIG && strstr(err.msg, big) &&
	    strstr(err.msg, "larger than"),
	    "larger than the limit", rc == -1 ? err.msg : "success");
	ini_free(&f);
	unlink(big);
	rc = ini_load(miss, &f, &missing, &err);
	unit_check("load/missing", rc == 0 && missing == 1 && f.nsec == 0 &&
	    strcmp(f.path, miss) == 0, "missing=1", rc ? err.msg : "other");
	ini_free(&f);
	rc = ini_load(dir, &f, &missing, &err);
	unit_check("load/directory-is-missing", rc == 0 && missing == 1,
	    "missing=1", rc ? err.msg : "missing=0");
	ini_free(&f);
	rmdir(dir);
	rc = ini_load("", &f, &missing, &err);
	unit_check("load/empty-path-is-missing", rc == 0 && missing == 1,
	    "missing=1", rc ? err.msg : "missing=0");
	ini_free(&f);
	if (mkfifo(dir, 0600) == -1)	/* nobody writes: must not hang */
		abort();
	rc = ini_load(dir, &f, &missing, &err);
	unit_check("load/fifo-is-missing", rc == 0 && missing == 1, "missing=1",
	    rc ? err.msg : "missing=0");
	ini_free(&f);
	unlink(dir);
}

/* ------------------------------------------------------------------------
 * shlex.split, against Python's shlex.split (posix, comments=False).
 * ------------------------------------------------------------------------ */

struct shlex_case {
	const char *in;
	int n;			/* -1: an error */
	const char *out[4];
};

static const struct shlex_case shlex_cases[] = {
	{ "a b c", 3, { "a", "b", "c" } },
	{ "  leading and trailing  ", 3, { "leading", "and", "trailing" } },
	{ "\"double quoted\" x", 2, { "double quoted", "x" } },
	{ "single 'quoted' y", 3, { "single", "quoted", "y" } },
	{ "a\\ b", 1, { "a b" } },
	{ "\"a\\\"b\"", 1, { "a\"b" } },
	{ "\"a\\\\b\"", 1, { "a\\b" } },
	{ "\"a\\nb\"", 1, { "a\\nb" } },
	{ "'a\\b'", 1, { "a\\b" } },
	{ "a\"b\"c", 1, { "abc" } },
	{ "\"\"", 1, { "" } },
	{ "''", 1, { "" } },
	{ "x \"\" y", 3, { "x", "", "y" } },
	{ "\\\\", 1, { "\\" } },
	{ "\\x", 1, { "x" } },
	{ "a\\\nb", 1, { "a\nb" } },
	{ "tab\tsep\nnl\rcr", 4, { "tab", "sep", "nl", "cr" } },
	{ "mixed\"quo\"'tes'", 1, { "mixedquotes" } },
	{ "\"unclosed", -1, { NULL } },
	{ "'unclosed", -1, { NULL } },
	{ "trailing\\", -1, { NULL } },
	{ "\"esc at end\\", -1, { NULL } },
	{ "", 0, { NULL } },
	{ "   ", 0, { NULL } },
	{ "awsrole credential-process \"Access CustomerA\"", 3,
	  { "awsrole", "credential-process", "Access CustomerA" } },
	{ "profile \"Access CustomerA\"", 2, { "profile", "Access CustomerA" } },
	{ "profile a#b", 2, { "profile", "a#b" } },
	{ "a;b|c&d", 1, { "a;b|c&d" } },
	{ "\"$HOME\" `x`", 2, { "$HOME", "`x`" } },
	{ "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87", 2,
	  { "caf\xc3\xa9", "\xe4\xb8\xad\xe6\x96\x87" } },
	{ "\"\\$\"", 1, { "\\$" } },
	{ "a'b\"c\"'d", 1, { "ab\"c\"d" } },
	{ "a\xc2\xa0" "b", 1, { "a\xc2\xa0" "b" } },	/* NBSP is no separator */
};

static void
join_words(struct ar_buf *b, int n, const char *const *w)
{
	int i;

	buf_add(b, "", 0);
	if (n < 0) {
		buf_adds(b, "(error)");
		return;
	}
	buf_addf(b, "%d:", n);
	for (i = 0; i < n; i++) {
		buf_adds(b, "<");
		canon_str(b, w[i]);
		buf_adds(b, ">");
	}
}

static void
test_shlex(void)
{
	const struct shlex_case *c;
	struct ar_buf want, got;
	struct ar_err err;
	char name[64], **argv;
	size_t i, argc;
	int rc;

	for (i = 0; i < sizeof shlex_cases / sizeof shlex_cases[0]; i++) {
		c = &shlex_cases[i];
		memset(&want, 0, sizeof want);
		memset(&got, 0, sizeof got);
		argv = (char **)1;	/* must be NULL after an error */
		rc = ar_shlex_split(c->in, &argv, &argc, &err);
		join_words(&want, c->n, c->out);
		join_words(&got, rc == -1 ? -1 : (int)argc,
		    (const char *const *)argv);
		snprintf(name, sizeof name, "shlex/%02zu", i + 1);
		unit_check_str(name, want.p, got.p);
		if (rc == 0 && argv[argc] != NULL)
			unit_check("shlex/null-terminated", 0, "NULL",
			    "not NULL");
		if (rc == -1 && (argv != NULL || err.status != AR_ECONFIG))
			unit_check("shlex/error-outputs", 0, "NULL", "other");
		ar_argv_free(argv);
		buf_free(&want);
		buf_free(&got);
	}
}

/* ------------------------------------------------------------------------
 * Paths: os.path.expandvars then os.path.expanduser, as botocore does.
 * ------------------------------------------------------------------------ */

static void
test_paths(void)
{
	static const char *const vec[][2] = {
		{ "$U_DIR/config", "/opt/x/config" },
		{ "${U_DIR}/config", "/opt/x/config" },
		{ "$NOPE/x", "$NOPE/x" },
		{ "${NOPE}/x", "${NOPE}/x" },
		{ "$", "$" },
		{ "a$", "a$" },
		{ "${", "${" },
		{ "${}", "${}" },
		{ "$$U_DIR", "$/opt/x" },
		{ "$U_DIR$U_DIR", "/opt/x/opt/x" },
		{ "x${U_DIR", "x${U_DIR" },
		{ "$EMPTY/x", "/x" },
		{ "${U_DIR}${NOPE}", "/opt/x${NOPE}" },
		{ "$U_DIR-x", "/opt/x-x" },
		{ "$U_DIR_x", "$U_DIR_x" },
		{ "$1", "$1" },
		{ "~/.aws/config", "/home/u/.aws/config" },
		{ "~", "/home/u" },
		{ "~root/x", "/root/x" },
		{ "~nosuchuser-awsrole/x", "~nosuchuser-awsrole/x" },
		{ "/abs/~/x", "/abs/~/x" },
	};
	char name[64], *got, *v;
	size_t i;

	setenv("HOME", "/home/u", 1);
	setenv("U_DIR", "/opt/x", 1);
	setenv("EMPTY", "", 1);
	unsetenv("NOPE");
	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		v = config_expandvars(vec[i][0]);
		got = config_expanduser(v);
		snprintf(name, sizeof name, "path/%02zu", i + 1);
		unit_check_str(name, vec[i][1], got);
		free(v);
		free(got);
	}
	setenv("HOME", "/", 1);
	got = config_expanduser("~/x");
	unit_check_str("path/home-is-root", "/x", got);
	free(got);
	setenv("HOME", "", 1);
	got = config_expanduser("~");
	unit_check_str("path/home-empty", "/", got);
	free(got);
	setenv("HOME", "/h/", 1);
	got = config_expanduser("~/x");
	unit_check_str("path/home-trailing-slash", "/h/x", got);
	free(got);
	unsetenv("U_DIR");
	unsetenv("EMPTY");
}

/* ------------------------------------------------------------------------
 * Profiles: config + credentials text -> the merged table.
 * ------------------------------------------------------------------------ */

struct profile_case {
	const char *name;
	const char *cfg, *cred;	/* NULL: the file does not exist */
	const char *want;	/* canon_config, or "!" and part of the error */
};

static const struct profile_case profile_cases[] = {
	{ "scenario",
	  "[default]\nregion = ap-northeast-1\nsource_profile = base\n"
	  "[profile CustomerA]\nsource_profile = Access CustomerA\n",
	  "[base]\naws_access_key_id = \"<id>\"\n"
	  "[Access CustomerA]\naws_access_key_id = \"<id2>\"\n",
	  "[Access CustomerA] aws_access_key_id=\"<id2>\" "
	  "[CustomerA] source_profile=Access CustomerA "
	  "[base] aws_access_key_id=\"<id>\" "
	  "[default] region=ap-northeast-1 source_profile=base" },
	{ "quoted-profile-name", "[profile \"Access CustomerA\"]\nk = 1\n",
	  NULL, "[Access CustomerA] k=1" },
	{ "shlex-names",
	  "[profile 'x y']\na = 1\n[profile a\\ b]\nb = 2\n[profile '']\n"
	  "c = 3\n[profiles q]\nd = 4\n[profile\tt]\ne = 5\n", NULL,
	  "[] c=3 [a b] b=2 [q] d=4 [t] e=5 [x y] a=1" },
	{ "skipped-sections",
	  "[profile a b]\n[profile]\n[profile \"open]\n[plugins]\n"
	  "[CustomerA]\n[sso-session s]\n[services x]\n[sso-session]\n"
	  "[ default ]\n[profile ok]\n", NULL,
	  "[ok] | ign [profile a b]@1 [profile]@2 [profile \"open]@3 "
	  "[plugins]@4 [CustomerA]@5 [sso-session]@8 [ default ]@9" },
	{ "later-section-replaces-whole",
	  "[default]\nregion = a\noutput = json\n[profile default]\n"
	  "region = b\n", NULL, "[default] region=b | ign [default]@1" },
	{ "profile-default-then-default",
	  "[profile default]\nregion = b\n[default]\nregion = a\n", NULL,
	  "[default] region=a | ign [profile default]@1" },
	{ "same-name-via-spacing",
	  "[profile a]\nx = 1\n[profile  a]\ny = 2\n[profile \"a\"]\nz = 3\n",
	  NULL, "[a] z=3 | ign [profile a]@1 [profile  a]@3" },
	{ "credentials-literal",
	  "", "[profile x]\nk = 1\n['q']\nk = 2\n[DEFAULT]\nd = 0\n",
	  "['q'] d=0 k=2 [profile x] d=0 k=1" },
	{ "credentials-win-per-key",
	  "[profile base]\nregion = r\naws_access_key_id = CFG\n",
	  "[base]\naws_access_key_id = CRED\n",
	  "[base] aws_access_key_id=CRED region=r" },
	{ "credentials-replace-nested",
	  "[default]\ns3 =\n  a = 1\nr = x\n", "[default]\ns3 = flat\n",
	  "[default] r=x s3=flat" },
	{ "DEFAULT-layers",
	  "[DEFAULT]\na = cfgdef\nb = cfgdef\nc = cfgdef\n[default]\n"
	  "b = cfg\n[preview]\n",
	  "[DEFAULT]\nc = creddef\n[default]\nd = cred\n[other]\n",
	  "[default] a=cfgdef b=cfg c=creddef d=cred [other] c=creddef "
	  "| ign [preview]@7" },
	{ "DEFAULT-only-files", "[DEFAULT]\na = 1\n", "[DEFAULT]\nb = 2\n", "" },
	{ "no-files", NULL, NULL, "" },
	{ "config-error", "[a]\n[a]\n", "[b]\n", "!config, line 2: section [a]" },
	{ "credentials-error", "[default]\n", "x\n",
	  "!credentials, line 1: text before" },
	{ "empty-profiles", "[profile e]\n[default]\n", "[n]\n",
	  "[default] [e] [n]" },
};

static void
write_text(const char *path, const char *text)
{
	FILE *fp;

	unlink(path);
	if (text == NULL)
		return;
	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) == EOF ||
	    fclose(fp) == EOF)
		abort();
}

static int
load_pair(const char *cfg, const char *cred, struct config *c,
    struct ar_err *err)
{
	char cp[256], kp[256];

	snprintf(cp, sizeof cp, "%s/config", tmpdir);
	snprintf(kp, sizeof kp, "%s/credentials", tmpdir);
	write_text(cp, cfg);
	write_text(kp, cred);
	memset(err, 0, sizeof *err);
	return config_load(c, cp, kp, err);
}

static void
test_profiles(void)
{
	const struct profile_case *pc;
	struct config c;
	struct ar_err err;
	char name[128];
	size_t i;
	int rc;

	for (i = 0; i < sizeof profile_cases / sizeof profile_cases[0]; i++) {
		pc = &profile_cases[i];
		rc = load_pair(pc->cfg, pc->cred, &c, &err);
		snprintf(name, sizeof name, "profiles/%s", pc->name);
		check_outcome(name, pc->want, rc, &err, tmpdir,
		    rc == 0 ? canon_config(&c) : NULL);
		if (rc == 0)
			config_free(&c);
	}
}

/* Lookups, provenance, and the JSON dump. */
static void
test_lookups(void)
{
	struct config c;
	struct ar_err err;
	const struct profile *p;
	const struct profile_kv *kv;
	char got[512], *j;

	if (load_pair("[DEFAULT]\noutput = json\n[default]\nregion = r\n"
	    "s3 =\n  a = 1\n[profile b]\n",
	    "[default]\naws_access_key_id = K\n", &c, &err) == -1) {
		unit_check("lookup/load", 0, "success", err.msg);
		return;
	}
	p = config_profile(&c, "default");
	unit_check("lookup/found", p != NULL && strcmp(p->name, "default") == 0,
	    "default", p ? p->name : "NULL");
	unit_check("lookup/absent", config_profile(&c, "zzz") == NULL &&
	    config_profile(&c, "") == NULL, "NULL", "a profile");
	if (p == NULL)
		goto out;
	unit_check_str("lookup/get", "r", profile_get(p, "region"));
	unit_check_str("lookup/get-inherited", "json",
	    profile_get(p, "output"));
	unit_check("lookup/get-nested-is-null", profile_get(p, "s3") == NULL &&
	    (kv = profile_kv(p, "s3")) != NULL && kv->pair->nsub == 1,
	    "NULL and a block", "other");
	unit_check("lookup/get-missing", profile_get(p, "nope") == NULL &&
	    profile_kv(p, "nope") == NULL, "NULL", "a value");
	kv = profile_kv(p, "aws_access_key_id");
	snprintf(got, sizeof got, "%s:%d %s:%d %s:%d",
	    strrchr(p->file, '/') + 1, p->line,
	    kv ? strrchr(kv->file, '/') + 1 : "-", kv ? kv->line : -1,
	    strrchr(profile_kv(p, "output")->file, '/') + 1,
	    profile_kv(p, "output")->line);
	unit_check_str("lookup/provenance", "config:3 credentials:2 config:2",
	    got);
	unit_check("lookup/paths-kept", strstr(c.config_path, "/config") &&
	    strstr(c.cred_path, "/credentials") && !c.config_missing &&
	    !c.cred_missing, "paths", c.config_path);
	j = config_dump_json(&c, 0);
	unit_check_str("lookup/json",
	    "{\"profiles\":{\"b\":{\"output\":\"json\"},"
	    "\"default\":{\"aws_access_key_id\":\"K\",\"output\":\"json\","
	    "\"region\":\"r\",\"s3\":{\"a\":\"1\"}}}}", j);
	ar_free_secret(j);
	j = config_dump_json(&c, 1);
	unit_check("lookup/json-pretty", j != NULL && strchr(j, '\n') != NULL,
	    "pretty JSON", j);
	ar_free_secret(j);
out:
	config_free(&c);
	if (load_pair("[profile q]\nk = \"a\\\\b\x01\xc3\xa9\"\n", NULL, &c,
	    &err) == 0) {
		j = config_dump_json(&c, 0);
		unit_check_str("lookup/json-escapes",
		    "{\"profiles\":{\"q\":{\"k\":"
		    "\"\\\"a\\\\\\\\b\\u0001\xc3\xa9\\\"\"}}}", j);
		ar_free_secret(j);
		config_free(&c);
	}
}

/* The environment: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, ~, $VAR,
 * defaults under $HOME/.aws, and an empty variable (a missing file). */
static void
test_env(void)
{
	struct config c;
	struct ar_err err;
	char home[256], path[600], want[600];

	snprintf(home, sizeof home, "%s/home", tmpdir);
	snprintf(path, sizeof path, "%s/.aws", home);
	if (mkdir(home, 0700) == -1 || mkdir(path, 0700) == -1)
		abort();
	snprintf(path, sizeof path, "%s/.aws/config", home);
	write_text(path, "[profile h]\nx = 1\n");
	snprintf(path, sizeof path, "%s/alt", tmpdir);
	write_text(path, "[profile alt]\nx = 2\n");
	setenv("HOME", home, 1);
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	memset(&err, 0, sizeof err);
	if (config_load(&c, NULL, NULL, &err) == 0) {
		snprintf(want, sizeof want, "%s/.aws/config %s/.aws/credentials "
		    "0 1 h", home, home);
		snprintf(path, sizeof path, "%s %s %d %d %s", c.config_path,
		    c.cred_path, c.config_missing, c.cred_missing,
		    c.nprof ? c.prof[0].name : "-");
		unit_check_str("env/defaults", want, path);
		config_free(&c);
	} else
		unit_check("env/defaults", 0, "success", err.msg);

	setenv("HOME", tmpdir, 1);
	setenv("AWS_CONFIG_FILE", "~/alt", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "", 1);
	if (config_load(&c, NULL, NULL, &err) == 0) {
		unit_check("env/tilde-and-empty", c.nprof == 1 &&
		    strcmp(c.prof[0].name, "alt") == 0 && c.cred_missing &&
		    strcmp(c.cred_path, "") == 0, "alt, cred missing",
		    c.config_path);
		config_free(&c);
	} else
		unit_check("env/tilde-and-empty", 0, "success", err.msg);

	setenv("UNIT_INI_DIR", tmpdir, 1);
	setenv("AWS_CONFIG_FILE", "${UNIT_INI_DIR}/alt", 1);
	snprintf(path, sizeof path, "%s/config", tmpdir);
	if (config_load(&c, path, NULL, &err) == 0) {
		unit_check_str("env/explicit-path-wins", path, c.config_path);
		config_free(&c);
	}
	if (config_load(&c, NULL, NULL, &err) == 0) {
		snprintf(want, sizeof want, "%s/alt", tmpdir);
		unit_check_str("env/braced-var", want, c.config_path);
		config_free(&c);
	}
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("UNIT_INI_DIR");
}

/* ------------------------------------------------------------------------
 * Scale: 100,000 profiles (and 50,000 credentials sections, 27 MB in all)
 * load, merge and look up correctly (5,000 under ASan or valgrind).  The
 * time is printed for information; bench/run measures it.
 * ------------------------------------------------------------------------ */

static int
slow_build(void)
{
	const char *pre = getenv("LD_PRELOAD");

#if defined(__SANITIZE_ADDRESS__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 1;
#endif
#endif
	return pre != NULL && strstr(pre, "vgpreload") != NULL;
}

static void
test_speed(void)
{
	char cp[256], kp[256], msg[128];
	struct config c;
	struct ar_err err;
	struct timespec t0, t1, c0, c1;
	FILE *fp;
	double s, cpu;
	int i, n = slow_build() ? 5000 : 100000, rc;

	snprintf(cp, sizeof cp, "%s/big.config", tmpdir);
	snprintf(kp, sizeof kp, "%s/big.credentials", tmpdir);
	if ((fp = fopen(cp, "w")) == NULL)
		abort();
	fputs("[default]\nregion = us-east-1\n", fp);
	for (i = n - 1; i >= 0; i--)
		fprintf(fp, "[profile p%06d]\nregion = ap-northeast-1\n"
		    "role_arn = arn:aws:iam::111111111111:role/R%d\n"
		    "source_profile = base\nmfa_serial = arn:aws:iam::"
		    "333333333333:mfa/example.user\nduration_seconds = 900\n"
		    "s3 =\n  addressing_style = path\n", i, i);
	if (fclose(fp) == EOF || (fp = fopen(kp, "w")) == NULL)
		abort();
	for (i = 0; i < n; i += 2)
		fprintf(fp, "[p%06d]\naws_access_key_id = AKIA%012d\n"
		    "aws_secret_access_key = %040d\n", i, i, i);
	if (fclose(fp) == EOF)
		abort();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	rc = config_load(&c, cp, kp, &err);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	cpu = (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
	snprintf(msg, sizeof msg, "%d profiles in %.3f s CPU (%.3f s wall)",
	    n + 1, cpu, s);
	if (rc == -1) {
		unit_check("scale/load", 0, "success", err.msg);
		return;
	}
	unit_check("scale/count", c.nprof == (size_t)n + 1 &&
	    profile_get(config_profile(&c, "p000042"), "aws_access_key_id") &&
	    !profile_get(config_profile(&c, "p000043"), "aws_access_key_id"),
	    "all profiles, merged", msg);
	/* Timing is measured by bench/run, never asserted in a test. */
	printf("# scale: %s\n", msg);
	config_free(&c);
	unlink(cp);
	unlink(kp);
}

static void
rm_tmp(const char *rel, int dir)
{
	char p[512];

	snprintf(p, sizeof p, "%s/%s", tmpdir, rel);
	if (dir)
		rmdir(p);
	else
		unlink(p);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_ini_cases();
	test_ini_details();
	test_limits();
	test_load_files();
	test_shlex();
	test_paths();
	test_profiles();
	test_lookups();
	test_env();
	test_speed();
	rm_tmp("config", 0);
	rm_tmp("credentials", 0);
	rm_tmp("alt", 0);
	rm_tmp("home/.aws/config", 0);
	rm_tmp("home/.aws", 1);
	rm_tmp("home", 1);
	rmdir(tmpdir);
	return unit_done();
}
