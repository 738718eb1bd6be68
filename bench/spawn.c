/*
 * spawn.c — the timing helper of bench/run (built by bench/run into bench/out/spawn).
 *
 *   spawn [-o OUT] [-e ERR] -- CMD ARGS...
 *       Run CMD once (stdin /dev/null, stdout to OUT, stderr to ERR; default /dev/null) and
 *       print one line:  wall_ns maxrss_kib utime_us stime_us status
 *   spawn -p N [-d DIR] -- CMD ARGS...
 *       Start N copies of CMD at once (child i writes DIR/out.i and DIR/err.i), wait for all
 *       and print:  wall_ns max_maxrss_kib n_ok n_failed
 *
 * Why a C helper: the clock starts right before fork() and stops when wait4() returns, so no
 * interpreter start-up is timed; and ru_maxrss of the child is not inflated by the parent.
 * (On Linux, exec() folds the pre-exec address space's high-water RSS into ru_maxrss: a child
 * forked from Python reports Python's ~10+ MiB even for `true`.  This helper is a few hundred
 * KiB, so it is the floor instead; bench/run also reports `true`'s figure as that floor.)
 * "status" is the exit status, or 128+signal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
redirect(const char *path, int fd, int flags)
{
	int f = open(path, flags, 0644);

	if (f < 0 || dup2(f, fd) < 0)
		_exit(125);
	if (f != fd)
		close(f);
}

static pid_t
start(char **argv, const char *out, const char *err)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("spawn: fork");
		exit(125);
	}
	if (pid == 0) {
		redirect("/dev/null", 0, O_RDONLY);
		redirect(out, 1, O_WRONLY | O_CREAT | O_TRUNC);
		redirect(err, 2, O_WRONLY | O_CREAT | O_TRUNC);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int
status_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int
main(int argc, char **argv)
{
	const char *out = "/dev/null", *err = "/dev/null", *dir = NULL;
	int par = 0, i = 1;

	while (i < argc && strcmp(argv[i], "--") != 0) {
		if (i + 1 >= argc)
			goto usage;
		if (strcmp(argv[i], "-o") == 0)
			out = argv[i + 1];
		else if (strcmp(argv[i], "-e") == 0)
			err = argv[i + 1];
		else if (strcmp(argv[i], "-p") == 0)
			par = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "-d") == 0)
			dir = argv[i + 1];
		else
			goto usage;
		i += 2;
	}
	if (i + 1 >= argc)
		goto usage;
	argv += i + 1;

	if (par <= 0) {
		struct rusage ru;
		long long t0, t1;
		int st;
		pid_t pid;

		t0 = now_ns();
		pid = start(argv, out, err);
		while (wait4(pid, &st, 0, &ru) < 0)
			if (errno != EINTR) {
				perror("spawn: wait4");
				return 125;
			}
		t1 = now_ns();
		printf("%lld %ld %ld %ld %d\n", t1 - t0, ru.ru_maxrss,
		    (long)ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec,
		    (long)ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec,
		    status_of(st));
		return 0;
	} else {
		char o[4096], e[4096];
		long maxrss = 0;
		long long t0, t1;
		int ok = 0, bad = 0, n;

		if (dir == NULL)
			goto usage;
		t0 = now_ns();
		for (n = 0; n < par; n++) {
			snprintf(o, sizeof(o), "%s/out.%d", dir, n);
			snprintf(e, sizeof(e), "%s/err.%d", dir, n);
			start(argv, o, e);
		}
		for (n = 0; n < par; n++) {
			struct rusage ru;
			int st;

			if (wait4(-1, &st, 0, &ru) < 0) {
				if (errno == EINTR) {
					n--;
					continue;
				}
				perror("spawn: wait4");
				return 125;
			}
			if (ru.ru_maxrss > maxrss)
				maxrss = ru.ru_maxrss;
			if (status_of(st) == 0)
				ok++;
			else
				bad++;
		}
		t1 = now_ns();
		printf("%lld %ld %d %d\n", t1 - t0, maxrss, ok, bad);
		return 0;
	}
usage:
	fprintf(stderr, "usage: spawn [-o OUT] [-e ERR] [-p N -d DIR] -- CMD ARGS...\n");
	return 2;
}
