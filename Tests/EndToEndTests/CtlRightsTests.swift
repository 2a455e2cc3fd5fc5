import Foundation
import PapaoursClient
import Testing

/// papaoursctl's role and group commands and the machine page's rights, in both languages,
/// with the guide's words (« Rôles et groupes », « Périmètre », « Droits d'accès »…).
@Suite struct CtlRightsTests {
    static func guideExample(_ ctl: Ctl) throws {
        for arguments in [
            ["role", "create", "lecteur-contrats", "--right", "contrats:read", "--perimeter", "CFA Jean Bosco"],
            ["role", "create", "facturier", "--right", "factures:write", "--right", "factures:read"],
            ["group", "create", "facturation", "--role", "lecteur-contrats", "--role", "facturier", "--perimeter", "CFA Jean Bosco"],
            ["machine", "create", "Service de facturation", "--organization", "CFA Jean Bosco", "--group", "facturation"],
        ] {
            let run = try ctl.run(arguments)
            #expect(run.status == 0, "\(arguments): \(run)")
        }
    }

    @Test(arguments: Lang.allCases) func theGuidesExampleShowsEachRightAndWhereItComesFrom(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        try Self.guideExample(ctl)
        let show = try ctl("machine", "show", "Service de facturation")
        #expect(show.status == 0, "\(show)")
        #expect(show.row(lang.pick("Organization", "Organisation de rattachement")).last == "CFA Jean Bosco")
        #expect(show.row(lang.pick("Groups", "Groupes")).last == "facturation")
        #expect(show.stdout.contains(lang.pick("\nRoles and groups\n", "\nRôles et groupes\n")))
        #expect(show.stdout.contains(lang.pick("\nAccess rights\n", "\nDroits d'accès\n")))
        #expect(show.row("contrats") == ["contrats", lang.pick("read", "lecture"),
                                         lang.pick("role lecteur-contrats, through group facturation", "rôle lecteur-contrats, par le groupe facturation")])
        #expect(show.row("factures").prefix(2) == ["factures", lang.pick("read", "lecture")])
        #expect(show.stdout.contains(lang.pick("write", "écriture")))
        #expect(!show.stdout.contains("formations"))
        // Moved out of the group's perimeter: the rights are gone, and the page says why none.
        #expect(try ctl("machine", "edit", "Service de facturation", "--organization", "Lycée Voltaire").status == 0)
        let moved = try ctl("machine", "show", "Service de facturation")
        #expect(moved.stdout.contains(lang.pick("No access right", "Aucun droit d'accès")), "\(moved)")
        #expect(moved.row(lang.pick("group", "groupe")).last == "✗")

        let role = try ctl("role", "show", "lecteur-contrats")
        #expect(role.row(lang.pick("Perimeter", "Périmètre")).last == "CFA Jean Bosco")
        #expect(role.row(lang.pick("Access rights", "Droits d'accès")).last == "contrats:read")
        #expect(try ctl("role", "show", "facturier").row(lang.pick("Perimeter", "Périmètre")).last
                == lang.pick("all organisations (*)", "toutes les organisations (*)"))
        let list = try ctl("group", "list")
        #expect(list.status == 0 && list.row("facturation").contains("lecteur-contrats, facturier"))
        let json = try ctl("--json", "role", "list").array()
        #expect(json.count == 2 && json.allSatisfy { $0["rights"] is [String] && $0["machines"] is Int })
    }

    @Test(arguments: Lang.allCases) func editsAndRefusalsAreSaidInTheUsersWords(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        try Self.guideExample(ctl)
        let edited = try ctl("role", "edit", "facturier", "--no-rights", "--right", "x:read")
        #expect(edited.status == 2, "conflicting options: \(edited)")
        #expect(try ctl("role", "edit", "facturier", "--right", "factures:archive").status == 0)
        #expect(try daemon.client.machineShow("Service de facturation").rights == ["contrats:read", "factures:archive"])
        #expect(try ctl("role", "edit", "facturier").status == 2, "nothing to change")
        let badRight = try ctl("role", "create", "r", "--right", "contrats:lire")
        #expect(badRight.status == 2 && badRight.stderr.contains("contrats:lire"))
        let comma = try ctl("role", "create", "r", "--perimeter", "A,B")
        #expect(comma.status == 2 && comma.stderr.contains(lang.pick("cannot hold a comma", "ne peut pas contenir de virgule")))
        let missing = try ctl("role", "show", "nope")
        #expect(missing.status == 1 && missing.stderr == lang.pick("papaoursctl: no role 'nope' (see 'papaoursctl role list')\n",
                                                                   "papaoursctl: aucun rôle « nope » (voir « papaoursctl role list »)\n"))
        let exists = try ctl("group", "create", "facturation")
        #expect(exists.status == 1 && exists.stderr.contains(lang.pick("a group named 'facturation' already exists", "un groupe nommé « facturation » existe déjà")))
        let held = try ctl("role", "delete", "facturier")
        #expect(held.status == 1 && held.stderr.contains(lang.pick("is still held", "est encore porté")))
        let noGroup = try ctl("machine", "edit", "Service de facturation", "--group", "nope")
        #expect(noGroup.status == 1 && noGroup.stderr.contains(lang.pick("no group 'nope'", "aucun groupe « nope »")), "\(noGroup)")
        #expect(try ctl("machine", "edit", "Service de facturation", "--no-groups").status == 0)
        #expect(try ctl("group", "delete", "facturation").stdout == lang.pick("Group facturation deleted.\n", "Groupe facturation supprimé.\n"))
        let audit = try ctl("audit")
        #expect(audit.stdout.contains(lang.pick("role changed", "rôle modifié")) && audit.stdout.contains(lang.pick("group deleted", "groupe supprimé")))
    }
}

/// A protected record refused to a writer without rights.admin, said as such (needs root for setpriv).
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to run papaoursctl as another uid"))
struct CtlProtectedTests {
    @Test(arguments: Lang.allCases) func aProtectedMachineIsRefusedWithWhy(_ lang: Lang) throws {
        let daemon = try Daemon(config: ["grant user nobody machines.read,machines.write"])
        #expect(try Ctl(daemon)("machine", "create", "systeme", "--protected").status == 0)
        let run = try Ctl(daemon, lang, uid: 65534)("machine", "edit", "systeme", "--description", "x")
        #expect(run.status == 1 && run.stderr.contains(lang.pick("administered by Papaours", "administré par Papaours"))
                && run.stderr.contains("rights.admin"), "\(run)")
    }
}
