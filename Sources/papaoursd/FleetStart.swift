import PapaoursFleet
import PapaoursServer
import PapaoursStore

/// A fleet host's parts, made before READY once the store has joined the fleet.
struct FleetStart {
    let status: FleetStatus
    let writer: FleetWriter?
    let follower: FleetFollower?

    /// With a cluster line: joins (copying or catching up, as FleetJoin says) and makes the
    /// writer's and the follower's connections; otherwise a lone host's status.
    static func prepare(_ configuration: Configuration, store: Store) -> FleetStart {
        let host = configuration.effectiveHostName
        guard let conninfo = configuration.cluster else {
            return FleetStart(status: FleetStatus(hostName: host, inFleet: false), writer: nil, follower: nil)
        }
        let status = FleetStatus(hostName: host, maxStale: configuration.clusterMaxStale, inFleet: true)
        let settings = FleetSettings(conninfo: conninfo, host: host, poll: configuration.clusterPoll)
        do {
            Log.info("joining the fleet as host \(Log.token(host))")
            let joined = try FleetJoin.prepare(store: store, settings: settings, status: status)
            Log.info(joined)
        } catch {
            store.close()
            fail("cannot serve as a fleet host: \(error.message)", status: 1)
        }
        let warn: @Sendable (String) -> Void = { Log.warning($0) }
        return FleetStart(status: status, writer: FleetWriter(settings, status: status, warn: warn),
                          follower: FleetFollower(store: store, settings: settings, status: status, warn: warn))
    }

}

extension FleetStatus {
    /// What the service status line adds: the fleet's state.
    var serviceText: String {
        switch link {
        case .off: ""
        case .connected: "; fleet: connected, change \(head)"
        case .disconnected: "; fleet: PostgreSQL unreachable, serving from the replica"
        }
    }
}
