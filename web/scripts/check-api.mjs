// Fails when src/api/schema.d.ts is not what openapi-typescript makes of the server's
// OpenAPI document (../src/app/openapi.json): run `npm run gen:api` and commit the result.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const web = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = mkdtempSync(join(tmpdir(), 'kefu-api-'))
const fresh = join(dir, 'schema.d.ts')
try {
  execFileSync(process.execPath, [join(web, 'node_modules/openapi-typescript/bin/cli.js'), join(web, '../src/app/openapi.json'), '-o', fresh], { stdio: ['ignore', 'ignore', 'inherit'] })
  const committed = readFileSync(join(web, 'src/api/schema.d.ts'), 'utf8')
  if (readFileSync(fresh, 'utf8') !== committed) {
    console.error('check:api: web/src/api/schema.d.ts is stale; run `npm run gen:api` in web/ and commit it')
    process.exit(1)
  }
  console.log('check:api: web/src/api/schema.d.ts matches src/app/openapi.json')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
