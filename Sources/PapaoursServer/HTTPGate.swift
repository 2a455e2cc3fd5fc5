import CPapaoursSystem
import PapaoursCore
import PapaoursHTTP
import PapaoursStore

/// What an HTTP gate connection carries besides a line connection's buffers.
final class GateState {
    let transport: GateListener.Transport
    /// Body bytes of the last request still to be read and thrown away (Content-Length).
    var bodyLeft = 0
    /// Or its chunked body, being skipped.
    var chunkedBody: ChunkedBodySkipper?

    var inBody: Bool { bodyLeft > 0 || chunkedBody != nil }
    /// The missing-keys.verify warning is logged once per connection, not per request.
    var warnedForbidden = false

    init(transport: GateListener.Transport) { self.transport = transport }

    /// A TCP peer has no kernel credentials: it is named by its address, and holds no grant
    /// (the gate lets every local process verify on http-listen).
    static func tcpPeer(_ fd: Int32) -> PeerCredentials? {
        var buffer = [CChar](repeating: 0, count: 64)
        guard papa_peer_address(fd, &buffer, buffer.count) == 0 else { return nil }
        let address = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return PeerCredentials(uid: UInt32.max, gid: UInt32.max, pid: 0, groups: [], user: "tcp " + address)
    }
}

/// HTTP/1.1 framing on a gate connection: heads parsed as they complete, bodies skipped,
/// pipelined requests answered in order, at most `share` per turn like the line protocol.
enum HTTPGate {
    /// Answers what is buffered; true when requests are left for the next turn.
    static func serve(_ connection: Connection, dispatcher: Dispatcher, usage: inout UsageTally,
                      outputLimit: Int, share: Int, now: Int64) -> Bool {
        guard let gate = connection.gate else { return false }
        var handled = 0
        var more = false
        // Stopped on a request not all there yet (not on the share or the output limit): the line timeout runs.
        var waiting = false
        while !connection.isClosing && connection.pendingOutput < outputLimit {
            if let error = skipBody(connection, gate) {
                refuse(connection, error, dispatcher: dispatcher)
                break
            }
            if gate.inBody {
                waiting = true
                break
            }
            if handled == share {
                more = connection.hasBufferedInput
                break
            }
            let parsed = connection.input.withUnsafeBytes {
                HTTPRequestParser.parse(UnsafeRawBufferPointer(rebasing: $0[connection.inputStart...]))
            }
            switch parsed {
            case .incomplete:
                waiting = connection.hasBufferedInput
            case .invalid(let error):
                refuse(connection, error, dispatcher: dispatcher)
                continue
            case .request(let request, let length):
                connection.inputStart += length
                gate.bodyLeft = request.contentLength
                gate.chunkedBody = request.chunked ? ChunkedBodySkipper() : nil
                let response = GateResponder(dispatcher: dispatcher, connection: connection, gate: gate)
                    .respond(to: request, usage: &usage)
                dispatcher.stats.gateResponses.add(response.status)
                let keepAlive = request.keepAlive && response.status != 400
                connection.appendOutput(response.serialized(minorVersion: request.minorVersion, keepAlive: keepAlive, head: request.isHead))
                if !keepAlive { connection.phase = .closing }
                handled += 1
                continue
            }
            break
        }
        connection.scanned = connection.inputStart
        let partial = waiting && !connection.isClosing
        connection.partialSince = partial ? (connection.partialSince == 0 ? now : connection.partialSince) : 0
        // EOF: what was complete is answered (maybe later turns); a half request is dropped with the connection.
        if connection.inputEnded && (waiting || !connection.hasBufferedInput) { connection.phase = .closing }
        return more
    }

    /// 400 for a request that cannot be read, then close: what follows it cannot be framed.
    private static func refuse(_ connection: Connection, _ error: HTTPParseError, dispatcher: Dispatcher) {
        Log.debug("HTTP gate connection \(connection.serial): bad request: \(error.message)")
        let response = GateResponse.refusal(.badRequest, error.message)
        dispatcher.stats.gateResponses.add(response.status)
        connection.appendOutput(response.serialized(minorVersion: 1, keepAlive: false))
        connection.phase = .closing
        connection.inputStart = connection.input.count
    }

    /// Throws away the body bytes of the request just answered, as far as they arrived;
    /// the error of a chunked body that is not one.
    private static func skipBody(_ connection: Connection, _ gate: GateState) -> HTTPParseError? {
        if gate.bodyLeft > 0 {
            let n = min(gate.bodyLeft, connection.input.count - connection.inputStart)
            connection.inputStart += n
            gate.bodyLeft -= n
        }
        guard var chunked = gate.chunkedBody, connection.hasBufferedInput else { return nil }
        let (consumed, progress) = connection.input.withUnsafeBytes {
            chunked.skip(UnsafeRawBufferPointer(rebasing: $0[connection.inputStart...]))
        }
        connection.inputStart += consumed
        switch progress {
        case .needMore: gate.chunkedBody = chunked
        case .done: gate.chunkedBody = nil
        case .invalid(let error): return error
        }
        return nil
    }
}
