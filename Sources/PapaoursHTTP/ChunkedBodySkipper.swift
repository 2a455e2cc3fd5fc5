/// Skips a chunked body (RFC 9112 §7.1) as its bytes arrive, keeping none of them: chunk
/// sizes and extensions, data, the last chunk and the trailer section.
public struct ChunkedBodySkipper: Sendable, Equatable {
    /// A chunk-size line (extensions included) longer than this is refused.
    public static let maxSizeLine = 1024

    public enum Progress: Sendable, Equatable {
        case needMore
        /// The whole body was skipped; what follows is the next request.
        case done
        case invalid(HTTPParseError)
    }

    enum State: Sendable, Equatable {
        case size, sizeExtension, sizeLF
        case data(Int)
        case dataCR, dataLF
        case trailerStart, trailerLine, trailerLineLF, trailerEndLF
        case done
    }

    var state = State.size
    var size = 0
    var lineLength = 0
    var trailerBytes = 0

    public init() {}

    /// Consumes what it can of `input`; returns how many bytes were the body's.
    public mutating func skip(_ input: UnsafeRawBufferPointer) -> (consumed: Int, progress: Progress) {
        var i = 0
        while i < input.count {
            if case .data(let left) = state {
                let n = min(left, input.count - i)
                i += n
                state = left == n ? .dataCR : .data(left - n)
                continue
            }
            let b = input[i]
            i += 1
            switch state {
            case .size:
                lineLength += 1
                if let digit = ChunkedBodySkipper.hexValue(b) {
                    guard size <= (Int.max >> 4) else { return (i, invalid("a chunk size too large")) }
                    size = size << 4 | digit
                } else if lineLength == 1 {
                    return (i, invalid("a chunk size that is not hexadecimal"))
                } else if b == UInt8(ascii: ";") || b == 0x20 || b == 0x09 {
                    state = .sizeExtension
                } else if b == 0x0D {
                    state = .sizeLF
                } else if b == 0x0A {
                    endSizeLine()
                } else {
                    return (i, invalid("a chunk size that is not hexadecimal"))
                }
            case .sizeExtension:
                lineLength += 1
                if b == 0x0D { state = .sizeLF } else if b == 0x0A { endSizeLine() }
                else if b < 0x20 && b != 0x09 || b == 0x7F { return (i, invalid("a control character in a chunk extension")) }
            case .sizeLF:
                guard b == 0x0A else { return (i, invalid("a carriage return not followed by a line feed")) }
                endSizeLine()
            case .dataCR:
                if b == 0x0D { state = .dataLF } else if b == 0x0A { state = .size } else {
                    return (i, invalid("chunk data longer than its size"))
                }
            case .dataLF:
                guard b == 0x0A else { return (i, invalid("a carriage return not followed by a line feed")) }
                state = .size
            case .trailerStart:
                if b == 0x0D { state = .trailerEndLF } else if b == 0x0A { state = .done } else { state = .trailerLine; trailerBytes += 1 }
            case .trailerLine:
                trailerBytes += 1
                if b == 0x0D { state = .trailerLineLF } else if b == 0x0A { state = .trailerStart }
            case .trailerLineLF:
                guard b == 0x0A else { return (i, invalid("a carriage return not followed by a line feed")) }
                state = .trailerStart
            case .trailerEndLF:
                guard b == 0x0A else { return (i, invalid("a carriage return not followed by a line feed")) }
                state = .done
            case .data, .done:
                break
            }
            if state == .done { return (i, .done) }
            if lineLength > ChunkedBodySkipper.maxSizeLine { return (i, invalid("a chunk-size line longer than \(ChunkedBodySkipper.maxSizeLine) bytes")) }
            if trailerBytes > HTTPRequestParser.maxHeadBytes { return (i, invalid("trailer fields longer than \(HTTPRequestParser.maxHeadBytes) bytes")) }
        }
        return (i, state == .done ? .done : .needMore)
    }

    private mutating func endSizeLine() {
        state = size == 0 ? .trailerStart : .data(size)
        size = 0
        lineLength = 0
    }

    private func invalid(_ message: String) -> Progress { .invalid(HTTPParseError("chunked body: " + message)) }

    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: Int(b - 0x30)
        case 0x41...0x46: Int(b - 0x41 + 10)
        case 0x61...0x66: Int(b - 0x61 + 10)
        default: nil
        }
    }
}
