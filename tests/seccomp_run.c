/*
 * tests/seccomp_run.c — run a command under a seccomp filter that makes some system calls fail
 * with EPERM, as a restrictive container runtime does (libc + kernel headers only, no libseccomp).
 *
 *   seccomp_run [--deny NAME[,NAME...]] [--errno N] -- CMD [ARGS...]
 *
 * Every listed system call returns -1 with errno N (default EPERM) instead of running; all others
 * are allowed.  Names: prctl, setrlimit (also prlimit64 when it would *set* a limit: prlimit64
 * with a NULL new_limit, which getrlimit uses, still works), prlimit64 (always), ptrace, mount,
 * umount2, keyctl, add_key, request_key, unshare, setns, bpf, perf_event_open, personality,
 * reboot, swapon, kexec_load, init_module, finit_module, delete_module, clock_settime, acct,
 * pivot_root, chroot, userfaultfd, open_by_handle_at, io_uring_setup.
 * (The last group is what Docker's default profile refuses; `--deny docker` is that group.)
 *
 * The filter is installed with PR_SET_NO_NEW_PRIVS and inherited across execve.  A call made
 * through another ABI (i386 compat) kills the process; x32 calls fail with ENOSYS.  Exit status: CMD's (exec), 125 on a usage
 * or setup error, 127 when CMD cannot be run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define SR_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SR_ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp_run: add this architecture's AUDIT_ARCH_* value"
#endif

struct sr_name {
	const char *name;
	long nr;
};

/* -1: not a system call on this architecture. */
static const struct sr_name sr_names[] = {
	{ "prctl", SYS_prctl },
	{ "prlimit64", SYS_prlimit64 },
#ifdef SYS_setrlimit
	{ "setrlimit", SYS_setrlimit },
#else
	{ "setrlimit", -1 },
#endif
	{ "ptrace", SYS_ptrace },
	{ "mount", SYS_mount },
	{ "umount2", SYS_umount2 },
	{ "keyctl", SYS_keyctl },
	{ "add_key", SYS_add_key },
	{ "request_key", SYS_request_key },
	{ "unshare", SYS_unshare },
	{ "setns", SYS_setns },
	{ "bpf", SYS_bpf },
	{ "perf_event_open", SYS_perf_event_open },
	{ "personality", SYS_personality },
	{ "reboot", SYS_reboot },
	{ "swapon", SYS_swapon },
#ifdef SYS_kexec_load
	{ "kexec_load", SYS_kexec_load },
#endif
	{ "init_module", SYS_init_module },
	{ "finit_module", SYS_finit_module },
	{ "delete_module", SYS_delete_module },
	{ "clock_settime", SYS_clock_settime },
	{ "acct", SYS_acct },
	{ "pivot_root", SYS_pivot_root },
	{ "chroot", SYS_chroot },
#ifdef SYS_userfaultfd
	{ "userfaultfd", SYS_userfaultfd },
#endif
	{ "open_by_handle_at", SYS_open_by_handle_at },
#ifdef SYS_io_uring_setup
	{ "io_uring_setup", SYS_io_uring_setup },
#endif
	{ NULL, 0 }
};

static const char *sr_docker =
    "ptrace,mount,umount2,keyctl,add_key,request_key,unshare,setns,bpf,perf_event_open,"
    "reboot,swapon,kexec_load,init_module,finit_module,delete_module,clock_settime,acct,"
    "pivot_root,userfaultfd,open_by_handle_at";

#define SR_MAX 256

static struct sock_filter sr_prog[SR_MAX];
static unsigned sr_len;

static void
sr_emit(struct sock_filter f)
{
	if (sr_len >= SR_MAX) {
		fprintf(stderr, "seccomp_run: too many rules\n");
		exit(125);
	}
	sr_prog[sr_len++] = f;
}

static long
sr_lookup(const char *name, size_t n)
{
	int i;

	for (i = 0; sr_names[i].name != NULL; i++)
		if (strlen(sr_names[i].name) == n && strncmp(sr_names[i].name, name, n) == 0)
			return sr_names[i].nr;
	fprintf(stderr, "seccomp_run: unknown system call name %.*s\n", (int)n, name);
	exit(125);
}

/* nr -> errno */
static void
sr_deny(long nr, unsigned err)
{
	if (nr < 0)
		return;
	sr_emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1));
	sr_emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)));
}

/* prlimit64(pid, resource, new_limit, old_limit) -> errno only when new_limit != NULL. */
static void
sr_deny_prlimit_set(unsigned err)
{
	/* A = nr; if A != prlimit64 skip the 5 instructions below */
	sr_emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_prlimit64, 0, 5));
	sr_emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, args[2])));
	sr_emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2));
	sr_emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, args[2]) + 4));
	sr_emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0));
	sr_emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)));
	/* reload the number for the rules that follow */
	sr_emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
}

static void
sr_add_list(const char *list, unsigned err)
{
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		if (n == 6 && strncmp(p, "docker", 6) == 0) {
			sr_add_list(sr_docker, err);
		} else if (n > 0) {
			long nr = sr_lookup(p, n);
			if (n == 9 && strncmp(p, "setrlimit", 9) == 0)
				sr_deny_prlimit_set(err);
			sr_deny(nr, err);
		}
		p += n;
		if (*p == ',')
			p++;
	}
}

int
main(int argc, char **argv)
{
	const char *deny = "";
	unsigned err = EPERM;
	struct sock_fprog fprog;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--deny") == 0 && i + 1 < argc)
			deny = argv[++i];
		else if (strcmp(argv[i], "--errno") == 0 && i + 1 < argc)
			err = (unsigned)atoi(argv[++i]);
		else
			break;
	}
	if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
		fprintf(stderr, "usage: seccomp_run [--deny NAME[,NAME...]] [--errno N] -- CMD [ARGS...]\n");
		return 125;
	}
	/* arch check, then the syscall number in A */
	sr_emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
	sr_emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SR_ARCH, 1, 0));
	sr_emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	sr_emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
#if defined(__x86_64__)
	/* x32 system calls (bit 30) are refused outright */
	sr_emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));
	sr_emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
#endif
	sr_add_list(deny, err);
	sr_emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));

	fprog.len = (unsigned short)sr_len;
	fprog.filter = sr_prog;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) == -1) {
		fprintf(stderr, "seccomp_run: cannot install the filter: %s\n", strerror(errno));
		return 125;
	}
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "seccomp_run: cannot run %s: %s\n", argv[i + 1], strerror(errno));
	return 127;
}
