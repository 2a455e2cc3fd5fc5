import PapaoursFleet
import PapaoursServer
import PapaoursStore
#if canImport(Glibc)
import Glibc
#endif

/// `papaoursd --cluster-init`: exits 0 once the fleet is made; otherwise returns why not.
func clusterInit(conninfo: String, configuration: Configuration) -> String {
    let host = configuration.effectiveHostName
    let store: Store
    do {
        store = try Store(directory: configuration.databasePath, pageWalkAtOpenLimit: configuration.pageWalkAtOpenLimit)
    } catch {
        return "cluster-init refused, nothing changed: \(error.message)"
    }
    defer { store.close() }
    let connection: PGConnection
    do {
        connection = try PGConnection(conninfo: conninfo)
    } catch {
        return "cluster-init refused, nothing changed: \(error)"
    }
    let schema = try! FleetSchema()
    do {
        let s = try ClusterInit.run(store: store, connection: connection, schema: schema, host: host)
        store.close()
        FileOutput.standardOutput("fleet \(s.fleetID) created in schema \(schema.name) from \(configuration.databasePath) (host \(host)): "
            + "\(s.machines) machine(s), \(s.keys) key(s), \(s.roles) role(s), \(s.groups) group(s), \(s.events) audit event(s); "
            + "change sequence \(s.changeSequence)")
        exit(0)
    } catch {
        return "cluster-init refused: \(error.message)"
    }
}
