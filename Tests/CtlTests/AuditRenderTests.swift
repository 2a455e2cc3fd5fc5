import PapaoursClient
import PapaoursCore
import PapaoursProtocol
import Testing
@testable import PapaoursCtlKit

/// The audit journal in the user's language: `changed=` with `old-…`/`new-…` said in words,
/// `details` for the events of older stores that do not send them.
@Suite struct AuditRenderTests {
    let now = Timestamp(seconds: 1_800_000_000)

    func event(_ tail: String) throws -> AuditEntry {
        try AuditEntry(ReplyLine.parse(Array("EVENT seq=7 time=2026-11-28T22:46:38Z uid=0 user=root \(tail)".utf8)))
    }

    func details(_ entry: AuditEntry, _ language: Language) -> String {
        Render(text: Localizer(language), now: now).changes(of: entry)
    }

    @Test func changesAreSaidInTheUsersLanguage() throws {
        let disabled = try event(#"action=key.edit target=k_aaaaaaaaaaaaaaaa changed=status,label old-status=active new-status=inactive old-label=prod new-label="Clé production" details="status \"active\" -> \"inactive\"""#)
        #expect(disabled.changes == [FieldChange(field: "status", old: "active", new: "inactive"),
                                     FieldChange(field: "label", old: "prod", new: "Clé production")])
        #expect(details(disabled, .fr) == "Statut : Active → Inactive; Libellé : prod → Clé production")
        #expect(details(disabled, .en) == "Status: Active → Inactive; Label: prod → Clé production")
        let render = Render(text: Localizer(.fr), now: now)
        #expect(render.action(disabled.action) == "clé modifiée")
        #expect(render.action("machine.rename") == "machine.rename", "an action this tool does not know, as sent")
    }

    @Test func aFieldSetAtCreationAndAnEmptiedOneRead() throws {
        let created = try event(#"action=machine.create target=m_aaaaaaaaaaaaaaaa changed=name,roles,organization new-name=web new-roles=api,ops new-organization="#)
        #expect(details(created, .fr) == "Nom : web; Rôles : api, ops; Organisation de rattachement : —")
        let withOld = try event(#"action=key.create target=k_aaaaaaaaaaaaaaaa changed=label old-label= new-label=prod"#)
        #expect(details(withOld, .en) == "Label: prod", "a created record's empty old values are not shown")
        let emptied = try event(#"action=machine.edit target=m_aaaaaaaaaaaaaaaa changed=description,future-field old-description="Front end" new-description= old-future-field=1 new-future-field=2"#)
        #expect(details(emptied, .en) == "Description: Front end → —; future-field: 1 → 2")
    }

    @Test func olderStoresFallBackToDetails() throws {
        let old = try event(#"action=key.edit target=k_aaaaaaaaaaaaaaaa details="status \"active\" -> \"inactive\"""#)
        #expect(old.changes == nil)
        #expect(details(old, .fr) == #"status "active" -> "inactive""#)
        let bare = try event("action=denied target=key.create")
        #expect(details(bare, .fr) == "")
    }

    @Test func durationsUseTheLanguagesDayLetter() {
        #expect(Render(text: Localizer(.fr), now: now).duration(3 * 86400 + 4 * 3600 + 6) == "3j 4h 0m 6s")
        #expect(Render(text: Localizer(.en), now: now).duration(3 * 86400 + 4 * 3600 + 6) == "3d 4h 0m 6s")
        #expect(Render(text: Localizer(.en), now: now).duration(0) == "0s")
    }

    @Test func anExpiredKeyIsExpiredUnlessItIsInactive() throws {
        func key(_ status: String, expires: String) throws -> APIKey {
            try APIKey(ReplyLine.parse(Array("KEY id=k_aaaaaaaaaaaaaaaa machine=m_aaaaaaaaaaaaaaaa label=x status=\(status) created=2026-01-01T00:00:00Z created-by=root updated=2026-01-01T00:00:00Z expires=\(expires) last-used=never uses=0 last-ip=192.0.2.7".utf8)))
        }
        let render = Render(text: Localizer(.fr), now: now)
        #expect(render.status(of: try key("active", expires: "2020-01-01T00:00:00Z")) == Cell("Expirée", style: .red))
        #expect(render.status(of: try key("inactive", expires: "2020-01-01T00:00:00Z")).text == "Inactive")
        #expect(render.status(of: try key("active", expires: "2099-01-01T00:00:00Z")) == Cell("Active", style: .green))
        #expect(render.status(of: try key("active", expires: "")).text == "Active")
        #expect(Render(text: Localizer(.en), now: now).status(of: try key("active", expires: "2020-01-01T00:00:00Z")).text == "Expired")
        let shown = render.keyDetails(try key("active", expires: "")).rows.map { $0.map(\.text) }
        #expect(shown.contains(["Dernière adresse", "192.0.2.7"]))
    }
}
