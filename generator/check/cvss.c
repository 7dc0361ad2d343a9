/* cvss.c: the base score of a CVSS v3.0 or v3.1 vector, computed as the
 * FIRST specifications define it (the metric weights, the impact and
 * exploitability sub-scores, the scope change, and each version's round-up),
 * and the qualitative rating of a score. The check stage computes the score
 * once; the outputs show it, and a vector that does not parse or a score
 * that disagrees with its vector is a finding (rules_postmarket.c). Part of
 * check/. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

typedef struct Metric {
    const char *key;
    const char *values; /* the letters allowed, in order */
    double weights[4];
} Metric;

/* The base metrics; PR's weights are for an unchanged scope (L and H
 * weigh more when the scope changes, below). */
static const Metric BASE[] = {
    {"AV", "NALP", {0.85, 0.62, 0.55, 0.2}},
    {"AC", "LH", {0.77, 0.44}},
    {"PR", "NLH", {0.85, 0.62, 0.27}},
    {"UI", "NR", {0.85, 0.62}},
    {"S", "UC", {0, 0}},
    {"C", "HLN", {0.56, 0.22, 0}},
    {"I", "HLN", {0.56, 0.22, 0}},
    {"A", "HLN", {0.56, 0.22, 0}},
};
enum { NBASE = sizeof BASE / sizeof BASE[0] };

/* The temporal and environmental metrics a vector may carry after the base
 * ones, with their letters; they do not change the base score. */
static const struct {
    const char *key, *values;
} OTHER[] = {{"E", "XUPFH"}, {"RL", "XOTWU"},  {"RC", "XURC"}, {"CR", "XLMH"},  {"IR", "XLMH"},
             {"AR", "XLMH"}, {"MAV", "XNALP"}, {"MAC", "XLH"}, {"MPR", "XNLH"}, {"MUI", "XNR"},
             {"MS", "XUC"},  {"MC", "XNLH"},   {"MI", "XNLH"}, {"MA", "XNLH"}};

/* CVSS v3.1's round-up: the smallest number of one decimal at or above x,
 * computed on integers so that floating point does not push it up a step. */
static double roundup31(double x) {
    long i = lround(x * 100000);
    return i % 10000 == 0 ? i / 100000.0 : (floor(i / 10000.0) + 1) / 10.0;
}

static double roundup30(double x) {
    return ceil(x * 10) / 10;
}

bool cvss3_score(const char *vector, double *score, char *why, size_t whylen) {
    int minor;
    int at = 0;
    if (sscanf(vector, "CVSS:3.%1d/%n", &minor, &at) != 1 || at == 0 || minor > 1) {
        snprintf(why, whylen, "a CVSS v3 vector starts with CVSS:3.0/ or CVSS:3.1/");
        return false;
    }
    int pick[NBASE];
    for (size_t i = 0; i < NBASE; i++)
        pick[i] = -1;
    for (const char *p = vector + at; *p;) {
        size_t n = strcspn(p, "/");
        const char *colon = memchr(p, ':', n);
        if (!colon || colon == p || (size_t)(colon - p) + 2 != n) {
            snprintf(why, whylen, "'%.*s' is not METRIC:VALUE", (int)n, p);
            return false;
        }
        size_t klen = (size_t)(colon - p);
        char value = colon[1];
        bool known = false;
        for (size_t i = 0; i < NBASE && !known; i++) {
            if (strlen(BASE[i].key) != klen || strncmp(BASE[i].key, p, klen) != 0) continue;
            known = true;
            const char *v = strchr(BASE[i].values, value);
            if (!v || !value) {
                snprintf(why, whylen, "%s takes one of %s, not %c", BASE[i].key, BASE[i].values,
                         value);
                return false;
            }
            if (pick[i] >= 0) {
                snprintf(why, whylen, "%s is given twice", BASE[i].key);
                return false;
            }
            pick[i] = (int)(v - BASE[i].values);
        }
        for (size_t i = 0; i < sizeof OTHER / sizeof OTHER[0] && !known; i++)
            if (strlen(OTHER[i].key) == klen && strncmp(OTHER[i].key, p, klen) == 0) {
                known = true;
                if (!value || !strchr(OTHER[i].values, value)) {
                    snprintf(why, whylen, "%s takes one of %s, not %c", OTHER[i].key,
                             OTHER[i].values, value);
                    return false;
                }
            }
        if (!known) {
            snprintf(why, whylen, "%.*s is not a CVSS v3 metric", (int)klen, p);
            return false;
        }
        p += n + (p[n] == '/');
    }
    for (size_t i = 0; i < NBASE; i++)
        if (pick[i] < 0) {
            snprintf(why, whylen, "the base metric %s is missing", BASE[i].key);
            return false;
        }
    bool changed = pick[4] == 1;
    double w[NBASE];
    for (size_t i = 0; i < NBASE; i++)
        w[i] = BASE[i].weights[pick[i]];
    if (changed && pick[2] == 1) w[2] = 0.68;
    if (changed && pick[2] == 2) w[2] = 0.5;
    double iss = 1 - (1 - w[5]) * (1 - w[6]) * (1 - w[7]);
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
    double exploitability = 8.22 * w[0] * w[1] * w[2] * w[3];
    double (*up)(double) = minor == 1 ? roundup31 : roundup30;
    if (impact <= 0)
        *score = 0;
    else if (changed)
        *score = up(fmin(1.08 * (impact + exploitability), 10));
    else
        *score = up(fmin(impact + exploitability, 10));
    return true;
}

const char *cvss_rating(double score) {
    return score == 0  ? "none"
           : score < 4 ? "low"
           : score < 7 ? "medium"
           : score < 9 ? "high"
                       : "critical";
}
