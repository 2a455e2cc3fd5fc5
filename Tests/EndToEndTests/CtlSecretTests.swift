import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// The secret of `key create` is shown once, alone, and never again.
@Suite(.serialized)
struct CtlSecretTests {
    @Test(arguments: Lang.allCases) func keyCreatePrintsTheSecretAloneOnceAndWarnsOnStderr(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        _ = try daemon.client.machineCreate("billing-api")
        let created = try ctl("key", "create", "billing-api", "--label", "production")
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout.count == 44 && created.stdout.hasPrefix("papa_") && created.stdout.hasSuffix("\n"))
        let secret = String(created.stdout.dropLast())
        #expect(!secret.contains { $0.isWhitespace })
        #expect(created.stderr == lang.pick("This secret will never be shown again: store it now in a secret manager.\n",
                                            "Ce secret ne sera plus jamais affiché : rangez-le dès maintenant dans un gestionnaire de secrets.\n"))
        #expect(try ctl("verify", stdin: secret + "\n").status == 0)

        let id = try #require(try daemon.client.keyList("billing-api").first?.id.value)
        for later in [["key", "show", id], ["key", "list", "billing-api"], ["--json", "key", "show", id],
                      ["--json", "key", "list", "billing-api"], ["machine", "show", "billing-api"], ["audit"], ["--json", "audit"]] {
            let run = try ctl.run(later)
            #expect(run.status == 0, "\(later): \(run)")
            #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret), "\(later) shows the secret")
            #expect(!run.stdout.contains("secret"), "\(later)")
        }
        #expect(!daemon.log.contains(secret))
    }

    @Test(arguments: Lang.allCases) func outputWritesANewPrivateFileAndNeverOverwrites(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        _ = try daemon.client.machineCreate("billing-api")
        let path = daemon.directory + "/billing-api.key"
        let written = try ctl("key", "create", "billing-api", "--label", "production", "--output", path)
        #expect(written.status == 0, "\(written)")
        let key = try #require(try daemon.client.keyList("billing-api").first)
        #expect(written.stdout == lang.pick("Key \(key.id.value) (production) created; its secret is in \(path).\n",
                                            "Clé \(key.id.value) (production) créée ; son secret est dans \(path).\n"))
        #expect(written.stderr.hasPrefix(lang.pick("This secret will never be shown again", "Ce secret ne sera plus jamais affiché")))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.uint16Value == 0o600)
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        #expect(contents.count == 44 && contents.hasPrefix("papa_") && contents.hasSuffix("\n"))
        #expect(!written.stdout.contains(String(contents.dropLast())))
        #expect(try ctl("verify", "--key-file", path).status == 0)

        let again = try ctl("key", "create", "billing-api", "--label", "second", "--output", path)
        #expect(again.status == 1 && again.stdout.isEmpty)
        #expect(again.stderr == lang.pick("papaoursctl: refusing to overwrite \(path): the file exists\n",
                                          "papaoursctl: refus d'écraser \(path) : le fichier existe\n"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == contents, "the file is untouched")
        #expect(try daemon.client.keyList("billing-api").count == 1, "no key is made when its file cannot be")

        let orphan = daemon.directory + "/orphan.key"
        let refused = try ctl("key", "create", "no-such-machine", "--label", "x", "--output", orphan)
        #expect(refused.status == 1 && refused.stderr.hasPrefix(lang.pick("papaoursctl: no machine 'no-such-machine'", "papaoursctl: aucune machine « no-such-machine »")))
        #expect(!FileManager.default.fileExists(atPath: orphan), "the file goes when the key is not made")
    }
}
