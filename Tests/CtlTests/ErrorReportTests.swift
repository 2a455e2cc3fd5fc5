import Glibc
import PapaoursClient
import PapaoursCore
import Testing
@testable import PapaoursCtlKit

/// What papaoursctl says when papaoursd cannot be reached, or answers BAD: from what is at the
/// socket path and from the command, never with a system's or the daemon's English.
@Suite struct ErrorReportTests {
    let english = Localizer(.en), french = Localizer(.fr)

    func describe(_ error: ClientError, at path: String, _ text: Localizer) -> (String, PapaoursCtlKit.ExitStatus) {
        ErrorReport.describe(error, text: text, scene: ErrorReport.Scene(socketPath: path))
    }

    /// A directory of its own, removed at the end.
    func withDirectory(_ body: (String) throws -> Void) rethrows {
        var template = Array("/tmp/papaours-ctl-XXXXXX".utf8CString)
        let directory = String(cString: mkdtemp(&template)!)
        defer { _ = system("rm -rf '\(directory)'") }
        try body(directory)
    }

    @Test func whatIsAtTheSocketPathIsSaid() throws {
        withDirectory { directory in
            let refused = ClientError(.notRunning, detail: "Connection refused", errno: ECONNREFUSED)
            let file = directory + "/papaoursd.conf"
            #expect(creat(file, 0o644) >= 0)
            #expect(describe(refused, at: file, french) == ("impossible de joindre papaoursd à \(file) : c'est un fichier ordinaire, pas un socket", .unreachable))
            #expect(describe(refused, at: directory, english)
                == ("cannot reach papaoursd at \(directory): this is a directory, not a socket: give the socket's path, such as \(directory)/papaoursd.sock", .unreachable))
            #expect(describe(refused, at: directory + "/", french).0.hasSuffix("par exemple \(directory)/papaoursd.sock"))
            let missing = ClientError(.notRunning, detail: "No such file or directory", errno: ENOENT)
            #expect(describe(missing, at: directory + "/none.sock", english).0
                .hasPrefix("cannot reach papaoursd at \(directory)/none.sock: nothing is there — is papaoursd running, and is this its socket?"))
            #expect(describe(missing, at: directory + "/no/such.sock", french).0
                == "impossible de joindre papaoursd à \(directory)/no/such.sock : le répertoire \(directory)/no n'existe pas")
            // A socket nobody listens on: bound, never listened to.
            let socketPath = directory + "/stale.sock"
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (i, byte) in socketPath.utf8.enumerated() { raw[i] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(bound == 0)
            #expect(describe(refused, at: socketPath, french).0
                .hasSuffix("le socket existe mais personne n'y répond — papaoursd n'est pas lancé (démarrez-le : systemctl start papaoursd.socket, ou make run)"))
            // Permission denied on the socket file: its group and mode, and how to join it.
            chmod(socketPath, 0o660)
            let denied = ClientError(.permissionDenied, detail: "Permission denied", errno: EACCES)
            let group = String(cString: getgrgid(getgid())!.pointee.gr_name)
            let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
            #expect(describe(denied, at: socketPath, english).0.hasSuffix(
                "permission denied on the socket file (group \(group), mode 0660): join the group \(group) (as root: usermod -aG \(group) \(user)), then log in again"))
        }
        #expect(describe(ClientError(.pathTooLong, detail: ""), at: "/x", english).1 == .unreachable)
    }

    @Test func badAndBrokenProtocolExitWithFourAndNameTheCommand() throws {
        let command = try #require(parsed(["machine", "list"]))
        let bad = ErrorReport.describe(.bad("syntax", "MACHINE LIST takes no argument"), text: french, scene: ErrorReport.Scene(command: command))
        #expect(bad == ("papaoursd n'a pas compris la requête de « machine list » (syntax) ; papaoursctl et papaoursd sont-ils de la même version ?", .failure))
        #expect(describe(ClientError(.protocolViolation, detail: "reply without id="), at: "/x", english).1 == .failure)
        #expect(!describe(ClientError(.protocolViolation, detail: "reply without id="), at: "/x", english).0.contains("id="))
        #expect(describe(ClientError(.connectionLost, detail: "x"), at: "/x", english).1 == .unreachable)
    }

    @Test func verboseAddsTheDaemonsWordsOnALineOfItsOwn() throws {
        var lines: [String] = []
        let console = Console(output: { _ in }, error: { lines.append($0) })
        let command = try #require(parsed(["machine", "show", "nope"]))
        let scene = ErrorReport.Scene(command: command, socketPath: "/s", verbose: true)
        let status = ErrorReport.report(ClientError.refused("not-found", "no machine nope"), console: console, text: french, scene: scene)
        #expect(status == .refused)
        #expect(lines == ["papaoursctl: aucune machine « nope » : ce n'est ni l'identifiant ni le nom d'une machine (voir « papaoursctl machine list »)\n",
                          "papaoursctl: réponse de papaoursd : NO not-found no machine nope\n"])
    }
}

/// The command `arguments` parse to, for tests that need one.
func parsed(_ arguments: [String]) -> ParsedCommand? {
    guard case .run(let command, _)? = try? ArgumentParser().parse(arguments) else { return nil }
    return command
}
