import Foundation

/// Counters for `GET /metrics`, in Prometheus's text format. Counts only: no address, no report.
public final class ServerMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var responses: [String: Int] = [:]
    private var accepted: [String: Int] = [:]
    private var deleted = 0

    public init() {}

    func count(route: String, status: Int) {
        lock.withLock { responses["route=\"\(route)\",status=\"\(status)\"", default: 0] += 1 }
    }

    func accepted(channel: String) { lock.withLock { accepted["channel=\"\(channel)\"", default: 0] += 1 } }
    func deleted(_ count: Int) { lock.withLock { deleted += count } }

    func text(pending: Int, priorsVersion: Int) -> String {
        lock.withLock {
            var lines = ["# HELP hum_sync_responses_total Responses by route and status.",
                         "# TYPE hum_sync_responses_total counter"]
            lines += responses.keys.sorted().map { "hum_sync_responses_total{\($0)} \(responses[$0]!)" }
            lines += ["# HELP hum_sync_reports_accepted_total Reports stored, by channel.",
                      "# TYPE hum_sync_reports_accepted_total counter"]
            lines += accepted.keys.sorted().map { "hum_sync_reports_accepted_total{\($0)} \(accepted[$0]!)" }
            lines += ["# HELP hum_sync_reports_deleted_total Reports deleted by their senders.",
                      "# TYPE hum_sync_reports_deleted_total counter", "hum_sync_reports_deleted_total \(deleted)",
                      "# HELP hum_sync_reports_pending Raw reports waiting for their day to close.",
                      "# TYPE hum_sync_reports_pending gauge", "hum_sync_reports_pending \(pending)",
                      "# HELP hum_sync_priors_version The priors document served.",
                      "# TYPE hum_sync_priors_version gauge", "hum_sync_priors_version \(priorsVersion)"]
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
