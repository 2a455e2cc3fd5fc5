import Foundation
import PapaoursProtocol
import PostgresHarness

/// Hosts of one fleet on a real PostgreSQL: each a papaoursd with its own socket and LMDB.
/// The first host's store becomes the fleet (`--cluster-init`); the others join empty.
final class Fleet: @unchecked Sendable {
    let cluster: PostgresCluster
    let conninfo: String
    private(set) var hosts: [Daemon] = []

    /// `names` hosts on a new database of `cluster` (the shared one unless given).
    init(_ names: [String], cluster: PostgresCluster? = nil, extra: [String] = []) throws {
        self.cluster = try cluster ?? PostgresCluster.get()
        conninfo = try self.cluster.createDatabase()
        for name in names {
            hosts.append(try Daemon(config: ["cluster postgresql \"\(conninfo)\"", "host-name \(name)", "cluster-poll 200ms"] + extra,
                                    start: false))
        }
        let initialised = try spawn([productsDirectory() + "/papaoursd", "--cluster-init", "--config", hosts[0].configPath])
        guard initialised.status == 0 else { throw DaemonError(message: "cluster-init failed: \(initialised.output)") }
        for host in hosts { try host.start() }
    }

    subscript(_ index: Int) -> Daemon { hosts[index] }

    /// Polls `condition` every 10 ms until it holds or `seconds` pass; whether it held.
    static func within(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if condition() { return true }
            usleep(10_000)
        } while Date() < deadline
        return condition()
    }
}

extension LineConnection {
    /// STATS' value of `attribute`.
    func stat(_ attribute: String) -> String? { call("STATS")[attribute] }

    /// Every EVENT line of the journal, a page of 1,000 at a time.
    func journal() -> [String] {
        var events: [String] = []
        while true {
            let last = events.last.flatMap { $0.split(separator: " ").first { $0.hasPrefix("seq=") } }.map { String($0.dropFirst(4)) } ?? "0"
            let page = request("AUDIT after=\(last) limit=1000").filter { $0.hasPrefix("EVENT ") }
            guard !page.isEmpty else { return events }
            events += page
        }
    }
}
