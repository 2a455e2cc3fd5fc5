import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// `verify`, `audit` and `status` of the built papaoursctl against the real daemon, in English and French.
@Suite(.serialized)
struct CtlVerifyAuditTests {
    @Test(arguments: Lang.allCases) func verifyExitsZeroForAValidKeyAndOneWithTheReason(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        let made = try makeMachineWithKey(on: daemon, organization: "Acme", roles: ["billing.read"])
        let valid = try ctl("verify", "--ip", "192.0.2.7", stdin: made.secret + "\r\n")
        #expect(valid.status == 0, "\(valid)")
        #expect(valid.stdout.hasPrefix(lang.pick("Valid key.\n", "Clé valide.\n")))
        #expect(valid.row("Machine") == ["Machine", "billing-api (\(made.machine.id.value))"])
        #expect(valid.row(lang.pick("Roles", "Rôles")).last == "billing.read")

        let file = daemon.directory + "/billing.key"
        try (made.secret + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try ctl("verify", "--key-file", file).status == 0)

        // One sentence of the user's language, nothing of the daemon's English after it.
        func refused(_ stdin: String, _ english: String, _ french: String) throws {
            let run = try ctl("verify", stdin: stdin + "\n")
            #expect(run.status == 1 && run.stdout.isEmpty, "\(run)")
            #expect(run.stderr == "papaoursctl: " + lang.pick(english, french) + "\n", "\(run)")
        }
        let length = lang.pick("wrong length: a papaours key has 43 characters (papa_ then 38), a key issued elsewhere 20 to 256",
                               "longueur incorrecte : une clé papaours a 43 caractères (papa_ puis 38), une clé émise ailleurs de 20 à 256")
        try refused("papa_nope", "this is not a well-formed API key: " + length, "ceci n'est pas une clé API bien formée : " + length)
        try refused(ClientLibraryTests.unknownSecret, "unknown API key: no key of papaoursd has this value",
                    "clé API inconnue : aucune clé de papaoursd n'a cette valeur")
        try refused(String(repeating: "k", count: 9000), "this is not a well-formed API key: " + length, "ceci n'est pas une clé API bien formée : " + length)
        _ = try daemon.client.keyEdit(made.key.id.value, status: .inactive)
        try refused(made.secret, "this API key is disabled", "cette clé API est désactivée")
        let verbose = try ctl("verify", "--verbose", stdin: made.secret + "\n")
        #expect(verbose.stderr == lang.pick("papaoursctl: this API key is disabled\npapaoursctl: papaoursd said: this key is inactive\n",
                                            "papaoursctl: cette clé API est désactivée\npapaoursctl: réponse de papaoursd : this key is inactive\n"))
        _ = try daemon.client.keyEdit(made.key.id.value, status: .active)
        _ = try daemon.client.machineEdit("billing-api", status: .inactive)
        try refused(made.secret, "the machine of this API key is disabled", "la machine de cette clé API est désactivée")

        let nothing = try ctl("verify", stdin: "")
        #expect(nothing.status == 2 && nothing.stderr.hasPrefix(lang.pick("papaoursctl: no API key on standard input",
                                                                           "papaoursctl: aucune clé API sur l'entrée standard")))
        let unreadable = try ctl("verify", "--key-file", daemon.directory + "/none")
        #expect(unreadable.status == 1 && unreadable.stderr.hasPrefix(lang.pick("papaoursctl: cannot read ", "papaoursctl: impossible de lire ")))
        #expect(try ctl("verify", made.secret).status == 2, "a key is never taken from the command line")
    }

    @Test(arguments: Lang.allCases) func auditFiltersByMachineSequenceAndLimit(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        let billing = try makeMachineWithKey(on: daemon)
        _ = try daemon.client.machineCreate("other")
        _ = try daemon.client.machineEdit("billing-api", organization: "Acme")

        let all = try ctl("audit")
        #expect(all.status == 0, "\(all)")
        #expect(all.row(lang.pick("Seq", "N°")) == lang.pick("Seq|Time|User|Action|Target|Details", "N°|Date|Utilisateur|Action|Cible|Détails")
            .split(separator: "|").map(String.init))
        #expect(all.row("1").prefix(5).dropFirst(2) == ["root (0)", lang.pick("machine created", "machine créée"), billing.machine.id.value])
        #expect(all.stdout.split(separator: "\n").count == 5)

        let machine = try ctl("audit", "--machine", "billing-api")
        #expect(machine.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ")[0] } == ["1", "2", "4"])
        let after = try ctl("audit", "--after", "2", "--limit", "1")
        #expect(after.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ")[0] } == ["3"])
        #expect(after.row("3").contains(lang.pick("machine created", "machine créée")) && after.row("3").contains { $0.contains("other") })
        #expect(try ctl("audit", "--after", "99").stdout == lang.pick("No audit event\n", "Aucun événement d'audit\n"))

        let notANumber = try ctl("audit", "--limit", "ten")
        #expect(notANumber.status == 2 && notANumber.stderr.contains(lang.pick("needs a whole number", "attend un nombre entier")))
        let tooMany = try ctl("audit", "--limit", "5000")
        #expect(tooMany.status == 2 && tooMany.stderr == lang.pick(
            "papaoursctl: option '--limit' takes a whole number from 1 to 1000, not '5000'\ntry 'papaoursctl audit --help'\n",
            "papaoursctl: l'option « --limit » attend un nombre entier de 1 à 1000, pas « 5000 »\nessayez « papaoursctl audit --help »\n"),
                "out of bounds is a usage error, like a word that is not a number")
    }

    @Test(arguments: Lang.allCases) func statusShowsWhoWeAreAndTheCounters(_ lang: Lang) throws {
        let daemon = try Daemon()
        let made = try makeMachineWithKey(on: daemon)
        _ = try daemon.client.verify(made.secret)
        let status = try Ctl(daemon, lang)("status")
        #expect(status.status == 0, "\(status)")
        #expect(status.row(lang.pick("Server", "Serveur")).last?.hasPrefix("papaoursd ") == true)
        #expect(status.row(lang.pick("Server", "Serveur")).last?.hasSuffix(lang.pick(" (protocol 1.1)", " (protocole 1.1)")) == true)
        #expect(status.row("Socket") == ["Socket", daemon.socketPath])
        #expect(status.row(lang.pick("User", "Utilisateur")).last == "root (uid 0)")
        #expect(status.row("Permissions").last == "machines.read, machines.write, keys.verify, audit.read, rights.admin")
        #expect(status.row("Machines") == ["Machines", "1"])
        #expect(status.row(lang.pick("Keys accepted", "Clés acceptées")).last == "1")
        #expect(status.row(lang.pick("Fleet", "Flotte")).last == lang.pick("none: this host keeps its keys alone",
                                                                           "aucune : cet hôte garde ses clés seul"))
    }
}
