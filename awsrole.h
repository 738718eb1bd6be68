/*
 * awsrole.h -- the manual for the inside of awsrole.c.
 *
 * This header holds what the sections of awsrole.c share and what the unit
 * tests call: the limits, the error tiers, and each section's structs and
 * contracts.  Every struct says who allocates it, who frees it, and whether
 * it holds a secret.  Nothing here is a public library API.
 */
#ifndef AWSROLE_H
#define AWSROLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define AWSROLE_VERSION "0.1.0"

/* ------------------------------------------------------------------------
 * Limits.  Every bound is stated once, here.  When one is hit, the
 * operation stops with an error; nothing is truncated silently.
 * ------------------------------------------------------------------------ */
#define AR_CONFIG_MAX_BYTES     (64u << 20) /* one config/credentials file */
#define AR_CONFIG_MAX_LINE      (64u << 10) /* one line of such a file */
#define AR_CONFIG_MAX_SECTIONS  250000      /* sections in one file */
#define AR_CONFIG_MAX_KEYS      4096        /* keys in one section */
#define AR_CHAIN_MAX            16          /* source_profile hops */
#define AR_HTTP_MAX_BODY        (256u << 10) /* any HTTP response body */
#define AR_HTTP_CONNECT_MS      3000        /* TCP+TLS connect, per attempt */
#define AR_HTTP_TOTAL_MS        10000       /* one HTTP exchange, total */
#define AR_HTTP_LOW_SPEED_S     5           /* abort below 1 byte/s for this */
#define AR_STS_ATTEMPTS         3           /* tries of one STS call */
#define AR_STS_BACKOFF_MAX_MS   20000       /* cap of one backoff sleep */
#define AR_IMDS_TIMEOUT_MS      1000        /* each IMDS/ECS request */
#define AR_PROC_TIMEOUT_S       60          /* credential_process/mfa_process */
#define AR_PROC_MAX_OUTPUT      (64u << 10) /* their stdout/stderr */
#define AR_CACHE_MAX_BYTES      (64u << 10) /* one cache entry */
#define AR_LOCK_TIMEOUT_S       120         /* wait for another awsrole */
#define AR_MFA_TRIES            3           /* prompts per login */
#define AR_REFRESH_MAX_S        300         /* refresh window cap */
#define AR_TOKEN_MAX            8192        /* session/web-identity token */

/* ------------------------------------------------------------------------
 * Errors: two tiers.  Helpers fill a struct ar_err and return -1; only the
 * command layer prints it and picks the exit status.  msg names the cause,
 * fix names what the user should do.  Never put a secret in either.
 * ------------------------------------------------------------------------ */
enum ar_exit {
	AR_OK = 0,       /* success */
	AR_EGENERAL = 1, /* anything not below */
	AR_EUSAGE = 2,   /* bad command line */
	AR_ECONFIG = 3,  /* config/credentials files, profile resolution */
	AR_ELOGIN = 4,   /* a login (MFA) is needed and cannot be asked for */
	AR_EAWS = 5,     /* AWS (STS, IMDS, a process) rejected the request */
	AR_ENET = 6,     /* network, TLS, timeouts */
	AR_EFILE = 7     /* cache files, locks, permissions */
};

struct ar_err {          /* caller-owned, usually on the stack */
	int status;      /* an enum ar_exit */
	char msg[1024];  /* the cause */
	char fix[1024];  /* the fix; may be empty */
};

/* Set status and message; returns -1 so helpers can `return ar_fail(...)`. */
int ar_fail(struct ar_err *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set the fix line; returns -1. */
int ar_fix(struct ar_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------
 * Memory.  x* allocators never return NULL: out of memory ends the process
 * with status 1 (there is nothing useful to do and no secret to lose).
 * ------------------------------------------------------------------------ */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void ar_wipe(void *p, size_t n);       /* explicit_bzero */
void ar_free_secret(char *s);          /* wipe strlen(s) bytes, then free */

/* A growable byte buffer, always NUL-terminated.  Owner: whoever declares
 * it (zero-initialise).  If `secret` is set, old storage is wiped when the
 * buffer grows and on buf_free. */
struct ar_buf {
	char *p;
	size_t len, cap;
	int secret;
};
void buf_add(struct ar_buf *b, const void *data, size_t n);
void buf_adds(struct ar_buf *b, const char *s);
void buf_addf(struct ar_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_free(struct ar_buf *b);

/* Split like Python's shlex.split (POSIX mode, no comments): quotes, and
 * backslash escapes.  *argv is a NULL-terminated malloc'd vector of
 * malloc'd strings; free with ar_argv_free.  Fails on an unclosed quote or
 * a trailing backslash. */
int ar_shlex_split(const char *s, char ***argv, size_t *argc, struct ar_err *err);
void ar_argv_free(char **argv);

/* RFC 3986 percent-encoding: A-Z a-z 0-9 - _ . ~ stay, every other byte
 * becomes %XX (upper-case hex); '/' stays when keep_slash.  Returns a
 * malloc'd string. */
char *ar_uri_encode(const char *s, size_t n, int keep_slash);

/* ------------------------------------------------------------------------
 * INI reader: Python RawConfigParser as botocore uses it.
 * ------------------------------------------------------------------------ */
struct ini_pair {            /* owned by its ini_section; key and value
				share one allocation: only ini_free frees */
	char *key;           /* lower-cased, as RawConfigParser's optionxform */
	char *value;         /* stripped; NULL when this is a nested sub-section */
	struct ini_pair *sub;/* nested "key =" block (botocore's _parse_nested) */
	size_t nsub;
	int line;            /* 1-based line of the key */
};

struct ini_section {         /* owned by its ini_file */
	char *name;          /* the text between [ and ], as written */
	int line;
	struct ini_pair *pairs;
	size_t npairs;
};

/* Filled by ini_parse/ini_load, freed (and wiped: credentials live here)
 * by ini_free.  Holds secrets. */
struct ini_file {
	char *path;
	struct ini_section *sec;
	size_t nsec;
	int has_bom, has_crlf;   /* noted for `doctor` */
};

/* Parse buf[0..len) as file `path`.  Errors (duplicate section/key, a
 * line outside a section, a limit) name the file and line. */
int ini_parse(const char *path, const char *buf, size_t len,
    struct ini_file *out, struct ar_err *err);
/* Read and parse a file; a missing file gives an empty ini_file and
 * *missing = 1, not an error. */
int ini_load(const char *path, struct ini_file *out, int *missing,
    struct ar_err *err);
void ini_free(struct ini_file *f);

/* ------------------------------------------------------------------------
 * Profiles: the merged view botocore's Session.full_config['profiles']
 * gives -- [default] and [profile NAME] from config (header split like
 * shlex), [NAME] from credentials, credentials keys winning.
 * ------------------------------------------------------------------------ */
struct prof_kv {             /* owned by its profile; points into ini_file */
	const char *key;
	const struct ini_pair *pair; /* value or nested block */
	const char *file;            /* path of the file it came from */
	int line;
};

struct profile {
	char *name;          /* allocated (a shlex-split header is not in the
				file); freed by config_free */
	struct prof_kv *kv;
	size_t nkv;
	const char *file;    /* file and line of its (first) section header */
	int line;
};

struct ignored_section {     /* a header the CLI skips, e.g. [profile a b] */
	const char *name;
	const char *file;
	int line;
};

/* Filled by config_load, freed by config_free.  Holds secrets (the
 * credentials file). */
struct config {
	char *config_path, *cred_path;   /* as resolved from env/defaults */
	int config_missing, cred_missing;
	struct ini_file cfg, cred;
	struct profile *prof;            /* sorted by name (strcmp) */
	size_t nprof;
	struct ignored_section *ign;
	size_t nign;
};

/* Paths: NULL means AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE or the
 * defaults under $HOME/.aws, with a leading ~ expanded. */
int config_load(struct config *c, const char *config_path,
    const char *cred_path, struct ar_err *err);
void config_free(struct config *c);
const struct profile *config_profile(const struct config *c, const char *name);
const struct prof_kv *profile_kv(const struct profile *p, const char *key);
/* The top-level string value of key, or NULL (also NULL for a nested block). */
const char *profile_get(const struct profile *p, const char *key);
/* {"profiles": {NAME: {key: "value" | {sub: "value"}}}} as botocore's
 * full_config['profiles'], pretty when `pretty`.  Returns malloc'd text. */
char *config_dump_json(const struct config *c, int pretty);

/* ------------------------------------------------------------------------
 * SigV4 (header-signing variant), on BearSSL's SHA-256 and HMAC.
 * ------------------------------------------------------------------------ */
struct sigv4_header {
	const char *name;
	const char *value;
};

struct sigv4_input {         /* caller-owned; nothing is copied or freed */
	const char *method;
	const char *path;    /* as sent on the request line, without query */
	const char *query;   /* raw query without '?', "" if none */
	const struct sigv4_header *headers; /* every header to sign: host,
					       x-amz-date, and
					       x-amz-security-token if any */
	size_t nheaders;
	const void *body;
	size_t body_len;
	const char *region, *service;
	const char *amz_date;     /* "20150830T123600Z" */
	const char *access_key;
	const char *secret_key;   /* secret */
	int normalize_path;       /* 1 for every service but S3 */
};

/* Filled by sigv4_sign, freed by sigv4_output_free.  The signature is
 * not a secret (it is sent), but the derived keys are: they never leave
 * sigv4_sign and are wiped there. */
struct sigv4_output {
	char *canonical_request;
	char *string_to_sign;
	char signature[65];       /* lower-case hex */
	char *signed_headers;     /* "host;x-amz-date" */
	char *authorization;      /* the full Authorization header value */
};

int sigv4_sign(const struct sigv4_input *in, struct sigv4_output *out,
    struct ar_err *err);
void sigv4_output_free(struct sigv4_output *out);


/* ------------------------------------------------------------------------
 * Credentials, as every section after the STS client passes them around.
 * Filled by a credential source, the cache or STS; cleared (wiped) by
 * creds_clear.  Holds secrets.
 * ------------------------------------------------------------------------ */
struct creds {
	char *akid;          /* access key id */
	char *secret;        /* secret access key: secret */
	char *token;         /* session token or NULL: secret */
	time_t expires;      /* 0 when they do not expire (static keys) */
	char *arn;           /* AssumedRoleUser ARN, when known */
	char *role_id;       /* AssumedRoleUser AssumedRoleId, when known */
	char *account;       /* 12-digit account, when known */
	char source[96];     /* where they came from, for status/login */
};

#endif /* AWSROLE_H */
