/*
 * unit.h -- the reporting shared by the unit tests (tests/unit_*.c).
 *
 * Include it after "../awsrole.c", with the group name defined first:
 *
 *   #include "../awsrole.c"
 *   #define UNIT_GROUP "xml"
 *   #include "unit.h"
 *
 * One line per check, "ok GROUP/NAME" or "FAIL GROUP/NAME" followed by
 * what was expected and what was got; main ends with `return unit_done();`,
 * which prints "GROUP: N passed, N failed" and gives exit status 1 if
 * anything failed.  test.sh counts the lines that start "ok " and "FAIL ".
 *
 * Not a unit itself: the Makefile builds only tests/unit_*.c.
 */
#ifndef AWSROLE_TESTS_UNIT_H
#define AWSROLE_TESTS_UNIT_H

#ifndef UNIT_GROUP
#error "define UNIT_GROUP (the test group's name) before including unit.h"
#endif

/* Not every unit uses every helper. */
#define UNIT_FN static __attribute__((unused))

static int unit_npass, unit_nfail;

#define UNIT_STR(s) ((s) != NULL ? (s) : "(null)")

UNIT_FN void
unit_ok(const char *name)
{
	printf("ok " UNIT_GROUP "/%s\n", name);
	unit_npass++;
}

/* "FAIL GROUP/NAME: WHAT"; the caller may print details after it. */
UNIT_FN void
unit_fail(const char *name, const char *what)
{
	printf("FAIL " UNIT_GROUP "/%s: %s\n", name, what);
	unit_nfail++;
}

/* A failure with both sides, each in a block of its own. */
UNIT_FN void
unit_bad(const char *name, const char *what, const char *want, const char *got)
{
	unit_fail(name, what);
	printf("--- expected\n%s\n--- got\n%s\n", UNIT_STR(want), UNIT_STR(got));
}

/* ok or FAIL by `ok`, both sides on one line each on a failure. */
UNIT_FN int
unit_check(const char *name, int ok, const char *want, const char *got)
{
	if (ok) {
		unit_ok(name);
		return 1;
	}
	printf("FAIL " UNIT_GROUP "/%s\n    expected: %s\n    got:      %s\n",
	    name, UNIT_STR(want), UNIT_STR(got));
	unit_nfail++;
	return 0;
}

/* Strings equal, or both NULL. */
UNIT_FN int
unit_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

UNIT_FN int
unit_check_str(const char *name, const char *want, const char *got)
{
	return unit_check(name, unit_streq(want, got), want, got);
}

UNIT_FN int
unit_check_long(const char *name, long want, long got)
{
	char w[32], g[32];

	snprintf(w, sizeof(w), "%ld", want);
	snprintf(g, sizeof(g), "%ld", got);
	return unit_check(name, want == got, w, g);
}

/*
 * "SUB/NAME", for units whose checks are named in two levels; the result
 * lives until the next call.
 */
UNIT_FN const char *
unit_path(const char *sub, const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", sub, name);
	return path;
}

/* "ok SUB/NAME", for checks named in two levels. */
UNIT_FN void
t_ok(const char *sub, const char *name)
{
	unit_ok(unit_path(sub, name));
}

/* "FAIL SUB/NAME: WHAT", then both sides unless want and got are NULL. */
UNIT_FN void
t_bad(const char *sub, const char *name, const char *what, const char *want,
    const char *got)
{
	if (want == NULL && got == NULL)
		unit_fail(unit_path(sub, name), what);
	else
		unit_bad(unit_path(sub, name), what, want, got);
}

/* The last line; the exit status of main. */
UNIT_FN int
unit_done(void)
{
	printf(UNIT_GROUP ": %d passed, %d failed\n", unit_npass, unit_nfail);
	return unit_nfail > 0;
}

#endif
