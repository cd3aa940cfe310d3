{{/* Pod and container settings both collector roles share. Call with (dict "root" $ "role" "agent"). */}}
{{- define "bakery.collector.container" -}}
- name: otelcol
  image: {{ .root.Values.collector.image }}
  args: [--config=/etc/otelcol/config.yaml]
  ports:
    - name: otlp-grpc
      containerPort: 4317
    - name: otlp-http
      containerPort: 4318
    - name: health
      containerPort: 13133
    {{- if eq .role "gateway" }}
    - name: metrics
      containerPort: 8889
    {{- end }}
  env:
    - name: MY_POD_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    # memory_limiter works from the container's limit; GOMEMLIMIT keeps the Go heap under it.
    - name: GOMEMLIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.memory
    - name: K8S_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
  livenessProbe:
    httpGet:
      path: /
      port: health
    periodSeconds: 10
  readinessProbe:
    httpGet:
      path: /
      port: health
    periodSeconds: 5
  resources:
    {{- toYaml (get .root.Values.collector .role).resources | nindent 4 }}
  securityContext:
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities:
      drop: [ALL]
  volumeMounts:
    - name: config
      mountPath: /etc/otelcol
{{- end -}}

{{- define "bakery.collector.podSecurity" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}


{{/* The agent's configuration: receive OTLP, protect memory, batch, forward to the gateway. */}}
{{- define "bakery.collector.agentConfig" -}}
extensions:
  health_check:
    endpoint: ${env:MY_POD_IP}:13133
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${env:MY_POD_IP}:4317
      http:
        endpoint: ${env:MY_POD_IP}:4318
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 25
  resource:
    attributes:
      - key: k8s.node.name
        value: ${env:K8S_NODE_NAME}
        action: upsert
  batch:
    send_batch_size: 1024
    timeout: 1s
exporters:
  otlp/gateway:
    endpoint: {{ include "bakery.fullname" . }}-otel-gateway:4317
    tls:
      insecure: true
    sending_queue:
      queue_size: 5000
    retry_on_failure:
      enabled: true
service:
  extensions: [health_check]
  pipelines:
    {{- range list "traces" "metrics" "logs" }}
    {{ . }}:
      receivers: [otlp]
      processors: [memory_limiter, resource, batch]
      exporters: [otlp/gateway]
    {{- end }}
{{- end -}}

{{/*
The gateway's configuration. Two trace pipelines from one receiver: everything to the dashboard's
OTLP receiver (its store is bounded), and tail-sampled traces to Jaeger/Tempo when configured.
*/}}
{{- define "bakery.collector.gatewayConfig" -}}
{{- $g := .Values.collector.gateway -}}
{{- $dashboard := get .Values.services "dashboard" -}}
{{- $toDashboard := and $dashboard (ne (toString (default true $dashboard.enabled)) "false") -}}
extensions:
  health_check:
    endpoint: ${env:MY_POD_IP}:13133
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${env:MY_POD_IP}:4317
      http:
        endpoint: ${env:MY_POD_IP}:4318
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 25
  tail_sampling:
    decision_wait: 10s
    num_traces: 100000
    expected_new_traces_per_sec: 1000
    policies:
      - name: keep-errors
        type: status_code
        status_code:
          status_codes: [ERROR]
      - name: keep-slow
        type: latency
        latency:
          threshold_ms: {{ $g.slowTraceMs }}
      - name: sample-the-rest
        type: probabilistic
        probabilistic:
          sampling_percentage: {{ $g.samplingPercentage }}
  batch:
    send_batch_size: 2048
    timeout: 2s
exporters:
  {{- if $toDashboard }}
  # The dashboard's OTLP/HTTP receiver (POST /v1/traces, ... on its own port).
  otlphttp/dashboard:
    endpoint: http://{{ include "bakery.serviceName" (dict "root" . "name" "dashboard") }}:{{ default 3000 $dashboard.port }}
    compression: gzip
    retry_on_failure:
      enabled: true
  {{- end }}
  {{- if $g.tracesEndpoint }}
  otlp/traces:
    endpoint: {{ $g.tracesEndpoint }}
    tls:
      insecure: true
  {{- end }}
  prometheus:
    endpoint: ${env:MY_POD_IP}:8889
    # OTLP-pushed series get an otlp_ prefix, so they never collide with the direct scrapes.
    namespace: otlp
    resource_to_telemetry_conversion:
      enabled: true
    enable_open_metrics: true
  debug:
    verbosity: basic
service:
  extensions: [health_check]
  pipelines:
    {{- if and $toDashboard (has "traces" $g.dashboardSignals) }}
    traces/dashboard:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlphttp/dashboard]
    {{- end }}
    {{- if $g.tracesEndpoint }}
    traces/sampled:
      receivers: [otlp]
      processors: [memory_limiter, tail_sampling, batch]
      exporters: [otlp/traces]
    {{- end }}
    {{- if not (or (and $toDashboard (has "traces" $g.dashboardSignals)) $g.tracesEndpoint) }}
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [debug]
    {{- end }}
    metrics:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [prometheus{{ if and $toDashboard (has "metrics" $g.dashboardSignals) }}, otlphttp/dashboard{{ end }}]
    logs:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [{{ if and $toDashboard (has "logs" $g.dashboardSignals) }}otlphttp/dashboard{{ else }}debug{{ end }}]
{{- end -}}
