/*
 * fuzz_ini.c -- libFuzzer target for section 2 (INI reader) and the
 * profile table of section 3, plus ar_shlex_split.
 *
 * Input: CONFIG [ '\0' CREDENTIALS ].  A NUL byte is never valid in either
 * file (ini_parse refuses it), so the first one separates the two; any
 * later NUL stays in CREDENTIALS and exercises that refusal.  When both
 * parse, the profile table is built from them exactly as config_load
 * would after reading the files (profile_table), then dumped as JSON and
 * searched; every profile and key must be found again by its own name.
 * CONFIG, as a C string, also goes through ar_shlex_split.
 *
 *   make fuzz-build && build/fuzz/fuzz_ini tests/fuzz/corpus/fuzz_ini
 */
#define AWSROLE_NO_MAIN
#include "../../awsrole.c"

static void
fz_check_profiles(const struct config *c)
{
	const struct profile *p;
	size_t i, j;

	for (i = 0; i < c->nprof; i++) {
		p = &c->prof[i];
		if (config_profile(c, p->name) != p)
			__builtin_trap();       /* table not sorted/unique */
		for (j = 0; j < p->nkv; j++)
			if (profile_kv(p, p->kv[j].key) == NULL)
				__builtin_trap();
		(void)profile_get(p, "role_arn");
		(void)profile_get(p, "source_profile");
		(void)profile_get(p, "credential_process");
	}
}

static void
fz_profiles(const char *cfg, size_t ncfg, const char *cred, size_t ncred)
{
	struct config c;
	struct ar_err err;
	char *json;

	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	c.config_path = xstrdup("fuzz.config");
	c.cred_path = xstrdup("fuzz.credentials");
	if (ini_parse(c.config_path, cfg, ncfg, &c.cfg, &err) == 0 &&
	    ini_parse(c.cred_path, cred, ncred, &c.cred, &err) == 0) {
		profile_table(&c);
		fz_check_profiles(&c);
		json = config_dump_json(&c, (int)(ncfg & 1));
		ar_free_secret(json);
	}
	config_free(&c);
}

static void
fz_shlex(const char *s)
{
	struct ar_err err;
	char **argv = NULL;
	size_t argc = 0, i;

	memset(&err, 0, sizeof(err));
	if (ar_shlex_split(s, &argv, &argc, &err) == 0) {
		for (i = 0; i < argc; i++)
			if (argv[i] == NULL)
				__builtin_trap();
		if (argv[argc] != NULL)
			__builtin_trap();
	}
	ar_argv_free(argv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	const char *nul = memchr(d, '\0', size);
	size_t ncfg = nul != NULL ? (size_t)(nul - d) : size;
	char *cfg, *cred;

	/* Exact-size heap copies, so ASan sees any read past the end. */
	cfg = xmalloc(ncfg + 1);
	memcpy(cfg, d, ncfg);
	cfg[ncfg] = '\0';
	cred = xmalloc(size - ncfg + 1);
	if (nul != NULL)
		memcpy(cred, nul + 1, size - ncfg - 1);
	fz_profiles(cfg, ncfg, cred, nul != NULL ? size - ncfg - 1 : 0);
	fz_shlex(cfg);
	free(cfg);
	free(cred);
	return 0;
}
