/*
 * awsrole -- switch between AWS accounts safely, from one static binary.
 *
 * WHAT IT IS
 *   awsrole reads the user's existing ~/.aws/config and ~/.aws/credentials
 *   exactly as the AWS CLI does, asks for an MFA code on the terminal, calls
 *   STS AssumeRole (SigV4 over verified TLS), caches the temporary
 *   credentials in the AWS CLI's own cache (~/.aws/cli/cache), and hands them
 *   to a command (exec), a shell (env), an SDK (credential-process) or an
 *   agent in another terminal.  See README for the commands.
 *
 * BUILD
 *   make            static musl binary, BearSSL + libcurl + cJSON from vendor/
 *   make test       ./test.sh
 *   Unit tests compile this file with -DAWSROLE_NO_MAIN and call the static
 *   functions directly (tests/unit_*.c).
 *
 * SECURITY MODEL
 *   - TLS verification is always on; the five Amazon Trust Services roots
 *     are compiled in, AWS_CA_BUNDLE / ca_bundle replace them.
 *   - Secrets (keys, session tokens, MFA codes, SigV4 key chain) live in
 *     known buffers and are wiped with explicit_bzero on every path.  They
 *     never reach argv, logs, or any environment but exec's child.
 *   - Core dumps are disabled at start (RLIMIT_CORE 0, PR_SET_DUMPABLE 0).
 *   - Cache files are 0600 in a 0700 directory, opened with O_NOFOLLOW,
 *     checked for owner and mode, replaced atomically (temp + fsync +
 *     rename), and serialised between processes with flock.
 *   - With no terminal and no valid session awsrole never waits for input:
 *     it exits at once and names the command the human should run.
 *
 * CONTENTS (sections in dependency order; nothing calls a later section)
 *   1. Utilities and secure memory
 *   2. INI reader
 *   3. Profiles
 *   4. SigV4
 *   5. Child processes
 *   6. HTTP transport (libcurl + BearSSL)
 *   7. XML reader (STS responses)
 *   8. STS client
 *   9. Credential sources (static, environment, process, IMDS, ECS)
 *  10. Credential cache (the AWS CLI's format and location)
 *  11. MFA codes
 *  12. Profile resolution
 *  13. Output formats (shell quoting, JSON)
 *  14. Commands
 *  15. Doctor
 *  16. Status, prompt and version
 *  17. main
 *
 * The layering is checked by `make check-layers` (tests/check_layers.py):
 * no call into a later section, each banner's "Calls:" line exact, a
 * contract comment on every function, none longer than 60 lines.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <bearssl.h>
#include <curl/curl.h>
#include "cJSON.h"

#define AR_PRIVATE static
#include "awsrole.h"

/* ========================================================================
 * 1. Utilities and secure memory
 *
 * Owns: the error struct helpers, allocation, wiping, growable buffers,
 * the process environment, -v tracing, time parsing and formatting, file
 * reading, and the text and encoding helpers every reader below shares
 * (hex, UTF-8, shlex.split, JSON members, ARNs).
 *
 * Calls: none (libc, and cJSON for the JSON helpers)
 * ======================================================================== */

/* Format into dst (cap >= 4 bytes); a text that does not fit is cut and ends
 * in "...".  Always returns -1. */
static int
ar_vset(char *dst, size_t cap, const char *fmt, va_list ap)
{
	int n = vsnprintf(dst, cap, fmt, ap);

	if (n < 0 || (size_t)n >= cap) /* keep what fits; mark the cut */
		memcpy(dst + cap - 4, "...", 4);
	return -1;
}

static int
ar_fail(struct ar_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->fix[0] = '\0';
	e->sys = 0;
	va_start(ap, fmt);
	ar_vset(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
ar_fix(struct ar_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ar_vset(e->fix, sizeof(e->fix), fmt, ap);
	va_end(ap);
	return -1;
}

/* Write "out of memory" to stderr and _exit with status 1; never returns. */
static void
oom(void)
{
	static const char m[] = "awsrole: out of memory\n";

	(void)!write(2, m, sizeof(m) - 1);
	_exit(AR_EGENERAL);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

/* calloc that exits (oom) instead of returning NULL; caller frees. */
static void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		oom();
	return p;
}

/* realloc that exits (oom) instead of returning NULL; n == 0 keeps a 1-byte
 * block.  The old p is invalid afterwards. */
static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

/* A malloc'd NUL-terminated copy of the first n bytes of s (caller frees);
 * exits on out of memory. */
static char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* A malloc'd copy of s (caller frees); exits on out of memory. */
static char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static void
ar_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

static void
ar_free_secret(char *s)
{
	if (s == NULL)
		return;
	ar_wipe(s, strlen(s));
	free(s);
}

/*
 * Allocators for libcurl (curl_global_init_mem) and cJSON (cJSON_InitHooks)
 * that wipe each block, whole (malloc_usable_size), before it is freed or
 * moved: curl's receive and send buffers and BearSSL's record buffers (in
 * the TLS backend struct curl allocates) hold decrypted responses and
 * signed requests, cJSON's print buffers hold credentials.  With these
 * hooks cJSON no longer uses realloc (it mallocs, copies and frees).
 */
static void
ar_w_free(void *p)
{
	if (p != NULL) {
		explicit_bzero(p, malloc_usable_size(p));
		free(p);
	}
}

/* malloc, for the hooks above; the block is freed with ar_w_free. */
static void *
ar_w_malloc(size_t n)
{
	return malloc(n);
}

/* calloc, for the hooks above; the block is freed with ar_w_free. */
static void *
ar_w_calloc(size_t n, size_t m)
{
	return calloc(n, m);
}

/* strdup, for the hooks above; the copy is freed with ar_w_free. */
static char *
ar_w_strdup(const char *s)
{
	return strdup(s);
}

/* realloc that never leaves the old contents behind: a block that must
 * grow is copied to a new one and the old one wiped (ar_w_free). */
static void *
ar_w_realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		ar_w_free(p);
		return NULL;
	}
	old = malloc_usable_size(p);
	if (n <= old)
		return p;
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, old);
	ar_w_free(p);
	return q;
}

/* Free every field of c (malloc'd or NULL), wiping the secret key and token,
 * and zero c so it can be reused. */
static void
creds_clear(struct creds *c)
{
	free(c->akid);
	ar_free_secret(c->secret);
	ar_free_secret(c->token);
	free(c->arn);
	free(c->role_id);
	free(c->account);
	memset(c, 0, sizeof(*c));
}

/* A deep copy of c into *out (clear both with creds_clear). */
static void
creds_copy(const struct creds *c, struct creds *out)
{
	*out = *c;
	out->akid = c->akid ? xstrdup(c->akid) : NULL;
	out->secret = c->secret ? xstrdup(c->secret) : NULL;
	out->token = c->token ? xstrdup(c->token) : NULL;
	out->arn = c->arn ? xstrdup(c->arn) : NULL;
	out->role_id = c->role_id ? xstrdup(c->role_id) : NULL;
	out->account = c->account ? xstrdup(c->account) : NULL;
}

/* Make room for need bytes and a NUL (capacity doubles from 64); a secret
 * buffer moves to a new block and the old one is wiped.  Exits on overflow. */
static void
buf_grow(struct ar_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 64;
	char *p;

	if (need < b->len)
		oom(); /* size_t overflow */
	if (need + 1 <= b->cap)
		return;
	while (cap < need + 1)
		cap *= 2;
	if (!b->secret) {
		b->p = xrealloc(b->p, cap);
	} else {
		p = xmalloc(cap);
		if (b->p != NULL) {
			memcpy(p, b->p, b->len + 1);
			ar_wipe(b->p, b->cap);
			free(b->p);
		}
		b->p = p;
	}
	b->cap = cap;
}

/* Append n bytes of data to b, keeping it NUL-terminated; exits on no
 * memory. */
static void
buf_add(struct ar_buf *b, const void *data, size_t n)
{
	buf_grow(b, b->len + n);
	if (n > 0)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append the string s (without its NUL) to b. */
static void
buf_adds(struct ar_buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append printf-formatted text to b; exits on out of memory. */
static void
buf_addf(struct ar_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	buf_grow(b, b->len + (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Free b's storage, wiping it first when b->secret; b is left empty (its
 * secret flag kept) and can be reused. */
static void
buf_free(struct ar_buf *b)
{
	if (b->p != NULL && b->secret)
		ar_wipe(b->p, b->cap);
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Take the buffer's storage; the buffer is left empty. */
static char *
buf_take(struct ar_buf *b)
{
	char *p;

	if (b->p == NULL)
		buf_add(b, "", 0);
	p = b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

/* 1 when a and b are both non-NULL and equal, else 0. */
static int
str_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* 1 when s starts with prefix, else 0; neither may be NULL. */
static int
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* 1 when n > 0 and the n bytes at s are all ASCII digits, else 0. */
static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* One token of printable ASCII without spaces: secrets, tokens, request paths. */
static int
printable_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Parse a decimal integer in [lo, hi]; the whole string must be digits. */
static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || !all_digits(s, strlen(s)))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The value of environment variable name, or NULL when it is unset or empty;
 * points into the environment. */
static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return (v != NULL && *v != '\0') ? v : NULL;
}

/* A number of seconds (0-86400) from variable `name`, else dflt. */
static int
env_seconds(const char *name, long dflt, long *out, struct ar_err *err)
{
	const char *v = env_nonempty(name);

	*out = dflt;
	if (v != NULL && parse_long(v, 0, 86400, out) == -1)
		return ar_fail(err, AR_ECONFIG, "%s=\"%s\" is not a number of "
		    "seconds (0-86400)", name, v);
	return 0;
}

/* The profile the environment names, in botocore's order: AWS_DEFAULT_PROFILE,
 * then AWS_PROFILE; NULL when neither is set (or both are empty). */
static const char *
env_profile(void)
{
	const char *p = env_nonempty("AWS_DEFAULT_PROFILE");

	return p != NULL ? p : env_nonempty("AWS_PROFILE");
}

/* One -v line on stderr, "awsrole: " and the text, when `on`.  The only
 * output below the command layer; callers never pass a secret. */
static void
ar_trace(int on, const char *fmt, ...)
{
	va_list ap;

	if (!on)
		return;
	fputs("awsrole: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The wall-clock time in seconds, for expiry times. */
static time_t
now_s(void)
{
	return time(NULL);
}

/* Milliseconds on the monotonic clock (not a wall time), for timeouts. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep ms (>= 0) milliseconds, resuming after a signal. */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Read exactly n digits at *p into *v. */
static int
take_digits(const char **p, int n, int *v)
{
	int i, r = 0;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		r = r * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = r;
	return 0;
}

/*
 * ISO 8601 as STS, IMDS and the CLI's cache write it:
 * YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM|+HHMM).  Returns 0 and the
 * UTC time, or -1.
 */
static int
iso8601_parse(const char *s, time_t *out)
{
	struct tm tm, check;
	time_t t;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || take_digits(&p, 4, &y) || *p++ != '-' ||
	    take_digits(&p, 2, &mo) || *p++ != '-' || take_digits(&p, 2, &d) ||
	    (*p != 'T' && *p != 't' && *p != ' ') || !*p++ ||
	    take_digits(&p, 2, &h) || *p++ != ':' || take_digits(&p, 2, &mi) ||
	    *p++ != ':' || take_digits(&p, 2, &sec))
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (strcmp(p, "UTC") == 0) { /* botocore's JSONFileCache %Z */
		p += 3;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (take_digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (take_digits(&p, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || oh > 23 || om > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	gmtime_r(&t, &check);
	if (check.tm_mday != d || check.tm_mon != mo - 1) /* 2026-02-30 */
		return -1;
	*out = t - sign * (oh * 3600 + om * 60);
	return 0;
}

/* "2026-11-28T14:28:22Z" into out (at least 21 bytes). */
static void
iso8601_format(time_t t, char *out, size_t cap)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0 && cap > 0)
		out[0] = '\0';
}

/* "1h02m", "13m", "45s", or "expired". */
static void
format_remaining(long secs, char *out, size_t cap)
{
	if (secs <= 0)
		snprintf(out, cap, "expired");
	else if (secs >= 3600)
		snprintf(out, cap, "%ldh%02ldm", secs / 3600, secs % 3600 / 60);
	else if (secs >= 60)
		snprintf(out, cap, "%ldm", secs / 60);
	else
		snprintf(out, cap, "%lds", secs);
}

/* Read fd to its end into out, refusing more than max bytes. */
static int
read_fd(int fd, const char *path, size_t max, int status, struct ar_buf *out,
    struct ar_err *err)
{
	char chunk[8192];
	ssize_t n;
	int rc = -1;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ar_fail(err, status, "cannot read %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			ar_fail(err, status, "%s is larger than the limit of "
			    "%zu bytes", path, max);
			goto out;
		}
		buf_add(out, chunk, (size_t)n);
	}
	if (out->p == NULL)
		buf_add(out, "", 0);
	rc = 0;
out:
	ar_wipe(chunk, sizeof(chunk));
	return rc;
}

/* What a non-regular file is, for a message: "a FIFO", "a directory"... */
static const char *
file_kind(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" :
	    S_ISDIR(m) ? "a directory" : S_ISSOCK(m) ? "a socket" :
	    S_ISBLK(m) ? "a block device" : "not a file";
}

/*
 * Read a whole regular file (symlinks followed), refusing more than max
 * bytes.  The open does not block (a FIFO), the type and size are checked
 * by fstat before any read.  Errors carry `status` (the caller knows
 * whether this is a config or a cache problem).
 */
static int
read_file(const char *path, size_t max, int secret, int status,
    struct ar_buf *out, struct ar_err *err)
{
	struct stat st;
	int fd, rc = -1;

	out->secret = secret;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1)
		return ar_fail(err, status, "cannot read %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1)
		ar_fail(err, status, "cannot read %s: %s", path,
		    strerror(errno));
	else if (!S_ISREG(st.st_mode))
		ar_fail(err, status, "%s is not a regular file (%s); refusing "
		    "to read it", path, file_kind(st.st_mode));
	else if (st.st_size > (off_t)max)
		ar_fail(err, status, "%s is larger than the limit of %zu "
		    "bytes", path, max);
	else
		rc = read_fd(fd, path, max, status, out, err);
	close(fd);
	return rc;
}

/* Wipe the value strings of a cJSON list and its children (no freeing). */
static void
json_wipe_strings(cJSON *j)
{
	for (; j != NULL; j = j->next) {
		if (j->valuestring != NULL)
			ar_wipe(j->valuestring, strlen(j->valuestring));
		json_wipe_strings(j->child);
	}
}

/* Wipe every value of a cJSON tree (it may hold secrets), then free it. */
static void
json_delete_wiped(cJSON *j)
{
	if (j == NULL)
		return;
	if (j->valuestring != NULL)
		ar_wipe(j->valuestring, strlen(j->valuestring));
	json_wipe_strings(j->child);
	cJSON_Delete(j);
}

/* ------------------------------------------------------------------------
 * Text and encoding: hex digits, UTF-8, trimming, JSON members, ARNs, and
 * shlex.split.  Shared by the readers of every file format below.
 * ------------------------------------------------------------------------ */

/* The value 0-15 of the hex digit c (either case), or -1. */
static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One UTF-8 sequence at p (n bytes left): its code point, or -1 for
 * anything Python's decoder would refuse (truncated, overlong, surrogate,
 * above U+10FFFF). */
static long
utf8_decode(const unsigned char *p, size_t left, int *len)
{
	static const long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	long c;
	int n, i;

	n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ?
	    3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0 || (size_t)n > left)
		return -1;
	c = n == 1 ? *p : *p & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*len = n;
	return c;
}

/* Append code point c to b as UTF-8 (1 to 4 bytes); the caller has checked
 * that c is a valid code point. */
static void
utf8_put(struct ar_buf *b, unsigned long c)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	buf_add(b, u, n);
}

/* Offset of the first byte that is not valid UTF-8 (as Python's strict
 * decoder sees it: no overlongs, surrogates or values past U+10FFFF), or
 * is a NUL (valid, but no C string holds it). */
static size_t
utf8_valid_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;
	int k;

	while (i < n) {
		if (s[i] != 0 && s[i] < 0x80) { /* the common case, inline */
			i++;
			continue;
		}
		if (s[i] == 0 || utf8_decode(s + i, n - i, &k) == -1)
			return i;
		i += (size_t)k;
	}
	return n;
}

/* Drop trailing white space from b, keeping it NUL-terminated. */
static void
trim_right(struct ar_buf *b)
{
	while (b->len > 0 && isspace((unsigned char)b->p[b->len - 1]))
		b->p[--b->len] = '\0';
}

/* The non-empty string member key of object o, or NULL; points into o. */
static const char *
json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* The account id in an ARN (arn:aws:sts::123456789012:...), or NULL. */
static char *
arn_account(const char *arn)
{
	const char *p = arn;
	int i;

	for (i = 0; i < 4 && p != NULL; i++)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	if (p == NULL || strlen(p) < 13 || !all_digits(p, 12) || p[12] != ':')
		return NULL;
	return xstrndup(p, 12);
}

/* ------------------------------------------------------------------------
 * shlex.split (POSIX mode, no comments), as botocore uses it on section
 * headers and as credential_process commands are split.  Whitespace is
 * space, \t, \r and \n.  Outside quotes a backslash takes the next
 * character literally; inside "..." it does so only before '"' or '\',
 * and is kept otherwise; inside '...' it is literal.  "" and '' give an
 * empty word.
 * ------------------------------------------------------------------------ */

/* 1 when c separates shlex words (space, tab, CR, LF), else 0. */
static int
shlex_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Append a malloc'd copy of tok to the NULL-terminated vector *v of *n words,
 * then wipe and empty tok. */
static void
shlex_emit(struct ar_buf *tok, char ***v, size_t *n)
{
	*v = xrealloc(*v, (*n + 2) * sizeof **v);
	(*v)[(*n)++] = xstrndup(tok->len ? tok->p : "", tok->len);
	(*v)[*n] = NULL;
	if (tok->len > 0)
		ar_wipe(tok->p, tok->len);
	tok->len = 0;
}

/* One character c (0 at the end) in state *st; a word is done when
 * *emit is set.  Returns -1 on an unclosed quote or trailing '\'. */
static int
shlex_step(char c, char *st, char *esc, int *quoted, struct ar_buf *tok,
    int *emit)
{
	switch (*st) {
	case '\'':
	case '"':
		*quoted = 1;
		if (c == '\0')
			return -1;
		if (c == *st)
			*st = 'a';
		else if (c == '\\' && *st == '"')
			*esc = *st, *st = '\\';
		else
			buf_add(tok, &c, 1);
		return 0;
	case '\\':
		if (c == '\0')
			return -1;
		if (*esc != 'a' && c != '\\' && c != *esc)
			buf_add(tok, "\\", 1);
		buf_add(tok, &c, 1);
		*st = *esc;
		return 0;
	}
	if (c == '\0' || shlex_space(c)) {
		*emit = *st == 'a' && (tok->len > 0 || *quoted);
		*st = ' ';
	} else if (c == '\'' || c == '"')
		*st = c;
	else if (c == '\\')
		*esc = 'a', *st = '\\';
	else {
		buf_add(tok, &c, 1);
		*st = 'a';
	}
	return 0;
}

static int
ar_shlex_split(const char *s, char ***argv, size_t *argc, struct ar_err *err)
{
	struct ar_buf tok;
	char **v = NULL, st = ' ', esc = 'a';
	size_t n = 0;
	int quoted = 0, emit, rc = 0;

	memset(&tok, 0, sizeof tok);
	tok.secret = 1;
	for (;; s++) {
		emit = 0;
		if (shlex_step(*s, &st, &esc, &quoted, &tok, &emit) == -1) {
			rc = ar_fail(err, AR_ECONFIG, "%s", st == '\\' ?
			    "a backslash at the end of a command line" :
			    "a quotation mark is not closed");
			break;
		}
		if (emit) {
			shlex_emit(&tok, &v, &n);
			quoted = 0;
		}
		if (*s == '\0')
			break;
	}
	buf_free(&tok);
	if (rc == 0 && v == NULL)
		v = xcalloc(1, sizeof *v);
	if (rc == -1) {
		ar_argv_free(v);
		v = NULL;
		n = 0;
	}
	*argv = v;
	*argc = n;
	return rc;
}

/* Wipe and free each string of a NULL-terminated argv, then argv. */
static void
ar_argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		ar_free_secret(argv[i]);
	free(argv);
}

/* ========================================================================
 * 2. INI reader
 *
 * Owns: reading one config or credentials file into a struct ini_file.
 *
 * Reads ~/.aws/config and ~/.aws/credentials the way the AWS CLI does:
 * Python's configparser.RawConfigParser (strict, no valueless keys, no
 * inline comments, empty lines allowed inside values) followed by
 * botocore's configloader.raw_config_parse, which turns a value that
 * starts with a newline into a one-level nested block.  The rules, in
 * the order a line meets them:
 *
 *   - The file is UTF-8.  Invalid UTF-8 is an error, as in Python.  A
 *     leading BOM is accepted and noted (has_bom); Python would reject
 *     the file.  A NUL byte is an error; Python would keep it.
 *   - Lines end in \n, \r\n or a lone \r (Python's universal newlines).
 *   - "Whitespace" is Python's str.isspace(): ASCII \t\n\v\f\r\x1c-\x1f
 *     and space, and U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
 *     U+2029, U+202F, U+205F, U+3000.  Every strip below strips that.
 *   - A line that is blank after stripping is an empty line inside the
 *     current value (it only shows if more of the value follows).
 *   - A line whose first non-blank character is '#' or ';' is a
 *     comment, wherever it is indented.  '#' or ';' later in a line is
 *     text.
 *   - A line indented deeper than the line that started the current key
 *     continues that key's value (joined with "\n").  Indentation counts
 *     characters, not bytes.  Blank and comment lines do not end a
 *     value; only a line that is not indented deeper does.
 *   - "[" ... "]" is a section header: the name runs to the LAST ']' on
 *     the line and must not be empty; text after that ']' is ignored.
 *     [DEFAULT] may appear more than once; its keys are inherited by
 *     every other section (the profile layer applies that).  Any other
 *     section name twice in one file is an error.
 *   - Text before the first header is an error.
 *   - Otherwise the line is "key = value" or "key : value", split at
 *     the first '=' or ':'.  The key is right-stripped and lower-cased
 *     (ASCII only: Python's str.lower() also folds other scripts; no AWS
 *     setting has such a name).  An empty key, a line with no separator,
 *     and a key twice in one section are errors.
 *   - A value that is empty on its key's line and continues on indented
 *     lines is a nested block (botocore's _parse_nested): each of its
 *     lines (also split at \v \f \x1c \x1d \x1e U+0085 U+2028 U+2029,
 *     as Python's str.splitlines) is "subkey = value", split at the
 *     first '=' only, both sides stripped, the subkey kept as written;
 *     a line without '=' is an error, a repeated subkey replaces the
 *     earlier one.  Such an error in [DEFAULT] counts only if some
 *     section inherits that key, as in botocore.
 *
 * After parsing, every section's pairs are sorted by key (ties are
 * impossible: a duplicate is an error) and nested blocks by subkey.
 * Sections keep their file order.
 *
 * Limits: AR_CONFIG_MAX_BYTES, _LINE, _SECTIONS, _KEYS (also per nested
 * block); hitting one is an error naming the file and line.
 *
 * Calls: 1
 * ======================================================================== */

#define INI_NONE ((size_t)-1)

/* qsort, and bsearch, which must not see a NULL base even when n is 0.
 * Small arrays (a section's keys) get an insertion sort: qsort's set-up
 * costs more than the sort, and a config has one such array per section. */
static void
ini_qsort(void *v, size_t n, size_t size, int (*cmp)(const void *,
    const void *))
{
	unsigned char tmp[64], *a = v;
	size_t i, j;

	if (n < 2)
		return;
	if (n > 16 || size > sizeof tmp) {
		qsort(v, n, size, cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && cmp(a + (j - 1) * size, a + i * size) > 0;
		    j--)
			;
		if (j == i)
			continue;
		memcpy(tmp, a + i * size, size);
		memmove(a + (j + 1) * size, a + j * size, (i - j) * size);
		memcpy(a + j * size, tmp, size);
	}
}

/* bsearch that also takes n == 0 (v may then be NULL): the match, or NULL. */
static void *
ini_bsearch(const void *key, const void *v, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	return n > 0 ? bsearch(key, v, n, size, cmp) : NULL;
}

/* Length of the whitespace character (Python str.isspace) at s, or 0. */
static size_t
py_space(const unsigned char *s, const unsigned char *e)
{
	if (s >= e)
		return 0;
	if (s[0] < 0x80)
		return (s[0] >= 0x09 && s[0] <= 0x0d) ||
		    (s[0] >= 0x1c && s[0] <= 0x20);
	if (e - s >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (e - s < 3)
		return 0;
	if ((s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) ||	/* U+1680 */
	    (s[0] == 0xe2 && s[1] == 0x80 && (s[2] <= 0x8a ||
	    s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf)) ||
	    (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||	/* U+205F */
	    (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80))	/* U+3000 */
		return 3;
	return 0;
}

/* Length of the line break (Python str.splitlines) at s, or 0. */
static size_t
py_linebreak(const unsigned char *s, const unsigned char *e)
{
	if (s >= e)
		return 0;
	if (s[0] == '\r')
		return e - s >= 2 && s[1] == '\n' ? 2 : 1;
	if (s[0] == '\n' || s[0] == 0x0b || s[0] == 0x0c ||
	    (s[0] >= 0x1c && s[0] <= 0x1e))
		return 1;
	if (e - s >= 2 && s[0] == 0xc2 && s[1] == 0x85)
		return 2;
	if (e - s >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0xa8 || s[2] == 0xa9))
		return 3;
	return 0;
}

/* Skip leading whitespace; *ncp (if given) counts the characters. */
static const char *
py_lstrip(const char *b, const char *e, size_t *ncp)
{
	size_t k, n = 0;

	while ((k = py_space((const unsigned char *)b,
	    (const unsigned char *)e)) > 0) {
		b += k;
		n++;
	}
	if (ncp != NULL)
		*ncp = n;
	return b;
}

/* The end of b..e without its trailing whitespace.  Needs valid UTF-8. */
static const char *
py_rstrip(const char *b, const char *e)
{
	const char *c;

	while (e > b) {
		c = e - 1;
		while (c > b && ((unsigned char)*c & 0xc0) == 0x80 && e - c < 4)
			c--;
		if (py_space((const unsigned char *)c,
		    (const unsigned char *)e) != (size_t)(e - c))
			break;
		e = c;
	}
	return e;
}

/* A nested entry while its block is being read; seq keeps file order. */
struct ini_sub {
	struct ini_pair pr;
	size_t seq;
};

/* A [DEFAULT] key whose nested block failed to parse. */
struct ini_bad {
	int keyline;		/* the line of its key (pairs get sorted) */
	int line;		/* the line without '=' */
};

struct ini_parser {
	struct ini_file *f;
	struct ar_err *err;
	int line;
	size_t cur;		/* current section, or INI_NONE */
	size_t cap;		/* capacity of f->sec */
	size_t pcap;		/* capacity of the current section's pairs */
	size_t def;		/* the [DEFAULT] section, or INI_NONE */
	size_t opt;		/* the key whose value is open, or INI_NONE */
	const char *kb;		/* its name, in the input, and length */
	size_t kn;
	size_t indent;		/* indentation of the line that opened it */
	size_t blanks;		/* empty lines not yet added to the value */
	int nested, bad;	/* the value is a nested block; it failed */
	struct ar_buf val;	/* the value so far (secret) */
	struct ini_sub *sub;	/* the nested block so far */
	size_t nsub, subcap;
	struct ini_bad *bads;	/* failed [DEFAULT] blocks */
	size_t nbad;
	int errline;		/* line of the error in err, 0 if none */
};

/* The fix for an error at a line of a file; returns -1. */
static int
ini_fix(struct ar_err *e, const char *path, int line)
{
	return ar_fix(e, "edit line %d of %s", line, path);
}

/* Fail with AR_ECONFIG "PATH, line N: what" and a fix naming the line; sets
 * p->errline.  Returns -1. */
static int
ini_error(struct ini_parser *p, int line, const char *what)
{
	p->errline = line;
	ar_fail(p->err, AR_ECONFIG, "%s, line %d: %s", p->f->path, line,
	    what);
	return ini_fix(p->err, p->f->path, line);
}

/* The section being parsed; precondition: p->cur is not INI_NONE. */
static struct ini_section *
ini_cursec(struct ini_parser *p)
{
	return &p->f->sec[p->cur];
}

/* A key and its value (if v is not NULL) in one allocation: *key, then
 * *value right after its NUL.  The key is lower-cased (ASCII) if lower. */
static void
ini_kv_alloc(const char *k, size_t kn, int lower, const char *v, size_t vn,
    char **key, char **value)
{
	char *s = xmalloc(kn + 1 + (v != NULL ? vn + 1 : 0));
	size_t i;

	for (i = 0; i < kn; i++)
		s[i] = lower && k[i] >= 'A' && k[i] <= 'Z' ? k[i] + 32 : k[i];
	s[kn] = '\0';
	*key = s;
	*value = NULL;
	if (v == NULL)
		return;
	*value = s + kn + 1;
	if (vn > 0)
		memcpy(*value, v, vn);
	(*value)[vn] = '\0';
}

/* Wipe and free what ini_kv_alloc made. */
static void
ini_kv_free(char *key, char *value)
{
	if (value != NULL)
		ar_wipe(value, strlen(value));
	ar_free_secret(key);
}

/* Wipe and free the keys and values of the n pending nested pairs in s. */
static void
ini_sub_free(struct ini_sub *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ini_kv_free(s[i].pr.key, s[i].pr.value);
}

/* qsort order of pending nested pairs: by key, then input order. */
static int
ini_sub_cmp(const void *a, const void *b)
{
	const struct ini_sub *x = a, *y = b;
	int c = strcmp(x->pr.key, y->pr.key);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort the nested block by subkey, keep the last of each, hand it over. */
static void
ini_sub_finish(struct ini_parser *p, struct ini_pair *pr)
{
	size_t i, n = 0;

	ini_qsort(p->sub, p->nsub, sizeof *p->sub, ini_sub_cmp);
	pr->sub = xcalloc(p->nsub, sizeof *pr->sub);
	for (i = 0; i < p->nsub; i++) {
		if (i + 1 < p->nsub &&
		    strcmp(p->sub[i].pr.key, p->sub[i + 1].pr.key) == 0) {
			ini_sub_free(&p->sub[i], 1);
			continue;
		}
		pr->sub[n++] = p->sub[i].pr;
	}
	pr->nsub = n;
	p->nsub = 0;
}

/* Close the open value: store the key and it in their pair. */
static void
ini_end_value(struct ini_parser *p)
{
	struct ini_pair *pr;

	if (p->opt == INI_NONE)
		return;
	pr = &ini_cursec(p)->pairs[p->opt];
	ini_kv_alloc(p->kb, p->kn, 1, p->nested || p->bad ? NULL :
	    p->val.len ? p->val.p : "", p->val.len, &pr->key, &pr->value);
	if (p->bad) {
		ini_sub_free(p->sub, p->nsub);
		p->nsub = 0;
	} else if (p->nested)
		ini_sub_finish(p, pr);
	if (p->val.len > 0)
		ar_wipe(p->val.p, p->val.len);
	p->val.len = 0;
	p->opt = INI_NONE;
	p->blanks = 0;
	p->nested = p->bad = 0;
}

/* One "subkey = value" of a nested block. */
static int
ini_sub_add(struct ini_parser *p, const char *b, const char *e)
{
	const char *eq = memchr(b, '=', e - b), *ke, *vb;
	struct ini_sub *s;

	if (eq == NULL) {
		if (p->cur != p->def)
			return ini_error(p, p->line, "a line in a nested block "
			    "(a key whose value starts on the next line) "
			    "has no '='");
		p->bads = xrealloc(p->bads, (p->nbad + 1) * sizeof *p->bads);
		p->bads[p->nbad].keyline = ini_cursec(p)->pairs[p->opt].line;
		p->bads[p->nbad++].line = p->line;
		p->bad = 1;
		return 0;
	}
	if (p->nsub >= AR_CONFIG_MAX_KEYS)
		return ini_error(p, p->line, "too many keys in a nested block");
	if (p->nsub == p->subcap) {
		p->subcap = p->subcap ? 2 * p->subcap : 16;
		p->sub = xrealloc(p->sub, p->subcap * sizeof *p->sub);
	}
	s = &p->sub[p->nsub];
	memset(s, 0, sizeof *s);
	s->seq = p->nsub++;
	s->pr.line = p->line;
	ke = py_rstrip(b, eq);
	vb = py_lstrip(eq + 1, e, NULL);
	ini_kv_alloc(b, ke - b, 0, vb, e - vb, &s->pr.key, &s->pr.value);
	return 0;
}

/* A continuation line of a nested block: split like str.splitlines. */
static int
ini_nested_piece(struct ini_parser *p, const char *b, const char *e)
{
	const unsigned char *u = (const unsigned char *)b;
	const unsigned char *ue = (const unsigned char *)e, *q;
	const char *sb, *se;
	size_t k = 0;

	while (u < ue && !p->bad) {
		for (q = u; q < ue && (k = py_linebreak(q, ue)) == 0; q++)
			;
		sb = py_lstrip((const char *)u, (const char *)q, NULL);
		se = py_rstrip(sb, (const char *)q);
		if (se > sb && ini_sub_add(p, sb, se) == -1)
			return -1;
		u = q + k;
	}
	return 0;
}

/* An indented line continuing the open value. */
static int
ini_continue(struct ini_parser *p, const char *b, const char *e)
{
	if (p->bad)
		return 0;
	if (!p->nested && p->val.len == 0)
		p->nested = 1;
	if (p->nested)
		return ini_nested_piece(p, b, e);
	for (; p->blanks > 0; p->blanks--)
		buf_add(&p->val, "\n", 1);
	buf_add(&p->val, "\n", 1);
	buf_add(&p->val, b, e - b);
	return 0;
}

/* Append a section named [b, e) at the current line and make it current; the
 * name is copied (ini_free frees it). */
static void
ini_new_section(struct ini_parser *p, const char *b, const char *e)
{
	struct ini_section *s;

	if (p->f->nsec == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->f->sec = xrealloc(p->f->sec, p->cap * sizeof *p->f->sec);
	}
	s = &p->f->sec[p->f->nsec];
	memset(s, 0, sizeof *s);
	s->name = xstrndup(b, e - b);
	s->line = p->line;
	p->cur = p->f->nsec++;
}

/* "[name]": name is b..e.  [DEFAULT] sections merge into one. */
static int
ini_header(struct ini_parser *p, const char *b, const char *e)
{
	ini_end_value(p);
	if (e - b == 7 && memcmp(b, "DEFAULT", 7) == 0 &&
	    p->def != INI_NONE) {
		p->cur = p->def;
		p->pcap = ini_cursec(p)->npairs;
		return 0;
	}
	if (p->f->nsec >= AR_CONFIG_MAX_SECTIONS)
		return ini_error(p, p->line, "too many sections");
	ini_new_section(p, b, e);
	p->pcap = 0;
	if (e - b == 7 && memcmp(b, "DEFAULT", 7) == 0)
		p->def = p->cur;
	return 0;
}

/* "key = value" or "key : value" in b..e (stripped, not empty). */
static int
ini_option(struct ini_parser *p, const char *b, const char *e)
{
	struct ini_section *s = ini_cursec(p);
	struct ini_pair *pr;
	const char *d, *ke;

	for (d = b; d < e && *d != '=' && *d != ':'; d++)
		;
	if (d == e)
		return ini_error(p, p->line, "expected \"key = value\"");
	if ((ke = py_rstrip(b, d)) == b)
		return ini_error(p, p->line, "a key name is empty");
	ini_end_value(p);
	if (s->npairs >= AR_CONFIG_MAX_KEYS)
		return ini_error(p, p->line, "too many keys in one section");
	if (s->npairs == p->pcap) {
		p->pcap = p->pcap ? 2 * p->pcap : 8;
		s->pairs = xrealloc(s->pairs, p->pcap * sizeof *s->pairs);
	}
	pr = &s->pairs[s->npairs];
	memset(pr, 0, sizeof *pr);
	pr->line = p->line;
	p->kb = b;
	p->kn = ke - b;
	p->opt = s->npairs++;
	b = py_lstrip(d + 1, e, NULL);
	buf_add(&p->val, b, e - b);
	return 0;
}

/* The name of "[name] trailing text" in b..e, if it is a header. */
static int
ini_is_header(const char *b, const char *e, const char **ne)
{
	const char *c;

	if (*b != '[')
		return 0;
	for (c = e - 1; c > b + 1 && *c != ']'; c--)
		;
	if (c <= b + 1)
		return 0;
	*ne = c;
	return 1;
}

/* One line, without its line break. */
static int
ini_line(struct ini_parser *p, const char *s, size_t n)
{
	const char *b, *e, *ne;
	size_t indent;

	b = py_lstrip(s, s + n, &indent);
	e = py_rstrip(b, s + n);
	if (b == e) {
		if (p->opt != INI_NONE)
			p->blanks++;
		return 0;
	}
	if (*b == '#' || *b == ';')
		return 0;
	if (p->opt != INI_NONE && indent > p->indent)
		return ini_continue(p, b, e);
	p->indent = indent;
	if (ini_is_header(b, e, &ne))
		return ini_header(p, b + 1, ne);
	if (p->cur == INI_NONE)
		return ini_error(p, p->line, "text before the first "
		    "[section] header");
	return ini_option(p, b, e);
}

/* Bytes that Python would read differently or that C cannot hold. */
static int
ini_check_line(struct ini_parser *p, const char *s, size_t n)
{
	size_t ok;

	if (n > AR_CONFIG_MAX_LINE)
		return ini_error(p, p->line, "line longer than the limit");
	if ((ok = utf8_valid_prefix((const unsigned char *)s, n)) == n)
		return 0;
	if (s[ok] == '\0')
		return ini_error(p, p->line, "a NUL byte (is this a "
		    "binary file?)");
	return ini_error(p, p->line, "not valid UTF-8");
}

/* Parse [s, e) line by line (LF, CR or CRLF ends a line; a CR sets has_crlf)
 * and close the open value.  0, or -1 with p->err filled. */
static int
ini_scan(struct ini_parser *p, const char *s, const char *e)
{
	const char *q;

	while (s < e) {
		for (q = s; q < e && *q != '\n' && *q != '\r'; q++)
			;
		p->line++;
		if (ini_check_line(p, s, q - s) == -1 ||
		    ini_line(p, s, q - s) == -1) {
			ini_end_value(p);
			return -1;
		}
		if (q < e && *q == '\r') {
			p->f->has_crlf = 1;
			if (q + 1 < e && q[1] == '\n')
				q++;
		}
		s = q < e ? q + 1 : q;
	}
	ini_end_value(p);
	return 0;
}

/* qsort order of a section's pairs: by key, then line. */
static int
ini_pair_cmp(const void *a, const void *b)
{
	const struct ini_pair *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : x->line - y->line;
}

/* The earliest duplicate key; sorts every section's pairs by key. */
static int
ini_dup_keys(struct ini_parser *p, struct ar_err *e)
{
	struct ini_section *s;
	size_t i, j;
	int line = 0;

	for (i = 0; i < p->f->nsec; i++) {
		s = &p->f->sec[i];
		ini_qsort(s->pairs, s->npairs, sizeof *s->pairs, ini_pair_cmp);
		for (j = 1; j < s->npairs; j++) {
			if (strcmp(s->pairs[j - 1].key, s->pairs[j].key) != 0 ||
			    (line != 0 && s->pairs[j].line >= line))
				continue;
			line = s->pairs[j].line;
			ar_fail(e, AR_ECONFIG, "%s, line %d: key \"%.200s\" is "
			    "already set in [%.200s] at line %d", p->f->path,
			    line, s->pairs[j].key, s->name,
			    s->pairs[j - 1].line);
			ar_fix(e, "keep one of the two (the AWS CLI refuses a "
			    "duplicate key too)");
		}
	}
	return line;
}

/* FNV-1a hash of s, for the duplicate-section table. */
static size_t
ini_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The earliest duplicate section, found with a hash table of the names
 * (open addressing, at most half full) in one pass in file order. */
static int
ini_dup_sections(struct ini_parser *p, struct ar_err *e)
{
	const struct ini_section *s, *t;
	size_t *tab, size = 16, i, h;
	int line = 0;

	while (size < 2 * p->f->nsec)
		size *= 2;
	tab = xcalloc(size, sizeof *tab);	/* 0: empty, else index + 1 */
	for (i = 0; i < p->f->nsec && line == 0; i++) {
		s = &p->f->sec[i];
		for (h = ini_hash(s->name) & (size - 1); tab[h] != 0;
		    h = (h + 1) & (size - 1)) {
			t = &p->f->sec[tab[h] - 1];
			if (strcmp(t->name, s->name) == 0) {
				line = s->line;
				ar_fail(e, AR_ECONFIG, "%s, line %d: section "
				    "[%.200s] is already at line %d",
				    p->f->path, line, s->name, t->line);
				ar_fix(e, "merge the two sections (the AWS CLI "
				    "refuses a file with a duplicate section "
				    "too)");
				break;
			}
		}
		tab[h] = i + 1;
	}
	free(tab);
	return line;
}

/* bsearch comparison of a key string with an element whose first member
 * is its name (struct ini_pair's key, struct profile's name, struct
 * profile_kv's key: the sorted tables of sections 2 and 3). */
static int
ini_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* The pair of key in s (pairs sorted), or NULL. */
static const struct ini_pair *
ini_find(const struct ini_section *s, const char *key)
{
	return ini_bsearch(key, s->pairs, s->npairs, sizeof *s->pairs,
	    ini_key_cmp);
}

/* A failed nested block in [DEFAULT] is an error only where a section
 * inherits it (botocore parses it once per section).  Uninherited ones
 * are dropped.  Returns the earliest failing line, or 0. */
static int
ini_check_bads(struct ini_parser *p, struct ar_err *e)
{
	struct ini_section *d;
	size_t i, j, n = 0;
	int line = 0;

	if (p->nbad == 0)
		return 0;
	d = &p->f->sec[p->def];
	for (i = 0; i < d->npairs; i++) {
		if (d->pairs[i].value != NULL || d->pairs[i].nsub > 0) {
			d->pairs[n++] = d->pairs[i];
			continue;
		}
		for (j = 0; j < p->f->nsec; j++)
			if (j != p->def &&
			    ini_find(&p->f->sec[j], d->pairs[i].key) == NULL)
				break;
		if (j < p->f->nsec && line == 0) {
			for (j = 0; p->bads[j].keyline != d->pairs[i].line; j++)
				;
			line = p->bads[j].line;
		}
		ini_kv_free(d->pairs[i].key, d->pairs[i].value);
	}
	d->npairs = n;
	if (line != 0) {
		ar_fail(e, AR_ECONFIG, "%s, line %d: a line in a nested block "
		    "of [DEFAULT] has no '='", p->f->path, line);
		ini_fix(e, p->f->path, line);
	}
	return line;
}

/* Keep e if line is the earliest error so far. */
static void
ini_keep_earliest(struct ini_parser *p, int line, const struct ar_err *e)
{
	if (line == 0 || (p->errline != 0 && p->errline <= line))
		return;
	*p->err = *e;
	p->errline = line;
}

/* After the scan: duplicates and [DEFAULT] blocks, earliest line wins. */
static void
ini_check(struct ini_parser *p, int scanned)
{
	struct ar_err e;

	memset(&e, 0, sizeof e);
	ini_keep_earliest(p, ini_dup_keys(p, &e), &e);
	ini_keep_earliest(p, ini_dup_sections(p, &e), &e);
	if (scanned)
		ini_keep_earliest(p, ini_check_bads(p, &e), &e);
}

/* Free the parser's scratch (the value buffer, pending nested pairs, failed
 * blocks), wiping values; not p->f. */
static void
ini_parser_free(struct ini_parser *p)
{
	buf_free(&p->val);
	ini_sub_free(p->sub, p->nsub);
	free(p->sub);
	free(p->bads);
}

static int
ini_parse(const char *path, const char *buf, size_t len,
    struct ini_file *out, struct ar_err *err)
{
	struct ini_parser p;
	int scanned;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	out->path = xstrdup(path);
	if (len > AR_CONFIG_MAX_BYTES) {
		ar_fail(err, AR_ECONFIG, "%s is larger than the limit of %u "
		    "bytes", path, AR_CONFIG_MAX_BYTES);
		goto fail;
	}
	if (buf == NULL)
		buf = "";
	p.f = out;
	p.err = err;
	p.cur = p.def = p.opt = INI_NONE;
	p.val.secret = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		out->has_bom = 1;
		buf += 3;
		len -= 3;
	}
	scanned = ini_scan(&p, buf, buf + len) == 0;
	ini_check(&p, scanned);
	ini_parser_free(&p);
	if (p.errline == 0)
		return 0;
fail:
	ini_free(out);
	return -1;
}

/* A missing file, a directory or other non-regular file is "missing",
 * as botocore's os.path.isfile() check has it.  An unreadable file is an
 * error (botocore would silently read it as empty).  O_NONBLOCK: a FIFO
 * put there must not hang us before fstat says it is no file. */
static int
ini_load(const char *path, struct ini_file *out, int *missing,
    struct ar_err *err)
{
	struct ar_buf b;
	struct stat st;
	int fd, rc = -1;

	memset(out, 0, sizeof *out);
	memset(&b, 0, sizeof b);
	*missing = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1 && errno != ENOENT && errno != ENOTDIR)
		return ar_fail(err, AR_ECONFIG, "cannot read %s: %s", path,
		    strerror(errno));
	if (fd != -1 && fstat(fd, &st) == -1) {
		ar_fail(err, AR_ECONFIG, "cannot read %s: %s", path,
		    strerror(errno));
		goto done;
	}
	if (fd == -1 || !S_ISREG(st.st_mode)) {
		*missing = 1;
		out->path = xstrdup(path);
		rc = 0;
		goto done;
	}
	if (st.st_size > (off_t)AR_CONFIG_MAX_BYTES) {
		ar_fail(err, AR_ECONFIG, "%s is larger than the limit of %u "
		    "bytes", path, AR_CONFIG_MAX_BYTES);
		goto done;
	}
	b.secret = 1;
	buf_grow(&b, (size_t)st.st_size);	/* one allocation, no copies */
	if (read_fd(fd, path, AR_CONFIG_MAX_BYTES, AR_ECONFIG, &b, err) == 0)
		rc = ini_parse(path, b.p, b.len, out, err);
done:
	if (fd != -1)
		close(fd);
	buf_free(&b);
	return rc;
}

/* Wipe and free the n pairs of v with their nested pairs, then v itself. */
static void
ini_pairs_free(struct ini_pair *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ini_kv_free(v[i].key, v[i].value);
		ini_pairs_free(v[i].sub, v[i].nsub);
	}
	free(v);
}

/* Wipe and free everything in f (names, keys and values may be secrets) and
 * zero it; f can be reused. */
static void
ini_free(struct ini_file *f)
{
	size_t i;

	for (i = 0; i < f->nsec; i++) {
		ar_free_secret(f->sec[i].name);
		ini_pairs_free(f->sec[i].pairs, f->sec[i].npairs);
	}
	free(f->sec);
	free(f->path);
	memset(f, 0, sizeof *f);
}

/* ========================================================================
 * 3. Profiles
 *
 * Owns: the config and credentials paths, the merged profile table and
 * its lookups, and the JSON dump of it.  Needs getpwuid/getpwnam
 * (<pwd.h>) for "~user".
 *
 * The merged map that botocore's Session.full_config['profiles'] gives:
 *
 *   - config: [default] is "default".  A section whose name starts with
 *     "profile" is split like shlex and names its second word when there
 *     are exactly two ([profile "a b"] is "a b"; [profiles x] is "x"),
 *     and is skipped otherwise ([profile a b], [profile], an unclosed
 *     quote).  [sso-session X] and [services X] are not profiles; other
 *     sections ([plugins], [CustomerA]) are not either.  When two
 *     sections name one profile, the later replaces the earlier whole
 *     ([default] then [profile default]).  Each profile also takes the
 *     [DEFAULT] keys it does not set.
 *   - credentials: [NAME] is profile NAME, literally, with the file's
 *     [DEFAULT] keys.  Its keys are written over those of the config
 *     profile of the same name, key by key.
 *
 * Config sections that give no profile (or are replaced) are listed in
 * config->ign for `doctor`, in file order.  The table is sorted by name
 * (strcmp), each profile's keys by key, so lookups are binary searches.
 * Profile names are allocated (a shlex-split name is not in the file);
 * everything else points into the two ini_files.
 *
 * Calls: 1, 2
 * ======================================================================== */

/* Python's os.path.expandvars: $NAME and ${NAME} (NAME of [A-Za-z0-9_]
 * for the first form), left as written when NAME is not set. */
static char *
config_expandvars(const char *s)
{
	struct ar_buf b;
	const char *e, *v;
	char *name;
	size_t n;

	memset(&b, 0, sizeof b);
	while (*s != '\0') {
		if (*s != '$') {
			buf_add(&b, s++, 1);
			continue;
		}
		if (s[1] == '{' && (e = strchr(s + 2, '}')) != NULL)
			name = xstrndup(s + 2, e - s - 2), n = e + 1 - s;
		else {
			for (e = s + 1; *e == '_' || (*e >= '0' && *e <= '9') ||
			    ((*e | 0x20) >= 'a' && (*e | 0x20) <= 'z'); e++)
				;
			name = xstrndup(s + 1, e - s - 1), n = e - s;
		}
		v = n > 1 && name[0] != '\0' ? getenv(name) : NULL;
		buf_add(&b, v != NULL ? v : s, v != NULL ? strlen(v) : n);
		s += n;
		free(name);
	}
	return buf_take(&b);
}

/* The home directory "~" (n == 1) or "~user" (the first n bytes of s)
 * stands for, as os.path.expanduser finds it, or NULL. */
static const char *
config_home(const char *s, size_t n)
{
	const struct passwd *pw;
	const char *home;
	char *user;

	if (n == 1 && (home = getenv("HOME")) != NULL)
		return home;
	if (n == 1)
		pw = getpwuid(getuid());
	else {
		user = xstrndup(s + 1, n - 1);
		pw = getpwnam(user);
		free(user);
	}
	return pw != NULL ? pw->pw_dir : NULL;
}

/* Python's os.path.expanduser: a leading ~ or ~user becomes that home,
 * without its trailing '/'; unknown users stay as written. */
static char *
config_expanduser(const char *s)
{
	const char *home;
	struct ar_buf b;
	size_t n = strcspn(s, "/");

	if (s[0] != '~' || (home = config_home(s, n)) == NULL)
		return xstrdup(s);
	memset(&b, 0, sizeof b);
	buf_adds(&b, home);
	while (b.len > 0 && b.p[b.len - 1] == '/')
		b.p[--b.len] = '\0';
	buf_adds(&b, s + n);
	if (b.len == 0)
		buf_adds(&b, "/");
	return buf_take(&b);
}

/* An explicit path as given; else $env (even if empty) or def, with
 * $VARS and ~ expanded as botocore does. */
static char *
config_resolve(const char *path, const char *env, const char *def)
{
	const char *v;
	char *vars, *full;

	if (path != NULL)
		return xstrdup(path);
	v = getenv(env);
	vars = config_expandvars(v != NULL ? v : def);
	full = config_expanduser(vars);
	free(vars);
	return full;
}

/* profile_second_word for a name without quotes or backslashes: shlex then
 * only splits at its whitespace. */
static char *
profile_plain_second(const char *s)
{
	const char *w = NULL;
	size_t wn = 0;
	int n = 0;

	for (;;) {
		while (*s != '\0' && shlex_space(*s))
			s++;
		if (*s == '\0' || ++n > 2)
			break;
		for (w = s; *s != '\0' && !shlex_space(*s); s++)
			;
		wn = s - w;
	}
	return n == 2 ? xstrndup(w, wn) : NULL;
}

/* The second shlex word of a section name when there are exactly two. */
static char *
profile_second_word(const char *sec)
{
	struct ar_err e;
	char **v, *name = NULL;
	size_t n;

	if (strpbrk(sec, "\"'\\") == NULL)
		return profile_plain_second(sec);
	if (ar_shlex_split(sec, &v, &n, &e) == -1)
		return NULL;
	if (n == 2)
		name = xstrdup(v[1]);
	ar_argv_free(v);
	return name;
}

/* The profile a config section names (allocated), or NULL; *other is set
 * for a well-formed [sso-session X] or [services X]. */
static char *
profile_config_name(const char *sec, int *other)
{
	char *name;

	*other = 0;
	if (str_has_prefix(sec, "profile"))
		return profile_second_word(sec);
	if (str_has_prefix(sec, "sso-session") ||
	    str_has_prefix(sec, "services")) {
		name = profile_second_word(sec);
		*other = name != NULL;
		free(name);
		return NULL;
	}
	if (strcmp(sec, "default") == 0)
		return xstrdup("default");
	return NULL;
}

/* The [DEFAULT] section of f, or NULL; points into f. */
static const struct ini_section *
profile_default(const struct ini_file *f)
{
	size_t i;

	for (i = 0; i < f->nsec; i++)
		if (strcmp(f->sec[i].name, "DEFAULT") == 0)
			return &f->sec[i];
	return NULL;
}

/* Add config section s, which the AWS CLI skips, to c->ign (points to s). */
static void
profile_ignore(struct config *c, const struct ini_section *s)
{
	struct ignored_section *g;

	c->ign = xrealloc(c->ign, (c->nign + 1) * sizeof *c->ign);
	g = &c->ign[c->nign++];
	g->name = s->name;
	g->file = c->cfg.path;
	g->line = s->line;
}

/* The [DEFAULT] sections of the two files. */
struct profile_defaults {
	const struct ini_section *cfg, *cred;
};

/* The layer (0..3) whose head key is smallest; on a tie the highest
 * layer, which wins.  -1 when all are done. */
static int
profile_next_layer(const struct ini_section *const *l, const size_t *at)
{
	int k, best = -1;

	for (k = 0; k < 4; k++) {
		if (l[k] == NULL || at[k] == l[k]->npairs)
			continue;
		if (best == -1 || strcmp(l[k]->pairs[at[k]].key,
		    l[best]->pairs[at[best]].key) <= 0)
			best = k;
	}
	return best;
}

/* Keys of profile p from config section cs and credentials section ks
 * (either may be NULL), each over its file's [DEFAULT]: a merge of four
 * key-sorted layers, the later layer winning a key. */
static void
profile_keys(struct config *c, struct profile *p, const struct profile_defaults *d,
    const struct ini_section *cs, const struct ini_section *ks)
{
	const struct ini_section *l[4];
	const char *file[4];
	const struct ini_pair *pr;
	size_t at[4] = { 0, 0, 0, 0 }, n = 0;
	int k, best;

	l[0] = cs != NULL ? d->cfg : NULL, l[1] = cs;
	l[2] = ks != NULL ? d->cred : NULL, l[3] = ks;
	file[0] = file[1] = c->cfg.path;
	file[2] = file[3] = c->cred.path;
	for (k = 0; k < 4; k++)
		n += l[k] != NULL ? l[k]->npairs : 0;
	p->kv = xcalloc(n ? n : 1, sizeof *p->kv);
	while ((best = profile_next_layer(l, at)) != -1) {
		pr = &l[best]->pairs[at[best]];
		p->kv[p->nkv].key = pr->key;
		p->kv[p->nkv].pair = pr;
		p->kv[p->nkv].file = file[best];
		p->kv[p->nkv++].line = pr->line;
		for (k = 0; k < 4; k++)
			if (l[k] != NULL && at[k] < l[k]->npairs &&
			    strcmp(l[k]->pairs[at[k]].key, pr->key) == 0)
				at[k]++;
	}
}

/* A section that may name a profile. */
struct profile_src {
	char *name;
	const struct ini_section *sec;
	size_t order;
	int cred;
};

/* qsort order of profile sources: by name, then order (config sections first,
 * each file in order). */
static int
profile_src_cmp(const void *a, const void *b)
{
	const struct profile_src *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->order > y->order) - (x->order < y->order);
}

/* Sections g[0..n) all name one profile, in file order (config first). */
static void
profile_group(struct config *c, const struct profile_defaults *d,
    struct profile_src *g, size_t n)
{
	const struct ini_section *cs = NULL, *ks = NULL;
	struct profile *p = &c->prof[c->nprof++];
	size_t i;

	for (i = 0; i < n; i++) {
		if (g[i].cred)
			ks = g[i].sec;
		else {
			if (cs != NULL)
				profile_ignore(c, cs);
			cs = g[i].sec;
		}
	}
	p->name = g[0].name;
	g[0].name = NULL;
	p->file = cs != NULL ? c->cfg.path : c->cred.path;
	p->line = cs != NULL ? cs->line : ks->line;
	p->sec[0] = cs, p->sec[1] = ks;
	p->path[0] = c->cfg.path, p->path[1] = c->cred.path;
	p->def[0] = cs != NULL ? d->cfg : NULL;
	p->def[1] = ks != NULL ? d->cred : NULL;
	profile_keys(c, p, d, cs, ks);
}

/* The sections that name profiles; the others go to c->ign. */
static size_t
profile_sources(struct config *c, struct profile_src *src)
{
	const struct ini_section *s;
	size_t i, n = 0;
	char *name;
	int other;

	for (i = 0; i < c->cfg.nsec; i++) {
		s = &c->cfg.sec[i];
		if (strcmp(s->name, "DEFAULT") == 0)
			continue;
		if ((name = profile_config_name(s->name, &other)) == NULL) {
			if (!other)
				profile_ignore(c, s);
			continue;
		}
		src[n].name = name;
		src[n].sec = s;
		src[n++].order = i;
	}
	for (i = 0; i < c->cred.nsec; i++) {
		s = &c->cred.sec[i];
		if (strcmp(s->name, "DEFAULT") == 0)
			continue;
		src[n].name = xstrdup(s->name);
		src[n].sec = s;
		src[n].order = c->cfg.nsec + i;
		src[n++].cred = 1;
	}
	return n;
}

/* qsort order of ignored sections: by line. */
static int
profile_ign_cmp(const void *a, const void *b)
{
	const struct ignored_section *x = a, *y = b;

	return x->line - y->line;
}

/* Build c->prof: one sort of all sections by name, then one pass. */
static void
profile_table(struct config *c)
{
	struct profile_defaults d;
	struct profile_src *src;
	size_t n, i, j;

	d.cfg = profile_default(&c->cfg);
	d.cred = profile_default(&c->cred);
	src = xcalloc(c->cfg.nsec + c->cred.nsec + 1, sizeof *src);
	n = profile_sources(c, src);
	ini_qsort(src, n, sizeof *src, profile_src_cmp);
	c->prof = xcalloc(n + 1, sizeof *c->prof);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(src[i].name, src[j].name) == 0;
		    j++)
			;
		profile_group(c, &d, &src[i], j - i);
	}
	for (i = 0; i < n; i++)
		free(src[i].name);
	free(src);
	ini_qsort(c->ign, c->nign, sizeof *c->ign, profile_ign_cmp);
}

static int
config_load(struct config *c, const char *config_path,
    const char *cred_path, struct ar_err *err)
{
	memset(c, 0, sizeof *c);
	c->config_path = config_resolve(config_path, "AWS_CONFIG_FILE",
	    "~/.aws/config");
	c->cred_path = config_resolve(cred_path, "AWS_SHARED_CREDENTIALS_FILE",
	    "~/.aws/credentials");
	if (ini_load(c->config_path, &c->cfg, &c->config_missing,
	    err) == -1 ||
	    ini_load(c->cred_path, &c->cred, &c->cred_missing, err) == -1) {
		config_free(c);
		return -1;
	}
	profile_table(c);
	return 0;
}

/* Free everything config_load filled, wiping the files' secrets and the
 * profile names, and zero c. */
static void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nprof; i++) {
		ar_free_secret((char *)c->prof[i].name);
		free(c->prof[i].kv);
	}
	free(c->prof);
	free(c->ign);
	ini_free(&c->cfg);
	ini_free(&c->cred);
	free(c->config_path);
	free(c->cred_path);
	memset(c, 0, sizeof *c);
}

/* The profile called name, or NULL; points into c. */
static const struct profile *
config_profile(const struct config *c, const char *name)
{
	return ini_bsearch(name, c->prof, c->nprof, sizeof *c->prof,
	    ini_key_cmp);
}

/* The [services NAME] section of file f (the last of that name, as
 * botocore's dict keeps it), or NULL.  Only the config file has services
 * sections: in the credentials file [services x] is a profile. */
static const struct ini_section *
config_services(const struct ini_file *f, const char *name)
{
	const struct ini_section *found = NULL;
	char *second;
	size_t i;

	for (i = 0; i < f->nsec; i++) {
		if (!str_has_prefix(f->sec[i].name, "services"))
			continue;
		second = profile_second_word(f->sec[i].name);
		if (str_eq(second, name))
			found = &f->sec[i];
		free(second);
	}
	return found;
}

/* Key's entry in p (a value or a nested block), or NULL; points into p. */
static const struct profile_kv *
profile_kv(const struct profile *p, const char *key)
{
	return ini_bsearch(key, p->kv, p->nkv, sizeof *p->kv, ini_key_cmp);
}

static const char *
profile_get(const struct profile *p, const char *key)
{
	const struct profile_kv *kv = profile_kv(p, key);

	return kv != NULL ? kv->pair->value : NULL;
}

/* Key's pair in p's own section of one file (cred: the credentials
 * file, else the config file) or in that file's [DEFAULT], as botocore's
 * per-file providers read it; NULL when that file does not set it. */
static const struct ini_pair *
profile_file_pair(const struct profile *p, int cred, const char *key)
{
	const struct ini_pair *pr = NULL;

	if (p->sec[cred] != NULL)
		pr = ini_find(p->sec[cred], key);
	if (pr == NULL && p->def[cred] != NULL)
		pr = ini_find(p->def[cred], key);
	return pr != NULL && pr->value != NULL ? pr : NULL;
}

/* A profile with web_identity_token_file: botocore calls
 * AssumeRoleWithWebIdentity for it and never reads its source_profile,
 * credential_source, mfa_serial, external_id or duration_seconds. */
static int
profile_is_web_identity(const struct profile *p)
{
	return profile_get(p, "web_identity_token_file") != NULL;
}

/* botocore's AssumeRole profile: role_arn and no web_identity_token_file. */
static int
profile_is_assume_role(const struct profile *p)
{
	return profile_get(p, "role_arn") != NULL && !profile_is_web_identity(p);
}

/*
 * The AssumeRole* arguments a profile configures, read as botocore reads
 * them: an empty role_session_name means "generate one"; a web identity
 * role takes only RoleArn and RoleSessionName.  -1 when duration_seconds
 * is not a number.
 */
static int
assume_args_from_profile(const struct profile *p, struct assume_args *a)
{
	const char *d = profile_get(p, "duration_seconds");

	memset(a, 0, sizeof(*a));
	a->role_arn = profile_get(p, "role_arn");
	a->session_name = profile_get(p, "role_session_name");
	if (a->session_name != NULL && *a->session_name == '\0')
		a->session_name = NULL;
	if (profile_is_web_identity(p)) {
		a->token_file = profile_get(p, "web_identity_token_file");
		return 0;
	}
	a->serial = profile_get(p, "mfa_serial");
	a->mfa_process = profile_get(p, "mfa_process");
	a->external_id = profile_get(p, "external_id");
	if (d != NULL && parse_long(d, 0, LONG_MAX / 2, &a->duration) == -1)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------------
 * The JSON dump.  It is exactly full_config['profiles'] and so holds the
 * secret keys: free it with ar_free_secret.  NULL if cJSON ran out of
 * memory.  It is printed into one
 * buffer of a computed size, so no copy of a secret is left in memory
 * that realloc gave back; cJSON's own strings are wiped before they are
 * freed.
 * ------------------------------------------------------------------------ */

/* Add v to o under key, o then owning it: 0; on failure -1, with v (may be
 * NULL) wiped and freed. */
static int
json_add(cJSON *o, const char *key, cJSON *v)
{
	if (v != NULL && cJSON_AddItemToObject(o, key, v))
		return 0;
	json_delete_wiped(v);
	return -1;
}

/* A new cJSON string of pr's value, or an object of its nested pairs; NULL on
 * allocation failure.  Caller frees with json_delete_wiped. */
static cJSON *
json_pair(const struct ini_pair *pr)
{
	cJSON *o;
	size_t i;

	if (pr->value != NULL)
		return cJSON_CreateString(pr->value);
	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	for (i = 0; i < pr->nsub; i++)
		if (json_add(o, pr->sub[i].key,
		    cJSON_CreateString(pr->sub[i].value)) == -1)
			break;
	if (i == pr->nsub)
		return o;
	json_delete_wiped(o);
	return NULL;
}

/* A new cJSON object of p's keys; adds a bound on its printed size to *size.
 * NULL on allocation failure; caller frees with json_delete_wiped. */
static cJSON *
json_profile(const struct profile *p, size_t *size)
{
	cJSON *o;
	size_t i, j;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	*size += 6 * strlen(p->name) + 32;
	for (i = 0; i < p->nkv; i++) {
		*size += 6 * strlen(p->kv[i].key) + 32;
		if (p->kv[i].pair->value != NULL)
			*size += 6 * strlen(p->kv[i].pair->value);
		for (j = 0; j < p->kv[i].pair->nsub; j++)
			*size += 6 * (strlen(p->kv[i].pair->sub[j].key) +
			    strlen(p->kv[i].pair->sub[j].value)) + 32;
		if (json_add(o, p->kv[i].key, json_pair(p->kv[i].pair)) == -1) {
			json_delete_wiped(o);
			return NULL;
		}
	}
	return o;
}

static char *
config_dump_json(const struct config *c, int pretty)
{
	cJSON *root, *all = NULL;
	char *out = NULL;
	size_t i, size = 64;

	if ((root = cJSON_CreateObject()) == NULL ||
	    json_add(root, "profiles", all = cJSON_CreateObject()) == -1)
		goto done;
	for (i = 0; i < c->nprof; i++)
		if (json_add(all, c->prof[i].name,
		    json_profile(&c->prof[i], &size)) == -1)
			goto done;
	if (size > INT_MAX)
		goto done;
	out = xmalloc(size);
	if (!cJSON_PrintPreallocated(root, out, (int)size, pretty)) {
		ar_wipe(out, size);
		free(out);
		out = NULL;
	}
done:
	json_delete_wiped(root);
	return out;
}

/* ========================================================================
 * 4. SigV4
 *
 * Owns: AWS Signature Version 4, header-signing variant: the canonical
 * request, the string to sign, the HMAC-SHA256 key chain and the
 * Authorization value.
 *
 * Reference: "Create a signed AWS API request", AWS IAM User Guide
 * (reference_sigv-create-signed-request.html), called [IAM] below; where
 * it is silent, botocore's auth.py, which the AWS CLI signs with.  Both
 * are checked by the aws-signing-test-suite v4 vectors (unit_sigv4.c).
 *
 * Calls: 1
 * ======================================================================== */

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_DATE_LEN  16  /* "20150830T123600Z" */

struct sigv4_param {         /* one query parameter, both parts encoded */
	char *name;
	char *value;
};

struct sigv4_hdr {           /* one input header, for sorting */
	char *name;          /* lower-cased copy */
	const char *value;   /* points into the input; may be a token */
	size_t order;        /* input position (same-name values keep it) */
};

/* 1 when RFC 3986 leaves byte c unencoded (A-Z a-z 0-9 - _ . ~), else 0. */
static int
uri_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

/* Percent-encode s[0..n) into a malloc'd string: the unreserved bytes stay,
 * '/' too when keep_slash, ' ' becomes '+' when plus, the rest %XX. */
static char *
pct_encode(const char *s, size_t n, int keep_slash, int plus)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	char *out, *o;
	size_t i;

	/* At most 3 bytes out per byte in.  An n for which 3n+1 would wrap
	 * asks xmalloc for SIZE_MAX, which fails as out of memory. */
	out = xmalloc(n > (SIZE_MAX - 1) / 3 ? SIZE_MAX : 3 * n + 1);
	for (o = out, i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (uri_unreserved(c) || (keep_slash && c == '/')) {
			*o++ = (char)c;
			continue;
		}
		if (plus && c == ' ') {
			*o++ = '+';
			continue;
		}
		*o++ = '%';
		*o++ = hex[c >> 4];
		*o++ = hex[c & 15];
	}
	*o = '\0';
	return out;
}

static char *
ar_uri_encode(const char *s, size_t n, int keep_slash)
{
	return pct_encode(s, n, keep_slash, 0);
}

static char *
ar_form_encode(const char *s, size_t n)
{
	return pct_encode(s, n, 0, 1);
}

/*
 * Percent-decode s[0..n) into *out (which may then hold NUL bytes).  A '%'
 * not followed by two hex digits stays a literal '%'.  '+' stays '+': the
 * query is RFC 3986, not a form, so "a+b" signs as "a%2Bb".
 */
static void
uri_decode(const char *s, size_t n, struct ar_buf *out)
{
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '%' && i + 2 < n && hex_digit(s[i + 1]) >= 0 &&
		    hex_digit(s[i + 2]) >= 0) {
			c = (char)(hex_digit(s[i + 1]) * 16 +
			    hex_digit(s[i + 2]));
			i += 2;
		}
		buf_add(out, &c, 1);
	}
}

/* Write the n bytes at p to out as lower-case hex and a NUL (2n + 1 bytes). */
static void
sigv4_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Lower-case hex SHA-256 of p[0..n): the payload hash and the hash of the
 * canonical request. */
static void
sigv4_hex_sha256(const void *p, size_t n, char out[65])
{
	br_sha256_context c;
	unsigned char h[32];

	br_sha256_init(&c);
	if (n > 0)
		br_sha256_update(&c, p, n);
	br_sha256_out(&c, h);
	sigv4_hex(h, sizeof(h), out);
	ar_wipe(&c, sizeof(c));
}

/* out = HMAC-SHA256(key, msg).  The BearSSL contexts hold key material
 * (the padded key state) and are wiped. */
static void
sigv4_hmac(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[32])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, mlen);
	br_hmac_out(&hc, out);
	ar_wipe(&kc, sizeof(kc));
	ar_wipe(&hc, sizeof(hc));
}

/* ---- input checks ---- */

/* "YYYYMMDDTHHMMSSZ", the x-amz-date format [IAM]. */
static int
sigv4_date_ok(const char *d)
{
	return strlen(d) == SIGV4_DATE_LEN && all_digits(d, 8) &&
	    d[8] == 'T' && all_digits(d + 9, 6) && d[15] == 'Z';
}

/* A credential-scope part (region, service, access key id): non-empty,
 * printable, and free of the '/' that separates the scope and the ','
 * that separates the Authorization fields. */
static int
sigv4_scope_part_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f || *s == '/' || *s == ',')
			return 0;
	return 1;
}

/* 1 when m is an HTTP method: one or more upper-case letters; else 0. */
static int
sigv4_method_ok(const char *m)
{
	if (*m == '\0')
		return 0;
	for (; *m != '\0'; m++)
		if (*m < 'A' || *m > 'Z')
			return 0;
	return 1;
}

/* 0 when every field sigv4_sign needs is present and well-formed, else -1 with
 * err filled (AR_EGENERAL: a caller's bug). */
static int
sigv4_check_input(const struct sigv4_input *in, struct ar_err *err)
{
	if (in->method == NULL || in->path == NULL || in->query == NULL ||
	    in->region == NULL || in->service == NULL ||
	    in->amz_date == NULL || in->access_key == NULL ||
	    in->secret_key == NULL || in->headers == NULL ||
	    (in->body == NULL && in->body_len > 0))
		return ar_fail(err, AR_EGENERAL, "sigv4: a request field "
		    "is missing");
	if (in->nheaders == 0)
		return ar_fail(err, AR_EGENERAL, "sigv4: no headers to sign");
	if (!sigv4_method_ok(in->method))
		return ar_fail(err, AR_EGENERAL, "sigv4: bad method");
	if (in->path[0] != '/')
		return ar_fail(err, AR_EGENERAL, "sigv4: path must start "
		    "with '/'");
	if (!in->normalize_path && !printable_token(in->path))
		return ar_fail(err, AR_EGENERAL, "sigv4: an unnormalised (S3) "
		    "path is signed as sent, so it must be encoded already");
	if (!sigv4_date_ok(in->amz_date))
		return ar_fail(err, AR_EGENERAL, "sigv4: bad x-amz-date "
		    "\"%.32s\" (want YYYYMMDDTHHMMSSZ)", in->amz_date);
	if (!sigv4_scope_part_ok(in->region) ||
	    !sigv4_scope_part_ok(in->service))
		return ar_fail(err, AR_EGENERAL, "sigv4: bad region or "
		    "service name");
	if (!sigv4_scope_part_ok(in->access_key) || in->secret_key[0] == '\0')
		return ar_fail(err, AR_EGENERAL, "sigv4: empty or malformed "
		    "access key");
	return 0;
}

/* ---- canonical URI ---- */

/*
 * Remove dot segments (RFC 3986 5.2.4) and empty segments ("//"), as
 * botocore's remove_dot_segments does: the result starts with '/' and
 * keeps a trailing '/' only if the input had one and a segment is left.
 * "/a/b/../c/./d//" -> "/a/c/d/", "/./" -> "/", "//" -> "/",
 * "/a/.." -> "/".
 */
static char *
sigv4_normalize_path(const char *path)
{
	size_t len = strlen(path), i = 0, o = 1, s, n;
	char *out = xmalloc(len + 3);

	out[0] = '/';                      /* out[0..o) is "/seg/seg" */
	while (path[i] != '\0') {
		while (path[i] == '/')
			i++;
		for (s = i; path[i] != '\0' && path[i] != '/'; i++)
			;
		n = i - s;
		if (n == 0 || (n == 1 && path[s] == '.'))
			continue;
		if (n == 2 && path[s] == '.' && path[s + 1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			continue;
		}
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, path + s, n);
		o += n;
	}
	if (o > 1 && len > 0 && path[len - 1] == '/')
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

/*
 * The canonical URI.  Every service but S3 signs the normalised path
 * URI-encoded once more than it is on the request line: [IAM] "each path
 * segment must be URI-encoded twice (except for Amazon S3 which only gets
 * URI-encoded once)", so a "%20" sent becomes "%2520" signed.  S3
 * (normalize_path == 0) signs the path exactly as sent.
 */
static void
sigv4_add_path(struct ar_buf *cr, const char *path, int normalize)
{
	char *norm, *enc;

	if (!normalize) {
		buf_adds(cr, path);
		return;
	}
	norm = sigv4_normalize_path(path);
	enc = ar_uri_encode(norm, strlen(norm), 1);
	buf_adds(cr, enc);
	free(enc);
	free(norm);
}

/* ---- canonical query ---- */

/* Decode one name or value as sent, then encode it the one SigV4 way
 * (RFC 3986, upper-case hex, '/' and '=' encoded too) [IAM]. */
static char *
sigv4_query_part(const char *s, size_t n)
{
	struct ar_buf dec = { 0 };
	char *enc;

	uri_decode(s, n, &dec);
	enc = ar_uri_encode(dec.p != NULL ? dec.p : "", dec.len, 0);
	buf_free(&dec);
	return enc;
}

/* qsort order of the encoded query parameters: by name, then value. */
static int
sigv4_param_cmp(const void *a, const void *b)
{
	const struct sigv4_param *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Split q on '&' into encoded name/value pairs.  Empty pieces ("a&&b")
 * are dropped; a piece without '=' has an empty value [IAM]. */
static struct sigv4_param *
sigv4_parse_query(const char *q, size_t *np)
{
	struct sigv4_param *p;
	const char *s, *end, *eq;
	size_t max = 1;

	for (s = q; *s != '\0'; s++)
		max += *s == '&';
	p = xcalloc(max, sizeof(*p));
	*np = 0;
	for (s = q; *s != '\0'; s = *end == '&' ? end + 1 : end) {
		end = s + strcspn(s, "&");
		if (end == s)
			continue;
		eq = memchr(s, '=', (size_t)(end - s));
		if (eq == NULL)
			eq = end;
		p[*np].name = sigv4_query_part(s, (size_t)(eq - s));
		p[*np].value = eq < end ?
		    sigv4_query_part(eq + 1, (size_t)(end - eq - 1)) :
		    xstrdup("");
		(*np)++;
	}
	return p;
}

/* Sorted by encoded name, then encoded value (byte order) [IAM]. */
static void
sigv4_add_query(struct ar_buf *cr, const char *q)
{
	struct sigv4_param *p;
	size_t np, i;

	p = sigv4_parse_query(q, &np);
	qsort(p, np, sizeof(*p), sigv4_param_cmp);
	for (i = 0; i < np; i++) {
		buf_addf(cr, "%s%s=%s", i > 0 ? "&" : "", p[i].name,
		    p[i].value);
		free(p[i].name);
		free(p[i].value);
	}
	free(p);
}

/* ---- canonical headers ---- */

/* RFC 9110 tchar: what a header name may hold. */
static int
sigv4_tchar(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* 1 when h has a non-empty token name and a value without CR or LF, else 0. */
static int
sigv4_header_ok(const struct sigv4_header *h)
{
	const char *s;

	if (h->name == NULL || h->value == NULL || h->name[0] == '\0')
		return 0;
	for (s = h->name; *s != '\0'; s++)
		if (!sigv4_tchar((unsigned char)*s))
			return 0;
	/* A line break would let a value forge canonical header lines;
	 * folded (obs-fold) values must be unfolded by the caller. */
	return strpbrk(h->value, "\r\n") == NULL;
}

/* qsort order of headers to sign: by lower-cased name, then input order. */
static int
sigv4_hdr_cmp(const void *a, const void *b)
{
	const struct sigv4_hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Free the n copied header names and the array h (values point into the
 * input); NULL is a no-op. */
static void
sigv4_free_headers(struct sigv4_hdr *h, size_t n)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < n; i++)
		free(h[i].name);
	free(h);
}

/* Copy the headers with lower-cased names, sorted by name; same-name
 * headers keep their input order. */
static int
sigv4_collect_headers(const struct sigv4_input *in, struct sigv4_hdr **out,
    struct ar_err *err)
{
	struct sigv4_hdr *h;
	size_t i;
	char *c;

	*out = NULL;
	for (i = 0; i < in->nheaders; i++)
		if (!sigv4_header_ok(&in->headers[i]))
			return ar_fail(err, AR_EGENERAL, "sigv4: header %zu "
			    "has a bad name or a line break in its value", i);
	h = xcalloc(in->nheaders, sizeof(*h));
	for (i = 0; i < in->nheaders; i++) {
		h[i].name = xstrdup(in->headers[i].name);
		for (c = h[i].name; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
		h[i].value = in->headers[i].value;
		h[i].order = i;
	}
	qsort(h, in->nheaders, sizeof(*h), sigv4_hdr_cmp);
	*out = h;
	return 0;
}

/* The value with leading and trailing blanks removed and every inner run
 * of blanks (SP, HTAB) made one space [IAM: "Trimall"]. */
static void
sigv4_add_trimmed(struct ar_buf *cr, const char *v)
{
	size_t n;

	v += strspn(v, " \t");
	while (*v != '\0') {
		n = strcspn(v, " \t");
		buf_add(cr, v, n);
		v += n;
		v += strspn(v, " \t");
		if (*v != '\0')
			buf_add(cr, " ", 1);
	}
}

/* "name:value\n" per distinct name, same-name values joined with ','
 * in input order [IAM]; the names also go, ';'-joined, into sh. */
static void
sigv4_add_headers(struct ar_buf *cr, struct ar_buf *sh,
    const struct sigv4_hdr *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0) {
			buf_add(cr, ",", 1);
		} else {
			if (i > 0)
				buf_add(cr, "\n", 1);
			buf_addf(cr, "%s:", h[i].name);
			buf_addf(sh, "%s%s", sh->len > 0 ? ";" : "",
			    h[i].name);
		}
		sigv4_add_trimmed(cr, h[i].value);
	}
	buf_add(cr, "\n", 1);
}

/* ---- the signature ---- */

/*
 * method \n canonical URI \n canonical query \n canonical headers \n
 * signed headers \n hex(SHA-256(body)) [IAM].  The canonical headers end
 * with their own '\n', hence the blank line before the signed headers.
 */
static int
sigv4_canonical_request(const struct sigv4_input *in, struct ar_buf *cr,
    struct ar_buf *sh, struct ar_err *err)
{
	struct sigv4_hdr *h;
	char hash[65];

	if (sigv4_collect_headers(in, &h, err) == -1)
		return -1;
	buf_addf(cr, "%s\n", in->method);
	sigv4_add_path(cr, in->path, in->normalize_path);
	buf_add(cr, "\n", 1);
	sigv4_add_query(cr, in->query);
	buf_add(cr, "\n", 1);
	sigv4_add_headers(cr, sh, h, in->nheaders);
	buf_addf(cr, "\n%s\n", sh->p);
	sigv4_hex_sha256(in->body, in->body_len, hash);
	buf_adds(cr, hash);
	sigv4_free_headers(h, in->nheaders);
	return 0;
}

/*
 * kDate = HMAC("AWS4" + secret, date), kRegion = HMAC(kDate, region),
 * kService = HMAC(kRegion, service), kSigning = HMAC(kService,
 * "aws4_request") [IAM].  Every link but the last is wiped here; the
 * caller wipes key.
 */
static void
sigv4_signing_key(const struct sigv4_input *in, unsigned char key[32])
{
	struct ar_buf ksecret = { .secret = 1 };
	unsigned char next[32];

	buf_adds(&ksecret, "AWS4");
	buf_adds(&ksecret, in->secret_key);
	sigv4_hmac(ksecret.p, ksecret.len, in->amz_date, 8, key);
	sigv4_hmac(key, 32, in->region, strlen(in->region), next);
	sigv4_hmac(next, 32, in->service, strlen(in->service), key);
	sigv4_hmac(key, 32, "aws4_request", 12, next);
	memcpy(key, next, 32);
	ar_wipe(next, sizeof(next));
	buf_free(&ksecret);
}

/* ALGORITHM \n amz_date \n scope \n hex(SHA-256(canonical request)). */
static void
sigv4_string_to_sign(const char *amz_date, const char *scope,
    const struct ar_buf *cr, struct ar_buf *sts)
{
	char hash[65];

	sigv4_hex_sha256(cr->p, cr->len, hash);
	buf_addf(sts, SIGV4_ALGORITHM "\n%s\n%s\n%s", amz_date, scope, hash);
}

/* Sign request in: fill out (malloc'd; free with sigv4_output_free) and return
 * 0, or -1 with err filled and out zeroed.  Wipes the derived keys. */
static int
sigv4_sign(const struct sigv4_input *in, struct sigv4_output *out,
    struct ar_err *err)
{
	struct ar_buf cr = { .secret = 1 };  /* may carry the session token */
	struct ar_buf sh = { 0 }, scope = { 0 }, sts = { 0 }, auth = { 0 };
	unsigned char key[32], mac[32];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (in == NULL) {
		ar_fail(err, AR_EGENERAL, "sigv4: no request");
		goto done;
	}
	if (sigv4_check_input(in, err) == -1 ||
	    sigv4_canonical_request(in, &cr, &sh, err) == -1)
		goto done;
	buf_addf(&scope, "%.8s/%s/%s/aws4_request", in->amz_date, in->region,
	    in->service);
	sigv4_string_to_sign(in->amz_date, scope.p, &cr, &sts);
	sigv4_signing_key(in, key);
	sigv4_hmac(key, sizeof(key), sts.p, sts.len, mac);
	sigv4_hex(mac, sizeof(mac), out->signature);
	buf_addf(&auth, SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, "
	    "Signature=%s", in->access_key, scope.p, sh.p, out->signature);
	out->canonical_request = buf_take(&cr);
	out->string_to_sign = buf_take(&sts);
	out->signed_headers = buf_take(&sh);
	out->authorization = buf_take(&auth);
	rc = 0;
done:
	ar_wipe(key, sizeof(key));
	ar_wipe(mac, sizeof(mac));
	buf_free(&cr);
	buf_free(&sh);
	buf_free(&scope);
	buf_free(&sts);
	buf_free(&auth);
	return rc;
}

/* Free out's strings, wiping the canonical request (it holds the session
 * token), and zero it; NULL is a no-op. */
static void
sigv4_output_free(struct sigv4_output *out)
{
	if (out == NULL)
		return;
	ar_free_secret(out->canonical_request); /* holds the session token */
	free(out->string_to_sign);
	free(out->signed_headers);
	free(out->authorization);
	memset(out, 0, sizeof(*out));
}


/* ========================================================================
 * 5. Child processes
 *
 * Owns: running credential_process and mfa_process commands without a
 * shell, with a deadline and capped output.
 *
 * Calls: 1
 * ======================================================================== */

/* Free r's captured stdout and stderr, wiping the buffers marked secret. */
static void
proc_result_free(struct proc_result *r)
{
	buf_free(&r->out);
	buf_free(&r->err);
}

/* Make pgrp the terminal tty's foreground process group, with SIGTTOU
 * blocked (a background caller would be stopped by it otherwise). */
static void
proc_tty_give(int tty, pid_t pgrp)
{
	sigset_t ttou, old;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(tty, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* The controlling terminal (O_CLOEXEC) when this process is in its
 * foreground, so that a child may be given it; else -1. */
static int
proc_tty_open(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd != -1 && tcgetpgrp(fd) != getpgrp()) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* A copy of the environment's pointer array with assign ("NAME=value")
 * in place of NAME's entry; the strings are borrowed, free the array. */
static char **
proc_env_with(const char *assign)
{
	size_t n = 0, k = 0, name = strcspn(assign, "=") + 1;
	char **env;

	while (environ[n] != NULL)
		n++;
	env = xmalloc((n + 2) * sizeof(*env));
	for (n = 0; environ[n] != NULL; n++)
		if (strncmp(environ[n], assign, name) != 0)
			env[k++] = environ[n];
	env[k++] = (char *)assign;
	env[k] = NULL;
	return env;
}

/* In the forked child: its own process group (the terminal's foreground
 * one when tty is not -1), env as the environment unless NULL, stdout and
 * stderr onto out_fd and err_fd, exec argv.  Never returns: exit 127 (not
 * found) or 126. */
static void
proc_child(char *const argv[], char **env, int tty, int out_fd, int err_fd)
{
	setpgid(0, 0);
	if (tty != -1)
		proc_tty_give(tty, getpid());
	if (env != NULL)
		environ = env;
	if (dup2(out_fd, 1) == -1 || dup2(err_fd, 2) == -1)
		_exit(127);
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Read what is ready on fd into b; returns 1 at EOF, 0 otherwise, -1 on
 * overflow. */
static int
proc_drain(int fd, struct ar_buf *b)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	int rc = 0;

	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 0 : 1;
	if (n == 0)
		return 1;
	if (b->len + (size_t)n > AR_PROC_MAX_OUTPUT)
		rc = -1;
	else
		buf_add(b, chunk, (size_t)n);
	ar_wipe(chunk, sizeof(chunk));
	return rc;
}

/* Collect both pipes until EOF, the deadline (now_ms's clock) or an
 * overflow: 0, -1 (timed out, or a poll error), -2 (overflow). */
static int
proc_collect(int fds[2], struct proc_result *r, int64_t deadline)
{
	struct pollfd pfd[2];
	struct ar_buf *bufs[2] = { &r->out, &r->err };
	int open_n = 2, i, n, rc;

	while (open_n > 0) {
		int64_t left = deadline - now_ms();

		if (left <= 0) {
			r->timed_out = 1;
			return -1;
		}
		for (i = 0; i < 2; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		n = poll(pfd, 2, (int)left);
		if (n == -1 && errno != EINTR)
			return -1;
		for (i = 0; n > 0 && i < 2; i++) {
			if (fds[i] == -1 || !(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			rc = proc_drain(fds[i], bufs[i]);
			if (rc == -1)
				return -2;
			if (rc == 1) {
				close(fds[i]);
				fds[i] = -1;
				open_n--;
			}
		}
	}
	return 0;
}

/* Wait until pid has exited or deadline (now_ms's clock) has passed,
 * without reaping it (its process group stays killable): 0 exited, -1
 * still running. */
static int
proc_wait_exit(pid_t pid, int64_t deadline)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1 &&
		    errno != EINTR)
			return 0; /* not our child any more: nothing to wait for */
		if (si.si_pid == pid)
			return 0;
		if (now_ms() >= deadline)
			return -1;
		sleep_ms(20);
	}
}

/* Pipes for stdout (po) and stderr (pe), then fork a proc_child; *pid is
 * the child, in its own process group.  0, or -1 with err filled (the
 * caller closes what is open). */
static int
proc_spawn(char *const argv[], char **env, int tty, int po[2], int pe[2],
    pid_t *pid, struct ar_err *err)
{
	if (pipe2(po, O_CLOEXEC) == -1 || pipe2(pe, O_CLOEXEC) == -1)
		return ar_fail(err, AR_EGENERAL, "cannot create a pipe: %s",
		    strerror(errno));
	fflush(NULL);
	if ((*pid = fork()) == -1)
		return ar_fail(err, AR_EGENERAL, "cannot fork: %s",
		    strerror(errno));
	if (*pid == 0)
		proc_child(argv, env, tty, po[1], pe[1]);
	setpgid(*pid, *pid); /* also here: no race with a kill or tcsetpgrp */
	if (tty != -1)
		proc_tty_give(tty, *pid);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	return 0;
}

/*
 * Run argv[0] (searched in PATH, no shell) in its own process group, stdin
 * inherited, stdout and stderr captured, env_add ("NAME=value", or NULL)
 * added to its environment.  The deadline covers the command's whole life:
 * past it, the process group is killed.  With give_tty, the command gets
 * the terminal's foreground (if awsrole has it) so that it can prompt there,
 * and awsrole takes it back afterwards.
 */
static int
proc_run(char *const argv[], const char *env_add, int give_tty,
    struct proc_result *r, struct ar_err *err)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, fds[2] = { -1, -1 };
	int i, st = 0, rc = -1, e, tty = -1;
	char **env = NULL;
	long timeout_s;
	int64_t deadline;
	pid_t pid = -1;

	memset(r, 0, sizeof(*r));
	r->out.secret = 1;
	if (env_seconds("AWSROLE_PROCESS_TIMEOUT", AR_PROC_TIMEOUT_S,
	    &timeout_s, err) == -1)
		return -1;
	env = env_add != NULL ? proc_env_with(env_add) : NULL;
	tty = give_tty ? proc_tty_open() : -1;
	deadline = now_ms() + (int64_t)timeout_s * 1000;
	if (proc_spawn(argv, env, tty, po, pe, &pid, err) == -1)
		goto out;
	fds[0] = po[0];
	fds[1] = pe[0];
	po[0] = pe[0] = -1; /* fds now: proc_collect closes each at EOF */
	rc = proc_collect(fds, r, deadline);
	e = errno;
	if (rc == 0 && proc_wait_exit(pid, deadline) == -1)
		r->timed_out = 1;
	if (rc != 0 || r->timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (r->timed_out)
		rc = ar_fail(err, AR_EAWS, "`%s` did not finish within %ld s "
		    "and was killed", argv[0], timeout_s);
	else if (rc == -2)
		rc = ar_fail(err, AR_EAWS, "`%s` printed more than %u bytes",
		    argv[0], AR_PROC_MAX_OUTPUT);
	else if (rc == -1)
		ar_fail(err, AR_EGENERAL, "cannot read the output of `%s`: %s",
		    argv[0], strerror(e));
out:
	if (tty != -1) {
		proc_tty_give(tty, getpgrp());
		close(tty);
	}
	for (i = 0; i < 2; i++) {
		if (po[i] != -1)
			close(po[i]);
		if (pe[i] != -1)
			close(pe[i]);
		if (fds[i] != -1)
			close(fds[i]);
	}
	free(env);
	return rc;
}

/* Run a command line the profile configures (key is "credential_process"
 * or "mfa_process"): split like a shell, no shell, refused when empty,
 * then proc_run with env_add and give_tty.  r is filled as proc_run fills
 * it. */
static int
proc_run_configured(const char *key, const char *cmd, const char *profile,
    const char *env_add, int give_tty, struct proc_result *r,
    struct ar_err *err)
{
	char **argv = NULL;
	size_t argc = 0;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (ar_shlex_split(cmd, &argv, &argc, err) == -1)
		goto out;
	if (argc == 0) {
		ar_fail(err, AR_ECONFIG, "%s of profile \"%s\" is empty", key,
		    profile);
		goto out;
	}
	rc = proc_run(argv, env_add, give_tty, r, err);
out:
	ar_argv_free(argv);
	return rc;
}

/* Make r's stderr safe for a terminal, in place: each line NUL-terminated,
 * tabs and CRs as blanks, other control characters (C0, DEL, UTF-8's C1)
 * as '?'. */
static void
proc_err_sanitize(struct proc_result *r)
{
	unsigned char *s = (unsigned char *)r->err.p;
	size_t i;

	for (i = 0; i < r->err.len; i++) {
		if (s[i] == '\n')
			s[i] = '\0';
		else if (s[i] == '\t' || s[i] == '\r')
			s[i] = ' ';
		else if (s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
		else if (s[i] == 0xc2 && i + 1 < r->err.len &&
		    s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			s[i] = s[i + 1] = '?';
	}
}

/* "fix:" or "hint:" after leading blanks: the text after it, else NULL. */
static const char *
proc_fix_text(const char *line, const char *word)
{
	size_t n = strlen(word);

	line += strspn(line, " ");
	if (strncmp(line, word, n) != 0)
		return NULL;
	return line + n + strspn(line + n, " ");
}

/*
 * A failed command's stderr for an error message (point 24 of issue 13):
 * *cause is its last non-blank line that is not a fix or hint line ("" when
 * there is none), *fix the text of the first fix line after that one (NULL
 * when none).  Leading and trailing blanks are stripped and control
 * characters replaced; both point into r->err, which this rewrites.
 */
static void
proc_err_lines(struct proc_result *r, const char **cause, const char **fix)
{
	char *s = r->err.p, *line, *end;
	const char *f;

	*cause = "";
	*fix = NULL;
	if (s == NULL)
		return;
	proc_err_sanitize(r);
	for (line = s; line < s + r->err.len; line += strlen(line) + 1) {
		end = line + strlen(line);
		while (end > line && end[-1] == ' ')
			*--end = '\0';
		if ((f = proc_fix_text(line, "fix:")) != NULL) {
			if (*fix == NULL && **cause)
				*fix = *f ? f : NULL;
		} else if (proc_fix_text(line, "hint:") == NULL &&
		    line[strspn(line, " ")] != '\0') {
			*cause = line + strspn(line, " ");
			*fix = NULL;
		}
	}
}

/* What goes between "exited with status N" and cause in a message: ": ",
 * or that stderr held nothing (or only fix and hint lines). */
static const char *
proc_cause_sep(const struct proc_result *r, const char *cause)
{
	size_t i;

	if (*cause)
		return ": ";
	for (i = 0; i < r->err.len; i++)
		if (r->err.p[i] != ' ' && r->err.p[i] != '\0')
			return " and printed no cause on stderr";
	return " and printed nothing on stderr";
}

/* ========================================================================
 * 6. HTTP transport (libcurl + BearSSL)
 *
 * Owns: one HTTP exchange with TLS 1.2+, verification always on, the
 * compiled-in Amazon roots, timeouts and the body cap.
 *
 * Calls: 1
 * ======================================================================== */

/*
 * The five Amazon Trust Services roots (https://www.amazontrust.com/
 * repository/), which every STS endpoint chains to.
 */
/* Amazon Trust Services root certificates, embedded as CURLOPT_CAINFO_BLOB trust anchors.
 *
 * Generated from Debian 12 ca-certificates 20230311+deb12u1,
 * /usr/share/ca-certificates/mozilla/{Amazon_Root_CA_1..4,Starfield_Services_Root_Certificate_Authority_-_G2}.crt
 * Amazon recommends trusting all five roots (https://www.amazontrust.com/repository/).
 *
 * Checked: amazontrust.com/repository publishes, for each root, the SHA-256 hash of the
 * Subject Public Key Information (not the certificate fingerprint). For all five certificates
 * below, sha256(DER SubjectPublicKeyInfo) was computed with
 *   openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum
 * and matched the published value (checked 2026-11-28 against the stored copy of
 * https://www.amazontrust.com/repository/). The certificate SHA-256 fingerprints are given as
 * computed locally (openssl x509 -fingerprint -sha256).
 */

static const char ar_amazon_roots_pem[] =
    /* Subject:   CN=Amazon Root CA 1,O=Amazon,C=US
     * Validity:  May 26 00:00:00 2015 GMT .. Jan 17 00:00:00 2038 GMT
     * SHA-256 fingerprint (certificate DER):
     *   8E:CD:E6:88:4F:3D:87:B1:12:5B:A3:1A:C3:FC:B1:3D:70:16:DE:7F:57:CC:90:4F:E1:CB:97:C6:AE:98:19:6E
     * SHA-256 of SubjectPublicKeyInfo: fbe3018031f9586bcbf41727e417b7d1c45c2f47f93be372a17b96b50757d5a2
     *   == value published at https://www.amazontrust.com/repository/ (checked) */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDQTCCAimgAwIBAgITBmyfz5m/jAo54vB4ikPmljZbyjANBgkqhkiG9w0BAQsF\n"
    "ADA5MQswCQYDVQQGEwJVUzEPMA0GA1UEChMGQW1hem9uMRkwFwYDVQQDExBBbWF6\n"
    "b24gUm9vdCBDQSAxMB4XDTE1MDUyNjAwMDAwMFoXDTM4MDExNzAwMDAwMFowOTEL\n"
    "MAkGA1UEBhMCVVMxDzANBgNVBAoTBkFtYXpvbjEZMBcGA1UEAxMQQW1hem9uIFJv\n"
    "b3QgQ0EgMTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALJ4gHHKeNXj\n"
    "ca9HgFB0fW7Y14h29Jlo91ghYPl0hAEvrAIthtOgQ3pOsqTQNroBvo3bSMgHFzZM\n"
    "9O6II8c+6zf1tRn4SWiw3te5djgdYZ6k/oI2peVKVuRF4fn9tBb6dNqcmzU5L/qw\n"
    "IFAGbHrQgLKm+a/sRxmPUDgH3KKHOVj4utWp+UhnMJbulHheb4mjUcAwhmahRWa6\n"
    "VOujw5H5SNz/0egwLX0tdHA114gk957EWW67c4cX8jJGKLhD+rcdqsq08p8kDi1L\n"
    "93FcXmn/6pUCyziKrlA4b9v7LWIbxcceVOF34GfID5yHI9Y/QCB/IIDEgEw+OyQm\n"
    "jgSubJrIqg0CAwEAAaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMC\n"
    "AYYwHQYDVR0OBBYEFIQYzIU07LwMlJQuCFmcx7IQTgoIMA0GCSqGSIb3DQEBCwUA\n"
    "A4IBAQCY8jdaQZChGsV2USggNiMOruYou6r4lK5IpDB/G/wkjUu0yKGX9rbxenDI\n"
    "U5PMCCjjmCXPI6T53iHTfIUJrU6adTrCC2qJeHZERxhlbI1Bjjt/msv0tadQ1wUs\n"
    "N+gDS63pYaACbvXy8MWy7Vu33PqUXHeeE6V/Uq2V8viTO96LXFvKWlJbYK8U90vv\n"
    "o/ufQJVtMVT8QtPHRh8jrdkPSHCa2XV4cdFyQzR1bldZwgJcJmApzyMZFo6IQ6XU\n"
    "5MsI+yMRQ+hDKXJioaldXgjUkK642M4UwtBV8ob2xJNDd2ZhwLnoQdeXeGADbkpy\n"
    "rqXRfboQnoZsG4q5WTP468SQvvG5\n"
    "-----END CERTIFICATE-----\n"
    /* Subject:   CN=Amazon Root CA 2,O=Amazon,C=US
     * Validity:  May 26 00:00:00 2015 GMT .. May 26 00:00:00 2040 GMT
     * SHA-256 fingerprint (certificate DER):
     *   1B:A5:B2:AA:8C:65:40:1A:82:96:01:18:F8:0B:EC:4F:62:30:4D:83:CE:C4:71:3A:19:C3:9C:01:1E:A4:6D:B4
     * SHA-256 of SubjectPublicKeyInfo: 7f4296fc5b6a4e3b35d3c369623e364ab1af381d8fa7121533c9d6c633ea2461
     *   == value published at https://www.amazontrust.com/repository/ (checked) */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIFQTCCAymgAwIBAgITBmyf0pY1hp8KD+WGePhbJruKNzANBgkqhkiG9w0BAQwF\n"
    "ADA5MQswCQYDVQQGEwJVUzEPMA0GA1UEChMGQW1hem9uMRkwFwYDVQQDExBBbWF6\n"
    "b24gUm9vdCBDQSAyMB4XDTE1MDUyNjAwMDAwMFoXDTQwMDUyNjAwMDAwMFowOTEL\n"
    "MAkGA1UEBhMCVVMxDzANBgNVBAoTBkFtYXpvbjEZMBcGA1UEAxMQQW1hem9uIFJv\n"
    "b3QgQ0EgMjCCAiIwDQYJKoZIhvcNAQEBBQADggIPADCCAgoCggIBAK2Wny2cSkxK\n"
    "gXlRmeyKy2tgURO8TW0G/LAIjd0ZEGrHJgw12MBvIITplLGbhQPDW9tK6Mj4kHbZ\n"
    "W0/jTOgGNk3Mmqw9DJArktQGGWCsN0R5hYGCrVo34A3MnaZMUnbqQ523BNFQ9lXg\n"
    "1dKmSYXpN+nKfq5clU1Imj+uIFptiJXZNLhSGkOQsL9sBbm2eLfq0OQ6PBJTYv9K\n"
    "8nu+NQWpEjTj82R0Yiw9AElaKP4yRLuH3WUnAnE72kr3H9rN9yFVkE8P7K6C4Z9r\n"
    "2UXTu/Bfh+08LDmG2j/e7HJV63mjrdvdfLC6HM783k81ds8P+HgfajZRRidhW+me\n"
    "z/CiVX18JYpvL7TFz4QuK/0NURBs+18bvBt+xa47mAExkv8LV/SasrlX6avvDXbR\n"
    "8O70zoan4G7ptGmh32n2M8ZpLpcTnqWHsFcQgTfJU7O7f/aS0ZzQGPSSbtqDT6Zj\n"
    "mUyl+17vIWR6IF9sZIUVyzfpYgwLKhbcAS4y2j5L9Z469hdAlO+ekQiG+r5jqFoz\n"
    "7Mt0Q5X5bGlSNscpb/xVA1wf+5+9R+vnSUeVC06JIglJ4PVhHvG/LopyboBZ/1c6\n"
    "+XUyo05f7O0oYtlNc/LMgRdg7c3r3NunysV+Ar3yVAhU/bQtCSwXVEqY0VThUWcI\n"
    "0u1ufm8/0i2BWSlmy5A5lREedCf+3euvAgMBAAGjQjBAMA8GA1UdEwEB/wQFMAMB\n"
    "Af8wDgYDVR0PAQH/BAQDAgGGMB0GA1UdDgQWBBSwDPBMMPQFWAJI/TPlUq9LhONm\n"
    "UjANBgkqhkiG9w0BAQwFAAOCAgEAqqiAjw54o+Ci1M3m9Zh6O+oAA7CXDpO8Wqj2\n"
    "LIxyh6mx/H9z/WNxeKWHWc8w4Q0QshNabYL1auaAn6AFC2jkR2vHat+2/XcycuUY\n"
    "+gn0oJMsXdKMdYV2ZZAMA3m3MSNjrXiDCYZohMr/+c8mmpJ5581LxedhpxfL86kS\n"
    "k5Nrp+gvU5LEYFiwzAJRGFuFjWJZY7attN6a+yb3ACfAXVU3dJnJUH/jWS5E4ywl\n"
    "7uxMMne0nxrpS10gxdr9HIcWxkPo1LsmmkVwXqkLN1PiRnsn/eBG8om3zEK2yygm\n"
    "btmlyTrIQRNg91CMFa6ybRoVGld45pIq2WWQgj9sAq+uEjonljYE1x2igGOpm/Hl\n"
    "urR8FLBOybEfdF849lHqm/osohHUqS0nGkWxr7JOcQ3AWEbWaQbLU8uz/mtBzUF+\n"
    "fUwPfHJ5elnNXkoOrJupmHN5fLT0zLm4BwyydFy4x2+IoZCn9Kr5v2c69BoVYh63\n"
    "n749sSmvZ6ES8lgQGVMDMBu4Gon2nL2XA46jCfMdiyHxtN/kHNGfZQIG6lzWE7OE\n"
    "76KlXIx3KadowGuuQNKotOrN8I1LOJwZmhsoVLiJkO/KdYE+HvJkJMcYr07/R54H\n"
    "9jVlpNMKVv/1F2Rs76giJUmTtt8AF9pYfl3uxRuw0dFfIRDH+fO6AgonB8Xx1sfT\n"
    "4PsJYGw=\n"
    "-----END CERTIFICATE-----\n"
    /* Subject:   CN=Amazon Root CA 3,O=Amazon,C=US
     * Validity:  May 26 00:00:00 2015 GMT .. May 26 00:00:00 2040 GMT
     * SHA-256 fingerprint (certificate DER):
     *   18:CE:6C:FE:7B:F1:4E:60:B2:E3:47:B8:DF:E8:68:CB:31:D0:2E:BB:3A:DA:27:15:69:F5:03:43:B4:6D:B3:A4
     * SHA-256 of SubjectPublicKeyInfo: 36abc32656acfc645c61b71613c4bf21c787f5cabbee48348d58597803d7abc9
     *   == value published at https://www.amazontrust.com/repository/ (checked) */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBtjCCAVugAwIBAgITBmyf1XSXNmY/Owua2eiedgPySjAKBggqhkjOPQQDAjA5\n"
    "MQswCQYDVQQGEwJVUzEPMA0GA1UEChMGQW1hem9uMRkwFwYDVQQDExBBbWF6b24g\n"
    "Um9vdCBDQSAzMB4XDTE1MDUyNjAwMDAwMFoXDTQwMDUyNjAwMDAwMFowOTELMAkG\n"
    "A1UEBhMCVVMxDzANBgNVBAoTBkFtYXpvbjEZMBcGA1UEAxMQQW1hem9uIFJvb3Qg\n"
    "Q0EgMzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCmXp8ZBf8ANm+gBG1bG8lKl\n"
    "ui2yEujSLtf6ycXYqm0fc4E7O5hrOXwzpcVOho6AF2hiRVd9RFgdszflZwjrZt6j\n"
    "QjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgGGMB0GA1UdDgQWBBSr\n"
    "ttvXBp43rDCGB5Fwx5zEGbF4wDAKBggqhkjOPQQDAgNJADBGAiEA4IWSoxe3jfkr\n"
    "BqWTrBqYaGFy+uGh0PsceGCmQ5nFuMQCIQCcAu/xlJyzlvnrxir4tiz+OpAUFteM\n"
    "YyRIHN8wfdVoOw==\n"
    "-----END CERTIFICATE-----\n"
    /* Subject:   CN=Amazon Root CA 4,O=Amazon,C=US
     * Validity:  May 26 00:00:00 2015 GMT .. May 26 00:00:00 2040 GMT
     * SHA-256 fingerprint (certificate DER):
     *   E3:5D:28:41:9E:D0:20:25:CF:A6:90:38:CD:62:39:62:45:8D:A5:C6:95:FB:DE:A3:C2:2B:0B:FB:25:89:70:92
     * SHA-256 of SubjectPublicKeyInfo: f7ecded5c66047d28ed6466b543c40e0743abe81d109254dcf845d4c2c7853c5
     *   == value published at https://www.amazontrust.com/repository/ (checked) */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIB8jCCAXigAwIBAgITBmyf18G7EEwpQ+Vxe3ssyBrBDjAKBggqhkjOPQQDAzA5\n"
    "MQswCQYDVQQGEwJVUzEPMA0GA1UEChMGQW1hem9uMRkwFwYDVQQDExBBbWF6b24g\n"
    "Um9vdCBDQSA0MB4XDTE1MDUyNjAwMDAwMFoXDTQwMDUyNjAwMDAwMFowOTELMAkG\n"
    "A1UEBhMCVVMxDzANBgNVBAoTBkFtYXpvbjEZMBcGA1UEAxMQQW1hem9uIFJvb3Qg\n"
    "Q0EgNDB2MBAGByqGSM49AgEGBSuBBAAiA2IABNKrijdPo1MN/sGKe0uoe0ZLY7Bi\n"
    "9i0b2whxIdIA6GO9mif78DluXeo9pcmBqqNbIJhFXRbb/egQbeOc4OO9X4Ri83Bk\n"
    "M6DLJC9wuoihKqB1+IGuYgbEgds5bimwHvouXKNCMEAwDwYDVR0TAQH/BAUwAwEB\n"
    "/zAOBgNVHQ8BAf8EBAMCAYYwHQYDVR0OBBYEFNPsxzplbszh2naaVvuc84ZtV+WB\n"
    "MAoGCCqGSM49BAMDA2gAMGUCMDqLIfG9fhGt0O9Yli/W651+kI0rz2ZVwyzjKKlw\n"
    "CkcO8DdZEv8tmZQoTipPNU0zWgIxAOp1AE47xDqUEpHJWEadIRNyp4iciuRMStuW\n"
    "1KyLa2tJElMzrdfkviT8tQp21KW8EA==\n"
    "-----END CERTIFICATE-----\n"
    /* Subject:   CN=Starfield Services Root Certificate Authority - G2,O=Starfield Technologies\, Inc.,L=Scottsdale,ST=Arizona,C=US
     * Validity:  Sep  1 00:00:00 2009 GMT .. Dec 31 23:59:59 2037 GMT
     * SHA-256 fingerprint (certificate DER):
     *   56:8D:69:05:A2:C8:87:08:A4:B3:02:51:90:ED:CF:ED:B1:97:4A:60:6A:13:C6:E5:29:0F:CB:2A:E6:3E:DA:B5
     * SHA-256 of SubjectPublicKeyInfo: 2b071c59a0a0ae76b0eadb2bad23bad4580b69c3601b630c2eaf0613afa83f92
     *   == value published at https://www.amazontrust.com/repository/ (checked) */
    "-----BEGIN CERTIFICATE-----\n"
    "MIID7zCCAtegAwIBAgIBADANBgkqhkiG9w0BAQsFADCBmDELMAkGA1UEBhMCVVMx\n"
    "EDAOBgNVBAgTB0FyaXpvbmExEzARBgNVBAcTClNjb3R0c2RhbGUxJTAjBgNVBAoT\n"
    "HFN0YXJmaWVsZCBUZWNobm9sb2dpZXMsIEluYy4xOzA5BgNVBAMTMlN0YXJmaWVs\n"
    "ZCBTZXJ2aWNlcyBSb290IENlcnRpZmljYXRlIEF1dGhvcml0eSAtIEcyMB4XDTA5\n"
    "MDkwMTAwMDAwMFoXDTM3MTIzMTIzNTk1OVowgZgxCzAJBgNVBAYTAlVTMRAwDgYD\n"
    "VQQIEwdBcml6b25hMRMwEQYDVQQHEwpTY290dHNkYWxlMSUwIwYDVQQKExxTdGFy\n"
    "ZmllbGQgVGVjaG5vbG9naWVzLCBJbmMuMTswOQYDVQQDEzJTdGFyZmllbGQgU2Vy\n"
    "dmljZXMgUm9vdCBDZXJ0aWZpY2F0ZSBBdXRob3JpdHkgLSBHMjCCASIwDQYJKoZI\n"
    "hvcNAQEBBQADggEPADCCAQoCggEBANUMOsQq+U7i9b4Zl1+OiFOxHz/Lz58gE20p\n"
    "OsgPfTz3a3Y4Y9k2YKibXlwAgLIvWX/2h/klQ4bnaRtSmpDhcePYLQ1Ob/bISdm2\n"
    "8xpWriu2dBTrz/sm4xq6HZYuajtYlIlHVv8loJNwU4PahHQUw2eeBGg6345AWh1K\n"
    "Ts9DkTvnVtYAcMtS7nt9rjrnvDH5RfbCYM8TWQIrgMw0R9+53pBlbQLPLJGmpufe\n"
    "hRhJfGZOozptqbXuNC66DQO4M99H67FrjSXZm86B0UVGMpZwh94CDklDhbZsc7tk\n"
    "6mFBrMnUVN+HL8cisibMn1lUaJ/8viovxFUcdUBgF4UCVTmLfwUCAwEAAaNCMEAw\n"
    "DwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFJxfAN+q\n"
    "AdcwKziIorhtSpzyEZGDMA0GCSqGSIb3DQEBCwUAA4IBAQBLNqaEd2ndOxmfZyMI\n"
    "bw5hyf2E3F/YNoHN2BtBLZ9g3ccaaNnRbobhiCPPE95Dz+I0swSdHynVv/heyNXB\n"
    "ve6SbzJ08pGCL72CQnqtKrcgfU28elUSwhXqvfdqlS5sdJ/PHLTyxQGjhdByPq1z\n"
    "qwubdQxtRbeOlKyWN7Wg0I8VRw7j6IPdj/3vQQF3zCepYoUz8jcI73HPdwbeyBkd\n"
    "iEDPfUYd/x7H4c7/I9vG+o1VTqkC50cRRj70/b17KSa7qWFiNyi2LSr2EIZkyXCn\n"
    "0q23KXB56jzaYyWf/Wi3MOxw+3WKt21gZ7IeyLnp2KhvAotnDU0mV3HaIPzBSlCN\n"
    "sSi6\n"
    "-----END CERTIFICATE-----\n";


/* The plain-http allow-list of each source (enum http_plain): loopback
 * (127.0.0.0/8, ::1, and the name localhost, which curl resolves itself) is
 * always allowed; these are the source's own addresses on top, with the
 * words and the fix its refusal uses. */
static const struct http_plain_rule {
	const char *addr[3];
	const char *why;
	const char *fix;
} http_plain_rules[] = {
	[AR_PLAIN_LOOPBACK] = { { NULL },
	    "which is not a loopback address",
	    "use https, or plain http only to 127.0.0.1 / [::1] / localhost" },
	[AR_PLAIN_IMDS] = { { "169.254.169.254", "fd00:ec2::254", NULL },
	    "which is neither IMDS (169.254.169.254, [fd00:ec2::254]) nor "
	    "loopback",
	    "unset it, or point it at the IMDS address or a loopback test "
	    "server" },
	[AR_PLAIN_CONTAINER] = { { "169.254.170.2", "169.254.170.23",
	    "fd00:ec2::23" },
	    "a host other than loopback or the ECS/EKS agent",
	    "use https, or the agent address 169.254.170.2 / 169.254.170.23" },
};

/* Whether the IPv4 or IPv6 address ip (family af, network order) is
 * loopback or one of rule's addresses. */
static int
http_addr_allowed(int af, const void *ip, enum http_plain rule)
{
	static const unsigned char lo6[16] = { [15] = 1 };
	const struct http_plain_rule *r = &http_plain_rules[rule];
	unsigned char a[16];
	size_t i, n = af == AF_INET ? 4 : 16;

	if (af != AF_INET && af != AF_INET6)
		return 0;
	if (af == AF_INET ? ((const unsigned char *)ip)[0] == 127 :
	    memcmp(ip, lo6, 16) == 0)
		return 1;
	for (i = 0; i < 3 && r->addr[i] != NULL; i++)
		if (inet_pton(af, r->addr[i], a) == 1 && memcmp(a, ip, n) == 0)
			return 1;
	return 0;
}

/* Parse url as curl_easy_perform will (its URL API, the same flags): the
 * scheme into s, the host into h (IPv4 numerics normalised: 0127.0.0.1 is
 * 87.0.0.1; IPv6 in brackets).  -1 if curl would refuse the URL. */
static int
url_parts(const char *url, char *s, size_t scap, char *h, size_t hcap)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = -1;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url,
	    CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    strlen(scheme) < scap && strlen(host) < hcap) {
		memcpy(s, scheme, strlen(scheme) + 1);
		memcpy(h, host, strlen(host) + 1);
		rc = 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/* 1 if url is plain http to localhost or to an address literal rule
 * allows, 0 if it is http to another host, -1 if it is not an http URL
 * curl reads.  The host curl reads goes into h. */
static int
http_plain_allowed(const char *url, enum http_plain rule, char *h,
    size_t cap)
{
	char s[16], ip6[64];
	unsigned char a[16];
	size_t n;

	if (url_parts(url, s, sizeof(s), h, cap) == -1 ||
	    strcasecmp(s, "http") != 0)
		return -1;
	if (strcasecmp(h, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, h, a) == 1)
		return http_addr_allowed(AF_INET, a, rule);
	n = strlen(h);
	if (h[0] != '[' || n < 3 || n - 2 >= sizeof(ip6))
		return 0;
	memcpy(ip6, h + 1, n - 2);
	ip6[n - 2] = '\0';
	return inet_pton(AF_INET6, ip6, a) == 1 &&
	    http_addr_allowed(AF_INET6, a, rule);
}

/* Fail for what (a variable or "endpoint URL") url, which reaches host over
 * plain http outside rule's list.  Returns -1. */
static int
http_plain_fail(const char *what, const char *url, const char *host,
    enum http_plain rule, struct ar_err *err)
{
	ar_fail(err, AR_ECONFIG, "%s %s uses plain http to %s, %s", what, url,
	    host, http_plain_rules[rule].why);
	return ar_fix(err, "%s", http_plain_rules[rule].fix);
}

/* See awsrole.h. */
static int
http_plain_check(const char *what, const char *url, enum http_plain rule,
    struct ar_err *err)
{
	char s[16], h[256];
	int ok;

	if (url_parts(url, s, sizeof(s), h, sizeof(h)) == -1) {
		ar_fail(err, AR_ECONFIG, "%s %s is not a valid URL", what, url);
		return ar_fix(err, "give an https:// URL");
	}
	if (strcasecmp(s, "https") == 0)
		return 0;
	ok = http_plain_allowed(url, rule, h, sizeof(h));
	if (ok == 1)
		return 0;
	if (ok == -1) {
		ar_fail(err, AR_ECONFIG, "%s %s must be an https:// or http:// "
		    "URL", what, url);
		return ar_fix(err, "%s", http_plain_rules[rule].fix);
	}
	return http_plain_fail(what, url, h, rule, err);
}

/* Free and wipe r's body; the other fields own nothing. */
static void
http_resp_free(struct http_resp *r)
{
	buf_free(&r->body);
}

/* curl write callback: append the n bytes (size is 1) to the buffer arg;
 * returns 0, failing the transfer, past AR_HTTP_MAX_BODY. */
static size_t
http_on_body(char *data, size_t size, size_t n, void *arg)
{
	struct ar_buf *b = arg;

	if (b->len + n > AR_HTTP_MAX_BODY)
		return 0; /* curl then fails with CURLE_WRITE_ERROR */
	buf_add(b, data, n);
	(void)size;
	return n;
}

/* Date: Sat, 28 Nov 2026 14:22:01 GMT (RFC 7231 IMF-fixdate). */
static time_t
http_parse_date(const char *v)
{
	static const char *mons = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	const char *m;
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(v, "%*3s, %d %3s %d %d:%d:%d GMT", &tm.tm_mday, mon,
	    &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	mon[3] = '\0';
	if ((m = strstr(mons, mon)) == NULL || (m - mons) % 3 != 0)
		return 0;
	tm.tm_mon = (int)(m - mons) / 3;
	tm.tm_year -= 1900;
	return timegm(&tm);
}

/* curl header callback: a Date header sets r->date (0 if unparsable). */
static size_t
http_on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_resp *r = arg;
	char line[128];

	if (n > 5 && n < sizeof(line) && strncasecmp(data, "date:", 5) == 0) {
		memcpy(line, data + 5, n - 5);
		line[n - 5] = '\0';
		r->date = http_parse_date(line + strspn(line, " \t"));
	}
	(void)size;
	return n;
}

/* A character that ends a word of curl's informational text. */
static int
http_text_delim(char c)
{
	return c == '\0' || strchr(" \t'\"<>()", c) != NULL;
}

/* Trace one line (n bytes) of curl's informational text with the userinfo
 * of every URL -- scheme://user:pass@host, or user:pass@host as a proxy
 * variable may hold it -- replaced by [redacted]. */
static void
http_trace_text(const char *p, size_t n)
{
	struct ar_buf b = { NULL, 0, 0, 1 };
	const char *end = p + n, *te, *auth, *stop, *at;

	while (p < end) {
		for (te = p; te < end && http_text_delim(*te); te++)
			;
		buf_add(&b, p, (size_t)(te - p));
		for (p = te; te < end && !http_text_delim(*te); te++)
			;
		auth = memmem(p, (size_t)(te - p), "://", 3);
		auth = auth != NULL ? auth + 3 : p;
		for (stop = auth; stop < te && !strchr("/?#", *stop); stop++)
			;
		at = memrchr(auth, '@', (size_t)(stop - auth));
		if (at != NULL) {
			buf_add(&b, p, (size_t)(auth - p));
			buf_adds(&b, "[redacted]");
			p = at;
		}
		buf_add(&b, p, (size_t)(te - p));
		p = te;
	}
	ar_trace(1, "http * %s", b.p != NULL ? b.p : "");
	buf_free(&b);
}

/* Verbose log: connection info and headers, secrets redacted, no bodies:
 * the value of every header that carries a credential, and the userinfo of
 * URLs in curl's text (a proxy variable's password). */
static int
http_on_debug(CURL *h, curl_infotype type, char *data, size_t n, void *arg)
{
	const char *redact[] = { "authorization:", "proxy-authorization:",
	    "x-amz-security-token:", "x-aws-ec2-metadata-token:", "cookie:",
	    "set-cookie:", NULL };
	const char *p = data, *end = data + n, *nl;
	int i;

	(void)h;
	(void)arg;
	if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_OUT &&
	    type != CURLINFO_HEADER_IN)
		return 0;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		for (i = 0; redact[i] != NULL; i++)
			if ((size_t)(nl - p) >= strlen(redact[i]) &&
			    strncasecmp(p, redact[i], strlen(redact[i])) == 0)
				break;
		if (type == CURLINFO_TEXT && memchr(p, '@', (size_t)(nl - p)))
			http_trace_text(p, (size_t)(nl - p - (nl[-1] == '\r')));
		else if (nl - p > 1 || (nl - p == 1 && *p != '\r'))
			ar_trace(1, "http %s %.*s%s",
			    type == CURLINFO_HEADER_OUT ? ">" :
			    type == CURLINFO_HEADER_IN ? "<" : "*",
			    redact[i] != NULL ? (int)strlen(redact[i]) :
			    (int)(nl - p - (nl[-1] == '\r')), p,
			    redact[i] != NULL ? " [redacted]" : "");
		if (nl == end)
			break;
	}
	return 0;
}

/* Fail with AR_ENET for a TLS verification failure of url, curl's detail
 * turned into a plain cause, with a CA bundle fix.  Returns -1. */
static int
http_tls_fail(const char *url, const char *detail, struct ar_err *err)
{
	const char *why = detail;

	if (strstr(detail, "0x0003") || strstr(detail, "0x0004") ||
	    strstr(detail, "0x0146"))
		why = "the server does not offer TLS 1.2 or later, which "
		    "awsrole requires";
	else if (strstr(detail, "expired"))
		why = "the server's certificate is expired or not yet valid";
	else if (strstr(detail, "server name"))
		why = "the server's certificate is for another host name";
	else if (strstr(detail, "trust anchor"))
		why = "the server's certificate is not signed by a trusted CA "
		    "(self-signed, or an unknown CA)";
	ar_fail(err, AR_ENET, "TLS verification of %s failed: %s", url, why);
	return ar_fix(err, "if a proxy or test server re-signs TLS, point "
	    "AWS_CA_BUNDLE (or ca_bundle in the profile) at its CA in PEM; "
	    "otherwise check the endpoint and the system clock");
}

/* Turn a curl failure into a clear error; sets r->retryable.  connected
 * says whether the TCP (and TLS) connection was up. */
static int
http_fail(CURLcode rc, const char *detail, int connected,
    const struct http_req *q, struct http_resp *r, struct ar_err *err)
{
	r->retryable = 1;
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		ar_fail(err, AR_ENET, "cannot resolve the host of %s: %s",
		    q->url, detail);
		return ar_fix(err, "check the endpoint (AWS_ENDPOINT_URL_STS, "
		    "AWS_ENDPOINT_URL, endpoint_url, region), DNS and any "
		    "HTTPS_PROXY");
	case CURLE_COULDNT_CONNECT:
		ar_fail(err, AR_ENET, "cannot connect to %s: %s", q->url,
		    detail);
		return ar_fix(err, "check the endpoint, the network and any "
		    "HTTPS_PROXY/NO_PROXY setting");
	case CURLE_OPERATION_TIMEDOUT:
		if (!connected)
			ar_fail(err, AR_ENET, "could not connect to %s within "
			    "%ld ms", q->url, q->timeout_ms < AR_HTTP_CONNECT_MS ?
			    q->timeout_ms : (long)AR_HTTP_CONNECT_MS);
		else
			ar_fail(err, AR_ENET, "%s did not answer within %ld ms",
			    q->url, q->timeout_ms);
		return ar_fix(err, "check the network path to the endpoint "
		    "and any proxy");
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		r->retryable = 0;
		return ar_fail(err, AR_ENET, "the response from %s is larger "
		    "than the limit of %u bytes", q->url, AR_HTTP_MAX_BODY);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		r->retryable = 0;
		return http_tls_fail(q->url, detail, err);
	default:
		ar_fail(err, AR_ENET, "HTTP request to %s failed: %s", q->url,
		    *detail ? detail : curl_easy_strerror(rc));
		return ar_fix(err, "check the network and the endpoint");
	}
}

/* The plain-http connect check of one request (CURLOPT_OPENSOCKETDATA). */
struct http_guard {
	enum http_plain rule;
	char refused[INET6_ADDRSTRLEN]; /* the address refused, or "" */
};

/* curl's open-socket callback for plain http: it sees the address curl
 * picked before connect().  An address outside the guard's rule gets no
 * socket (curl then fails to connect; http_do reports the refusal), so
 * nothing is sent to it. */
static curl_socket_t
http_on_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct http_guard *g = arg;
	const void *sa = &a->addr, *ip = NULL;

	if (a->family == AF_INET)
		ip = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (a->family == AF_INET6)
		ip = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (purpose == CURLSOCKTYPE_IPCXN && ip != NULL &&
	    http_addr_allowed(a->family, ip, g->rule))
		return socket(a->family, a->socktype | SOCK_CLOEXEC,
		    a->protocol);
	if (ip == NULL || inet_ntop(a->family, ip, g->refused,
	    sizeof(g->refused)) == NULL)
		snprintf(g->refused, sizeof(g->refused), "address family %d",
		    a->family);
	return CURL_SOCKET_BAD;
}

/* Whether curl sends url in clear: anything but https, as curl parses it. */
static int
http_is_plain(const char *url)
{
	char s[16], h[256];

	return url_parts(url, s, sizeof(s), h, sizeof(h)) == -1 ||
	    strcasecmp(s, "https") != 0;
}

/* Set h's options for request q, answers into r, header list hdrs: TLS 1.2 or
 * later, verified against the Amazon roots unless q->ca_file.  Plain http
 * (guard g) goes direct, never through a proxy, and only to g's addresses.
 * CURLE_OK or the first failing option's code. */
static CURLcode
http_setup(CURL *h, const struct http_req *q, struct http_resp *r,
    struct curl_slist *hdrs, struct http_guard *g)
{
	struct curl_blob roots = { (void *)ar_amazon_roots_pem,
	    sizeof(ar_amazon_roots_pem) - 1, CURL_BLOB_NOCOPY };
	long connect_ms = q->timeout_ms < AR_HTTP_CONNECT_MS ?
	    q->timeout_ms : AR_HTTP_CONNECT_MS;
	CURLcode rc = CURLE_OK;

#define SET(opt, val) \
	do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_URL, q->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_CUSTOMREQUEST, q->method);
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	SET(CURLOPT_TIMEOUT_MS, q->timeout_ms);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, (long)AR_HTTP_LOW_SPEED_S);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)AR_HTTP_MAX_BODY);
	SET(CURLOPT_WRITEFUNCTION, http_on_body);
	SET(CURLOPT_WRITEDATA, &r->body);
	SET(CURLOPT_HEADERFUNCTION, http_on_header);
	SET(CURLOPT_HEADERDATA, r);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_USERAGENT, "awsrole/" AWSROLE_VERSION);
	if (g != NULL) {
		SET(CURLOPT_PROXY, "");
		SET(CURLOPT_OPENSOCKETFUNCTION, http_on_socket);
		SET(CURLOPT_OPENSOCKETDATA, g);
	}
	if (q->ca_file != NULL)
		SET(CURLOPT_CAINFO, q->ca_file);
	else
		SET(CURLOPT_CAINFO_BLOB, &roots);
	if (q->body != NULL) {
		SET(CURLOPT_POSTFIELDS, q->body);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
	} else if (strcmp(q->method, "PUT") == 0) {
		SET(CURLOPT_POSTFIELDS, "");
	}
	if (q->verbose) {
		SET(CURLOPT_DEBUGFUNCTION, http_on_debug);
		SET(CURLOPT_VERBOSE, 1L);
	}
#undef SET
	return rc;
}

/* Whether the connection (and, for https, the TLS handshake) completed. */
static int
http_connected(CURL *h, const char *url)
{
	curl_off_t t = 0;

	curl_easy_getinfo(h, str_has_prefix(url, "https:") ?
	    CURLINFO_APPCONNECT_TIME_T : CURLINFO_CONNECT_TIME_T, &t);
	return t > 0;
}

/* A CA bundle that does not exist or cannot be read is the user's error,
 * not a TLS failure: say so before connecting. */
static int
http_check_ca(const char *path, struct ar_err *err)
{
	if (path == NULL || access(path, R_OK) == 0)
		return 0;
	ar_fail(err, AR_ECONFIG, "the CA bundle %s cannot be read: %s", path,
	    strerror(errno));
	return ar_fix(err, "fix or unset AWS_CA_BUNDLE (or ca_bundle in the "
	    "profile); without it awsrole trusts the Amazon roots built in");
}

/* One HTTP exchange.  The response body is kept whatever the status. */
static int
http_do(const struct http_req *q, struct http_resp *r, struct ar_err *err)
{
	char detail[CURL_ERROR_SIZE] = "";
	struct http_guard g = { q->plain, "" };
	struct curl_slist *hdrs = NULL, *t;
	CURL *h = NULL;
	CURLcode rc;
	size_t i;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	r->body.secret = 1;
	if (http_check_ca(q->ca_file, err) == -1)
		return -1;
	for (i = 0; q->headers != NULL && q->headers[i] != NULL; i++) {
		if ((t = curl_slist_append(hdrs, q->headers[i])) == NULL)
			oom();
		hdrs = t;
	}
	if ((h = curl_easy_init()) == NULL) {
		ar_fail(err, AR_EGENERAL, "cannot initialise libcurl");
		goto out;
	}
	rc = http_setup(h, q, r, hdrs, http_is_plain(q->url) ? &g : NULL);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
	if (rc == CURLE_OK)
		rc = curl_easy_perform(h);
	if (rc != CURLE_OK && g.refused[0] != '\0') {
		http_plain_fail("the URL", q->url, g.refused, q->plain, err);
		goto out; /* r->retryable stays 0 */
	}
	if (rc != CURLE_OK) {
		http_fail(rc, detail, http_connected(h, q->url), q, r, err);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	ret = 0;
out:
	if (ret == -1)
		buf_free(&r->body); /* a partial body may hold credentials */
	curl_easy_cleanup(h);
	for (t = hdrs; t != NULL; t = t->next)
		ar_wipe(t->data, strlen(t->data));
	curl_slist_free_all(hdrs);
	return ret;
}

/* ========================================================================
 * 7. XML reader (STS responses)
 *
 * Owns: a strict reader for the small XML documents STS returns.  It keeps
 * the text of every leaf element under its path ("A/B/C").  Anything an
 * STS response never contains -- DOCTYPE, entities beyond the five
 * predefined ones, CDATA, comments -- is refused, so there is no entity
 * expansion to abuse.
 *
 * Calls: 1
 * ======================================================================== */


/* Free d's nodes, wiping their text (it may hold credentials); d is
 * emptied. */
static void
xml_free(struct xml_doc *d)
{
	size_t i;

	for (i = 0; i < d->count; i++) {
		free(d->n[i].path);
		ar_free_secret(d->n[i].text);
	}
	free(d->n);
	d->n = NULL;
	d->count = 0;
}

/* The text of the first leaf whose path is `suffix` or ends in "/suffix". */
static const char *
xml_get(const struct xml_doc *d, const char *suffix)
{
	size_t i, sl = strlen(suffix), pl;

	for (i = 0; i < d->count; i++) {
		pl = strlen(d->n[i].path);
		if (pl >= sl && strcmp(d->n[i].path + pl - sl, suffix) == 0 &&
		    (pl == sl || d->n[i].path[pl - sl - 1] == '/'))
			return d->n[i].text;
	}
	return NULL;
}

struct xml_parser {
	const char *p, *end, *start;
	char *stack[AR_XML_MAX_DEPTH];
	int depth;
	int had_child[AR_XML_MAX_DEPTH];
	struct ar_buf text;  /* text of the current element */
	struct ar_buf path;
	struct xml_doc *doc;
	struct ar_err *err;
};

/* Fail with AR_EAWS "malformed XML", naming what and its byte offset; -1. */
static int
xml_error(struct xml_parser *x, const char *what)
{
	return ar_fail(x->err, AR_EAWS, "malformed XML from the server (%s "
	    "at byte %ld)", what, (long)(x->p - x->start));
}

/* &lt; &gt; &amp; &quot; &apos; &#N; &#xN; -- nothing else. */
static int
xml_entity(struct xml_parser *x)
{
	static const struct { const char *name; char c; } pre[] = {
		{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' },
		{ "quot;", '"' }, { "apos;", '\'' } };
	const char *semi, *digits;
	unsigned long c;
	size_t i;
	int hex, d;

	x->p++;
	semi = memchr(x->p, ';', (size_t)(x->end - x->p));
	if (semi == NULL || semi - x->p > 10)
		return xml_error(x, "unterminated entity");
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if ((size_t)(semi + 1 - x->p) == strlen(pre[i].name) &&
		    memcmp(x->p, pre[i].name, strlen(pre[i].name)) == 0) {
			buf_add(&x->text, &pre[i].c, 1);
			x->p = semi + 1;
			return 0;
		}
	if (*x->p != '#')
		return xml_error(x, "an entity reference, which is refused");
	hex = x->p[1] == 'x';
	c = 0;
	for (digits = x->p + 1 + hex; digits < semi && c <= 0x10ffff; digits++) {
		if ((d = hex_digit(*digits)) == -1 || (!hex && d > 9))
			return xml_error(x, "a bad character reference");
		c = c * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (semi == x->p + 1 + hex || c == 0 || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return xml_error(x, "a bad character reference");
	utf8_put(&x->text, c);
	x->p = semi + 1;
	return 0;
}

/* 1 when c may be in an element name (ASCII letter, digit, _ - . :), else
 * 0. */
static int
xml_is_name(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' ||
	    c == ':';
}

/* After '<name': skip attributes up to '>' or '/>'; sets *empty. */
static int
xml_skip_attrs(struct xml_parser *x, int *empty)
{
	const char *q;

	while (x->p < x->end && *x->p != '>') {
		if (*x->p == '"' || *x->p == '\'') {
			q = memchr(x->p + 1, *x->p, (size_t)(x->end - x->p - 1));
			if (q == NULL)
				return xml_error(x, "unterminated attribute");
			x->p = q;
		} else if (*x->p == '<') {
			return xml_error(x, "'<' inside a tag");
		}
		x->p++;
	}
	if (x->p >= x->end)
		return xml_error(x, "truncated tag");
	*empty = x->p[-1] == '/';
	x->p++;
	return 0;
}

/* Read the start tag at x->p (at its '<') and push its name: 0, 1 for an
 * empty-element tag, or -1 with the error set. */
static int
xml_open(struct xml_parser *x)
{
	const char *name = ++x->p;
	int empty = 0;

	while (x->p < x->end && xml_is_name(*x->p))
		x->p++;
	if (x->p == name)
		return xml_error(x, "a tag without a name");
	if (x->depth == AR_XML_MAX_DEPTH)
		return xml_error(x, "nesting deeper than the limit");
	if (x->depth > 0)
		x->had_child[x->depth - 1] = 1;
	x->stack[x->depth] = xstrndup(name, (size_t)(x->p - name));
	x->had_child[x->depth] = 0;
	x->depth++;
	if (xml_skip_attrs(x, &empty) == -1)
		return -1;
	x->text.len = 0;
	if (x->text.p != NULL)
		x->text.p[0] = '\0';
	return empty ? 1 : 0;
}

/* Store the current element as a node (copies of its slash-joined path and its
 * text): 0, or -1 past AR_XML_MAX_NODES. */
static int
xml_record_leaf(struct xml_parser *x)
{
	int i;

	if (x->doc->count == AR_XML_MAX_NODES)
		return xml_error(x, "more elements than the limit");
	x->path.len = 0;
	for (i = 0; i < x->depth; i++) {
		if (i > 0)
			buf_add(&x->path, "/", 1);
		buf_adds(&x->path, x->stack[i]);
	}
	x->doc->n = xrealloc(x->doc->n, (x->doc->count + 1) *
	    sizeof(*x->doc->n));
	x->doc->n[x->doc->count].path = xstrdup(x->path.p);
	x->doc->n[x->doc->count].text = xstrdup(x->text.p ? x->text.p : "");
	x->doc->count++;
	return 0;
}

/* Close the innermost element ('/>' when name is NULL). */
static int
xml_close(struct xml_parser *x, const char *name, size_t len)
{
	char *top;

	if (x->depth == 0)
		return xml_error(x, "a closing tag without an opening one");
	top = x->stack[x->depth - 1];
	if (name != NULL && (strlen(top) != len || strncmp(top, name, len)))
		return xml_error(x, "mismatched closing tag");
	if (!x->had_child[x->depth - 1] && xml_record_leaf(x) == -1)
		return -1;
	free(top);
	x->depth--;
	x->text.len = 0;
	if (x->text.p != NULL)
		ar_wipe(x->text.p, x->text.cap);
	return 0;
}

/* Handle the markup at x->p: a start, end or empty tag or the XML declaration;
 * *done once the root has closed.  0, or -1 with the error set. */
static int
xml_tag(struct xml_parser *x, int *done)
{
	const char *name, *gt;
	int rc;

	if (x->p + 1 >= x->end)
		return xml_error(x, "truncated document");
	if (x->p[1] == '!')
		return xml_error(x, "a DOCTYPE, CDATA section or comment, "
		    "which is refused");
	if (x->p[1] == '?') {
		gt = memmem(x->p, (size_t)(x->end - x->p), "?>", 2);
		if (gt == NULL || x->depth > 0)
			return xml_error(x, "a bad processing instruction");
		x->p = gt + 2;
		return 0;
	}
	if (x->p[1] != '/') {
		if (*done)
			return xml_error(x, "a second root element");
		rc = xml_open(x);
		if (rc == 1)
			rc = xml_close(x, NULL, 0);
		*done = x->depth == 0;
		return rc;
	}
	name = x->p + 2;
	gt = memchr(name, '>', (size_t)(x->end - name));
	if (gt == NULL)
		return xml_error(x, "truncated closing tag");
	x->p = gt + 1;
	rc = xml_close(x, name, (size_t)(gt - name));
	*done = x->depth == 0;
	return rc;
}

/* Parse the whole input: 0 when it is exactly one complete root element (and
 * white space), else -1 with the error set. */
static int
xml_run(struct xml_parser *x)
{
	int done = 0;

	while (x->p < x->end) {
		if (*x->p == '<') {
			if (xml_tag(x, &done) == -1)
				return -1;
		} else if (x->depth == 0) {
			if (!isspace((unsigned char)*x->p))
				return xml_error(x, "text outside the root");
			x->p++;
		} else if (*x->p == '&') {
			if (xml_entity(x) == -1)
				return -1;
		} else {
			buf_add(&x->text, x->p++, 1);
		}
	}
	return done && x->depth == 0 ? 0 : xml_error(x, "truncated document");
}

/* Parse buf into d.  On error d is empty and err says where. */
static int
xml_parse(const char *buf, size_t len, struct xml_doc *d, struct ar_err *err)
{
	struct xml_parser x;
	int rc;

	memset(&x, 0, sizeof(x));
	memset(d, 0, sizeof(*d));
	x.p = x.start = buf;
	x.end = buf + len;
	x.doc = d;
	x.err = err;
	x.text.secret = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		x.p += 3;
	if (memchr(buf, '\0', len) != NULL) {
		x.p = memchr(buf, '\0', len);
		rc = xml_error(&x, "a NUL byte");
	} else {
		rc = xml_run(&x);
	}
	while (x.depth > 0)
		free(x.stack[--x.depth]);
	buf_free(&x.text);
	buf_free(&x.path);
	if (rc == -1)
		xml_free(d);
	return rc;
}

/* ========================================================================
 * 8. STS client
 *
 * Owns: the STS endpoint and signing region, the Query protocol (form
 * body, SigV4, XML answer), retries with backoff, and turning STS errors
 * into a cause and a fix.
 *
 * Calls: 1, 3, 4, 6, 7
 * ======================================================================== */

#define STS_VERSION "2011-06-15"

/* Regions whose STS requests the legacy global endpoint served. */
static int
sts_legacy_region(const char *r)
{
	static const char *legacy[] = { "ap-northeast-1", "ap-south-1",
	    "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
	    "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
	    "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
	    "us-west-2", NULL };
	int i;

	for (i = 0; legacy[i] != NULL; i++)
		if (strcmp(r, legacy[i]) == 0)
			return 1;
	return 0;
}

/* Split an endpoint URL into host and path; https, or plain http to an
 * address curl reads as loopback. */
static int
sts_parse_url(const char *url, struct sts_endpoint *ep, struct ar_err *err)
{
	const char *h, *slash;
	size_t hn;

	if (str_has_prefix(url, "https://"))
		h = url + 8;
	else if (str_has_prefix(url, "http://"))
		h = url + 7;
	else
		return ar_fail(err, AR_ECONFIG, "endpoint URL %s must start "
		    "with https://", url);
	slash = strchr(h, '/');
	hn = slash ? (size_t)(slash - h) : strlen(h);
	if (hn == 0 || hn >= sizeof(ep->host) || strpbrk(url, " \r\n?#@"))
		return ar_fail(err, AR_ECONFIG, "endpoint URL %s is not a "
		    "valid https URL", url);
	if (h == url + 7 && http_plain_check("endpoint URL", url,
	    AR_PLAIN_LOOPBACK, err) == -1)
		return -1;
	memcpy(ep->host, h, hn);
	ep->host[hn] = '\0';
	snprintf(ep->path, sizeof(ep->path), "%s", slash && *slash ? slash : "/");
	if ((size_t)snprintf(ep->url, sizeof(ep->url), "%.*s%s",
	    (int)(h - url + hn), url, ep->path) >= sizeof(ep->url))
		return ar_fail(err, AR_ECONFIG, "endpoint URL is too long");
	return 0;
}

/* Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region;
 * *src (may be NULL) names where it came from. */
static const char *
region_pick_src(const struct profile *p, const char *region_opt,
    const char **src)
{
	const char *r = region_opt, *s = "--region";

	if (r == NULL && (r = env_nonempty("AWS_REGION")) != NULL)
		s = "AWS_REGION";
	if (r == NULL && (r = env_nonempty("AWS_DEFAULT_REGION")) != NULL)
		s = "AWS_DEFAULT_REGION";
	if (r == NULL && p != NULL)
		r = profile_get(p, "region"), s = "profile";
	if (src != NULL)
		*src = s;
	return r != NULL && *r != '\0' ? r : NULL;
}

/* Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region. */
static const char *
region_pick(const struct profile *p, const char *region_opt)
{
	return region_pick_src(p, region_opt, NULL);
}

/* A setting botocore reads from variable env when it is present (even
 * empty), else from the profile's key; NULL when neither. */
static const char *
sts_setting(const struct profile *p, const char *env, const char *key)
{
	const char *v = getenv(env);

	return v != NULL ? v : p != NULL ? profile_get(p, key) : NULL;
}

/* botocore's ensure_boolean on a setting: "true" in any case is true. */
static int
sts_flag(const struct profile *p, const char *env, const char *key)
{
	const char *v = sts_setting(p, env, key);

	return v != NULL && strcasecmp(v, "true") == 0;
}

/* sts_regional_endpoints: *legacy = 1 for "legacy", 0 for "regional", ""
 * or unset; anything else is an error, case-sensitive, as in botocore. */
static int
sts_regional_mode(const struct profile *p, int *legacy, struct ar_err *err)
{
	const char *env = getenv("AWS_STS_REGIONAL_ENDPOINTS");
	const char *v = sts_setting(p, "AWS_STS_REGIONAL_ENDPOINTS",
	    "sts_regional_endpoints");
	char w[PATH_MAX + 16];
	const struct profile_kv *kv;

	*legacy = str_eq(v, "legacy");
	if (v == NULL || *v == '\0' || *legacy || strcmp(v, "regional") == 0)
		return 0;
	if (env != NULL) {
		ar_fail(err, AR_ECONFIG, "AWS_STS_REGIONAL_ENDPOINTS=%s is "
		    "neither \"legacy\" nor \"regional\" (case-sensitive; "
		    "botocore refuses it)", v);
		return ar_fix(err, "export AWS_STS_REGIONAL_ENDPOINTS=legacy, "
		    "or unset it");
	}
	kv = profile_kv(p, "sts_regional_endpoints");
	snprintf(w, sizeof(w), "%s:%d", kv->file, kv->line);
	ar_fail(err, AR_ECONFIG, "sts_regional_endpoints = %s in profile \"%s\" "
	    "(%s) is neither \"legacy\" nor \"regional\" (the values are "
	    "case-sensitive; botocore refuses the profile)", v, p->name, w);
	return ar_fix(err, "write sts_regional_endpoints = legacy, or regional "
	    "(the default)");
}

/* The sts endpoint_url of the [services S] section profile p names (NULL:
 * none there); a missing section or an sts that is not a block is an
 * error, as in botocore. */
static int
sts_services_url(const struct config *cfg, const struct profile *p,
    const char **url, char *src, size_t cap, struct ar_err *err)
{
	const struct profile_kv *kv = profile_kv(p, "services");
	const char *name = kv != NULL && kv->pair->value ? kv->pair->value : "";
	const struct ini_section *s;
	const struct ini_pair *sts = NULL;
	size_t i;
	int in_cred;

	*url = NULL;
	if (kv == NULL)
		return 0;
	if ((s = config_services(&cfg->cfg, name)) == NULL || s->npairs == 0) {
		in_cred = config_services(&cfg->cred, name) != NULL;
		ar_fail(err, AR_ECONFIG, "profile \"%s\" (%s:%d) has services = "
		    "%s, but there is no [services %s] section in %s%s%s%s",
		    p->name, kv->file, kv->line, name, name, cfg->config_path,
		    in_cred ? " (a [services " : "", in_cred ? name : "",
		    in_cred ? "] in the credentials file is a profile, not a "
		    "services section)" : "");
		return ar_fix(err, "add [services %s] with \"sts =\" and an "
		    "indented \"endpoint_url = https://...\" line, or remove "
		    "services from the profile", name);
	}
	for (i = 0; i < s->npairs; i++)
		if (strcmp(s->pairs[i].key, "sts") == 0)
			sts = &s->pairs[i];
	if (sts == NULL)
		return 0;
	if (sts->value != NULL) {
		ar_fail(err, AR_ECONFIG, "[%s] (%s:%d): sts must be a block "
		    "(\"sts =\" followed by indented \"endpoint_url = ...\" "
		    "lines), not \"sts = %s\"", s->name, cfg->config_path,
		    sts->line, sts->value);
		return ar_fix(err, "write \"sts =\" and, on the next line, "
		    "\"  endpoint_url = https://...\"");
	}
	for (i = 0; i < sts->nsub; i++)
		if (strcmp(sts->sub[i].key, "endpoint_url") == 0 &&
		    sts->sub[i].value != NULL && *sts->sub[i].value != '\0') {
			*url = sts->sub[i].value;
			snprintf(src, cap, "[%s] (%s:%d)", s->name,
			    cfg->config_path, sts->sub[i].line);
		}
	return 0;
}

/* The configured endpoint URL (NULL: none), in botocore's order:
 * AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, [services S] sts endpoint_url,
 * the profile's endpoint_url; empty values are unset, and
 * ignore_configured_endpoint_urls turns them all off. */
static int
sts_configured_url(const struct config *cfg, const struct profile *p,
    const char **url, char *src, size_t cap, struct ar_err *err)
{
	const struct profile_kv *kv;

	*url = NULL;
	if (sts_flag(p, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	    "ignore_configured_endpoint_urls"))
		return 0;
	if ((*url = env_nonempty("AWS_ENDPOINT_URL_STS")) != NULL) {
		snprintf(src, cap, "AWS_ENDPOINT_URL_STS");
		return 0;
	}
	if ((*url = env_nonempty("AWS_ENDPOINT_URL")) != NULL) {
		snprintf(src, cap, "AWS_ENDPOINT_URL");
		return 0;
	}
	if (p == NULL)
		return 0;
	if (cfg != NULL && sts_services_url(cfg, p, url, src, cap, err) == -1)
		return -1;
	if (*url == NULL && (kv = profile_kv(p, "endpoint_url")) != NULL &&
	    kv->pair->value != NULL && *kv->pair->value != '\0') {
		*url = kv->pair->value;
		snprintf(src, cap, "endpoint_url (%s:%d)", kv->file, kv->line);
	}
	return 0;
}

/* The DNS suffixes of region r's partition (botocore's partitions.json:
 * the first whose pattern PREFIX\w+-\d+ matches, else aws). */
static void
sts_partition(const char *r, const char **dns, const char **dual, int *gov)
{
	static const char *part[][3] = {
		{ "cn-", "amazonaws.com.cn", "api.amazonwebservices.com.cn" },
		{ "eusc-de-", "amazonaws.eu", "api.amazonwebservices.eu" },
		{ "us-iso-", "c2s.ic.gov", "api.aws.ic.gov" },
		{ "us-isob-", "sc2s.sgov.gov", "api.aws.scloud" },
		{ "eu-isoe-", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk" },
		{ "us-isof-", "csp.hci.ic.gov", "api.aws.hci.ic.gov" },
		{ "us-gov-", "amazonaws.com", "api.aws" },
	};
	const char *t, *dash;
	size_t i, w;

	*dns = "amazonaws.com", *dual = "api.aws", *gov = 0;
	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		if (!str_has_prefix(r, part[i][0]))
			continue;
		t = r + strlen(part[i][0]);
		w = strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789_");
		dash = t + w;
		if (w == 0 || *dash != '-' || !all_digits(dash + 1,
		    strlen(dash + 1)))
			continue;
		*dns = part[i][1], *dual = part[i][2], *gov = i == 6;
		return;
	}
}

/* The default endpoint of region r (botocore's STS endpoint rule set) into
 * url, and its signing region into ep->region. */
static void
sts_default_url(const char *r, int legacy, struct sts_endpoint *ep,
    char *url, size_t cap)
{
	const char *dns, *dual;
	int gov, global = strcmp(r, "aws-global") == 0;

	sts_partition(r, &dns, &dual, &gov);
	snprintf(ep->region, sizeof(ep->region), "%s", global ? "us-east-1" : r);
	if (!ep->fips && !ep->dualstack && (global || (legacy &&
	    sts_legacy_region(r)))) {
		snprintf(ep->region, sizeof(ep->region), "us-east-1");
		snprintf(url, cap, "https://sts.amazonaws.com/");
	} else if (ep->fips && ep->dualstack)
		snprintf(url, cap, "https://sts-fips.%s.%s/", r, dual);
	else if (ep->fips && gov)
		snprintf(url, cap, "https://sts.%s.%s/", r, dns);
	else if (ep->fips)
		snprintf(url, cap, "https://sts-fips.%s.%s/", r, dns);
	else if (ep->dualstack)
		snprintf(url, cap, "https://sts.%s.%s/", r, dual);
	else
		snprintf(url, cap, "https://sts.%s.%s/", r, dns);
}

/* The region, with a FIPS pseudo-region (fips-R, R-fips) normalised as
 * botocore does (turning FIPS on), into buf; -1 when it is not a valid
 * name. */
static int
sts_region_norm(const char *region, char *buf, size_t cap, int *fips,
    struct ar_err *err)
{
	char *f;

	if (strlen(region) >= cap ||
	    strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(region))
		return ar_fail(err, AR_ECONFIG, "region \"%s\" is not a valid "
		    "AWS region name", region);
	snprintf(buf, cap, "%s", region);
	while ((f = strstr(buf, "fips-")) != NULL)
		memmove(f, f + 5, strlen(f + 5) + 1), *fips = 1;
	while ((f = strstr(buf, "-fips")) != NULL)
		memmove(f, f + 5, strlen(f + 5) + 1), *fips = 1;
	return 0;
}

/* Where the region came from, for -v and doctor. */
static void
sts_region_source(const struct profile *p, const char *src, int none,
    struct sts_endpoint *ep)
{
	const struct profile_kv *kv = p ? profile_kv(p, "region") : NULL;

	if (none)
		snprintf(ep->region_source, sizeof(ep->region_source), "none: "
		    "botocore's default, the global endpoint signed as "
		    "us-east-1");
	else if (strcmp(src, "profile") == 0 && kv != NULL)
		snprintf(ep->region_source, sizeof(ep->region_source),
		    "profile %s (%s:%d)", p->name, kv->file, kv->line);
	else
		snprintf(ep->region_source, sizeof(ep->region_source), "%s",
		    src);
}

/*
 * Endpoint and signing region of profile p, as botocore picks them: the
 * configured URL (sts_configured_url) as given, signed for the region;
 * else the rule set's default for the region (FIPS, dual-stack, legacy),
 * with no region the global endpoint signed as us-east-1.
 */
static int
sts_endpoint_resolve(const struct config *cfg, const struct profile *p,
    const char *region_opt, int verbose, struct sts_endpoint *ep,
    struct ar_err *err)
{
	const char *src, *region = region_pick_src(p, region_opt, &src), *url;
	char def[300], r[64] = "aws-global";
	int legacy, fips = 0;

	memset(ep, 0, sizeof(*ep));
	ep->verbose = verbose;
	ep->profile = p != NULL ? p->name : NULL;
	if (sts_regional_mode(p, &legacy, err) == -1 || (region != NULL &&
	    sts_region_norm(region, r, sizeof(r), &fips, err) == -1))
		return -1;
	sts_region_source(p, src, region == NULL, ep);
	ep->ca_file = env_nonempty("AWS_CA_BUNDLE");
	if (ep->ca_file == NULL && p != NULL)
		ep->ca_file = profile_get(p, "ca_bundle");
	if (sts_configured_url(cfg, p, &url, ep->endpoint_source,
	    sizeof(ep->endpoint_source), err) == -1)
		return -1;
	if (url != NULL) {
		if (region != NULL)
			snprintf(ep->region, sizeof(ep->region), "%s", r);
		return sts_parse_url(url, ep, err);
	}
	ep->fips = fips || sts_flag(p, "AWS_USE_FIPS_ENDPOINT",
	    "use_fips_endpoint");
	ep->dualstack = sts_flag(p, "AWS_USE_DUALSTACK_ENDPOINT",
	    "use_dualstack_endpoint");
	snprintf(ep->endpoint_source, sizeof(ep->endpoint_source), "default");
	sts_default_url(r, legacy, ep, def, sizeof(def));
	ar_trace(verbose && region == NULL, "no region (--region, AWS_REGION, "
	    "AWS_DEFAULT_REGION, region in profile \"%s\"): using the global "
	    "endpoint %s, signed as us-east-1, as botocore does", p ? p->name :
	    "", def);
	return sts_parse_url(def, ep, err);
}

/* As sts_endpoint_resolve, but never the global endpoint, for calls it
 * does not serve (GetScopedCredentials): a legacy or region-less default
 * becomes the regional endpoint of the region, or of us-east-1.  A
 * configured URL stays as it is. */
static int
sts_endpoint_regional(const struct config *cfg, const struct profile *p,
    const char *region_opt, int verbose, struct sts_endpoint *ep,
    struct ar_err *err)
{
	const char *src, *region = region_pick_src(p, region_opt, &src);
	char def[300], r[64] = "us-east-1";
	int fips = 0;

	if (sts_endpoint_resolve(cfg, p, region_opt, verbose, ep, err) == -1)
		return -1;
	if (strcmp(ep->endpoint_source, "default") != 0 ||
	    strcmp(ep->url, "https://sts.amazonaws.com/") != 0)
		return 0;
	if (region != NULL && sts_region_norm(region, r, sizeof(r), &fips,
	    err) == -1)
		return -1;
	sts_default_url(r, 0, ep, def, sizeof(def));
	snprintf(ep->endpoint_source, sizeof(ep->endpoint_source), "regional: "
	    "the global endpoint does not serve this call");
	return sts_parse_url(def, ep, err);
}

/* Fill body (marked secret) with the form Action=action&Version=..., then each
 * param with a value, in p's order, form-encoded as botocore does. */
static void
sts_form_body(const char *action, const struct sts_param *p, size_t n,
    struct ar_buf *body)
{
	char *v;
	size_t i;

	body->secret = 1;
	buf_addf(body, "Action=%s&Version=%s", action, STS_VERSION);
	for (i = 0; i < n; i++) {
		if (p[i].value == NULL)
			continue;
		v = ar_form_encode(p[i].value, strlen(p[i].value));
		buf_addf(body, "&%s=%s", p[i].name, v);
		ar_free_secret(v);
	}
}

/* With -v, trace the call: action, URL, attempt, region and each param (secret
 * ones as [redacted]). */
static void
sts_log_request(const struct sts_endpoint *ep, const char *action,
    const struct sts_param *p, size_t n, int attempt)
{
	struct ar_buf b;
	size_t i;

	if (!ep->verbose)
		return;
	memset(&b, 0, sizeof b);
	buf_addf(&b, "sts %s %s (attempt %d, region %s)", action, ep->url,
	    attempt, ep->region);
	for (i = 0; i < n; i++)
		if (p[i].value != NULL)
			buf_addf(&b, " %s=%s", p[i].name,
			    p[i].secret ? "[redacted]" : p[i].value);
	ar_trace(1, "%s", b.p);
	buf_free(&b);
}

/* Headers for one attempt: Host, Content-Type, X-Amz-Date, the session
 * token when there is one, and the SigV4 Authorization. */
static int
sts_sign(const struct sts_endpoint *ep, const struct creds *signer,
    const struct ar_buf *body, char **hdr, struct ar_err *err)
{
	static const char ctype[] =
	    "application/x-www-form-urlencoded; charset=utf-8";
	struct sigv4_header sh[4];
	struct sigv4_input in;
	struct sigv4_output out;
	char date[20];
	time_t t = now_s();
	struct tm tm;
	size_t n = 0;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y%m%dT%H%M%SZ", &tm);
	hdr[n] = NULL;
	sh[0] = (struct sigv4_header){ "Content-Type", ctype };
	sh[1] = (struct sigv4_header){ "Host", ep->host };
	sh[2] = (struct sigv4_header){ "X-Amz-Date", date };
	sh[3] = (struct sigv4_header){ "X-Amz-Security-Token",
	    signer ? signer->token : NULL };
	for (n = 0; n < 4 && sh[n].value != NULL; n++) {
		struct ar_buf h = { NULL, 0, 0, 1 };

		buf_addf(&h, "%s: %s", sh[n].name, sh[n].value);
		hdr[n] = buf_take(&h);
	}
	hdr[n] = NULL;
	if (signer == NULL)
		return 0;
	memset(&in, 0, sizeof(in));
	in.method = "POST";
	in.path = ep->path;
	in.query = "";
	in.headers = sh;
	in.nheaders = n;
	in.body = body->p;
	in.body_len = body->len;
	in.region = ep->region;
	in.service = "sts";
	in.amz_date = date;
	in.access_key = signer->akid;
	in.secret_key = signer->secret;
	in.normalize_path = 1;
	if (sigv4_sign(&in, &out, err) == -1)
		return -1;
	hdr[n] = xmalloc(strlen(out.authorization) + 16);
	sprintf(hdr[n], "Authorization: %s", out.authorization);
	hdr[n + 1] = NULL;
	sigv4_output_free(&out);
	return 0;
}

/* Wipe and free the strings of the NULL-terminated array hdr (the array is the
 * caller's) and leave it empty. */
static void
sts_headers_free(char **hdr)
{
	size_t i;

	for (i = 0; hdr[i] != NULL; i++)
		ar_free_secret(hdr[i]);
	hdr[0] = NULL;
}

/* The fix for an STS error code: its usual cause in a profile setup
 * (keys, clock, MFA, trust policy, session length). */
static const char *
sts_error_fix(const char *code, const char *msg)
{
	if (str_eq(code, "AccessDenied") && strstr(msg, "MultiFactor"))
		return "the MFA code was wrong or already used: wait for the "
		    "next code; check mfa_serial and the device's time sync";
	if (str_eq(code, "AccessDenied"))
		return "check the role's trust policy (it must trust the "
		    "source user, with aws:MultiFactorAuthPresent if MFA is "
		    "required), the source user's permission policy "
		    "(sts:AssumeRole on role_arn) and mfa_serial";
	if (str_eq(code, "InvalidClientTokenId"))
		return "the access key id is unknown or disabled: check "
		    "aws_access_key_id (quotes around it are kept as part of "
		    "the key) or the AWS_ACCESS_KEY_ID variable";
	if (str_eq(code, "RequestExpired") || strstr(msg, "Signature expired") ||
	    (str_eq(code, "SignatureDoesNotMatch") && strstr(msg, "time")))
		return "the system clock is off by more than 5 minutes: sync "
		    "it (NTP) and retry";
	if (str_eq(code, "SignatureDoesNotMatch"))
		return "the secret access key does not match the key id: "
		    "check aws_secret_access_key (no quotes) or "
		    "AWS_SECRET_ACCESS_KEY";
	if (str_eq(code, "ExpiredToken"))
		return "the session token has expired: log in again "
		    "(awsrole login PROFILE) or refresh AWS_SESSION_TOKEN";
	if (str_eq(code, "ValidationError") && strstr(msg, "DurationSeconds"))
		return "duration_seconds exceeds the role's maximum session "
		    "duration: lower it, or raise the role's "
		    "MaxSessionDuration (chained roles: 3600 at most)";
	if (str_eq(code, "RegionDisabledException"))
		return "STS is not activated in this region for the account: "
		    "activate it in IAM, or use another region";
	return "see the message above";
}

/* 1 when an STS failure is worth retrying: a throttling or IDP error code, or
 * HTTP 500, 502, 503 or 504; else 0. */
static int
sts_retryable_code(const char *code, long status)
{
	return str_eq(code, "Throttling") || str_eq(code, "ThrottlingException") ||
	    str_eq(code, "RequestLimitExceeded") ||
	    str_eq(code, "IDPCommunicationError") || status == 500 ||
	    status == 502 || status == 503 || status == 504;
}

/* A non-200 answer: one line with code, message and request id. */
static int
sts_error(const char *action, const struct http_resp *r, int *retry,
    struct ar_err *err)
{
	struct xml_doc d;
	struct ar_err ignore;
	const char *code = NULL, *msg = NULL, *rid = NULL;
	int rc;

	rc = xml_parse(r->body.p ? r->body.p : "", r->body.len, &d, &ignore);
	if (rc == 0) {
		code = xml_get(&d, "Error/Code");
		msg = xml_get(&d, "Error/Message");
		rid = xml_get(&d, "RequestId");
	}
	*retry = sts_retryable_code(code, r->status);
	if (code == NULL) {
		ar_fail(err, AR_EAWS, "STS %s failed with HTTP %ld and a body "
		    "that is not an STS error", action, r->status);
		ar_fix(err, "check the endpoint: it may not be STS");
	} else {
		ar_fail(err, AR_EAWS, "STS %s failed: %s: %s (HTTP %ld, "
		    "request id %s)", action, code, msg ? msg : "",
		    r->status, rid ? rid : "none");
		ar_fix(err, "%s", sts_error_fix(code, msg ? msg : ""));
	}
	if (rc == 0)
		xml_free(&d);
	return -1;
}

/* A 200 answer that is not STS XML: a proxy, portal or wrong endpoint. */
static void
sts_not_xml(const struct sts_endpoint *ep, const char *action,
    struct ar_err *err)
{
	char why[sizeof(err->msg)];

	memcpy(why, err->msg, sizeof(why));
	ar_fail(err, AR_EAWS, "the answer to %s from %s is not an STS "
	    "response: %.700s", action, ep->url, why);
	ar_fix(err, "check the endpoint (AWS_ENDPOINT_URL_STS, endpoint_url) "
	    "and any proxy or captive portal in between");
}

/* Standard-mode backoff: random in [0, min(2^attempt s, cap)). */
static void
sts_backoff(int attempt)
{
	long cap = 1000L << (attempt - 1);
	unsigned int seed = (unsigned int)(now_ms() ^ getpid());

	if (cap > AR_STS_BACKOFF_MAX_MS)
		cap = AR_STS_BACKOFF_MAX_MS;
	sleep_ms(rand_r(&seed) % cap);
}

/* One attempt; *retry says whether a failure is worth another. */
static int
sts_attempt(const struct sts_endpoint *ep, const struct creds *signer,
    const char *action, const struct ar_buf *body, struct xml_doc *out,
    time_t *server_date, int *retry, struct ar_err *err)
{
	char *hdr[6] = { NULL };
	struct http_req q;
	struct http_resp r;
	int rc = -1;

	*retry = 0;
	if (sts_sign(ep, signer, body, hdr, err) == -1)
		goto out;
	memset(&q, 0, sizeof(q));
	q.method = "POST";
	q.url = ep->url;
	q.headers = (const char *const *)hdr;
	q.body = body->p;
	q.body_len = body->len;
	q.timeout_ms = AR_HTTP_TOTAL_MS;
	q.ca_file = ep->ca_file;
	q.verbose = ep->verbose;
	if (http_do(&q, &r, err) == -1) {
		*retry = r.retryable;
		goto out;
	}
	if (server_date != NULL)
		*server_date = r.date;
	if (r.status != 200)
		sts_error(action, &r, retry, err);
	else if (xml_parse(r.body.p ? r.body.p : "", r.body.len, out, err) == 0)
		rc = 0;
	else
		sts_not_xml(ep, action, err);
	http_resp_free(&r);
out:
	sts_headers_free(hdr);
	return rc;
}

/* 0 when ep has a signing region; else -1: a configured endpoint URL and
 * no region, where botocore's signed calls fail (NoRegionError). */
static int
sts_need_region(const struct sts_endpoint *ep, struct ar_err *err)
{
	if (ep->region[0] != '\0')
		return 0;
	ar_fail(err, AR_ECONFIG, "no AWS region is set for %s%s%s, and calls "
	    "to the configured endpoint URL (from %s) must be signed for a "
	    "region", ep->profile ? "profile \"" : "the environment",
	    ep->profile ? ep->profile : "", ep->profile ? "\"" : "",
	    ep->endpoint_source);
	return ar_fix(err, "add region = <region> to the profile, pass "
	    "--region, or set AWS_REGION");
}

/*
 * Call STS `action` with params, signed by signer (NULL: unsigned, as
 * AssumeRoleWithWebIdentity is).  Retries throttling, 5xx and network
 * failures with backoff, at most AR_STS_ATTEMPTS times.
 */
static int
sts_call(const struct sts_endpoint *ep, const struct creds *signer,
    const char *action, const struct sts_param *p, size_t n,
    struct xml_doc *out, time_t *server_date, struct ar_err *err)
{
	struct ar_buf body = { NULL, 0, 0, 1 };
	int attempt, retry = 0, rc = -1;

	if (signer != NULL && sts_need_region(ep, err) == -1)
		return -1;
	sts_form_body(action, p, n, &body);
	for (attempt = 1; attempt <= AR_STS_ATTEMPTS; attempt++) {
		if (attempt > 1)
			sts_backoff(attempt - 1);
		sts_log_request(ep, action, p, n, attempt);
		rc = sts_attempt(ep, signer, action, &body, out, server_date,
		    &retry, err);
		if (rc == 0 || !retry)
			break;
		ar_trace(ep->verbose, "retrying: %s", err->msg);
	}
	if (rc == -1 && retry && attempt > AR_STS_ATTEMPTS) {
		size_t l = strlen(err->msg);

		snprintf(err->msg + l, sizeof(err->msg) - l, " (gave up "
		    "after %d attempts)", AR_STS_ATTEMPTS);
	}
	buf_free(&body);
	return rc;
}

/* Free c's strings and zero it. */
static void
caller_identity_free(struct caller_identity *c)
{
	free(c->user_id);
	free(c->account);
	free(c->arn);
	memset(c, 0, sizeof(*c));
}

/* GetCallerIdentity signed by c: fill id (free with caller_identity_free) and
 * *server_date (may be NULL).  0, or -1 with err filled. */
static int
sts_get_caller_identity(const struct sts_endpoint *ep, const struct creds *c,
    struct caller_identity *id, time_t *server_date, struct ar_err *err)
{
	struct xml_doc d;
	const char *u, *a, *arn;

	memset(id, 0, sizeof(*id));
	if (sts_call(ep, c, "GetCallerIdentity", NULL, 0, &d, server_date,
	    err) == -1)
		return -1;
	u = xml_get(&d, "GetCallerIdentityResult/UserId");
	a = xml_get(&d, "GetCallerIdentityResult/Account");
	arn = xml_get(&d, "GetCallerIdentityResult/Arn");
	if (u == NULL || a == NULL || arn == NULL) {
		xml_free(&d);
		return ar_fail(err, AR_EAWS, "the GetCallerIdentity answer "
		    "lacks UserId, Account or Arn");
	}
	id->user_id = xstrdup(u);
	id->account = xstrdup(a);
	id->arn = xstrdup(arn);
	xml_free(&d);
	return 0;
}

/*
 * Credentials from outside (STS, a process, IMDS, ECS) that are
 * safe to hand to a shell or an SDK: a key id of 1-128 letters and
 * digits, a secret and token of printable ASCII.  A hostile answer gets no
 * newline or quote into `env` output this way.  Returns the bad field.
 */
static const char *
creds_malformed(const char *id, const char *secret, const char *token)
{
	size_t n = strlen(id);

	if (n == 0 || n > 128 || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789") != n)
		return "AccessKeyId";
	if (!printable_token(secret))
		return "SecretAccessKey";
	if (token != NULL && !printable_token(token))
		return "SessionToken";
	return NULL;
}

/*
 * The checks every source of session credentials gets (STS answers, cache
 * entries): creds_malformed, and an expiry no further away than the
 * longest STS session.  Returns NULL, or the bad field ("Expiration" for a
 * far expiry).
 */
static const char *
creds_check(const char *id, const char *secret, const char *token,
    time_t expires)
{
	if (expires > now_s() + AR_SESSION_MAX_S)
		return "Expiration";
	return creds_malformed(id, secret, token);
}

/* Credentials out of an AssumeRole* answer.  Expired ones are refused. */
static int
sts_take_creds(const struct xml_doc *d, const char *action, struct creds *c,
    struct ar_err *err)
{
	static const char *need[] = { "Credentials/AccessKeyId",
	    "Credentials/SecretAccessKey", "Credentials/SessionToken",
	    "Credentials/Expiration", NULL };
	const char *arn, *bad;
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; need[i] != NULL; i++)
		if (xml_get(d, need[i]) == NULL || !*xml_get(d, need[i]))
			return ar_fail(err, AR_EAWS, "the %s answer lacks %s",
			    action, need[i]);
	if (iso8601_parse(xml_get(d, "Credentials/Expiration"),
	    &c->expires) == -1)
		return ar_fail(err, AR_EAWS, "the %s answer has an unreadable "
		    "Expiration", action);
	if (c->expires <= now_s()) {
		ar_fail(err, AR_EAWS, "%s returned credentials that expired "
		    "at %s", action, xml_get(d, "Credentials/Expiration"));
		return ar_fix(err, "check the system clock");
	}
	bad = creds_check(xml_get(d, "Credentials/AccessKeyId"),
	    xml_get(d, "Credentials/SecretAccessKey"),
	    xml_get(d, "Credentials/SessionToken"), strcmp(action,
	    "GetSessionToken") ? c->expires : c->expires -
	    (AR_MFA_SESSION_MAX_S - AR_SESSION_MAX_S));
	if (bad != NULL && strcmp(bad, "Expiration") == 0) {
		ar_fail(err, AR_EAWS, "%s returned an Expiration (%s) further "
		    "away than any STS session can last", action,
		    xml_get(d, "Credentials/Expiration"));
		return ar_fix(err, "check the endpoint and the system clock");
	}
	if (bad != NULL)
		return ar_fail(err, AR_EAWS, "the %s answer has a malformed %s",
		    action, bad);
	c->akid = xstrdup(xml_get(d, "Credentials/AccessKeyId"));
	c->secret = xstrdup(xml_get(d, "Credentials/SecretAccessKey"));
	c->token = xstrdup(xml_get(d, "Credentials/SessionToken"));
	if ((arn = xml_get(d, "AssumedRoleUser/Arn")) != NULL) {
		c->arn = xstrdup(arn);
		c->account = arn_account(arn);
	}
	if ((arn = xml_get(d, "AssumedRoleUser/AssumedRoleId")) != NULL)
		c->role_id = xstrdup(arn);
	snprintf(c->source, sizeof(c->source), "STS %s", action);
	return 0;
}

/* ========================================================================
 * 9. Credential sources
 *
 * Owns: where a chain's first credentials come from -- static keys in a
 * profile, the environment, a credential_process command, EC2 instance
 * metadata (IMDSv2) and the ECS/EKS container endpoint.
 *
 * Calls: 1, 3, 5, 6, 8
 * ======================================================================== */

/* A key whose value still carries the quotes the user typed: the CLI
 * keeps them, so AWS would reject the key.  Say so instead of guessing. */
static int
check_unquoted(const struct profile *p, const char *key, struct ar_err *err)
{
	const struct profile_kv *kv = profile_kv(p, key);
	const char *v = kv ? kv->pair->value : NULL;
	size_t n = v ? strlen(v) : 0;

	if (n < 2 || !((v[0] == '"' && v[n - 1] == '"') ||
	    (v[0] == '\'' && v[n - 1] == '\'')))
		return 0;
	ar_fail(err, AR_ECONFIG, "%s of profile \"%s\" (%s:%d) is wrapped in "
	    "quotes; the AWS CLI keeps quotes as part of the value, so AWS "
	    "would reject this key", key, p->name, kv->file, kv->line);
	return ar_fix(err, "remove the quotes: %s = <value>", key);
}

/* 1 when p sets aws_access_key_id or aws_secret_access_key in either
 * file (botocore's _has_static_credentials), else 0. */
static int
profile_has_static(const struct profile *p)
{
	return profile_get(p, "aws_access_key_id") != NULL ||
	    profile_get(p, "aws_secret_access_key") != NULL;
}

/* The file whose keys botocore takes for p: 1 when its credentials-file
 * section has aws_access_key_id, else 0 when its config-file section has
 * it, else -1. */
static int
profile_key_file(const struct profile *p)
{
	if (profile_file_pair(p, 1, "aws_access_key_id") != NULL)
		return 1;
	return profile_file_pair(p, 0, "aws_access_key_id") != NULL ? 0 : -1;
}

/* The keys of p in file f (profile_key_file) are whole: the secret in the
 * same file, and one name for the token; else -1 with the error, which
 * says what botocore does. */
static int
static_keys_check(const struct profile *p, int f, struct ar_err *err)
{
	static const char *fname[2] = { "config-file",
	    "shared-credentials-file" };
	const struct ini_pair *id = profile_file_pair(p, f, "aws_access_key_id");
	const struct ini_pair *sk = profile_file_pair(p, f,
	    "aws_secret_access_key");
	const struct ini_pair *other = profile_file_pair(p, !f,
	    "aws_secret_access_key");
	const struct ini_pair *tok = profile_file_pair(p, f, "aws_session_token");

	if (sk == NULL && other != NULL) {
		ar_fail(err, AR_ECONFIG, "profile \"%s\" has aws_access_key_id "
		    "in %s:%d but aws_secret_access_key only in %s:%d; both keys "
		    "(and aws_session_token) must be in the same file (botocore "
		    "refuses this: \"Partial credentials found in %s, missing: "
		    "aws_secret_access_key\")", p->name, p->path[f], id->line,
		    p->path[!f], other->line, fname[f]);
		return ar_fix(err, "move aws_secret_access_key to %s", p->path[f]);
	}
	if (tok != NULL && profile_file_pair(p, f, "aws_security_token")) {
		ar_fail(err, AR_ECONFIG, "profile \"%s\" (%s:%d) sets both "
		    "aws_session_token and aws_security_token; botocore would "
		    "send aws_security_token and ignore aws_session_token",
		    p->name, p->path[f], tok->line);
		return ar_fix(err, "keep only aws_session_token");
	}
	return 0;
}

/* Static keys of p from one file, as botocore reads them: the
 * credentials file's when it has aws_access_key_id, else the config
 * file's; the token (aws_session_token, or the legacy
 * aws_security_token) only from that file. */
static int
creds_from_profile(const struct profile *p, struct creds *c,
    struct ar_err *err)
{
	int f = profile_key_file(p);
	const struct ini_pair *id, *sk, *tok;

	id = f >= 0 ? profile_file_pair(p, f, "aws_access_key_id") : NULL;
	sk = f >= 0 ? profile_file_pair(p, f, "aws_secret_access_key") : NULL;
	if (f >= 0 && static_keys_check(p, f, err) == -1)
		return -1;
	if (id == NULL || sk == NULL || !*id->value || !*sk->value) {
		ar_fail(err, AR_ECONFIG, "profile \"%s\" (%s:%d) has %s but "
		    "not %s", p->name, p->file, p->line, id ?
		    "aws_access_key_id" : "aws_secret_access_key", id ?
		    "aws_secret_access_key" : "aws_access_key_id");
		return ar_fix(err, "give the profile both keys, or neither");
	}
	if (check_unquoted(p, "aws_access_key_id", err) == -1 ||
	    check_unquoted(p, "aws_secret_access_key", err) == -1)
		return -1;
	if ((tok = profile_file_pair(p, f, "aws_session_token")) == NULL)
		tok = profile_file_pair(p, f, "aws_security_token");
	c->akid = xstrdup(id->value);
	c->secret = xstrdup(sk->value);
	c->token = tok && *tok->value ? xstrdup(tok->value) : NULL;
	snprintf(c->source, sizeof(c->source), "profile %.40s (%.40s)",
	    p->name, strrchr(p->path[f], '/') ? strrchr(p->path[f], '/') + 1 :
	    p->path[f]);
	return 0;
}

/* AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN or the
 * legacy AWS_SECURITY_TOKEN, + AWS_CREDENTIAL_EXPIRATION).  Returns AR_NONE
 * when the environment holds no credentials, else AR_FOUND or AR_ERROR. */
static int
creds_from_env(struct creds *c, struct ar_err *err)
{
	const char *id = env_nonempty("AWS_ACCESS_KEY_ID");
	const char *sk = env_nonempty("AWS_SECRET_ACCESS_KEY");
	const char *tok = env_nonempty("AWS_SESSION_TOKEN");
	const char *exp = env_nonempty("AWS_CREDENTIAL_EXPIRATION");

	if (id == NULL && sk == NULL)
		return AR_NONE;
	if (id == NULL || sk == NULL) {
		ar_fail(err, AR_ECONFIG, "%s is set but %s is not", id ?
		    "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY", id ?
		    "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		return ar_fix(err, "set both variables, or unset both");
	}
	if (tok == NULL)
		tok = env_nonempty("AWS_SECURITY_TOKEN");
	if (exp != NULL && iso8601_parse(exp, &c->expires) == -1)
		return ar_fail(err, AR_ECONFIG, "AWS_CREDENTIAL_EXPIRATION "
		    "\"%s\" is not an ISO 8601 time", exp);
	c->akid = xstrdup(id);
	c->secret = xstrdup(sk);
	c->token = tok ? xstrdup(tok) : NULL;
	snprintf(c->source, sizeof(c->source), "environment variables");
	return 0;
}

/*
 * Credentials from a JSON object with the given member names (the
 * credential_process, IMDS and ECS formats differ only in names).
 */
static int
creds_from_json(const cJSON *o, const char *token_key, const char *what,
    struct creds *c, struct ar_err *err)
{
	const char *id = json_str(o, "AccessKeyId");
	const char *sk = json_str(o, "SecretAccessKey");
	const char *tok = json_str(o, token_key);
	const char *exp = json_str(o, "Expiration");
	const char *bad;

	if (id == NULL || sk == NULL)
		return ar_fail(err, AR_EAWS, "%s gave JSON without %s", what,
		    id ? "SecretAccessKey" : "AccessKeyId");
	if (exp != NULL && iso8601_parse(exp, &c->expires) == -1)
		return ar_fail(err, AR_EAWS, "%s gave an unreadable "
		    "Expiration \"%s\"", what, exp);
	if (c->expires != 0 && c->expires <= now_s())
		return ar_fail(err, AR_EAWS, "%s gave credentials that expired "
		    "at %s", what, exp);
	if ((bad = creds_malformed(id, sk, tok)) != NULL)
		return ar_fail(err, AR_EAWS, "%s gave a malformed %s", what,
		    bad);
	c->akid = xstrdup(id);
	c->secret = xstrdup(sk);
	c->token = tok ? xstrdup(tok) : NULL;
	return 0;
}

/* Parse credential_process output: {"Version": 1, ...}. */
static int
creds_parse_process(const char *out, const char *cmd, struct creds *c,
    struct ar_err *err)
{
	cJSON *j = cJSON_Parse(out);
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "Version");
	int rc = -1;

	if (!cJSON_IsObject(j))
		ar_fail(err, AR_EAWS, "credential_process `%s` did not print "
		    "a JSON object", cmd);
	else if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
		ar_fail(err, AR_EAWS, "credential_process `%s` printed JSON "
		    "without \"Version\": 1", cmd);
	else
		rc = creds_from_json(j, "SessionToken", "credential_process",
		    c, err);
	json_delete_wiped(j);
	return rc;
}

/* Run a credential_process command (split like a shell, no shell), with
 * env_add ("NAME=value", or NULL) added to its environment.  A failure
 * shows the command's own cause and its fix line, if it printed one. */
static int
creds_from_process(const char *cmd, const char *profile, const char *env_add,
    struct creds *c, struct ar_err *err)
{
	struct proc_result r;
	const char *cause, *fix = NULL;
	int rc = -1;

	if (proc_run_configured("credential_process", cmd, profile, env_add, 0,
	    &r, err) == -1)
		goto out;
	proc_err_lines(&r, &cause, &fix);
	if (r.status != 0) {
		ar_fail(err, AR_EAWS, "credential_process `%s` of profile "
		    "\"%s\" exited with status %d%s%s", cmd, profile, r.status,
		    proc_cause_sep(&r, cause), cause);
		if (fix != NULL)
			ar_fix(err, "%s", fix);
		goto out;
	}
	if (creds_parse_process(r.out.p ? r.out.p : "", cmd, c, err) == -1) {
		size_t l = strlen(err->msg);

		snprintf(err->msg + l, sizeof(err->msg) - l, "%s%s",
		    *cause ? "; its stderr: " : "", cause);
		goto out;
	}
	snprintf(c->source, sizeof(c->source), "credential_process of "
	    "profile %.40s", profile);
	rc = 0;
out:
	if (rc == -1 && !err->fix[0])
		ar_fix(err, "run the command by hand and check that it prints "
		    "{\"Version\": 1, \"AccessKeyId\": ..., "
		    "\"SecretAccessKey\": ...}");
	proc_result_free(&r);
	return rc;
}

/* Say which metadata service a transport error is about; the fix is
 * left to the source, which knows where the credentials should come from. */
static void
meta_context(const char *what, struct ar_err *err)
{
	char m[sizeof(err->msg)];

	snprintf(m, sizeof(m), "%.200s is unreachable: %.800s", what, err->msg);
	memcpy(err->msg, m, sizeof(m));
	err->fix[0] = '\0';
}

/* One metadata request (IMDS or ECS): short timeout, one retry; plain http
 * only to the addresses of rule. */
static int
meta_fetch(const char *method, const char *url, const char *const *hdrs,
    enum http_plain rule, const char *what, struct ar_buf *out,
    struct ar_err *err)
{
	struct http_req q;
	struct http_resp r;
	int attempt, rc = -1;

	memset(&q, 0, sizeof(q));
	q.method = method;
	q.url = url;
	q.headers = hdrs;
	q.timeout_ms = AR_IMDS_TIMEOUT_MS;
	q.ca_file = env_nonempty("AWS_CA_BUNDLE"); /* https FULL_URI only */
	q.plain = rule;
	for (attempt = 0; attempt < 2 && rc == -1; attempt++) {
		if (http_do(&q, &r, err) == -1) {
			http_resp_free(&r);
			if (err->status == AR_ECONFIG)
				break; /* not the service's fault: as it is */
			if (attempt == 1)
				meta_context(what, err);
			continue;
		}
		if (r.status == 200) {
			*out = r.body;
			out->secret = 1;
			return 0;
		}
		ar_fail(err, AR_EAWS, "%s answered HTTP %ld for %s %s", what,
		    r.status, method, url);
		http_resp_free(&r);
		if (r.status < 500)
			break;
	}
	return -1;
}

/* Credentials JSON from IMDS or ECS into c. */
static int
meta_parse_creds(const struct ar_buf *body, const char *what, struct creds *c,
    struct ar_err *err)
{
	cJSON *j = cJSON_Parse(body->p ? body->p : "");
	int rc;

	if (!cJSON_IsObject(j)) {
		json_delete_wiped(j);
		return ar_fail(err, AR_EAWS, "%s did not answer with a JSON "
		    "object", what);
	}
	rc = creds_from_json(j, "Token", what, c, err);
	json_delete_wiped(j);
	return rc;
}

/*
 * IMDSv2: PUT a session token, GET the role name, GET its credentials.
 * AWS_EC2_METADATA_SERVICE_ENDPOINT moves it; AWS_EC2_METADATA_DISABLED
 * turns it off.
 */
static int
creds_from_imds(struct creds *c, struct ar_err *err)
{
	const char *base = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *off = env_nonempty("AWS_EC2_METADATA_DISABLED");
	const char *ttl[] = { "X-aws-ec2-metadata-token-ttl-seconds: 21600",
	    NULL };
	struct ar_buf tok = { NULL, 0, 0, 1 }, role = { 0 }, body = { 0 };
	struct ar_buf url = { 0 }, th = { NULL, 0, 0, 1 };
	const char *hdrs[2];
	int rc = -1;

	if (off != NULL && strcasecmp(off, "true") == 0)
		return ar_fail(err, AR_ECONFIG, "credential_source = "
		    "Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is "
		    "true");
	if (base == NULL)
		base = "http://169.254.169.254";
	if (http_plain_check("AWS_EC2_METADATA_SERVICE_ENDPOINT", base,
	    AR_PLAIN_IMDS, err) == -1)
		return -1;
	buf_addf(&url, "%.*s/latest/api/token", (int)(strlen(base) -
	    (base[strlen(base) - 1] == '/')), base);
	if (meta_fetch("PUT", url.p, ttl, AR_PLAIN_IMDS, "the EC2 instance "
	    "metadata service (IMDS)", &tok, err) == -1)
		goto out;
	trim_right(&tok);
	buf_addf(&th, "X-aws-ec2-metadata-token: %s", tok.p);
	hdrs[0] = th.p;
	hdrs[1] = NULL;
	url.len -= strlen("api/token");
	buf_adds(&url, "meta-data/iam/security-credentials/");
	if (meta_fetch("GET", url.p, hdrs, AR_PLAIN_IMDS, "IMDS", &role, err) == -1)
		goto out;
	trim_right(&role);
	if (role.len == 0 || strchr(role.p, '/') != NULL) {
		ar_fail(err, AR_EAWS, "IMDS lists no instance role");
		ar_fix(err, "attach an IAM role (instance profile) to the "
		    "instance");
		goto out;
	}
	buf_add(&url, role.p, strcspn(role.p, "\n"));
	if (meta_fetch("GET", url.p, hdrs, AR_PLAIN_IMDS, "IMDS", &body, err) == -1 ||
	    meta_parse_creds(&body, "IMDS", c, err) == -1)
		goto out;
	snprintf(c->source, sizeof(c->source), "EC2 instance metadata "
	    "(role %.40s)", role.p);
	rc = 0;
out:
	if (rc == -1 && !err->fix[0])
		ar_fix(err, "credential_source = Ec2InstanceMetadata works only "
		    "on EC2 with an instance role and IMDS reachable at %s",
		    base);
	buf_free(&tok);
	buf_free(&th);
	buf_free(&role);
	buf_free(&body);
	buf_free(&url);
	return rc;
}

/* The Authorization header value, re-read from its file every time. */
static int
ecs_auth_token(struct ar_buf *tok, struct ar_err *err)
{
	const char *file = env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *val = env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN");

	tok->secret = 1;
	if (file != NULL) {
		if (read_file(file, AR_TOKEN_MAX, 1, AR_ECONFIG, tok, err) == -1)
			return ar_fix(err, "check "
			    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
		trim_right(tok);
	} else if (val != NULL) {
		buf_adds(tok, val);
	}
	if (tok->p != NULL && strpbrk(tok->p, "\r\n") != NULL)
		return ar_fail(err, AR_ECONFIG, "the container authorization "
		    "token contains a line break, which is refused");
	return 0;
}

/* ECS task role / EKS Pod Identity credentials. */
static int
creds_from_ecs(struct creds *c, struct ar_err *err)
{
	const char *rel = env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	struct ar_buf url = { 0 }, tok = { 0 }, ah = { NULL, 0, 0, 1 };
	struct ar_buf body = { 0 };
	const char *hdrs[2] = { NULL, NULL };
	int rc = -1;

	if (rel != NULL) {
		if (rel[0] != '/') { /* "@host/x" would make the agent userinfo */
			ar_fail(err, AR_ECONFIG, "AWS_CONTAINER_CREDENTIALS_"
			    "RELATIVE_URI \"%s\" must start with \"/\"", rel);
			ar_fix(err, "it is a path on the ECS agent "
			    "(169.254.170.2), like /v2/credentials/ID");
			goto out;
		}
		buf_addf(&url, "http://169.254.170.2%s", rel);
	} else if (full != NULL) {
		if (http_plain_check("AWS_CONTAINER_CREDENTIALS_FULL_URI", full,
		    AR_PLAIN_CONTAINER, err) == -1)
			goto out;
		buf_adds(&url, full);
	} else {
		ar_fail(err, AR_ECONFIG, "credential_source = EcsContainer, "
		    "but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
		    "AWS_CONTAINER_CREDENTIALS_FULL_URI is set");
		ar_fix(err, "this source works only inside ECS tasks and EKS "
		    "pods with a task role or Pod Identity");
		goto out;
	}
	if (ecs_auth_token(&tok, err) == -1)
		goto out;
	if (tok.len > 0) {
		buf_addf(&ah, "Authorization: %s", tok.p);
		hdrs[0] = ah.p;
	}
	if (meta_fetch("GET", url.p, hdrs, AR_PLAIN_CONTAINER, "the container "
	    "credentials endpoint", &body, err) == -1 ||
	    meta_parse_creds(&body, "the container credentials endpoint", c,
	    err) == -1)
		goto out;
	snprintf(c->source, sizeof(c->source), "container credentials "
	    "endpoint");
	rc = 0;
out:
	if (rc == -1 && !err->fix[0])
		ar_fix(err, "credential_source = EcsContainer works only inside "
		    "an ECS task or EKS pod whose agent serves %s", url.p);
	buf_free(&url);
	buf_free(&tok);
	buf_free(&ah);
	buf_free(&body);
	return rc;
}

/* ========================================================================
 * 10. Credential cache (the AWS CLI's format and location)
 *
 * Owns: ~/.aws/cli/cache (or AWSROLE_CACHE_DIR): the botocore cache key,
 * reading entries the CLI wrote, writing entries the CLI reads, atomic
 * replacement, per-entry flock, and the owner/mode/symlink checks.
 * An entry gets the checks of an STS answer (creds_check).
 *
 * Calls: 1, 8
 * ======================================================================== */

/* A string as Python's json.dumps writes it (ensure_ascii): cJSON's
 * escapes, then every code point outside ' '..'~' that cJSON left raw
 * (DEL and non-ASCII) as \u escapes (4 hex digits), with surrogate pairs above U+FFFF. */
static int
py_json_escaped(struct ar_buf *b, const char *s)
{
	cJSON *j = cJSON_CreateString(s);
	char *t = cJSON_PrintUnformatted(j);
	const unsigned char *p = (const unsigned char *)t;
	size_t left = t ? strlen(t) : 0;
	long c;
	int n, rc = t ? 0 : -1;

	for (; p != NULL && left > 0; p += n, left -= (size_t)n) {
		if ((c = utf8_decode(p, left, &n)) == -1) {
			rc = -1;
			break;
		}
		if (c >= 0x10000)
			buf_addf(b, "\\u%04lx\\u%04lx", 0xd800 + ((c - 0x10000) >>
			    10), 0xdc00 + ((c - 0x10000) & 0x3ff));
		else if (c >= 0x7f)
			buf_addf(b, "\\u%04lx", c);
		else
			buf_add(b, p, 1);
	}
	cJSON_free(t);
	cJSON_Delete(j);
	return rc;
}

/* Python's json.dumps of one string, with the quotes. */
static int
py_json_string(struct ar_buf *b, const char *s)
{
	size_t plain = strspn(s, " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLM"
	    "NOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

	if (s[plain] == '\0') { /* nothing to escape: the common case */
		buf_add(b, "\"", 1);
		buf_add(b, s, plain);
		buf_add(b, "\"", 1);
		return 0;
	}
	return py_json_escaped(b, s);
}

/* 1 when sc changes what AssumeRole sends. */
static int
scope_set(const struct scope *sc)
{
	return sc != NULL && (sc->policy || sc->narns || sc->ntags ||
	    sc->source_identity);
}

/* Python's repr of the float d (what json.dumps writes): the shortest
 * digits that read back as d, in fixed notation with at least ".0" when
 * the decimal point falls -3 to 16 places in, else as d[.ddd]e+XX. */
static void
py_float_repr(struct ar_buf *b, double d)
{
	char t[40], dig[20];
	int p, n = 0, x, i;

	for (p = 1; p <= 17; p++) {
		snprintf(t, sizeof(t), "%.*e", p - 1, d);
		if (strtod(t, NULL) == d)
			break;
	}
	for (i = t[0] == '-'; t[i] != 'e' && n < 19; i++)
		if (isdigit((unsigned char)t[i]))
			dig[n++] = t[i];
	dig[n] = '\0';
	x = atoi(strchr(t, 'e') + 1) + 1;
	buf_adds(b, t[0] == '-' ? "-" : "");
	if (x <= -4 || x > 16) {
		buf_add(b, dig, 1);
		buf_addf(b, "%s%se%c%02d", n > 1 ? "." : "", dig + 1,
		    x - 1 < 0 ? '-' : '+', abs(x - 1));
	} else if (x <= 0) {
		buf_addf(b, "0.%.*s%s", -x, "000", dig);
	} else if (x >= n) {
		buf_addf(b, "%s%.*s.0", dig, x - n, "0000000000000000");
	} else {
		buf_addf(b, "%.*s.%s", x, dig, dig + x);
	}
}

/* Skip the JSON string at s (at its opening quote); returns the byte after
 * its closing quote. */
static const char *
json_skip_string(const char *s)
{
	for (s++; *s && *s != '"'; s++)
		if (*s == '\\' && s[1] != '\0')
			s++;
	return *s ? s + 1 : s;
}

/* Give each number of the parsed JSON v its text from src (the text v was
 * parsed from), in document order, as its valuestring (cJSON_Delete frees
 * it): Python tells an int from a float by it. */
static void
json_numbers(cJSON *v, const char **src)
{
	const char *s;
	size_t n;

	for (; v != NULL; v = v->next) {
		if (v->child != NULL)
			json_numbers(v->child, src);
		if (!cJSON_IsNumber(v))
			continue;
		for (s = *src; *s && !strchr("-0123456789", *s); )
			s = *s == '"' ? json_skip_string(s) : s + 1;
		n = strspn(s, "+-0123456789.eE");
		v->valuestring = xstrndup(s, n);
		*src = s + n;
	}
}

/* Python's json.dumps(v, sort_keys=True) of a parsed JSON value: objects
 * with their keys sorted (code point order), ", " and ": " between.
 * Numbers are written as Python writes an int, or with 17 digits.  0, or
 * -1 for text that is not UTF-8. */
static int
py_json_value(struct ar_buf *b, const cJSON *v)
{
	const cJSON *it, *best, *prev = NULL;
	int rc = 0, n = 0, k;

	if (cJSON_IsString(v))
		return py_json_string(b, v->valuestring);
	if (cJSON_IsNumber(v)) {   /* valuestring: its text (json_numbers) */
		if (v->valuestring == NULL || strpbrk(v->valuestring, ".eE"))
			py_float_repr(b, v->valuedouble);
		else    /* an int: Python keeps every digit; -0 is 0 */
			buf_adds(b, strcmp(v->valuestring, "-0") ? v->valuestring :
			    "0");
		return 0;
	}
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v)) {
		buf_adds(b, cJSON_IsTrue(v) ? "true" : cJSON_IsFalse(v) ?
		    "false" : "null");
		return 0;
	}
	buf_adds(b, cJSON_IsArray(v) ? "[" : "{");
	for (it = v->child; cJSON_IsArray(v) && it; it = it->next, n++) {
		buf_adds(b, n ? ", " : "");
		rc |= py_json_value(b, it);
	}
	for (k = 0; cJSON_IsObject(v) && k < cJSON_GetArraySize(v); k++) {
		for (best = NULL, it = v->child; it; it = it->next)
			if ((prev == NULL || strcmp(it->string, prev->string) > 0) &&
			    (best == NULL || strcmp(it->string, best->string) <= 0))
				best = it;  /* a repeated key: the last, as Python */
		if (best == NULL)
			break;       /* the rest repeat a key */
		buf_adds(b, k ? ", " : "");
		rc |= py_json_string(b, best->string);
		buf_adds(b, ": ");
		rc |= py_json_value(b, best);
		prev = best;
	}
	buf_adds(b, cJSON_IsArray(v) ? "]" : "}");
	return rc;
}

/* The scope's members of the cache key that sort before RoleArn (Policy,
 * PolicyArns: before == 1) or after SerialNumber (SourceIdentity, Tags,
 * TransitiveTagKeys), each followed by ", " when before.  0, or -1. */
static int
cache_key_scope(struct ar_buf *j, const struct scope *sc, int before)
{
	const char *text;
	cJSON *pol;
	size_t i;
	int rc = 0;

	if (!scope_set(sc))
		return 0;
	if (before && sc->policy != NULL) {
		pol = cJSON_Parse(sc->policy);
		text = sc->policy;
		if (pol != NULL)
			json_numbers(pol->child, &text);
		buf_adds(j, "\"Policy\": ");
		rc |= pol ? py_json_value(j, pol) : -1;
		buf_adds(j, ", ");
		cJSON_Delete(pol);
	}
	for (i = 0; before && i < sc->narns; i++) {
		buf_adds(j, i ? "}, {\"arn\": " : "\"PolicyArns\": [{\"arn\": ");
		rc |= py_json_string(j, sc->arns[i]);
	}
	buf_adds(j, before && sc->narns ? "}], " : "");
	if (!before && sc->source_identity != NULL) {
		buf_adds(j, ", \"SourceIdentity\": ");
		rc |= py_json_string(j, sc->source_identity);
	}
	for (i = 0; !before && i < sc->ntags; i++) {
		buf_adds(j, i ? "}, {\"Key\": " : ", \"Tags\": [{\"Key\": ");
		rc |= py_json_string(j, sc->tags[i].key);
		buf_adds(j, ", \"Value\": ");
		rc |= py_json_string(j, sc->tags[i].value);
	}
	buf_adds(j, !before && sc->ntags ? "}]" : "");
	for (i = 0; !before && i < sc->ntrans; i++) {
		buf_adds(j, i ? ", " : ", \"TransitiveTagKeys\": [");
		rc |= py_json_string(j, sc->transitive[i]);
	}
	buf_adds(j, !before && sc->ntrans ? "]" : "");
	return rc;
}

/*
 * botocore's key: sha1(json.dumps(args, sort_keys=True)) over RoleArn and,
 * when set, DurationSeconds, ExternalId, RoleSessionName (only if the
 * user configured one) and SerialNumber -- here already in sorted order.
 */
static int
cache_key(const struct assume_args *a, char hex[41], struct ar_err *err)
{
	struct ar_buf j = { 0 };
	unsigned char d[20];
	br_sha1_context sc;
	int i, rc = 0;

	buf_adds(&j, "{");
	if (a->duration > 0)
		buf_addf(&j, "\"DurationSeconds\": %ld, ", a->duration);
	if (a->external_id != NULL) {
		buf_adds(&j, "\"ExternalId\": ");
		rc |= py_json_string(&j, a->external_id);
		buf_adds(&j, ", ");
	}
	rc |= cache_key_scope(&j, a->scope, 1);
	buf_adds(&j, "\"RoleArn\": ");
	rc |= py_json_string(&j, a->role_arn);
	if (a->session_name != NULL) {
		buf_adds(&j, ", \"RoleSessionName\": ");
		rc |= py_json_string(&j, a->session_name);
	}
	if (a->serial != NULL) {
		buf_adds(&j, ", \"SerialNumber\": ");
		rc |= py_json_string(&j, a->serial);
	}
	rc |= cache_key_scope(&j, a->scope, 0);
	buf_adds(&j, "}");
	if (rc == 0) {
		br_sha1_init(&sc);
		br_sha1_update(&sc, j.p, j.len);
		br_sha1_out(&sc, d);
		for (i = 0; i < 20; i++) {
			hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
			hex[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
		}
		hex[40] = '\0';
	}
	buf_free(&j);
	return rc == 0 ? 0 : ar_fail(err, AR_ECONFIG, "role %s: a value is not "
	    "valid UTF-8", a->role_arn);
}

/* A directory we may trust: ours, and writable by nobody else. */
static int
cache_check_dir(const char *dir, struct ar_err *err)
{
	struct stat st;

	if (stat(dir, &st) == -1 && errno == ENOENT)
		return AR_NONE;
	if (stat(dir, &st) == -1)
		return ar_fail(err, AR_EFILE, "cannot use the cache directory "
		    "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return ar_fail(err, AR_EFILE, "the cache path %s is not a "
		    "directory", dir);
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		ar_fail(err, AR_EFILE, "the cache directory %s is %s; another "
		    "user could plant or read credentials there", dir,
		    st.st_uid != geteuid() ? "owned by another user" :
		    "writable by group or others");
		return ar_fix(err, "chmod 700 %s (and make sure you own it)",
		    dir);
	}
	return 0;
}

/* mkdir -p, creating missing components 0700. */
static int
cache_mkdirs(const char *dir, struct ar_err *err)
{
	char path[PATH_MAX];
	char *p;

	snprintf(path, sizeof(path), "%s", dir);
	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		int last = *p == '\0';

		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			int e = errno;

			ar_fail(err, AR_EFILE, "cannot create the cache "
			    "directory %s: %s", path, strerror(e));
			err->sys = e;
			return -1;
		}
		if (last)
			break;
		*p = '/';
	}
	return 0;
}

/* Fill c: the directory (AWSROLE_CACHE_DIR, else HOME/.aws/cli/cache) and the
 * refresh window (-1: default).  0, or -1 with err filled. */
static int
cache_init(struct cache *c, int verbose, struct ar_err *err)
{
	const char *d = env_nonempty("AWSROLE_CACHE_DIR");
	const char *home = env_nonempty("HOME");
	int n;

	memset(c, 0, sizeof(*c));
	c->verbose = verbose;
	if (env_seconds("AWSROLE_REFRESH_WINDOW", -1, &c->window, err) == -1)
		return -1;
	if (d == NULL && home == NULL)
		return ar_fail(err, AR_EFILE, "neither HOME nor "
		    "AWSROLE_CACHE_DIR is set, so there is no cache directory");
	n = d ? snprintf(c->dir, sizeof(c->dir), "%s", d) :
	    snprintf(c->dir, sizeof(c->dir), "%s/.aws/cli/cache", home);
	if (n < 0 || (size_t)n >= sizeof(c->dir) - 64)
		return ar_fail(err, AR_EFILE, "the cache directory path is "
		    "too long");
	return 0;
}

/* dir/<key><ext>; cache_init keeps dir short enough for this to fit. */
static void
cache_path(const struct cache *c, const char *key, const char *ext,
    char out[PATH_MAX])
{
	int n = snprintf(out, PATH_MAX, "%s/%s%s", c->dir, key, ext);

	if (n < 0 || n >= PATH_MAX)
		out[0] = '\0';
}

/* Seconds before expiry at which an entry stops being handed out. */
static long
cache_window(const struct cache *c, long duration)
{
	long w = (duration > 0 ? duration : 3600) / 10;

	if (c->window >= 0)
		return c->window;
	return w < AR_REFRESH_MAX_S ? w : AR_REFRESH_MAX_S;
}

/* Open an entry safely: no symlinks, ours, not writable by others. */
static int
cache_open_entry(const char *path, int *fd, struct ar_err *err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (*fd == -1 && errno == ENOENT)
		return AR_NONE;
	if (*fd == -1 && errno == ELOOP) {
		ar_fail(err, AR_EFILE, "cache entry %s is a symbolic link, "
		    "which is refused", path);
		return ar_fix(err, "remove it (awsrole logout) and find out "
		    "who created it");
	}
	if (*fd == -1)
		return ar_fail(err, AR_EFILE, "cannot open cache entry %s: %s",
		    path, strerror(errno));
	if (fstat(*fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		close(*fd);
		*fd = -1;
		ar_fail(err, AR_EFILE, "cache entry %s is not a regular file "
		    "owned by you and writable only by you; refusing it", path);
		return ar_fix(err, "remove it (awsrole logout) and investigate "
		    "who created it");
	}
	return 0;
}

/* The JSON body of an entry into creds; -1 means corrupt. */
static int
cache_parse(const char *text, struct creds *cr)
{
	cJSON *j = cJSON_Parse(text);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "Credentials");
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(j, "AssumedRoleUser");
	const char *id = json_str(c, "AccessKeyId");
	const char *sk = json_str(c, "SecretAccessKey");
	const char *tok = json_str(c, "SessionToken");
	const char *exp = json_str(c, "Expiration");
	int rc = -1;

	if (id != NULL && sk != NULL && tok != NULL && exp != NULL &&
	    iso8601_parse(exp, &cr->expires) == 0) {
		cr->akid = xstrdup(id);
		cr->secret = xstrdup(sk);
		cr->token = xstrdup(tok);
		if (json_str(u, "Arn") != NULL) {
			cr->arn = xstrdup(json_str(u, "Arn"));
			cr->account = arn_account(cr->arn);
		}
		if (json_str(u, "AssumedRoleId") != NULL)
			cr->role_id = xstrdup(json_str(u, "AssumedRoleId"));
		rc = 0;
	}
	json_delete_wiped(j);
	return rc;
}

/* Why a parsed entry is corrupt all the same: a field no STS hands out
 * (creds_malformed), an Expiration beyond the longest session; or NULL. */
static const char *
cache_implausible(const struct creds *cr)
{
	const char *bad = creds_check(cr->akid, cr->secret, cr->token,
	    cr->expires);

	if (bad == NULL)
		return NULL;
	if (strcmp(bad, "Expiration") == 0)
		return "corrupt entry (an Expiration further away than any STS "
		    "session; ignored, will be replaced)";
	if (strcmp(bad, "AccessKeyId") == 0)
		return "corrupt entry (malformed AccessKeyId; ignored, will be "
		    "replaced)";
	if (strcmp(bad, "SecretAccessKey") == 0)
		return "corrupt entry (malformed SecretAccessKey; ignored, will "
		    "be replaced)";
	return "corrupt entry (malformed SessionToken; ignored, will be "
	    "replaced)";
}

/*
 * Read entry `key`.  Returns AR_NONE when there is no usable entry
 * (absent, corrupt -- unreadable, or failing the checks of every STS
 * answer; noted in *why -- or inside the refresh window), AR_FOUND with
 * *cr filled, AR_ERROR on a refused file.
 */
static int
cache_read(const struct cache *c, const char *key, long duration,
    struct creds *cr, const char **why, struct ar_err *err)
{
	struct ar_buf b = { NULL, 0, 0, 1 };
	char path[PATH_MAX];
	struct ar_err ignore;
	const char *bad = "corrupt entry (ignored, will be replaced)";
	int fd, rc;

	*why = "no entry";
	if ((rc = cache_check_dir(c->dir, err)) != 0)
		return rc;
	cache_path(c, key, ".json", path);
	if ((rc = cache_open_entry(path, &fd, err)) != 0)
		return rc;
	if (read_fd(fd, path, AR_CACHE_MAX_BYTES, AR_EFILE, &b, &ignore) == 0 &&
	    cache_parse(b.p, cr) == 0)
		bad = cache_implausible(cr);
	close(fd);
	if (bad != NULL) {
		*why = bad;
		creds_clear(cr);
		rc = AR_NONE;
	} else if (cr->expires - now_s() <= cache_window(c, duration)) {
		*why = cr->expires <= now_s() ? "expired entry" :
		    "entry inside the refresh window";
		creds_clear(cr);
		rc = AR_NONE;
	} else {
		snprintf(cr->source, sizeof(cr->source), "cache %.60s", key);
	}
	buf_free(&b);
	return rc;
}

/* The entry's body, as botocore writes it: the AssumeRole answer. */
static char *
cache_body(const struct creds *cr)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *c = cJSON_AddObjectToObject(root, "Credentials");
	cJSON *u;
	char exp[32];
	char *text;

	iso8601_format(cr->expires, exp, sizeof(exp));
	cJSON_AddStringToObject(c, "AccessKeyId", cr->akid);
	cJSON_AddStringToObject(c, "SecretAccessKey", cr->secret);
	cJSON_AddStringToObject(c, "SessionToken", cr->token ? cr->token : "");
	cJSON_AddStringToObject(c, "Expiration", exp);
	if (cr->account != NULL)
		cJSON_AddStringToObject(c, "AccountId", cr->account);
	if (cr->arn != NULL) {
		u = cJSON_AddObjectToObject(root, "AssumedRoleUser");
		if (cr->role_id != NULL)
			cJSON_AddStringToObject(u, "AssumedRoleId", cr->role_id);
		cJSON_AddStringToObject(u, "Arn", cr->arn);
	}
	text = cJSON_PrintUnformatted(root);
	json_delete_wiped(root);
	if (text == NULL)
		oom();
	return text;
}

/* Write all n bytes at p to fd, retrying on EINTR: 0, or -1 (errno set). */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Make the directory exist, ours and closed to others. */
static int
cache_prepare_dir(const struct cache *c, struct ar_err *err)
{
	int rc;

	if (cache_mkdirs(c->dir, err) == -1)
		return -1;
	if ((rc = cache_check_dir(c->dir, err)) == 1)
		return ar_fail(err, AR_EFILE, "the cache directory %s vanished "
		    "while in use", c->dir);
	return rc;
}

/*
 * Remove the temporary files of entry `key` that a killed writer left
 * behind (they hold a complete session); returns how many.  Called
 * under the entry's lock, where no live writer of that key can be.
 */
static int
cache_sweep_tmp(const struct cache *c, const char *key)
{
	struct dirent *e;
	size_t kl = strlen(key), n;
	int removed = 0;
	DIR *d;

	if ((d = opendir(c->dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (e->d_name[0] == '.' && n > kl + 5 &&
		    strncmp(e->d_name + 1, key, kl) == 0 &&
		    e->d_name[kl + 1] == '.' &&
		    strcmp(e->d_name + n - 4, ".tmp") == 0)
			removed += unlinkat(dirfd(d), e->d_name, 0) == 0;
	}
	closedir(d);
	return removed;
}

/*
 * Replace entry `key` atomically: a temporary file in the same directory,
 * fsync, rename, fsync of the directory.  On failure the previous entry
 * is untouched and the temporary file removed.
 */
static int
cache_write(const struct cache *c, const char *key, const struct creds *cr,
    struct ar_err *err)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	char *body = NULL;
	int fd = -1, dfd, rc = -1, e;

	if (cache_prepare_dir(c, err) == -1)
		return -1;
	cache_sweep_tmp(c, key);
	cache_path(c, key, ".json", path);
	snprintf(tmp, sizeof(tmp), "%.3900s/.%.40s.%ld.%lld.tmp", c->dir, key,
	    (long)getpid(), (long long)now_ms() % 1000000);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		goto fail;
	body = cache_body(cr);
	if (write_all(fd, body, strlen(body)) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	if ((dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
	goto out;
fail:
	e = errno;
	ar_fail(err, AR_EFILE, "cannot write cache entry %s: %s", path,
	    strerror(e));
	err->sys = e;
	ar_fix(err, "free disk space or fix the permissions of %s; the "
	    "previous entry, if any, is unchanged", c->dir);
	if (fd != -1)
		close(fd);
	unlink(tmp);
out:
	ar_free_secret(body);
	return rc;
}

/*
 * Take the lock beside entry `key`, waiting for another awsrole that
 * holds it (it may be waiting for an MFA code) up to AR_LOCK_TIMEOUT_S
 * (AWSROLE_LOCK_TIMEOUT overrides).  flock dies with its holder, so a
 * killed awsrole never leaves a stale lock.
 */
static int
cache_lock(const struct cache *c, const char *key, int *fd,
    struct ar_err *err)
{
	long limit;
	char path[PATH_MAX];
	int64_t deadline;

	if (env_seconds("AWSROLE_LOCK_TIMEOUT", AR_LOCK_TIMEOUT_S, &limit,
	    err) == -1 || cache_prepare_dir(c, err) == -1)
		return -1;
	cache_path(c, key, ".lock", path);
	*fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd == -1) {
		int e = errno;

		ar_fail(err, AR_EFILE, "cannot open lock file %s: %s", path,
		    strerror(e));
		err->sys = e;
		return -1;
	}
	deadline = now_ms() + limit * 1000;
	while (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    now_ms() >= deadline) {
			close(*fd);
			*fd = -1;
			ar_fail(err, AR_EFILE, "another awsrole has held %s for "
			    "%ld s (it may be waiting for an MFA code)", path,
			    limit);
			return ar_fix(err, "finish or cancel the other login, "
			    "then retry");
		}
		sleep_ms(20);
	}
	return 0;
}

static int
cache_unusable(const struct ar_err *e)
{
	return e->sys == EROFS || e->sys == EACCES || e->sys == EPERM ||
	    e->sys == ENOSPC || e->sys == EDQUOT;
}

/* Release a cache lock: closing fd drops its flock; -1 is a no-op. */
static void
cache_unlock(int fd)
{
	if (fd != -1)
		close(fd); /* releases the flock */
}

/* qsort and bsearch order of 41-byte cache keys (hex and a NUL). */
static int
key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 41);
}

/* The keys of every entry in the directory, sorted, so that `list` asks
 * the file system once rather than once per profile.  Best effort: an
 * unreadable directory gives an empty index. */
static void
cache_index_load(const struct cache *c, struct cache_index *ix)
{
	struct dirent *e;
	size_t cap = 0;
	DIR *d;

	memset(ix, 0, sizeof(*ix));
	if ((d = opendir(c->dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) != 45 || strcmp(e->d_name + 40, ".json"))
			continue;
		if (ix->n == cap) {
			cap = cap ? cap * 2 : 64;
			ix->key = xrealloc(ix->key, cap * sizeof(*ix->key));
		}
		memcpy(ix->key[ix->n], e->d_name, 40);
		ix->key[ix->n++][40] = '\0';
	}
	closedir(d);
	qsort(ix->key, ix->n, sizeof(*ix->key), key_cmp);
}

/* 1 when key is in ix (ix->key sorted), else 0. */
static int
cache_index_has(const struct cache_index *ix, const char key[41])
{
	return ix->n > 0 &&
	    bsearch(key, ix->key, ix->n, sizeof(*ix->key), key_cmp) != NULL;
}

/* Free ix's keys and zero it. */
static void
cache_index_free(struct cache_index *ix)
{
	free(ix->key);
	memset(ix, 0, sizeof(*ix));
}

/* Remove entry `key` and any temporary files of it; returns 1 if there
 * was an entry, 2 if there were only temporary files, 0 if nothing. */
static int
cache_remove(const struct cache *c, const char *key, struct ar_err *err)
{
	char path[PATH_MAX];
	int swept = cache_sweep_tmp(c, key), e;

	cache_path(c, key, ".json", path);
	if (unlink(path) == 0)
		return 1;
	if (errno == ENOENT)
		return swept > 0 ? 2 : 0;
	e = errno;
	ar_fail(err, AR_EFILE, "cannot remove %s: %s", path, strerror(e));
	if (e == EROFS)
		return ar_fix(err, "the cache is on a read-only file system; "
		    "remove the entry where it is writable, or set "
		    "AWSROLE_CACHE_DIR");
	return ar_fix(err, "check that you own %s and can write to it",
	    c->dir);
}

/* ========================================================================
 * 11. MFA codes
 *
 * Owns: getting a 6-digit code -- from --mfa-code, from the profile's
 * mfa_process, or from the terminal with the CLI's prompt and echo off.
 * Never from stdin/stdout: that works under credential_process and in
 * pipes.  With none of these, it fails at once.
 *
 * Calls: 1, 5
 * ======================================================================== */


/* 1 when s is exactly six ASCII digits, else 0. */
static int
mfa_valid(const char *s)
{
	return strlen(s) == 6 && all_digits(s, 6);
}

/* Run m's mfa_process and copy the 6-digit code it prints into code
 * (NUL-terminated); its output is wiped.  0, or -1 with err filled. */
static int
mfa_from_process(const struct mfa_source *m, char code[7],
    struct ar_err *err)
{
	struct proc_result r;
	const char *cause, *fix = NULL;
	int rc = -1;

	if (proc_run_configured("mfa_process", m->process, m->profile, NULL, 1,
	    &r, err) == -1)
		goto out;
	trim_right(&r.out);
	proc_err_lines(&r, &cause, &fix);
	if (r.status != 0 || r.out.p == NULL || !mfa_valid(r.out.p)) {
		if (r.status != 0 && *cause)
			ar_fail(err, AR_ELOGIN, "mfa_process `%s` failed: %s",
			    m->process, cause);
		else if (r.status != 0)
			ar_fail(err, AR_ELOGIN, "mfa_process `%s` exited with "
			    "status %d%s", m->process, r.status,
			    proc_cause_sep(&r, cause));
		else
			ar_fail(err, AR_ELOGIN, "mfa_process `%s` did not print "
			    "a 6-digit code%s%s", m->process, *cause ?
			    "; its stderr: " : "", cause);
		if (r.status == 0 || fix == NULL)
			fix = "run it by hand: it must print the code and exit 0";
		ar_fix(err, "%s", fix);
		goto out;
	}
	memcpy(code, r.out.p, 7);
	rc = 0;
out:
	proc_result_free(&r);
	return rc;
}

/* The terminal and its settings while echo is off at the prompt, for
 * tty_on_signal (set before echo goes off, -1 when it is back on). */
static struct termios tty_saved;
static volatile sig_atomic_t tty_saved_fd = -1;
static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* SIGINT, SIGTERM or SIGHUP at the prompt: put the terminal back, then die
 * of the signal (default handler; the re-raised signal is blocked here and
 * delivered when the handler returns).  Async-signal-safe. */
static void
tty_on_signal(int sig)
{
	if (tty_saved_fd != -1)
		tcsetattr(tty_saved_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Catch tty_signals with tty_on_signal, saving the old actions in old
 * (on), or put old back (!on). */
static void
tty_catch_signals(int on, struct sigaction old[3])
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tty_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(tty_signals[i], on ? &sa : &old[i], on ? &old[i] :
		    NULL);
}

/* Show prompt and read one line from the terminal with echo off, waiting
 * at most AR_MFA_PROMPT_TIMEOUT_S.  Echo goes off before the prompt is
 * shown (as in Python's getpass), so a fast answer is neither echoed nor
 * flushed away.  A signal meanwhile restores the terminal first. */
static int
tty_read_secret(int fd, const char *prompt, char *line, size_t cap)
{
	struct termios old, quiet;
	struct sigaction old_sa[3];
	struct pollfd pfd = { fd, POLLIN, 0 };
	int have = tcgetattr(fd, &old) == 0;
	ssize_t n = -1;

	if (have) {
		tty_saved = old;
		tty_saved_fd = fd;
		tty_catch_signals(1, old_sa);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	(void)!write(fd, prompt, strlen(prompt));
	if (poll(&pfd, 1, AR_MFA_PROMPT_TIMEOUT_S * 1000) == 1)
		n = read(fd, line, cap - 1);
	if (have) {
		tcsetattr(fd, TCSAFLUSH, &old);
		tty_saved_fd = -1;
		tty_catch_signals(0, old_sa);
	}
	(void)!write(fd, "\n", 1);
	if (n <= 0)
		return -1;
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	return 0;
}

/* The CLI's prompt, on the terminal, up to AR_MFA_TRIES times. */
static int
mfa_from_tty(const struct mfa_source *m, const char *serial, char code[7],
    struct ar_err *err)
{
	char line[64], prompt[300];
	int fd, i, rc = -1;

	fd = m->no_prompt ? -1 :
	    open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		ar_fail(err, AR_ELOGIN, "profile \"%s\" needs an MFA code for "
		    "%s, and %s", m->profile, serial, m->no_prompt ?
		    "AWSROLE_NO_PROMPT forbids asking for it" :
		    "there is no terminal to ask for it");
		return ar_fix(err, "run `awsrole login %s` in a terminal, then "
		    "retry (or pass --mfa-code, or set mfa_process)",
		    m->profile);
	}
	snprintf(prompt, sizeof(prompt), "Enter MFA code for %.256s: ", serial);
	for (i = 0; i < AR_MFA_TRIES && rc == -1; i++) {
		if (tty_read_secret(fd, prompt, line, sizeof(line)) == -1)
			break;
		if (mfa_valid(line)) {
			memcpy(code, line, 7);
			rc = 0;
		} else if (i + 1 < AR_MFA_TRIES) {
			dprintf(fd, "The MFA code must be 6 digits.\n");
		}
	}
	ar_wipe(line, sizeof(line));
	close(fd);
	if (rc == -1) {
		ar_fail(err, AR_ELOGIN, "no valid MFA code for %s was entered "
		    "(a code is 6 digits)", serial);
		ar_fix(err, "run `awsrole login %s` again and type the current "
		    "code from your MFA device", m->profile);
	}
	return rc;
}

/* A 6-digit code into code[7] (secret: the caller wipes it). */
static int
mfa_get(const struct mfa_source *m, const char *serial, char code[7],
    struct ar_err *err)
{
	if (m->given != NULL) {
		if (!mfa_valid(m->given)) {
			ar_fail(err, AR_EUSAGE, "--mfa-code must be 6 digits");
			return ar_fix(err, "pass the current code from the MFA "
			    "device for %s", serial);
		}
		memcpy(code, m->given, 7);
		return 0;
	}
	if (m->process != NULL)
		return mfa_from_process(m, code, err);
	return mfa_from_tty(m, serial, code, err);
}

/* ========================================================================
 * 12. Profile resolution
 *
 * Owns: turning a profile name into credentials as botocore does --
 * following source_profile to the first credentials (static keys,
 * credential_source, credential_process, web identity), validating every
 * hop before any call, then assuming each role in turn through the cache,
 * with the MFA code asked for inside the entry's lock so that concurrent
 * callers make one STS call and show one prompt.
 *
 * Calls: 1, 3, 7, 8, 9, 10, 11
 * ======================================================================== */

/* Filled by chain_build; points into the config, owns nothing. */
static const char *
profile_where(const struct profile *p, const char *key, char *buf,
    size_t cap)
{
	const struct profile_kv *kv = profile_kv(p, key);

	if (kv != NULL)
		snprintf(buf, cap, "%s:%d", kv->file, kv->line);
	else
		snprintf(buf, cap, "%s:%d", p->file, p->line);
	return buf;
}

/* arn:aws[-partition]:iam::<12 digits>:<kind><name> */
static int
match_arn(const char *v, const char *kind)
{
	const char *p = v;
	int i;

	if (!str_has_prefix(v, "arn:aws"))
		return 0;
	for (i = 0; i < 4 && p != NULL; i++)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	if (p == NULL || strlen(p) < 13 || !all_digits(p, 12) || p[12] != ':')
		return 0;
	return str_has_prefix(p + 13, kind) && strlen(p + 13) > strlen(kind) &&
	    strstr(v, ":iam::") != NULL;
}

/* 1 when s is a valid RoleSessionName: 2-64 of A-Z a-z 0-9 _+=,.@-; else 0. */
static int
valid_session_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_+=,.@-", s[i]))
			return 0;
	return 1;
}

/* A hardware MFA device's serial: 9-256 of [\w+=/:,.@-]. */
static int
match_hw_serial(const char *v)
{
	size_t n = strlen(v);

	return n >= 9 && n <= 256 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_+=/:,.@-") == n &&
	    !str_has_prefix(v, "arn:");
}

/* The checks of single profile values against what STS accepts, shared by
 * resolution (which stops at the first failure) and doctor (which reports
 * them all). */
static int
rule_role_arn(const char *v)
{
	return match_arn(v, "role/");
}

/* 1 when v is a duration_seconds STS accepts (900-43200), else 0. */
static int
rule_duration(const char *v)
{
	long d;

	return parse_long(v, 900, 43200, &d) == 0;
}

/* 1 when v's length fits STS's ExternalId (2-1224 bytes), else 0. */
static int
rule_external_id(const char *v)
{
	return strlen(v) >= 2 && strlen(v) <= 1224;
}

/* 1 when v is an MFA device ARN or a hardware token serial, else 0. */
static int
rule_mfa_serial(const char *v)
{
	return match_arn(v, "mfa/") || match_hw_serial(v);
}

enum { RULE_EMPTY_OK = 1, RULE_NOT_WEB = 2 };

static const struct value_rule value_rules[] = {
	{ "role_arn", rule_role_arn, 0, "is not a role ARN",
	    "use arn:aws:iam::<12-digit account>:role/<name>", NULL },
	{ "duration_seconds", rule_duration, RULE_NOT_WEB,
	    "is not a number of seconds from 900 to 43200",
	    "set duration_seconds between 900 and 43200, and no higher than "
	    "the role's maximum session duration",
	    "botocore would ignore it and ask for the default 1 hour" },
	{ "role_session_name", valid_session_name, RULE_EMPTY_OK,
	    "must be 2-64 characters of letters, digits and _+=,.@-",
	    "set role_session_name to a name such as alice-admin, or remove "
	    "it to get botocore-session-<time>", NULL },
	{ "external_id", rule_external_id, RULE_NOT_WEB,
	    "must be 2-1224 characters",
	    "set external_id to the value the role's owner gave you", NULL },
	{ "mfa_serial", rule_mfa_serial, RULE_NOT_WEB,
	    "is neither an MFA device ARN nor a hardware token serial",
	    "use arn:aws:iam::<12-digit account>:mfa/<device name> (IAM > "
	    "Security credentials)", NULL },
};

/* The first rule of value_rules that profile p breaks, or NULL; *value is
 * its value.  Starts after `after` (NULL: from the first rule). */
static const struct value_rule *
rule_broken(const struct profile *p, const struct value_rule *after,
    const char **value)
{
	const struct value_rule *r = after ? after + 1 : value_rules;
	const struct value_rule *end = value_rules +
	    sizeof(value_rules) / sizeof(value_rules[0]);
	int web = profile_is_web_identity(p);

	for (; r < end; r++) {
		*value = profile_get(p, r->key);
		if (*value == NULL || (web && (r->flags & RULE_NOT_WEB)) ||
		    (**value == '\0' && (r->flags & RULE_EMPTY_OK)))
			continue;
		if (!r->ok(*value))
			return r;
	}
	return NULL;
}

/* The error for value v of profile p breaking rule r; returns -1. */
static int
rule_fail(const struct profile *p, const struct value_rule *r,
    const char *v, struct ar_err *err)
{
	char w[PATH_MAX + 16];

	ar_fail(err, AR_ECONFIG, "%s \"%s\" of profile \"%s\" (%s) %s", r->key,
	    v, p->name, profile_where(p, r->key, w, sizeof(w)), r->what);
	return ar_fix(err, "%s", r->fix);
}

/* Every AssumeRole parameter, checked against STS's limits. */
static int
hop_validate(struct role_hop *h, struct ar_err *err)
{
	const struct profile *p = h->p;
	const struct value_rule *r;
	char w[PATH_MAX + 16];
	const char *v;

	if ((r = rule_broken(p, NULL, &v)) != NULL)
		return rule_fail(p, r, v, err);
	if (h->chained && h->a.duration > 3600) {
		ar_fail(err, AR_ECONFIG, "profile \"%s\" asks for "
		    "duration_seconds = %ld, but it is a chained role (its "
		    "source is itself a role session), and AWS limits chained "
		    "sessions to 1 hour", p->name, h->a.duration);
		return ar_fix(err, "set duration_seconds = 3600 or less in %s",
		    profile_where(p, "duration_seconds", w, sizeof(w)));
	}
	return cache_key(&h->a, h->key, err);
}

/* Append a hop for role profile p with its AssumeRole arguments (hop_validate
 * reports bad ones); precondition: ch->hop has room. */
static void
chain_add_hop(struct chain *ch, const struct profile *p)
{
	struct role_hop *h = &ch->hop[ch->nhop++];

	memset(h, 0, sizeof(*h));
	h->p = p;
	(void)assume_args_from_profile(p, &h->a); /* hop_validate reports */
}

/* 0 if name is not yet in the chain, else -1 (AR_ECONFIG) naming the cycle. */
static int
chain_cycle(const struct chain *ch, const char *name, struct ar_err *err)
{
	struct ar_buf b = { 0 };
	size_t i;

	for (i = 0; i < ch->nnames; i++)
		if (strcmp(ch->names[i], name) == 0)
			break;
	if (i == ch->nnames)
		return 0;
	for (i = 0; i < ch->nnames; i++)
		buf_addf(&b, "%s -> ", ch->names[i]);
	buf_adds(&b, name);
	ar_fail(err, AR_ECONFIG, "source_profile cycle: %s", b.p);
	ar_fix(err, "make one profile in the cycle end the chain with static "
	    "keys or credential_source");
	buf_free(&b);
	return -1;
}

/* Fail with AR_ECONFIG for a profile that does not exist: the named one (no
 * names yet), or a source_profile and where it is set.  Returns -1. */
static int
chain_missing(const struct config *cfg, const struct chain *ch,
    const char *name, struct ar_err *err)
{
	char w[PATH_MAX + 16];
	const struct profile *from;

	if (ch->nnames == 0) {
		ar_fail(err, AR_ECONFIG, "profile \"%s\" is not in %s or %s",
		    name, cfg->config_path, cfg->cred_path);
		return ar_fix(err, "check the name (awsrole list shows every "
		    "profile); in the config file a profile is "
		    "[profile %s], in the credentials file [%s]", name, name);
	}
	from = config_profile(cfg, ch->names[ch->nnames - 1]);
	ar_fail(err, AR_ECONFIG, "source_profile \"%s\" of profile \"%s\" "
	    "(%s) does not exist", name, from->name,
	    profile_where(from, "source_profile", w, sizeof(w)));
	return ar_fix(err, "add [%s] with keys to %s, or fix source_profile",
	    name, cfg->cred_path);
}

/* credential_source = Environment | Ec2InstanceMetadata | EcsContainer */
static int
chain_credential_source(struct chain *ch, const struct profile *p,
    const char *cs, struct ar_err *err)
{
	if (profile_get(p, "source_profile") != NULL) {
		ar_fail(err, AR_ECONFIG, "profile \"%s\" (%s:%d) sets both "
		    "source_profile and credential_source", p->name, p->file,
		    p->line);
		return ar_fix(err, "keep only one of them, as the AWS CLI "
		    "requires");
	}
	ch->base = p;
	if (strcmp(cs, "Environment") == 0)
		ch->kind = SRC_ENV;
	else if (strcmp(cs, "Ec2InstanceMetadata") == 0)
		ch->kind = SRC_IMDS;
	else if (strcmp(cs, "EcsContainer") == 0)
		ch->kind = SRC_ECS;
	else {
		ar_fail(err, AR_ECONFIG, "credential_source = %s of profile "
		    "\"%s\" is not supported", cs, p->name);
		return ar_fix(err, "use Environment, Ec2InstanceMetadata or "
		    "EcsContainer");
	}
	return 1;
}

/* One role profile: add its hop; returns 1 when the chain ends here, 0
 * to continue with *next, -1 on error. */
static int
chain_role(struct chain *ch, const struct profile *p, const char **next,
    struct ar_err *err)
{
	const char *src = profile_get(p, "source_profile");
	const char *cs = profile_get(p, "credential_source");

	chain_add_hop(ch, p);
	if (cs != NULL)
		return chain_credential_source(ch, p, cs, err);
	if (src == NULL) {
		ar_fail(err, AR_ECONFIG, "profile \"%s\" (%s:%d) has role_arn "
		    "but neither source_profile nor credential_source",
		    p->name, p->file, p->line);
		return ar_fix(err, "add source_profile = <profile with keys>");
	}
	if (strcmp(src, p->name) == 0 && profile_has_static(p)) {
		ch->kind = SRC_STATIC;
		ch->base = p;
		return 1;
	}
	*next = src;
	return 0;
}

/* The named profile's, or a source's, own credentials in botocore's
 * provider order: web identity, keys in the credentials file,
 * credential_process, keys in the config file.  Returns 1, or -1. */
static int
chain_profile_creds(const struct config *cfg, struct chain *ch,
    const struct profile *p, struct ar_err *err)
{
	int f = profile_key_file(p);

	if (profile_is_web_identity(p)) {
		if (profile_get(p, "role_arn") == NULL) {
			ar_fail(err, AR_ECONFIG, "profile \"%s\" (%s:%d) has "
			    "web_identity_token_file but no role_arn", p->name,
			    p->file, p->line);
			return ar_fix(err, "add role_arn = arn:aws:iam::"
			    "<account>:role/<name>, or remove "
			    "web_identity_token_file");
		}
		chain_add_hop(ch, p);
		return ch->kind = SRC_WEB_IDENTITY, 1;
	}
	if (f == 1 || (f == 0 &&
	    profile_get(p, "credential_process") == NULL))
		return static_keys_check(p, f, err) == -1 ? -1 :
		    (ch->kind = SRC_STATIC, 1);
	if ((ch->process = profile_get(p, "credential_process")) != NULL)
		return ch->kind = SRC_PROCESS, 1;
	ar_fail(err, AR_ECONFIG, "profile \"%s\" (%s:%d) has no credentials",
	    p->name, p->file, p->line);
	return ar_fix(err, "give [%s] aws_access_key_id and "
	    "aws_secret_access_key in %s, or role_arn with source_profile, "
	    "credential_source or credential_process", p->name,
	    cfg->cred_path);
}

/* One profile of the chain; same return convention as chain_role. */
static int
chain_step(const struct config *cfg, struct chain *ch, const char *name,
    const char **next, struct ar_err *err)
{
	const struct profile *p = config_profile(cfg, name);

	if (p == NULL)
		return chain_missing(cfg, ch, name, err);
	if (chain_cycle(ch, name, err) == -1)
		return -1;
	if (ch->nnames > AR_CHAIN_MAX)
		return ar_fail(err, AR_ECONFIG, "profile \"%s\": more than %d "
		    "source_profile hops", ch->names[0], AR_CHAIN_MAX);
	ch->names[ch->nnames++] = p->name;
	ch->base = p;
	/* A source with keys takes botocore's profile providers, not its
	 * role (AssumeRoleProvider._resolve_credentials_from_profile). */
	if (profile_is_assume_role(p) &&
	    (ch->nnames == 1 || !profile_has_static(p)))
		return chain_role(ch, p, next, err);
	return chain_profile_creds(cfg, ch, p, err);
}

/* Walk source_profile from `name`; validate every hop; innermost first. */
static int
chain_build(const struct config *cfg, const char *name, struct chain *ch,
    struct ar_err *err)
{
	struct role_hop t;
	size_t i;
	int rc;

	memset(ch, 0, sizeof(*ch));
	while ((rc = chain_step(cfg, ch, name, &name, err)) == 0)
		;
	if (rc == -1)
		return -1;
	for (i = 0; i < ch->nhop / 2; i++) {
		t = ch->hop[i];
		ch->hop[i] = ch->hop[ch->nhop - 1 - i];
		ch->hop[ch->nhop - 1 - i] = t;
	}
	for (i = 0; i < ch->nhop; i++) {
		ch->hop[i].chained = i > 0;
		if (hop_validate(&ch->hop[i], err) == -1)
			return -1;
	}
	return 0;
}

/* The first credentials of a chain; proc_env ("NAME=value", or NULL) goes
 * into a credential_process's environment. */
static int
chain_base_creds(const struct chain *ch, const char *proc_env,
    struct creds *c, struct ar_err *err)
{
	int rc;

	switch (ch->kind) {
	case SRC_STATIC:
		return creds_from_profile(ch->base, c, err);
	case SRC_ENV:
		rc = creds_from_env(c, err);
		if (rc == 1) {
			ar_fail(err, AR_ECONFIG, "profile \"%s\" has "
			    "credential_source = Environment, but "
			    "AWS_ACCESS_KEY_ID is not set", ch->base->name);
			return ar_fix(err, "export AWS_ACCESS_KEY_ID and "
			    "AWS_SECRET_ACCESS_KEY");
		}
		return rc;
	case SRC_PROCESS:
		return creds_from_process(ch->process, ch->base->name, proc_env,
		    c, err);
	case SRC_IMDS:
		return creds_from_imds(c, err);
	case SRC_ECS:
		return creds_from_ecs(c, err);
	default:
		return 0; /* web identity: hop 0 needs no signer */
	}
}

/* ------------------------------------------------------------------------
 * Session controls (issue 12): the session policy, session tags and
 * source identity of the named role's AssumeRole, from the profile's keys
 * and the command line, every limit checked before any call.
 * ------------------------------------------------------------------------ */

/* Where a scope value came from, for its error: the flag, or the profile
 * key with its file and line.  -1 with err's status set by the source
 * (AR_EUSAGE for a flag, AR_ECONFIG for a key). */
static int
scope_fail(struct ar_err *err, const struct profile *p, const char *key,
    const char *flag, const char *fmt, const char *what, long n)
{
	char where[PATH_MAX + 32], text[600];

	snprintf(text, sizeof(text), fmt, what, n);
	if (flag != NULL) {
		ar_fail(err, AR_EUSAGE, "%s: %s", flag, text);
		return ar_fix(err, "see awsrole --help, and the README's section "
		    "on scoping");
	}
	ar_fail(err, AR_ECONFIG, "%s of profile \"%s\" (%s): %s", key, p->name,
	    profile_where(p, key, where, sizeof(where)), text);
	return ar_fix(err, "correct %s; the README's section on scoping gives "
	    "its syntax and limits", key);
}

/* 1 when the code point c may be in a session tag's key or value:
 * [\p{L}\p{Z}\p{N}_.:/=+\-@], exactly for ASCII; a code point above it is
 * left to STS (awsrole has no Unicode tables). */
static int
tag_char_ok(long c)
{
	if (c >= 0x80)
		return 1;
	return isalnum((int)c) || c == ' ' || strchr("_.:/=+-@", (int)c) != NULL;
}

/* The number of code points of s when each may be in a tag, else -1. */
static long
tag_text_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	long c, n = 0;
	int k;

	for (; left > 0; p += k, left -= (size_t)k, n++)
		if ((c = utf8_decode(p, left, &k)) == -1 || !tag_char_ok(c))
			return -1;
	return n;
}

/* The JSON document s, parsed, or NULL when it is not exactly one (cJSON
 * alone would accept trailing text); s may be NULL (an empty file). */
static cJSON *
json_parse_whole(const char *s)
{
	return s != NULL ? cJSON_ParseWithOpts(s, NULL, 1) : NULL;
}

/* s with its leading and trailing white space cut (in place). */
static char *
trim_inplace(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	for (n = strlen(s); n > 0 && isspace((unsigned char)s[n - 1]); n--)
		s[n - 1] = '\0';
	return s;
}

/* A copy of s without the JSON whitespace outside strings: the policy as
 * STS counts it.  s is valid JSON (cJSON parsed it). */
static char *
json_minify(const char *s)
{
	struct ar_buf b = { 0 };
	int in = 0;

	for (; *s; s++) {
		if (in) {
			buf_add(&b, s, 1);
			if (*s == '\\' && s[1] != '\0')
				buf_add(&b, ++s, 1);
			else if (*s == '"')
				in = 0;
		} else if (!strchr(" \t\r\n", *s)) {
			in = *s == '"';
			buf_add(&b, s, 1);
		}
	}
	if (b.p == NULL)
		buf_adds(&b, "");
	return buf_take(&b);
}

/* Split the comma-separated value v into at most max trimmed, non-empty
 * malloc'd parts of out; returns their count, or max + 1 when there are
 * more. */
static size_t
split_list(const char *v, char **out, size_t max)
{
	size_t n = 0, len;
	const char *e;

	while (v != NULL && *v) {
		e = v + strcspn(v, ",");
		while (v < e && isspace((unsigned char)*v))
			v++;
		for (len = (size_t)(e - v); len > 0 &&
		    isspace((unsigned char)v[len - 1]); len--)
			;
		if (len > 0 && n == max)
			return max + 1;
		if (len > 0)
			out[n++] = xstrndup(v, len);
		v = *e ? e + 1 : e;
	}
	return n;
}

/* The policy file's JSON, minified, into sc->policy.  0, or -1. */
static int
scope_policy(const struct profile *p, const struct scope_opts *so,
    struct scope *sc, struct ar_err *err)
{
	const char *flag = so->policy_file ? "--policy" : NULL;
	const char *f = so->policy_file ? so->policy_file :
	    profile_get(p, "awsrole_policy_file");
	struct ar_buf b = { 0 };
	char *path;
	cJSON *j;
	int rc = 0;

	if (f == NULL || *f == '\0')
		return 0;
	path = config_expanduser(f);
	if (read_file(path, 64u << 10, 0, flag ? AR_EUSAGE : AR_ECONFIG, &b,
	    err) == -1)
		rc = scope_fail(err, p, "awsrole_policy_file", flag, "%s",
		    err->msg, 0);
	else if ((j = json_parse_whole(b.p)) == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		rc = scope_fail(err, p, "awsrole_policy_file", flag, "the policy "
		    "file %s is not a JSON object", path, 0);
	} else {
		cJSON_Delete(j);
		sc->policy = json_minify(b.p);
		snprintf(sc->label, sizeof(sc->label), "policy %.250s", path);
	}
	free(path);
	buf_free(&b);
	return rc;
}

/* The policy ARNs (the flags', else the profile's) and --scope's ARN in
 * the role's partition into sc.  0, or -1 with err filled. */
static int
scope_arns(const struct profile *p, const char *role_arn,
    const struct scope_opts *so, struct scope *sc, struct ar_err *err)
{
	const char *flag = so->narns ? "--policy-arn" : NULL, *sv = so->scope;
	char part[32], arn[128];
	size_t i, m = AR_POLICY_ARNS_MAX;

	if (so->narns > m)
		return scope_fail(err, p, NULL, flag, "%s%ld policy ARNs; AWS "
		    "takes at most 10", "", (long)so->narns);
	for (i = 0; i < so->narns; i++)
		sc->arns[sc->narns++] = xstrdup(so->arns[i]);
	if (so->narns == 0 && (sc->narns = split_list(profile_get(p,
	    "awsrole_policy_arns"), sc->arns, m)) > m) {
		sc->narns = m;
		return scope_fail(err, p, "awsrole_policy_arns", NULL, "%smore "
		    "than %ld policy ARNs; AWS takes at most 10", "", (long)m);
	}
	for (i = 0; i < sc->narns; i++)
		if (!str_has_prefix(sc->arns[i], "arn:") ||
		    strstr(sc->arns[i], ":policy/") == NULL)
			return scope_fail(err, p, "awsrole_policy_arns", flag,
			    "\"%s\" is not a managed policy ARN "
			    "(arn:aws:iam::ACCOUNT:policy/NAME)", sc->arns[i], 0);
	if (sv == NULL && so->implied_readonly && sc->narns == 0 &&
	    sc->policy == NULL)
		sv = "readonly";
	if (sv != NULL && strcmp(sv, "readonly") && strcmp(sv, "viewonly") &&
	    strcmp(sv, "full"))
		return scope_fail(err, p, NULL, "--scope", "unknown scope \"%s\": "
		    "readonly, viewonly or full", sv, 0);
	if (sv == NULL || strcmp(sv, "full") == 0) {
		if (sv != NULL && sc->label[0] == '\0')
			snprintf(sc->label, sizeof(sc->label), "full");
		return 0;
	}
	snprintf(part, sizeof(part), "%.*s", (int)strcspn(role_arn + 4, ":"),
	    role_arn + 4);
	snprintf(arn, sizeof(arn), "arn:%s:iam::aws:policy/%s", part,
	    strcmp(sv, "readonly") ? "job-function/ViewOnlyAccess" :
	    "ReadOnlyAccess");
	if (sc->narns == m)
		return scope_fail(err, p, NULL, "--scope", "%s adds an 11th policy "
		    "ARN; AWS takes at most %ld", sv, (long)m);
	sc->arns[sc->narns++] = xstrdup(arn);
	if (sc->label[0] == '\0' || sc->narns == 1)
		snprintf(sc->label, sizeof(sc->label), "%s", sv);
	return 0;
}

/* transitive_session_tags into sc: each a key of sc's session tags.  0,
 * or -1 with err filled. */
static int
scope_transitive(const struct profile *p, struct scope *sc,
    struct ar_err *err)
{
	size_t i, k;

	if ((sc->ntrans = split_list(profile_get(p, "transitive_session_tags"),
	    sc->transitive, AR_TAGS_MAX)) > AR_TAGS_MAX) {
		sc->ntrans = AR_TAGS_MAX;   /* scope_free frees them */
		return scope_fail(err, p, "transitive_session_tags", NULL, "%smore "
		    "than %ld keys", "", AR_TAGS_MAX);
	}
	for (i = 0; i < sc->ntrans; i++) {
		for (k = 0; k < sc->ntags && strcasecmp(sc->tags[k].key,
		    sc->transitive[i]) != 0; k++)
			;
		if (k == sc->ntags)
			return scope_fail(err, p, "transitive_session_tags", NULL,
			    "\"%s\" is not a key of session_tags", sc->transitive[i],
			    0);
	}
	return 0;
}

/* The session tags (session_tags, aws-vault's "k=v,k2=v2") and their
 * transitive keys into sc, each checked.  0, or -1 with err filled. */
static int
scope_tags(const struct profile *p, struct scope *sc, struct ar_err *err)
{
	char *part[AR_TAGS_MAX + 1], *eq;
	size_t n = split_list(profile_get(p, "session_tags"), part, AR_TAGS_MAX),
	    i, k;
	long len;
	int rc = 0;

	if (n > AR_TAGS_MAX) {
		for (i = 0; i < AR_TAGS_MAX; i++)
			free(part[i]);
		return scope_fail(err, p, "session_tags", NULL, "%smore than "
		    "%ld tags; AWS takes at most 50", "", AR_TAGS_MAX);
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && (eq = strchr(part[i], '=')) == NULL)
			rc = scope_fail(err, p, "session_tags", NULL, "\"%s\" is "
			    "not KEY=VALUE (session_tags = k1=v1,k2=v2)", part[i], 0);
		if (rc == 0) {
			*eq = '\0';
			sc->tags[i].key = xstrdup(trim_inplace(part[i]));
			sc->tags[i].value = xstrdup(trim_inplace(eq + 1));
			sc->ntags = i + 1;
			len = tag_text_len(sc->tags[i].key);
			if (len < 1 || len > 128 || strncasecmp(sc->tags[i].key,
			    "aws:", 4) == 0)
				rc = scope_fail(err, p, "session_tags", NULL, "tag key "
				    "\"%s\" must be 1-128 letters, digits, spaces "
				    "or _.:/=+-@, not starting with aws:",
				    sc->tags[i].key, 0);
			else if ((len = tag_text_len(sc->tags[i].value)) < 0 ||
			    len > 256)
				rc = scope_fail(err, p, "session_tags", NULL, "the value "
				    "of tag \"%s\" must be 0-256 letters, digits, "
				    "spaces or _.:/=+-@", sc->tags[i].key, 0);
			for (k = 0; rc == 0 && k < i; k++)
				if (strcasecmp(sc->tags[k].key, sc->tags[i].key) == 0)
					rc = scope_fail(err, p, "session_tags", NULL,
					    "tag key \"%s\" is given twice (tag keys "
					    "are case-insensitive)", sc->tags[i].key, 0);
		}
		free(part[i]);
	}
	return rc == 0 ? scope_transitive(p, sc, err) : rc;
}

/* 1 when s is a valid SourceIdentity: 2-64 of [\w+=,.@-], not aws:. */
static int
valid_source_identity(const char *s)
{
	return strlen(s) >= 2 && strlen(s) <= 64 && strspn(s, "ABCDEFGHIJKLMNOP"
	    "QRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-") ==
	    strlen(s) && strncasecmp(s, "aws:", 4) != 0;
}

/* 1 when profile p's keys or the command line ask for any session
 * control. */
static int
scope_wanted(const struct profile *p, const struct scope_opts *so)
{
	static const char *const keys[] = { "awsrole_policy_arns",
	    "awsrole_policy_file", "session_tags", "transitive_session_tags",
	    "source_identity" };
	size_t i;

	if (so->narns || so->policy_file || so->scope || so->implied_readonly)
		return 1;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (profile_kv(p, keys[i]) != NULL)
			return 1;
	return 0;
}

/* The characters STS counts against 2048: the inline policy's code
 * points and every policy ARN's. */
static long
scope_policy_chars(const struct scope *sc)
{
	const unsigned char *q;
	long n = 0;
	size_t i;

	for (q = (const unsigned char *)(sc->policy ? sc->policy : ""); *q; q++)
		n += (*q & 0xc0) != 0x80;
	for (i = 0; i < sc->narns; i++)
		n += (long)strlen(sc->arns[i]);
	return n;
}

/*
 * The session controls of profile p's own AssumeRole (role_arn) into sc
 * (free with scope_free): the policy file, policy ARNs and --scope, the
 * session tags and the source identity, from the command line (so) before
 * the profile's keys.  Every limit is checked here, before any call.  0,
 * or -1 with err filled (AR_EUSAGE for a flag, AR_ECONFIG for a key).
 */
static int
scope_build(const struct profile *p, const char *role_arn,
    const struct scope_opts *so, struct scope *sc, struct ar_err *err)
{
	const char *si = profile_get(p, "source_identity");
	long chars;

	memset(sc, 0, sizeof(*sc));
	if (!scope_wanted(p, so))
		return 0;    /* the common case: nothing to check */
	if (scope_policy(p, so, sc, err) == -1 ||
	    scope_arns(p, role_arn, so, sc, err) == -1 ||
	    scope_tags(p, sc, err) == -1)
		return -1;
	if ((chars = scope_policy_chars(sc)) > AR_POLICY_CHARS_MAX)
		return scope_fail(err, p, sc->policy && !so->policy_file ?
		    "awsrole_policy_file" : "awsrole_policy_arns",
		    so->policy_file || so->narns || so->scope ? "the session "
		    "policy" : NULL, "%sthe inline policy and the policy ARNs "
		    "are %ld characters together; AWS takes at most 2048", "",
		    chars);
	if (si != NULL && *si != '\0') {
		if (!valid_source_identity(si))
			return scope_fail(err, p, "source_identity", NULL, "\"%s\" "
			    "must be 2-64 letters, digits or _+=,.@- and not "
			    "start with aws:", si, 0);
		sc->source_identity = xstrdup(si);
	}
	if (sc->label[0] == '\0' && (sc->narns || sc->policy))
		snprintf(sc->label, sizeof(sc->label), "policy %s", sc->arns[0]);
	return 0;
}

/* Free what scope_build allocated. */
static void
scope_free(struct scope *sc)
{
	size_t i;

	free(sc->policy);
	for (i = 0; i < sc->narns; i++)
		free(sc->arns[i]);
	for (i = 0; i < sc->ntags; i++) {
		free(sc->tags[i].key);
		free(sc->tags[i].value);
	}
	for (i = 0; i < sc->ntrans; i++)
		free(sc->transitive[i]);
	free(sc->source_identity);
	memset(sc, 0, sizeof(*sc));
}

/* sc's AssumeRole parameters into p (names written into names), in the
 * order awsrole sends them: Policy, PolicyArns.member.N.arn,
 * Tags.member.N.Key/Value, TransitiveTagKeys.member.N, SourceIdentity.
 * Returns their count (at most AR_SCOPE_PARAMS). */
static size_t
scope_params(const struct scope *sc, struct sts_param *p,
    char (*names)[40])
{
	size_t n = 0, i;

	if (sc == NULL)
		return 0;
	if (sc->policy != NULL)
		p[n++] = (struct sts_param){ "Policy", sc->policy, 0 };
	for (i = 0; i < sc->narns; i++) {
		snprintf(names[n], 40, "PolicyArns.member.%zu.arn", i + 1);
		p[n] = (struct sts_param){ names[n], sc->arns[i], 0 }, n++;
	}
	for (i = 0; i < sc->ntags; i++) {
		snprintf(names[n], 40, "Tags.member.%zu.Key", i + 1);
		p[n] = (struct sts_param){ names[n], sc->tags[i].key, 0 }, n++;
		snprintf(names[n], 40, "Tags.member.%zu.Value", i + 1);
		p[n] = (struct sts_param){ names[n], sc->tags[i].value, 0 }, n++;
	}
	for (i = 0; i < sc->ntrans; i++) {
		snprintf(names[n], 40, "TransitiveTagKeys.member.%zu", i + 1);
		p[n] = (struct sts_param){ names[n], sc->transitive[i], 0 }, n++;
	}
	if (sc->source_identity != NULL)
		p[n++] = (struct sts_param){ "SourceIdentity",
		    sc->source_identity, 0 };
	return n;
}

/* Write botocore's default RoleSessionName, botocore-session-TIME, to buf. */
static void
session_name_default(char *buf, size_t cap)
{
	snprintf(buf, cap, "botocore-session-%lld", (long long)now_s());
}

/* AssumeRole's parameters into p, in botocore's order (its kwargs: a
 * configured RoleSessionName first, the generated name gen after RoleArn);
 * dur and code may be NULL.  NULL values stay out of the body.  Returns 7. */
static size_t
assume_params(const struct assume_args *a, const char *gen, const char *dur,
    const char *code, struct sts_param p[7])
{
	const char *mine = a->session_name;

	p[0] = (struct sts_param){ "RoleSessionName", mine, 0 };
	p[1] = (struct sts_param){ "ExternalId", a->external_id, 0 };
	p[2] = (struct sts_param){ "SerialNumber", a->serial, 0 };
	p[3] = (struct sts_param){ "DurationSeconds", dur, 0 };
	p[4] = (struct sts_param){ "RoleArn", a->role_arn, 0 };
	p[5] = (struct sts_param){ "RoleSessionName", mine ? NULL : gen, 0 };
	p[6] = (struct sts_param){ "TokenCode", code, 1 };
	return 7;
}

/* AssumeRoleWithWebIdentity's parameters into p, in botocore's order (as
 * assume_params); token is the secret.  Returns 4. */
static size_t
web_params(const struct assume_args *a, const char *gen, const char *token,
    struct sts_param p[4])
{
	const char *mine = a->session_name;

	p[0] = (struct sts_param){ "RoleSessionName", mine, 0 };
	p[1] = (struct sts_param){ "RoleArn", a->role_arn, 0 };
	p[2] = (struct sts_param){ "RoleSessionName", mine ? NULL : gen, 0 };
	p[3] = (struct sts_param){ "WebIdentityToken", token, 1 };
	return 4;
}

/* AssumeRole for one hop, signed by src. */
static int
hop_assume(const struct role_hop *h, const struct sts_endpoint *ep,
    const struct creds *src, const struct mfa_source *mfa,
    struct creds *out, struct ar_err *err)
{
	char name[64], dur[16], code[7] = "", names[AR_SCOPE_PARAMS][40];
	struct sts_param p[7 + AR_SCOPE_PARAMS], tok;
	size_t n;
	struct xml_doc d;
	struct mfa_source m = *mfa;
	int rc;

	if (h->a.serial != NULL) {
		m.process = h->a.mfa_process;
		if (mfa_get(&m, h->a.serial, code, err) == -1)
			return -1;
	}
	session_name_default(name, sizeof(name));
	snprintf(dur, sizeof(dur), "%ld", h->a.duration);
	n = assume_params(&h->a, name, h->a.duration ? dur : NULL,
	    code[0] ? code : NULL, p);
	tok = p[--n];        /* TokenCode stays last */
	n += scope_params(h->a.scope, p + n, names);
	p[n++] = tok;
	rc = sts_call(ep, src, "AssumeRole", p, n, &d, NULL, err);
	ar_wipe(code, sizeof(code));
	if (rc == 0) {
		rc = sts_take_creds(&d, "AssumeRole", out, err);
		xml_free(&d);
	}
	return rc;
}

/* AssumeRoleWithWebIdentity (unsigned) for the innermost hop. */
static int
hop_assume_web(const struct role_hop *h, const struct sts_endpoint *ep,
    struct creds *out, struct ar_err *err)
{
	struct ar_buf tok = { 0 };
	struct sts_param p[4];
	struct xml_doc d;
	char name[64];
	size_t n;
	int rc;

	if (read_file(h->a.token_file, AR_TOKEN_MAX, 1, AR_ECONFIG, &tok,
	    err) == -1)
		return ar_fix(err, "check web_identity_token_file / "
		    "AWS_WEB_IDENTITY_TOKEN_FILE");
	trim_right(&tok);
	session_name_default(name, sizeof(name));
	n = web_params(&h->a, name, tok.p, p);
	rc = sts_call(ep, NULL, "AssumeRoleWithWebIdentity", p, n, &d, NULL,
	    err);
	buf_free(&tok);
	if (rc == 0) {
		rc = sts_take_creds(&d, "AssumeRoleWithWebIdentity", out, err);
		xml_free(&d);
	}
	return rc;
}

/* GetSessionToken with an MFA code, signed by the IAM user's keys base:
 * a session of `duration` seconds into *out (clear with creds_clear).
 * Parameters in botocore's order.  0, or -1 with err filled. */
static int
sts_get_session_token(const struct sts_endpoint *ep, const struct creds *base,
    const char *serial, const char *code, long duration, struct creds *out,
    struct ar_err *err)
{
	struct sts_param p[3];
	struct xml_doc d;
	char dur[16];
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(dur, sizeof(dur), "%ld", duration);
	p[0] = (struct sts_param){ "DurationSeconds", dur, 0 };
	p[1] = (struct sts_param){ "SerialNumber", serial, 0 };
	p[2] = (struct sts_param){ "TokenCode", code, 1 };
	if (sts_call(ep, base, "GetSessionToken", p, 3, &d, NULL, err) == -1)
		return -1;
	rc = sts_take_creds(&d, "GetSessionToken", out, err);
	xml_free(&d);
	return rc;
}

/* GetScopedCredentials signed by `caller` (a temporary session) with the
 * scope-down policy (minified JSON) and a description for CloudTrail; no
 * DurationSeconds: the result keeps the caller's expiry (a value equal to
 * the remaining life fails on clock skew).  The narrowed session into
 * *out (clear with creds_clear).  0, or -1 with err filled, its fix
 * naming the cause for the call's own errors. */
static int
sts_get_scoped_credentials(const struct sts_endpoint *ep,
    const struct creds *caller, const char *policy, const char *desc,
    struct creds *out, struct ar_err *err)
{
	static const struct { const char *code, *fix; } fixes[] = {
		{ "InsufficientSessionLifetime", "the session is too close to its "
		    "end to narrow: serve renews it first; retry in a moment" },
		{ "MalformedPolicyDocument", "the view's policy is not a valid IAM "
		    "policy: check it (awsrole agent --policy FILE)" },
		{ "PackedPolicyTooLarge", "the policies pack too large for a "
		    "session token: shorten the view's policy" },
		{ "InvalidSubjectCredentials", "STS could not validate serve's "
		    "session: restart awsrole serve" },
		{ "AccessDenied", "the role's identity policy must allow "
		    "sts:GetScopedCredentials, and a session takes at most three "
		    "scope-down layers" } };
	struct sts_param p[2];
	struct xml_doc d;
	const char *arn;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	p[0] = (struct sts_param){ "Policy", policy, 0 };
	p[1] = (struct sts_param){ "ScopedSessionDescription", desc, 0 };
	if (sts_call(ep, caller, "GetScopedCredentials", p, 2, &d, NULL,
	    err) == -1) {
		for (i = 0; i < sizeof(fixes) / sizeof(fixes[0]); i++)
			if (strstr(err->msg, fixes[i].code) != NULL)
				return ar_fix(err, "%s", fixes[i].fix);
		return -1;
	}
	rc = sts_take_creds(&d, "GetScopedCredentials", out, err);
	if (rc == 0 && (arn = xml_get(&d, "SessionInfo/Arn")) != NULL &&
	    out->arn == NULL) {
		out->arn = xstrdup(arn);
		out->account = arn_account(arn);
	}
	xml_free(&d);
	return rc;
}

/* Everything one resolution shares across hops. */
struct resolver {
	const struct config *cfg;
	const struct profile *named;
	const struct resolve_opts *o;
	struct resolve_info *info;
	struct cache cache;
	struct sts_endpoint ep;
	int have_ep;
	int cache_off;       /* the cache cannot be written: not for any hop */
};

/* Resolve r's STS endpoint once (later calls reuse it); 0, or -1 with err
 * set. */
static int
resolver_endpoint(struct resolver *r, struct ar_err *err)
{
	if (r->have_ep)
		return 0;
	if (sts_endpoint_resolve(r->cfg, r->named, r->o->region, r->o->verbose,
	    &r->ep, err) == -1)
		return -1;
	r->have_ep = 1;
	return 0;
}

/* The cache cannot be written (e says why): from now on no hop locks or
 * writes, and r->info keeps the first cause for the command layer's one
 * warning.  With o->need_cache that is the end: -1 with err (may be e)
 * set to it; else 0. */
static int
resolver_cache_off(struct resolver *r, const struct ar_err *e,
    struct ar_err *err)
{
	struct resolve_info *i = r->info;

	r->cache_off = 1;
	if (!i->cache_failed) {
		i->cache_failed = 1;
		i->cache_errno = e->sys;
		if (e->sys != 0)
			snprintf(i->cache_error, sizeof(i->cache_error), "cannot "
			    "use the cache %.900s: %s", r->cache.dir,
			    strerror(e->sys));
		else
			snprintf(i->cache_error, sizeof(i->cache_error), "cannot "
			    "use the cache %.500s: %.600s", r->cache.dir, e->msg);
	}
	if (r->o->need_cache)
		return ar_fail(err, AR_EFILE, "%s", i->cache_error);
	return 0;
}

/* STS for one hop, then the cache write (a failed write turns the cache
 * off, not fatal: the credentials are good). */
static int
hop_fetch(struct resolver *r, const struct role_hop *h, int web,
    const struct creds *src, struct creds *out, struct ar_err *err)
{
	struct ar_err werr;

	if (resolver_endpoint(r, err) == -1)
		return -1;
	if ((web ? hop_assume_web(h, &r->ep, out, err) :
	    hop_assume(h, &r->ep, src, &r->o->mfa, out, err)) == -1)
		return -1;
	r->info->sts_calls++;
	if (!r->o->no_cache && !r->cache_off &&
	    cache_write(&r->cache, h->key, out, &werr) == -1 &&
	    resolver_cache_off(r, &werr, err) == -1)
		return -1;
	return 0;
}

/* A hop's fresh cache entry, without the lock: AR_FOUND, AR_NONE or
 * AR_ERROR. */
static int
hop_cached(struct resolver *r, const struct role_hop *h, struct creds *out,
    struct ar_err *err)
{
	const char *why;
	int rc;

	if (r->o->no_cache)
		return AR_NONE;
	rc = cache_read(&r->cache, h->key, h->a.duration, out, &why, err);
	ar_trace(rc == AR_NONE && r->o->verbose, "cache %s: %s", h->key, why);
	return rc;
}

/* A hop that hop_cached did not find (or login forces): lock, re-read
 * (another awsrole may have just written it), else fetch and write.  A
 * cache that cannot be written (read-only) is gone without, unless
 * o->need_cache. */
static int
hop_refresh(struct resolver *r, const struct role_hop *h, int web, int force,
    const struct creds *src, struct creds *out, struct ar_err *err)
{
	const char *why;
	int lock = -1, rc;

	if (r->o->no_cache || r->cache_off)
		return hop_fetch(r, h, web, src, out, err);
	if (cache_lock(&r->cache, h->key, &lock, err) == -1) {
		if (!cache_unusable(err) || resolver_cache_off(r, err, err) == -1)
			return -1;
		return hop_fetch(r, h, web, src, out, err);
	}
	rc = force ? AR_NONE :
	    cache_read(&r->cache, h->key, h->a.duration, out, &why, err);
	if (rc == AR_NONE)
		rc = hop_fetch(r, h, web, src, out, err);
	cache_unlock(lock);
	return rc;
}

/*
 * Environment web identity, as botocore's AssumeRoleWithWebIdentityProvider
 * reads it when no profile was named on the command line and the profile
 * is not an AssumeRole one: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and
 * AWS_ROLE_SESSION_NAME each before the profile's key.  0 when no variable
 * applies (the profile alone decides), 1 with ch filled, -1 when a token
 * file has no role.
 */
static int
chain_from_env_web(const struct profile *p, int explicit_profile,
    struct chain *ch, struct ar_err *err)
{
	const char *file = env_nonempty("AWS_WEB_IDENTITY_TOKEN_FILE");
	const char *arn = env_nonempty("AWS_ROLE_ARN");
	const char *name = env_nonempty("AWS_ROLE_SESSION_NAME");

	if (explicit_profile || (p != NULL && profile_is_assume_role(p)) ||
	    (file == NULL && arn == NULL && name == NULL))
		return 0;
	if (file == NULL && p != NULL)
		file = profile_get(p, "web_identity_token_file");
	if (file == NULL || *file == '\0')
		return 0;
	if (arn == NULL && p != NULL)
		arn = profile_get(p, "role_arn");
	if (name == NULL && p != NULL)
		name = profile_get(p, "role_session_name");
	if (arn == NULL || *arn == '\0') {
		ar_fail(err, AR_ECONFIG, "AWS_WEB_IDENTITY_TOKEN_FILE is set but "
		    "neither AWS_ROLE_ARN nor role_arn in profile \"%s\" names "
		    "the role", p != NULL ? p->name : "");
		return ar_fix(err, "export AWS_ROLE_ARN=arn:aws:iam::<account>:"
		    "role/<name>, or unset AWS_WEB_IDENTITY_TOKEN_FILE");
	}
	memset(ch, 0, sizeof(*ch));
	ch->kind = SRC_WEB_IDENTITY;
	ch->nhop = 1;
	ch->hop[0].a.role_arn = arn;
	ch->hop[0].a.token_file = file;
	ch->hop[0].a.session_name = name != NULL && *name != '\0' ? name : NULL;
	return cache_key(&ch->hop[0].a, ch->hop[0].key, err) == -1 ? -1 : 1;
}

/* The hops of ch from credentials *cur (taken: cleared here) to the top
 * role, into *out: inner hops from the cache when fresh, the top one
 * anew when forced.  0, or -1 with err filled. */
static int
resolve_hops(struct resolver *r, const struct chain *ch, struct creds *cur,
    struct creds *out, struct ar_err *err)
{
	struct creds next;
	size_t i;
	int rc = -1, got = AR_NONE, top, web = ch->kind == SRC_WEB_IDENTITY;

	memset(&next, 0, sizeof(next));
	for (i = 0; i < ch->nhop; i++) {
		top = i + 1 == ch->nhop;
		if (!top && (got = hop_cached(r, &ch->hop[i], &next, err)) ==
		    AR_ERROR)
			goto out;
		if ((top || got == AR_NONE) && hop_refresh(r, &ch->hop[i],
		    web && i == 0, r->o->force && top, cur, &next, err) == -1)
			goto out;
		creds_clear(cur);
		*cur = next;
		memset(&next, 0, sizeof(next));
	}
	*out = *cur;
	memset(cur, 0, sizeof(*cur));
	rc = 0;
out:
	creds_clear(cur);
	creds_clear(&next);
	return rc;
}

/* Credentials at the end of ch into *out (clear with creds_clear): the top
 * role's fresh cache entry unless --force, else hop by hop from the base.
 * 0, or -1 with err filled. */
static int
resolve_chain(struct resolver *r, const struct chain *ch, struct creds *out,
    struct ar_err *err)
{
	struct creds cur;
	int rc;

	memset(&cur, 0, sizeof(cur));
	/* Warm path: the named role's fresh entry needs nothing below it. */
	if (ch->nhop > 0 && !r->o->force &&
	    (rc = hop_cached(r, &ch->hop[ch->nhop - 1], out, err)) != AR_NONE) {
		r->info->from_cache = rc == AR_FOUND;
		return rc;
	}
	if (chain_base_creds(ch, r->o->proc_env, &cur, err) == -1) {
		creds_clear(&cur);
		return -1;
	}
	return resolve_hops(r, ch, &cur, out, err);
}

/* The named role's session controls and RoleSessionName from o, applied
 * to ch's top hop (its cache key computed anew).  0, or -1 with err. */
static int
chain_scope(struct chain *ch, const struct resolve_opts *o,
    struct ar_err *err)
{
	struct role_hop *top = ch->nhop ? &ch->hop[ch->nhop - 1] : NULL;

	if (top == NULL || (!scope_set(o->scope) && o->session_name == NULL))
		return 0;
	if (scope_set(o->scope))
		top->a.scope = o->scope;
	if (o->session_name != NULL)
		top->a.session_name = o->session_name;
	return cache_key(&top->a, top->key, err);
}

/* Set up r for profile `name` of cfg with options o; 0, or -1 with err. */
static int
resolver_init(struct resolver *r, const struct config *cfg, const char *name,
    const struct resolve_opts *o, struct resolve_info *info,
    struct ar_err *err)
{
	memset(info, 0, sizeof(*info));
	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->o = o;
	r->info = info;
	r->named = config_profile(cfg, name);
	return cache_init(&r->cache, o->verbose, err);
}

/*
 * Credentials for profile `name`.  With o->allow_env, credentials in the
 * environment win, as in botocore when no profile was named explicitly.
 */
static int
resolve(const struct config *cfg, const char *name,
    const struct resolve_opts *o, struct creds *out,
    struct resolve_info *info, struct ar_err *err)
{
	struct resolver r;
	struct chain ch;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(info, 0, sizeof(*info));
	if (o->allow_env && (rc = creds_from_env(out, err)) != AR_NONE)
		return rc;
	if (resolver_init(&r, cfg, name, o, info, err) == -1)
		return -1;
	if ((rc = chain_from_env_web(r.named, o->explicit_profile, &ch,
	    err)) == -1 || (rc == 0 && chain_build(cfg, name, &ch, err) == -1) ||
	    chain_scope(&ch, o, err) == -1)
		return -1;
	if (ch.nhop > 0)
		memcpy(info->key, ch.hop[ch.nhop - 1].key, 41);
	return resolve_chain(&r, &ch, out, err);
}

/*
 * The role at the end of ch (built by chain_build for one of an MFA
 * group's profiles) assumed from an MFA session instead of the chain's
 * source keys: the first AssumeRole is signed by `session` and sends no
 * SerialNumber or TokenCode (the session carries the MFA context), the
 * cache keys stay the profile's own.  0, or -1 with err filled.
 */
static int
resolve_via_session(const struct config *cfg, const struct chain *ch,
    const struct resolve_opts *o, const struct creds *session,
    struct creds *out, struct resolve_info *info, struct ar_err *err)
{
	struct resolver r;
	struct chain c = *ch;
	struct creds cur;

	memset(out, 0, sizeof(*out));
	if (resolver_init(&r, cfg, ch->names[0], o, info, err) == -1)
		return -1;
	c.hop[0].a.serial = NULL;
	if (chain_scope(&c, o, err) == -1)
		return -1;
	memcpy(info->key, c.hop[c.nhop - 1].key, 41);
	creds_copy(session, &cur);
	return resolve_hops(&r, &c, &cur, out, err);
}

/* The IAM user ARN behind keys c (GetCallerIdentity at profile p's STS
 * endpoint) into arn[cap].  0, or -1 with err filled. */
static int
mfa_group_user(const struct config *cfg, const struct profile *p,
    const struct resolve_opts *o, const struct creds *c, char *arn,
    size_t cap, struct ar_err *err)
{
	struct sts_endpoint ep;
	struct caller_identity id;

	if (sts_endpoint_resolve(cfg, p, o->region, o->verbose, &ep, err) == -1 ||
	    sts_get_caller_identity(&ep, c, &id, NULL, err) == -1)
		return -1;
	snprintf(arn, cap, "%s", id.arn);
	caller_identity_free(&id);
	return 0;
}

/* Profile i of g cannot join the group: -1 with the reason in err. */
static int
mfa_group_refuse(const struct mfa_group *g, size_t i, const char *why,
    struct ar_err *err)
{
	ar_fail(err, AR_ECONFIG, "profiles \"%s\" and \"%s\" cannot share one "
	    "MFA code: %s", g->ch[0].names[0], g->ch[i].names[0], why);
	return ar_fix(err, "one MFA session serves only the roles of one IAM "
	    "user with one mfa_serial; name such profiles together, and the "
	    "others in a separate command");
}

/* Check profile i of g against profile 0: a role chain whose first role
 * has g's mfa_serial, from the same IAM user (the same access key id, or
 * the same user ARN).  Fills g->base[i].  0, or -1 with err filled. */
static int
mfa_group_member(struct mfa_group *g, size_t i, const struct resolve_opts *o,
    struct ar_err *err)
{
	const struct chain *ch = &g->ch[i];
	char a0[512], ai[512];

	if (ch->kind == SRC_WEB_IDENTITY || ch->nhop == 0 ||
	    ch->hop[0].a.serial == NULL) {
		ar_fail(err, AR_ECONFIG, "profile \"%s\" %s, so an MFA session "
		    "cannot stand for its code", ch->names[0], ch->nhop == 0 ?
		    "assumes no role" : ch->kind == SRC_WEB_IDENTITY ?
		    "uses a web identity" : "has no mfa_serial on its first role");
		return ar_fix(err, "name only role profiles with mfa_serial "
		    "(awsrole list shows them)");
	}
	if (strcmp(ch->hop[0].a.serial, g->ch[0].hop[0].a.serial) != 0)
		return mfa_group_refuse(g, i, "their mfa_serial differs", err);
	if (chain_base_creds(ch, o->proc_env, &g->base[i], err) == -1)
		return -1;
	if (i == 0 || strcmp(g->base[i].akid, g->base[0].akid) == 0)
		return 0;
	if (mfa_group_user(g->cfg, ch->base, o, &g->base[0], a0, sizeof(a0),
	    err) == -1 || mfa_group_user(g->cfg, ch->base, o, &g->base[i], ai,
	    sizeof(ai), err) == -1)
		return -1;
	if (strcmp(a0, ai) != 0 || strstr(a0, ":user/") == NULL)
		return mfa_group_refuse(g, i, strcmp(a0, ai) ? "their source "
		    "keys belong to different IAM users" : "their source keys "
		    "are not an IAM user's", err);
	return 0;
}

/* Build and check the chains of names[0..n) into g (free with
 * mfa_group_free), before any prompt.  0, or -1 with err filled. */
static int
mfa_group_build(const struct config *cfg, const char *const *names, size_t n,
    const struct resolve_opts *o, struct mfa_group *g, struct ar_err *err)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	g->cfg = cfg;
	g->ch = xcalloc(n, sizeof(*g->ch));
	g->base = xcalloc(n, sizeof(*g->base));
	g->n = n;
	for (i = 0; i < n; i++)
		if (chain_build(cfg, names[i], &g->ch[i], err) == -1 ||
		    mfa_group_member(g, i, o, err) == -1)
			return -1;
	g->serial = g->ch[0].hop[0].a.serial;
	return 0;
}

/* Ask for one MFA code (the terminal, mfa_process or --mfa-code, as for
 * the first profile) and call GetSessionToken for `duration` seconds with
 * the first profile's keys: the MFA session into *session.  0, or -1. */
static int
mfa_group_session(const struct mfa_group *g, const struct resolve_opts *o,
    long duration, struct creds *session, struct ar_err *err)
{
	struct sts_endpoint ep;
	struct mfa_source m = o->mfa;
	char code[7] = "";
	int rc;

	m.process = g->ch[0].hop[0].a.mfa_process;
	m.profile = g->ch[0].names[0];
	if (sts_endpoint_resolve(g->cfg, config_profile(g->cfg,
	    g->ch[0].names[0]), o->region, o->verbose, &ep, err) == -1 ||
	    mfa_get(&m, g->serial, code, err) == -1)
		return -1;
	rc = sts_get_session_token(&ep, &g->base[0], g->serial, code, duration,
	    session, err);
	ar_wipe(code, sizeof(code));
	return rc;
}

/* Free what mfa_group_build allocated, wiping the source keys. */
static void
mfa_group_free(struct mfa_group *g)
{
	size_t i;

	for (i = 0; g->base != NULL && i < g->n; i++)
		creds_clear(&g->base[i]);
	free(g->base);
	free(g->ch);
	memset(g, 0, sizeof(*g));
}

/* ========================================================================
 * 13. Output formats
 *
 * Owns: the variables handed to exec's child and printed by env, quoting
 * for each shell (one function per shell, tested with hostile values),
 * and the JSON shapes the CLI and SDKs expect.
 *
 * Calls: 1
 * ======================================================================== */


/* The variables for credentials c of `profile`; region may be NULL.  The
 * other ambient credential sources are removed (NULL values). */
static size_t
export_vars(const struct creds *c, const char *region, const char *profile,
    char exp[32], struct export_var *v)
{
	/* Removed: profile selectors, the legacy token name, and the other
	 * credential sources an SDK in the child would pick up. */
	static const char *const ambient[] = {
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_ROLE_SESSION_NAME" };
	size_t n = 0, i;

	if (c->expires != 0)
		iso8601_format(c->expires, exp, 32);
	v[n++] = (struct export_var){ "AWS_ACCESS_KEY_ID", c->akid };
	v[n++] = (struct export_var){ "AWS_SECRET_ACCESS_KEY", c->secret };
	v[n++] = (struct export_var){ "AWS_SESSION_TOKEN", c->token };
	v[n++] = (struct export_var){ "AWS_CREDENTIAL_EXPIRATION",
	    c->expires ? exp : NULL };
	if (region != NULL) {
		v[n++] = (struct export_var){ "AWS_REGION", region };
		v[n++] = (struct export_var){ "AWS_DEFAULT_REGION", region };
	}
	v[n++] = (struct export_var){ "AWSROLE_PROFILE", profile };
	for (i = 0; i < sizeof(ambient) / sizeof(ambient[0]); i++)
		v[n++] = (struct export_var){ ambient[i], NULL };
	return n;
}

/* POSIX sh: '...' with each ' written as '\''. */
static void
quote_sh(struct ar_buf *b, const char *s)
{
	buf_add(b, "'", 1);
	for (; *s; s++)
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_add(b, s, 1);
	buf_add(b, "'", 1);
}

/* fish: '...' where only \\ and \' are escapes. */
static void
quote_fish(struct ar_buf *b, const char *s)
{
	buf_add(b, "'", 1);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			buf_add(b, "\\", 1);
		buf_add(b, s, 1);
	}
	buf_add(b, "'", 1);
}

/* PowerShell: '...' with every single quote doubled -- including the
 * typographic ones (U+2018..U+201B), which PowerShell also accepts. */
static void
quote_powershell(struct ar_buf *b, const char *s)
{
	buf_add(b, "'", 1);
	for (; *s; s++) {
		if (*s == '\'') {
			buf_adds(b, "''");
		} else if ((unsigned char)s[0] == 0xe2 &&
		    (unsigned char)s[1] == 0x80 &&
		    (unsigned char)s[2] >= 0x98 && (unsigned char)s[2] <= 0x9b) {
			buf_add(b, s, 3);
			buf_add(b, s, 3);
			s += 2;
		} else {
			buf_add(b, s, 1);
		}
	}
	buf_add(b, "'", 1);
}

/* Lines for `env`: sh, fish, powershell or json.  Returns -1 for an
 * unknown format.  The buffer is secret. */
static int
export_render(const struct export_var *v, size_t n, const char *fmt,
    struct ar_buf *b)
{
	cJSON *j;
	char *t;
	size_t i, k;

	b->secret = 1;
	if (strcmp(fmt, "json") == 0) {
		j = cJSON_CreateObject();
		for (i = 0; i < n; i++)
			if (v[i].value != NULL)
				cJSON_AddStringToObject(j, v[i].name, v[i].value);
		t = cJSON_Print(j);
		buf_adds(b, t);
		buf_add(b, "\n", 1);
		ar_free_secret(t);
		json_delete_wiped(j);
		return 0;
	}
	for (k = 0; k < 2 * n; k++) { /* unsets first: fish's `set -e` of an
					 unset name fails, and must not be last */
		i = k < n ? k : k - n;
		if ((k < n) != (v[i].value == NULL))
			continue;
		if (strcmp(fmt, "sh") == 0) {
			buf_adds(b, v[i].value ? "export " : "unset ");
			buf_adds(b, v[i].name);
			if (v[i].value)
				buf_add(b, "=", 1), quote_sh(b, v[i].value);
		} else if (strcmp(fmt, "fish") == 0) {
			buf_addf(b, "set -%s %s", v[i].value ? "gx" : "e",
			    v[i].name);
			if (v[i].value)
				buf_add(b, " ", 1), quote_fish(b, v[i].value);
			buf_add(b, ";", 1);
		} else if (strcmp(fmt, "powershell") == 0) {
			if (v[i].value)
				buf_addf(b, "$Env:%s = ", v[i].name),
				    quote_powershell(b, v[i].value);
			else
				buf_addf(b, "Remove-Item Env:%s -ErrorAction "
				    "SilentlyContinue", v[i].name);
		} else {
			return -1;
		}
		buf_add(b, "\n", 1);
	}
	return 0;
}

/* {"Version": 1, ...}: what credential_process must print. */
static char *
creds_process_json(const struct creds *c)
{
	cJSON *j = cJSON_CreateObject();
	char exp[32];
	char *t;

	cJSON_AddNumberToObject(j, "Version", 1);
	cJSON_AddStringToObject(j, "AccessKeyId", c->akid);
	cJSON_AddStringToObject(j, "SecretAccessKey", c->secret);
	if (c->token != NULL)
		cJSON_AddStringToObject(j, "SessionToken", c->token);
	if (c->expires != 0) {
		iso8601_format(c->expires, exp, sizeof(exp));
		cJSON_AddStringToObject(j, "Expiration", exp);
	}
	t = cJSON_Print(j);
	json_delete_wiped(j);
	if (t == NULL)
		oom();
	return t;
}

/* A flat object as the AWS CLI prints it: 4-space indent. */
static void
json_print_flat(FILE *f, const cJSON *o)
{
	const cJSON *it;
	char *v, *k;

	fputs("{\n", f);
	for (it = o->child; it != NULL; it = it->next) {
		v = cJSON_PrintUnformatted(it);
		k = cJSON_PrintUnformatted(&(cJSON){ .type = cJSON_String,
		    .valuestring = it->string });
		fprintf(f, "    %s: %s%s\n", k, v, it->next ? "," : "");
		cJSON_free(k);
		cJSON_free(v);
	}
	fputs("}\n", f);
}

/* ========================================================================
 * 14. Agent lane
 *
 * Owns: the agent dir (its endpoint file: port and bearer token; the
 * view's generated config), the agent view's environment, the endpoint's
 * strict HTTP request parser, `serve`'s session table with its event loop
 * and renewal thread, and the fetch that awsrole makes inside a view.
 * Unscoped sessions live only in serve's memory; every credential handed
 * out passes through agent_hand_out.
 *
 * Calls: 1, 3, 4, 6, 8, 10, 11, 12, 13
 * ======================================================================== */

/* 1 inside an agent view (awsrole agent set AWSROLE_AGENT_VIEW). */
static int
in_view(void)
{
	return env_nonempty("AWSROLE_AGENT_VIEW") != NULL;
}

/* The agent dir: AWSROLE_AGENT_DIR, else $HOME/.aws/awsrole-agent, into
 * out[cap].  0, or -1 with err filled. */
static int
agent_dir_path(char *out, size_t cap, struct ar_err *err)
{
	const char *d = env_nonempty("AWSROLE_AGENT_DIR");
	const char *home = env_nonempty("HOME");
	int n;

	if (d == NULL && home == NULL)
		return ar_fail(err, AR_EFILE, "neither HOME nor AWSROLE_AGENT_DIR "
		    "is set, so there is no agent dir");
	n = d ? snprintf(out, cap, "%s", d) :
	    snprintf(out, cap, "%s/.aws/awsrole-agent", home);
	if (n < 0 || (size_t)n >= cap)
		return ar_fail(err, AR_EFILE, "the agent dir path is too long");
	return 0;
}

/* path is ours and private (mode & 077 == 0; a directory when dir). 0,
 * or -1 with err filled (AR_EFILE, the fix is a chmod). */
static int
agent_check_private(const char *path, int dir, struct ar_err *err)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return ar_fail(err, AR_EFILE, "cannot use %s: %s", path,
		    strerror(errno));
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return ar_fail(err, AR_EFILE, "%s is not a %s", path,
		    dir ? "directory" : "regular file");
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		ar_fail(err, AR_EFILE, "%s is %s; it holds the agent view's "
		    "token", path, st.st_uid != geteuid() ?
		    "owned by another user" : "open to group or others");
		return ar_fix(err, "chmod %s %s (and make sure you own it)",
		    dir ? "700" : "600", path);
	}
	return 0;
}

/* base64url without padding of p[0..n) into out (4n/3 + 2 bytes). */
static void
base64url(const unsigned char *p, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	    "vwxyz0123456789-_";
	size_t i, o = 0;
	unsigned v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 :
		    0) | (i + 2 < n ? p[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = a[v >> 6 & 63];
		if (i + 2 < n)
			out[o++] = a[v & 63];
	}
	out[o] = '\0';
}

/* The endpoint of an agent dir; token is a secret (wipe the struct). */
struct agent_endpoint {
	char dir[PATH_MAX - 64];
	int port;
	char token[48];
};

/* A new endpoint: 256 random bits of token, and a free loopback port
 * (picked by the kernel).  0, or -1 with err filled. */
static int
agent_endpoint_new(struct agent_endpoint *a, struct ar_err *err)
{
	unsigned char rnd[32];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return ar_fail(err, AR_EGENERAL, "no random bytes for the "
		    "agent token: %s", strerror(errno));
	base64url(rnd, sizeof(rnd), a->token);
	ar_wipe(rnd, sizeof(rnd));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) == -1) {
		ar_fail(err, AR_ENET, "cannot pick a loopback port for the "
		    "agent endpoint: %s", strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	a->port = ntohs(sa.sin_port);
	return 0;
}

/* Write data[0..n) to path as a new 0600 file, atomically: a temporary
 * file, fsync, then rename (replace) or link (keep an existing one:
 * returns 1 when path already existed).  0/1, or -1 with err filled. */
static int
agent_write_file(const char *path, const char *data, size_t n, int keep,
    struct ar_err *err)
{
	char tmp[PATH_MAX];
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return ar_fail(err, AR_EFILE, "cannot write %s: %s", tmp,
		    strerror(errno));
	rc = write_all(fd, data, n) == -1 || fsync(fd) == -1 ? -1 : 0;
	if (close(fd) == -1 || rc == -1) {
		ar_fail(err, AR_EFILE, "cannot write %s: %s", tmp,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	rc = keep ? link(tmp, path) : rename(tmp, path);
	if (rc == -1 && keep && errno == EEXIST)
		rc = 1;
	else if (rc == -1)
		ar_fail(err, AR_EFILE, "cannot write %s: %s", path,
		    strerror(errno));
	unlink(tmp);
	return rc;
}

/* Read dir/endpoint into a (its mode checked first).  AR_FOUND, AR_NONE
 * (no file), or AR_ERROR with err filled. */
static int
agent_endpoint_read(struct agent_endpoint *a, struct ar_err *err)
{
	char path[PATH_MAX];
	struct ar_buf b = { 0 };
	const cJSON *port, *tok;
	cJSON *j;
	int rc = AR_ERROR;

	snprintf(path, sizeof(path), "%s/endpoint", a->dir);
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return AR_NONE;
	if (agent_check_private(path, 0, err) == -1 ||
	    read_file(path, 4096, 1, AR_EFILE, &b, err) == -1)
		return AR_ERROR;
	j = cJSON_Parse(b.p);
	port = cJSON_GetObjectItemCaseSensitive(j, "port");
	tok = cJSON_GetObjectItemCaseSensitive(j, "token");
	if (!cJSON_IsNumber(port) || port->valueint < 1 ||
	    port->valueint > 65535 || !cJSON_IsString(tok) ||
	    strlen(tok->valuestring) < 22 ||
	    strlen(tok->valuestring) >= sizeof(a->token) ||
	    strspn(tok->valuestring, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789-_") != strlen(tok->valuestring)) {
		ar_fail(err, AR_EFILE, "%s is not an agent endpoint file "
		    "({\"port\": N, \"token\": \"...\"})", path);
		ar_fix(err, "remove it; the next awsrole serve or awsrole agent "
		    "writes a new one (running agent views must then restart)");
	} else {
		a->port = port->valueint;
		snprintf(a->token, sizeof(a->token), "%s", tok->valuestring);
		rc = AR_FOUND;
	}
	json_delete_wiped(j);
	buf_free(&b);
	return rc;
}

/* The agent dir's endpoint into *a (wipe it after use): read, or with
 * create made (the dir 0700, the file 0600; kept afterwards, so that a
 * restarted serve has the same port and token).  AR_FOUND, AR_NONE
 * (!create and no file) or AR_ERROR with err filled. */
static int
agent_endpoint(struct agent_endpoint *a, int create, struct ar_err *err)
{
	char path[PATH_MAX];
	struct ar_buf b = { .secret = 1 };
	int rc;

	memset(a, 0, sizeof(*a));
	if (agent_dir_path(a->dir, sizeof(a->dir), err) == -1)
		return AR_ERROR;
	if (create && (cache_mkdirs(a->dir, err) == -1))
		return AR_ERROR;
	if (access(a->dir, F_OK) == -1 && !create)
		return AR_NONE;
	if (agent_check_private(a->dir, 1, err) == -1)
		return AR_ERROR;
	if ((rc = agent_endpoint_read(a, err)) != AR_NONE || !create)
		return rc;
	if (agent_endpoint_new(a, err) == -1)
		return AR_ERROR;
	buf_addf(&b, "{\"port\": %d, \"token\": \"%s\"}\n", a->port, a->token);
	snprintf(path, sizeof(path), "%s/endpoint", a->dir);
	rc = agent_write_file(path, b.p, b.len, 1, err);
	buf_free(&b);
	if (rc == 1) /* another awsrole wrote it first: use that one */
		return agent_endpoint_read(a, err);
	return rc == 0 ? AR_FOUND : AR_ERROR;
}

/* Whether profile key k is copied into the view's config: settings that
 * are no credential and lead to none. */
static int
view_key_copied(const char *k)
{
	static const char *const keep[] = { "region", "output", "endpoint_url",
	    "sts_regional_endpoints", "use_fips_endpoint",
	    "use_dualstack_endpoint", "ca_bundle", "retry_mode", "max_attempts",
	    "parameter_validation", "services", "defaults_mode",
	    "ignore_configured_endpoint_urls", "tcp_keepalive",
	    "s3", "sts", "request_checksum_calculation",
	    "response_checksum_validation", "account_id_endpoint_mode" };
	size_t i;

	if (str_has_prefix(k, "cli_"))
		return 1;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (strcmp(k, keep[i]) == 0)
			return 1;
	return 0;
}

/* One pair of a view's config section (a nested block as botocore's). */
static void
view_add_pair(struct ar_buf *b, const struct ini_pair *q)
{
	size_t i;

	if (q->value != NULL) {
		buf_addf(b, "%s = %s\n", q->key, q->value);
		return;
	}
	buf_addf(b, "%s =\n", q->key);
	for (i = 0; i < q->nsub; i++)
		buf_addf(b, "    %s = %s\n", q->sub[i].key, q->sub[i].value ?
		    q->sub[i].value : "");
}

/* 1 when s can go into a view's config line as it is: no control
 * character (a newline would start another key). */
static int
view_text_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* "credential_process = 'SELF' credential-process 'NAME'\n": the words
 * single-quoted, which botocore's shlex and /bin/sh (the JS SDK) read the
 * same way. */
static void
view_process_line(struct ar_buf *b, const char *self, const char *name)
{
	buf_adds(b, "credential_process = ");
	quote_sh(b, self);
	buf_adds(b, " credential-process ");
	quote_sh(b, name);
	buf_adds(b, "\n");
}

/* [profile "NAME"], NAME with \ and " escaped: what shlex.split (and
 * awsrole's reader) turn back into NAME. */
static void
view_quoted_header(struct ar_buf *b, const char *name)
{
	buf_adds(b, "[profile \"");
	for (; *name; name++) {
		if (*name == '"' || *name == '\\')
			buf_add(b, "\\", 1);
		buf_add(b, name, 1);
	}
	buf_adds(b, "\"]\n");
}

/* The view's section for profile p: its header, a credential_process
 * line that runs self (quoted so that botocore's shlex and /bin/sh read
 * the same words), and its copied settings. */
static void
view_add_profile(struct ar_buf *b, const struct profile *p, const char *self)
{
	size_t i;

	if (strcmp(p->name, "default") == 0)
		buf_adds(b, "[default]\n");
	else if (p->name[strcspn(p->name, " \t\"'\\")] != '\0')
		view_quoted_header(b, p->name);
	else
		buf_addf(b, "[profile %s]\n", p->name);
	view_process_line(b, self, p->name);
	for (i = 0; i < p->nkv; i++)
		if (view_key_copied(p->kv[i].key) && (p->kv[i].pair->value == NULL
		    || view_text_ok(p->kv[i].pair->value)))
			view_add_pair(b, p->kv[i].pair);
	buf_adds(b, "\n");
}

/* The text of the view's config for cfg: every profile of the user's two
 * files, each fetching through `self credential-process NAME`, and the
 * [services ...] sections as they are.  Profiles whose name cannot be
 * written are left out. */
static void
view_config_text(const struct config *cfg, const char *self, struct ar_buf *b)
{
	const struct ini_section *s;
	size_t i, k;

	buf_adds(b, "# Written by awsrole for its agent view: every profile "
	    "fetches from awsrole serve.\n# Regenerated by awsrole serve and "
	    "awsrole agent; edit ~/.aws/config instead.\n\n");
	for (i = 0; i < cfg->nprof; i++)
		if (view_text_ok(cfg->prof[i].name) &&
		    strpbrk(cfg->prof[i].name, "[]") == NULL)
			view_add_profile(b, &cfg->prof[i], self);
	for (i = 0; i < cfg->cfg.nsec; i++) {
		s = &cfg->cfg.sec[i];
		if (!str_has_prefix(s->name, "services ") ||
		    !view_text_ok(s->name))
			continue;
		buf_addf(b, "[%s]\n", s->name);
		for (k = 0; k < s->npairs; k++)
			view_add_pair(b, &s->pairs[k]);
		buf_adds(b, "\n");
	}
}

/* The text of the view's credentials file: for each profile whose name
 * the config must quote ([profile "Access CustomerA"], which the JS SDK
 * cannot read), the same credential_process line in a [NAME] section, as
 * such profiles are written in a credentials file; botocore and the JS SDK
 * merge the two files, so every reader finds it. */
static void
view_credentials_text(const struct config *cfg, const char *self,
    struct ar_buf *b)
{
	const char *name;
	size_t i;

	buf_adds(b, "# Written by awsrole for its agent view: no keys, only the "
	    "profiles whose names need quotes in a config file.\n\n");
	for (i = 0; i < cfg->nprof; i++) {
		name = cfg->prof[i].name;
		if (!view_text_ok(name) || strpbrk(name, "[]") != NULL ||
		    name[strcspn(name, " \t\"'\\")] == '\0')
			continue;
		buf_addf(b, "[%s]\n", name);
		view_process_line(b, self, name);
		buf_adds(b, "\n");
	}
}

/* Write the view's config and credentials files into dir.  0, or -1 with
 * err filled. */
static int
view_write_files(const struct config *cfg, const char *dir,
    struct ar_err *err)
{
	char self[PATH_MAX], path[PATH_MAX];
	struct ar_buf b = { 0 };
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int rc;

	if (n <= 0)
		return ar_fail(err, AR_EGENERAL, "cannot find awsrole's own path "
		    "(/proc/self/exe): %s", strerror(errno));
	self[n] = '\0';
	view_config_text(cfg, self, &b);
	snprintf(path, sizeof(path), "%s/config", dir);
	rc = agent_write_file(path, b.p, b.len, 0, err);
	buf_free(&b);
	view_credentials_text(cfg, self, &b);
	snprintf(path, sizeof(path), "%s/credentials", dir);
	if (rc == 0)
		rc = agent_write_file(path, b.p, b.len, 0, err);
	buf_free(&b);
	return rc;
}

/* The agent view's environment for dir and view name into v (NULL values:
 * unset), paths[2] holding the strings; narrowed: the view was made by
 * agent --policy (its fetches then never take the root session).
 * Returns the count. */
static size_t
view_vars(const char *dir, const char *view, int narrowed,
    char paths[2][PATH_MAX], struct export_var *v)
{
	static const char *const drop[] = { "AWS_ACCESS_KEY_ID",
	    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	    "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	    "AWS_CREDENTIAL_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
	    "AWS_ROLE_SESSION_NAME", "AWS_BEARER_TOKEN_BEDROCK",
	    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWSROLE_PROFILE",
	    "_AWSROLE_PROFILE_CHAIN" };
	size_t n = 0, i;

	snprintf(paths[0], PATH_MAX, "%s/config", dir);
	snprintf(paths[1], PATH_MAX, "%s/credentials", dir);
	v[n++] = (struct export_var){ "AWS_CONFIG_FILE", paths[0] };
	v[n++] = (struct export_var){ "AWS_SHARED_CREDENTIALS_FILE", paths[1] };
	v[n++] = (struct export_var){ "BOTO_CONFIG", "/dev/null" };
	v[n++] = (struct export_var){ "AWS_EC2_METADATA_DISABLED", "true" };
	v[n++] = (struct export_var){ "AWSROLE_AGENT_DIR", dir };
	v[n++] = (struct export_var){ "AWSROLE_AGENT_VIEW", view };
	v[n++] = (struct export_var){ "AWSROLE_AGENT_NARROWED", narrowed ? "1" :
	    NULL };
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		v[n++] = (struct export_var){ drop[i], NULL };
	return n;
}

/* 1 when c may be in an HTTP token (a method or header name). */
static int
http_tchar(unsigned char c)
{
	return isalnum(c) || (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* The request line "GET TARGET HTTP/1.x" of rq->head: method and target
 * pointers set, target percent-decoded into rq->path.  0, or the HTTP
 * status to answer. */
static int
srv_request_line(struct srv_request *rq, char *line)
{
	char *sp1 = strchr(line, ' '), *sp2;
	const char *t;
	size_t n;

	if (sp1 == NULL || sp1 == line || (sp2 = strchr(sp1 + 1, ' ')) == NULL ||
	    strchr(sp2 + 1, ' ') != NULL)
		return 400;
	*sp1 = *sp2 = '\0';
	for (t = line; *t; t++)
		if (!http_tchar((unsigned char)*t))
			return 400;
	if (strcmp(sp2 + 1, "HTTP/1.1") != 0 && strcmp(sp2 + 1, "HTTP/1.0") != 0)
		return strncmp(sp2 + 1, "HTTP/", 5) == 0 ? 505 : 400;
	rq->method = line;
	rq->target = sp1 + 1;
	if (rq->target[0] != '/' || strlen(rq->target) >= sizeof(rq->path))
		return rq->target[0] != '/' ? 400 : 414;
	for (t = rq->target, n = 0; *t; t++) {
		if ((unsigned char)*t <= 0x20 || *t == 0x7f || *t == '?' ||
		    *t == '#')
			return 400;
		if (*t == '%') {
			int hi = hex_digit(t[1]), lo = hi < 0 ? -1 : hex_digit(t[2]);

			if (lo < 0 || (hi << 4 | lo) < 0x20 || (hi << 4 | lo) == 0x7f)
				return 400;
			rq->path[n++] = (char)(hi << 4 | lo);
			t += 2;
		} else {
			rq->path[n++] = *t;
		}
	}
	rq->path[n] = '\0';
	return strcmp(rq->method, "GET") == 0 ? 0 : 405;
}

/* One header line "Name: value" of rq: the ones the server reads are
 * kept (value trimmed); a repeated one of those is refused.  0, or 400. */
static int
srv_header(struct srv_request *rq, char *line)
{
	static const struct { const char *name; size_t off; } known[] = {
		{ "authorization", offsetof(struct srv_request, auth) },
		{ "user-agent", offsetof(struct srv_request, ua) },
		{ "x-awsrole-view", offsetof(struct srv_request, view) },
		{ "x-awsrole-narrowed", offsetof(struct srv_request, narrow) } };
	char *colon = strchr(line, ':'), *v, *t, *end;
	const char **slot;
	size_t i;

	if (colon == NULL || colon == line)
		return 400;
	for (t = line; t < colon; t++)
		if (!http_tchar((unsigned char)*t))
			return 400;
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (end = v + strlen(v); end > v && (end[-1] == ' ' ||
	    end[-1] == '\t'); end--)
		;
	*end = '\0';
	for (t = v; *t; t++)
		if (((unsigned char)*t < 0x20 && *t != '\t') || *t == 0x7f)
			return 400;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcasecmp(line, known[i].name) != 0)
			continue;
		slot = (const char **)((char *)rq + known[i].off);
		if (*slot != NULL)
			return 400;
		*slot = v;
	}
	return 0;
}

/*
 * Where the request head in buf[0..len) (the bytes read so far) ends:
 * 0 with *n its length (before CR LF CR LF); -1 when it has not ended and
 * may still be acceptable; else the status it already deserves: 400 for
 * a NUL or a head ended by bare LFs, 414 when the request line is longer
 * than AR_SRV_LINE_MAX whatever follows, 431 when the head is.
 */
static int
srv_head_end(const char *buf, size_t len, size_t *n)
{
	size_t i, k;

	for (i = 0; i + 3 < len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
			break;
	*n = i + 3 < len ? i : len;
	if (memchr(buf, '\0', *n) != NULL)
		return 400;
	if (*n < len)
		return 0;
	for (i = 0; i + 1 < len; i++)
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return 400;
	/* the shortest the head can still be: up to a partial CR LF CR LF */
	for (k = 3; k > 0 && (k > len || memcmp(buf + len - k, "\r\n\r", k));
	    k--)
		;
	if (len - k > AR_SRV_HEAD_MAX)
		return 431;
	if (memchr(buf, '\n', len) == NULL &&
	    len - (len > 0 && buf[len - 1] == '\r') > AR_SRV_LINE_MAX)
		return 414;
	return -1;
}

/*
 * Parse one request head from buf[0..len) (the bytes read so far) into rq.
 * Returns -1 when the head is not complete yet, 0 when rq holds a GET
 * request (method, target, its decoded path and the headers the server
 * reads, all pointing into rq), or the HTTP status to answer instead: 400
 * malformed (bare LF, NUL, folded or bad header), 405 not GET, 414 target
 * too long, 431 head too large, 505 not HTTP/1.x.
 */
static int
srv_parse_request(const char *buf, size_t len, struct srv_request *rq)
{
	char *line, *next;
	size_t n, lines = 0;
	int rc;

	rq->method = rq->target = rq->auth = rq->ua = rq->view = NULL;
	rq->narrow = NULL;
	rq->head[0] = rq->path[0] = '\0';   /* the rest is written before read */
	if ((rc = srv_head_end(buf, len, &n)) != 0)
		return rc;
	if (n > AR_SRV_HEAD_MAX)
		return 431;
	memcpy(rq->head, buf, n);
	rq->head[n] = '\0';
	for (line = rq->head; line != NULL; line = next, lines++) {
		if ((next = strstr(line, "\r\n")) != NULL)
			*next = '\0', next += 2;
		if (strchr(line, '\r') != NULL || strchr(line, '\n') != NULL)
			return 400;
		if (lines == 0 && strlen(line) > AR_SRV_LINE_MAX)
			return 414;
		if (lines > AR_SRV_HEADERS_MAX)
			return 431;
		if (lines == 0 ? (rc = srv_request_line(rq, line)) != 0 :
		    (line[0] == ' ' || line[0] == '\t') ? (rc = 400) :
		    (rc = srv_header(rq, line)) != 0)
			return rc;
	}
	return 0;
}

/* Equal strings, in time that depends on b's length only (b: the token). */
static int
ct_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i;
	unsigned char d = na != nb;

	for (i = 0; i < nb; i++)
		d |= (unsigned char)(a[na ? i % na : 0] ^ b[i]);
	return d == 0;
}

/* The reason phrase of an HTTP status the server sends. */
static const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

/* A whole response with JSON body j (deleted, wiped) into b (secret). */
static void
srv_response(struct ar_buf *b, int status, cJSON *j)
{
	char *t = cJSON_PrintUnformatted(j);

	if (t == NULL)
		oom();
	b->secret = 1;
	buf_addf(b, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\nCache-Control: "
	    "no-store\r\n\r\n%s", status, http_reason(status), strlen(t), t);
	ar_free_secret(t);
	json_delete_wiped(j);
}

/* An error response: {"Code","Message","Fix"} and the lower-case pair the
 * JS SDK also reads. */
static void
srv_error(struct ar_buf *b, int status, const char *code, const char *msg,
    const char *fix)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "Code", code);
	cJSON_AddStringToObject(j, "Message", msg);
	if (fix != NULL && *fix)
		cJSON_AddStringToObject(j, "Fix", fix);
	cJSON_AddStringToObject(j, "code", code);
	cJSON_AddStringToObject(j, "message", msg);
	srv_response(b, status, j);
}

/* The string member name of j, or NULL. */
static const char *
json_member(const cJSON *j, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* 1 when s is a view name: 1-64 of [A-Za-z0-9_.@-]. */
static int
view_name_ok(const char *s)
{
	return s != NULL && *s && strlen(s) <= 64 && strspn(s, "ABCDEFGHIJKLM"
	    "NOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.@-") ==
	    strlen(s);
}

/* dir/views/NAME.json into out. */
static void
view_file_path(const char *dir, const char *name, char out[PATH_MAX])
{
	snprintf(out, PATH_MAX, "%.3900s/views/%.64s.json", dir, name);
}

/* A narrowed view's file, as `awsrole agent --policy` writes it and serve
 * reads it: its scope-down policies (outermost first), label and
 * description.  Filled by view_file_read, freed by view_file_free. */
struct view_file {
	char *policy[AR_SCOPE_LAYERS];
	size_t np;
	char label[300];
	char desc[257];
	struct timespec mtime;
};

/* Free what view_file_read allocated. */
static void
view_file_free(struct view_file *f)
{
	size_t i;

	for (i = 0; i < f->np; i++)
		free(f->policy[i]);
	memset(f, 0, sizeof(*f));
}

/* Read view name's file of agent dir dir into *f: AR_FOUND, AR_NONE (no
 * file: the view is not narrowed), or AR_ERROR with err filled. */
static int
view_file_read(const char *dir, const char *name, struct view_file *f,
    struct ar_err *err)
{
	char path[PATH_MAX];
	struct ar_buf b = { 0 };
	const cJSON *pol, *it;
	struct stat st;
	cJSON *j;
	int rc = AR_ERROR;

	memset(f, 0, sizeof(*f));
	view_file_path(dir, name, path);
	if (lstat(path, &st) == -1 && errno == ENOENT)
		return AR_NONE;
	if (agent_check_private(path, 0, err) == -1 ||
	    read_file(path, 64u << 10, 0, AR_EFILE, &b, err) == -1)
		return AR_ERROR;
	f->mtime = st.st_mtim;
	j = cJSON_Parse(b.p);
	pol = cJSON_GetObjectItemCaseSensitive(j, "policies");
	cJSON_ArrayForEach(it, pol)
		if (cJSON_IsString(it) && f->np < AR_SCOPE_LAYERS)
			f->policy[f->np++] = xstrdup(it->valuestring);
	snprintf(f->label, sizeof(f->label), "%s", json_member(j, "label") ?
	    json_member(j, "label") : "policy");
	snprintf(f->desc, sizeof(f->desc), "%s", json_member(j,
	    "description") ? json_member(j, "description") : name);
	if (f->np == 0 || f->np != (size_t)cJSON_GetArraySize(pol))
		ar_fail(err, AR_EFILE, "%s is not a view file of awsrole agent",
		    path);
	else
		rc = AR_FOUND;
	cJSON_Delete(j);
	buf_free(&b);
	return rc;
}

/* Write view name's file into dir/views (0700; the file 0600, replaced
 * atomically), or with np == 0 remove it.  0, or -1 with err filled. */
static int
view_file_write(const char *dir, const char *name, char *const *pol,
    size_t np, const char *label, const char *desc, struct ar_err *err)
{
	char path[PATH_MAX], *t;
	struct ar_buf old;
	struct ar_err ignore;
	cJSON *j, *a;
	size_t i;
	int rc;

	snprintf(path, sizeof(path), "%s/views", dir);
	if (cache_mkdirs(path, err) == -1 || agent_check_private(path, 1,
	    err) == -1)
		return -1;
	view_file_path(dir, name, path);
	if (np == 0)
		return unlink(path) == -1 && errno != ENOENT ? ar_fail(err,
		    AR_EFILE, "cannot remove %s: %s", path, strerror(errno)) : 0;
	j = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(j, "policies");
	for (i = 0; i < np; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(pol[i]));
	cJSON_AddStringToObject(j, "label", label);
	cJSON_AddStringToObject(j, "description", desc);
	if ((t = cJSON_Print(j)) == NULL)
		oom();
	cJSON_Delete(j);
	memset(&old, 0, sizeof(old));
	rc = read_file(path, 64u << 10, 0, AR_EFILE, &old, &ignore) == 0 &&
	    strcmp(old.p, t) == 0 ? 0 :  /* unchanged: serve keeps its sessions */
	    agent_write_file(path, t, strlen(t), 0, err);
	buf_free(&old);
	cJSON_free(t);
	return rc;
}

/* The policy file of `awsrole agent --policy FILE`, minified, as
 * GetScopedCredentials takes it: a JSON object of at most 2048 characters,
 * each in U+0020-U+00FF.  Malloc'd into *out.  0, or -1 with AR_EUSAGE. */
static int
view_policy_load(const char *file, char **out, struct ar_err *err)
{
	struct ar_buf b = { 0 };
	const unsigned char *q;
	long c, n = 0;
	cJSON *j;
	int k;

	*out = NULL;
	if (read_file(file, 64u << 10, 0, AR_EUSAGE, &b, err) == -1)
		return -1;
	if ((j = json_parse_whole(b.p)) == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		buf_free(&b);
		ar_fail(err, AR_EUSAGE, "--policy %s is not a JSON object", file);
		return ar_fix(err, "give an IAM policy document "
		    "({\"Version\": \"2012-10-17\", \"Statement\": [...]})");
	}
	cJSON_Delete(j);
	*out = json_minify(b.p);
	buf_free(&b);
	for (q = (const unsigned char *)*out; *q; q += k, n++)
		if ((c = utf8_decode(q, strlen((const char *)q), &k)) < 0x20 ||
		    c > 0xff) {
			ar_fail(err, AR_EUSAGE, "--policy %s has a character outside "
			    "U+0020-U+00FF, which GetScopedCredentials refuses",
			    file);
			return ar_fix(err, "write the policy in Latin-1 characters");
		}
	if (n > AR_POLICY_CHARS_MAX) {
		ar_fail(err, AR_EUSAGE, "--policy %s is %ld characters after "
		    "minifying; GetScopedCredentials takes at most %d", file, n,
		    AR_POLICY_CHARS_MAX);
		return ar_fix(err, "shorten the policy (wildcards, fewer "
		    "statements)");
	}
	return 0;
}

/*
 * Narrow view `name` of agent dir dir by the policy in file: its layers
 * are the parent view's (the view this runs in, if any) plus this one, at
 * most AR_SCOPE_LAYERS, written to its view file for serve.  Without a
 * file the view is not narrowed (a stale file is removed).  0, or -1.
 */
static int
view_narrow(const char *dir, const char *name, const char *parent,
    const char *file, const char *desc, struct ar_err *err)
{
	struct view_file pf;
	char *pol = NULL, label[300];
	int rc;

	memset(&pf, 0, sizeof(pf));
	if (file == NULL)
		return view_file_write(dir, name, NULL, 0, "", "", err);
	if (view_policy_load(file, &pol, err) == -1 || (parent != NULL &&
	    view_file_read(dir, parent, &pf, err) == AR_ERROR)) {
		free(pol);
		return -1;
	}
	if (pf.np == AR_SCOPE_LAYERS) {
		ar_fail(err, AR_EUSAGE, "view %s already has %d scope-down layers, "
		    "the most a session takes", parent, AR_SCOPE_LAYERS);
		rc = ar_fix(err, "narrow one of the outer views instead");
	} else {
		pf.policy[pf.np++] = pol;
		pol = NULL;
		snprintf(label, sizeof(label), "policy %.200s", file);
		rc = view_file_write(dir, name, pf.policy, pf.np, label, desc, err);
	}
	free(pol);
	view_file_free(&pf);
	return rc;
}

/* What a served profile is doing. */
enum slot_state {
	SLOT_NEW,            /* no session yet: the first login is due */
	SLOT_OK,             /* a session is in */
	SLOT_WAITING         /* the last login failed; waiting to retry */
};

/* One served profile.  c, state and why are shared by the event loop and
 * the renewal thread: read or write them only under the server's lock. */
struct agent_slot {
	const char *name;            /* points into argv */
	struct chain ch;             /* built once, before serving */
	struct creds c;              /* the role session: secret */
	int state;                   /* enum slot_state */
	char why[600];               /* the last failure, for 503 answers */
	time_t retry_at;             /* SLOT_WAITING: next attempt */
	struct scope scope;          /* its session controls: readonly
					unless told */
	unsigned gen;                /* counts the sessions it has had */
	struct ar_buf ans;           /* the 200 answer for c: secret */
};

/* serve's copy of one narrowed view: its file, and per slot the narrowed
 * session.  Everything here is under the server's lock. */
struct agent_view {
	char name[65];
	struct view_file f;
	struct creds *c;             /* per slot: secret */
	unsigned *gen;               /* per slot: the slot's gen it came from */
	unsigned char *want;         /* per slot: a fetch asked for it */
	time_t *retry_at;            /* per slot: after a failure */
	char (*why)[400];            /* per slot: the last failure */
	char (*fix)[400];            /* per slot: its fix */
	struct ar_buf *ans;          /* per slot: the 200 answer for c */
};



/* One connection: the request head read so far. */
struct srv_conn {
	int fd;
	size_t len;
	long long deadline_ms;
	char buf[AR_SRV_HEAD_MAX + 5];  /* a head, CR LF CR LF, one more */
};

/* serve's state: the slots, their lock, the listening socket. */
struct agent_srv {
	const struct config *cfg;
	struct resolve_opts o;       /* no cache, forced, no terminal prompt
					from this struct (the thread asks) */
	struct agent_slot *slot;
	size_t n;
	pthread_mutex_t mu;
	struct agent_endpoint ep;    /* secret: the token */
	long window;                 /* renew at this many seconds left;
					-1: the cache's window per profile */
	long mfa_session;            /* --mfa-session seconds, or 0 */
	struct mfa_group g;          /* --mfa-session: the checked group */
	struct creds root;           /* --mfa-session: the MFA session;
					the renewal thread's alone */
	char last_code[7];           /* the last code sent: secret */
	char served[1024];           /* "default CustomerA" */
	char session_name[65];       /* the agent sessions' RoleSessionName */
	struct agent_view views[AR_VIEWS_MAX]; /* narrowed views */
	size_t nviews;
	pthread_cond_t cv;           /* wakes the renewal thread */
	struct srv_request *rq;      /* the event loop's request */
	int lfd;
	volatile sig_atomic_t stop;
};

static int srv_stop_pipe[2] = { -1, -1 };

/* SIGINT/SIGTERM/SIGHUP while serving: wake the event loop. */
static void
srv_on_signal(int sig)
{
	(void)sig;
	if (srv_stop_pipe[1] != -1)
		(void)!write(srv_stop_pipe[1], "x", 1);
}

/* Milliseconds on the monotonic clock (timeouts of connections). */
static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The slot serving profile name, or NULL. */
static struct agent_slot *
srv_slot(struct agent_srv *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->slot[i].name, name) == 0)
			return &s->slot[i];
	return NULL;
}

/* A timestamped line on serve's stdout (the log; never a secret). */
static void
srv_log(const char *fmt, ...)
{
	static __thread char ts[32];
	static __thread time_t ts_at;
	char line[1400];
	time_t now = now_s();
	va_list ap;

	if (now != ts_at)
		iso8601_format(now, ts, sizeof(ts));
	ts_at = now;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("%s %s\n", ts, line);
	fflush(stdout);
}

/* s copied for the log: at most 120 bytes, control characters and quotes
 * replaced, "-" when NULL. */
static const char *
srv_log_text(const char *s, char out[128])
{
	size_t i;

	if (s == NULL)
		return "-";
	for (i = 0; s[i] && i < 120; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    s[i] == '"' ? '?' : s[i];
	out[i] = '\0';
	return out;
}

/* The view called name, or NULL.  Under the lock. */
static struct agent_view *
srv_view(struct agent_srv *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nviews; i++)
		if (strcmp(s->views[i].name, name) == 0)
			return &s->views[i];
	return NULL;
}

/* Wipe and free view v's sessions and file.  Under the lock. */
static void
srv_view_free(struct agent_srv *s, struct agent_view *v)
{
	size_t i;

	for (i = 0; v->c != NULL && i < s->n; i++) {
		creds_clear(&v->c[i]);
		buf_free(&v->ans[i]);
	}
	free(v->c);
	free(v->ans);
	free(v->gen);
	free(v->want);
	free(v->retry_at);
	free(v->why);
	free(v->fix);
	view_file_free(&v->f);
	memset(v, 0, sizeof(*v));
}

/* Take a view file that is new or changed since it was read: the view's
 * narrowed sessions are dropped, what was wanted stays wanted. */
static void
srv_view_take(struct agent_srv *s, const char *name, struct view_file *f)
{
	struct agent_view *v;
	unsigned char *want = NULL;

	pthread_mutex_lock(&s->mu);
	if ((v = srv_view(s, name)) != NULL) {
		want = v->want;
		v->want = NULL;
		srv_view_free(s, v);
	} else if (s->nviews < AR_VIEWS_MAX) {
		v = &s->views[s->nviews++];
	}
	if (v != NULL) {
		snprintf(v->name, sizeof(v->name), "%s", name);
		v->f = *f;
		memset(f, 0, sizeof(*f));
		v->c = xcalloc(s->n, sizeof(*v->c));
		v->gen = xcalloc(s->n, sizeof(*v->gen));
		v->want = want ? want : xcalloc(s->n, 1);
		v->retry_at = xcalloc(s->n, sizeof(*v->retry_at));
		v->why = xcalloc(s->n, sizeof(*v->why));
		v->fix = xcalloc(s->n, sizeof(*v->fix));
		v->ans = xcalloc(s->n, sizeof(*v->ans));
		want = NULL;
	}
	pthread_mutex_unlock(&s->mu);
	free(want);
	view_file_free(f);
}

/* Read the agent dir's view files that are new or changed (the renewal
 * thread, outside the lock but for the swap). */
static void
srv_views_sync(struct agent_srv *s)
{
	char path[PATH_MAX], name[65];
	struct view_file f;
	struct agent_view *v;
	struct ar_err e;
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t n;
	int changed, rc;

	snprintf(path, sizeof(path), "%s/views", s->ep.dir);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 6 || n > 69 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n - 5), de->d_name);
		view_file_path(s->ep.dir, name, path);
		if (!view_name_ok(name) || lstat(path, &st) == -1)
			continue;
		pthread_mutex_lock(&s->mu);
		v = srv_view(s, name);
		changed = v == NULL || v->f.mtime.tv_sec != st.st_mtim.tv_sec ||
		    v->f.mtime.tv_nsec != st.st_mtim.tv_nsec;
		pthread_mutex_unlock(&s->mu);
		memset(&e, 0, sizeof(e));
		if (changed && (rc = view_file_read(s->ep.dir, name, &f, &e)) ==
		    AR_FOUND)
			srv_view_take(s, name, &f);
		else if (changed && rc == AR_ERROR)
			srv_log("view %s: %s", name, e.msg);
	}
	closedir(d);
}

/* Narrow slot i's session for view v, layer by layer, each from the one
 * before, starting at the slot's own (root) session: so renewals never
 * stack layers.  0, or -1 with err filled. */
static int
srv_narrow(struct agent_srv *s, size_t i, const struct view_file *f,
    const struct creds *root, struct creds *out, struct ar_err *err)
{
	const struct agent_slot *sl = &s->slot[i];
	struct sts_endpoint ep;
	struct creds cur, next;
	size_t k;
	int rc = 0;

	if (sts_endpoint_regional(s->cfg, config_profile(s->cfg, sl->name),
	    s->o.region, s->o.verbose, &ep, err) == -1)
		return -1;
	memset(&next, 0, sizeof(next));
	creds_copy(root, &cur);
	for (k = 0; k < f->np && rc == 0; k++) {
		rc = sts_get_scoped_credentials(&ep, &cur, f->policy[k], f->desc,
		    &next, err);
		creds_clear(&cur);
		cur = next;
		memset(&next, 0, sizeof(next));
	}
	if (rc == 0)
		*out = cur;
	else
		creds_clear(&cur);
	return rc;
}

/* The whole 200 answer for credentials c into ans (secret, replaced):
 * the container-credential JSON, AccountId when known, and awsrole's
 * scope label (which the SDKs ignore).  Built once per session, so that a
 * fetch only copies it. */
static void
srv_build_answer(const struct creds *c, const char *account,
    const char *label, struct ar_buf *ans)
{
	cJSON *j = cJSON_CreateObject();
	char exp[32];

	buf_free(ans);
	iso8601_format(c->expires, exp, sizeof(exp));
	cJSON_AddStringToObject(j, "AccessKeyId", c->akid);
	cJSON_AddStringToObject(j, "SecretAccessKey", c->secret);
	cJSON_AddStringToObject(j, "Token", c->token ? c->token : "");
	cJSON_AddStringToObject(j, "Expiration", exp);
	if (account != NULL)
		cJSON_AddStringToObject(j, "AccountId", account);
	cJSON_AddStringToObject(j, "AwsroleScope", label);
	srv_response(ans, 200, j);
}

/* Keep what srv_narrow made (rc 0: got, taken) for view vi, slot i, from
 * the slot's session of generation gen; or its failure e, retried in 5 s. */
static void
srv_views_store(struct agent_srv *s, size_t vi, size_t i, unsigned gen,
    int rc, struct creds *got, const struct ar_err *e)
{
	struct agent_view *v;
	char exp[32], label[700];

	pthread_mutex_lock(&s->mu);
	v = &s->views[vi];
	if (rc == 0) {
		creds_clear(&v->c[i]);
		v->c[i] = *got;
		v->gen[i] = gen;
		v->why[i][0] = '\0';
		snprintf(label, sizeof(label), "%s, narrowed by %s (view %s)",
		    s->slot[i].scope.label[0] ? s->slot[i].scope.label : "full",
		    v->f.label, v->name);
		srv_build_answer(&v->c[i], s->slot[i].c.account, label,
		    &v->ans[i]);
		iso8601_format(got->expires, exp, sizeof(exp));
		srv_log("narrowed %s for view %s (%zu scope-down layer%s, "
		    "GetScopedCredentials): key %s expires %s", s->slot[i].name,
		    v->name, v->f.np, v->f.np > 1 ? "s" : "", got->akid, exp);
		memset(got, 0, sizeof(*got));
	} else {
		v->retry_at[i] = now_s() + 5;
		v->want[i] = 0;  /* again only when a fetch asks again */
		snprintf(v->why[i], sizeof(v->why[i]), "%.300s", e->msg);
		snprintf(v->fix[i], sizeof(v->fix[i]), "%.390s", e->fix[0] ? e->fix :
		    "see awsrole serve's terminal");
		srv_log("view %s, %s: %s%s%s", v->name, s->slot[i].name, e->msg,
		    e->fix[0] ? "\n  fix: " : "", e->fix);
	}
	pthread_mutex_unlock(&s->mu);
}

/* Make each narrowed session that a fetch wants and that is missing, made
 * from an older root session, or near its end. */
static void
srv_views_narrow(struct agent_srv *s)
{
	struct agent_view *v;
	struct creds root, got;
	struct view_file f;
	struct ar_err e;
	unsigned gen;
	size_t vi, i;
	time_t now;
	int need, rc;

	for (vi = 0; vi < s->nviews && !s->stop; vi++)
		for (i = 0; i < s->n && !s->stop; i++) {
			now = now_s();
			pthread_mutex_lock(&s->mu);
			v = &s->views[vi];
			need = v->want[i] && s->slot[i].c.akid != NULL &&
			    s->slot[i].c.expires > now && now >= v->retry_at[i] &&
			    (v->c[i].akid == NULL || v->gen[i] != s->slot[i].gen);
			if (need) {
				creds_copy(&s->slot[i].c, &root);
				gen = s->slot[i].gen;
				memset(&f, 0, sizeof(f));
				f.np = v->f.np;
				memcpy(f.policy, v->f.policy, sizeof(f.policy));
				memcpy(f.desc, v->f.desc, sizeof(f.desc));
				for (rc = 0; rc < (int)f.np; rc++)
					f.policy[rc] = xstrdup(f.policy[rc]);
			}
			pthread_mutex_unlock(&s->mu);
			if (!need)
				continue;
			memset(&e, 0, sizeof(e));
			rc = srv_narrow(s, i, &f, &root, &got, &e);
			srv_views_store(s, vi, i, gen, rc, &got, &e);
			creds_clear(&root);
			view_file_free(&f);
		}
}

/*
 * The one door every credential leaves serve by: slot sl's session for
 * view `view` (NULL: a view that is not narrowed) as the 200 answer b.
 * That is the slot's own session (scoped at its AssumeRole), or for a view
 * that `awsrole agent --policy` narrowed (its file's mtime given), the
 * session GetScopedCredentials made from it.  Returns what was handed out,
 * or NULL when the narrowed session is not ready: it is then wanted, and
 * the caller wakes the renewal thread.  Under the lock; sl's session is
 * fresh.
 */
static const struct creds *
agent_hand_out(struct agent_srv *s, struct agent_slot *sl, const char *view,
    const struct timespec *mtime, struct ar_buf *b, const char **why,
    const char **fix)
{
	struct agent_view *v = view ? srv_view(s, view) : NULL;
	size_t i = (size_t)(sl - s->slot);

	if (view == NULL) {
		buf_add(b, sl->ans.p, sl->ans.len);
		return &sl->c;
	}
	if (v == NULL || v->f.mtime.tv_sec != mtime->tv_sec ||
	    v->f.mtime.tv_nsec != mtime->tv_nsec || v->c[i].akid == NULL ||
	    v->gen[i] != sl->gen || v->c[i].expires <= now_s()) {
		if (v != NULL)
			v->want[i] = 1;
		*why = v != NULL && v->why[i][0] ? v->why[i] : NULL;
		*fix = v != NULL ? v->fix[i] : NULL;
		return NULL;
	}
	buf_add(b, v->ans[i].p, v->ans[i].len);
	return &v->c[i];
}

/* The 404 for a profile serve does not serve: the command that would. */
static void
srv_not_served(const struct agent_srv *s, const struct srv_request *rq,
    const char *name, struct ar_buf *b)
{
	char msg[1400], fix[1500], t1[128], t2[128];

	snprintf(msg, sizeof(msg), "profile \"%.200s\" is not served by "
	    "awsrole serve (it serves: %s)", name, s->served);
	snprintf(fix, sizeof(fix), "in the human's terminal, stop awsrole "
	    "serve (Ctrl-C) and run: awsrole serve %s %.200s", s->served, name);
	srv_error(b, 404, "NotServed", msg, fix);
	srv_log("not served: %s view=%s", srv_log_text(name, t1),
	    srv_log_text(rq->view, t2));
}

/* The 503 for a slot without a fresh session: waiting for its first
 * login, or expired and waiting for the next code.  Under the lock. */
static void
srv_no_session(const struct agent_slot *sl, const struct srv_request *rq,
    struct ar_buf *b)
{
	char msg[1400], exp[32], t2[128], t3[128];

	if (sl->c.akid != NULL) {
		iso8601_format(sl->c.expires, exp, sizeof(exp));
		snprintf(msg, sizeof(msg), "the session of profile \"%s\" expired "
		    "at %s; awsrole serve is waiting for the next MFA code",
		    sl->name, exp);
	} else {
		snprintf(msg, sizeof(msg), "profile \"%s\" has no session yet; "
		    "awsrole serve is waiting for %s", sl->name, sl->why[0] ?
		    sl->why : "the MFA code");
	}
	srv_error(b, 503, "NoSession", msg, "type the MFA code in the terminal "
	    "where awsrole serve runs");
	srv_log("no session: %s view=%s ua=\"%s\"", sl->name,
	    srv_log_text(rq->view, t2), srv_log_text(rq->ua, t3));
}

/* The answer for GET /v1/credentials/NAME into b, and its log line. */
static void
srv_credentials(struct agent_srv *s, const struct srv_request *rq,
    const char *name, struct ar_buf *b)
{
	struct agent_slot *sl = srv_slot(s, name);
	char msg[1400], exp[32], t2[128], t3[128], path[PATH_MAX];
	const struct creds *c;
	const char *why = NULL, *fix = NULL;
	struct stat st;
	int narrowed, fresh;

	if (sl == NULL) {
		srv_not_served(s, rq, name, b);
		return;
	}
	view_file_path(s->ep.dir, rq->view ? rq->view : "-", path);
	narrowed = view_name_ok(rq->view) && lstat(path, &st) == 0;
	if (rq->narrow != NULL && !narrowed) {  /* never widen a view */
		snprintf(msg, sizeof(msg), "view %.64s was started narrowed "
		    "(awsrole agent --policy), but serve finds no view file %.900s",
		    rq->view ? rq->view : "-", path);
		srv_error(b, 503, "NoSession", msg, "start the view again with "
		    "awsrole agent --policy, from the same agent dir");
		srv_log("refused: %s", msg);
		return;
	}
	pthread_mutex_lock(&s->mu);
	fresh = sl->c.akid != NULL && sl->c.expires > now_s();
	if (fresh && (c = agent_hand_out(s, sl, narrowed ? rq->view : NULL,
	    &st.st_mtim, b, &why, &fix)) != NULL) {
		iso8601_format(c->expires, exp, sizeof(exp));
		srv_log("fetch %s view=%s ua=\"%s\" key=%s expires=%s", sl->name,
		    srv_log_text(rq->view, t2), srv_log_text(rq->ua, t3),
		    c->akid, exp);
	} else if (fresh) {
		snprintf(msg, sizeof(msg), why ? "awsrole serve could not narrow "
		    "the session of profile \"%s\" for view %s: %s" : "awsrole "
		    "serve is narrowing the session of profile \"%s\" for view "
		    "%s%s", sl->name, rq->view, why ? why : "");
		srv_error(b, 503, why ? "NoSession" : "Preparing", msg, why ? fix :
		    "retry in a moment");
		pthread_cond_signal(&s->cv);
	} else {
		srv_no_session(sl, rq, b);
	}
	pthread_mutex_unlock(&s->mu);
}

/* The answer for GET /v1/status: each profile's state, no secret. */
static void
srv_status(struct agent_srv *s, struct ar_buf *b)
{
	cJSON *j = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(j,
	    "profiles"), *o;
	char exp[32];
	size_t i;

	cJSON_AddNumberToObject(j, "pid", (double)getpid());
	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", s->slot[i].name);
		cJSON_AddStringToObject(o, "state", s->slot[i].c.akid == NULL ?
		    "waiting" : s->slot[i].c.expires <= now_s() ? "expired" :
		    "ok");
		if (s->slot[i].c.akid != NULL) {
			iso8601_format(s->slot[i].c.expires, exp, sizeof(exp));
			cJSON_AddStringToObject(o, "expiration", exp);
		}
		if (s->slot[i].c.account != NULL)
			cJSON_AddStringToObject(o, "account",
			    s->slot[i].c.account);
		cJSON_AddStringToObject(o, "scope", s->slot[i].scope.label[0] ?
		    s->slot[i].scope.label : "full");
		cJSON_AddItemToArray(a, o);
	}
	pthread_mutex_unlock(&s->mu);
	srv_response(b, 200, j);
}

/* The answer to one complete request head (status: srv_parse_request's)
 * into b: the token first, then the route. */
static void
srv_answer(struct agent_srv *s, const struct srv_request *rq, int status,
    struct ar_buf *b)
{
	char t[128];

	if (status != 0) {
		srv_error(b, status, "BadRequest", status == 405 ? "only GET is "
		    "served" : status == 431 ? "the request head is too large" :
		    "malformed request", NULL);
		srv_log("refused %d: %s", status, http_reason(status));
		return;
	}
	if (rq->auth == NULL || !ct_equal(rq->auth, s->ep.token)) {
		srv_error(b, 403, "AccessDenied", "invalid Authorization token",
		    "use the agent view of this agent dir (awsrole agent)");
		srv_log("refused 403 (%s) ua=\"%s\"", rq->auth ? "wrong token" :
		    "no token", srv_log_text(rq->ua, t));
		return;
	}
	if (str_has_prefix(rq->path, "/v1/credentials/") &&
	    rq->path[16] != '\0' && strchr(rq->path + 16, '/') == NULL)
		srv_credentials(s, rq, rq->path + 16, b);
	else if (strcmp(rq->path, "/v1/status") == 0)
		srv_status(s, b);
	else
		srv_error(b, 404, "NotFound", "no such path; credentials are at "
		    "/v1/credentials/PROFILE", NULL);
}

/* Answer connection c (status: 0 to parse its head, else the status to
 * send), then close it.  Nothing of the request is kept. */
static void
srv_finish(struct agent_srv *s, struct srv_conn *c, int status)
{
	struct srv_request *rq = s->rq;    /* one at a time: the loop's */
	struct ar_buf b = { .secret = 1 };
	char drain[4096];
	int rc = status ? status : srv_parse_request(c->buf, c->len, rq);

	srv_answer(s, rq, rc == -1 ? 408 : rc, &b);
	(void)!send(c->fd, b.p, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(c->fd, SHUT_WR);
	while (recv(c->fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
		;
	close(c->fd);
	buf_free(&b);
	ar_wipe(rq->head, strlen(rq->head));   /* the token was in it */
	rq->head[0] = '\0';
	ar_wipe(c->buf, c->len);
	free(c);
}

/* 1 when the bytes of c are enough to answer: the head's end, a NUL, or
 * more than a head or a request line may have. */
static int
srv_conn_ready(const struct srv_conn *c)
{
	size_t n;

	return c->len >= AR_SRV_HEAD_MAX + 4 ||
	    srv_head_end(c->buf, c->len, &n) != -1;
}

/* Read what connection c has; answer it once ready or past its deadline.
 * Returns 1 when c is finished (freed), else 0. */
static int
srv_conn_step(struct agent_srv *s, struct srv_conn *c, int readable,
    long long now)
{
	ssize_t r;

	if (readable) {
		r = recv(c->fd, c->buf + c->len, AR_SRV_HEAD_MAX + 4 - c->len,
		    MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			close(c->fd);        /* gone before asking anything */
			ar_wipe(c->buf, c->len);
			free(c);
			return 1;
		}
		if (r > 0)
			c->len += (size_t)r;
		if (srv_conn_ready(c)) {
			srv_finish(s, c, 0);
			return 1;
		}
	}
	if (now >= c->deadline_ms) {
		srv_finish(s, c, 408);
		return 1;
	}
	return 0;
}

/* Take the waiting connections (up to AR_SRV_CONNS open; beyond that they
 * are closed at once). */
static void
srv_accept(struct agent_srv *s, struct srv_conn **cs, size_t *n)
{
	int fd;

	while ((fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		if (*n == AR_SRV_CONNS) {
			close(fd);
			continue;
		}
		cs[*n] = xmalloc(sizeof(**cs));
		cs[*n]->fd = fd;
		cs[*n]->len = 0;
		cs[*n]->deadline_ms = mono_ms() + AR_SRV_HEAD_TIMEOUT_MS;
		(*n)++;
	}
}

/* The event loop: poll the stop pipe, the socket and every connection;
 * no call in it waits for anything but poll.  Returns when stopped. */
static void
srv_loop(struct agent_srv *s)
{
	struct pollfd *pf = xcalloc(AR_SRV_CONNS + 2, sizeof(*pf));
	struct srv_conn **cs = xcalloc(AR_SRV_CONNS, sizeof(*cs));
	long long now, wait;
	size_t n = 0, i, m;

	while (!s->stop) {
		now = mono_ms();
		wait = 1000;
		pf[0] = (struct pollfd){ srv_stop_pipe[0], POLLIN, 0 };
		pf[1] = (struct pollfd){ s->lfd, POLLIN, 0 };
		for (i = 0; i < n; i++) {
			pf[2 + i] = (struct pollfd){ cs[i]->fd, POLLIN, 0 };
			if (cs[i]->deadline_ms - now < wait)
				wait = cs[i]->deadline_ms - now;
		}
		if (poll(pf, n + 2, wait < 0 ? 0 : (int)wait) == -1 &&
		    errno != EINTR)
			break;
		if (pf[0].revents != 0)
			break;
		now = mono_ms();
		for (i = 0, m = 0; i < n; i++)
			if (!srv_conn_step(s, cs[i], pf[2 + i].revents != 0, now))
				cs[m++] = cs[i];
		n = m;
		if (pf[1].revents != 0)
			srv_accept(s, cs, &n);
	}
	s->stop = 1;
	for (i = 0; i < n; i++) {
		close(cs[i]->fd);
		ar_wipe(cs[i]->buf, cs[i]->len);
		free(cs[i]);
	}
	free(cs);
	free(pf);
}

/* Seconds before expiry at which slot sl is renewed. */
static long
srv_window(const struct agent_srv *s, const struct agent_slot *sl)
{
	struct cache c = { .window = s->window };

	return cache_window(&c, sl->ch.hop[sl->ch.nhop - 1].a.duration);
}

/* 1 when slot sl needs a login now. */
static int
srv_due(struct agent_srv *s, struct agent_slot *sl)
{
	time_t now = now_s();
	int due;

	pthread_mutex_lock(&s->mu);
	due = sl->state == SLOT_NEW ||
	    (sl->state == SLOT_WAITING && now >= sl->retry_at) ||
	    (sl->state == SLOT_OK && sl->c.expires - now <= srv_window(s, sl));
	pthread_mutex_unlock(&s->mu);
	return due;
}

/* A code for slot sl that differs from the last one sent (STS refuses a
 * code it has seen), from the terminal or mfa_process.  0, or -1. */
static int
srv_fresh_code(struct agent_srv *s, struct agent_slot *sl, char code[7],
    struct ar_err *err)
{
	struct mfa_source m = s->o.mfa;
	int i;

	m.profile = sl->name;
	m.process = sl->ch.hop[0].a.mfa_process;
	printf("%s: %s\n", sl->name, sl->c.akid != NULL ? "its session ends "
	    "soon; enter the next MFA code" : s->n > 1 ? "log in (each "
	    "profile needs its own code: STS refuses a code it has already "
	    "seen)" : "log in");
	fflush(stdout);
	for (i = 0; i < AR_MFA_TRIES; i++) {
		if (mfa_get(&m, sl->ch.hop[0].a.serial, code, err) == -1)
			return -1;
		m.given = NULL;      /* --mfa-code: the first login only */
		s->o.mfa.given = NULL;
		if (strcmp(code, s->last_code) != 0)
			return 0;
		printf("that code was just used, and STS refuses a code it has "
		    "already seen: wait for the next one\n");
		fflush(stdout);
	}
	ar_fail(err, AR_ELOGIN, "the same MFA code was entered %d times",
	    AR_MFA_TRIES);
	return ar_fix(err, "wait for your MFA device to show the next code");
}

/* Log slot sl in anew with its own MFA code (no --mfa-session). */
static int
srv_login_prompted(struct agent_srv *s, struct agent_slot *sl,
    struct creds *out, struct ar_err *err)
{
	struct resolve_opts o = s->o;
	struct resolve_info info;
	char code[7] = "";
	int rc;

	o.scope = &sl->scope;
	o.session_name = s->session_name;
	if (sl->ch.hop[0].a.serial != NULL) {
		if (srv_fresh_code(s, sl, code, err) == -1)
			return -1;
		o.mfa.given = code;
	}
	rc = resolve(s->cfg, sl->name, &o, out, &info, err);
	if (code[0] != '\0')
		memcpy(s->last_code, code, sizeof(code));
	ar_wipe(code, sizeof(code));
	return rc;
}

/* Log slot sl in from the MFA session, opening a new one (one prompt)
 * when it is near its end; an AccessDenied drops it, so that the next try
 * asks for a code (aws:MultiFactorAuthAge). */
static int
srv_login_session(struct agent_srv *s, struct agent_slot *sl,
    struct creds *out, struct ar_err *err)
{
	struct resolve_info info;
	struct resolve_opts o = s->o;
	struct cache c = { .window = s->window };
	char exp[32];
	long age;
	int rc;

	o.scope = &sl->scope;
	o.session_name = s->session_name;
	if (s->root.akid == NULL ||
	    s->root.expires - now_s() <= cache_window(&c, s->mfa_session)) {
		creds_clear(&s->root);
		printf("the MFA session for %s: enter an MFA code\n", s->g.serial);
		fflush(stdout);
		rc = mfa_group_session(&s->g, &s->o, s->mfa_session, &s->root,
		    err);
		s->o.mfa.given = NULL;   /* --mfa-code: the first login only */
		if (rc == -1)
			return -1;
		iso8601_format(s->root.expires, exp, sizeof(exp));
		srv_log("MFA session open until %s (one GetSessionToken for "
		    "%s)", exp, s->served);
	}
	if (resolve_via_session(s->cfg, &s->g.ch[sl - s->slot], &o, &s->root,
	    out, &info, err) == 0)
		return 0;
	if (err->status == AR_EAWS && strstr(err->msg, "AccessDenied") != NULL) {
		age = (long)(now_s() - (s->root.expires - s->mfa_session)) / 60;
		creds_clear(&s->root);
		ar_fix(err, "the role's trust policy may limit "
		    "aws:MultiFactorAuthAge, and the MFA session is %ld min old: "
		    "type a new code when serve asks, or run serve without "
		    "--mfa-session", age);
	}
	return -1;
}

/* Renew slot sl; the old session is served until the new one is in. */
static void
srv_renew(struct agent_srv *s, struct agent_slot *sl)
{
	struct ar_err err;
	struct creds nc;
	char exp[32];
	int rc;

	memset(&err, 0, sizeof(err));
	memset(&nc, 0, sizeof(nc));
	if (sl->c.akid != NULL) {
		iso8601_format(sl->c.expires, exp, sizeof(exp));
		srv_log("renewing %s: its session ends %s", sl->name, exp);
	}
	rc = s->mfa_session ? srv_login_session(s, sl, &nc, &err) :
	    srv_login_prompted(s, sl, &nc, &err);
	pthread_mutex_lock(&s->mu);
	if (rc == 0) {
		creds_clear(&sl->c);
		sl->c = nc;
		sl->gen++;
		sl->state = SLOT_OK;
		srv_build_answer(&sl->c, sl->c.account, sl->scope.label[0] ?
		    sl->scope.label : "full", &sl->ans);
		sl->why[0] = '\0';
		iso8601_format(sl->c.expires, exp, sizeof(exp));
		srv_log("ready: %s %s key %s expires %s", sl->name,
		    sl->c.arn ? sl->c.arn : "-", sl->c.akid, exp);
	} else {
		sl->state = SLOT_WAITING;   /* a prompt nobody answered: not
					       again at once */
		sl->retry_at = now_s() + (err.status == AR_ELOGIN ? 30 : 5);
		snprintf(sl->why, sizeof(sl->why), "a login (the last one "
		    "failed: %.500s)", err.msg);
		srv_log("%s: %s%s%s", sl->name, err.msg, err.fix[0] ?
		    "\n  fix: " : "", err.fix);
	}
	pthread_mutex_unlock(&s->mu);
}

/* The renewal thread: every second, log in each slot that is due.  It
 * alone calls STS and asks for codes, so no fetch waits for either. */
static void *
srv_renewer(void *arg)
{
	struct agent_srv *s = arg;
	struct timespec until;
	size_t i;

	while (!s->stop) {
		for (i = 0; i < s->n && !s->stop; i++)
			if (srv_due(s, &s->slot[i]))
				srv_renew(s, &s->slot[i]);
		srv_views_sync(s);
		srv_views_narrow(s);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&s->mu);
		if (!s->stop)
			pthread_cond_timedwait(&s->cv, &s->mu, &until);
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

/* "User-Agent: awsrole/VERSION (for PARENT)": the program that ran this
 * awsrole (the SDK's process, for a credential_process fetch), as the
 * kernel names it, for serve's log. */
static void
agent_user_agent(char *out, size_t cap)
{
	char path[64], comm[32] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)getppid());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, comm, sizeof(comm) - 1);
		comm[n > 0 ? n : 0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		close(fd);
	}
	snprintf(out, cap, "User-Agent: awsrole/%s%s%.31s%s", AWSROLE_VERSION,
	    comm[0] ? " (for " : "", comm, comm[0] ? ")" : "");
}

/* GET path from the agent dir's serve into *r (free with http_resp_free):
 * the token, the view's name and awsrole's User-Agent sent.  A serve that
 * does not answer is AR_ELOGIN naming `awsrole serve want`. */
static int
agent_get(const struct agent_endpoint *a, const char *path, const char *want,
    struct http_resp *r, struct ar_err *err)
{
	char url[600], auth[80], view[128], ua[160];
	const char *vw = env_nonempty("AWSROLE_AGENT_VIEW");
	const char *h[] = { auth, view, ua, env_nonempty(
	    "AWSROLE_AGENT_NARROWED") ? "X-Awsrole-Narrowed: 1" : NULL, NULL };
	struct http_req q = { .method = "GET", .url = url, .headers = h,
	    .timeout_ms = 2000, .plain = AR_PLAIN_LOOPBACK };
	int rc;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", a->port, path);
	snprintf(auth, sizeof(auth), "Authorization: %s", a->token);
	snprintf(view, sizeof(view), "X-Awsrole-View: %.64s", vw ? vw : "-");
	agent_user_agent(ua, sizeof(ua));
	rc = http_do(&q, r, err);
	ar_wipe(auth, sizeof(auth));
	if (rc == -1 && r->status == 0) {
		ar_fail(err, AR_ELOGIN, "awsrole serve is not running: nothing "
		    "listens on 127.0.0.1:%d (agent dir %s)", a->port, a->dir);
		return ar_fix(err, "in the human's terminal run: awsrole serve %s",
		    want);
	}
	return rc;
}

/* A non-200 answer of serve as the error it carries (Message, Fix). */
static int
agent_refused(const struct http_resp *r, struct ar_err *err)
{
	cJSON *j = cJSON_Parse(r->body.p);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "Message");
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "Fix");

	if (r->status == 403)
		ar_fail(err, AR_ELOGIN, "awsrole serve refused the agent view's "
		    "token (403)");
	else
		ar_fail(err, AR_ELOGIN, "%.900s", cJSON_IsString(m) ?
		    m->valuestring : "awsrole serve gave an unexpected answer");
	if (r->status == 403)
		ar_fix(err, "the agent dir's endpoint file changed since this "
		    "view started: start the agent view again (awsrole agent)");
	else if (cJSON_IsString(f))
		ar_fix(err, "%.900s", f->valuestring);
	cJSON_Delete(j);
	return -1;
}

/* The container-format answer r into *out (creds_check'ed).  0, or -1. */
static int
agent_take_creds(const struct http_resp *r, struct creds *out,
    struct ar_err *err)
{
	cJSON *j = cJSON_Parse(r->body.p);
	const char *id = json_member(j, "AccessKeyId");
	const char *sk = json_member(j, "SecretAccessKey");
	const char *tk = json_member(j, "Token"), *ex = json_member(j,
	    "Expiration"), *acct = json_member(j, "AccountId");
	int rc = -1;

	if (id == NULL || sk == NULL || tk == NULL || ex == NULL ||
	    iso8601_parse(ex, &out->expires) == -1 ||
	    creds_check(id, sk, tk, out->expires) != NULL)
		ar_fail(err, AR_EAWS, "awsrole serve's answer is not "
		    "credentials");
	else {
		out->akid = xstrdup(id);
		out->secret = xstrdup(sk);
		out->token = xstrdup(tk);
		out->account = acct ? xstrdup(acct) : NULL;
		snprintf(out->source, sizeof(out->source), "awsrole serve");
		snprintf(out->scope, sizeof(out->scope), "%s", json_member(j,
		    "AwsroleScope") ? json_member(j, "AwsroleScope") : "");
		rc = 0;
	}
	json_delete_wiped(j);
	return rc;
}

/* status inside a view: the view, and what serve serves (its /v1/status),
 * on stdout.  0, or -1 with err filled when serve does not answer. */
static int
agent_status(struct ar_err *err)
{
	const char *view = getenv("AWSROLE_AGENT_VIEW");
	struct agent_endpoint a;
	struct http_resp r;
	const cJSON *it, *pr;
	cJSON *j;
	int rc;

	memset(&r, 0, sizeof(r));
	printf("agent view %s: credentials from awsrole serve, never from ~/.aws\n",
	    view);
	if ((rc = agent_endpoint(&a, 0, err)) != AR_FOUND ||
	    agent_get(&a, "/v1/status", "PROFILE", &r, err) == -1) {
		ar_wipe(&a, sizeof(a));
		http_resp_free(&r);
		return rc == AR_NONE ? ar_fail(err, AR_ELOGIN, "the agent dir has "
		    "no endpoint: awsrole serve never ran") : -1;
	}
	j = r.status == 200 ? cJSON_Parse(r.body.p) : NULL;
	pr = cJSON_GetObjectItemCaseSensitive(j, "profiles");
	cJSON_ArrayForEach(it, pr)
		printf("  %s: %s%s%s, account %s, scope %s\n", json_member(it,
		    "name"), json_member(it, "state"), json_member(it,
		    "expiration") ? " until " : "", json_member(it, "expiration") ?
		    json_member(it, "expiration") : "", json_member(it, "account") ?
		    json_member(it, "account") : "?", json_member(it, "scope"));
	if (view_name_ok(view) && strcmp(view, "agent") != 0)
		printf("  view %s: narrowed further if `awsrole agent --policy` "
		    "made it (%s/views/%s.json)\n", view, a.dir, view);
	rc = j == NULL ? agent_refused(&r, err) : 0;
	cJSON_Delete(j);
	http_resp_free(&r);
	ar_wipe(&a, sizeof(a));
	return rc;
}

/* 1 when serve answered 503 Preparing: a narrowed session is being made. */
static int
agent_preparing(const struct http_resp *r)
{
	cJSON *j = r->status == 503 ? cJSON_Parse(r->body.p) : NULL;
	const char *code = json_member(j, "Code");
	int yes = code != NULL && strcmp(code, "Preparing") == 0;

	cJSON_Delete(j);
	return yes;
}

/* Inside an agent view: profile's credentials from serve into *out
 * (clear with creds_clear).  0, or -1 with err filled (AR_ELOGIN when
 * serve is not running, does not serve it or has no session). */
static int
agent_fetch(const char *profile, struct creds *out, struct ar_err *err)
{
	struct agent_endpoint a;
	struct http_resp r;
	char path[600];
	char *enc = ar_uri_encode(profile, strlen(profile), 0);
	struct timespec pause = { 0, 100 * 1000000L };
	int rc, tries;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	snprintf(path, sizeof(path), "/v1/credentials/%.500s", enc);
	free(enc);
	if ((rc = agent_endpoint(&a, 0, err)) == AR_NONE) {
		ar_fail(err, AR_ELOGIN, "awsrole serve is not running: the agent "
		    "dir %s has no endpoint", a.dir);
		ar_fix(err, "in the human's terminal run: awsrole serve %s",
		    profile);
	}
	rc = rc != AR_FOUND ? -1 : agent_get(&a, path, profile, &r, err);
	for (tries = 0; rc == 0 && tries < 100 && agent_preparing(&r); tries++) {
		nanosleep(&pause, NULL);   /* serve is narrowing: a few ms */
		http_resp_free(&r);
		rc = agent_get(&a, path, profile, &r, err);
	}
	if (rc == 0)
		rc = r.status == 200 ? agent_take_creds(&r, out, err) :
		    agent_refused(&r, err);
	http_resp_free(&r);
	ar_wipe(&a, sizeof(a));
	return rc;
}

/* The port is taken: by a serve of this agent dir (it answers /v1/status
 * with our token) or by something else.  -1 with err filled. */
static int
srv_busy(const struct agent_srv *s, struct ar_err *err)
{
	struct http_resp r;
	struct ar_err ignore;
	const cJSON *pid;
	cJSON *j;

	memset(&r, 0, sizeof(r));
	if (agent_get(&s->ep, "/v1/status", s->served, &r, &ignore) == 0 &&
	    r.status == 200 && (j = cJSON_Parse(r.body.p)) != NULL) {
		pid = cJSON_GetObjectItemCaseSensitive(j, "pid");
		ar_fail(err, AR_EGENERAL, "another awsrole serve (pid %d) is "
		    "already serving this agent dir on 127.0.0.1:%d",
		    cJSON_IsNumber(pid) ? pid->valueint : 0, s->ep.port);
		cJSON_Delete(j);
		http_resp_free(&r);
		return ar_fix(err, "stop it first (Ctrl-C in its terminal) and "
		    "start one serve with every profile; or give this one its "
		    "own AWSROLE_AGENT_DIR, for serve and its agents alike");
	}
	http_resp_free(&r);
	ar_fail(err, AR_ENET, "port %d of the agent dir %s is in use by "
	    "another program", s->ep.port, s->ep.dir);
	return ar_fix(err, "stop that program, or remove %s/endpoint so that "
	    "a new port is picked (agent views started before must then "
	    "restart)", s->ep.dir);
}

/* Listen on 127.0.0.1:port of the agent dir.  0, or -1 with err filled. */
static int
srv_listen(struct agent_srv *s, struct ar_err *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, e;

	sa.sin_port = htons((uint16_t)s->ep.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd == -1)
		return ar_fail(err, AR_ENET, "socket: %s", strerror(errno));
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(s->lfd, 512) == -1) {
		e = errno;
		close(s->lfd);
		s->lfd = -1;
		if (e == EADDRINUSE)
			return srv_busy(s, err);
		return ar_fail(err, AR_ENET, "cannot listen on 127.0.0.1:%d: %s",
		    s->ep.port, strerror(e));
	}
	return 0;
}

/* A warning for each served profile whose full session sits in the CLI's
 * cache, where the agent's user can read it. */
static void
srv_warn_cached(const struct agent_srv *s)
{
	struct cache c;
	struct creds cr;
	struct ar_err e;
	const char *why;
	size_t i;
	const struct role_hop *h;

	if (cache_init(&c, 0, &e) == -1)
		return;
	for (i = 0; i < s->n; i++) {
		h = &s->slot[i].ch.hop[s->slot[i].ch.nhop - 1];
		if (cache_read(&c, h->key, h->a.duration, &cr, &why, &e) !=
		    AR_FOUND)
			continue;
		creds_clear(&cr);
		fprintf(stderr, "awsrole: warning: the AWS CLI's cache holds a "
		    "full session of \"%s\" (%s/%s.json), which any process of "
		    "yours, the agent's too, can read\n  fix: awsrole logout "
		    "%s\n", s->slot[i].name, c.dir, h->key, s->slot[i].name);
	}
}

/* The agent sessions' RoleSessionName: given (checked), else
 * awsrole-agent-USER, USER being the login name (characters STS refuses
 * become '-').  0, or -1 with AR_EUSAGE in err. */
static int
srv_session_name(struct agent_srv *s, const char *given, struct ar_err *err)
{
	const struct passwd *pw = getpwuid(geteuid());
	const char *u = pw != NULL ? pw->pw_name : env_nonempty("USER");
	char *q;

	if (given != NULL && !valid_session_name(given)) {
		ar_fail(err, AR_EUSAGE, "--role-session-name %s: a role session "
		    "name is 2-64 letters, digits or _+=,.@-", given);
		return ar_fix(err, "--role-session-name agent-alice");
	}
	snprintf(s->session_name, sizeof(s->session_name), "%s", given ? given :
	    "awsrole-agent-");
	if (given == NULL)
		snprintf(s->session_name + 14, sizeof(s->session_name) - 14, "%s",
		    u != NULL ? u : "unknown");
	for (q = s->session_name; *q; q++)
		if (!isalnum((unsigned char)*q) && !strchr("_+=,.@-", *q))
			*q = '-';
	return 0;
}

/* The banner's line per profile: its scope, and how to change it. */
static void
srv_banner_scopes(const struct agent_srv *s)
{
	const char *l;
	size_t i;

	for (i = 0; i < s->n; i++) {
		l = s->slot[i].scope.label[0] ? s->slot[i].scope.label : "full";
		printf("  %s: scope %s%s, role session name %s%s%s\n",
		    s->slot[i].name, l, strcmp(l, "readonly") == 0 ?
		    " (ReadOnlyAccess; --scope full opts out)" :
		    strcmp(l, "full") == 0 ? " (the role's whole permissions: "
		    "--scope full)" : "", s->session_name,
		    s->slot[i].scope.source_identity ? ", source identity " : "",
		    s->slot[i].scope.source_identity ?
		    s->slot[i].scope.source_identity : "");
	}
}

/* serve asks for codes on the terminal (every renewal without
 * --mfa-session, each new MFA session with it): without one, and with a
 * profile that needs a code and has no mfa_process, it cannot start
 * (--mfa-code: a warning, the first login has its code).  0, or -1 with
 * AR_ELOGIN in err. */
static int
srv_need_tty(const struct agent_srv *s, struct ar_err *err)
{
	size_t i;
	int fd;

	for (i = 0; i < s->n; i++)
		if (s->slot[i].ch.hop[0].a.serial != NULL &&
		    s->slot[i].ch.hop[0].a.mfa_process == NULL)
			break;
	if (i == s->n)
		return 0;
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) != -1) {
		close(fd);
		return 0;
	}
	if (s->o.mfa.given != NULL) {
		fprintf(stderr, "awsrole: warning: no terminal: --mfa-code serves "
		    "the first login only, and when the session ends serve "
		    "cannot ask for the next code\n");
		return 0;
	}
	ar_fail(err, AR_ELOGIN, "awsrole serve asks for MFA codes on its "
	    "terminal (profile \"%s\" needs one), and there is none",
	    s->slot[i].name);
	return ar_fix(err, "run awsrole serve in a terminal (the human's), or "
	    "set mfa_process for the profile");
}

/* Set s up for profiles names[0..n): every chain built and checked (with
 * mfa_session, as one MFA group) before any prompt, the endpoint made and
 * the view's files written.  0, or -1 with err filled. */
static int
srv_prepare(struct agent_srv *s, const struct config *cfg,
    const char *const *names, size_t n, const struct scope_opts *so,
    struct ar_err *err)
{
	const struct role_hop *top;
	size_t i;

	s->cfg = cfg;
	s->lfd = -1;
	s->slot = xcalloc(n, sizeof(*s->slot));
	s->rq = xcalloc(1, sizeof(*s->rq));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	for (i = 0; i < n; i++) {
		if (srv_slot(s, names[i]) != NULL)
			return ar_fail(err, AR_EUSAGE, "profile \"%s\" is named "
			    "twice", names[i]);
		s->slot[i].name = names[i];
		s->n = i + 1;
		if (chain_build(cfg, names[i], &s->slot[i].ch, err) == -1)
			return -1;
		if (s->slot[i].ch.nhop == 0) {
			ar_fail(err, AR_ECONFIG, "profile \"%s\" assumes no role: "
			    "serve hands out role sessions, never long-term "
			    "keys", names[i]);
			return ar_fix(err, "serve a profile with role_arn "
			    "(awsrole list shows them)");
		}
		top = &s->slot[i].ch.hop[s->slot[i].ch.nhop - 1];
		if (scope_build(config_profile(cfg, names[i]), top->a.role_arn, so,
		    &s->slot[i].scope, err) == -1)
			return -1;
		snprintf(s->served + strlen(s->served), sizeof(s->served) -
		    strlen(s->served), "%s%s", i ? " " : "", names[i]);
	}
	if (s->mfa_session && mfa_group_build(cfg, names, n, &s->o, &s->g,
	    err) == -1)
		return -1;
	if (srv_need_tty(s, err) == -1)
		return -1;
	if (agent_endpoint(&s->ep, 1, err) != AR_FOUND ||
	    view_write_files(cfg, s->ep.dir, err) == -1)
		return -1;
	return srv_listen(s, err);
}

/* Serve until SIGINT, SIGTERM or SIGHUP: the renewal thread logs in,
 * this thread answers.  0, or -1 with err filled. */
static int
srv_run(struct agent_srv *s, struct ar_err *err)
{
	struct sigaction sa, old[3];
	sigset_t block, prev;
	pthread_attr_t at;
	pthread_t th;
	int i, rc;

	if (pipe2(srv_stop_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return ar_fail(err, AR_EGENERAL, "pipe: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = srv_on_signal;
	for (i = 0; i < 3; i++)
		sigaction(tty_signals[i], &sa, &old[i]);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	for (i = 0; i < 3; i++)
		sigaddset(&block, tty_signals[i]);
	pthread_sigmask(SIG_BLOCK, &block, &prev);
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 1u << 20);
	rc = pthread_create(&th, &at, srv_renewer, s);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
	pthread_attr_destroy(&at);
	if (rc != 0)
		return ar_fail(err, AR_EGENERAL, "cannot start the renewal "
		    "thread: %s", strerror(rc));
	srv_loop(s);
	close(s->lfd);
	s->lfd = -1;
	s->stop = 1;
	for (i = 0; i < 3; i++)
		sigaction(tty_signals[i], &old[i], NULL);
	return 0;
}

/* Wipe and free what serve holds: every session, the MFA session, the
 * token. */
static void
srv_free(struct agent_srv *s)
{
	size_t i;

	for (i = 0; s->slot != NULL && i < s->n; i++) {
		creds_clear(&s->slot[i].c);
		buf_free(&s->slot[i].ans);
		scope_free(&s->slot[i].scope);
	}
	for (i = 0; i < s->nviews; i++)
		srv_view_free(s, &s->views[i]);
	free(s->slot);
	free(s->rq);
	creds_clear(&s->root);
	mfa_group_free(&s->g);
	if (s->lfd != -1)
		close(s->lfd);
	ar_wipe(s, sizeof(*s));
}

/* Serve has stopped: wipe every session under the lock, which stays held
 * so that the renewal thread (perhaps in a prompt or an STS call, and not
 * waited for) can store nothing more; what it holds is wiped in place;
 * the terminal is put back if it was prompting.  The caller then ends the
 * process. */
static void
srv_end(struct agent_srv *s)
{
	size_t i;

	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->n; i++) {
		creds_clear(&s->slot[i].c);
		buf_free(&s->slot[i].ans);
	}
	for (i = 0; i < s->nviews; i++)
		srv_view_free(s, &s->views[i]);
	if (s->root.secret != NULL)
		ar_wipe(s->root.secret, strlen(s->root.secret));
	if (s->root.token != NULL)
		ar_wipe(s->root.token, strlen(s->root.token));
	for (i = 0; s->g.base != NULL && i < s->g.n; i++)
		if (s->g.base[i].secret != NULL)
			ar_wipe(s->g.base[i].secret, strlen(s->g.base[i].secret));
	ar_wipe(s->ep.token, sizeof(s->ep.token));
	ar_wipe(s->last_code, sizeof(s->last_code));
	if (tty_saved_fd != -1)
		tcsetattr(tty_saved_fd, TCSAFLUSH, &tty_saved);
}

/* ========================================================================
 * 15. Commands
 *
 * Owns: what each verb does, step by step, and everything printed to the
 * user.  This is the only layer that prints errors and picks exit codes.
 *
 * Calls: 1, 3, 8, 9, 10, 12, 13, 14
 * ======================================================================== */

struct cli {
	const char *cmd;
	const char *sub;             /* config's subcommand */
	const char *profile;         /* -p/--profile or positional */
	const char *region;
	char *mfa_code;              /* secret; argv's copy is wiped */
	const char *format;
	int json, verbose, no_cache, all, online, allow_nested;
	int help, show_secrets;
	char **exec_argv;            /* exec, agent: the command */
	const char *extra;           /* an unexpected positional */
	const char *more[AR_SERVE_MAX]; /* login, serve: the profiles after
					   the first */
	size_t nmore;
	int env;                     /* agent --env */
	const char *name;            /* agent --name */
	int mfa_session;             /* serve --mfa-session[=DURATION] */
	const char *mfa_session_value;
	struct scope_opts so;        /* --policy-arn, --policy, --scope */
	const char *session_name;    /* serve --role-session-name */
};

/* Per-run state the commands share. */
struct run {
	struct cli *cli;
	struct config cfg;
	const char *profile;         /* the profile acted on */
	int explicit_profile;        /* named on the command line */
	struct ar_err err;
	char exp[32];
	struct ar_buf chain;         /* "_AWSROLE_PROFILE_CHAIN=..." for
					credential_process children */
	struct scope scope;          /* the profile's session controls */
};

static struct rlimit saved_core_limit;

/* Print e as "awsrole: MSG" and its fix line on stderr; returns the exit
 * status (e->status, or 1 when unset). */
static int
report(struct ar_err *e)
{
	fprintf(stderr, "awsrole: %s\n", e->msg);
	if (e->fix[0])
		fprintf(stderr, "  fix: %s\n", e->fix);
	return e->status ? e->status : AR_EGENERAL;
}

/* 1 when explicit-profile mode is on: AWSROLE_EXPLICIT_PROFILE, if set, is not
 * 0 or false; if unset, [default] has awsrole_explicit_profile = true or 1. */
static int
explicit_mode(const struct config *cfg)
{
	const struct profile *d = config_profile(cfg, "default");
	const char *e = env_nonempty("AWSROLE_EXPLICIT_PROFILE");
	const char *v = d ? profile_get(d, "awsrole_explicit_profile") : NULL;

	if (e != NULL)
		return strcmp(e, "0") != 0 && strcasecmp(e, "false") != 0;
	return v != NULL && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/*
 * Which profile: the command line, else AWS_DEFAULT_PROFILE, AWS_PROFILE,
 * "default" (botocore's order) -- unless explicit-profile mode is on.
 */
static int
pick_profile(struct run *r)
{
	const char *p = r->cli->profile;

	r->explicit_profile = p != NULL;
	if (p == NULL && explicit_mode(&r->cfg)) {
		ar_fail(&r->err, AR_EUSAGE, "explicit-profile mode is on, and "
		    "no profile was named on the command line; an ambient "
		    "AWS_PROFILE or [default] is not used, so that nothing "
		    "runs against an account by accident");
		return ar_fix(&r->err, "name the profile: awsrole %s -p "
		    "PROFILE (mode set by %s)", r->cli->cmd,
		    env_nonempty("AWSROLE_EXPLICIT_PROFILE") ?
		    "AWSROLE_EXPLICIT_PROFILE" :
		    "awsrole_explicit_profile in [default]");
	}
	if (p == NULL)
		p = env_profile();
	r->profile = p != NULL ? p : "default";
	return 0;
}

/* Append field f to CSV row b as Python's csv.writer does (QUOTE_MINIMAL):
 * in double quotes, each '"' doubled, when it holds ',', '"', CR or LF. */
static void
csv_add_field(struct ar_buf *b, const char *f)
{
	if (f[strcspn(f, ",\"\r\n")] == '\0') {
		buf_adds(b, f);
		return;
	}
	buf_add(b, "\"", 1);
	for (; *f; f++) {
		if (*f == '"')
			buf_add(b, "\"", 1);
		buf_add(b, f, 1);
	}
	buf_add(b, "\"", 1);
}

/* The fields of CSV row s as Python's csv.reader reads them ("" is no
 * field; "..." quoted, "" in it a quote): the first max into f (heap
 * strings, the caller frees them); returns the number of fields. */
static size_t
csv_split(const char *s, char **f, size_t max)
{
	struct ar_buf b = { 0 };
	size_t n = 0;
	int q;

	if (*s == '\0')
		return 0;
	do {
		b.len = 0;
		buf_add(&b, "", 0);
		q = *s == '"';
		for (s += q; *s != '\0' && (q || *s != ','); s++) {
			if (q && *s == '"' && s[1] == '"') {
				s++;   /* "" inside quotes: one quote */
			} else if (q && *s == '"') {
				q = 0; /* the closing quote */
				continue;
			}
			buf_add(&b, s, 1);
		}
		if (n < max)
			f[n] = xstrdup(b.p);
		n++;
	} while (*s++ == ',');
	buf_free(&b);
	return n;
}

/*
 * credential_process loops (awsrole credential-process P in P's own
 * credential_process, directly or through other profiles), found as the AWS
 * CLI finds them with _AWS_CLI_PROFILE_CHAIN: _AWSROLE_PROFILE_CHAIN, a CSV
 * row of the profiles of the awsrole commands above this one, has at most
 * AR_PROFILE_CHAIN_MAX - 1 entries and not r->profile.  Then r->chain is
 * set to "_AWSROLE_PROFILE_CHAIN=ROW,PROFILE" for credential_process
 * children (never for exec's command).  0, or -1 (AR_ECONFIG) naming the
 * loop.
 */
static int
profile_chain_check(struct run *r)
{
	const char *row = getenv("_AWSROLE_PROFILE_CHAIN");
	char *seen[AR_PROFILE_CHAIN_MAX];
	size_t n = csv_split(row ? row : "", seen, AR_PROFILE_CHAIN_MAX), i;
	size_t k = n < AR_PROFILE_CHAIN_MAX ? n : AR_PROFILE_CHAIN_MAX;
	struct ar_buf path = { 0 };
	int rc = -1;

	for (i = 0; i < k; i++)
		if (n >= AR_PROFILE_CHAIN_MAX)
			buf_addf(&path, "%s%s", i ? " -> " : "", seen[i]);
		else
			buf_addf(&path, "profile \"%s\" -> credential_process "
			    "-> ", seen[i]);
	for (i = 0; i < k && strcmp(seen[i], r->profile) != 0; i++)
		;
	if (n >= AR_PROFILE_CHAIN_MAX) {
		ar_fail(&r->err, AR_ECONFIG, "credential_process nesting too "
		    "deep: %s%s, then awsrole %s %s (the limit is %d, as in the "
		    "AWS CLI)", path.p, n > k ? " -> ..." : "", r->cli->cmd,
		    r->profile, AR_PROFILE_CHAIN_MAX);
		ar_fix(&r->err, "a profile's credential_process should run "
		    "awsrole for a role profile, not for another process "
		    "profile");
	} else if (i < k) {
		ar_fail(&r->err, AR_ECONFIG, "%sawsrole %s %s: a loop", path.p,
		    r->cli->cmd, r->profile);
		ar_fix(&r->err, "%s's credential_process runs awsrole for %s "
		    "again: point it at a role profile (credential_process = "
		    "awsrole credential-process ROLE_PROFILE)", seen[k - 1],
		    r->profile);
	} else {
		buf_adds(&r->chain, "_AWSROLE_PROFILE_CHAIN=");
		buf_addf(&r->chain, "%s%s", n ? row : "", n ? "," : "");
		csv_add_field(&r->chain, r->profile);
		rc = 0;
	}
	for (i = 0; i < k; i++)
		free(seen[i]);
	buf_free(&path);
	return rc;
}

/* The credentials file holds long-term keys: say so when others can
 * read it (a regular file: /dev/null is no leak; doctor explains more). */
static void
warn_cred_mode(const struct run *r)
{
	struct stat st;

	if (stat(r->cfg.cred_path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 077) != 0)
		fprintf(stderr, "awsrole: warning: %s is readable by %s; run "
		    "chmod 600 on it\n", r->cfg.cred_path,
		    st.st_mode & 004 ? "everyone" : "its group");
}

/* Load both files (default paths) into r->cfg: 0, or -1 with r->err filled. */
static int
load_config(struct run *r)
{
	if (config_load(&r->cfg, NULL, NULL, &r->err) == -1)
		return -1;
	return 0;
}

/* Fill o from the command line (region, --no-cache, -v, --mfa-code) and
 * AWSROLE_NO_PROMPT; its strings point into r. */
static void
opts_from_cli(const struct run *r, struct resolve_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->region = r->cli->region;
	o->no_cache = r->cli->no_cache;
	o->verbose = r->cli->verbose;
	o->mfa.given = r->cli->mfa_code;
	o->mfa.profile = r->profile;
	o->mfa.no_prompt = env_nonempty("AWSROLE_NO_PROMPT") != NULL &&
	    strcmp(getenv("AWSROLE_NO_PROMPT"), "0") != 0;
	o->explicit_profile = r->explicit_profile;
	o->proc_env = r->chain.p;
	o->scope = &r->scope;
}

/* The session controls of profile name (its keys, then the command line's
 * flags) into *sc (free with scope_free); none for a profile without a
 * role, where a flag is refused.  0, or -1 with r->err filled. */
static int
run_scope(struct run *r, const char *name, struct scope *sc)
{
	const struct profile *p = config_profile(&r->cfg, name);
	const char *arn = p ? profile_get(p, "role_arn") : NULL;
	const struct scope_opts *so = &r->cli->so;
	int flags = so->narns || so->policy_file || so->scope;

	memset(sc, 0, sizeof(*sc));
	if (flags && in_view() && strcmp(r->cli->cmd, "agent") != 0) {
		ar_fail(&r->err, AR_EUSAGE, "--policy, --policy-arn and --scope "
		    "do not apply inside an agent view: awsrole serve chose the "
		    "view's scope");
		return ar_fix(&r->err, "narrow it further with awsrole agent "
		    "--policy FILE -- CMD");
	}
	if (arn == NULL && flags) {
		ar_fail(&r->err, AR_EUSAGE, "profile \"%s\" assumes no role, so "
		    "there is no session for --policy, --policy-arn or --scope",
		    name);
		return ar_fix(&r->err, "name a role profile (awsrole list)");
	}
	return arn == NULL || in_view() ? 0 :
	    scope_build(p, arn, so, sc, &r->err);
}

/* Resolve the run's profile; a cache that could not be used is one
 * warning here (the credentials are good). */
static int
get_creds(struct run *r, struct resolve_opts *o, struct creds *c,
    struct resolve_info *info)
{
	memset(info, 0, sizeof(*info));
	memset(c, 0, sizeof(*c));
	if (in_view() && config_profile(&r->cfg, r->profile) == NULL) {
		ar_fail(&r->err, AR_ECONFIG, "profile \"%s\" is in none of your "
		    "AWS files: the agent view's config (%s) names every one",
		    r->profile, r->cfg.config_path);
		return ar_fix(&r->err, "check the name (awsrole list in the "
		    "human's terminal shows them)");
	}
	if (in_view())
		return agent_fetch(r->profile, c, &r->err);
	if (resolve(&r->cfg, r->profile, o, c, info, &r->err) == -1)
		return -1;
	if (info->cache_failed)
		fprintf(stderr, "awsrole: warning: %s; going on without it\n",
		    info->cache_error);
	return 0;
}

/* "AKIA...WXYZ": enough to tell keys apart, not to use one. */
static void
key_hint(const char *akid, char out[16])
{
	size_t n = akid ? strlen(akid) : 0;

	if (n < 8)
		snprintf(out, 16, "?");
	else
		snprintf(out, 16, "%.4s...%s", akid, akid + n - 4);
}

/* whoami: print the caller identity of the run's credentials as JSON.  0, or
 * -1 with r->err filled. */
static int
cmd_whoami(struct run *r)
{
	struct resolve_opts o;
	struct resolve_info info;
	struct creds c;
	struct sts_endpoint ep;
	struct caller_identity id;
	cJSON *j;
	int rc = -1;

	opts_from_cli(r, &o);
	o.allow_env = !r->explicit_profile; /* env keys win, as in botocore */
	if (get_creds(r, &o, &c, &info) == -1)
		return -1;
	if (sts_endpoint_resolve(&r->cfg, config_profile(&r->cfg, r->profile),
	    r->cli->region, r->cli->verbose, &ep, &r->err) == -1 ||
	    sts_get_caller_identity(&ep, &c, &id, NULL, &r->err) == -1)
		goto out;
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "UserId", id.user_id);
	cJSON_AddStringToObject(j, "Account", id.account);
	cJSON_AddStringToObject(j, "Arn", id.arn);
	if (c.scope[0] == '\0' && scope_set(&r->scope))
		snprintf(c.scope, sizeof(c.scope), "%s", r->scope.label);
	if (c.scope[0] != '\0')
		cJSON_AddStringToObject(j, "Scope", c.scope);
	json_print_flat(stdout, j);
	cJSON_Delete(j);
	caller_identity_free(&id);
	rc = 0;
out:
	creds_clear(&c);
	return rc;
}

/* The fix line of a login whose session cannot be cached; returns -1. */
static int
login_cache_fix(struct run *r, const struct resolve_info *info)
{
	if (info->cache_errno == ENOSPC || info->cache_errno == EDQUOT)
		return ar_fix(&r->err, "login caches the session for other "
		    "terminals: free disk space there, or set AWSROLE_CACHE_DIR "
		    "to another directory");
	return ar_fix(&r->err, "login caches the session for other terminals: "
	    "make the directory writable, or set AWSROLE_CACHE_DIR to a "
	    "writable one");
}

/* Replace awsrole by the command after -- (PATH search, no shell), with
 * the core limit it was started with.  Returns only on failure: -1 with
 * r->err filled (126, or 127 when not found). */
static int
run_command(struct run *r)
{
	setrlimit(RLIMIT_CORE, &saved_core_limit);
	fflush(NULL);
	execvp(r->cli->exec_argv[0], r->cli->exec_argv);
	ar_fail(&r->err, errno == ENOENT ? 127 : 126, "cannot run %s: %s",
	    r->cli->exec_argv[0], strerror(errno));
	return ar_fix(&r->err, "check the command name and PATH");
}

/* The verbs that belong to the human's terminal, refused in a view. */
static int
view_refuse(struct run *r)
{
	ar_fail(&r->err, AR_EUSAGE, "awsrole %s does not run inside an agent "
	    "view (AWSROLE_AGENT_VIEW=%s): the agent gets sessions from "
	    "awsrole serve and never logs in itself", r->cli->cmd,
	    getenv("AWSROLE_AGENT_VIEW"));
	return ar_fix(&r->err, "run `awsrole %s` in the human's terminal, "
	    "outside `awsrole agent`", r->cli->cmd);
}

/* The profiles a multi-profile verb names: the first word and the rest,
 * into names (at most AR_SERVE_MAX).  Returns the count. */
static size_t
cli_profiles(const struct run *r, const char **names)
{
	size_t n = 0, i;

	names[n++] = r->profile;
	for (i = 0; i < r->cli->nmore; i++)
		names[n++] = r->cli->more[i];
	return n;
}

/* login P1 P2 ...: one MFA code for every named profile (one IAM user, one
 * mfa_serial): GetSessionToken, AssumeRole into each, each session cached
 * under the CLI's key of its profile; the MFA session is wiped.  0, or -1
 * with r->err filled. */
static int
login_many(struct run *r)
{
	const char *names[AR_SERVE_MAX + 1];
	size_t n = cli_profiles(r, names), i;
	struct resolve_opts o;
	struct resolve_info info;
	struct mfa_group g;
	struct creds session, c;
	struct scope *sc = xcalloc(n, sizeof(*sc));
	char exp[32];
	int rc = -1;

	opts_from_cli(r, &o);
	o.force = o.need_cache = 1;
	o.explicit_profile = 1;
	memset(&session, 0, sizeof(session));
	memset(&g, 0, sizeof(g));
	for (i = 0; i < n; i++)
		if (run_scope(r, names[i], &sc[i]) == -1)
			goto out;
	if (mfa_group_build(&r->cfg, names, n, &o, &g, &r->err) == -1 ||
	    mfa_group_session(&g, &o, 900, &session, &r->err) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		o.scope = &sc[i];
		if (resolve_via_session(&r->cfg, &g.ch[i], &o, &session, &c,
		    &info, &r->err) == -1) {
			if (info.cache_failed)
				login_cache_fix(r, &info);
			goto out;
		}
		iso8601_format(c.expires, exp, sizeof(exp));
		printf("Logged in: profile %s is %s (account %s), until %s.\n",
		    names[i], c.arn ? c.arn : "an assumed role",
		    c.account ? c.account : "?", exp);
		creds_clear(&c);
	}
	printf("Cached, with one MFA code for %zu profiles; the MFA session is "
	    "wiped.\n", n);
	rc = 0;
out:
	creds_clear(&session);
	mfa_group_free(&g);
	for (i = 0; i < n; i++)
		scope_free(&sc[i]);
	free(sc);
	return rc;
}

/* --mfa-session's DURATION: seconds, or N with s, m or h; 900 s to 36 h.
 * 0, or -1 with AR_EUSAGE in err. */
static int
mfa_session_seconds(const char *v, long *out, struct ar_err *err)
{
	char *end;
	long n;

	errno = 0;
	n = v != NULL && isdigit((unsigned char)*v) ? strtol(v, &end, 10) : -1;
	if (n >= 0 && errno == 0 && (*end == '\0' || !strcmp(end, "s") ||
	    !strcmp(end, "m") || !strcmp(end, "h")) && n < 1000000) {
		*out = n * (*end == 'h' ? 3600 : *end == 'm' ? 60 : 1);
		if (*out >= 900 && *out <= 129600)
			return 0;
	}
	ar_fail(err, AR_EUSAGE, "--mfa-session %s: the MFA session's length "
	    "must be 900 s to 36 h (GetSessionToken's range)", v ? v : "");
	return ar_fix(err, "give seconds, or a number with s, m or h: "
	    "--mfa-session=12h");
}

/* serve P1 P2 ...: log in to each profile (one code each, or one for all
 * with --mfa-session), then hand the sessions to agent views from memory
 * until Ctrl-C.  Ends the process itself once it has served (exit 0);
 * returns -1 with r->err filled when it could not start. */
static int
cmd_serve(struct run *r)
{
	const char *names[AR_SERVE_MAX + 1];
	size_t n = cli_profiles(r, names), i;
	struct agent_srv *s = xcalloc(1, sizeof(*s));

	opts_from_cli(r, &s->o);
	r->cli->so.implied_readonly = 1;
	s->o.no_cache = s->o.force = s->o.explicit_profile = 1;
	s->o.proc_env = NULL;
	if (env_seconds("AWSROLE_REFRESH_WINDOW", -1, &s->window, &r->err) ==
	    -1 || (r->cli->mfa_session && mfa_session_seconds(
	    r->cli->mfa_session_value ? r->cli->mfa_session_value : "12h",
	    &s->mfa_session, &r->err) == -1) ||
	    srv_session_name(s, r->cli->session_name, &r->err) == -1 ||
	    srv_prepare(s, &r->cfg, names, n, &r->cli->so, &r->err) == -1) {
		srv_free(s);
		free(s);
		return -1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	srv_warn_cached(s);
	printf("awsrole serve: serving ");
	for (i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "", names[i]);
	printf(" on 127.0.0.1:%d (agent dir %s)%s\n  in the agent's terminal: "
	    "awsrole agent -- claude   (or: eval \"$(awsrole agent --env)\")\n",
	    s->ep.port, s->ep.dir, s->mfa_session ? ", one MFA session for all" :
	    "");
	srv_banner_scopes(s);
	if (srv_run(s, &r->err) == -1)
		return -1;
	srv_end(s);
	printf("\nawsrole serve: stopped; credentials already handed out stay "
	    "valid until they expire\n");
	fflush(NULL);
	_exit(0);
}

/* agent's command line, checked: the view's name (given, or for a
 * narrowed view one derived from its policy file) into name[65], and the
 * --format.  0, or -1 with r->err filled. */
static int
agent_args(struct run *r, char name[65], const char **fmt)
{
	const char *n = r->cli->name, *pf = r->cli->so.policy_file;
	unsigned char d[20];
	br_sha1_context sc;

	*fmt = r->cli->format ? r->cli->format : "sh";
	if (strcmp(*fmt, "bash") == 0 || strcmp(*fmt, "zsh") == 0)
		*fmt = "sh";
	if (n != NULL && !view_name_ok(n)) {
		ar_fail(&r->err, AR_EUSAGE, "--name %s: a view's name is 1-64 "
		    "letters, digits and _.@-", n);
		return ar_fix(&r->err, "awsrole agent --name claude -- claude");
	}
	if (r->cli->env && strcmp(*fmt, "sh") && strcmp(*fmt, "fish")) {
		ar_fail(&r->err, AR_EUSAGE, "unknown --format %s", *fmt);
		return ar_fix(&r->err, "use sh (or bash, zsh) or fish");
	}
	if (!r->cli->env && (r->cli->exec_argv == NULL ||
	    r->cli->exec_argv[0] == NULL)) {
		ar_fail(&r->err, AR_EUSAGE, "agent needs a command to run, or "
		    "--env");
		return ar_fix(&r->err, "awsrole agent -- claude   (or: eval "
		    "\"$(awsrole agent --env)\")");
	}
	if (in_view() && pf == NULL) {
		ar_fail(&r->err, AR_EUSAGE, "this is already the agent view %s; "
		    "a view inside it can only be narrower", getenv(
		    "AWSROLE_AGENT_VIEW"));
		return ar_fix(&r->err, "awsrole agent --policy FILE -- CMD (a "
		    "sub-agent with less), or run CMD here as it is");
	}
	if (n == NULL && pf != NULL) {   /* the same sub-agent, the same view */
		br_sha1_init(&sc);
		br_sha1_update(&sc, pf, strlen(pf) + 1);
		if (in_view())
			br_sha1_update(&sc, getenv("AWSROLE_AGENT_VIEW"),
			    strlen(getenv("AWSROLE_AGENT_VIEW")));
		br_sha1_out(&sc, d);
		snprintf(name, 65, "scoped-%02x%02x%02x%02x", d[0], d[1], d[2],
		    d[3]);
	} else {
		snprintf(name, 65, "%s", n ? n : "agent");
	}
	if (in_view() && strcmp(name, getenv("AWSROLE_AGENT_VIEW")) == 0) {
		ar_fail(&r->err, AR_EUSAGE, "--name %s is the view this runs in",
		    name);
		return ar_fix(&r->err, "give the narrower view its own --name");
	}
	return 0;
}

/* agent [--name N] [--policy FILE] [--env [--format sh|fish]] [--] CMD
 * ARGS...: make sure the agent dir has its endpoint and the view's config
 * (not again inside a view), narrow the view by FILE (GetScopedCredentials
 * in serve), then run CMD in the view (or print the view as shell lines).
 * Returns only on failure: -1 with r->err filled (or 0 after --env). */
static int
cmd_agent(struct run *r)
{
	struct export_var v[AR_VIEW_VARS_MAX];
	const char *fmt, *parent = env_nonempty("AWSROLE_AGENT_VIEW");
	char paths[2][PATH_MAX], name[65], desc[257], abs[PATH_MAX];
	const struct passwd *pw = getpwuid(geteuid());
	struct agent_endpoint a;
	struct ar_buf b = { 0 };
	size_t n, i;
	int rc;

	if (r->cli->so.policy_file != NULL &&
	    realpath(r->cli->so.policy_file, abs) != NULL)
		r->cli->so.policy_file = abs;
	if (agent_args(r, name, &fmt) == -1)
		return -1;
	rc = agent_endpoint(&a, 1, &r->err);
	ar_wipe(a.token, sizeof(a.token));
	if (rc != AR_FOUND || (!in_view() && view_write_files(&r->cfg, a.dir,
	    &r->err) == -1))
		return -1;
	snprintf(desc, sizeof(desc), "awsrole agent view %s (%.64s)", name,
	    pw ? pw->pw_name : "?");
	if (view_narrow(a.dir, name, parent, r->cli->so.policy_file, desc,
	    &r->err) == -1)
		return -1;
	n = view_vars(a.dir, name, r->cli->so.policy_file != NULL ||
	    env_nonempty("AWSROLE_AGENT_NARROWED") != NULL, paths, v);
	if (r->cli->env) {
		export_render(v, n, fmt, &b);
		fwrite(b.p, 1, b.len, stdout);
		buf_free(&b);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (v[i].value ? setenv(v[i].name, v[i].value, 1) :
		    unsetenv(v[i].name))
			oom();
	return run_command(r);
}

/* exec inside a view: check that serve serves the profile (one fetch),
 * then run the command with AWS_PROFILE naming it, so that its SDKs fetch
 * through the view and renew; no keys in its environment.  Returns only on
 * failure. */
static int
exec_in_view(struct run *r)
{
	struct creds c;

	if (agent_fetch(r->profile, &c, &r->err) == -1)
		return -1;
	creds_clear(&c);
	if (setenv("AWS_PROFILE", r->profile, 1) || setenv("AWSROLE_PROFILE",
	    r->profile, 1))
		oom();
	unsetenv("AWS_DEFAULT_PROFILE");
	return run_command(r);
}

/* login: assume the profile's role afresh (after the cache is known to be
 * writable) and say who, until when, and whether it is cached.  0, or -1
 * with r->err filled (also if caching failed: exit 7). */
static int
cmd_login(struct run *r)
{
	const struct profile *p = config_profile(&r->cfg, r->profile);
	struct resolve_opts o;
	struct resolve_info info;
	struct creds c;
	char left[32];
	long c_left;

	if (r->cli->nmore > 0)
		return login_many(r);
	opts_from_cli(r, &o);
	o.force = o.need_cache = 1;
	if (p != NULL && profile_get(p, "role_arn") == NULL) {
		ar_fail(&r->err, AR_ECONFIG, "profile \"%s\" has no role_arn, "
		    "so there is no role to log in to", r->profile);
		return ar_fix(&r->err, "name a role profile (awsrole list), "
		    "or check these keys with: awsrole whoami -p %s",
		    r->profile);
	}
	if (resolve(&r->cfg, r->profile, &o, &c, &info, &r->err) == -1)
		return info.cache_failed ? login_cache_fix(r, &info) : -1;
	iso8601_format(c.expires, r->exp, sizeof(r->exp));
	c_left = (long)(c.expires - now_s());
	format_remaining(c_left, left, sizeof(left));
	printf("Logged in: profile %s is %s (account %s)\n"
	    "Session expires %s (in %s).\n", r->profile,
	    c.arn ? c.arn : "an assumed role", c.account ? c.account : "?",
	    r->exp, left);
	creds_clear(&c);
	if (o.no_cache) {
		printf("Not cached (--no-cache): nothing else can use this "
		    "session.\n");
		return 0;
	}
	printf("Cached: run `awsrole exec %s -- CMD`, or use "
	    "`credential_process = awsrole credential-process %s`.\n",
	    r->profile, r->profile);
	if (c_left > 15 * 60)
		printf("The AWS CLI reuses it too (`aws --profile %s ...`) while "
		    "more than 15 minutes remain.\n", r->profile);
	return 0;
}

/* credential-process: print the credentials as credential_process JSON on
 * stdout.  0, or -1 with r->err filled. */
static int
cmd_credential_process(struct run *r)
{
	struct resolve_opts o;
	struct resolve_info info;
	struct creds c;
	char *t;

	opts_from_cli(r, &o);
	if (get_creds(r, &o, &c, &info) == -1)
		return -1;
	t = creds_process_json(&c);
	printf("%s\n", t);
	ar_free_secret(t);
	creds_clear(&c);
	return 0;
}

/* env: print the credential variables in --format (sh -- bash and zsh are
 * sh --, fish, powershell or json).  0, or -1 with r->err filled. */
static int
cmd_env(struct run *r)
{
	const char *fmt = r->cli->format ? r->cli->format : "sh";
	struct export_var v[AR_EXPORT_VARS_MAX];
	struct resolve_opts o;
	struct resolve_info info;
	struct ar_buf b = { 0 };
	struct creds c;
	size_t n;
	int rc = 0;

	if (strcmp(fmt, "bash") == 0 || strcmp(fmt, "zsh") == 0)
		fmt = "sh";
	if (strcmp(fmt, "sh") && strcmp(fmt, "fish") &&
	    strcmp(fmt, "powershell") && strcmp(fmt, "json")) {
		ar_fail(&r->err, AR_EUSAGE, "unknown --format %s", fmt);
		return ar_fix(&r->err, "use sh (or bash, zsh), fish, powershell "
		    "or json");
	}
	opts_from_cli(r, &o);
	if (get_creds(r, &o, &c, &info) == -1)
		return -1;
	n = export_vars(&c, region_pick(config_profile(&r->cfg, r->profile),
	    r->cli->region), r->profile, r->exp, v);
	export_render(v, n, fmt, &b);
	fwrite(b.p, 1, b.len, stdout);
	buf_free(&b);
	creds_clear(&c);
	return rc;
}

/* Inside `awsrole exec A`, running B would mix two accounts' sessions. */
static int
exec_check_nested(struct run *r)
{
	const char *cur = env_nonempty("AWSROLE_PROFILE");

	if (cur == NULL || strcmp(cur, r->profile) == 0 || r->cli->allow_nested)
		return 0;
	ar_fail(&r->err, AR_EUSAGE, "this shell is already an awsrole session "
	    "for profile \"%s\" (AWSROLE_PROFILE); running a command as "
	    "\"%s\" from inside it mixes two accounts' credentials",
	    cur, r->profile);
	return ar_fix(&r->err, "exit the \"%s\" session first, or pass "
	    "--allow-nested if this is intended", cur);
}

/* exec: put the credentials in the environment and exec the command after --.
 * Returns only on failure: -1 with r->err filled. */
static int
cmd_exec(struct run *r)
{
	struct export_var v[AR_EXPORT_VARS_MAX];
	struct resolve_opts o;
	struct resolve_info info;
	struct creds c;
	size_t n, i;

	if (r->cli->exec_argv == NULL || r->cli->exec_argv[0] == NULL) {
		ar_fail(&r->err, AR_EUSAGE, "exec needs a command to run");
		return ar_fix(&r->err, "awsrole exec PROFILE -- CMD ARGS...");
	}
	if (in_view())
		return exec_in_view(r);
	if (exec_check_nested(r) == -1)
		return -1;
	opts_from_cli(r, &o);
	if (get_creds(r, &o, &c, &info) == -1)
		return -1;
	n = export_vars(&c, region_pick(config_profile(&r->cfg, r->profile),
	    r->cli->region), r->profile, r->exp, v);
	for (i = 0; i < n; i++)
		if (v[i].value ? setenv(v[i].name, v[i].value, 1) :
		    unsetenv(v[i].name))
			oom();
	creds_clear(&c);
	return run_command(r);
}

/* The cache key of a role profile's own AssumeRole, without the checks
 * of a full resolution (list and logout must not fail on one bad hop). */
static int
profile_cache_key(const struct profile *p, char key[41])
{
	struct scope_opts none = { .narns = 0 };
	struct assume_args a;
	struct ar_err ignore;
	struct scope sc;
	int rc;

	if (assume_args_from_profile(p, &a) == -1 || a.role_arn == NULL)
		return -1;
	if (scope_build(p, a.role_arn, &none, &sc, &ignore) == -1) {
		scope_free(&sc);
		return -1;
	}
	a.scope = &sc;
	rc = cache_key(&a, key, &ignore);
	scope_free(&sc);
	return rc;
}

/* The scope of role profile p's own session controls (its keys) into
 * out: 1 when it has any ("invalid" when they break a limit), else 0. */
static int
profile_scope_label(const struct profile *p, char *out, size_t cap)
{
	struct scope_opts none = { .narns = 0 };
	const char *arn = profile_get(p, "role_arn");
	struct ar_err e;
	struct scope sc;
	int rc;

	out[0] = '\0';
	if (arn == NULL || !scope_wanted(p, &none))
		return 0;
	rc = scope_build(p, arn, &none, &sc, &e);
	snprintf(out, cap, "%s", rc == -1 ? "invalid (awsrole doctor)" :
	    sc.label[0] ? sc.label : sc.ntags && sc.source_identity ?
	    "tags, source identity" : sc.ntags ? "tags" : sc.source_identity ?
	    "source identity" : "");
	scope_free(&sc);
	return out[0] != '\0';
}

/* A static label of how p gets credentials: role, role<-env (imds, ecs, ?),
 * web-identity, static, process, sso or none. */
static const char *
profile_kind(const struct profile *p)
{
	const char *cs = profile_get(p, "credential_source");

	if (profile_get(p, "role_arn") != NULL) {
		if (profile_is_web_identity(p))
			return "web-identity";
		if (cs != NULL)
			return strcmp(cs, "Environment") == 0 ? "role<-env" :
			    strcmp(cs, "Ec2InstanceMetadata") == 0 ?
			    "role<-imds" : strcmp(cs, "EcsContainer") == 0 ?
			    "role<-ecs" : "role<-?";
		return "role";
	}
	if (profile_key_file(p) == 1)
		return "static";
	if (profile_get(p, "credential_process") != NULL)
		return "process";
	if (profile_key_file(p) == 0)
		return "static";
	if (profile_get(p, "sso_session") || profile_get(p, "sso_start_url"))
		return "sso";
	return "none";
}

/* Seconds left of the cached session under key; -1 if none.  ix (may be
 * NULL) lists the entries that exist. */
static long
session_left(const struct cache *cache, const struct cache_index *ix,
    const char *key)
{
	struct creds c;
	struct ar_err ignore;
	const char *why;
	long left;

	if (key == NULL || (ix != NULL && !cache_index_has(ix, key)))
		return -1;
	memset(&c, 0, sizeof(c));
	if (cache_read(cache, key, 1, &c, &why, &ignore) != 0)
		return -1;
	left = (long)(c.expires - now_s());
	creds_clear(&c);
	return left;
}

/* "111111111111" and "RoleA" out of arn:aws:iam::111111111111:role/RoleA */
static void
role_parts(const char *arn, char acct[13], const char **role)
{
	char *a = arn ? arn_account(arn) : NULL;
	const char *r = arn ? strstr(arn, ":role/") : NULL;

	snprintf(acct, 13, "%s", a ? a : "-");
	free(a);
	*role = r ? r + 6 : "-";
}

/* Append to arr the JSON object of one list row of p (left < 0: no cached
 * session; key may be NULL). */
static void
list_row_json(cJSON *arr, const struct profile *p, const char *kind,
    const char *acct, const char *role, long left, const char *key,
    const char *scope)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "Profile", p->name);
	cJSON_AddStringToObject(o, "Kind", kind);
	cJSON_AddStringToObject(o, "Account", acct);
	cJSON_AddStringToObject(o, "Role", role);
	cJSON_AddBoolToObject(o, "Mfa", profile_get(p, "mfa_serial") != NULL);
	cJSON_AddStringToObject(o, "Region", profile_get(p, "region") ?
	    profile_get(p, "region") : "");
	if (left >= 0)
		cJSON_AddNumberToObject(o, "SessionSecondsLeft", (double)left);
	else
		cJSON_AddNullToObject(o, "SessionSecondsLeft");
	if (key != NULL)
		cJSON_AddStringToObject(o, "CacheKey", key);
	if (scope != NULL)
		cJSON_AddStringToObject(o, "Scope", scope);
	cJSON_AddItemToArray(arr, o);
}

/* list: one row per profile (kind, account, role, MFA, region, cached
 * session), as a table or --json.  0, or -1 with r->err filled. */
static int
cmd_list(struct run *r)
{
	struct cache cache;
	struct cache_index ix;
	cJSON *arr = r->cli->json ? cJSON_CreateArray() : NULL;
	const struct profile *p;
	const char *role, *key;
	char acct[13], left_s[32], kbuf[41], sbuf[300];
	long left;
	size_t i;
	char *t;

	if (cache_init(&cache, 0, &r->err) == -1)
		return -1;
	cache_index_load(&cache, &ix);
	if (arr == NULL)
		printf("%-24s %-12s %-12s %-24s %-3s %-14s %-10s %s\n", "PROFILE",
		    "KIND", "ACCOUNT", "ROLE", "MFA", "REGION", "SESSION",
		    "SCOPE");
	for (i = 0; i < r->cfg.nprof; i++) {
		p = &r->cfg.prof[i];
		role_parts(profile_get(p, "role_arn"), acct, &role);
		key = profile_cache_key(p, kbuf) == 0 ? kbuf : NULL;
		left = session_left(&cache, &ix, key);
		if (arr != NULL) {
			list_row_json(arr, p, profile_kind(p), acct, role, left,
			    key, profile_scope_label(p, sbuf, sizeof(sbuf)) ? sbuf :
			    profile_get(p, "role_arn") ? "full" : NULL);
			continue;
		}
		format_remaining(left, left_s, sizeof(left_s));
		printf("%-24s %-12s %-12s %-24s %-3s %-14s %-10s %s\n", p->name,
		    profile_kind(p), acct, role,
		    profile_get(p, "mfa_serial") ? "yes" : "no",
		    profile_get(p, "region") ? profile_get(p, "region") : "-",
		    left < 0 ? "none" : left_s, profile_scope_label(p, sbuf,
		    sizeof(sbuf)) ? sbuf : profile_get(p, "role_arn") ? "full" :
		    "-");
	}
	if (arr != NULL) {
		t = cJSON_Print(arr);
		printf("%s\n", t);
		cJSON_free(t);
		cJSON_Delete(arr);
	}
	cache_index_free(&ix);
	return 0;
}

/* Remove one entry and say so; counts it in *removed. */
static int
logout_key(const struct cache *cache, const char *name, const char *key,
    int *removed, struct ar_err *err)
{
	int rc = cache_remove(cache, key, err);

	if (rc == 1)
		printf("Removed the cached session of %s (%s.json)\n", name, key);
	if (rc == 2)
		printf("Removed temporary files of %s's session that an "
		    "interrupted awsrole left (.%s.*.tmp)\n", name, key);
	*removed += rc > 0;
	return rc == -1 ? -1 : 0;
}

/* The profile's own entry, then -- best effort, the chain may be broken
 * -- those of the roles below it. */
static int
logout_profile(struct run *r, const struct cache *cache, const char *name,
    int *removed)
{
	const struct profile *p = config_profile(&r->cfg, name);
	struct ar_err ignore;
	struct chain ch;
	char key[41];
	size_t i;

	if (p == NULL)
		return chain_missing(&r->cfg, &(struct chain){ .nnames = 0 },
		    name, &r->err);
	if (profile_cache_key(p, key) == 0 &&
	    logout_key(cache, name, key, removed, &r->err) == -1)
		return -1;
	if (chain_build(&r->cfg, name, &ch, &ignore) == -1)
		return 0;
	for (i = 0; i + 1 < ch.nhop; i++)
		if (logout_key(cache, ch.hop[i].p->name, ch.hop[i].key,
		    removed, &r->err) == -1)
			return -1;
	return 0;
}

/* logout: remove the cached sessions of the run's profile, or of every profile
 * with --all.  0, or -1 with r->err filled. */
static int
cmd_logout(struct run *r)
{
	struct cache cache;
	int removed = 0;
	char key[41];
	size_t i;

	if (cache_init(&cache, 0, &r->err) == -1)
		return -1;
	if (!r->cli->all) {
		if (logout_profile(r, &cache, r->profile, &removed) == -1)
			return -1;
	} else {
		for (i = 0; i < r->cfg.nprof; i++)
			if (profile_cache_key(&r->cfg.prof[i], key) == 0 &&
			    logout_key(&cache, r->cfg.prof[i].name, key,
			    &removed, &r->err) == -1)
				return -1;
	}
	if (removed == 0)
		printf("No cached session to remove%s%s.\n",
		    r->cli->all ? "" : " for profile ",
		    r->cli->all ? "" : r->profile);
	return 0;
}

/* 1 for the keys whose values are secrets (secret access key, session and
 * security token), else 0. */
static int
is_secret_key(const char *k)
{
	return strcmp(k, "aws_secret_access_key") == 0 ||
	    strcmp(k, "aws_session_token") == 0 ||
	    strcmp(k, "aws_security_token") == 0;
}

/* Print pair q with its file and line (nested pairs indented) on stdout;
 * secrets show as [redacted] unless show_secrets. */
static void
dump_pair(const struct ini_pair *q, const char *file, int indent,
    int show_secrets)
{
	const char *v;
	size_t i, n;

	if (q->value == NULL) {
		printf("%*s%s =\t\t# %s:%d\n", indent, "", q->key, file,
		    q->line);
		for (i = 0; i < q->nsub; i++)
			dump_pair(&q->sub[i], file, indent + 4, show_secrets);
		return;
	}
	v = is_secret_key(q->key) && !show_secrets ? "[redacted]" : q->value;
	n = strcspn(v, "\n");
	printf("%*s%s = %.*s\t\t# %s:%d\n", indent, "", q->key, (int)n, v,
	    file, q->line);
	while (v[n] == '\n') { /* a continued value: one indented line each */
		v += n + 1;
		n = strcspn(v, "\n");
		printf("%*s    %.*s\n", indent, "", (int)n, v);
	}
}

/* The JSON dump with secret values replaced by "[redacted]"; frees t. */
static char *
dump_redacted(char *t)
{
	cJSON *j = cJSON_Parse(t), *prof, *kv;
	char *out;

	ar_free_secret(t);
	cJSON_ArrayForEach(prof, cJSON_GetObjectItemCaseSensitive(j, "profiles"))
		cJSON_ArrayForEach(kv, prof)
			if (cJSON_IsString(kv) && is_secret_key(kv->string)) {
				ar_wipe(kv->valuestring, strlen(kv->valuestring));
				cJSON_SetValuestring(kv, "[redacted]");
			}
	out = cJSON_Print(j);
	json_delete_wiped(j);
	if (out == NULL)
		oom();
	return out;
}

/* `config dump`: the merged profiles as awsrole (and the CLI) read them. */
static int
cmd_config(struct run *r)
{
	const struct profile *p;
	size_t i, k;
	char *t;

	if (!str_eq(r->cli->sub, "dump")) {
		ar_fail(&r->err, AR_EUSAGE, "unknown config subcommand %s",
		    r->cli->sub ? r->cli->sub : "(none)");
		return ar_fix(&r->err, "awsrole config dump [--json]");
	}
	if (r->cli->json) {
		t = config_dump_json(&r->cfg, 1);
		if (!r->cli->show_secrets)
			t = dump_redacted(t);
		printf("%s\n", t);
		ar_free_secret(t);
		return 0;
	}
	for (i = 0; i < r->cfg.nprof; i++) {
		p = &r->cfg.prof[i];
		printf("%s[%s]\t\t# %s:%d\n", i ? "\n" : "", p->name, p->file,
		    p->line);
		for (k = 0; k < p->nkv; k++)
			dump_pair(p->kv[k].pair, p->kv[k].file, 0,
			    r->cli->show_secrets);
	}
	return 0;
}

/* ========================================================================
 * 16. Doctor
 *
 * Owns: `awsrole doctor`: every check that needs no secret to leave the
 * machine (files, modes, sections, values, chains, the ambient
 * environment), then, with --online, the clock, the source keys and the
 * AssumeRole itself.  Findings are printed as text or collected as JSON.
 *
 * Calls: 1, 3, 8, 10, 12, 15
 * ======================================================================== */

enum { FIND_OK, FIND_WARN, FIND_ERROR, FIND_INFO };

struct doctor {
	struct run *r;
	cJSON *json;                 /* --json: the findings array */
	int errors, warnings;
};

/* Count a doctor finding (info is not counted), then add it to d->json or
 * print it and its fix. */
static void
finding(struct doctor *d, int level, const char *profile, const char *where,
    const char *msg, const char *fix)
{
	static const char *names[] = { "ok", "warning", "error", "info" };
	cJSON *o;

	d->errors += level == FIND_ERROR;
	d->warnings += level == FIND_WARN;
	if (d->json != NULL) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "level", names[level]);
		if (profile)
			cJSON_AddStringToObject(o, "profile", profile);
		if (where)
			cJSON_AddStringToObject(o, "where", where);
		cJSON_AddStringToObject(o, "message", msg);
		if (fix && *fix)
			cJSON_AddStringToObject(o, "fix", fix);
		cJSON_AddItemToArray(d->json, o);
		return;
	}
	printf("%-7s %s%s%s%s%s%s\n", names[level], profile ? "[" : "",
	    profile ? profile : "", profile ? "] " : "", msg,
	    where ? "  at " : "", where ? where : "");
	if (fix && *fix)
		printf("        fix: %s\n", fix);
}

/* An error finding from e's message and fix. */
static void
finding_err(struct doctor *d, const char *profile, const struct ar_err *e)
{
	finding(d, FIND_ERROR, profile, NULL, e->msg, e->fix);
}

/* Every value rule profile p breaks, as an error at the value's line. */
static void
doctor_rules(struct doctor *d, const struct profile *p)
{
	const struct value_rule *r = NULL;
	char w[PATH_MAX + 16], msg[512], fix[1024];
	const char *v;

	while ((r = rule_broken(p, r, &v)) != NULL) {
		snprintf(msg, sizeof(msg), "%s %s", r->key, r->what);
		/* where awsrole is stricter, say what botocore would do */
		if (r->botocore != NULL && !all_digits(v, strlen(v)))
			snprintf(fix, sizeof(fix), "%s (%s = %.200s: %s)", r->fix,
			    r->key, v, r->botocore);
		else
			snprintf(fix, sizeof(fix), "%s", r->fix);
		finding(d, FIND_ERROR, p->name, profile_where(p, r->key, w,
		    sizeof(w)), msg, fix);
	}
}

/* Keys whose value is split like a shell: quotes there are meant. */
static int
is_command_key(const char *k)
{
	return strcmp(k, "credential_process") == 0 ||
	    strcmp(k, "mfa_process") == 0;
}

/* Values the CLI reads differently from what the user meant. */
static void
doctor_values(struct doctor *d, const struct profile *p)
{
	const char *v;
	char w[PATH_MAX + 16], msg[512];
	size_t i, n;

	for (i = 0; i < p->nkv; i++) {
		if ((v = p->kv[i].pair->value) == NULL)
			continue;
		snprintf(w, sizeof(w), "%s:%d", p->kv[i].file, p->kv[i].line);
		n = strlen(v);
		if (!is_command_key(p->kv[i].key) && n >= 2 &&
		    ((v[0] == '"' && v[n - 1] == '"') ||
		    (v[0] == '\'' && v[n - 1] == '\''))) {
			snprintf(msg, sizeof(msg), "%s is wrapped in quotes; the "
			    "AWS CLI keeps them as part of the value",
			    p->kv[i].key);
			finding(d, str_has_prefix(p->kv[i].key, "aws_") ?
			    FIND_ERROR : FIND_WARN, p->name, w, msg,
			    "remove the quotes");
		}
		if (strstr(v, " #") || strstr(v, "\t#") || strstr(v, " ;") ||
		    strstr(v, "\t;")) {
			snprintf(msg, sizeof(msg), "%s has what looks like an "
			    "inline comment; the AWS CLI keeps it as part of "
			    "the value", p->kv[i].key);
			finding(d, FIND_WARN, p->name, w, msg, "put comments on "
			    "their own line");
		}
		if (str_has_prefix(p->kv[i].key, "aws_") &&
		    str_has_prefix(p->kv[i].key + 4, "") &&
		    (strcmp(p->kv[i].key, "aws_access_key_id") == 0 ||
		    strcmp(p->kv[i].key, "aws_secret_access_key") == 0) &&
		    strcmp(p->kv[i].file, d->r->cfg.config_path) == 0)
			finding(d, FIND_WARN, p->name, w, "static keys are in "
			    "the config file", "move them to the credentials "
			    "file, which is meant to be readable only by you");
	}
}

/* Resolution without calls: missing source, cycles, durations, chains.
 * 0 when the chain builds, else -1 (reported). */
static int
doctor_chain(struct doctor *d, const struct profile *p)
{
	const struct value_rule *r;
	struct ar_err e, own;
	struct chain ch;
	const char *v;
	char msg[256];

	if (chain_build(&d->r->cfg, p->name, &ch, &e) == -1) {
		/* a value of p itself that breaks a rule: doctor_rules said so */
		if ((r = rule_broken(p, NULL, &v)) == NULL ||
		    (rule_fail(p, r, v, &own), strcmp(own.msg, e.msg) != 0))
			finding_err(d, p->name, &e);
		return -1;
	}
	snprintf(msg, sizeof(msg), "resolves: %zu role hop%s from %s",
	    ch.nhop, ch.nhop == 1 ? "" : "s", ch.kind == SRC_STATIC ?
	    "static keys" : ch.kind == SRC_ENV ? "the environment" :
	    ch.kind == SRC_PROCESS ? "credential_process" :
	    ch.kind == SRC_IMDS ? "EC2 instance metadata" :
	    ch.kind == SRC_ECS ? "the container endpoint" : "web identity");
	finding(d, FIND_OK, p->name, NULL, msg, NULL);
	return 0;
}

/* Where p's STS calls go and how they are signed, as an info finding
 * with sts_endpoint, signing_region and region_source (as botocore picks
 * them, no call made); a setting botocore refuses is an error. */
static void
doctor_endpoint(struct doctor *d, const struct profile *p)
{
	struct sts_endpoint ep;
	struct ar_err e;
	char msg[2 * sizeof(ep)];
	const char *v, *how, *rs;
	cJSON *o;

	/* A quoted region, or one with an inline comment: doctor_values
	 * warned about that value already. */
	if ((v = region_pick(p, d->r->cli->region)) != NULL &&
	    v == profile_get(p, "region") && (strpbrk(v, "\"'") != NULL ||
	    strstr(v, " #") || strstr(v, "\t#") || strstr(v, " ;") ||
	    strstr(v, "\t;")))
		return;
	if (sts_endpoint_resolve(&d->r->cfg, p, d->r->cli->region, 0, &ep,
	    &e) == -1 || sts_need_region(&ep, &e) == -1) {
		finding_err(d, p->name, &e);
		return;
	}
	how = "region from ", rs = ep.region_source;
	if (str_has_prefix(rs, "none: "))
		how = "no region set, ", rs += 6;
	snprintf(msg, sizeof(msg), "STS calls go to %s, signed for %s (%s%s; "
	    "endpoint: %s%s%s)", ep.url, ep.region, how, rs,
	    ep.endpoint_source, ep.fips ? ", FIPS" : "", ep.dualstack ?
	    ", dual-stack" : "");
	finding(d, FIND_INFO, p->name, NULL, msg, NULL);
	if (d->json == NULL ||
	    (o = cJSON_GetArrayItem(d->json, cJSON_GetArraySize(d->json) - 1))
	    == NULL)
		return;
	cJSON_AddStringToObject(o, "sts_endpoint", ep.url);
	cJSON_AddStringToObject(o, "signing_region", ep.region);
	cJSON_AddStringToObject(o, "region_source", ep.region_source);
	cJSON_AddStringToObject(o, "endpoint_source", ep.endpoint_source);
	cJSON_AddBoolToObject(o, "fips", ep.fips);
	cJSON_AddBoolToObject(o, "dualstack", ep.dualstack);
}

/* Warn when path (a file of secrets) is readable by its group or others; a
 * missing or non-regular file (/dev/null) is no finding. */
static void
doctor_file_mode(struct doctor *d, const char *path)
{
	struct stat st;
	char msg[PATH_MAX + 64];

	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 077) == 0)
		return;
	snprintf(msg, sizeof(msg), "%s is readable by %s", path,
	    st.st_mode & 004 ? "everyone" : "its group");
	finding(d, FIND_WARN, NULL, NULL, msg, "chmod 600 on it: it holds "
	    "secret keys");
}

/* Warn when file f starts with a UTF-8 byte-order mark. */
static void
doctor_bom(struct doctor *d, const struct ini_file *f)
{
	if (f->has_bom)
		finding(d, FIND_WARN, NULL, f->path, "the file starts with a "
		    "UTF-8 byte-order mark: awsrole reads it, but the AWS CLI "
		    "rejects the file", "save it as UTF-8 without a BOM");
}

/* An error finding when the cache directory cannot be used, a warning when
 * others can list it; none when it does not exist yet. */
static void
doctor_cache_dir(struct doctor *d)
{
	struct cache c;
	struct ar_err e;
	struct stat st;

	if (cache_init(&c, 0, &e) == -1) {
		finding_err(d, NULL, &e);
		return;
	}
	if (stat(c.dir, &st) == -1)
		return;
	if (cache_check_dir(c.dir, &e) == -1)
		finding_err(d, NULL, &e);
	else if (st.st_mode & 077)
		finding(d, FIND_WARN, NULL, c.dir, "the cache directory can be "
		    "listed by others", "chmod 700 on it");
}

/* Warn for each ignored [profile...] section of the config (e.g. an unquoted
 * name with a space) that the AWS CLI skips. */
static void
doctor_sections(struct doctor *d)
{
	const struct ignored_section *g;
	char w[PATH_MAX + 16], msg[512];
	size_t i;

	for (i = 0; i < d->r->cfg.nign; i++) {
		g = &d->r->cfg.ign[i];
		if (!str_has_prefix(g->name, "profile") ||
		    str_has_prefix(g->name, "profile\"") ||
		    strcmp(g->name, "profile") == 0)
			continue;
		snprintf(w, sizeof(w), "%s:%d", g->file, g->line);
		snprintf(msg, sizeof(msg), "[%s] is silently ignored by the AWS "
		    "CLI (a name with a space must be quoted)", g->name);
		finding(d, FIND_WARN, NULL, w, msg, "write [profile \"...\"]");
	}
}

/* Warn for AWS_PROFILE or AWS_DEFAULT_PROFILE naming another profile than
 * named (NULL: any set). */
static void
doctor_ambient(struct doctor *d, const char *named)
{
	const char *vars[] = { "AWS_PROFILE", "AWS_DEFAULT_PROFILE", NULL };
	const char *v;
	char msg[512];
	int i;

	for (i = 0; vars[i] != NULL; i++) {
		if ((v = env_nonempty(vars[i])) == NULL ||
		    (named != NULL && strcmp(v, named) == 0))
			continue;
		snprintf(msg, sizeof(msg), "%s=%s is set in this environment%s%s"
		    "; scripts that do not name a profile will use it", vars[i],
		    v, named ? ", not the profile named: " : "",
		    named ? named : "");
		finding(d, FIND_WARN, NULL, NULL, msg, "unset it, or turn on "
		    "explicit-profile mode (AWSROLE_EXPLICIT_PROFILE=1)");
	}
}

/* --online: clock skew and the source keys (GetCallerIdentity). */
static int
doctor_online_source(struct doctor *d, const struct profile *p,
    const struct chain *ch, const struct sts_endpoint *ep)
{
	struct caller_identity id;
	struct creds c;
	struct ar_err e;
	time_t date = 0;
	long skew;
	char msg[1400], hint[16];
	int rc = 0;

	memset(&c, 0, sizeof(c));
	if (ch->kind == SRC_WEB_IDENTITY)
		return 0;
	if (chain_base_creds(ch, NULL, &c, &e) == -1) {
		finding_err(d, p->name, &e);
		return -1;
	}
	if (sts_get_caller_identity(ep, &c, &id, &date, &e) == -1) {
		key_hint(c.akid, hint);
		snprintf(msg, sizeof(msg), "the source credentials (%s, key %s) "
		    "were rejected: %s", c.source, hint, e.msg);
		finding(d, FIND_ERROR, p->name, NULL, msg, e.fix);
		rc = -1;
	} else {
		snprintf(msg, sizeof(msg), "source credentials are valid: %s",
		    id.arn);
		finding(d, FIND_OK, p->name, NULL, msg, NULL);
		caller_identity_free(&id);
	}
	creds_clear(&c);
	if (date == 0)
		return rc;
	skew = labs((long)(now_s() - date));
	snprintf(msg, sizeof(msg), "clock skew against STS: %ld s", skew);
	finding(d, skew > 300 ? FIND_ERROR : skew > 60 ? FIND_WARN : FIND_OK,
	    NULL, NULL, msg, skew > 60 ? "sync the system clock (NTP): MFA "
	    "codes and signatures depend on it" : NULL);
	return rc;
}

/* The limits of p's session controls (its keys), as login would check
 * them before any call: one error finding for the first broken one. */
static void
doctor_scope(struct doctor *d, const struct profile *p)
{
	struct scope_opts none = { .narns = 0 };
	const char *arn = profile_get(p, "role_arn");
	struct ar_err e;
	struct scope sc;

	if (arn != NULL && scope_build(p, arn, &none, &sc, &e) == -1)
		finding_err(d, p->name, &e);
	if (arn != NULL)
		scope_free(&sc);
}

/* An AssumeRole denial that p's session controls explain: the trust
 * policy must allow sts:SetSourceIdentity for source_identity and
 * sts:TagSession for session_tags.  STS names the action in its message
 * when it is the one refused; otherwise, with either key set, both are
 * named as the likely cause.  1 with e's message and fix set, else 0. */
static int
doctor_scope_denial(const struct profile *p, const struct scope *sc,
    struct ar_err *e)
{
	int si = strstr(e->msg, "sts:SetSourceIdentity") != NULL ||
	    (sc->source_identity && !strstr(e->msg, "sts:TagSession"));
	int tags = strstr(e->msg, "sts:TagSession") != NULL ||
	    (sc->ntags && !strstr(e->msg, "sts:SetSourceIdentity"));
	char cause[1024];

	if (!(si && sc->source_identity) && !(tags && sc->ntags))
		return 0;
	snprintf(cause, sizeof(cause), "%s", e->msg);
	ar_fail(e, AR_EAWS, "AssumeRole was denied, and profile \"%s\" sends "
	    "%s%s%s: the role's trust policy must allow %s%s%s (%.500s)", p->name,
	    si && sc->source_identity ? "SourceIdentity (source_identity)" : "",
	    si && sc->source_identity && tags && sc->ntags ? " and " : "",
	    tags && sc->ntags ? "session tags (session_tags)" : "",
	    si && sc->source_identity ? "sts:SetSourceIdentity" : "",
	    si && sc->source_identity && tags && sc->ntags ? " and " : "",
	    tags && sc->ntags ? "sts:TagSession" : "", cause);
	ar_fix(e, "in the role's trust policy, the statement that allows "
	    "sts:AssumeRole for this user needs \"Action\": [\"sts:AssumeRole\""
	    "%s%s] (or remove the key from the profile)",
	    si && sc->source_identity ? ", \"sts:SetSourceIdentity\"" : "",
	    tags && sc->ntags ? ", \"sts:TagSession\"" : "");
	return 1;
}

/* --online: the AssumeRole itself, its error mapped to the seed's causes. */
static void
doctor_online_assume(struct doctor *d, const struct profile *p)
{
	struct resolve_opts o;
	struct resolve_info info;
	struct creds c;
	struct ar_err e;
	struct scope sc;
	char msg[512];

	opts_from_cli(d->r, &o);
	o.mfa.profile = p->name;
	memset(&sc, 0, sizeof(sc));
	if (run_scope(d->r, p->name, &sc) == -1) {
		finding_err(d, p->name, &d->r->err);
		scope_free(&sc);
		return;
	}
	o.scope = &sc;
	if (resolve(&d->r->cfg, p->name, &o, &c, &info, &e) == 0) {
		snprintf(msg, sizeof(msg), "%s: %s", info.from_cache ?
		    "cached session is valid (logout to re-test AssumeRole)" :
		    "AssumeRole works", c.arn ? c.arn : "");
		finding(d, FIND_OK, p->name, NULL, msg, NULL);
		creds_clear(&c);
		scope_free(&sc);
		return;
	}
	if (strstr(e.msg, "AccessDenied") && doctor_scope_denial(p, &sc, &e))
		;
	else if (strstr(e.msg, "AccessDenied") && !strstr(e.msg, "MultiFactor"))
		ar_fix(&e, "%s", profile_get(p, "mfa_serial") ?
		    "MFA was sent, so most likely the role's trust policy does "
		    "not trust this user, or the user lacks sts:AssumeRole on "
		    "role_arn" : "no MFA was sent: most likely the trust "
		    "policy requires aws:MultiFactorAuthPresent -- add "
		    "mfa_serial to the profile -- or does not trust this user");
	finding_err(d, p->name, &e);
	scope_free(&sc);
}

/* STS checks for p (--online): its source credentials, then the AssumeRole of
 * a role; a chain that does not build is skipped. */
static void
doctor_online(struct doctor *d, const struct profile *p)
{
	struct sts_endpoint ep;
	struct chain ch;
	struct ar_err e;

	if (chain_build(&d->r->cfg, p->name, &ch, &e) == -1)
		return;
	if (sts_endpoint_resolve(&d->r->cfg, p, d->r->cli->region,
	    d->r->cli->verbose, &ep, &e) == -1)
		return; /* doctor_endpoint reported it */
	/* Known-bad source keys would waste the MFA code on AssumeRole. */
	if (doctor_online_source(d, p, &ch, &ep) == 0 && ch.nhop > 0)
		doctor_online_assume(d, p);
}

/* Print the JSON or the totals; an error finding makes the exit 3. */
static int
doctor_end(struct doctor *d)
{
	struct run *r = d->r;
	char *t;

	if (d->json != NULL) {
		t = cJSON_Print(d->json);
		printf("%s\n", t);
		cJSON_free(t);
		cJSON_Delete(d->json);
	} else {
		printf("%d error%s, %d warning%s\n", d->errors, d->errors == 1 ?
		    "" : "s", d->warnings, d->warnings == 1 ? "" : "s");
	}
	if (d->errors == 0)
		return 0;
	ar_fail(&r->err, AR_ECONFIG, "doctor found %d error%s", d->errors,
	    d->errors == 1 ? "" : "s");
	return -1;
}

/* doctor: check the files, cache directory, environment and each profile (or
 * only -p's).  0, or -1 with r->err filled when an error was found. */
static int
cmd_doctor(struct run *r)
{
	const char *named = r->cli->profile;
	struct doctor d = { r, NULL, 0, 0 };
	const struct profile *p;
	size_t i;

	if (r->cli->json)
		d.json = cJSON_CreateArray();
	if (load_config(r) == -1) { /* e.g. a duplicate section: one finding */
		finding_err(&d, NULL, &r->err);
		return doctor_end(&d);
	}
	if (named != NULL && config_profile(&r->cfg, named) == NULL) {
		chain_missing(&r->cfg, &(struct chain){ .nnames = 0 }, named,
		    &r->err);
		finding_err(&d, named, &r->err);
	}
	doctor_file_mode(&d, r->cfg.cred_path);
	doctor_bom(&d, &r->cfg.cfg);
	doctor_bom(&d, &r->cfg.cred);
	doctor_cache_dir(&d);
	doctor_sections(&d);
	doctor_ambient(&d, named);
	for (i = 0; i < r->cfg.nprof; i++) {
		p = &r->cfg.prof[i];
		if (named != NULL && strcmp(p->name, named) != 0)
			continue;
		doctor_values(&d, p);
		doctor_rules(&d, p);
		doctor_scope(&d, p);
		if (doctor_chain(&d, p) == 0)
			doctor_endpoint(&d, p);
		if (r->cli->online)
			doctor_online(&d, p);
	}
	return doctor_end(&d);
}

/* ========================================================================
 * 17. Status, prompt and version
 *
 * Owns: which credentials are in effect here, from the environment alone
 * (no network; status reads the cache, prompt nothing), and the version.
 *
 * Calls: 1, 3, 10, 14, 15
 * ======================================================================== */

/* Seconds until AWS_CREDENTIAL_EXPIRATION (negative once past), or -1 when it
 * is unset or unparsable. */
static long
env_seconds_left(void)
{
	const char *e = env_nonempty("AWS_CREDENTIAL_EXPIRATION");
	time_t t;

	if (e == NULL || iso8601_parse(e, &t) == -1)
		return -1;
	return (long)(t - now_s());
}


/* status: where the shell's credentials come from (exec session, environment
 * keys, or a profile and its cached session).  0, or -1 with r->err filled. */
static int
cmd_status(struct run *r)
{
	const char *sess = env_nonempty("AWSROLE_PROFILE");
	const char *akid = env_nonempty("AWS_ACCESS_KEY_ID");
	const char *prof = env_profile();
	const struct profile *p;
	struct cache cache;
	char hint[16], left[32], key[41], kbuf[300];
	long l = env_seconds_left();
	int scoped;

	if (in_view())
		return agent_status(&r->err);
	key_hint(akid, hint);
	format_remaining(l, left, sizeof(left));
	if (sess != NULL && akid != NULL) {
		printf("awsrole exec session: profile %s, key %s, %s%s\n", sess,
		    hint, l < 0 ? "no expiry known" : l > 0 ? "expires in " :
		    "", l < 0 ? "" : left);
		return 0;
	}
	if (akid != NULL) {
		printf("environment variables: key %s%s%s\n", hint,
		    l < 0 ? "" : ", expires in ", l < 0 ? "" : left);
		return 0;
	}
	printf("%s", prof ? "profile from the environment: " :
	    "no credentials in the environment; the default profile: ");
	if (prof == NULL)
		prof = "default";
	if ((p = config_profile(&r->cfg, prof)) == NULL) {
		printf("%s (not configured)\n", prof);
		return 0;
	}
	if (cache_init(&cache, 0, &r->err) == -1)
		return -1;
	l = profile_cache_key(p, key) == 0 ? session_left(&cache, NULL, key) :
	    -1;
	format_remaining(l, left, sizeof(left));
	scoped = profile_scope_label(p, kbuf, sizeof(kbuf));
	printf("%s (%s)%s%s%s%s\n", prof, profile_kind(p),
	    profile_get(p, "role_arn") ? ", cached session: " : "",
	    profile_get(p, "role_arn") ? (l < 0 ? "none" : left) : "",
	    scoped ? ", scope " : "", scoped ? kbuf : "");
	return 0;
}

/* For PS1: "CustomerA 12m" inside an exec session, "aws:NAME" when only
 * AWS_PROFILE is set, nothing otherwise.  No files, no network. */
static int
cmd_prompt(struct run *r)
{
	const char *sess = env_nonempty("AWSROLE_PROFILE");
	const char *prof = env_profile();
	char left[32];
	long l = env_seconds_left();

	(void)r;
	format_remaining(l, left, sizeof(left));
	if (sess != NULL)
		printf("%s%s%s\n", sess, l < 0 ? "" : " ", l < 0 ? "" : left);
	else if (prof != NULL)
		printf("aws:%s\n", prof);
	return 0;
}

/* What the build knows of itself: the Makefile passes the target triple,
 * the source commit and BearSSL's version (BearSSL has no version call);
 * these are the fallbacks of a build by hand. */
#ifndef AWSROLE_TARGET
#if defined(__x86_64__)
#define AWSROLE_TARGET "x86_64-linux"
#elif defined(__aarch64__)
#define AWSROLE_TARGET "aarch64-linux"
#elif defined(__arm__)
#define AWSROLE_TARGET "arm-linux"
#else
#define AWSROLE_TARGET "unknown"
#endif
#endif
#ifndef AWSROLE_COMMIT
#define AWSROLE_COMMIT "unknown"
#endif
#ifndef AWSROLE_BEARSSL_VERSION
#define AWSROLE_BEARSSL_VERSION "unknown"
#endif

/* `awsrole version`: the version, then the target, libcurl, BearSSL and
 * the source commit, one "name: value" line each. */
static int
cmd_version(struct run *r)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	(void)r;
	printf("awsrole %s\n", AWSROLE_VERSION);
	printf("target:  %s\n", AWSROLE_TARGET);
	printf("libcurl: %s (%s)\n", v->version, v->ssl_version ?
	    v->ssl_version : "no TLS");
	printf("bearssl: %s\n", AWSROLE_BEARSSL_VERSION);
	printf("commit:  %s\n", AWSROLE_COMMIT);
	return 0;
}

/* ========================================================================
 * 18. main
 *
 * Hardens the process, parses the command line into one verb and its
 * options, and dispatches.
 *
 * Calls: 1, 3, 12, 14, 15, 16, 17
 * ======================================================================== */

static const char usage_text[] =
"usage: awsrole COMMAND [PROFILE] [options]\n"
"\n"
"commands:\n"
"  login [PROFILE...]            assume the role now (MFA prompt on the\n"
"                                terminal) and cache the session; several\n"
"                                profiles of one user: one MFA code\n"
"  serve PROFILE... [--mfa-session[=DURATION]]\n"
"                                hold the sessions in memory and hand them\n"
"                                to agent views until Ctrl-C\n"
"  agent [--name N] [--policy FILE] [--] CMD ARGS\n"
"                                run CMD in the agent view (credentials\n"
"                                from awsrole serve); --env prints it\n"
"  exec [PROFILE] -- CMD ARGS    run CMD with the credentials in its\n"
"                                environment\n"
"  env [PROFILE] [--format sh|fish|powershell|json]\n"
"                                print the credentials as shell lines\n"
"                                (bash and zsh are accepted as sh)\n"
"  credential-process [PROFILE]  print credential_process JSON (for\n"
"                                credential_process = awsrole credential-process P)\n"
"  whoami [PROFILE]              call STS GetCallerIdentity\n"
"  list [--json]                 every profile, its role and cached session\n"
"  logout [PROFILE | --all]      delete cached sessions\n"
"  config dump [--json] [--show-secrets]\n"
"                                the profiles as parsed (as the AWS CLI does)\n"
"  doctor [PROFILE] [--online] [--json]\n"
"                                check the files and profiles (and, online,\n"
"                                the clock, the keys and the AssumeRole)\n"
"  status                        which credentials are in effect here\n"
"  prompt                        a short PS1 segment (profile, minutes left)\n"
"  version                       print the version\n"
"\n"
"options:\n"
"  -p, --profile NAME   the profile (default: AWS_DEFAULT_PROFILE,\n"
"                       AWS_PROFILE, then default)\n"
"  --region REGION      the STS region (default: AWS_REGION, profile)\n"
"  --mfa-code CODE      the MFA code, instead of a prompt\n"
"  --no-cache           neither read nor write the session cache\n"
"  --allow-nested       exec: allow another profile inside a session\n"
"  --scope S            readonly|viewonly|full: a session policy for the role\n"
"  --policy FILE        an inline session policy (JSON); agent: narrow the view\n"
"  --policy-arn ARN     a managed session policy (repeatable)\n"
"  -v, --verbose        log requests (secrets redacted) to stderr\n"
"  -h, --help           this help (awsrole COMMAND --help: the command's own)\n"
"\n"
"exit status: 0 ok, 1 error, 2 usage, 3 configuration, 4 login needed,\n"
"5 AWS rejected the request, 6 network/TLS, 7 cache/files;\n"
"exec returns the command's own status.\n";

/* Each verb's own --help: synopsis, options, exit status, one example. */
static const char help_login[] =
"usage: awsrole login [PROFILE...] [--mfa-code CODE] [--region REGION]\n"
"\n"
"Assume the profile's role now, whatever is cached (the MFA code is asked on\n"
"the terminal), and cache the session for awsrole and the AWS CLI.  Several\n"
"profiles of one IAM user with one mfa_serial take one code: GetSessionToken,\n"
"then AssumeRole into each (the MFA session is wiped afterwards).\n"
"\n"
"options:\n"
"  -p, --profile NAME   the profile (default: AWS_DEFAULT_PROFILE,\n"
"                       AWS_PROFILE, then default)\n"
"  --mfa-code CODE      the 6-digit MFA code, instead of a prompt\n"
"  --region REGION      the STS region\n"
"  --scope S            readonly, viewonly or full: ReadOnlyAccess or\n"
"                       ViewOnlyAccess as a session policy (or none)\n"
"  --policy FILE        an inline session policy (JSON) for the role\n"
"  --policy-arn ARN     a managed session policy (repeatable, at most 10)\n"
"  --no-cache           do not cache the session (nothing else can use it)\n"
"  -v, --verbose        log requests (secrets redacted) to stderr\n"
"\n"
"exit status: 0 logged in, 2 usage, 3 configuration, 4 MFA code needed,\n"
"5 AWS refused, 6 network/TLS, 7 the session could not be cached\n"
"\n"
"example:\n"
"  $ awsrole login CustomerA\n";

static const char help_serve[] =
"usage: awsrole serve PROFILE... [--mfa-session[=DURATION]] [--scope S]\n"
"                     [--policy FILE] [--policy-arn ARN]... [--region REGION]\n"
"\n"
"In the human's terminal: log in to each profile (the MFA code is asked on\n"
"the terminal, a fresh code for each), keep the sessions in memory only, and\n"
"hand them to the agent views of the agent dir (AWSROLE_AGENT_DIR, default\n"
"~/.aws/awsrole-agent) on 127.0.0.1 until Ctrl-C.  Sessions are renewed\n"
"before they end; without --mfa-session serve asks for the next code.\n"
"Each credential handed out is logged (profile, view, User-Agent, key id).\n"
"\n"
"options:\n"
"  --mfa-session[=DURATION]  one MFA code: GetSessionToken (default 12h,\n"
"                       also --mfa-session DURATION;\n"
"                       900 s to 36 h; s, m or h), then every role from it\n"
"                       without further codes (one IAM user, one mfa_serial)\n"
"  --region REGION      the STS region\n"
"  --scope S            readonly (the default), viewonly or full\n"
"  --policy FILE, --policy-arn ARN  another session policy for every profile\n"
"  --role-session-name NAME  the agent sessions' name (default\n"
"                       awsrole-agent-USER)\n"
"  --mfa-code CODE      the code for the first login\n"
"  -v, --verbose        log STS requests (secrets redacted) to stderr\n"
"\n"
"exit status: 0 stopped by Ctrl-C; before serving: 1 another serve runs,\n"
"2 usage, 3 configuration, 6 the port is taken, 7 the agent dir\n"
"\n"
"example:\n"
"  $ awsrole serve default CustomerA --mfa-session=8h\n";

static const char help_agent[] =
"usage: awsrole agent [--name NAME] [--] COMMAND [ARGS...]\n"
"       awsrole agent [--name NAME] --env [--format sh|fish]\n"
"\n"
"Run COMMAND in the agent view: its AWS config names every profile, each\n"
"fetching from awsrole serve (credential_process); the keys and profile\n"
"variables of this shell are removed, so no SDK reaches ~/.aws/credentials.\n"
"--env prints the same view as lines for a shell that is already open.\n"
"\n"
"options:\n"
"  --name NAME          the view's name, in serve's log (default agent)\n"
"  --policy FILE        narrow the view further: serve calls\n"
"                       GetScopedCredentials with FILE (also inside a view)\n"
"  --env                print the view's variables instead of running\n"
"  --format F           with --env: sh (bash, zsh) or fish\n"
"\n"
"exit status: COMMAND's own; 126 it cannot be run, 127 not found; before it\n"
"runs: 2 usage, 7 the agent dir\n"
"\n"
"example:\n"
"  $ awsrole agent -- claude\n";

static const char help_exec[] =
"usage: awsrole exec [PROFILE] [--allow-nested] -- COMMAND [ARGS...]\n"
"\n"
"Run COMMAND (searched in PATH, no shell) with the profile's credentials in\n"
"its environment; awsrole is replaced by COMMAND.\n"
"\n"
"options:\n"
"  -p, --profile NAME   the profile\n"
"  --region REGION      the region for STS and AWS_REGION\n"
"  --scope S            readonly, viewonly or full: ReadOnlyAccess or\n"
"                       ViewOnlyAccess as a session policy (or none)\n"
"  --policy FILE        an inline session policy (JSON) for the role\n"
"  --policy-arn ARN     a managed session policy (repeatable, at most 10)\n"
"  --allow-nested       allow another profile inside an exec session\n"
"  --no-cache           neither read nor write the session cache\n"
"  -v, --verbose        log requests (secrets redacted) to stderr\n"
"\n"
"exit status: COMMAND's own; 126 it cannot be run, 127 not found; before it\n"
"runs: 2 usage or nested session, 3 configuration, 4 login needed, 5 AWS\n"
"refused, 6 network/TLS, 7 cache\n"
"\n"
"example:\n"
"  $ awsrole exec CustomerA -- aws s3 ls\n";

static const char help_env[] =
"usage: awsrole env [PROFILE] [--format sh|fish|powershell|json]\n"
"\n"
"Print the variables exec would set, as lines for your shell (default sh;\n"
"bash and zsh are accepted as sh).\n"
"\n"
"options:\n"
"  -p, --profile NAME   the profile\n"
"  --format F           sh (bash, zsh), fish, powershell or json\n"
"  --region REGION      the region for STS and AWS_REGION\n"
"  --scope S            readonly, viewonly or full: ReadOnlyAccess or\n"
"                       ViewOnlyAccess as a session policy (or none)\n"
"  --policy FILE        an inline session policy (JSON) for the role\n"
"  --policy-arn ARN     a managed session policy (repeatable, at most 10)\n"
"  --no-cache           neither read nor write the session cache\n"
"\n"
"exit status: 0 ok, 2 usage (an unknown --format), 3 configuration, 4 login\n"
"needed, 5 AWS refused, 6 network/TLS, 7 cache\n"
"\n"
"example:\n"
"  $ eval \"$(awsrole env CustomerA)\"\n";

static const char help_credential_process[] =
"usage: awsrole credential-process [PROFILE]\n"
"\n"
"Print the JSON that credential_process expects ({\"Version\": 1, ...}), from\n"
"the cached session; put it in a separate profile:\n"
"  credential_process = awsrole credential-process CustomerA\n"
"\n"
"options:\n"
"  -p, --profile NAME   the profile\n"
"  --region REGION      the STS region\n"
"  --scope S            readonly, viewonly or full: ReadOnlyAccess or\n"
"                       ViewOnlyAccess as a session policy (or none)\n"
"  --policy FILE        an inline session policy (JSON) for the role\n"
"  --policy-arn ARN     a managed session policy (repeatable, at most 10)\n"
"  --no-cache           neither read nor write the session cache\n"
"\n"
"exit status: 0 ok, 3 configuration, 4 login needed (run awsrole login),\n"
"5 AWS refused, 6 network/TLS, 7 cache\n"
"\n"
"example:\n"
"  $ awsrole credential-process CustomerA\n";

static const char help_whoami[] =
"usage: awsrole whoami [PROFILE] [--region REGION]\n"
"\n"
"Resolve the profile (through the cache) and call STS GetCallerIdentity;\n"
"without a profile, credentials in the environment win, as in botocore.\n"
"\n"
"options:\n"
"  -p, --profile NAME   the profile\n"
"  --region REGION      the STS region\n"
"  --scope S            readonly, viewonly or full: ReadOnlyAccess or\n"
"                       ViewOnlyAccess as a session policy (or none)\n"
"  --policy FILE        an inline session policy (JSON) for the role\n"
"  --policy-arn ARN     a managed session policy (repeatable, at most 10)\n"
"  --no-cache           neither read nor write the session cache\n"
"  -v, --verbose        log requests (secrets redacted) to stderr\n"
"\n"
"exit status: 0 ok, 2 usage, 3 configuration, 4 login needed, 5 AWS refused,\n"
"6 network/TLS, 7 cache\n"
"\n"
"example:\n"
"  $ awsrole whoami CustomerA\n";

static const char help_list[] =
"usage: awsrole list [--json]\n"
"\n"
"Every profile: kind, account, role, MFA, region and the time left on its\n"
"cached session.  No network.\n"
"\n"
"options:\n"
"  --json               an array of objects (CacheKey: the cache file's name)\n"
"\n"
"exit status: 0 ok, 3 configuration\n"
"\n"
"example:\n"
"  $ awsrole list\n";

static const char help_logout[] =
"usage: awsrole logout [PROFILE | --all]\n"
"\n"
"Delete cached sessions: every role session of the profile's chain, or with\n"
"--all each profile's own.  The AWS CLI no longer finds them either.\n"
"\n"
"options:\n"
"  -p, --profile NAME   the profile\n"
"  --all                every profile\n"
"\n"
"exit status: 0 ok (also when there was nothing to remove), 3 configuration,\n"
"7 an entry could not be removed\n"
"\n"
"example:\n"
"  $ awsrole logout CustomerA\n";

static const char help_config[] =
"usage: awsrole config dump [--json] [--show-secrets]\n"
"\n"
"The profiles as awsrole and the AWS CLI read them, after merging both files:\n"
"every key with the file and line it came from.  Secrets show as [redacted].\n"
"\n"
"options:\n"
"  --json               botocore's full_config['profiles'] structure\n"
"  --show-secrets       do not redact secret values\n"
"\n"
"exit status: 0 ok, 2 usage, 3 configuration\n"
"\n"
"example:\n"
"  $ awsrole config dump\n";

static const char help_doctor[] =
"usage: awsrole doctor [PROFILE] [--online] [--json]\n"
"\n"
"Check the files and profiles without network; with --online also the source\n"
"keys, the clock and the AssumeRole itself.\n"
"\n"
"options:\n"
"  -p, --profile NAME   check only this profile\n"
"  --online             also call STS (may ask for an MFA code)\n"
"  --json               an array of findings (level, profile, where, message,\n"
"                       fix)\n"
"\n"
"exit status: 0 no error (warnings allowed), 3 errors found\n"
"\n"
"example:\n"
"  $ awsrole doctor --online CustomerA\n";

static const char help_status[] =
"usage: awsrole status\n"
"\n"
"Which credentials are in effect in this shell, from the environment and the\n"
"cache (no network): an exec session, environment keys, or the profile\n"
"AWS_DEFAULT_PROFILE / AWS_PROFILE / default selects.\n"
"\n"
"exit status: 0\n"
"\n"
"example:\n"
"  $ awsrole exec CustomerA -- awsrole status\n";

static const char help_prompt[] =
"usage: awsrole prompt\n"
"\n"
"A short segment for your shell prompt, from the environment only: the\n"
"profile and minutes left inside an exec session, aws:NAME when only\n"
"AWS_PROFILE is set, nothing otherwise.\n"
"\n"
"exit status: 0\n"
"\n"
"example:\n"
"  PS1='$(awsrole prompt) \\w \\$ '\n";

static const char help_version[] =
"usage: awsrole version\n"
"\n"
"Print awsrole's version, the target, the libcurl and BearSSL versions\n"
"and the source commit.\n"
"\n"
"exit status: 0\n"
"\n"
"example:\n"
"  $ awsrole version\n";

/* No core dumps and no ptrace by other users' processes: both would show
 * keys.  exec restores the core limit.  Fails closed: 0, or -1 with err
 * filled when the kernel (a seccomp profile) refuses. */
static int
harden(struct ar_err *err)
{
	struct rlimit zero = { 0, 0 };

	if (getrlimit(RLIMIT_CORE, &saved_core_limit) == -1 ||
	    setrlimit(RLIMIT_CORE, &zero) == -1) {
		ar_fail(err, AR_EGENERAL, "cannot turn off core dumps: "
		    "setrlimit(RLIMIT_CORE): %s", strerror(errno));
		return ar_fix(err, "awsrole does not hold credentials in a "
		    "process that can dump core; allow setrlimit/prlimit64 in "
		    "the seccomp profile");
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		ar_fail(err, AR_EGENERAL, "cannot make the process "
		    "non-dumpable: prctl(PR_SET_DUMPABLE): %s", strerror(errno));
		return ar_fix(err, "awsrole does not hold credentials in a "
		    "process that can be traced or dump core; allow prctl in "
		    "the seccomp profile");
	}
	return 0;
}

/* What main and dispatch need to know of a verb. */
enum verb_flag {
	VERB_WORD = 1,       /* the word after the verb is the profile */
	VERB_PICK = 2,       /* dispatch picks the profile (pick_profile) */
	VERB_CREDS = 4,      /* hands out credentials: warn_cred_mode */
	VERB_OWN_CONFIG = 8, /* loads the files itself (doctor) */
	VERB_BARE = 16,      /* needs neither the files nor libcurl */
	VERB_MANY = 32,      /* takes several profiles (login, serve) */
	VERB_HUMAN = 64      /* the human's terminal only: not in a view */
};

struct verb {
	const char *name;
	int (*fn)(struct run *);
	int flags;
	const char *help;    /* awsrole VERB --help */
};

/* Every verb, in the order of the usage text. */
static const struct verb verbs[] = {
	{ "login", cmd_login, VERB_WORD | VERB_PICK | VERB_CREDS | VERB_MANY |
	    VERB_HUMAN, help_login },
	{ "serve", cmd_serve, VERB_WORD | VERB_PICK | VERB_CREDS | VERB_MANY |
	    VERB_HUMAN, help_serve },
	{ "agent", cmd_agent, 0, help_agent },
	{ "exec", cmd_exec, VERB_WORD | VERB_PICK | VERB_CREDS, help_exec },
	{ "env", cmd_env, VERB_WORD | VERB_PICK | VERB_CREDS, help_env },
	{ "credential-process", cmd_credential_process,
	    VERB_WORD | VERB_PICK | VERB_CREDS, help_credential_process },
	{ "whoami", cmd_whoami, VERB_WORD | VERB_PICK | VERB_CREDS,
	    help_whoami },
	{ "list", cmd_list, 0, help_list },
	{ "logout", cmd_logout, VERB_WORD | VERB_PICK | VERB_HUMAN,
	    help_logout },
	{ "config", cmd_config, 0, help_config },
	{ "doctor", cmd_doctor, VERB_WORD | VERB_OWN_CONFIG, help_doctor },
	{ "status", cmd_status, 0, help_status },
	{ "prompt", cmd_prompt, VERB_BARE, help_prompt },
	{ "version", cmd_version, VERB_BARE, help_version },
};

/* The verb called name, or NULL. */
static const struct verb *
verb_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(name, verbs[i].name) == 0)
			return &verbs[i];
	return NULL;
}

/* The optimal string alignment distance (Levenshtein plus swapping two
 * neighbours) of a, lower-cased, and b; 99 when either is over 32 bytes. */
static int
osa_distance(const char *a, const char *b)
{
	int d[3][34], n = (int)strlen(a), m = (int)strlen(b), i, j, c, v;

	if (n > 32 || m > 32)
		return 99;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		int *cur = d[i % 3], *up = d[(i - 1) % 3], *up2 = d[(i + 1) % 3];

		cur[0] = i;
		for (j = 1; j <= m; j++) {
			c = tolower((unsigned char)a[i - 1]);
			v = up[j - 1] + (c != b[j - 1]);
			v = up[j] + 1 < v ? up[j] + 1 : v;
			v = cur[j - 1] + 1 < v ? cur[j - 1] + 1 : v;
			if (i > 1 && j > 1 && c == b[j - 2] &&
			    tolower((unsigned char)a[i - 2]) == b[j - 1] &&
			    up2[j - 2] + 1 < v)
				v = up2[j - 2] + 1;
			cur[j] = v;
		}
	}
	return d[n % 3][m];
}

/* An unknown command word: exit 2, with the nearest verb (distance at most
 * 2 and below the word's length; the first on a tie) as the fix.  -1. */
static int
unknown_command(const char *word, struct ar_err *err)
{
	const char *best = NULL;
	int d, bd = 3;
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if ((d = osa_distance(word, verbs[i].name)) < bd &&
		    (size_t)d < strlen(word)) {
			bd = d;
			best = verbs[i].name;
		}
	ar_fail(err, AR_EUSAGE, "unknown command \"%s\"", word);
	if (best != NULL)
		return ar_fix(err, "did you mean `awsrole %s`? (awsrole --help "
		    "lists the commands)", best);
	return ar_fix(err, "see awsrole --help for the commands");
}

/* Whether the word after verb `cmd` names the profile. */
static int
cmd_takes_profile(const char *cmd)
{
	const struct verb *v = verb_find(cmd);

	return v != NULL && (v->flags & VERB_WORD);
}

/* The value of option argv[*i] ("--opt v" or "--opt=v"). */
static const char *
opt_value(int argc, char **argv, int *i, const char *eq,
    struct ar_err *err)
{
	if (eq != NULL)
		return eq + 1;
	if (*i + 1 >= argc) {
		ar_fail(err, AR_EUSAGE, "option %s needs a value", argv[*i]);
		ar_fix(err, "see awsrole --help");
		return NULL;
	}
	return argv[++*i];
}

/* --mfa-code: keep a copy and wipe argv's, so ps no longer shows it. */
static char *
take_secret_arg(const char *v)
{
	char *copy = xstrdup(v);

	ar_wipe((char *)v, strlen(v));
	return copy;
}

/* Apply option a (name length n, value after eq or in the next argument;
 * *i advances) that takes a value to c.  1 when a is not one of them; 0;
 * or -1 with AR_EUSAGE in err.  --mfa-code's value is copied and argv's
 * wiped; --policy-arn may be repeated; --mfa-session's value is optional. */
static int
parse_value_option(struct cli *c, int argc, char **argv, int *i,
    size_t n, const char *eq, struct ar_err *err)
{
	static const struct { const char *name; size_t off; } vals[] = {
		{ "-p", offsetof(struct cli, profile) },
		{ "--profile", offsetof(struct cli, profile) },
		{ "--region", offsetof(struct cli, region) },
		{ "--format", offsetof(struct cli, format) },
		{ "--name", offsetof(struct cli, name) },
		{ "--policy", offsetof(struct cli, so.policy_file) },
		{ "--scope", offsetof(struct cli, so.scope) },
		{ "--role-session-name", offsetof(struct cli, session_name) },
		{ "--policy-arn", 0 }, { "--mfa-code", 0 } };
	const char *a = argv[*i], *v;
	size_t k;

	if (n == 13 && strncmp(a, "--mfa-session", n) == 0) {
		c->mfa_session = 1;
		if (eq != NULL)
			c->mfa_session_value = eq + 1;
		else if (*i + 1 < argc && isdigit((unsigned char)argv[*i + 1][0]))
			c->mfa_session_value = argv[++*i];
		return 0;
	}
	for (k = 0; k < sizeof(vals) / sizeof(vals[0]) &&
	    (strlen(vals[k].name) != n || strncmp(a, vals[k].name, n)); k++)
		;
	if (k == sizeof(vals) / sizeof(vals[0]))
		return 1;
	if ((v = opt_value(argc, argv, i, eq, err)) == NULL)
		return -1;
	if (vals[k].off != 0)
		*(const char **)((char *)c + vals[k].off) = v;
	else if (a[2] == 'm')
		c->mfa_code = take_secret_arg(v);
	else if (c->so.narns == AR_POLICY_ARNS_MAX + 1) {
		ar_fail(err, AR_EUSAGE, "--policy-arn: more than %d policy ARNs; "
		    "AWS takes at most %d", AR_POLICY_ARNS_MAX, AR_POLICY_ARNS_MAX);
		return ar_fix(err, "name at most %d", AR_POLICY_ARNS_MAX);
	} else
		c->so.arns[c->so.narns++] = v;
	return 0;
}

/* Apply option argv[*i] to c, with its value after "=" or in the next argument
 * (*i advances).  0, or -1 with AR_EUSAGE in err.  Values point into argv;
 * --mfa-code is copied and argv's wiped. */
static int
parse_option(struct cli *c, int argc, char **argv, int *i,
    struct ar_err *err)
{
	const char *a = argv[*i], *eq = strchr(a, '=');
	size_t n = eq ? (size_t)(eq - a) : strlen(a);
	static const struct { const char *name; size_t off; } flags[] = {
		{ "--json", offsetof(struct cli, json) },
		{ "-v", offsetof(struct cli, verbose) },
		{ "--verbose", offsetof(struct cli, verbose) },
		{ "--debug", offsetof(struct cli, verbose) },
		{ "--no-cache", offsetof(struct cli, no_cache) },
		{ "--all", offsetof(struct cli, all) },
		{ "--online", offsetof(struct cli, online) },
		{ "--allow-nested", offsetof(struct cli, allow_nested) },
		{ "--show-secrets", offsetof(struct cli, show_secrets) },
		{ "--env", offsetof(struct cli, env) },
		{ "-h", offsetof(struct cli, help) },
		{ "--help", offsetof(struct cli, help) } };
	size_t k;
	int rc;

	for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
		if (strlen(flags[k].name) == n && !strncmp(a, flags[k].name, n)) {
			*(int *)((char *)c + flags[k].off) = 1;
			return 0;
		}
	if ((rc = parse_value_option(c, argc, argv, i, n, eq, err)) != 1)
		return rc;
	ar_fail(err, AR_EUSAGE, "unknown option %s", a);
	return ar_fix(err, "see awsrole --help");
}

/* A positional word: the command (an unknown one is refused at once: -1
 * with err), config's subcommand, the profile, or (exec) the start of the
 * command to run. */
static int
parse_word(struct cli *c, char **argv, int i, int *stop, struct ar_err *err)
{
	if (c->cmd == NULL) {
		c->cmd = argv[i];
		if (verb_find(c->cmd) == NULL)
			return unknown_command(c->cmd, err);
	} else if (strcmp(c->cmd, "config") == 0 && c->sub == NULL)
		c->sub = argv[i];
	else if (cmd_takes_profile(c->cmd) && c->profile == NULL)
		c->profile = argv[i];
	else if (verb_find(c->cmd)->flags & VERB_MANY) {
		if (c->nmore == AR_SERVE_MAX) {
			ar_fail(err, AR_EUSAGE, "more than %d profiles",
			    AR_SERVE_MAX + 1);
			return ar_fix(err, "name fewer profiles");
		}
		c->more[c->nmore++] = argv[i];
	} else if (strcmp(c->cmd, "exec") == 0 || strcmp(c->cmd, "agent") == 0) {
		c->exec_argv = argv + i;
		*stop = 1;
	} else if (c->extra == NULL)
		c->extra = argv[i];
	return 0;
}

/* Fill c from argv: options, the command and its words, and what follows --
 * (for exec).  0, or -1 with AR_EUSAGE in err. */
static int
parse_cli(struct cli *c, int argc, char **argv, struct ar_err *err)
{
	int i, stop = 0;

	memset(c, 0, sizeof(*c));
	for (i = 1; i < argc && !stop; i++) {
		if (strcmp(argv[i], "--") == 0) {
			c->exec_argv = argv + i + 1;
			break;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (parse_option(c, argc, argv, &i, err) == -1)
				return -1;
		} else if (parse_word(c, argv, i, &stop, err) == -1) {
			return -1;
		}
	}
	if (c->extra != NULL) {
		ar_fail(err, AR_EUSAGE, "unexpected argument \"%s\"", c->extra);
		return ar_fix(err, "see awsrole --help");
	}
	return 0;
}

/* Load the files and pick the profile as verb v needs, then run it. */
static int
dispatch(struct run *r, const struct verb *v)
{
	int rc;

	if ((v->flags & VERB_HUMAN) && in_view())
		return view_refuse(r);
	if (!(v->flags & VERB_OWN_CONFIG) && load_config(r) == -1)
		return -1;
	if ((v->flags & VERB_PICK) && !r->cli->all && pick_profile(r) == -1)
		return -1;
	if ((v->flags & VERB_CREDS) && profile_chain_check(r) == -1)
		return -1;
	if (v->flags & VERB_CREDS)
		warn_cred_mode(r);
	/* One profile's session controls, checked before the verb runs (serve
	 * and login P1 P2 check each of theirs). */
	if ((v->flags & VERB_CREDS) && v->fn != cmd_serve && r->cli->nmore == 0 &&
	    run_scope(r, r->profile, &r->scope) == -1)
		rc = -1;
	else
		rc = v->fn(r);
	buf_free(&r->chain);
	scope_free(&r->scope);
	return rc;
}

#ifndef AWSROLE_NO_MAIN
/* Parse the command line and run the verb; exits 0, or with the status of the
 * error that report prints. */
int
main(int argc, char **argv)
{
	const struct verb *v;
	struct cli cli;
	struct run r;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	if (harden(&r.err) == -1)
		return report(&r.err);
	cJSON_InitHooks(&(cJSON_Hooks){ ar_w_malloc, ar_w_free });
	r.cli = &cli;
	if (parse_cli(&cli, argc, argv, &r.err) == -1)
		return report(&r.err);
	v = verb_find(cli.cmd);	/* parse_cli refused an unknown one */
	if (v == NULL || cli.help) {
		fputs(v ? v->help : usage_text, v || cli.help ? stdout : stderr);
		return v || cli.help ? 0 : AR_EUSAGE;
	}
	if (v->flags & VERB_BARE)
		return v->fn(&r) == -1 ? report(&r.err) : 0;
	if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, ar_w_malloc, ar_w_free,
	    ar_w_realloc, ar_w_strdup, ar_w_calloc) != CURLE_OK) {
		fprintf(stderr, "awsrole: cannot initialise libcurl\n");
		return AR_EGENERAL;
	}
	if (dispatch(&r, v) == -1)
		rc = report(&r.err);
	config_free(&r.cfg);
	ar_free_secret(cli.mfa_code);
	curl_global_cleanup();
	return rc;
}
#endif /* AWSROLE_NO_MAIN */
