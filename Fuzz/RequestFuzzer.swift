import PapaoursCore
import PapaoursProtocol

/// libFuzzer entry: every input line is a valid request or a BAD, never a crash or a hang;
/// a valid request survives re-encoding unchanged; replies and secrets parse without trapping;
/// a `require=` list is judged in place exactly as `Right` judges it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
        let line = Array(line.prefix(Tokenizer.maxLineLength))
        do {
            let request = try Request.parse(line)
            let again = try Request.parse(request.encoded())
            precondition(again == request, "re-encoding changed the request")
        } catch {
            precondition(!error.message.isEmpty, "a BAD without a reason")
        }
        _ = try? ReplyLine.parse(line)
        _ = Secret.classify(line)
        let wellFormed = line.withUnsafeBytes(RequiredRights.isWellFormed)
        precondition(wellFormed == (Right.list(String(decoding: line, as: UTF8.self)) != nil), "require= judged two ways")
        if wellFormed { _ = line.withUnsafeBytes { RequiredRights.firstMissing($0, held: [Array("a:read".utf8)]) } }
        _ = try? Perimeter(parsing: String(decoding: line, as: UTF8.self))
    }
    return 0
}
