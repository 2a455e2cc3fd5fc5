import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// The built papaoursctl's command line, help, socket choice, colour and unreachable daemon.
@Suite(.serialized)
struct CtlUsageTests {
    @Test(arguments: Lang.allCases) func usageErrorsExitTwoWithASuggestionAndAHint(_ lang: Lang) throws {
        let ctl = Ctl(socket: "/nonexistent/papaoursd.sock", lang)
        let cases: [([String], String, String)] = [
            (["key", "create", "m", "--lable", "x"],
             "papaoursctl: unknown option '--lable' for 'key create'; did you mean '--label'?\ntry 'papaoursctl key create --help'\n",
             "papaoursctl: option « --lable » inconnue pour « key create » ; vouliez-vous dire « --label » ?\nessayez « papaoursctl key create --help »\n"),
            (["machine", "lsit"],
             "papaoursctl: unknown command 'lsit' for 'machine'; did you mean 'list'?\ntry 'papaoursctl machine --help'\n",
             "papaoursctl: commande « lsit » inconnue pour « machine » ; vouliez-vous dire « list » ?\nessayez « papaoursctl machine --help »\n"),
            (["machne", "list"],
             "papaoursctl: unknown command 'machne'; did you mean 'machine'?\ntry 'papaoursctl --help'\n",
             "papaoursctl: commande inconnue « machne » ; vouliez-vous dire « machine » ?\nessayez « papaoursctl --help »\n"),
            (["--jsn", "status"],
             "papaoursctl: unknown option '--jsn'; did you mean '--json'?\ntry 'papaoursctl --help'\n",
             "papaoursctl: option inconnue « --jsn » ; vouliez-vous dire « --json » ?\nessayez « papaoursctl --help »\n"),
            (["key", "create", "m"],
             "papaoursctl: option '--label' is required for 'key create'\ntry 'papaoursctl key create --help'\n",
             "papaoursctl: l'option « --label » est obligatoire pour « key create »\nessayez « papaoursctl key create --help »\n"),
            (["machine", "show"],
             "papaoursctl: missing argument MACHINE for 'machine show'\ntry 'papaoursctl machine show --help'\n",
             "papaoursctl: argument MACHINE manquant pour « machine show »\nessayez « papaoursctl machine show --help »\n"),
            ([], "papaoursctl: missing command\ntry 'papaoursctl --help'\n", "papaoursctl: commande manquante\nessayez « papaoursctl --help »\n"),
        ]
        for (arguments, english, french) in cases {
            let run = try ctl.run(arguments)
            #expect(run.status == 2 && run.stdout.isEmpty, "\(arguments): \(run)")
            #expect(run.stderr == lang.pick(english, french), "\(arguments)")
        }
    }

    @Test(arguments: Lang.allCases) func helpAndVersion(_ lang: Lang) throws {
        let ctl = Ctl(socket: "/nonexistent/papaoursd.sock", lang)
        let tool = try ctl("--help")
        #expect(tool.status == 0 && tool.stderr.isEmpty)
        #expect(tool.stdout.hasPrefix(lang.pick("Manage the machines and API keys of papaoursd.\n\nUsage: papaoursctl [--socket PATH] [--json] [--lang fr|en] [--verbose] COMMAND",
                                                "Gérer les machines et les clés API de papaoursd.\n\nUtilisation : papaoursctl [--socket PATH] [--json] [--lang fr|en] [--verbose] COMMAND")))
        for command in ["machine create", "machine list", "machine show", "machine edit", "machine delete", "key create", "key list",
                        "key show", "key edit", "key disable", "key enable", "verify", "audit", "status"] {
            #expect(tool.stdout.contains("\n  \(command)  "), "\(command) is in the help")
        }
        let command = try ctl("key", "create", "--help")
        #expect(command.status == 0)
        #expect(command.stdout.hasPrefix(lang.pick("Create an API key and print its secret, this once\n\nUsage: ",
                                                   "Créer une clé API et afficher son secret, une seule fois\n\nUtilisation : ")
                                         + "papaoursctl key create MACHINE --label LABEL [--expires TIME] [--output FILE]\n"))
        #expect(command.stdout.contains("  --output FILE  "))
        #expect(try ctl("help", "key", "create").stdout == command.stdout)
        let version = try ctl("--version")
        #expect(version.status == 0 && version.stdout == "papaoursctl 0.1.0\n" && version.stderr.isEmpty)
    }

    @Test(arguments: Lang.allCases) func anUnreachableDaemonIsOneLineNamingTheSocketAndExitThree(_ lang: Lang) throws {
        let daemon = try Daemon()
        let nothing = daemon.directory + "/nothing.sock"
        let run = try Ctl(socket: nothing, lang)("machine", "list")
        #expect(run.status == 3 && run.stdout.isEmpty)
        #expect(run.stderr == lang.pick("papaoursctl: cannot reach papaoursd at \(nothing): nothing is there — is papaoursd running, and is this its socket? ('make run' uses ./run/papaoursd.sock, a packaged install /run/papaours/papaoursd.sock)\n",
                                        "papaoursctl: impossible de joindre papaoursd à \(nothing) : rien n'existe à ce chemin — papaoursd est-il lancé, et est-ce bien son socket ? (« make run » utilise ./run/papaoursd.sock, une installation par paquet /run/papaours/papaoursd.sock)\n"))
        daemon.kill9()
        let stale = try Ctl(daemon, lang)("status")
        #expect(stale.status == 3)
        #expect(stale.stderr == lang.pick("papaoursctl: cannot reach papaoursd at \(daemon.socketPath): the socket is there but nobody answers on it — papaoursd is not running (start it: systemctl start papaoursd.socket, or make run)\n",
                                          "papaoursctl: impossible de joindre papaoursd à \(daemon.socketPath) : le socket existe mais personne n'y répond — papaoursd n'est pas lancé (démarrez-le : systemctl start papaoursd.socket, ou make run)\n"))
    }

    @Test func socketOptionWinsOverTheEnvironment() throws {
        let daemon = try Daemon()
        _ = try daemon.client.machineCreate("here")
        let elsewhere = Ctl(socket: daemon.directory + "/elsewhere.sock")
        #expect(try elsewhere("machine", "list").status == 3)
        #expect(try elsewhere("--socket", daemon.socketPath, "machine", "list").row("m_").dropFirst().first == "here")
        #expect(try elsewhere("machine", "list", "--socket=\(daemon.socketPath)").status == 0, "a global option may follow the command")
        #expect(try Ctl(daemon)("machine", "list").row("m_").dropFirst().first == "here", "PAPAOURS_SOCKET alone")
        let wrong = try Ctl(daemon)("--socket", daemon.directory + "/elsewhere.sock", "machine", "list")
        #expect(wrong.status == 3 && wrong.stderr.contains(daemon.directory + "/elsewhere.sock"))
    }

    @Test func noColourUnlessStdoutIsATerminal() throws {
        let daemon = try Daemon()
        let made = try makeMachineWithKey(on: daemon)
        _ = try daemon.client.keyCreate("billing-api", label: "old")
        _ = try daemon.client.machineEdit("billing-api", status: .inactive)
        let ctl = Ctl(daemon)
        for arguments in [["machine", "list"], ["machine", "show", "billing-api"], ["key", "list", "billing-api"],
                          ["key", "show", made.key.id.value], ["audit"], ["status"], ["--help"]] {
            let run = try ctl.run(arguments, environment: ["TERM": "xterm-256color"])
            #expect(run.status == 0 && run.stdout.contains("\u{1B}") == false, "\(arguments) is coloured in a pipe")
        }
        // On a terminal (script(1) gives it one), the same status words are coloured, unless NO_COLOR says no.
        let coloured = try ctl.onTerminal(["key", "list", "billing-api"])
        #expect(coloured.stdout.contains("\u{1B}[32mActive\u{1B}[0m"), "\(coloured)")
        #expect(try ctl.onTerminal(["machine", "list"]).stdout.contains("\u{1B}[31mInactive\u{1B}[0m"))
        #expect(!(try ctl.onTerminal(["key", "list", "billing-api"], environment: ["NO_COLOR": "1"]).stdout.contains("\u{1B}[")))
    }

    @Test func aBusyDaemonIsReportedAsBusy() throws {
        let daemon = try Daemon(config: ["max-connections 1"])
        let holder = try daemon.holdOnlyConnection()
        for lang in Lang.allCases {
            for _ in 0..<5 {
                let run = try Ctl(daemon, lang)("machine", "list")
                #expect(run.status == 1, "\(run)")
                #expect(run.stderr.hasPrefix(lang.pick("papaoursctl: papaoursd is busy", "papaoursctl: papaoursd est saturé")), "\(run)")
            }
        }
        #expect(holder.request("PING") == ["OK"], "the connection in place is still served")
    }
}
