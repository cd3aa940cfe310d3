// Writes the Grafana dashboards in deploy/grafana/dashboards/ from the compact specs in
// deploy/grafana/dashboards.ts. `npm run docs:dashboards` rewrites them; a test checks the files
// are up to date and that every query uses only metric names Bakery exports.
import { writeFileSync } from 'node:fs'
import { dashboards, renderDashboard } from '../deploy/grafana/dashboards.ts'

const root = new URL('../deploy/grafana/dashboards/', import.meta.url)
for (const spec of dashboards) {
  writeFileSync(new URL(`${spec.uid}.json`, root), `${JSON.stringify(renderDashboard(spec), null, 2)}\n`)
}
process.stdout.write(`wrote ${dashboards.length} dashboards\n`)
