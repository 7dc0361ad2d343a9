#!/bin/sh
# The standard-formats benchmark (issue 3): a generated CycloneDX 1.6 XML SBOM
# of 10,000 components and a JUnit report of 50,000 cases, loaded and checked
# by dossier, timed against xmllint --noout over the same two files in the
# same run (fastest of three each). Two reports: one where 1 case in 100
# names a control (typical) and one where every case does (50,000 test
# records). Runs only with BENCH=1 (it takes a while); the target ratio is
# STANDARD_BENCH_TARGET (1.5 by default).
. "$(dirname "$0")/../lib.sh"

if [ "${BENCH:-0}" != 1 ]; then skip "benchmark" "set BENCH=1 to run it"; exit 0; fi
[ -x "$DOSSIER" ] || { skip "benchmark" "no $DOSSIER"; exit 0; }
command -v xmllint >/dev/null || { skip "benchmark" "xmllint is missing (apt-get install libxml2-utils)"; exit 0; }
NC=${BENCH_COMPONENTS:-10000}
NT=${BENCH_CASES:-50000}
TARGET=${STANDARD_BENCH_TARGET:-1.5}

# generate DIR LINK: the dossier; every LINK-th case names a control
generate() {
    d=$1
    mkdir -p "$d/sbom" "$d/tests/results" "$d/controls"
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<dossier xmlns="urn:dossier:1" date="2025-11-01">\n  <product><name>Bench Pump</name><version>1.0</version></product>\n  <manufacturer><name>Example Medical</name></manufacturer>\n</dossier>\n' >"$d/dossier.xml"
    awk -v D="$d" 'BEGIN { for (k = 1; k <= 100; k++) {
        f = sprintf("%s/controls/CTL-%d.md", D, k)
        printf "---\nid: CTL-%d\ntitle: Control %d\ncategory: authentication\nstatement: Does %d.\nstatus: implemented\n---\n", k, k, k > f
        close(f) } }'
    awk -v n="$NC" 'BEGIN {
        print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        print "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\" serialNumber=\"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79\" version=\"1\">"
        print "  <metadata><timestamp>2025-10-01T00:00:00Z</timestamp><authors><author><name>Bench</name></author></authors>"
        print "    <component type=\"firmware\" bom-ref=\"root\"><name>bench</name><version>1.0</version></component></metadata>"
        print "  <components>"
        for (i = 0; i < n; i++) {
            printf "    <component type=\"library\" bom-ref=\"c%d\">\n", i
            printf "      <supplier><name>Supplier %d</name></supplier>\n", i % 50
            printf "      <name>lib%d</name>\n      <version>1.%d.%d</version>\n", i, i % 10, i % 7
            printf "      <hashes><hash alg=\"SHA-256\">%064d</hash></hashes>\n", i
            printf "      <licenses><license><id>MIT</id></license></licenses>\n"
            printf "      <purl>pkg:generic/lib%d@1.%d.%d</purl>\n", i, i % 10, i % 7
            printf "      <properties><property name=\"cdx:fda:level-of-support\">actively maintained</property>"
            printf "<property name=\"cdx:lifecycle:milestone:endOfSupport\">2030-01-01</property></properties>\n"
            printf "    </component>\n"
        }
        print "  </components>"
        print "  <dependencies>"
        printf "    <dependency ref=\"root\">"
        for (i = 0; i < n; i += 100) printf "<dependency ref=\"c%d\"/>", i
        print "</dependency>"
        for (i = 0; i < n; i++) {
            printf "    <dependency ref=\"c%d\">", i
            if (i % 100 != 99 && i + 1 < n) printf "<dependency ref=\"c%d\"/>", i + 1
            print "</dependency>"
        }
        print "  </dependencies>"
        print "</bom>"
    }' >"$d/sbom/bench.cdx.xml"
    awk -v n="$NT" -v link="$2" 'BEGIN {
        print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        print "<testsuites>"
        per = 500
        for (s = 0; s * per < n; s++) {
            printf "  <testsuite name=\"suite%d\" tests=\"%d\" timestamp=\"2025-10-20T09:%02d:00\">\n", s, per, s % 60
            for (i = s * per; i < (s + 1) * per && i < n; i++) {
                if (i % link == 0) name = sprintf("test_ctl_%d_case_%d", i % 100 + 1, i)
                else name = sprintf("test_case_%d", i)
                printf "    <testcase classname=\"tests.suite%d\" name=\"%s\" time=\"0.001\">", s, name
                if (i % 997 == 0) printf "<failure message=\"boom %d\">trace</failure>", i
                print "</testcase>"
            }
            print "  </testsuite>"
        }
        print "</testsuites>"
    }' >"$d/tests/results/bench.xml"
}

# fastest CMD...: the fastest wall time of three runs, in seconds
fastest() {
    best=""
    for i in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >/dev/null 2>&1 || true
        line=$(tail -n 1 "$TMP/time") # after "Command exited with non-zero status 1"
        t=${line%% *}
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; mem=${line#* }; fi
    done
    echo "$best $mem"
}

for link in 100 1; do
    d="$TMP/dossier-$link"
    generate "$d" "$link"
    files="$d/sbom/bench.cdx.xml $d/tests/results/bench.xml"
    bytes=$(cat $files | wc -c)
    set -- $(fastest "$DOSSIER" check "$d"); dt=$1; dm=$2
    set -- $(fastest xmllint --noout $files); xt=$1; xm=$2
    ratio=$(awk "BEGIN{printf \"%.2f\", $dt / ($xt > 0 ? $xt : 0.001)}")
    echo "# $NC components, $NT cases (1 in $link names a control), $bytes bytes: dossier check ${dt}s ${dm} KiB, xmllint --noout ${xt}s ${xm} KiB, ratio $ratio"
    if awk "BEGIN{exit !($ratio <= $TARGET)}"; then
        ok "1 case in $link linked: within ${TARGET}x of xmllint ($ratio)"
    else
        fail "1 case in $link linked: within ${TARGET}x of xmllint" "ratio $ratio (dossier ${dt}s, xmllint ${xt}s)"
    fi
done

# For the record, not a target: the same with the SBOM validated against the
# official XSD (--cyclonedx-schemas), against xmllint --schema.
xsd="$SHARED/schemas-official/cyclonedx"
if [ -f "$xsd/bom-1.6.xsd" ]; then
    d="$TMP/dossier-100"
    set -- $(fastest "$DOSSIER" check "$d" --cyclonedx-schemas "$xsd"); dt=$1; dm=$2
    set -- $(fastest env XML_CATALOG_FILES="$xsd/xmlcatalog.xml" xmllint --nonet --noout --schema "$xsd/bom-1.6.xsd" "$d/sbom/bench.cdx.xml" "$d/tests/results/bench.xml"); xt=$1; xm=$2
    n=$("$DOSSIER" check "$d" --cyclonedx-schemas "$xsd" 2>/dev/null | grep -c "sbom-schema")
    echo "# with the official XSD: dossier check --cyclonedx-schemas ${dt}s ${dm} KiB ($n sbom-schema findings), xmllint --schema ${xt}s ${xm} KiB"
    check "the benchmark SBOM is valid against bom-1.6.xsd" test "$n" -eq 0
fi
