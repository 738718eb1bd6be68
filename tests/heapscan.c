/*
 * tests/heapscan.c — find secrets in freed heap memory (glibc only; see tests/t_92_heap.sh).
 *
 * Linked into a glibc build of awsrole (make check-heap: build/vg/awsrole-heapscan), this file
 * replaces free() and realloc() for the whole process -- awsrole, libcurl, BearSSL, cJSON and
 * glibc's own internal frees (stdio, getaddrinfo, vasprintf) -- by defining them in the
 * executable; they forward to glibc's __libc_free/__libc_realloc.  (An LD_PRELOAD library
 * cannot reach the static musl binary; -Wl,--wrap=free would miss the frees inside glibc.)
 *
 * Before a block is freed, and before realloc() may move it (glibc then frees the old block
 * without wiping it), the whole block (malloc_usable_size bytes) is searched for each needle:
 *
 *   HEAPSCAN_NEEDLES   comma-separated secrets; each is also searched URL-encoded (RFC 3986
 *                      unreserved kept, upper-case hex) when that form differs
 *   HEAPSCAN_LOG       file the report lines are appended to (O_APPEND, one write per line);
 *                      default: stderr
 *   HEAPSCAN_SELFTEST  set: at start-up, free one block holding needle 0 (the report must show
 *                      it, with kind=selftest: proof that the binary under test is scanning)
 *
 * One line per hit:
 *   heapscan: hit needle=N form=plain|urlenc kind=free|realloc|selftest size=S off=O \
 *     ctx="<16 bytes before>[NEEDLE]<16 after>" bt=0xADDR,0xADDR,...
 * bt holds return addresses inside the executable as offsets from its load address (PIE; "?" is
 * a frame outside it, in glibc) -- feed them to `addr2line -f -i -e BINARY`; the first frames are
 * heapscan's own (hs_*, free, realloc).  The needle itself is never written to the log.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void __libc_free(void *);
extern void *__libc_realloc(void *, size_t);

#define HS_MAX_NEEDLES 16
#define HS_NEEDLE_MAX 512
#define HS_FRAMES 24

struct hs_needle {
	char s[HS_NEEDLE_MAX];
	size_t n;
	int index;  /* position in HEAPSCAN_NEEDLES */
	int urlenc; /* the URL-encoded form */
};

static struct hs_needle hs_needles[HS_MAX_NEEDLES * 2];
static int hs_count;
static int hs_ready;
static int hs_log_fd = 2;
static uintptr_t hs_base;  /* load address of the executable */
static uintptr_t hs_end;   /* end of its text, roughly */
static __thread int hs_busy;

static int
hs_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~';
}

static void
hs_add(const char *s, size_t n, int index)
{
	static const char hex[] = "0123456789ABCDEF";
	struct hs_needle *p, *q;
	size_t i, m = 0;

	if (n == 0 || n >= HS_NEEDLE_MAX || hs_count + 2 > HS_MAX_NEEDLES * 2)
		return;
	p = &hs_needles[hs_count++];
	memcpy(p->s, s, n);
	p->s[n] = '\0';
	p->n = n;
	p->index = index;
	p->urlenc = 0;
	q = &hs_needles[hs_count];
	for (i = 0; i < n && m + 3 < HS_NEEDLE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		if (hs_unreserved(c)) {
			q->s[m++] = (char)c;
		} else {
			q->s[m++] = '%';
			q->s[m++] = hex[c >> 4];
			q->s[m++] = hex[c & 15];
		}
	}
	if (i == n && (m != n || memcmp(q->s, s, n) != 0)) {
		q->s[m] = '\0';
		q->n = m;
		q->index = index;
		q->urlenc = 1;
		hs_count++;
	}
}

static int
hs_phdr(struct dl_phdr_info *info, size_t size, void *arg)
{
	int i;

	(void)size;
	(void)arg;
	/* the first object is the executable itself */
	hs_base = (uintptr_t)info->dlpi_addr;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD) {
			uintptr_t e = hs_base + ph->p_vaddr + ph->p_memsz;
			if (e > hs_end)
				hs_end = e;
		}
	}
	return 1;
}

static void
hs_put(char *line, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
hs_put(char *line, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < cap - *len ? (size_t)n : cap - *len - 1;
}

static void
hs_ctx(char *line, size_t cap, size_t *len, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			hs_put(line, cap, len, "%c", c);
		else
			hs_put(line, cap, len, "\\x%02x", c);
	}
}

static void
hs_report(const struct hs_needle *nd, const char *kind, const unsigned char *blk, size_t size,
    const unsigned char *at)
{
	char line[2048];
	size_t len = 0, off = (size_t)(at - blk), a, b;
	void *frames[HS_FRAMES];
	int nf, i;

	hs_put(line, sizeof(line), &len, "heapscan: hit needle=%d form=%s kind=%s size=%zu off=%zu ctx=\"",
	    nd->index, nd->urlenc ? "urlenc" : "plain", kind, size, off);
	a = off < 16 ? off : 16;
	b = size - off - nd->n < 16 ? size - off - nd->n : 16;
	hs_ctx(line, sizeof(line), &len, at - a, a);
	hs_put(line, sizeof(line), &len, "[NEEDLE%d]", nd->index);
	hs_ctx(line, sizeof(line), &len, at + nd->n, b);
	hs_put(line, sizeof(line), &len, "\" bt=");
	nf = backtrace(frames, HS_FRAMES);
	for (i = 0; i < nf; i++) { /* the first frames are heapscan's own */
		uintptr_t f = (uintptr_t)frames[i];
		if (f >= hs_base && f < hs_end)
			hs_put(line, sizeof(line), &len, "%s0x%lx", i ? "," : "",
			    (unsigned long)(f - hs_base - 1));
		else
			hs_put(line, sizeof(line), &len, "%s?", i ? "," : "");
	}
	hs_put(line, sizeof(line), &len, "\n");
	(void)!write(hs_log_fd, line, len);
}

static void
hs_scan(const void *p, size_t size, const char *kind)
{
	const unsigned char *blk = p;
	int i;

	for (i = 0; i < hs_count; i++) {
		const unsigned char *at = memmem(blk, size, hs_needles[i].s, hs_needles[i].n);
		if (at != NULL)
			hs_report(&hs_needles[i], kind, blk, size, at);
	}
}

__attribute__((constructor)) static void
hs_init(void)
{
	const char *env = getenv("HEAPSCAN_NEEDLES"), *log = getenv("HEAPSCAN_LOG");
	void *warm[2];
	int index = 0;

	hs_busy = 1;
	backtrace(warm, 2); /* loads libgcc_s now, not inside the first free() */
	dl_iterate_phdr(hs_phdr, NULL);
	if (log != NULL && *log != '\0') {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0)
			hs_log_fd = fd;
	}
	while (env != NULL && *env != '\0') {
		const char *comma = strchr(env, ',');
		size_t n = comma ? (size_t)(comma - env) : strlen(env);
		hs_add(env, n, index++);
		env = comma ? comma + 1 : NULL;
	}
	hs_ready = 1;
	hs_busy = 0;
	if (getenv("HEAPSCAN_SELFTEST") != NULL && hs_count > 0) {
		char *b = malloc(hs_needles[0].n + 64);
		if (b != NULL) {
			memset(b, '.', 32);
			memcpy(b + 32, hs_needles[0].s, hs_needles[0].n);
			hs_busy = 1;
			hs_scan(b, malloc_usable_size(b), "selftest");
			hs_busy = 0;
			__libc_free(b);
		}
	}
	if (hs_log_fd != 2) { /* a log file: mark the run (never on the program's own stderr) */
		char msg[128];
		int n = snprintf(msg, sizeof(msg), "heapscan: active, %d needle forms, pid %d\n",
		    hs_count, (int)getpid());
		if (n > 0)
			(void)!write(hs_log_fd, msg, (size_t)n);
	}
}

void
free(void *p)
{
	if (p != NULL && hs_ready && !hs_busy && hs_count > 0) {
		hs_busy = 1;
		hs_scan(p, malloc_usable_size(p), "free");
		hs_busy = 0;
	}
	__libc_free(p);
}

void *
realloc(void *p, size_t n)
{
	if (p != NULL && hs_ready && !hs_busy && hs_count > 0) {
		hs_busy = 1;
		hs_scan(p, malloc_usable_size(p), "realloc");
		hs_busy = 0;
	}
	return __libc_realloc(p, n);
}
