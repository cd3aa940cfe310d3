// Settings of the incident runner and the CLIs that reach the dashboard (bakery incident, bakery mcp).
import { type ConfigOf, text, url } from '../platform/config/fields.ts'

export const incidentsSettings = {
  incidentDir: text('BAKERY_INCIDENT_DIR', '.bakery/incidents', {
    doc: 'Where incident runs keep their ground truth (ground-truth.jsonl) and telemetry (runs/<id>/)',
  }),
} as const

export const dashboardLink = {
  dashboardUrl: url('BAKERY_DASHBOARD_URL', 'http://127.0.0.1:3000', ['http:', 'https:'], {
    doc: 'Where bakery incident and bakery mcp find the dashboard (the incident runner and trace API)',
  }),
} as const

export const incidentsSchema = { ...incidentsSettings, ...dashboardLink } as const

export type IncidentsConfig = ConfigOf<typeof incidentsSchema>
