import CPapaoursSystem

/// `http-listen`'s value: a loopback address literal and a port, `127.0.0.1:8181` or `[::1]:8181`.
public struct LoopbackAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    /// nil with the reason when `text` is not a loopback address and port.
    public static func parse(_ text: String) -> Result<LoopbackAddress, ServerError> {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(ServerError("\"\(text)\" is not ADDRESS:PORT (an IPv6 address goes in brackets: [::1]:8181)"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                return .failure(ServerError("\"\(text)\" is not ADDRESS:PORT, such as 127.0.0.1:8181 or [::1]:8181"))
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            return .failure(ServerError("the port of \"\(text)\" must be a number from 1 to 65535"))
        }
        switch papa_loopback_literal(String(host)) {
        case 1: return .success(LoopbackAddress(host: String(host), port: port))
        case 0: return .failure(ServerError("\(host) is not a loopback address: the HTTP gate listens only on 127.0.0.0/8 or ::1, where only local processes reach it"))
        default: return .failure(ServerError("\(host) is not an IP address (names are not accepted): write 127.0.0.1 or [::1]"))
        }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
