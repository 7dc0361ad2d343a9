/* test.h: the tiny harness of the C unit tests. Each test binary prints one
 * line per check, "ok NAME", "not ok NAME: why" or "skip NAME: why", which
 * tests/run.sh counts; the exit status is 1 when any check failed. */
#ifndef DOSSIER_TEST_H
#define DOSSIER_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failed;

#define CHECK(name, cond)                                                                          \
    do {                                                                                           \
        if (cond) {                                                                                \
            printf("ok %s\n", name);                                                               \
        } else {                                                                                   \
            printf("not ok %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond);                    \
            test_failed = 1;                                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_STR(name, got, want)                                                                 \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (g_ && w_ && strcmp(g_, w_) == 0) {                                                     \
            printf("ok %s\n", name);                                                               \
        } else {                                                                                   \
            printf("not ok %s (%s:%d: got \"%s\", want \"%s\")\n", name, __FILE__, __LINE__,       \
                   g_ ? g_ : "(null)", w_ ? w_ : "(null)");                                        \
            test_failed = 1;                                                                       \
        }                                                                                          \
    } while (0)

#define SKIP(name, why) printf("skip %s: %s\n", name, why)

#define TEST_DONE() return test_failed

#endif
