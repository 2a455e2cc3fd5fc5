#if canImport(Glibc)
import Glibc
#endif
import PapaoursCore
import PapaoursStore

/// `--load protocol`: the keys go in as a provisioning script would put them, through the
/// daemon's socket: per machine, `MACHINE CREATE` and its 100 `KEY CREATE` pipelined on one
/// connection, then `KEY EDIT status=inactive` for every tenth key; several connections at once.
enum ProtocolLoad {
    static let connections = 4

    struct Loaded {
        let keys: KeySet
        let seconds: Double
    }

    static func load(count: Int, socket: String) throws -> Loaded {
        let started = Clock.now()
        let machines = (count + KeySet.keysPerMachine - 1) / KeySet.keysPerMachine
        let results = Locked<(parts: [Int: (secrets: [UInt8], machineIDs: [UInt8])], failures: [String])>(([:], []))
        let threads = (0..<connections).map { c in
            BenchThread(name: "bench-load\(c)") {
                do {
                    let part = try loadShare(Array(stride(from: c, to: machines, by: connections)), count: count, socket: socket)
                    results.withLock { $0.parts[c] = part }
                } catch {
                    results.withLock { $0.failures.append("\(error)") }
                }
            }
        }
        for thread in threads { thread.join() }
        let (parts, failures) = results.withLock { ($0.parts, $0.failures) }
        if let failure = failures.first { throw BenchError("protocol load failed: \(failure)") }
        // Put the machines back in index order, as KeySet expects (key i on machine i / 100).
        var secrets = [UInt8](repeating: 0, count: count * KeySet.secretLength)
        var machineIDs = [UInt8](repeating: 0, count: machines * MachineIDLength.value)
        for c in 0..<connections {
            guard let part = parts[c] else { continue }
            for (n, machine) in stride(from: c, to: machines, by: connections).enumerated() {
                let idBytes = part.machineIDs[(n * MachineIDLength.value)..<((n + 1) * MachineIDLength.value)]
                machineIDs.replaceSubrange((machine * MachineIDLength.value)..<((machine + 1) * MachineIDLength.value), with: idBytes)
            }
            var offset = 0
            for machine in stride(from: c, to: machines, by: connections) {
                for i in (machine * KeySet.keysPerMachine)..<min(count, (machine + 1) * KeySet.keysPerMachine) {
                    let range = (i * KeySet.secretLength)..<((i + 1) * KeySet.secretLength)
                    secrets.replaceSubrange(range, with: part.secrets[offset..<(offset + KeySet.secretLength)])
                    offset += KeySet.secretLength
                }
            }
        }
        let seconds = Double(Clock.now() - started) / 1e9
        progress("loaded \(count) keys through the protocol in \(fixed(seconds, 1)) s (\(grouped(Double(count) / seconds)) keys/s)")
        return Loaded(keys: KeySet(secrets: secrets, machineIDs: machineIDs), seconds: seconds)
    }

    private static func loadShare(_ machines: [Int], count: Int, socket: String) throws -> (secrets: [UInt8], machineIDs: [UInt8]) {
        let fd = try BlockingIO.connect(socket)
        defer { close(fd) }
        var reader = LineReader(fd: fd)
        var secrets: [UInt8] = []
        var machineIDs: [UInt8] = []
        for machine in machines {
            let keys = (machine * KeySet.keysPerMachine)..<min(count, (machine + 1) * KeySet.keysPerMachine)
            var request = "MACHINE CREATE bench-\(machine) organization=Bench roles=api\n"
            for i in keys { request += "KEY CREATE bench-\(machine) label=\"bench key \(i)\"\n" }
            try BlockingIO.writeAll(fd, Array(request.utf8))
            let created = try reader.line()
            guard let id = attribute("id", in: created), id.utf8.count == MachineIDLength.value else {
                throw BenchError("MACHINE CREATE bench-\(machine): \(created)")
            }
            machineIDs += Array(id.utf8)
            var edits = ""
            for i in keys {
                let reply = try reader.line()
                guard let secret = attribute("secret", in: reply), let key = attribute("id", in: reply) else {
                    throw BenchError("KEY CREATE: \(reply)")
                }
                secrets += Array(secret.utf8)
                if KeySet.isInactive(i) { edits += "KEY EDIT \(key) status=inactive\n" }
            }
            guard !edits.isEmpty else { continue }
            try BlockingIO.writeAll(fd, Array(edits.utf8))
            for _ in 0..<edits.utf8.filter({ $0 == 0x0A }).count {
                let reply = try reader.line()
                guard reply.hasPrefix("OK ") else { throw BenchError("KEY EDIT: \(reply)") }
            }
        }
        return (secrets, machineIDs)
    }

    /// `name=value` of a reply line whose value needs no quotes (ids, secrets).
    private static func attribute(_ name: String, in line: String) -> String? {
        let marker = " \(name)="
        for token in line.split(separator: " ") where token.hasPrefix(marker.dropFirst()) {
            return String(token.dropFirst(marker.count - 1))
        }
        return nil
    }
}

/// Reply lines from a blocking socket.
struct LineReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32) { self.fd = fd }

    mutating func line() throws -> String {
        while true {
            if let lf = buffer[start...].firstIndex(of: 0x0A) {
                let text = String(decoding: buffer[start..<lf], as: UTF8.self)
                start = lf + 1
                if start > 1 << 20 {
                    buffer.removeSubrange(0..<start)
                    start = 0
                }
                return text
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw BenchError("the daemon closed the connection") }
            buffer += chunk[0..<n]
        }
    }
}
