/*
 * fuzz_sigv4.c -- libFuzzer target for sigv4_sign (section 4) with
 * arbitrary methods, paths, queries, headers and bodies.
 *
 * Input layout:
 *   byte 0         bit 0: normalize_path; bits 1..7: number of headers H
 *   then, each ended by a NUL byte (a missing field is ""):
 *                  METHOD, PATH, QUERY, then H times NAME and VALUE
 *   the rest       the body, raw (may hold NUL bytes)
 * Region, service, date and keys are fixed (the suite's example values).
 *
 * Checked on success: the canonical request has one line per distinct
 * signed header plus five (method, path, query, blank, signed headers) --
 * so no input can add or hide a line, S3-style raw paths included -- the
 * signature is 64 lower-case hex digits, and the Authorization value names
 * the signed headers.
 *
 *   make fuzz-build && build/fuzz/fuzz_sigv4 tests/fuzz/corpus/fuzz_sigv4
 */
#define AWSROLE_NO_MAIN
#include "../../awsrole.c"

#define FZ_MAX_HDRS 127

/* The next NUL-ended field at *p (before end), or "" when there is none.
 * Fields are copied so that ASan sees any read past their end. */
static char *
fz_field(const char **p, const char *end)
{
	const char *nul;
	char *s;

	if (*p >= end || (nul = memchr(*p, '\0', (size_t)(end - *p))) == NULL)
		return xstrdup("");
	s = xstrndup(*p, (size_t)(nul - *p));
	*p = nul + 1;
	return s;
}

static size_t
fz_count(const char *s, char c)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == c;
	return n;
}

static void
fz_check(const struct sigv4_output *o)
{
	size_t i, nsig = fz_count(o->signed_headers, ';') + 1;

	if (fz_count(o->canonical_request, '\n') != 5 + nsig) {
		fprintf(stderr, "canonical request has %zu lines for %zu "
		    "signed headers:\n%s\n", fz_count(o->canonical_request,
		    '\n') + 1, nsig, o->canonical_request);
		__builtin_trap();
	}
	for (i = 0; i < 64; i++)
		if (!isdigit((unsigned char)o->signature[i]) &&
		    (o->signature[i] < 'a' || o->signature[i] > 'f'))
			__builtin_trap();
	if (o->signature[64] != '\0' ||
	    strstr(o->authorization, o->signed_headers) == NULL)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct sigv4_header hdr[FZ_MAX_HDRS];
	struct sigv4_input in;
	struct sigv4_output out;
	struct ar_err err;
	char *method, *path, *query, *f[2 * FZ_MAX_HDRS], *body;
	size_t nh, i, nbody;

	if (size == 0)
		return 0;
	memset(&in, 0, sizeof(in));
	memset(&err, 0, sizeof(err));
	in.normalize_path = data[0] & 1;
	nh = data[0] >> 1;
	p++;
	method = fz_field(&p, end);
	path = fz_field(&p, end);
	query = fz_field(&p, end);
	for (i = 0; i < 2 * nh; i++)
		f[i] = fz_field(&p, end);
	for (i = 0; i < nh; i++) {
		hdr[i].name = f[2 * i];
		hdr[i].value = f[2 * i + 1];
	}
	nbody = (size_t)(end - p);
	body = xmalloc(nbody + 1);
	memcpy(body, p, nbody);

	in.method = method;
	in.path = path;
	in.query = query;
	in.headers = hdr;
	in.nheaders = nh;
	in.body = body;
	in.body_len = nbody;
	in.region = "us-east-1";
	in.service = "service";
	in.amz_date = "20150830T123600Z";
	in.access_key = "AKIDEXAMPLE";
	in.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	if (sigv4_sign(&in, &out, &err) == 0)
		fz_check(&out);
	sigv4_output_free(&out);

	for (i = 0; i < 2 * nh; i++)
		free(f[i]);
	free(method);
	free(path);
	free(query);
	free(body);
	return 0;
}
