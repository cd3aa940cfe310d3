{{/*
In-chart data services. Each one is deployed when its values block is enabled AND no external
server is named for it: connections.<URL> (or config.KAFKA_BROKERS) empty and no existingSecret.
Call with (dict "root" $ "name" "postgresql").
*/}}
{{- define "bakery.data.external" -}}
{{- $root := .root -}}
{{- $key := get (dict "postgresql" "DATABASE_URL" "rabbitmq" "AMQP_URL" "redis" "REDIS_URL" "influxdb" "INFLUX_URL" "kafka" "KAFKA_BROKERS") .name -}}
{{- $value := ternary (get $root.Values.config $key) (get $root.Values.connections $key) (eq .name "kafka") -}}
{{- if or $root.Values.existingSecret $value -}}true{{- end -}}
{{- end -}}

{{- define "bakery.data.on" -}}
{{- $values := get .root.Values .name -}}
{{- if and $values.enabled (not (include "bakery.data.external" .)) -}}true{{- end -}}
{{- end -}}

{{/* Name of an in-chart data service's objects: <fullname>-<name>. */}}
{{- define "bakery.data.name" -}}
{{- printf "%s-%s" (include "bakery.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "bakery.data.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "bakery.data.labels" -}}
{{ include "bakery.labels" .root }}
{{ include "bakery.data.selectorLabels" . }}
{{- end -}}

{{/* The Secret holding the in-chart services' generated passwords. */}}
{{- define "bakery.data.secretName" -}}
{{- printf "%s-data" (include "bakery.fullname" .) -}}
{{- end -}}

{{/*
A generated credential (48 random characters), the same in every template of one render and kept
across upgrades: read back from the release's Secret when it exists. Call with (dict "root" $ "key" "postgres-password").
*/}}
{{- define "bakery.generated" -}}
{{- $root := .root -}}
{{- if not (hasKey $root.Values "_generated") -}}
{{- $_ := set $root.Values "_generated" dict -}}
{{- end -}}
{{- $cache := $root.Values._generated -}}
{{- if not (hasKey $cache .key) -}}
{{- $existing := lookup "v1" "Secret" $root.Release.Namespace (include "bakery.data.secretName" $root) -}}
{{- $value := "" -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- $value = index $existing.data .key | b64dec -}}
{{- else -}}
{{- $value = randAlphaNum 48 -}}
{{- end -}}
{{- $_ := set $cache .key $value -}}
{{- end -}}
{{- get $cache .key -}}
{{- end -}}

{{/* Connection settings of the services (Secret): given URLs, else the in-chart servers. */}}
{{- define "bakery.connections" -}}
{{- $root := . -}}
{{- $c := deepCopy .Values.connections -}}
{{- if include "bakery.data.on" (dict "root" $root "name" "postgresql") -}}
{{- $_ := set $c "DATABASE_URL" (printf "postgres://bakery:%s@%s:5432/bakery" (include "bakery.generated" (dict "root" $root "key" "postgres-password")) (include "bakery.data.name" (dict "root" $root "name" "postgresql"))) -}}
{{- end -}}
{{- if include "bakery.data.on" (dict "root" $root "name" "rabbitmq") -}}
{{- $_ := set $c "AMQP_URL" (printf "amqp://bakery:%s@%s:5672" (include "bakery.generated" (dict "root" $root "key" "rabbitmq-password")) (include "bakery.data.name" (dict "root" $root "name" "rabbitmq"))) -}}
{{- end -}}
{{- if include "bakery.data.on" (dict "root" $root "name" "redis") -}}
{{- $_ := set $c "REDIS_URL" (printf "redis://:%s@%s:6379" (include "bakery.generated" (dict "root" $root "key" "redis-password")) (include "bakery.data.name" (dict "root" $root "name" "redis"))) -}}
{{- end -}}
{{- if include "bakery.data.on" (dict "root" $root "name" "influxdb") -}}
{{- $_ := set $c "INFLUX_URL" (printf "http://%s:8086" (include "bakery.data.name" (dict "root" $root "name" "influxdb"))) -}}
{{- end -}}
{{- if not $c.BAKERY_ADMIN_TOKEN -}}
{{- $_ := set $c "BAKERY_ADMIN_TOKEN" (include "bakery.generated" (dict "root" $root "key" "admin-token")) -}}
{{- end -}}
{{- range $key, $value := $c }}{{ if not $value }}{{ $_ := unset $c $key }}{{ end }}{{ end -}}
{{- toYaml $c -}}
{{- end -}}

{{/* Plain settings of the services (ConfigMap): Kafka and the collector default to the in-chart ones. */}}
{{- define "bakery.config" -}}
{{- $root := . -}}
{{- $c := deepCopy .Values.config -}}
{{- if include "bakery.data.on" (dict "root" $root "name" "kafka") -}}
{{- $brokers := list -}}
{{- $name := include "bakery.data.name" (dict "root" $root "name" "kafka") -}}
{{- range $i := until (int .Values.kafka.brokers) -}}
{{- $brokers = append $brokers (printf "%s-%d.%s-headless:9092" $name $i $name) -}}
{{- end -}}
{{- $_ := set $c "KAFKA_BROKERS" (join "," $brokers) -}}
{{- end -}}
{{- if and (not $c.OTEL_EXPORTER_OTLP_ENDPOINT) .Values.collector.enabled -}}
{{- $_ := set $c "OTEL_EXPORTER_OTLP_ENDPOINT" (printf "http://%s-otel-agent:4318" (include "bakery.fullname" $root)) -}}
{{- end -}}
{{- range $key, $value := $c }}{{ if eq (toString $value) "" }}{{ $_ := unset $c $key }}{{ end }}{{ end -}}
{{- toYaml $c -}}
{{- end -}}

{{/* Security settings every in-chart server container gets (read-only root unless the image writes to it). */}}
{{- define "bakery.data.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .readOnlyRootFilesystem | default false }}
capabilities:
  drop: [ALL]
{{- end -}}

{{- define "bakery.data.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .runAsUser }}
runAsGroup: {{ .runAsUser }}
fsGroup: {{ .runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The volume claim of a data service's StatefulSet. */}}
{{- define "bakery.data.volumeClaim" -}}
volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      {{- with .persistence.storageClassName }}
      storageClassName: {{ . }}
      {{- end }}
      resources:
        requests:
          storage: {{ .persistence.size }}
{{- end -}}

{{/*
An init container that waits (bounded, 5 minutes) until the in-chart data servers accept TCP
connections, so services and the migration Job start against servers that are up instead of
crash-looping while a first install brings them up. Empty when no in-chart server is on.
*/}}
{{- define "bakery.data.waitFor" -}}
{{- $root := . -}}
{{- $targets := list -}}
{{- range $name, $port := dict "postgresql" 5432 "rabbitmq" 5672 "redis" 6379 "influxdb" 8086 "kafka" 9092 -}}
{{- if include "bakery.data.on" (dict "root" $root "name" $name) -}}
{{- $host := include "bakery.data.name" (dict "root" $root "name" $name) -}}
{{- if eq $name "kafka" }}{{ $host = printf "%s-0.%s-headless" $host $host }}{{ end -}}
{{- $targets = append $targets (printf "%s:%d" $host (int $port)) -}}
{{- end -}}
{{- end -}}
{{- if $targets }}
- name: wait-for-data-services
  image: {{ include "bakery.image" $root }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  command:
    - node
    - -e
    - |
      const net = require('node:net')
      const up = (t) => new Promise((ok) => { const [h, p] = t.split(':'); const s = net.connect(+p, h, () => { s.destroy(); ok(true) }); s.on('error', () => ok(false)); s.setTimeout(2000, () => { s.destroy(); ok(false) }) })
      const targets = process.argv.slice(1)
      ;(async () => { for (let i = 0; i < 150; i++) { const down = []; for (const t of targets) if (!(await up(t))) down.push(t); if (!down.length) return; console.log('waiting for', down.join(' ')); await new Promise((r) => setTimeout(r, 2000)) } process.exit(1) })()
    {{- range $targets }}
    - {{ . | quote }}
    {{- end }}
  resources:
    requests:
      cpu: 10m
      memory: 32Mi
    limits:
      memory: 64Mi
  securityContext:
    {{- toYaml $root.Values.containerSecurityContext | nindent 4 }}
{{- end }}
{{- end -}}
