/*
 * fetchload.c — load generator for `awsrole serve` (bench/agent.sh; built by `make bench`
 * into build/fetchload: gcc -O2 -pthread).
 *
 *   fetchload PORT TOKEN PROFILE CONCURRENCY REQUESTS_PER_CLIENT [GAP_US]
 *
 * CONCURRENCY threads start together (a barrier); each makes REQUESTS_PER_CLIENT requests one
 * after the other, each on its own connection, as an SDK's container provider does:
 * socket, connect to 127.0.0.1:PORT, send
 *     GET /v1/credentials/<PROFILE, percent-encoded> HTTP/1.1
 *     Host: 127.0.0.1:PORT / Authorization: TOKEN / User-Agent: fetchload / X-Awsrole-View: bench
 *     Connection: close
 * then read until the server closes, then close.  Each request's latency is CLOCK_MONOTONIC
 * from before socket() to after close(), in ns.  Without GAP_US each client starts its next
 * request at once (a closed loop: the clients keep the server, and the CPUs, saturated, so by
 * Little's law latency ~ CONCURRENCY / throughput).  With GAP_US each client pauses a random
 * 0..2*GAP_US microseconds (mean GAP_US) before each request: an offered load below capacity,
 * where latency shows the service time, not the queue.  The pause is not timed.  An answer counts as good when its status line
 * is "HTTP/1.x 200" and it has a body.  Prints one line (all times in microseconds):
 *
 *   conc=C gap_us=G n=N p50_us=.. p90_us=.. p99_us=.. max_us=.. mean_us=.. wall_ms=.. rps=.. non200=K errors=E
 *
 * non200 = answers with another status; errors = connect/send/read failures and answers that are
 * not HTTP.  Exit status 0 when both are 0, 1 otherwise (the first bad answer's status line is
 * printed on stderr), 2 for a usage error.  A TOKEN of "-" sends no Authorization header.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FL_MAX_CONC   1024
#define FL_MAX_REQ    1000000
#define FL_REQ_BYTES  4096
#define FL_ANSWER_MAX 65536

struct client {
	pthread_t th;
	long long *lat;         /* ns per request, REQUESTS_PER_CLIENT of them */
	long n_done;
	unsigned seed;          /* rand_r state for the pauses */
	long non200;
	long errors;
	char first_bad[128];    /* the first bad answer's status line (or the error) */
};

static struct sockaddr_in g_addr;
static char g_req[FL_REQ_BYTES];
static size_t g_req_len;
static long g_per_client;
static long g_gap_us;
static pthread_barrier_t g_start;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Percent-encode everything but RFC 3986's unreserved characters. */
static int
pct_encode(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';

		if (o + (keep ? 1 : 3) >= cap)
			return -1;
		if (keep) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return 0;
}

static void
note_bad(struct client *c, const char *what, size_t len)
{
	size_t i;

	if (c->first_bad[0] != '\0')
		return;
	for (i = 0; i < len && i + 1 < sizeof(c->first_bad); i++) {
		if (what[i] == '\r' || what[i] == '\n')
			break;
		c->first_bad[i] = what[i];
	}
	c->first_bad[i] = '\0';
	if (i == 0)
		snprintf(c->first_bad, sizeof(c->first_bad), "(empty answer)");
}

static void
note_errno(struct client *c, const char *step)
{
	char m[128];
	int n = snprintf(m, sizeof(m), "%s: %s", step, strerror(errno));

	c->errors++;
	note_bad(c, m, n > 0 ? (size_t)n : 0);
}

/* One request; returns 0 for a good answer, 1 for another status, -1 for an error. */
static int
one_request(struct client *c, char *ans)
{
	size_t got = 0, sent = 0;
	ssize_t r;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		note_errno(c, "socket");
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&g_addr, sizeof(g_addr)) != 0) {
		note_errno(c, "connect");
		close(fd);
		return -1;
	}
	while (sent < g_req_len) {
		r = send(fd, g_req + sent, g_req_len - sent, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			note_errno(c, "send");
			close(fd);
			return -1;
		}
		sent += (size_t)r;
	}
	for (;;) {
		/* Keep the first FL_ANSWER_MAX bytes, then read (and drop) the rest. */
		size_t room = got < FL_ANSWER_MAX ? FL_ANSWER_MAX - got : 0;
		char sink[4096];

		r = room ? recv(fd, ans + got, room, 0) : recv(fd, sink, sizeof(sink), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			note_errno(c, "recv");
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		if (room)
			got += (size_t)r;
	}
	close(fd);
	ans[got < FL_ANSWER_MAX ? got : FL_ANSWER_MAX] = '\0';
	if (got < 12 || strncmp(ans, "HTTP/1.", 7) != 0 || ans[8] != ' ') {
		c->errors++;
		note_bad(c, ans, got);
		return -1;
	}
	if (strncmp(ans + 9, "200", 3) != 0 || strstr(ans, "\r\n\r\n") == NULL ||
	    strstr(ans, "\r\n\r\n")[4] == '\0') {
		c->non200++;
		note_bad(c, ans, got);
		return 1;
	}
	return 0;
}

static void *
client_main(void *arg)
{
	struct client *c = arg;
	char *ans = malloc(FL_ANSWER_MAX + 1);
	long i;

	if (ans == NULL) {
		c->errors = g_per_client;
		snprintf(c->first_bad, sizeof(c->first_bad), "out of memory");
	}
	pthread_barrier_wait(&g_start);
	for (i = 0; ans != NULL && i < g_per_client; i++) {
		long long t0;

		if (g_gap_us > 0) {
			long us = (long)((double)rand_r(&c->seed) / RAND_MAX * 2.0 * g_gap_us);
			struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

			while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
				;
		}
		t0 = now_ns();
		(void)one_request(c, ans);
		c->lat[i] = now_ns() - t0;
		c->n_done++;
	}
	free(ans);
	return NULL;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double
pct_us(const long long *v, long n, double p)
{
	long k;

	if (n == 0)
		return 0;
	k = (long)(p / 100.0 * (double)n + 0.999999999) - 1;
	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	return (double)v[k] / 1e3;
}

static long
arg_long(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "fetchload: %s must be %ld..%ld, not \"%s\"\n", what, lo, hi, s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct client *cl;
	long long *all, t0, wall;
	long conc, port, i, n = 0, non200 = 0, errors = 0, j;
	double sum = 0;
	char path[1024];
	int len;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: fetchload PORT TOKEN PROFILE CONCURRENCY "
		    "REQUESTS_PER_CLIENT [GAP_US]\n");
		return 2;
	}
	port = arg_long(argv[1], 1, 65535, "PORT");
	conc = arg_long(argv[4], 1, FL_MAX_CONC, "CONCURRENCY");
	g_per_client = arg_long(argv[5], 1, FL_MAX_REQ, "REQUESTS_PER_CLIENT");
	g_gap_us = argc == 7 ? arg_long(argv[6], 0, 10000000, "GAP_US") : 0;
	if (pct_encode(argv[3], path, sizeof(path)) != 0) {
		fprintf(stderr, "fetchload: PROFILE is too long\n");
		return 2;
	}
	if (strcmp(argv[2], "-") == 0)
		len = snprintf(g_req, sizeof(g_req), "GET /v1/credentials/%s HTTP/1.1\r\n"
		    "Host: 127.0.0.1:%ld\r\nUser-Agent: fetchload\r\nX-Awsrole-View: bench\r\n"
		    "Connection: close\r\n\r\n", path, port);
	else
		len = snprintf(g_req, sizeof(g_req), "GET /v1/credentials/%s HTTP/1.1\r\n"
		    "Host: 127.0.0.1:%ld\r\nAuthorization: %s\r\nUser-Agent: fetchload\r\n"
		    "X-Awsrole-View: bench\r\nConnection: close\r\n\r\n", path, port, argv[2]);
	if (len < 0 || (size_t)len >= sizeof(g_req)) {
		fprintf(stderr, "fetchload: TOKEN or PROFILE is too long\n");
		return 2;
	}
	g_req_len = (size_t)len;
	memset(&g_addr, 0, sizeof(g_addr));
	g_addr.sin_family = AF_INET;
	g_addr.sin_port = htons((unsigned short)port);
	g_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	cl = calloc((size_t)conc, sizeof(*cl));
	all = calloc((size_t)(conc * g_per_client), sizeof(*all));
	if (cl == NULL || all == NULL) {
		fprintf(stderr, "fetchload: out of memory\n");
		return 2;
	}
	if (pthread_barrier_init(&g_start, NULL, (unsigned)conc + 1) != 0) {
		fprintf(stderr, "fetchload: pthread_barrier_init failed\n");
		return 2;
	}
	for (i = 0; i < conc; i++) {
		pthread_attr_t at;

		cl[i].lat = all + i * g_per_client;
		cl[i].seed = (unsigned)(i * 2654435761u) ^ (unsigned)now_ns();
		pthread_attr_init(&at);
		pthread_attr_setstacksize(&at, 256 * 1024);
		if (pthread_create(&cl[i].th, &at, client_main, &cl[i]) != 0) {
			fprintf(stderr, "fetchload: pthread_create failed\n");
			return 2;
		}
		pthread_attr_destroy(&at);
	}
	pthread_barrier_wait(&g_start);
	t0 = now_ns();
	for (i = 0; i < conc; i++)
		pthread_join(cl[i].th, NULL);
	wall = now_ns() - t0;

	/* Compact the per-client arrays (a client that could not start did no requests). */
	for (i = 0; i < conc; i++) {
		for (j = 0; j < cl[i].n_done; j++)
			all[n++] = cl[i].lat[j];
		non200 += cl[i].non200;
		errors += cl[i].errors;
	}
	qsort(all, (size_t)n, sizeof(*all), cmp_ll);
	for (i = 0; i < n; i++)
		sum += (double)all[i];
	printf("conc=%ld gap_us=%ld n=%ld p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f mean_us=%.1f "
	    "wall_ms=%.1f rps=%.0f non200=%ld errors=%ld\n", conc, g_gap_us, n, pct_us(all, n, 50),
	    pct_us(all, n, 90), pct_us(all, n, 99), n ? (double)all[n - 1] / 1e3 : 0.0,
	    n ? sum / (double)n / 1e3 : 0.0, (double)wall / 1e6,
	    wall > 0 ? (double)n * 1e9 / (double)wall : 0.0, non200, errors);
	for (i = 0; i < conc; i++)
		if (cl[i].first_bad[0] != '\0') {
			fprintf(stderr, "fetchload: first bad answer: %s\n", cl[i].first_bad);
			break;
		}
	free(all);
	free(cl);
	return (non200 || errors) ? 1 : 0;
}
