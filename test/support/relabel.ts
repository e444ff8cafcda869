/**
 * The relabelling docs/fleet.md gives for VictoriaMetrics (`-relabelConfig`) and vmagent
 * (`-remoteWrite.relabelConfig`) on the OTLP path, as the fleet and remote-write tests run it:
 * `job` = `service.namespace/service.name` (`name` alone without a namespace), as Prometheus 3's
 * and Mimir's OTLP receivers and the Collector's Prometheus exporters name the service, and
 * `cluster` from `k8s.cluster.name`. Each rule acts only where its source labels exist, so
 * recording-rule outputs written back by vmalert keep their labels.
 */
export const OTLP_RELABEL = [
  '- source_labels: [service_namespace, service_name]',
  '  separator: /',
  "  regex: '/?([^/].*)'",
  '  target_label: job',
  '- source_labels: [k8s_cluster_name]',
  "  regex: '(.+)'",
  '  target_label: cluster',
  '',
].join('\n');
