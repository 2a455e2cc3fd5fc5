import PapaoursCore
import PapaoursStore

/// What a host with a `cluster` line does before READY: checks that the database holds a
/// fleet it can follow, then brings its store to the fleet's state — caught up when it is
/// already the fleet's replica, copied whole when it is empty (or another fleet's).
public enum FleetJoin {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// How long a host with a replica waits for PostgreSQL before serving from the replica.
    public static let patience = 10

    /// Returns what was done, for the log; throws when the host must not serve.
    public static func prepare(store: Store, settings: FleetSettings, status: FleetStatus) throws(Refusal) -> String {
        let local: String?
        do { local = try store.fleetID() } catch { throw Refusal(message: "cannot read the local store: \(error.message)") }
        let connection: PGConnection
        do {
            connection = try PGConnection(conninfo: settings.conninfo, timeout: patience)
        } catch {
            guard local != nil else {
                throw Refusal(message: "cannot join the fleet: \(error.message); this host has no replica yet to serve from")
            }
            status.lost()
            return "PostgreSQL does not answer (\(error.message)): serving from the replica at change \(store.changeSequence), catching up once it answers"
        }
        do {
            switch try settings.schema.state(on: connection) {
            case .absent:
                throw Refusal(message: "the database holds no fleet (no schema \(settings.schema.name)): make it with papaoursd --cluster-init on the host whose store the fleet starts from")
            case .foreign:
                throw Refusal(message: "the database's schema \(settings.schema.name) holds no fleet that papaoursd can read")
            case .fleet(let id, let version):
                guard version == FleetSchema.version else {
                    throw Refusal(message: "the fleet's schema is at version \(version), this papaoursd reads version \(FleetSchema.version): upgrade papaoursd")
                }
                if local == id {
                    let from = store.changeSequence
                    do {
                        try FleetStream.catchUp(store, on: connection, schema: settings.schema, status: status)
                        return "following fleet \(id): caught up from change \(from) to \(store.changeSequence)"
                    } catch let gap as FleetGap {
                        return try copy(on: connection, settings: settings, into: store, status: status, because: "\(gap)")
                    } catch let error as PGError {
                        // A replica serves what it has; the follower catches up once PostgreSQL answers.
                        status.lost()
                        return "PostgreSQL broke off the catch-up at change \(store.changeSequence) of fleet \(id) (\(error.message)): serving from the replica, catching up once it answers"
                    }
                }
                if local == nil, try !store.isEmpty() {
                    throw Refusal(message: "the local store holds records of its own and is no fleet's replica: move them with export and import, then start with an empty database, or make the fleet from this store with --cluster-init")
                }
                return try copy(on: connection, settings: settings, into: store, status: status,
                                because: local == nil ? "an empty store joins" : "the local store was fleet \(local!)'s")
            }
        } catch let refusal as Refusal {
            throw refusal
        } catch let error as PGError where local != nil {
            status.lost()
            return "PostgreSQL broke off (\(error.message)): serving from the replica at change \(store.changeSequence), catching up once it answers"
        } catch {
            throw Refusal(message: "cannot join the fleet: \(error)")
        }
    }

    private static func copy(on connection: PGConnection, settings: FleetSettings, into store: Store, status: FleetStatus,
                             because why: String) throws -> String {
        let copy = try FleetCopy.read(on: connection, schema: settings.schema)
        try store.replace(with: copy.state, fleet: copy.fleetID)
        status.heard(head: copy.state.sequence, reached: copy.state.sequence)
        return "copied fleet \(copy.fleetID) (\(why)): \(copy.state.changes.count) record(s), \(copy.state.events.count) event(s), at change \(copy.state.sequence)"
    }
}
