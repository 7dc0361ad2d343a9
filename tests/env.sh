# tests/env.sh: the environment every test runs in, whatever the shell that
# started it had: a Debian package build or a CI runner sets
# SOURCE_DATE_EPOCH, a desk has its own TZ, locale and DOSSIER_* settings,
# and any of them would change what dossier writes or how the checks read
# it. Sourced by tests/run.sh, tests/lib.sh (so a case run alone gets it
# too) and tests/leakcheck/run.sh. A case that tests a variable sets it on
# the command it runs.
export SOURCE_DATE_EPOCH=1764547200 # 2025-12-01, the date the expectations are written for
export TZ=UTC LC_ALL=C.UTF-8
unset LANGUAGE
# every variable dossier reads (grep getenv generator/) but DOSSIER_CHROMIUM,
# which names the engine the PDF and browser tests use, and PATH and TMPDIR
unset DOSSIER_DATADIR DOSSIER_CYCLONEDX_SCHEMAS DOSSIER_SIGN_PASSWORD DOSSIER_PDF_JOBS DOSSIER_PDF_TIMEOUT
