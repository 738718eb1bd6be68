/*
 * fuzz_process.c -- libFuzzer target for creds_parse_process (section 9):
 * the JSON a credential_process command prints.  The input is a
 * NUL-terminated copy; on success the access key and secret must be set.
 *
 *   make fuzz-build && build/fuzz/fuzz_process tests/fuzz/corpus/fuzz_process
 */
#define AWSROLE_NO_MAIN
#include "../../awsrole.c"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ar_err err;
	struct creds c;
	char *text;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&err, 0, sizeof(err));
	memset(&c, 0, sizeof(c));
	if (creds_parse_process(text, "cmd", &c, &err) == 0 &&
	    (c.akid == NULL || c.secret == NULL))
		__builtin_trap();
	creds_clear(&c);
	free(text);
	return 0;
}
