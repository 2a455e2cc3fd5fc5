import PapaoursCore
import PapaoursProtocol

/// Reads the attributes of one reply line into typed values; a missing or
/// malformed attribute is a protocol violation that names it.
struct Attributes {
    let line: ReplyLine

    init(_ line: ReplyLine) { self.line = line }

    func string(_ name: String) throws(ClientError) -> String {
        guard let value = line[name] else { throw ClientError.violation("reply without \(name)=") }
        return value
    }

    func optionalString(_ name: String) -> String? { line[name] }

    func machineID(_ name: String) throws(ClientError) -> MachineID {
        let text = try string(name)
        guard let id = MachineID(text) else { throw malformed(name, text) }
        return id
    }

    func keyID(_ name: String) throws(ClientError) -> KeyID {
        let text = try string(name)
        guard let id = KeyID(text) else { throw malformed(name, text) }
        return id
    }

    func timestamp(_ name: String) throws(ClientError) -> Timestamp {
        let text = try string(name)
        guard let time = Timestamp(rfc3339: text) else { throw malformed(name, text) }
        return time
    }

    /// A time that may be absent: empty (`expires=`) or `never` (`last-used=never`).
    func optionalTimestamp(_ name: String) throws(ClientError) -> Timestamp? {
        let text = try string(name)
        if text.isEmpty || text == "never" { return nil }
        guard let time = Timestamp(rfc3339: text) else { throw malformed(name, text) }
        return time
    }

    func count<N: FixedWidthInteger>(_ name: String, as type: N.Type = N.self) throws(ClientError) -> N {
        let text = try string(name)
        guard let value = N(text) else { throw malformed(name, text) }
        return value
    }

    /// A count a version-1 server does not send.
    func optionalCount<N: FixedWidthInteger>(_ name: String, as type: N.Type = N.self) throws(ClientError) -> N? {
        guard line[name] != nil else { return nil }
        return try count(name, as: type)
    }

    func status(_ name: String) throws(ClientError) -> Status {
        let text = try string(name)
        guard let status = Status(wire: text) else { throw malformed(name, text) }
        return status
    }

    /// A list a version-1 server does not send.
    func optionalList(_ name: String) throws(ClientError) -> [String]? {
        line[name] == nil ? nil : try list(name)
    }

    /// `yes` or `no`, when sent.
    func optionalFlag(_ name: String) throws(ClientError) -> Bool? {
        guard let text = line[name] else { return nil }
        switch text {
        case "yes": return true
        case "no": return false
        default: throw malformed(name, text)
        }
    }

    /// A comma-separated list; empty means none.
    func list(_ name: String) throws(ClientError) -> [String] {
        let text = try string(name)
        return text.isEmpty ? [] : text.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
    }

    private func malformed(_ name: String, _ value: String) -> ClientError {
        ClientError.violation("reply has a malformed \(name)=\(value.prefix(60))")
    }
}
