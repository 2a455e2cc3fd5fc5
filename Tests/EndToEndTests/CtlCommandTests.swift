import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// The built papaoursctl against the real daemon: every machine and key command, in English and French.
@Suite(.serialized)
struct CtlCommandTests {
    @Test(arguments: Lang.allCases) func machineCommands(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        let created = try ctl("machine", "create", "billing-api", "--description", "Invoices\nand payments",
                              "--organization", "Acme", "--role", "billing.read", "--role", "invoices:write")
        #expect(created.status == 0 && created.stderr.isEmpty, "\(created)")
        #expect(created.stdout.hasPrefix(lang.pick("Machine created.\n", "Machine créée.\n")))
        #expect(created.row(lang.pick("Roles", "Rôles")).last == "billing.read, invoices:write")
        // A line break in a value goes on under the value, not under the labels.
        let lines = created.stdout.split(separator: "\n").map(String.init)
        let description = try #require(lines.firstIndex { $0.hasPrefix("Description ") })
        let column = try #require(lines[description].range(of: "Invoices")).lowerBound.utf16Offset(in: lines[description])
        #expect(lines[description + 1] == String(repeating: " ", count: column) + "and payments")
        #expect(created.row(lang.pick("Status", "Statut")).last == "Active")
        let id = try daemon.client.machineShow("billing-api").id.value
        let escape = try ctl("machine", "create", "other", "--description", "in \u{1B}[31mred")
        #expect(escape.status == 2 && escape.stderr.hasPrefix(lang.pick("papaoursctl: --description must not hold control characters\n",
                                                                         "papaoursctl: --description ne doit pas contenir de caractère de contrôle\n")), "\(escape)")

        let list = try ctl("machine", "list")
        #expect(list.status == 0, "\(list)")
        #expect(list.row("ID") == ["ID"] + lang.pick("Name|Organization|Roles|Status|API keys", "Nom|Organisation de rattachement|Rôles|Statut|Clés API")
            .split(separator: "|").map(String.init))
        #expect(list.row(id) == [id, "billing-api", "Acme", "billing.read, invoices:write", "Active", "0"])

        let shown = try ctl("machine", "show", "billing-api")
        #expect(shown.status == 0 && shown.stdout.contains(id))
        #expect(shown.stdout.hasSuffix(lang.pick("\nAPI keys\nNo API key associated with this machine\n",
                                                 "\nClés API\nAucune clé API associée à cette machine\n")), "\(shown)")

        let edited = try ctl("machine", "edit", id, "--name", "billing", "--no-roles", "--inactive")
        #expect(edited.status == 0, "\(edited)")
        #expect(edited.stdout.hasPrefix(lang.pick("Machine updated.\n", "Machine modifiée.\n")))
        #expect(edited.stdout.contains("billing\n") && edited.stdout.contains("Inactive\n"))
        #expect(try daemon.client.machineShow(id).roles.isEmpty)
        let noChange = try ctl("machine", "edit", "billing")
        #expect(noChange.status == 2 && noChange.stderr.contains(lang.pick("nothing to change", "rien à modifier")))

        let unconfirmed = try ctl("machine", "delete", "billing")
        #expect(unconfirmed.status == 2 && unconfirmed.stdout.isEmpty)
        #expect(unconfirmed.stderr.hasPrefix(lang.pick("papaoursctl: standard input is not a terminal", "papaoursctl: l'entrée standard n'est pas un terminal")))
        #expect(unconfirmed.stderr.contains("--yes"))
        #expect(try daemon.client.machineList().count == 1, "nothing deleted without --yes")

        let deleted = try ctl("machine", "delete", "billing", "--yes")
        #expect(deleted.status == 0)
        #expect(deleted.stdout == lang.pick("Machine \(id) and its API keys deleted.\n", "Machine \(id) et ses clés API supprimées.\n"))
        let gone = try ctl("machine", "show", id)
        #expect(gone.status == 1 && gone.stdout.isEmpty)
        #expect(gone.stderr == lang.pick("papaoursctl: no machine '\(id)': it is neither the id nor the name of a machine (see 'papaoursctl machine list')\n",
                                         "papaoursctl: aucune machine « \(id) » : ce n'est ni l'identifiant ni le nom d'une machine (voir « papaoursctl machine list »)\n"))
        #expect(try ctl("machine", "list").stdout == lang.pick("No machine\n", "Aucune machine\n"))
    }

    @Test(arguments: Lang.allCases) func keyCommands(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        _ = try daemon.client.machineCreate("billing-api")
        let empty = try ctl("key", "list", "billing-api")
        #expect(empty.status == 0)
        #expect(empty.stdout == lang.pick("No API key associated with this machine\n", "Aucune clé API associée à cette machine\n"))

        let created = try ctl("key", "create", "billing-api", "--label", "production", "--expires", "2099-01-31")
        #expect(created.status == 0, "\(created)")
        let key = try #require(try daemon.client.keyList("billing-api").first)
        #expect(key.expires?.description == "2099-01-31T00:00:00Z")
        let id = key.id.value

        let list = try ctl("key", "list", "billing-api")
        #expect(list.stdout.hasPrefix(lang.pick("ID                  Label       Status  Created", "ID                  Libellé     Statut  Créée le")), "\(list)")
        #expect(list.row(id) == [id, "production", "Active", key.created.description, "2099-01-31T00:00:00Z",
                                 lang.pick("Never", "Jamais"), "0"])
        let machine = try ctl("machine", "show", "billing-api")
        #expect(machine.stdout.contains(lang.pick("\nAPI keys\nID ", "\nClés API\nID ")) && machine.row(id).prefix(3) == [id, "production", "Active"])

        let shown = try ctl("key", "show", id)
        #expect(shown.status == 0 && shown.stdout.hasPrefix("ID  "), "\(shown)")
        #expect(shown.row(lang.pick("Label", "Libellé")) == [lang.pick("Label", "Libellé"), "production"])
        #expect(shown.row(lang.pick("Status", "Statut")) == [lang.pick("Status", "Statut"), "Active"])

        let edited = try ctl("key", "edit", id, "--label", "prod", "--inactive")
        #expect(edited.status == 0 && edited.stdout.hasPrefix(lang.pick("Key updated.\n", "Clé modifiée.\n")), "\(edited)")
        #expect(edited.stdout.contains("prod\n") && edited.stdout.contains("Inactive\n"))

        let enabled = try ctl("key", "enable", id)
        #expect(enabled.status == 0 && enabled.stdout == lang.pick("Key \(id) enabled.\n", "Clé \(id) réactivée.\n"))
        #expect(try ctl("key", "list", "billing-api").row(id).prefix(3) == [id, "prod", "Active"])
        let disabled = try ctl("key", "disable", id)
        #expect(disabled.status == 0 && disabled.stdout == lang.pick("Key \(id) disabled.\n", "Clé \(id) désactivée.\n"))
        #expect(try ctl("key", "list", "billing-api").row(id).prefix(3) == [id, "prod", "Inactive"])
        #expect(try daemon.client.keyShow(id).status == .inactive)

        let missing = try ctl("key", "disable", "k_aaaaaaaaaaaaaaaa")
        #expect(missing.status == 1 && missing.stderr.hasPrefix(lang.pick("papaoursctl: no key 'k_aaaaaaaaaaaaaaaa': ", "papaoursctl: aucune clé « k_aaaaaaaaaaaaaaaa » : ")))
        let badTime = try ctl("key", "create", "billing-api", "--label", "x", "--expires", "tomorrow")
        #expect(badTime.status == 2 && badTime.stderr.contains(lang.pick("'tomorrow' is not a time", "« tomorrow » n'est pas une date")))
    }

    @Test(arguments: Lang.allCases) func deleteAsksOnATerminal(_ lang: Lang) throws {
        let daemon = try Daemon()
        let made = try makeMachineWithKey(on: daemon)
        let ctl = Ctl(daemon, lang)
        let id = made.machine.id.value
        let kept = try ctl.onTerminal(["machine", "delete", "billing-api"], typed: "n\n")
        #expect(kept.status == 1, "\(kept)")
        #expect(kept.stdout.contains(lang.pick("Delete machine 'billing-api' (\(id)) and its 1 API key(s)? This cannot be undone. [y/N] ",
                                               "Supprimer la machine « billing-api » (\(id)) et ses 1 clé(s) API ? C'est irréversible. [o/N] ")))
        #expect(kept.stdout.contains(lang.pick("Nothing deleted.", "Rien n'a été supprimé.")))
        #expect(try daemon.client.machineList().count == 1)
        let deleted = try ctl.onTerminal(["machine", "delete", "billing-api"], typed: lang.pick("y\n", "o\n"))
        #expect(deleted.status == 0 && deleted.stdout.contains(id), "\(deleted)")
        #expect(try daemon.client.machineList().isEmpty)
    }
}
