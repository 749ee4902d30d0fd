{{/*
Names derive from the release, never from the chart, so two releases of this chart can live in
one namespace without colliding. Helm caps release names at 53 characters, so "-production"
keeps Deployment names within limits; they are not truncated, because a truncated name could
make the production and canary Deployments collide.
*/}}

{{/* canary-app.serviceName is the Service name: service.name, or the release name. */}}
{{- define "canary-app.serviceName" -}}
{{- default .Release.Name .Values.service.name -}}
{{- end -}}

{{/* canary-app.serviceHost is the Service's in-cluster FQDN, the host Istio routes to. */}}
{{- define "canary-app.serviceHost" -}}
{{- printf "%s.%s.svc.cluster.local" (include "canary-app.serviceName" .) .Release.Namespace -}}
{{- end -}}

{{/* canary-app.labels are the standard labels every object carries. */}}
{{- define "canary-app.labels" -}}
app: {{ .Release.Name | quote }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/*
canary-app.hosts are the VirtualService hosts: the Service FQDN (mesh traffic) first, then the
extra hosts from values (traffic through the Gateway).
*/}}
{{- define "canary-app.hosts" -}}
{{- $hosts := list (include "canary-app.serviceHost" .) -}}
{{- range .Values.hosts }}{{ $hosts = append $hosts . }}{{ end -}}
{{- toYaml (uniq $hosts) -}}
{{- end -}}

{{/*
canary-app.checkWeights stops the render when the two weights do not sum to 100: Istio would
reject the VirtualService anyway, but only after helm had already changed the Deployments.
The schema checks each weight alone; only a template can check the pair.
*/}}
{{- define "canary-app.checkWeights" -}}
{{- $production := int .Values.productionDeployment.weight -}}
{{- $canary := int .Values.canaryDeployment.weight -}}
{{- if ne (add $production $canary) 100 -}}
{{- fail (printf "productionDeployment.weight (%d) + canaryDeployment.weight (%d) must be 100, got %d" $production $canary (add $production $canary)) -}}
{{- end -}}
{{- end -}}

{{/*
canary-app.deployment renders one of the two Deployments. Called with a dict:
  root: the top-level context; role: "production" or "canary"; values: that role's values.
The selector is app + canary only: it is immutable, so it must not include the tag, and it must
tell the two Deployments apart. The DestinationRule subsets select the same canary label.
*/}}
{{- define "canary-app.deployment" -}}
{{- $root := .root -}}
{{- $v := .values -}}
{{- $canary := ternary "true" "false" (eq .role "canary") -}}
{{- $tag := toString $v.image.tag -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ printf "%s-%s" $root.Release.Name .role }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "canary-app.labels" $root | nindent 4 }}
    canary: {{ $canary | quote }}
    version: {{ $tag | quote }}
    app.kubernetes.io/component: {{ .role }}
spec:
  replicas: {{ int $v.replicaCount }}
  selector:
    matchLabels:
      app: {{ $root.Release.Name | quote }}
      canary: {{ $canary | quote }}
  template:
    metadata:
      labels:
        app: {{ $root.Release.Name | quote }}
        canary: {{ $canary | quote }}
        {{- /* Istio telemetry reports the version label: requests per tag. */}}
        version: {{ $tag | quote }}
    spec:
      containers:
        - name: app
          image: {{ printf "%s:%s" $v.image.repository $tag | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy | default "IfNotPresent" }}
          ports:
            - name: http
              containerPort: {{ $root.Values.containerPort }}
              protocol: TCP
          readinessProbe:
            {{- include "canary-app.httpProbe" $root.Values.probes.readiness | nindent 12 }}
          livenessProbe:
            {{- include "canary-app.httpProbe" $root.Values.probes.liveness | nindent 12 }}
          {{- with $root.Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
{{- end -}}

{{/* canary-app.httpProbe is an HTTP GET probe on the named port, from one probes.* entry. */}}
{{- define "canary-app.httpProbe" -}}
httpGet:
  path: {{ .path | default "/" }}
  port: http
{{- range $key := list "initialDelaySeconds" "periodSeconds" "timeoutSeconds" "failureThreshold" }}
{{- if hasKey $ $key }}
{{ $key }}: {{ get $ $key }}
{{- end }}
{{- end }}
{{- end -}}
