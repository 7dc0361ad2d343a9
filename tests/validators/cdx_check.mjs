// cdx_check.mjs: validates CycloneDX JSON documents with the official
// @cyclonedx/cyclonedx-library (strict JSON schema of the document's own
// specVersion). Prints "valid FILE" or "invalid FILE: errors" per file and
// exits 1 when any is invalid. Usage: node cdx_check.mjs FILE...
import { readFileSync } from 'node:fs'
import * as CDX from '@cyclonedx/cyclonedx-library'

let bad = 0
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8')
  const version = JSON.parse(text).specVersion
  const spec = CDX.Spec.Version[`v${String(version).replace('.', 'dot')}`]
  if (!spec) { console.log(`invalid ${file}: unknown specVersion ${version}`); bad++; continue }
  const errors = await new CDX.Validation.JsonStrictValidator(spec).validate(text)
  if (errors === null) console.log(`valid ${file}`)
  else { bad++; console.log(`invalid ${file}: ${JSON.stringify(errors).slice(0, 400)}`) }
}
process.exit(bad ? 1 : 0)
