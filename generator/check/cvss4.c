/* cvss4.c: the score of a CVSS v4.0 vector, computed as the FIRST CVSS v4.0
 * specification defines it: the vector's effective metric values (a
 * modified metric, when given, replaces its base metric; an absent threat
 * metric counts as Attacked, an absent requirement as High), the six
 * equivalence classes EQ1-EQ6 that make the macrovector, the published
 * score of that macrovector, and the step down towards the next lower
 * macrovectors by how far the vector lies from the highest-severity vectors
 * of its class. The nomenclature (CVSS-B, CVSS-BT, CVSS-BE, CVSS-BTE) says
 * which metric groups the score used. Part of check/. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* The metrics in the order the specification's vector string requires:
 * the eleven base metrics (each mandatory), the threat metric, the
 * environmental ones (security requirements, then the modified base
 * metrics), the supplemental ones. */
enum {
    AV,
    AC,
    AT,
    PR,
    UI,
    VC,
    VI,
    VA,
    SC,
    SI,
    SA, /* base */
    E,  /* threat */
    CR,
    IR,
    AR,
    MAV,
    MAC,
    MAT,
    MPR,
    MUI,
    MVC,
    MVI,
    MVA,
    MSC,
    MSI,
    MSA, /* environmental */
    S,
    AU,
    R,
    V,
    RE,
    U, /* supplemental */
    NMETRIC
};
enum { NBASE4 = SA + 1 };

static const struct {
    const char *key;
    const char *values[6]; /* the values it takes; NULL ends the list */
} METRIC[NMETRIC] = {
    [AV] = {"AV", {"N", "A", "L", "P"}},
    [AC] = {"AC", {"L", "H"}},
    [AT] = {"AT", {"N", "P"}},
    [PR] = {"PR", {"N", "L", "H"}},
    [UI] = {"UI", {"N", "P", "A"}},
    [VC] = {"VC", {"H", "L", "N"}},
    [VI] = {"VI", {"H", "L", "N"}},
    [VA] = {"VA", {"H", "L", "N"}},
    [SC] = {"SC", {"H", "L", "N"}},
    [SI] = {"SI", {"H", "L", "N"}},
    [SA] = {"SA", {"H", "L", "N"}},
    [E] = {"E", {"X", "A", "P", "U"}},
    [CR] = {"CR", {"X", "H", "M", "L"}},
    [IR] = {"IR", {"X", "H", "M", "L"}},
    [AR] = {"AR", {"X", "H", "M", "L"}},
    [MAV] = {"MAV", {"X", "N", "A", "L", "P"}},
    [MAC] = {"MAC", {"X", "L", "H"}},
    [MAT] = {"MAT", {"X", "N", "P"}},
    [MPR] = {"MPR", {"X", "N", "L", "H"}},
    [MUI] = {"MUI", {"X", "N", "P", "A"}},
    [MVC] = {"MVC", {"X", "H", "L", "N"}},
    [MVI] = {"MVI", {"X", "H", "L", "N"}},
    [MVA] = {"MVA", {"X", "H", "L", "N"}},
    [MSC] = {"MSC", {"X", "H", "L", "N"}},
    [MSI] = {"MSI", {"X", "S", "H", "L", "N"}},
    [MSA] = {"MSA", {"X", "S", "H", "L", "N"}},
    [S] = {"S", {"X", "N", "P"}},
    [AU] = {"AU", {"X", "N", "Y"}},
    [R] = {"R", {"X", "A", "U", "I"}},
    [V] = {"V", {"X", "D", "C"}},
    [RE] = {"RE", {"X", "L", "M", "H"}},
    [U] = {"U", {"X", "Clear", "Green", "Amber", "Red"}},
};

/* The score of each macrovector (EQ1 EQ2 EQ3 EQ4 EQ5 EQ6) in tenths, as
 * the specification publishes it; -1 where the macrovector does not exist
 * (EQ3 2 with EQ6 0). Row ((EQ1 * 2 + EQ2) * 3 + EQ3) * 3 + EQ4, column
 * EQ5 * 2 + EQ6. */
static const signed char MACRO[54][6] = {
    /* 0000 */ {100, 99, 98, 95, 95, 92},
    /* 0001 */ {100, 96, 93, 87, 91, 81},
    /* 0002 */ {93, 90, 89, 80, 81, 68},
    /* 0010 */ {98, 95, 95, 92, 90, 84},
    /* 0011 */ {93, 92, 89, 81, 81, 65},
    /* 0012 */ {88, 80, 78, 70, 69, 48},
    /* 0020 */ {-1, 92, -1, 82, -1, 72},
    /* 0021 */ {-1, 79, -1, 69, -1, 50},
    /* 0022 */ {-1, 69, -1, 55, -1, 27},
    /* 0100 */ {99, 97, 95, 92, 92, 85},
    /* 0101 */ {95, 91, 90, 83, 84, 71},
    /* 0102 */ {92, 81, 82, 71, 72, 53},
    /* 0110 */ {95, 93, 92, 85, 85, 73},
    /* 0111 */ {92, 82, 80, 72, 70, 59},
    /* 0112 */ {84, 70, 71, 52, 50, 30},
    /* 0120 */ {-1, 86, -1, 75, -1, 52},
    /* 0121 */ {-1, 71, -1, 52, -1, 29},
    /* 0122 */ {-1, 63, -1, 29, -1, 17},
    /* 1000 */ {98, 95, 94, 87, 91, 81},
    /* 1001 */ {94, 89, 86, 74, 77, 64},
    /* 1002 */ {87, 75, 74, 63, 63, 49},
    /* 1010 */ {94, 89, 88, 77, 76, 67},
    /* 1011 */ {86, 76, 74, 58, 59, 50},
    /* 1012 */ {72, 57, 57, 52, 52, 25},
    /* 1020 */ {-1, 83, -1, 70, -1, 54},
    /* 1021 */ {-1, 65, -1, 58, -1, 26},
    /* 1022 */ {-1, 53, -1, 21, -1, 13},
    /* 1100 */ {95, 90, 88, 76, 76, 70},
    /* 1101 */ {90, 77, 75, 62, 61, 53},
    /* 1102 */ {77, 66, 68, 59, 52, 30},
    /* 1110 */ {89, 78, 76, 67, 62, 58},
    /* 1111 */ {74, 59, 57, 57, 47, 23},
    /* 1112 */ {61, 52, 57, 29, 24, 16},
    /* 1120 */ {-1, 71, -1, 59, -1, 30},
    /* 1121 */ {-1, 58, -1, 26, -1, 15},
    /* 1122 */ {-1, 23, -1, 13, -1, 6},
    /* 2000 */ {93, 87, 86, 72, 75, 58},
    /* 2001 */ {86, 74, 74, 61, 56, 34},
    /* 2002 */ {70, 54, 52, 40, 40, 22},
    /* 2010 */ {85, 75, 74, 55, 62, 51},
    /* 2011 */ {72, 57, 55, 41, 46, 19},
    /* 2012 */ {53, 36, 34, 19, 19, 8},
    /* 2020 */ {-1, 64, -1, 51, -1, 20},
    /* 2021 */ {-1, 47, -1, 21, -1, 11},
    /* 2022 */ {-1, 24, -1, 9, -1, 4},
    /* 2100 */ {88, 75, 73, 53, 60, 50},
    /* 2101 */ {73, 55, 59, 40, 41, 20},
    /* 2102 */ {54, 43, 45, 22, 20, 11},
    /* 2110 */ {75, 55, 58, 45, 40, 21},
    /* 2111 */ {61, 51, 48, 18, 20, 9},
    /* 2112 */ {46, 18, 17, 7, 8, 2},
    /* 2120 */ {-1, 53, -1, 24, -1, 14},
    /* 2121 */ {-1, 24, -1, 12, -1, 5},
    /* 2122 */ {-1, 10, -1, 3, -1, 1},
};

static int macro_score(const int eq[6]) {
    if (eq[0] > 2 || eq[1] > 1 || eq[2] > 2 || eq[3] > 2 || eq[4] > 2 || eq[5] > 1) return -1;
    return MACRO[((eq[0] * 2 + eq[1]) * 3 + eq[2]) * 3 + eq[3]][eq[4] * 2 + eq[5]];
}

/* The severity level of a value within its metric, in tenths: 0 the most
 * severe. */
static int level(int m, char v) {
    const char *order;
    switch (m) {
    case AV:
        order = "NALP";
        break;
    case PR:
        order = "NLH";
        break;
    case UI:
        order = "NPA";
        break;
    case AC:
        order = "LH";
        break;
    case AT:
        order = "NP";
        break;
    case VC:
    case VI:
    case VA:
        order = "HLN";
        break;
    case SC:
        order = "_HLN";
        break; /* SC takes no Safety: High is one step down */
    case SI:
    case SA:
        order = "SHLN";
        break;
    default:
        order = "HML";
        break; /* CR IR AR */
    }
    const char *p = strchr(order, v);
    return p ? (int)(p - order) : 0;
}

/* The highest-severity vectors of each class, as the specification lists
 * them, the first that the vector does not exceed being the one it is
 * measured from. EQ1: AV PR UI; EQ2: AC AT; EQ3 with EQ6: VC VI VA CR IR AR;
 * EQ4: SC SI SA. */
static const char *const MAX_EQ1[3][3] = {{"NNN"}, {"ANN", "NLN", "NNP"}, {"PNN", "ALP"}};
static const char *const MAX_EQ2[2][2] = {{"LN"}, {"HN", "LP"}};
static const char *const MAX_EQ36[3][2][5] = {
    {{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
    {{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
    {{NULL}, {"LLLHHH"}},
};
static const char *const MAX_EQ4[3][1] = {{"HSS"}, {"HHH"}, {"LLL"}};

/* The distance, in tenths, of the metrics ms of the effective vector from
 * the first of the candidates it does not exceed (the last when none). */
static int distance(const char *const *cand, size_t ncand, const int *ms, size_t nms,
                    const char *eff) {
    int d = 0;
    for (size_t c = 0; c < ncand && cand[c]; c++) {
        bool below = true;
        d = 0;
        for (size_t k = 0; k < nms; k++) {
            int step = level(ms[k], eff[ms[k]]) - level(ms[k], cand[c][k]);
            below = below && step >= 0;
            d += step;
        }
        if (below) break;
    }
    return d;
}

static bool is(const char *eff, int m, char v) {
    return eff[m] == v;
}

bool cvss4_score(const char *vector, double *score, const char **nomenclature, char *why,
                 size_t whylen) {
    if (strncmp(vector, "CVSS:4.0/", 9) != 0) {
        snprintf(why, whylen, "a CVSS v4.0 vector starts with CVSS:4.0/");
        return false;
    }
    char val[NMETRIC];
    memset(val, 'X', sizeof val);
    int last = -1;
    bool threat = false, env = false;
    for (const char *p = vector + 9;;) {
        size_t n = strcspn(p, "/");
        const char *colon = memchr(p, ':', n);
        if (!colon || colon == p || colon + 1 == p + n) {
            snprintf(why, whylen, "'%.*s' is not METRIC:VALUE", (int)n, p);
            return false;
        }
        size_t klen = (size_t)(colon - p), vlen = n - klen - 1;
        int m = 0;
        while (m < NMETRIC &&
               (strlen(METRIC[m].key) != klen || strncmp(METRIC[m].key, p, klen) != 0))
            m++;
        if (m == NMETRIC) {
            snprintf(why, whylen, "%.*s is not a CVSS v4.0 metric", (int)klen, p);
            return false;
        }
        if (m == last || val[m] != 'X') {
            snprintf(why, whylen, "%s is given twice", METRIC[m].key);
            return false;
        }
        if (m < last) {
            snprintf(why, whylen, "%s comes after %s, but the specification puts it before",
                     METRIC[m].key, METRIC[last].key);
            return false;
        }
        const char *const *v = METRIC[m].values;
        while (*v && (strlen(*v) != vlen || strncmp(*v, colon + 1, vlen) != 0))
            v++;
        if (!*v) {
            char list[48] = "";
            for (const char *const *w = METRIC[m].values; *w; w++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         w == METRIC[m].values ? "" : " ", *w);
            snprintf(why, whylen, "%s takes one of %s, not %.*s", METRIC[m].key, list, (int)vlen,
                     colon + 1);
            return false;
        }
        val[m] = (*v)[0];
        last = m;
        if (m == E && val[m] != 'X') threat = true;
        if (m >= CR && m <= MSA && val[m] != 'X') env = true;
        if (!p[n]) break;
        p += n + 1;
    }
    for (int m = 0; m < NBASE4; m++)
        if (val[m] == 'X') {
            snprintf(why, whylen, "the base metric %s is missing", METRIC[m].key);
            return false;
        }
    *nomenclature = threat && env ? "CVSS-BTE" : threat ? "CVSS-BT" : env ? "CVSS-BE" : "CVSS-B";

    /* The effective values: a modified base metric replaces its base one. */
    char eff[NMETRIC];
    memcpy(eff, val, sizeof eff);
    for (int m = 0; m < NBASE4; m++)
        if (val[MAV + m] != 'X') eff[m] = val[MAV + m];
    if (eff[E] == 'X') eff[E] = 'A';
    for (int m = CR; m <= AR; m++)
        if (eff[m] == 'X') eff[m] = 'H';

    if (is(eff, VC, 'N') && is(eff, VI, 'N') && is(eff, VA, 'N') && is(eff, SC, 'N') &&
        is(eff, SI, 'N') && is(eff, SA, 'N')) {
        *score = 0;
        return true;
    }

    int eq[6];
    bool all_n = is(eff, AV, 'N') && is(eff, PR, 'N') && is(eff, UI, 'N');
    bool any_n = is(eff, AV, 'N') || is(eff, PR, 'N') || is(eff, UI, 'N');
    eq[0] = all_n ? 0 : any_n && !is(eff, AV, 'P') ? 1 : 2;
    eq[1] = is(eff, AC, 'L') && is(eff, AT, 'N') ? 0 : 1;
    eq[2] = is(eff, VC, 'H') && is(eff, VI, 'H')                       ? 0
            : is(eff, VC, 'H') || is(eff, VI, 'H') || is(eff, VA, 'H') ? 1
                                                                       : 2;
    eq[3] = is(eff, SI, 'S') || is(eff, SA, 'S')                       ? 0
            : is(eff, SC, 'H') || is(eff, SI, 'H') || is(eff, SA, 'H') ? 1
                                                                       : 2;
    eq[4] = is(eff, E, 'A') ? 0 : is(eff, E, 'P') ? 1 : 2;
    eq[5] = (is(eff, CR, 'H') && is(eff, VC, 'H')) || (is(eff, IR, 'H') && is(eff, VI, 'H')) ||
                    (is(eff, AR, 'H') && is(eff, VA, 'H'))
                ? 0
                : 1;
    int here = macro_score(eq);
    if (here < 0) { /* not reachable from a vector that parsed */
        snprintf(why, whylen, "no macrovector %d%d%d%d%d%d", eq[0], eq[1], eq[2], eq[3], eq[4],
                 eq[5]);
        return false;
    }

    /* The score of the next lower macrovector along each class; EQ3 and
     * EQ6 move together, and from 0 0 the higher of the two neighbours. */
    int lower[5];
    for (int k = 0; k < 5; k++) {
        int next[6];
        memcpy(next, eq, sizeof next);
        if (k == 2) {
            if (eq[2] == 0 && eq[5] == 0) {
                int left[6], right[6];
                memcpy(left, eq, sizeof left);
                memcpy(right, eq, sizeof right);
                left[5]++;
                right[2]++;
                int l = macro_score(left), r = macro_score(right);
                lower[k] = l > r ? l : r;
                continue;
            }
            if (eq[2] == 1 && eq[5] == 0)
                next[5]++;
            else if (eq[2] == 2)
                next[2]++, next[5]++;
            else
                next[2]++;
        } else {
            next[k]++;
        }
        lower[k] = macro_score(next);
    }

    static const int M1[] = {AV, PR, UI}, M2[] = {AC, AT}, M36[] = {VC, VI, VA, CR, IR, AR},
                     M4[] = {SC, SI, SA};
    int dist[5] = {
        distance(MAX_EQ1[eq[0]], 3, M1, 3, eff),
        distance(MAX_EQ2[eq[1]], 2, M2, 2, eff),
        distance(MAX_EQ36[eq[2]][eq[5]], 5, M36, 6, eff),
        distance(MAX_EQ4[eq[3]], 1, M4, 3, eff),
        0,
    };
    /* The depth of each class (its greatest distance plus one), in tenths. */
    static const int DEPTH1[3] = {1, 4, 5}, DEPTH2[2] = {1, 2},
                     DEPTH36[3][2] = {{7, 6}, {8, 8}, {0, 10}}, DEPTH4[3] = {6, 5, 4};
    int depth[5] = {DEPTH1[eq[0]], DEPTH2[eq[1]], DEPTH36[eq[2]][eq[5]], DEPTH4[eq[3]], 1};

    double value = here / 10.0, sum = 0;
    int counted = 0;
    for (int k = 0; k < 5; k++) {
        if (lower[k] < 0) continue;
        counted++;
        sum += (here - lower[k]) / 10.0 * dist[k] / depth[k];
    }
    if (counted) value -= sum / counted;
    value = fmax(0, fmin(10, value));
    *score = floor(value * 10 + 0.5 + 1e-6) / 10;
    return true;
}
