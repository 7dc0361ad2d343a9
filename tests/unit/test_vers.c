/* test_vers.c: versions and vers ranges of CycloneDX affects[].versions
 * (load/vers.c): the order of versions, the range shapes the tool
 * evaluates, and the ones it declines. */
#include "load/standard.h"
#include "test.h"

static VersMatch in(const char *range, const char *version) {
    const char *why;
    return vers_contains(range, version, &why);
}

int main(void) {
    CHECK("order: 1.10 after 1.9", vers_compare("1.10", "1.9") > 0);
    CHECK("order: 1.0 is 1.0.0", vers_compare("1.0", "1.0.0") == 0);
    CHECK("order: 1.0 before 1.0.1", vers_compare("1.0", "1.0.1") < 0);
    CHECK("order: leading zeros", vers_compare("1.02", "1.2") == 0);
    CHECK("order: words before numbers", vers_compare("1.a", "1.0") < 0);
    CHECK("order: an extra word is later", vers_compare("1.2.13a", "1.2.13") > 0);
    CHECK("order: 2.0 after 1.99.99", vers_compare("2.0", "1.99.99") > 0);
    CHECK("comparable: plain", vers_comparable("1.2.13"));
    CHECK("comparable: not a pre-release", !vers_comparable("1.0.0-rc1"));
    CHECK("comparable: not an epoch", !vers_comparable("1:2.3"));

    CHECK("range: star", in("vers:generic/*", "1.0-rc1") == VERS_IN);
    CHECK("range: exact", in("vers:generic/1.2.13", "1.2.13") == VERS_IN);
    CHECK("range: exact with =", in("vers:generic/=1.2.13", "1.2.13.0") == VERS_IN);
    CHECK("range: exact, other version", in("vers:generic/1.2.13", "1.2.14") == VERS_OUT);
    CHECK("range: two exact", in("vers:npm/1.0.0|1.0.2", "1.0.2") == VERS_IN);
    CHECK("range: between", in("vers:generic/>=1.0|<2.0", "1.5") == VERS_IN);
    CHECK("range: lower bound inclusive", in("vers:generic/>=1.0|<2.0", "1.0") == VERS_IN);
    CHECK("range: upper bound exclusive", in("vers:generic/>=1.0|<2.0", "2.0") == VERS_OUT);
    CHECK("range: below", in("vers:generic/>=1.0|<2.0", "0.9") == VERS_OUT);
    CHECK("range: upper alone", in("vers:generic/<1.2.12", "1.2.11") == VERS_IN);
    CHECK("range: upper alone, above", in("vers:generic/<=1.2.12", "1.2.13") == VERS_OUT);
    CHECK("range: lower alone", in("vers:generic/>1.2.12", "1.3") == VERS_IN);
    CHECK("range: two intervals, second", in("vers:generic/<1.0|>=2.0|<3.0", "2.5") == VERS_IN);
    CHECK("range: two intervals, gap", in("vers:generic/<1.0|>=2.0|<3.0", "1.5") == VERS_OUT);
    CHECK("range: excluded", in("vers:generic/>=1.0|!=1.5|<2.0", "1.5") == VERS_OUT);
    CHECK("range: only excluded", in("vers:generic/!=1.5", "1.6") == VERS_IN);
    CHECK("range: spaces", in("vers:generic/ >= 1.0 | < 2.0 ", "1.1") == VERS_IN);

    const char *why = NULL;
    CHECK("declined: not vers", vers_contains(">=1.0", "1.1", &why) == VERS_UNSUPPORTED && why);
    CHECK("declined: no scheme", in("vers:/1.0", "1.0") == VERS_UNSUPPORTED);
    CHECK("declined: pre-release in range",
          in("vers:npm/>=1.0.0-rc1|<2.0.0", "1.5.0") == VERS_UNSUPPORTED);
    CHECK("declined: pre-release shipped",
          in("vers:npm/>=1.0.0|<2.0.0", "1.5.0-beta") == VERS_UNSUPPORTED);
    CHECK("declined: not ascending", in("vers:generic/<2.0|>=1.0", "1.5") == VERS_UNSUPPORTED);
    CHECK("declined: two lower bounds", in("vers:generic/>=1.0|>=1.5", "1.7") == VERS_UNSUPPORTED);
    CHECK("declined: empty", in("vers:generic/", "1.0") == VERS_UNSUPPORTED);
    TEST_DONE();
}
