// csaf_check.mjs: the project's CSAF 2.0 validator for the tests. Runs the
// strict JSON schema and every mandatory test (spec 6.1) of
// @secvisogram/csaf-validator-lib over each file named on the command line
// and prints every error with its JSON path. Exit 0 all valid, 1 any
// invalid or unreadable, 2 no file given.
import { readFileSync } from 'node:fs'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'

const files = process.argv.slice(2)
if (files.length === 0) {
  console.error('usage: node csaf_check.mjs FILE.json...')
  process.exit(2)
}
const tests = [csaf_2_0_strict, ...Object.keys(mandatory).sort().map((name) => mandatory[name])]
let invalid = 0
for (const file of files) {
  let doc
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    console.log(`INVALID ${file}: cannot read: ${e.message}`)
    invalid++
    continue
  }
  const result = await validateStrict(tests, doc)
  if (result.isValid) {
    console.log(`valid ${file} (${result.tests.length} tests)`)
    continue
  }
  invalid++
  console.log(`INVALID ${file}`)
  for (const t of result.tests.filter((t) => !t.isValid)) {
    for (const e of t.errors) console.log(`  ${t.name}: ${e.instancePath || '/'}: ${e.message}`)
  }
}
process.exit(invalid ? 1 : 0)
