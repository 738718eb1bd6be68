/*
 * unit_xml.c -- section 7 of awsrole.c (the strict XML reader for STS
 * answers: xml_parse, xml_get, xml_free) and the end of section 8 that
 * turns an AssumeRole answer into credentials (sts_take_creds).
 *
 *   make build/unit_xml && build/unit_xml        (cwd: the repo root)
 *
 * Every document is handed to xml_parse in a heap buffer of exactly its
 * length, with no NUL after it: xml_parse takes (buf, len), so a read past
 * len is a bug that ASan (make check-asan) and valgrind report.
 *
 * One line per check, "ok xml/NAME" or "FAIL xml/NAME" with expected and
 * got; the last line is "xml: N passed, N failed"; exit status 1 if
 * anything failed.
 */
#include "../awsrole.c"

#define UNIT_GROUP "xml"
#include "unit.h"

/* xml_parse over an exact-size heap copy of doc[0..len). */
static int
t_parse(const char *doc, size_t len, struct xml_doc *d, struct ar_err *err)
{
	char *copy = xmalloc(len ? len : 1);
	int rc;

	memcpy(copy, doc, len);
	memset(err, 0, sizeof(*err));
	rc = xml_parse(copy, len, d, err);
	free(copy);
	return rc;
}

/* ------------------------------------------------------------------------
 * Documents
 * ------------------------------------------------------------------------ */

#define T_EXP_FUTURE "2099-11-28T14:28:22Z"

static const char t_assume_role[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <AssumeRoleResult>\n"
    "    <AssumedRoleUser>\n"
    "      <Arn>arn:aws:sts::111111111111:assumed-role/RoleA/botocore-session-1</Arn>\n"
    "      <AssumedRoleId>AROAEXAMPLEROLEID0001:botocore-session-1</AssumedRoleId>\n"
    "    </AssumedRoleUser>\n"
    "    <Credentials>\n"
    "      <AccessKeyId>ASIAFAKESTSEXAMPLE01</AccessKeyId>\n"
    "      <SecretAccessKey>fakeStsSecretAccessKeyEXAMPLE/0123456789</SecretAccessKey>\n"
    "      <SessionToken>FwoGZXIvYXdzEXAMPLE+slash/and=plus</SessionToken>\n"
    "      <Expiration>" T_EXP_FUTURE "</Expiration>\n"
    "    </Credentials>\n"
    "    <PackedPolicySize>6</PackedPolicySize>\n"
    "  </AssumeRoleResult>\n"
    "  <ResponseMetadata>\n"
    "    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
    "  </ResponseMetadata>\n"
    "</AssumeRoleResponse>\n";

/* The same answer: other element order, a prolog, a BOM, prefixed names,
 * attributes (one holding '>' and '/'), CRLF line ends. */
static const char t_assume_role_odd[] =
    "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
    "<sts:AssumeRoleResponse xmlns:sts='https://sts.amazonaws.com/doc/2011-06-15/' a=\"x>y/\">\r\n"
    "  <sts:ResponseMetadata><sts:RequestId>rid-1</sts:RequestId></sts:ResponseMetadata>\r\n"
    "  <sts:AssumeRoleResult>\r\n"
    "    <sts:Credentials kind=\"temporary\">\r\n"
    "      <sts:Expiration>" T_EXP_FUTURE "</sts:Expiration>\r\n"
    "      <sts:SessionToken>tok/en=</sts:SessionToken>\r\n"
    "      <sts:SecretAccessKey>sec</sts:SecretAccessKey>\r\n"
    "      <sts:AccessKeyId>ASIAODD</sts:AccessKeyId>\r\n"
    "    </sts:Credentials>\r\n"
    "    <sts:AssumedRoleUser><sts:AssumedRoleId>AROA:x</sts:AssumedRoleId>"
    "<sts:Arn>arn:aws:sts::222222222222:assumed-role/R/x</sts:Arn></sts:AssumedRoleUser>\r\n"
    "  </sts:AssumeRoleResult>\r\n"
    "</sts:AssumeRoleResponse>\r\n";

/* ------------------------------------------------------------------------
 * Valid documents
 * ------------------------------------------------------------------------ */

static void
t_expect_get(const char *name, const struct xml_doc *d, const char *path,
    const char *want)
{
	char n[256];
	const char *got = xml_get(d, path);

	snprintf(n, sizeof(n), "%s/%s", name, path);
	if ((want == NULL) != (got == NULL) ||
	    (want != NULL && strcmp(want, got) != 0))
		unit_bad(n, "xml_get", want, got);
	else
		unit_ok(n);
}

static void
t_valid(void)
{
	struct xml_doc d;
	struct ar_err err;

	if (t_parse(t_assume_role, sizeof(t_assume_role) - 1, &d, &err) != 0) {
		unit_bad("valid/assume-role", "xml_parse", "0", err.msg);
	} else {
		unit_ok("valid/assume-role");
		t_expect_get("valid", &d, "Credentials/AccessKeyId",
		    "ASIAFAKESTSEXAMPLE01");
		t_expect_get("valid", &d, "Credentials/SecretAccessKey",
		    "fakeStsSecretAccessKeyEXAMPLE/0123456789");
		t_expect_get("valid", &d, "Credentials/SessionToken",
		    "FwoGZXIvYXdzEXAMPLE+slash/and=plus");
		t_expect_get("valid", &d, "Credentials/Expiration",
		    T_EXP_FUTURE);
		t_expect_get("valid", &d, "AssumedRoleUser/Arn",
		    "arn:aws:sts::111111111111:assumed-role/RoleA/"
		    "botocore-session-1");
		t_expect_get("valid", &d,
		    "AssumeRoleResponse/ResponseMetadata/RequestId",
		    "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
		t_expect_get("valid", &d, "RequestId",
		    "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
		/* a suffix matches whole path components only */
		t_expect_get("valid", &d, "edentials/AccessKeyId", NULL);
		t_expect_get("valid", &d, "AccessKeyId/", NULL);
		t_expect_get("valid", &d, "Nope", NULL);
		/* only leaves are recorded */
		t_expect_get("valid", &d, "Credentials", NULL);
		xml_free(&d);
		if (d.n != NULL || d.count != 0)
			unit_bad("valid/xml_free-empties", "xml_free",
			    "n NULL, 0", "not empty");
		else
			unit_ok("valid/xml_free-empties");
		xml_free(&d);   /* twice is harmless */
	}

	if (t_parse(t_assume_role_odd, sizeof(t_assume_role_odd) - 1, &d,
	    &err) != 0) {
		unit_bad("odd/assume-role", "xml_parse (order, prolog, BOM, "
		    "prefixes, attributes, CRLF)", "0", err.msg);
	} else {
		unit_ok("odd/assume-role");
		/* the prefix is part of the element name, as written */
		t_expect_get("odd", &d, "sts:Credentials/sts:AccessKeyId",
		    "ASIAODD");
		t_expect_get("odd", &d, "sts:Credentials/sts:SessionToken",
		    "tok/en=");
		t_expect_get("odd", &d, "sts:RequestId", "rid-1");
		xml_free(&d);
	}

	/* self-closing and empty elements are leaves with empty text */
	{
		static const char doc[] = "<a><b/><c></c><e x='1' /></a>";

		if (t_parse(doc, sizeof(doc) - 1, &d, &err) != 0) {
			unit_bad("valid/empty-elements", "xml_parse", "0",
			    err.msg);
		} else {
			t_expect_get("valid-empty", &d, "a/b", "");
			t_expect_get("valid-empty", &d, "a/c", "");
			t_expect_get("valid-empty", &d, "a/e", "");
			xml_free(&d);
		}
	}
	/* whitespace around the root is fine */
	{
		static const char doc[] = " \n\t<a>x</a>\r\n \n";

		if (t_parse(doc, sizeof(doc) - 1, &d, &err) != 0) {
			unit_bad("valid/whitespace-around-root", "xml_parse",
			    "0", err.msg);
		} else {
			t_expect_get("valid-ws", &d, "a", "x");
			xml_free(&d);
		}
	}
}

/* ------------------------------------------------------------------------
 * Entities
 * ------------------------------------------------------------------------ */

static void
t_entities(void)
{
	static const struct {
		const char *name, *doc, *want;
	} good[] = {
		{ "predefined", "<a>&amp;&lt;&gt;&quot;&apos;</a>", "&<>\"'" },
		{ "decimal", "<a>&#65;</a>", "A" },
		{ "hex", "<a>&#x41;&#x6a;</a>", "Aj" },
		{ "utf8-2", "<a>&#xe9;</a>", "\xc3\xa9" },
		{ "utf8-3", "<a>&#x20AC;</a>", "\xe2\x82\xac" },
		{ "utf8-4", "<a>&#x1F600;</a>", "\xf0\x9f\x98\x80" },
		{ "max", "<a>&#x10FFFF;</a>", "\xf4\x8f\xbf\xbf" },
		{ "mixed", "<a>x&amp;y&#10;z</a>", "x&y\nz" },
		{ "amp-amp", "<a>&amp;amp;</a>", "&amp;" },
	};
	static const struct {
		const char *name, *doc;
	} bad[] = {
		{ "unknown", "<a>&foo;</a>" },
		{ "unknown-prefix-of-known", "<a>&ampx;</a>" },
		{ "known-prefix", "<a>&l;</a>" },
		{ "no-semicolon", "<a>&amp</a>" },
		{ "no-semicolon-at-end", "<a>x&amp" },
		{ "too-long", "<a>&averyveryverylongname;</a>" },
		{ "zero", "<a>&#0;</a>" },
		{ "hex-zero", "<a>&#x0;</a>" },
		{ "above-unicode", "<a>&#x110000;</a>" },
		{ "huge", "<a>&#99999999999999999999;</a>" },
		{ "empty-decimal", "<a>&#;</a>" },
		{ "empty-hex", "<a>&#x;</a>" },
		{ "not-digits", "<a>&#12a;</a>" },
		{ "bare-amp", "<a>a & b</a>" },
	};
	struct xml_doc d;
	struct ar_err err;
	char n[128];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(n, sizeof(n), "entity/%s", good[i].name);
		if (t_parse(good[i].doc, strlen(good[i].doc), &d, &err) != 0) {
			unit_bad(n, good[i].doc, good[i].want, err.msg);
			continue;
		}
		if (xml_get(&d, "a") == NULL ||
		    strcmp(xml_get(&d, "a"), good[i].want) != 0)
			unit_bad(n, good[i].doc, good[i].want,
			    xml_get(&d, "a"));
		else
			unit_ok(n);
		xml_free(&d);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(n, sizeof(n), "entity-refused/%s", bad[i].name);
		if (t_parse(bad[i].doc, strlen(bad[i].doc), &d, &err) == 0) {
			unit_bad(n, bad[i].doc, "refused", xml_get(&d, "a"));
			xml_free(&d);
		} else if (err.status != AR_EAWS || strstr(err.msg,
		    "malformed XML") == NULL || d.n != NULL || d.count != 0) {
			unit_bad(n,
			    "error status 5, \"malformed XML\", empty doc",
			    "AR_EAWS", err.msg);
		} else {
			unit_ok(n);
		}
	}
}

/* ------------------------------------------------------------------------
 * Refused documents (each must fail cleanly: -1, a message, an empty doc)
 * ------------------------------------------------------------------------ */

static void
t_refused_one(const char *name, const char *doc, size_t len,
    const char *msg_has)
{
	struct xml_doc d;
	struct ar_err err;
	char n[160];

	snprintf(n, sizeof(n), "refused/%s", name);
	if (t_parse(doc, len, &d, &err) == 0) {
		unit_bad(n, "xml_parse accepted it", "-1", "0");
		xml_free(&d);
		return;
	}
	if (err.status != AR_EAWS || strstr(err.msg, "malformed XML") == NULL ||
	    (msg_has != NULL && strstr(err.msg, msg_has) == NULL)) {
		unit_bad(n, "the error", msg_has ? msg_has : "malformed XML",
		    err.msg);
		return;
	}
	if (d.n != NULL || d.count != 0) {
		unit_bad(n, "doc after a failure", "empty", "not empty");
		return;
	}
	unit_ok(n);
}

#define T_REFUSED(name, lit, has) t_refused_one(name, lit, sizeof(lit) - 1, has)

static void
t_refused(void)
{
	T_REFUSED("doctype", "<!DOCTYPE a><a>x</a>", "DOCTYPE");
	T_REFUSED("doctype-entity",
	    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x \"yyyy\">]><r>&x;</r>",
	    "DOCTYPE");
	T_REFUSED("billion-laughs",
	    "<!DOCTYPE l [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
	    "<l>&b;</l>", "DOCTYPE");
	T_REFUSED("external-entity",
	    "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>",
	    "DOCTYPE");
	T_REFUSED("cdata", "<a><b><![CDATA[ASIA<x>]]></b></a>", "CDATA");
	T_REFUSED("comment-in-root", "<a><!-- c --><b>x</b></a>", "comment");
	T_REFUSED("comment-before-root", "<!-- c --><a>x</a>", "comment");
	T_REFUSED("comment-after-root", "<a>x</a><!-- c -->", "comment");
	T_REFUSED("pi-inside-root", "<a><?pi x?><b>y</b></a>",
	    "processing instruction");
	T_REFUSED("pi-unterminated", "<?xml version=\"1.0\"", NULL);
	T_REFUSED("mismatched", "<a><b>x</a></b>", "mismatched");
	T_REFUSED("mismatched-prefix", "<a><b>x</bb></a>", "mismatched");
	T_REFUSED("mismatched-shorter", "<a><bb>x</b></a>", "mismatched");
	T_REFUSED("close-without-open", "</a>", NULL);
	T_REFUSED("unclosed-root", "<a><b>x</b>", "truncated");
	T_REFUSED("text-before-root", "x<a>y</a>", "text outside");
	T_REFUSED("text-after-root", "<a>y</a>x", "text outside");
	T_REFUSED("second-root", "<a>y</a><b>z</b>", "second root");
	T_REFUSED("empty", "", "truncated");
	T_REFUSED("whitespace-only", " \n ", "truncated");
	T_REFUSED("prolog-only", "<?xml version=\"1.0\"?>", "truncated");
	T_REFUSED("bom-only", "\xef\xbb\xbf", "truncated");
	T_REFUSED("nameless-tag", "<a>< b>x</ b></a>", "without a name");
	T_REFUSED("lt-in-tag", "<a <b>x</b></a>", "'<' inside a tag");
	T_REFUSED("unterminated-attr", "<a x=\"1>y</a>", "attribute");
	T_REFUSED("lone-lt", "<a>x<", "truncated");
	T_REFUSED("nul-in-text", "<a>AS\0IA</a>", "NUL");
	T_REFUSED("nul-before-root", "\0<a>x</a>", NULL);
	T_REFUSED("nul-in-tag", "<a\0>x</a>", NULL);
	T_REFUSED("nul-in-attribute", "<a x=\"\0\">x</a>", NULL);
	T_REFUSED("html", "<!doctype html>\n<html><head><title>Wi-Fi login"
	    "</title></head><body><p>Please sign in.</p></body></html>", NULL);
	T_REFUSED("html-no-doctype", "<html><body><p>Sign in<br></p></body>"
	    "</html>", "mismatched");
	T_REFUSED("json", "{\"Credentials\": {}}", "text outside");
}

/* ------------------------------------------------------------------------
 * Truncation at every byte offset of a valid document
 * ------------------------------------------------------------------------ */

static void
t_truncated_doc(const char *name, const char *doc, size_t len)
{
	struct xml_doc d;
	struct ar_err err;
	size_t cut, bad = 0, first = 0, accepted_early = 0;
	char n[128], why[256];

	/*
	 * Every proper prefix must fail, with two exceptions a prefix cannot
	 * avoid: the complete document followed by part of its trailing
	 * whitespace.
	 */
	size_t end = len;

	while (end > 0 && isspace((unsigned char)doc[end - 1]))
		end--;
	for (cut = 0; cut < len; cut++) {
		int rc = t_parse(doc, cut, &d, &err);

		if (rc == 0) {
			xml_free(&d);
			if (cut < end) {
				if (accepted_early++ == 0)
					first = cut;
			}
			continue;
		}
		if (err.msg[0] == '\0' || d.n != NULL || d.count != 0) {
			if (bad++ == 0)
				first = cut;
		}
	}
	snprintf(n, sizeof(n), "truncated/%s-every-offset", name);
	if (accepted_early) {
		snprintf(why, sizeof(why), "%zu prefixes accepted, the first "
		    "%zu bytes long", accepted_early, first);
		unit_bad(n, "a truncated document was accepted", "none", why);
	} else if (bad) {
		snprintf(why, sizeof(why), "%zu unclean failures, the first at "
		    "%zu bytes", bad, first);
		unit_bad(n, "failure without message or with a non-empty doc",
		    "none", why);
	} else {
		unit_ok(n);
	}
	/* the whole document still parses (the control) */
	snprintf(n, sizeof(n), "truncated/%s-control", name);
	if (t_parse(doc, len, &d, &err) != 0)
		unit_bad(n, "the whole document", "0", err.msg);
	else
		unit_ok(n), xml_free(&d);
}

static void
t_truncated(void)
{
	t_truncated_doc("assume-role", t_assume_role, sizeof(t_assume_role) - 1);
	t_truncated_doc("assume-role-odd", t_assume_role_odd,
	    sizeof(t_assume_role_odd) - 1);
	t_truncated_doc("entities", "<?xml version=\"1.0\"?><a><b>&amp;&#x41;"
	    "&#65;</b><c x=\"1\"/></a>", strlen("<?xml version=\"1.0\"?><a>"
	    "<b>&amp;&#x41;&#65;</b><c x=\"1\"/></a>"));
}

/* ------------------------------------------------------------------------
 * Limits: depth and node count
 * ------------------------------------------------------------------------ */

static void
t_nest(struct ar_buf *b, int depth)
{
	int i;

	b->len = 0;
	for (i = 0; i < depth; i++)
		buf_addf(b, "<e%d>", i);
	buf_adds(b, "x");
	for (i = depth - 1; i >= 0; i--)
		buf_addf(b, "</e%d>", i);
}

static void
t_leaves(struct ar_buf *b, int n)
{
	int i;

	b->len = 0;
	buf_adds(b, "<r>");
	for (i = 0; i < n; i++)
		buf_addf(b, "<l%d>v</l%d>", i, i);
	buf_adds(b, "</r>");
}

static void
t_limits(void)
{
	struct ar_buf b = { 0 };
	struct xml_doc d;
	struct ar_err err;
	char want[32];

	t_nest(&b, AR_XML_MAX_DEPTH);
	if (t_parse(b.p, b.len, &d, &err) != 0) {
		unit_bad("limit/depth-at-limit", "xml_parse", "0", err.msg);
	} else {
		if (d.count == 1 && strcmp(d.n[0].text, "x") == 0)
			unit_ok("limit/depth-at-limit");
		else
			unit_bad("limit/depth-at-limit", "one leaf x", "x",
			    d.count ? d.n[0].text : "(none)");
		xml_free(&d);
	}
	t_nest(&b, AR_XML_MAX_DEPTH + 1);
	t_refused_one("depth-over-limit", b.p, b.len, "nesting deeper");
	t_nest(&b, 5000);
	t_refused_one("depth-5000", b.p, b.len, "nesting deeper");

	t_leaves(&b, AR_XML_MAX_NODES);
	if (t_parse(b.p, b.len, &d, &err) != 0) {
		unit_bad("limit/nodes-at-limit", "xml_parse", "0", err.msg);
	} else {
		snprintf(want, sizeof(want), "%d", AR_XML_MAX_NODES);
		if (d.count == AR_XML_MAX_NODES &&
		    xml_get(&d, "r/l255") != NULL)
			unit_ok("limit/nodes-at-limit");
		else
			unit_bad("limit/nodes-at-limit", "leaves", want,
			    "other");
		xml_free(&d);
	}
	t_leaves(&b, AR_XML_MAX_NODES + 1);
	t_refused_one("nodes-over-limit", b.p, b.len, "more elements");
	t_leaves(&b, 100000);
	t_refused_one("nodes-100000", b.p, b.len, "more elements");

	/* a large text (within what HTTP lets through) is kept whole */
	b.len = 0;
	buf_adds(&b, "<a>");
	while (b.len < 200000)
		buf_adds(&b, "0123456789abcdef");
	buf_adds(&b, "</a>");
	if (t_parse(b.p, b.len, &d, &err) != 0) {
		unit_bad("limit/large-text", "xml_parse", "0", err.msg);
	} else {
		if (xml_get(&d, "a") && strlen(xml_get(&d, "a")) == b.len - 7)
			unit_ok("limit/large-text");
		else
			unit_bad("limit/large-text", "length", "b.len - 7",
			    "other");
		xml_free(&d);
	}
	buf_free(&b);
}

/* ------------------------------------------------------------------------
 * sts_take_creds
 * ------------------------------------------------------------------------ */

/* An AssumeRole answer with `cred` as the Credentials element's content. */
static int
t_creds_from(const char *cred, struct creds *c, struct ar_err *err)
{
	struct ar_buf b = { 0 };
	struct xml_doc d;
	int rc;

	buf_addf(&b, "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser>"
	    "<Arn>arn:aws:sts::111111111111:assumed-role/RoleA/s</Arn>"
	    "<AssumedRoleId>AROAX:s</AssumedRoleId></AssumedRoleUser>"
	    "<Credentials>%s</Credentials></AssumeRoleResult>"
	    "</AssumeRoleResponse>", cred);
	memset(c, 0, sizeof(*c));
	if (t_parse(b.p, b.len, &d, err) != 0) {
		buf_free(&b);
		return -2;
	}
	buf_free(&b);
	rc = sts_take_creds(&d, "AssumeRole", c, err);
	xml_free(&d);
	return rc;
}

#define T_AK "<AccessKeyId>ASIAX</AccessKeyId>"
#define T_SK "<SecretAccessKey>sek</SecretAccessKey>"
#define T_ST "<SessionToken>tok</SessionToken>"
#define T_EX "<Expiration>" T_EXP_FUTURE "</Expiration>"

static void
t_take_ok(const char *name, const char *cred, time_t want_exp)
{
	struct creds c;
	struct ar_err err;
	char n[128], w[64], g[64];
	int rc = t_creds_from(cred, &c, &err);

	snprintf(n, sizeof(n), "take-creds/%s", name);
	if (rc != 0) {
		unit_bad(n, "sts_take_creds", "0", err.msg);
	} else if (strcmp(c.akid, "ASIAX") || strcmp(c.secret, "sek") ||
	    strcmp(c.token, "tok") || !c.arn || !c.account ||
	    strcmp(c.account, "111111111111") || !c.role_id ||
	    strcmp(c.role_id, "AROAX:s")) {
		unit_bad(n, "fields", "ASIAX sek tok 111111111111 AROAX:s",
		    c.akid);
	} else if (c.expires != want_exp) {
		snprintf(w, sizeof(w), "%lld", (long long)want_exp);
		snprintf(g, sizeof(g), "%lld", (long long)c.expires);
		unit_bad(n, "expires", w, g);
	} else {
		unit_ok(n);
	}
	creds_clear(&c);
}

static void
t_take_bad(const char *name, const char *cred, const char *msg_has)
{
	struct creds c;
	struct ar_err err;
	char n[128];
	int rc = t_creds_from(cred, &c, &err);

	snprintf(n, sizeof(n), "take-creds-refused/%s", name);
	if (rc == -2)
		unit_bad(n, "the test document did not parse", "parse",
		    err.msg);
	else if (rc == 0)
		unit_bad(n, "sts_take_creds accepted it", "-1", c.akid);
	else if (err.status != AR_EAWS || strstr(err.msg, msg_has) == NULL)
		unit_bad(n, "the error (status 5)", msg_has, err.msg);
	else if (c.akid != NULL || c.secret != NULL || c.token != NULL)
		unit_bad(n, "creds after a failure", "empty", "filled");
	else
		unit_ok(n);
	creds_clear(&c);
}

static void
t_take_creds(void)
{
	char past[64], soon[64], cred[512];
	time_t exp, now = now_s();

	struct tm tm;
	char f1[600], f2[600], f3[600], f4[600], f5[600], base[32];

	/* A session an hour from now, written in each form STS and the CLI use. */
	exp = now + 3600;
	gmtime_r(&exp, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(f1, sizeof(f1), T_AK T_SK T_ST "<Expiration>%sZ</Expiration>",
	    base);
	snprintf(f2, sizeof(f2), "<Expiration>%sZ</Expiration>" T_ST T_AK T_SK,
	    base);
	snprintf(f3, sizeof(f3), T_AK T_SK T_ST
	    "<Expiration>%s.646586Z</Expiration>", base);
	snprintf(f4, sizeof(f4), T_AK T_SK T_ST
	    "<Expiration>%s+00:00</Expiration>", base);
	t_take_ok("plain", f1, exp);
	t_take_ok("any-order", f2, exp);
	t_take_ok("fractional", f3, exp);
	t_take_ok("plus-offset", f4, exp);
	{
		time_t local = exp + 9 * 3600;

		gmtime_r(&local, &tm);
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(f5, sizeof(f5), T_AK T_SK T_ST
		    "<Expiration>%s+09:00</Expiration>", base);
		t_take_ok("other-offset", f5, exp);
	}
	/* No STS session lasts beyond 12 hours: a year-2099 expiry is refused. */
	t_take_bad("too-far-in-future", T_AK T_SK T_ST T_EX, "further away");
	t_take_bad("missing-akid", T_SK T_ST T_EX, "AccessKeyId");
	t_take_bad("missing-secret", T_AK T_ST T_EX, "SecretAccessKey");
	t_take_bad("missing-token", T_AK T_SK T_EX, "SessionToken");
	t_take_bad("missing-expiration", T_AK T_SK T_ST, "Expiration");
	t_take_bad("empty-akid", "<AccessKeyId></AccessKeyId>" T_SK T_ST T_EX,
	    "AccessKeyId");
	t_take_bad("empty-secret", T_AK "<SecretAccessKey/>" T_ST T_EX,
	    "SecretAccessKey");
	t_take_bad("no-credentials", "", "AccessKeyId");
	t_take_bad("unreadable-expiration", T_AK T_SK T_ST
	    "<Expiration>tomorrow</Expiration>", "Expiration");
	t_take_bad("expiration-no-zone", T_AK T_SK T_ST
	    "<Expiration>2099-11-28T14:28:22</Expiration>", "Expiration");
	t_take_bad("expiration-bad-month", T_AK T_SK T_ST
	    "<Expiration>2099-13-28T14:28:22Z</Expiration>", "Expiration");
	iso8601_format(now - 60, past, sizeof(past));
	snprintf(cred, sizeof(cred), T_AK T_SK T_ST
	    "<Expiration>%s</Expiration>", past);
	t_take_bad("past-expiration", cred, "expired");
	iso8601_format(now, soon, sizeof(soon));
	snprintf(cred, sizeof(cred), T_AK T_SK T_ST
	    "<Expiration>%s</Expiration>", soon);
	t_take_bad("expiration-now", cred, "expired");
	t_take_bad("past-fractional", T_AK T_SK T_ST
	    "<Expiration>2020-01-01T00:00:00.999999Z</Expiration>", "expired");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_valid();
	t_entities();
	t_refused();
	t_truncated();
	t_limits();
	t_take_creds();
	return unit_done();
}
