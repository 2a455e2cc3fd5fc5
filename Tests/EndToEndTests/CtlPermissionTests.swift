import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// papaoursctl run as `nobody`: the daemon knows it from the socket's peer credentials.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to run papaoursctl as another uid"))
struct CtlPermissionTests {
    static let nobody: UInt32 = 65534

    @Test(arguments: Lang.allCases) func aUserWithoutGrantsIsRefusedInTheirLanguage(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang, uid: Self.nobody)
        let run = try ctl("machine", "create", "evil")
        #expect(run.status == 1 && run.stdout.isEmpty, "\(run)")
        #expect(run.stderr == lang.pick(
            "papaoursctl: you may not run 'machine create': it needs the permission “Rights management / Machines / Write” (machines.write), which nobody (uid 65534) does not have; ask the administrator of papaoursd to grant it\n",
            "papaoursctl: vous n'avez pas le droit d'utiliser « machine create » : il faut la permission « Gestion des droits / Machines / Écriture » (machines.write), que nobody (uid 65534) n'a pas ; demandez-la à l'administrateur de papaoursd\n"), "\(run)")
        #expect(try daemon.client.machineList().isEmpty)
        #expect(try daemon.client.audit().map(\.action) == ["denied"])

        // status without machines.read: who papaoursd takes us for, and what the counters need.
        let status = try ctl("status")
        #expect(status.status == 0, "\(status)")
        #expect(status.row(lang.pick("User", "Utilisateur")).last == "nobody (uid 65534)" && status.row("Permissions").last == "—")
        #expect(status.stdout.hasSuffix(lang.pick("The counters need the permission “Rights management / Machines / Read” (machines.read).\n",
                                                  "Les compteurs demandent la permission « Gestion des droits / Machines / Lecture » (machines.read).\n")))
        let statusJSON = try ctl("--json", "status").object()
        #expect(statusJSON["stats"] is NSNull && statusJSON["hello"] is [String: Any])
        let hello = try ctl("--json", "machine", "list")
        #expect(hello.status == 1 && hello.stdout.isEmpty)
    }

    @Test func aGrantedUserMayDoWhatItIsGranted() throws {
        let daemon = try Daemon(config: ["grant user nobody machines.read,keys.verify"])
        let made = try makeMachineWithKey(on: daemon)
        let ctl = Ctl(daemon, uid: Self.nobody)
        let list = try ctl("machine", "list")
        #expect(list.row(made.machine.id.value).dropFirst().first == "billing-api", "\(list)")
        #expect(try ctl("verify", stdin: made.secret + "\n").status == 0)
        let status = try ctl("status")
        #expect(status.status == 0 && status.row("User").last == "nobody (uid 65534)", "\(status)")
        #expect(status.row("Permissions").last == "machines.read, keys.verify")
        #expect(try ctl("key", "disable", made.key.id.value).status == 1)
    }

    @Test(arguments: Lang.allCases) func aSocketTheUserCannotOpenIsUnreachable(_ lang: Lang) throws {
        let daemon = try Daemon(config: ["socket-mode 0600"])
        let run = try Ctl(daemon, lang, uid: Self.nobody)("machine", "list")
        #expect(run.status == 3, "\(run)")
        #expect(run.stderr == lang.pick("papaoursctl: cannot reach papaoursd at \(daemon.socketPath): permission denied on the socket file (owner root, mode 0600): only root may connect; the administrator opens it to a group with socket-group and socket-mode 0660 in papaoursd.conf\n",
                                        "papaoursctl: impossible de joindre papaoursd à \(daemon.socketPath) : permission refusée sur le fichier du socket (propriétaire root, mode 0600) : seul root peut s'y connecter ; l'administrateur l'ouvre à un groupe avec socket-group et socket-mode 0660 dans papaoursd.conf\n"))
        // A directory on the way that the user may not go through is named.
        let locked = daemon.directory + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: locked + "/papaoursd.sock", withDestinationPath: daemon.socketPath)
        let behind = try Ctl(daemon, lang, uid: Self.nobody).run(["status"], environment: ["PAPAOURS_SOCKET": locked + "/papaoursd.sock"])
        #expect(behind.status == 3 && behind.stderr == lang.pick(
            "papaoursctl: cannot reach papaoursd at \(locked)/papaoursd.sock: permission denied: user nobody may not enter the directory \(locked)\n",
            "papaoursctl: impossible de joindre papaoursd à \(locked)/papaoursd.sock : permission refusée : l'utilisateur nobody ne peut pas traverser le répertoire \(locked)\n"), "\(behind)")
        // Group members may connect: the group to join is named.
        let grouped = try Daemon(config: ["socket-mode 0660", "socket-group daemon"])
        let joined = try Ctl(grouped, lang, uid: Self.nobody)("machine", "list")
        #expect(joined.status == 3)
        #expect(joined.stderr == lang.pick("papaoursctl: cannot reach papaoursd at \(grouped.socketPath): permission denied on the socket file (group daemon, mode 0660): join the group daemon (as root: usermod -aG daemon nobody), then log in again\n",
                                           "papaoursctl: impossible de joindre papaoursd à \(grouped.socketPath) : permission refusée sur le fichier du socket (groupe daemon, mode 0660) : rejoignez le groupe daemon (en root : usermod -aG daemon nobody), puis reconnectez-vous\n"))
    }
}
