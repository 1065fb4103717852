import Prometheus

/// A node's counters, in its own Prometheus registry (served by `GET /metrics`). One registry per
/// node, so several nodes in one process (tests) keep separate counts.
public final class NodeMetrics: Sendable {
    /// The registry; the command-line node also hands it to swift-metrics
    /// (`PrometheusMetricsFactory`) for the HTTP server's own metrics.
    public let registry: PrometheusCollectorRegistry

    /// Metrics in `registry` (a new one by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        messagesReceived = registry.makeCounter(name: "tss_peer_messages_received_total", help: "Peer messages received")
        messagesSent = registry.makeCounter(name: "tss_peer_messages_sent_total", help: "Peer messages sent")
        messagesDropped = registry.makeCounter(name: "tss_peer_messages_dropped_total",
                                               help: "Peer messages dropped (not a message of any flow)")
        flowsRunning = registry.makeGauge(name: "tss_flows_running", help: "Flows running on this node")
        presignaturesPooled = registry.makeGauge(name: "tss_presignatures_pooled",
                                                 help: "Presignatures ready in the pools the filler keeps (0 with the filler off)")
    }

    let messagesReceived: Counter
    let messagesSent: Counter
    let messagesDropped: Counter
    let flowsRunning: Gauge
    let presignaturesPooled: Gauge

    func flowStarted(_ kind: String) {
        registry.makeCounter(name: "tss_flows_started_total", labels: [("kind", kind)], help: "Flows started").increment()
    }

    func flowFinished(_ kind: String) {
        registry.makeCounter(name: "tss_flows_finished_total", labels: [("kind", kind)], help: "Flows finished").increment()
    }

    func flowFailed(_ kind: String) {
        registry.makeCounter(name: "tss_flows_failed_total", labels: [("kind", kind)], help: "Flows failed").increment()
    }

    func httpRequest(route: String, status: Int) {
        registry.makeCounter(name: "tss_http_requests_total", labels: [("route", route), ("status", String(status))],
                             help: "HTTP requests by route and status").increment()
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
