import PapaoursProtocol

/// A whole reply: the data lines of a listing verb, then the final line
/// (`OK`, `NO` or `BAD`). A `NO` or `BAD` is a reply like any other here;
/// `checked()` turns it into a thrown `ClientError`.
public struct Reply: Sendable, Equatable {
    /// `MACHINE`, `KEY`, `EVENT` lines, in the order received.
    public let items: [ReplyLine]
    /// The line that ended the reply.
    public let final: ReplyLine

    public init(items: [ReplyLine], final: ReplyLine) {
        self.items = items
        self.final = final
    }

    public var isOK: Bool { final.kind == .ok }

    /// The final line when it is `OK`; throws `.refused` for `NO`, `.bad` for `BAD`.
    @discardableResult
    public func checked() throws(ClientError) -> ReplyLine {
        switch final.kind {
        case .ok: return final
        case .no(let code): throw ClientError.refused(code, final.text)
        case .bad(let code): throw ClientError.bad(code, final.text)
        case .item(let type): throw ClientError.violation("reply ended with a \(type) line")
        }
    }

    /// The items of a listing, once the final line is `OK count=<n>` and n matches.
    func listing(of type: String) throws(ClientError) -> [ReplyLine] {
        let ok = try checked()
        guard let text = ok["count"], let count = Int(text) else {
            throw ClientError.violation("listing reply without count=")
        }
        guard count == items.count else {
            throw ClientError.violation("listing announced count=\(count) but sent \(items.count) lines")
        }
        for item in items where item.kind != .item(type: type) {
            throw ClientError.violation("unexpected line in a \(type) listing")
        }
        return items
    }
}
