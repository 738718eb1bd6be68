/*
 * fuzz_xml.c -- libFuzzer target for section 7 (XML reader) and
 * sts_take_creds of section 8.
 *
 * The input is handed to xml_parse as it is, (data, size), without a NUL
 * after it: the reader's contract is buf[0..len).  Built with
 * -DFZ_XML_NUL_TERMINATED it gets a copy with a NUL after the last byte
 * instead, as the STS client's ar_buf body always has; that variant goes
 * on past findings that only a caller without the NUL could hit.  A
 * parsed document is searched for the paths the STS client reads and
 * then turned into credentials as an AssumeRole answer would be.
 *
 *   make fuzz-build && build/fuzz/fuzz_xml tests/fuzz/corpus/fuzz_xml
 */
#define AWSROLE_NO_MAIN
#include "../../awsrole.c"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *paths[] = { "Credentials/AccessKeyId",
	    "Credentials/Expiration", "AssumedRoleUser/Arn", "Error/Code",
	    "Error/Message", "Arn", "Account", "RequestId", "", NULL };
	struct xml_doc doc;
	struct ar_err err;
	struct creds c;
	const char *buf = (const char *)data;
	size_t i;
	int rc;
#ifdef FZ_XML_NUL_TERMINATED
	char *copy = xmalloc(size + 1);

	memcpy(copy, data, size);
	copy[size] = '\0';
	buf = copy;
#endif
	memset(&err, 0, sizeof(err));
	memset(&c, 0, sizeof(c));
	rc = xml_parse(buf, size, &doc, &err);
#ifdef FZ_XML_NUL_TERMINATED
	free(copy);     /* xml_doc holds copies, not pointers into buf */
#endif
	if (rc == -1) {
		if (doc.n != NULL || doc.count != 0)
			__builtin_trap();       /* "on error d is empty" */
		return 0;
	}
	for (i = 0; paths[i] != NULL; i++)
		(void)xml_get(&doc, paths[i]);
	if (sts_take_creds(&doc, "AssumeRole", &c, &err) == 0 &&
	    (c.akid == NULL || c.secret == NULL || c.token == NULL))
		__builtin_trap();
	creds_clear(&c);
	xml_free(&doc);
	return 0;
}
