// The dashboard's settings: its ports, the upstreams it calls, who may read it, demo traffic.
import { type ConfigOf, flag, keyValues, oneOf, optionalText, port, text } from '../platform/config/fields.ts'

export const dashboardPorts = {
  dashboardPort: port('BAKERY_DASHBOARD_PORT', 3000, 'Dashboard: web UI, trace viewer, OTLP/HTTP receiver'),
  dashboardOtlpGrpcPort: port('BAKERY_DASHBOARD_OTLP_GRPC_PORT', 4317, 'Dashboard: OTLP/gRPC trace receiver'),
} as const

export const dashboardSettings = {
  dashboardUpstreams: keyValues('BAKERY_DASHBOARD_UPSTREAMS', {
    doc: 'Service base URLs the dashboard calls, e.g. reception=http://bakery:8000 (default: 127.0.0.1 and each service port)',
  }),
  dashboardAllowedHosts: text('BAKERY_DASHBOARD_ALLOWED_HOSTS', 'localhost,127.0.0.1,[::1],*.localhost', {
    doc: 'Host names the dashboard answers (comma-separated, *.domain wildcards, * = any); other Host headers get 421',
  }),
  dashboardReadAccess: oneOf('BAKERY_DASHBOARD_READ_ACCESS', 'auto', ['auto', 'open', 'token'], {
    doc: 'Who may read the dashboard API: open = anyone allowed by Host, token = logged-in only, auto = open when HOST is loopback',
  }),
  traceUiUrl: optionalText('BAKERY_TRACE_UI_URL', {
    doc: 'External trace UI link, {traceId} replaced, e.g. http://localhost:16686/trace/{traceId}',
  }),
} as const

export const demoSettings = {
  demoTraffic: flag('BAKERY_DEMO_TRAFFIC', false, {
    doc: 'Light demo traffic from the dashboard (orders, coffees, events, album reads, a few per second); bakery start with every service turns it on unless this is false',
  }),
} as const

export const dashboardSchema = { ...dashboardPorts, ...dashboardSettings, ...demoSettings } as const

export type DashboardConfig = ConfigOf<typeof dashboardSchema>
