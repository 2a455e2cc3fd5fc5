import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// The messages a new user met walking the guide's doc 04 (issue 16), each as it reads now,
/// in both languages, against the real daemon.
@Suite(.serialized)
struct CtlMessageTests {
    @Test(arguments: Lang.allCases) func refusalsAreOneSentenceOfTheUsersLanguage(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        #expect(try ctl("machine", "create", "web").status == 0)
        let twice = try ctl("machine", "create", "WEB")
        #expect(twice.status == 1 && twice.stderr == lang.pick(
            "papaoursctl: a machine named 'WEB' already exists (names are compared without regard to case)\n",
            "papaoursctl: une machine nommée « WEB » existe déjà (les noms sont comparés sans tenir compte de la casse)\n"), "\(twice)")
        let nope = try ctl("key", "list", "nope")
        #expect(nope.status == 1 && nope.stderr == lang.pick(
            "papaoursctl: no machine 'nope': it is neither the id nor the name of a machine (see 'papaoursctl machine list')\n",
            "papaoursctl: aucune machine « nope » : ce n'est ni l'identifiant ni le nom d'une machine (voir « papaoursctl machine list »)\n"))
        let byName = try ctl("key", "disable", "web")
        #expect(byName.status == 1 && byName.stderr == lang.pick(
            "papaoursctl: no key 'web': a key is named by its id (k_…), or by its machine and its label: 'papaoursctl key disable MACHINE LABEL'\n",
            "papaoursctl: aucune clé « web » : une clé se désigne par son identifiant (k_…), ou par sa machine et son libellé : « papaoursctl key disable MACHINE LIBELLÉ »\n"))
    }

    @Test(arguments: Lang.allCases) func aKeyIsNamedByItsMachineAndLabel(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        let made = try makeMachineWithKey(on: daemon, name: "web", label: "Clé production")
        let disabled = try ctl("key", "disable", "web", "Clé production")
        #expect(disabled.status == 0 && disabled.stdout == lang.pick("Key \(made.key.id.value) disabled.\n", "Clé \(made.key.id.value) désactivée.\n"))
        #expect(try daemon.client.keyShow(made.key.id.value).status == .inactive)
        #expect(try ctl("key", "show", made.machine.id.value, "Clé production").row("ID").last == made.key.id.value, "the machine by its id")
        #expect(try ctl("key", "edit", "web", "Clé production", "--label", "prod").status == 0)

        let missing = try ctl("key", "enable", "web", "Clé test")
        #expect(missing.status == 1 && missing.stderr == lang.pick(
            "papaoursctl: machine 'web' has no key labelled 'Clé test' (see 'papaoursctl key list web')\n",
            "papaoursctl: la machine « web » n'a aucune clé de libellé « Clé test » (voir « papaoursctl key list web »)\n"))
        let second = try daemon.client.keyCreate("web", label: "prod").key.id.value
        let ambiguous = try ctl("key", "enable", "web", "prod")
        let ids = [made.key.id.value + " (Inactive)", second + " (Active)"].sorted().joined(separator: ", ")
        #expect(ambiguous.status == 1 && ambiguous.stderr == lang.pick(
            "papaoursctl: machine 'web' has 2 keys labelled 'prod': name the one you mean by its id: \(ids)\n",
            "papaoursctl: la machine « web » a 2 clés de libellé « prod » : désignez celle que vous voulez par son identifiant : \(ids)\n"), "\(ambiguous)")
        #expect(try daemon.client.keyShow(made.key.id.value).status == .inactive, "nothing changed")
    }

    @Test(arguments: Lang.allCases) func theSocketPathIsDiagnosed(_ lang: Lang) throws {
        let daemon = try Daemon()
        let directory = try Ctl(socket: daemon.directory, lang)("status")
        #expect(directory.status == 3 && directory.stderr == lang.pick(
            "papaoursctl: cannot reach papaoursd at \(daemon.directory): this is a directory, not a socket: give the socket's path, such as \(daemon.directory)/papaoursd.sock\n",
            "papaoursctl: impossible de joindre papaoursd à \(daemon.directory) : c'est un répertoire, pas un socket : donnez le chemin du socket, par exemple \(daemon.directory)/papaoursd.sock\n"))
        let file = try Ctl(socket: daemon.configPath, lang)("status")
        #expect(file.status == 3 && file.stderr == lang.pick(
            "papaoursctl: cannot reach papaoursd at \(daemon.configPath): this is a regular file, not a socket\n",
            "papaoursctl: impossible de joindre papaoursd à \(daemon.configPath) : c'est un fichier ordinaire, pas un socket\n"))
        let noDirectory = try Ctl(socket: daemon.directory + "/run/papaoursd.sock", lang)("status")
        #expect(noDirectory.status == 3 && noDirectory.stderr.hasSuffix(lang.pick("the directory \(daemon.directory)/run does not exist\n",
                                                                                  "le répertoire \(daemon.directory)/run n'existe pas\n")))
    }

    @Test(arguments: Lang.allCases) func expiresTakesDurationsInBothLanguagesAndSaysWhatIsWrong(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        _ = try daemon.client.machineCreate("web")
        for (value, english, french) in [("0d", "'0d' leaves no time: a duration counts at least 1", "« 0d » ne laisse aucun délai : une durée compte au moins 1"),
                                         ("99999999d", "'99999999d' is too far away: 1000 years at most", "« 99999999d » est trop loin : 1000 ans au plus"),
                                         ("2020-01-01", "'2020-01-01' is in the past: a key must expire in the future",
                                          "« 2020-01-01 » est dans le passé : une clé doit expirer dans le futur")] {
            let run = try ctl("key", "create", "web", "--label", "x", "--expires", value)
            #expect(run.status == 2 && run.stderr == "papaoursctl: " + lang.pick(english, french) + "\n"
                + lang.pick("try 'papaoursctl key create --help'\n", "essayez « papaoursctl key create --help »\n"), "\(run)")
        }
        #expect(try daemon.client.keyList("web").isEmpty, "nothing was sent")
        let now = Timestamp.now().seconds
        for (value, days) in [("90j", 90), ("90d", 90), ("4sem", 28), ("4w", 28)] {
            let run = try ctl("--json", "key", "create", "web", "--label", value, "--expires", value)
            #expect(run.status == 0, "\(run)")
            let text = try #require(try run.object()["expires"] as? String)
            let expires = try #require(Timestamp(rfc3339: text))
            #expect(abs(expires.seconds - now - Int64(days) * 86400) < 60, "\(value)")
        }
    }

    @Test(arguments: Lang.allCases) func theLanguageComesFromLangThenTheEnvironmentAsGettextReadsIt(_ lang: Lang) throws {
        let other = lang == .fr ? "en" : "fr"
        let usage = try Ctl(socket: "/nonexistent.sock", lang == .fr ? .en : .fr)("--lang", lang.rawValue, "key")
        #expect(usage.status == 2 && usage.stderr == lang.pick(
            "papaoursctl: 'key' needs a command: create, import, list, show, edit, disable, enable, usage, rotate\ntry 'papaoursctl key --help'\n",
            "papaoursctl: « key » attend une commande : create, import, list, show, edit, disable, enable, usage, rotate\nessayez « papaoursctl key --help »\n"))
        let wrong = try Ctl(socket: "/nonexistent.sock", lang)("--lang", "de", "status")
        #expect(wrong.status == 2 && wrong.stderr.hasPrefix(lang.pick("papaoursctl: unknown language 'de': fr or en\n", "papaoursctl: langue inconnue « de » : fr ou en\n")))
        let fromLanguage = try runCtl(["machine"], environment: ["LANGUAGE": "\(lang.rawValue):\(other)", "LANG": "\(other)_XX.UTF-8"])
        #expect(fromLanguage.stderr.hasPrefix(lang.pick("papaoursctl: 'machine' needs a command", "papaoursctl: « machine » attend une commande")))
    }

    @Test(arguments: Lang.allCases) func keyStatusesUseAndAWarningForAnInactiveMachine(_ lang: Lang) throws {
        let daemon = try Daemon(config: ["usage-flush-interval 1"])
        let ctl = Ctl(daemon, lang)
        let made = try makeMachineWithKey(on: daemon, name: "web", label: "prod")
        let soon = Timestamp(seconds: Timestamp.now().seconds + 2)
        let expiring = try daemon.client.keyCreate("web", label: "soon", expires: soon)
        #expect(try ctl("verify", "--ip", "192.0.2.7", stdin: made.secret + "\n").status == 0)
        var shown = try ctl("key", "show", made.key.id.value)
        for _ in 0..<50 where shown.row(lang.pick("Uses", "Utilisations")).last != "1" {
            usleep(100_000)
            shown = try ctl("key", "show", made.key.id.value)
        }
        #expect(shown.row(lang.pick("Uses", "Utilisations")).last == "1", "\(shown)")
        #expect(shown.row(lang.pick("Last address", "Dernière adresse")).last == "192.0.2.7", "\(shown)")
        #expect(shown.row(lang.pick("Last used", "Dernière utilisation")).last != lang.pick("Never", "Jamais"))

        while Timestamp.now() <= soon { usleep(100_000) }
        let list = try ctl("key", "list", "web")
        #expect(list.row(expiring.key.id.value).prefix(3) == [expiring.key.id.value, "soon", lang.pick("Expired", "Expirée")], "\(list)")
        #expect(list.row(made.key.id.value).prefix(3) == [made.key.id.value, "prod", "Active"])
        let refused = try ctl("verify", stdin: expiring.secret.revealed + "\n")
        #expect(refused.status == 1 && refused.stderr == lang.pick("papaoursctl: this API key has expired\n", "papaoursctl: cette clé API a expiré\n"))

        _ = try daemon.client.machineEdit("web", status: .inactive)
        let created = try ctl("key", "create", "web", "--label", "while inactive")
        #expect(created.status == 0 && created.stdout.hasPrefix("papa_"))
        #expect(created.stderr.hasSuffix(lang.pick(
            "warning: machine 'web' is inactive, so this key is refused until the machine is enabled again (papaoursctl machine edit \(made.machine.id.value) --active)\n",
            "attention : la machine « web » est inactive, cette clé sera donc refusée tant que la machine ne sera pas réactivée (papaoursctl machine edit \(made.machine.id.value) --active)\n")), "\(created)")
        let toFile = try ctl("key", "create", made.machine.id.value, "--label", "after", "--output", daemon.directory + "/a.key")
        #expect(toFile.stderr.contains(lang.pick("warning: machine 'web' is inactive", "attention : la machine « web » est inactive")), "\(toFile)")
        _ = try daemon.client.machineEdit("web", status: .active)
        #expect(!(try ctl("key", "create", "web", "--label", "active again").stderr.contains(lang.pick("warning", "attention"))))
    }

    @Test(arguments: Lang.allCases) func deletionIsConfirmedWithEitherLanguagesYes(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        for answer in ["oui", "yes", "o", "y", "OUI"] {
            _ = try daemon.client.machineCreate("gone")
            let run = try ctl.onTerminal(["machine", "delete", "gone"], typed: answer + "\n")
            #expect(run.status == 0, "\(answer): \(run)")
        }
        _ = try daemon.client.machineCreate("kept")
        #expect(try ctl.onTerminal(["machine", "delete", "kept"], typed: "non\n").status == 1)
        #expect(try daemon.client.machineList().map(\.name) == ["kept"])
    }
}
