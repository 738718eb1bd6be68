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

/* The linkage of every function declared here.  awsrole.c defines
 * AR_PRIVATE as static before it includes this file (as SQLite's
 * amalgamation does with SQLITE_PRIVATE), so the program exports nothing
 * but main; the unit tests include awsrole.c and see the same.  Read
 * alone, the header declares them extern. */
#ifndef AR_PRIVATE
#define AR_PRIVATE
#endif

#include <limits.h>
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
#define AR_PROC_TIMEOUT_S       60          /* credential_process/mfa_process;
						AWSROLE_PROCESS_TIMEOUT */
#define AR_PROC_MAX_OUTPUT      (64u << 10) /* their stdout/stderr */
#define AR_CACHE_MAX_BYTES      (64u << 10) /* one cache entry */
#define AR_LOCK_TIMEOUT_S       120         /* wait for another awsrole */
#define AR_MFA_TRIES            3           /* prompts per login */
#define AR_REFRESH_MAX_S        300         /* refresh window cap */
#define AR_SESSION_MAX_S        (43200 + 3600) /* longest role session, plus
						  clock-skew slack */
#define AR_MFA_SESSION_MAX_S    (129600 + 3600) /* longest GetSessionToken
						  session, plus slack */
#define AR_TOKEN_MAX            8192        /* session/web-identity token */
#define AR_MFA_PROMPT_TIMEOUT_S 300         /* wait for a typed MFA code */
#define AR_XML_MAX_DEPTH        16          /* STS XML nesting */
#define AR_XML_MAX_NODES        256         /* STS XML leaf elements */
#define AR_EXPORT_VARS_MAX      17          /* variables exec/env hand over */
#define AR_SERVE_MAX            31          /* profiles of one login/serve,
						after the first */
#define AR_VIEW_VARS_MAX        25          /* variables of an agent view */
#define AR_SCOPE_LAYERS         3           /* GetScopedCredentials layers
						of one session */
#define AR_VIEWS_MAX            32          /* narrowed views of one serve */
#define AR_SRV_CONNS            256         /* serve's open connections */
#define AR_SRV_HEAD_MAX         8192        /* one request head */
#define AR_SRV_LINE_MAX         1024        /* its request line */
#define AR_SRV_HEADERS_MAX      64          /* its header lines */
#define AR_SRV_HEAD_TIMEOUT_MS  2000        /* to send the whole head */
#define AR_POLICY_ARNS_MAX      10          /* PolicyArns of one AssumeRole */
#define AR_POLICY_CHARS_MAX     2048        /* its inline policy + ARNs */
#define AR_TAGS_MAX             50          /* its session tags */
#define AR_SCOPE_PARAMS         (1 + AR_POLICY_ARNS_MAX + 3 * AR_TAGS_MAX + 1)
#define AR_PROFILE_CHAIN_MAX    4           /* awsrole in credential_process
						in ..., as the AWS CLI's */

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

/* What a lookup returns (the cache, the environment): a value, none, or an
 * error with the ar_err filled. */
enum ar_found {
	AR_FOUND = 0,
	AR_NONE = 1,
	AR_ERROR = -1
};

struct ar_err {          /* caller-owned, usually on the stack */
	int status;      /* an enum ar_exit */
	char msg[1024];  /* the cause */
	char fix[1024];  /* the fix; may be empty */
	int sys;         /* the errno behind it, where the helper says so
			    (the cache's create/write failures); else 0 */
};

/* Set status and message; returns -1 so helpers can `return ar_fail(...)`. */
AR_PRIVATE int ar_fail(struct ar_err *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set the fix line; returns -1. */
AR_PRIVATE int ar_fix(struct ar_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------
 * Memory.  x* allocators never return NULL: out of memory ends the process
 * with status 1 (there is nothing useful to do and no secret to lose).
 * ------------------------------------------------------------------------ */
AR_PRIVATE void *xmalloc(size_t n);
AR_PRIVATE void *xcalloc(size_t n, size_t m);
AR_PRIVATE void *xrealloc(void *p, size_t n);
AR_PRIVATE char *xstrdup(const char *s);
AR_PRIVATE char *xstrndup(const char *s, size_t n);
AR_PRIVATE void ar_wipe(void *p, size_t n);       /* explicit_bzero */
AR_PRIVATE void ar_free_secret(char *s);          /* wipe strlen(s) bytes, then free */

/* A growable byte buffer, always NUL-terminated.  Owner: whoever declares
 * it (zero-initialise).  If `secret` is set, old storage is wiped when the
 * buffer grows and on buf_free. */
struct ar_buf {
	char *p;
	size_t len, cap;
	int secret;
};
AR_PRIVATE void buf_add(struct ar_buf *b, const void *data, size_t n);
AR_PRIVATE void buf_adds(struct ar_buf *b, const char *s);
AR_PRIVATE void buf_addf(struct ar_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
AR_PRIVATE void buf_free(struct ar_buf *b);

/* Split like Python's shlex.split (POSIX mode, no comments): quotes, and
 * backslash escapes.  *argv is a NULL-terminated malloc'd vector of
 * malloc'd strings; free with ar_argv_free.  Fails on an unclosed quote or
 * a trailing backslash. */
AR_PRIVATE int ar_shlex_split(const char *s, char ***argv, size_t *argc, struct ar_err *err);
AR_PRIVATE void ar_argv_free(char **argv);

/* RFC 3986 percent-encoding: A-Z a-z 0-9 - _ . ~ stay, every other byte
 * becomes %XX (upper-case hex); '/' stays when keep_slash.  Returns a
 * malloc'd string. */
AR_PRIVATE char *ar_uri_encode(const char *s, size_t n, int keep_slash);
/* The form body's encoding, as botocore's (urllib's quote_plus): as
 * ar_uri_encode(s, n, 0), except that ' ' becomes '+'.  Malloc'd. */
AR_PRIVATE char *ar_form_encode(const char *s, size_t n);

/* ------------------------------------------------------------------------
 * INI reader: Python RawConfigParser as botocore uses it.
 * ------------------------------------------------------------------------ */
struct ini_pair {            /* owned by its ini_section; key and value
				share one allocation: only ini_free frees */
	char *key;           /* lower-cased, as RawConfigParser's optionxform;
				first member: ini_key_cmp reads it */
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
AR_PRIVATE int ini_parse(const char *path, const char *buf, size_t len,
    struct ini_file *out, struct ar_err *err);
/* Read and parse a file; a missing file gives an empty ini_file and
 * *missing = 1, not an error. */
AR_PRIVATE int ini_load(const char *path, struct ini_file *out, int *missing,
    struct ar_err *err);
AR_PRIVATE void ini_free(struct ini_file *f);

/* ------------------------------------------------------------------------
 * Profiles: the merged view botocore's Session.full_config['profiles']
 * gives -- [default] and [profile NAME] from config (header split like
 * shlex), [NAME] from credentials, credentials keys winning.
 * ------------------------------------------------------------------------ */
struct profile_kv {          /* owned by its profile; points into ini_file */
	const char *key;             /* first member: ini_key_cmp reads it */
	const struct ini_pair *pair; /* value or nested block */
	const char *file;            /* path of the file it came from */
	int line;
};

struct profile {             /* owned by its config (config_free) */
	char *name;          /* first member (ini_key_cmp); allocated (a
				shlex-split header is not in the file);
				freed by config_free */
	struct profile_kv *kv;       /* allocated, freed by config_free; each
					points into the ini_files, which
					hold the secrets and wipe them */
	size_t nkv;
	const char *file;    /* file and line of its (first) section header */
	int line;
	const struct ini_section *sec[2], *def[2]; /* its own section and that
				file's [DEFAULT] in [0] the config file, [1] the
				credentials file; NULL when absent */
	const char *path[2]; /* the paths of those two files */
};

struct ignored_section {     /* owned by its config (config_free);
				points into an ini_file; a header the CLI
				skips, e.g. [profile a b] */
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
AR_PRIVATE int config_load(struct config *c, const char *config_path,
    const char *cred_path, struct ar_err *err);
AR_PRIVATE void config_free(struct config *c);
AR_PRIVATE const struct profile *config_profile(const struct config *c, const char *name);
AR_PRIVATE const struct profile_kv *profile_kv(const struct profile *p, const char *key);
/* The top-level string value of key, or NULL (also NULL for a nested block). */
AR_PRIVATE const char *profile_get(const struct profile *p, const char *key);
/* {"profiles": {NAME: {key: "value" | {sub: "value"}}}} as botocore's
 * full_config['profiles'], pretty when `pretty`.  Returns malloc'd text. */
AR_PRIVATE char *config_dump_json(const struct config *c, int pretty);

/* ------------------------------------------------------------------------
 * SigV4 (header-signing variant), on BearSSL's SHA-256 and HMAC.
 * ------------------------------------------------------------------------ */
struct sigv4_header {         /* caller-owned array; points at the caller's
				   strings, copies nothing; value may be a
				   secret (a session token) */
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

AR_PRIVATE int sigv4_sign(const struct sigv4_input *in, struct sigv4_output *out,
    struct ar_err *err);
AR_PRIVATE void sigv4_output_free(struct sigv4_output *out);


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
	char scope[320];     /* how they are scoped, when known: "full",
				"readonly", "policy FILE", ... */
};

/* ------------------------------------------------------------------------
 * 5. Child processes
 * ------------------------------------------------------------------------ */

struct proc_result {         /* caller-owned; proc_result_free wipes */
	int status;          /* exit code, or 128 + signal */
	int timed_out;
	struct ar_buf out;   /* stdout (secret: credentials, MFA codes) */
	struct ar_buf err;   /* stderr, shown in error messages */
};

/* Run argv (PATH search, no shell) in its own process group, stdin
 * inherited, env_add ("NAME=value", or NULL) added to its environment,
 * output captured and capped; the group is killed once the command has run
 * AR_PROC_TIMEOUT_S or AWSROLE_PROCESS_TIMEOUT seconds, pipes closed or not.
 * give_tty: the command gets the terminal's foreground while it runs (an
 * mfa_process may prompt).  r is filled even on error. */
AR_PRIVATE int proc_run(char *const argv[], const char *env_add,
    int give_tty, struct proc_result *r, struct ar_err *err);
AR_PRIVATE void proc_result_free(struct proc_result *r);

/* ------------------------------------------------------------------------
 * 6. HTTP transport
 * ------------------------------------------------------------------------ */

/* Where a plain-http request may go, per source (https goes anywhere):
 * loopback always, plus the addresses of the source's own service. */
enum http_plain {
	AR_PLAIN_LOOPBACK = 0, /* endpoint overrides (STS): loopback only */
	AR_PLAIN_IMDS,         /* + 169.254.169.254, fd00:ec2::254 */
	AR_PLAIN_CONTAINER     /* + 169.254.170.2, 169.254.170.23, fd00:ec2::23 */
};

struct http_req {            /* caller-owned */
	const char *method;  /* "GET", "POST" or "PUT" */
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated; may
				       hold a secret (tokens) */
	const char *body;    /* secret when it carries an MFA code */
	size_t body_len;
	long timeout_ms;     /* total; connect is capped by AR_HTTP_CONNECT_MS */
	const char *ca_file; /* PEM bundle, or NULL for the Amazon roots */
	int verbose;         /* log the exchange, redacted, to stderr */
	enum http_plain plain; /* for plain http: the addresses it may
				  connect to (no proxy is used) */
};

struct http_resp {           /* caller-owned; http_resp_free wipes */
	long status;
	struct ar_buf body;  /* secret: it may carry credentials */
	time_t date;         /* the Date header, 0 if absent */
	int retryable;       /* a failure worth another attempt */
};

/* One exchange; the body is kept whatever the status.  A transport
 * failure (DNS, connect, TLS, timeout, size cap) fails with AR_ENET or
 * AR_ECONFIG (unreadable CA bundle, or plain http to an address outside
 * q->plain, refused before connect) and sets r->retryable. */
AR_PRIVATE int http_do(const struct http_req *q, struct http_resp *r,
    struct ar_err *err);
AR_PRIVATE void http_resp_free(struct http_resp *r);
/* 0 if url is https (as curl parses it) or plain http to a host in rule's
 * list; else -1 with AR_ECONFIG: "WHAT URL uses plain http to HOST, ..." and
 * the rule's fix.  Nothing is resolved or sent. */
AR_PRIVATE int http_plain_check(const char *what, const char *url,
    enum http_plain rule, struct ar_err *err);

/* ------------------------------------------------------------------------
 * 7. XML reader
 * ------------------------------------------------------------------------ */

struct xml_node {            /* owned by its xml_doc: xml_free wipes text
				and frees both */
	char *path;          /* "AssumeRoleResponse/AssumeRoleResult/..." */
	char *text;          /* decoded; secret */
};

struct xml_doc {             /* xml_parse fills, xml_free wipes and frees */
	struct xml_node *n;
	size_t count;
};

/* Strict parse: DOCTYPE, CDATA, comments and unknown entities refused. */
AR_PRIVATE int xml_parse(const char *buf, size_t len, struct xml_doc *d,
    struct ar_err *err);
/* Text of the first leaf whose path ends with "/suffix" (or is it). */
AR_PRIVATE const char *xml_get(const struct xml_doc *d, const char *suffix);
AR_PRIVATE void xml_free(struct xml_doc *d);

/* ------------------------------------------------------------------------
 * 8. STS client
 * ------------------------------------------------------------------------ */

struct sts_endpoint {        /* filled by sts_endpoint_resolve */
	char url[512];       /* scheme://host[:port]/path */
	char host[256];      /* the Host header: host[:port] */
	char path[256];      /* the request path, "/" at least */
	char region[64];     /* the SigV4 signing region; "" when none is set
				and the URL is configured: only unsigned
				calls may go there */
	const char *ca_file; /* NULL: the compiled-in Amazon roots */
	int verbose;
	int fips, dualstack; /* as configured (off when a URL is configured) */
	const char *profile; /* the profile whose settings these are, or NULL */
	char region_source[PATH_MAX + 64];  /* "--region", "profile P (F:L)", ... */
	char endpoint_source[PATH_MAX + 64];/* "AWS_ENDPOINT_URL_STS", "default", ... */
};

struct sts_param {           /* caller-owned (a stack array); points at the
				caller's strings; value is a secret when
				secret is set */
	const char *name;
	const char *value;
	int secret;          /* redacted in verbose output */
};

struct caller_identity {     /* filled by sts_get_caller_identity; freed
				by caller_identity_free; no secret */
	char *user_id, *account, *arn;
};

/* Region, endpoint and CA for profile p (may be NULL) of cfg as botocore
 * picks them (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, [services], the
 * profile's endpoint_url, then FIPS/dual-stack/legacy/regional; no region:
 * the global endpoint signed as us-east-1).  A bad setting is AR_ECONFIG
 * with the fix. */
AR_PRIVATE int sts_endpoint_resolve(const struct config *cfg,
    const struct profile *p, const char *region_opt, int verbose,
    struct sts_endpoint *ep, struct ar_err *err);
/* Signed (or, with signer NULL, unsigned) Query call with retries; out is
 * the parsed 200 answer; server_date (may be NULL) gets the Date header. */
AR_PRIVATE int sts_call(const struct sts_endpoint *ep, const struct creds *signer,
    const char *action, const struct sts_param *p, size_t n,
    struct xml_doc *out, time_t *server_date, struct ar_err *err);
AR_PRIVATE void creds_clear(struct creds *c);

/* ------------------------------------------------------------------------
 * 10. Credential cache
 * ------------------------------------------------------------------------ */

struct session_tag {         /* owned by its scope */
	char *key, *value;
};

/* The session controls of one AssumeRole (issue 12): a session policy,
 * session tags, a source identity.  scope_build fills, scope_free frees;
 * no secret. */
struct scope {
	char *policy;                /* minified JSON, or NULL */
	char *arns[AR_POLICY_ARNS_MAX];  /* PolicyArns, --scope's included */
	size_t narns;
	struct session_tag tags[AR_TAGS_MAX];
	size_t ntags;
	char *transitive[AR_TAGS_MAX];   /* TransitiveTagKeys */
	size_t ntrans;
	char *source_identity;
	char label[300];             /* "full", "readonly", "viewonly",
					"policy FILE|ARN", or "" (none) */
};

/* The command line's session controls; points into argv. */
struct scope_opts {
	const char *arns[AR_POLICY_ARNS_MAX + 1]; /* --policy-arn, repeated */
	size_t narns;
	const char *policy_file;     /* --policy FILE */
	const char *scope;           /* --scope readonly|viewonly|full */
	int implied_readonly;        /* serve: readonly unless told */
};

struct assume_args {         /* points into the config; owns nothing */
	const char *role_arn;
	const char *serial;          /* mfa_serial, or NULL */
	const char *external_id;     /* or NULL */
	const char *session_name;    /* configured role_session_name, or NULL */
	long duration;               /* configured duration_seconds, or 0 */
	const char *token_file;      /* web identity: the token's file */
	const char *mfa_process;     /* the command that prints the MFA code,
					or NULL; not part of the cache key */
	const struct scope *scope;   /* session controls (the named role
					only), or NULL; part of the key */
};

struct cache {               /* filled by cache_init */
	char dir[PATH_MAX];
	long window;         /* AWSROLE_REFRESH_WINDOW, or -1 for default */
	int verbose;
};

struct cache_index {         /* cache_index_load fills, cache_index_free
				frees; file names only, no secret */
	char (*key)[41];
	size_t n;
};

/* botocore's file name: sha1 hex of json.dumps(args, sort_keys=True). */
AR_PRIVATE int cache_key(const struct assume_args *a, char hex[41],
    struct ar_err *err);
/* AR_FOUND: fresh entry in *cr; AR_NONE: none usable (*why says why);
 * AR_ERROR: refused (symlink, owner, mode). */
AR_PRIVATE int cache_read(const struct cache *c, const char *key, long duration,
    struct creds *cr, const char **why, struct ar_err *err);
/* Atomic replace (temp + fsync + rename); the old entry survives errors. */
AR_PRIVATE int cache_write(const struct cache *c, const char *key,
    const struct creds *cr, struct ar_err *err);
/* 1 when e (from cache_lock or cache_write) says the cache cannot be
 * created or written here (read-only or full file system, no permission):
 * a caller may go on without it.  0 for the refusals (owner, mode,
 * symlink, a lock held too long). */
AR_PRIVATE int cache_unusable(const struct ar_err *e);
/* flock beside the entry, waiting up to AR_LOCK_TIMEOUT_S. */
AR_PRIVATE int cache_lock(const struct cache *c, const char *key, int *fd,
    struct ar_err *err);

/* ------------------------------------------------------------------------
 * 11. MFA codes
 * ------------------------------------------------------------------------ */

struct mfa_source {          /* caller-owned */
	const char *given;   /* --mfa-code (secret), or NULL */
	const char *process; /* mfa_process command, or NULL */
	const char *profile; /* for the instruction in the error */
	int no_prompt;       /* AWSROLE_NO_PROMPT: never ask the terminal */
};

/* A 6-digit code (secret: the caller wipes code[]).  Without a given code,
 * mfa_process or a terminal, fails at once with AR_ELOGIN. */
AR_PRIVATE int mfa_get(const struct mfa_source *m, const char *serial,
    char code[7], struct ar_err *err);

/* ------------------------------------------------------------------------
 * 12. Profile resolution
 * ------------------------------------------------------------------------ */

enum src_kind {
	SRC_STATIC,          /* keys in a profile */
	SRC_ENV,             /* AWS_ACCESS_KEY_ID & co. */
	SRC_PROCESS,         /* credential_process */
	SRC_IMDS,            /* credential_source = Ec2InstanceMetadata */
	SRC_ECS,             /* credential_source = EcsContainer */
	SRC_WEB_IDENTITY     /* hop[0] is AssumeRoleWithWebIdentity */
};

/* One check of a profile value (resolution and doctor share the table).
 * Static tables; owns nothing. */
struct value_rule {
	const char *key;             /* the profile key it checks */
	int (*ok)(const char *value);/* 1 when STS would accept the value */
	int flags;                   /* RULE_EMPTY_OK, RULE_NOT_WEB */
	const char *what;            /* "KEY <what>": what is wrong */
	const char *fix;
	const char *botocore;        /* doctor: what botocore does instead
					with a value that is not a number,
					or NULL */
};

struct role_hop {            /* owned by its chain; points into the config,
				frees nothing; no secret */
	const struct profile *p;     /* NULL for the environment's web identity */
	struct assume_args a;
	int chained;                 /* assumed with a role's credentials */
	char key[41];                /* cache key */
};

struct chain {               /* caller-owned (chain_build fills it); points
				into the config, frees nothing; no secret */
	const char *names[AR_CHAIN_MAX + 2]; /* profiles visited, in order */
	size_t nnames;
	struct role_hop hop[AR_CHAIN_MAX + 1]; /* innermost first */
	size_t nhop;
	int kind;                    /* enum src_kind */
	const struct profile *base;  /* static keys / process / source */
	const char *process;         /* credential_process command */
};

struct resolve_opts {        /* caller-owned */
	const char *region;  /* --region */
	struct mfa_source mfa;
	int no_cache;        /* --no-cache: neither read nor write */
	int force;           /* login: assume the named role anew */
	int need_cache;      /* login: a cache that cannot be written is an
				error (before any call), not a warning */
	int allow_env;       /* env credentials win (no explicit profile) */
	int explicit_profile;/* named on the command line: the environment's
				web identity does not apply */
	int verbose;
	const char *proc_env; /* "NAME=value" for credential_process children
				 (_AWSROLE_PROFILE_CHAIN), or NULL */
	const struct scope *scope; /* the named role's session controls, or
				      NULL */
	const char *session_name;  /* the named role's RoleSessionName
				      instead of the profile's, or NULL */
};

struct resolve_info {        /* caller-owned, filled by resolve: what
				happened, for the command layer; no secret */
	int sts_calls;
	int from_cache;
	int cache_failed;        /* the cache could not be used: resolve
				    went on without it (once per run) */
	int cache_errno;         /* why, when an errno says it; else 0 */
	char cache_error[1200];  /* "cannot use the cache DIR: CAUSE" */
	char key[41];            /* the named role's cache key */
};

/* Walk source_profile from name, validating every hop before any call. */
AR_PRIVATE int chain_build(const struct config *cfg, const char *name,
    struct chain *ch, struct ar_err *err);
/* Credentials for profile name (out is cleared by creds_clear). */
AR_PRIVATE int resolve(const struct config *cfg, const char *name,
    const struct resolve_opts *o, struct creds *out,
    struct resolve_info *info, struct ar_err *err);

/* Several profiles on one MFA code (login P1 P2, serve --mfa-session):
 * mfa_group_build fills it, mfa_group_free wipes and frees.  base holds
 * secrets (each chain's source keys). */
struct mfa_group {
	const struct config *cfg;
	struct chain *ch;            /* one per profile, in the order named */
	struct creds *base;          /* their source credentials */
	size_t n;
	const char *serial;          /* the one mfa_serial (into the config) */
};

/* ------------------------------------------------------------------------
 * 13. Output formats
 * ------------------------------------------------------------------------ */

struct export_var {          /* caller-owned array (export_vars fills it);
				points at creds and the environment;
				value may be a secret */
	const char *name;
	const char *value;   /* NULL: unset it */
};


/* ------------------------------------------------------------------------
 * 14. Agent lane
 * ------------------------------------------------------------------------ */

/* One request head as srv_parse_request reads it: caller-owned; every
 * pointer points into head.  auth is the bearer token (a secret: wipe the
 * struct). */
struct srv_request {
	char head[AR_SRV_HEAD_MAX + 1];
	const char *method, *target;
	const char *auth, *ua, *view; /* Authorization, User-Agent,
					 X-Awsrole-View; NULL if absent */
	const char *narrow;           /* X-Awsrole-Narrowed: the view was
					 made by agent --policy */
	char path[AR_SRV_LINE_MAX];   /* the target, percent-decoded */
};

/* 0: rq holds a GET request; -1: the head is not complete yet; else the
 * HTTP status to answer (400, 405, 414, 431, 505). */
AR_PRIVATE int srv_parse_request(const char *buf, size_t len,
    struct srv_request *rq);

#endif /* AWSROLE_H */
