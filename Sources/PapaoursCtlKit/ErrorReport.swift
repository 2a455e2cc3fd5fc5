#if canImport(Glibc)
import Glibc
#endif
import PapaoursClient

/// Turns whatever a command threw into one line on stderr and an exit status.
enum ErrorReport {
    static func report(_ error: any Error, console: Console, text: Localizer, socketPath: String) -> ExitStatus {
        switch error {
        case let usage as UsageError:
            console.printError("papaoursctl: " + usage.rendered(text))
            console.printError(usage.hint(text))
            return .usage
        case let failure as CommandFailure:
            if let message = failure.message { console.printError("papaoursctl: " + text.format(message, failure.arguments)) }
            return failure.status
        case let client as ClientError:
            let (line, status) = describe(client, text: text, socketPath: socketPath)
            console.printError("papaoursctl: " + line)
            return status
        default:
            console.printError("papaoursctl: \(error)")
            return .failure
        }
    }

    static func describe(_ error: ClientError, text: Localizer, socketPath: String) -> (String, ExitStatus) {
        switch error.code {
        case .refused:
            return (refusal(error.replyCode ?? "", error.detail, text), .refused)
        case .bad:
            return (text(.badRequest, error.replyCode ?? "", error.detail), .failure)
        case .protocolViolation:
            return (text(.protocolError, error.detail), .failure)
        case .connectionLost:
            return (text(.connectionLost, socketPath), .unreachable)
        case .timedOut:
            return (text(.timedOut, socketPath), .unreachable)
        default:
            let cause: String = switch error.code {
            case .pathTooLong: text(.reachPathTooLong)
            case .permissionDenied: text(.reachPermission)
            case .notRunning: error.errno == ECONNREFUSED ? text(.reachRefused) : text(.reachNoSocket)
            default: error.detail
            }
            return (text(.cannotReach, socketPath, cause), .unreachable)
        }
    }

    /// The user's-language sentence for a NO code, then the server's English detail.
    static func refusal(_ code: String, _ detail: String, _ text: Localizer) -> String {
        let sentence: String = switch code {
        case "forbidden": text(.noForbidden)
        case "not-found": text(.noNotFound)
        case "exists": text(.noExists)
        case "invalid": text(.noInvalid)
        case "busy": text(.noBusy)
        case "unavailable": text(.noUnavailable)
        case "malformed-key": text(.noMalformedKey)
        case "unknown-key": text(.noUnknownKey)
        case "inactive-key": text(.noInactiveKey)
        case "inactive-machine": text(.noInactiveMachine)
        case "expired-key": text(.noExpiredKey)
        default: text(.noOther, code)
        }
        return detail.isEmpty ? sentence : text(.withDetail, sentence, detail)
    }
}
