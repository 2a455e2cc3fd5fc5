import PapaoursCore
import PapaoursProtocol

/// IMPORT MACHINE / KEY / EVENT attributes back into records, checked as strictly as new ones.
enum ImportParsing {
    static func time(_ value: String?, _ field: String, optional: Bool = false) throws(ValidationError) -> Timestamp? {
        guard let value, !value.isEmpty, value != "never" else {
            if optional { return nil }
            throw ValidationError(field: field, problem: "is required")
        }
        guard let time = Timestamp(rfc3339: value) else {
            throw Validation.outOfBounds(value, field: field) ?? ValidationError(field: field, problem: "must be an RFC 3339 time")
        }
        return time
    }

    static func status(_ value: String?) throws(ValidationError) -> Status {
        try Validation.status(value ?? "active")
    }

    static func machine(_ r: Request) throws(ValidationError) -> MachineRecord {
        guard let id = MachineID(r[attribute: "id"] ?? "") else { throw ValidationError(field: "id", problem: "must be m_ and 16 of [a-z0-9]") }
        let now = Timestamp.now()
        return MachineRecord(
            id: id, name: try Validation.machineName(r[attribute: "name"] ?? ""),
            description: try Validation.description(r[attribute: "description"] ?? ""),
            organization: try Validation.organization(r[attribute: "organization"] ?? ""),
            roles: try Validation.roles(r[attribute: "roles"] ?? ""), status: try status(r[attribute: "status"]),
            created: try time(r[attribute: "created"], "created", optional: true) ?? now,
            createdBy: try Validation.text(r[attribute: "created-by"] ?? "", field: "created-by", length: 0...128),
            updated: try time(r[attribute: "updated"], "updated", optional: true) ?? now,
            groups: try Validation.groups(r[attribute: "groups"] ?? ""),
            protected: try Validation.protected(r[attribute: "protected"] ?? "no"))
    }

    static func role(_ r: Request) throws(ValidationError) -> RoleRecord {
        let now = Timestamp.now()
        return RoleRecord(
            name: try Validation.roleName(r[attribute: "name"] ?? ""),
            description: try Validation.description(r[attribute: "description"] ?? ""),
            rights: try Validation.rights(r[attribute: "rights"] ?? ""),
            perimeter: try Perimeter(parsing: r[attribute: "perimeter"] ?? "*"),
            protected: try Validation.protected(r[attribute: "protected"] ?? "no"),
            created: try time(r[attribute: "created"], "created", optional: true) ?? now,
            createdBy: try Validation.text(r[attribute: "created-by"] ?? "", field: "created-by", length: 0...128),
            updated: try time(r[attribute: "updated"], "updated", optional: true) ?? now)
    }

    static func group(_ r: Request) throws(ValidationError) -> GroupRecord {
        let now = Timestamp.now()
        return GroupRecord(
            name: try Validation.groupName(r[attribute: "name"] ?? ""),
            description: try Validation.description(r[attribute: "description"] ?? ""),
            roles: try Validation.roles(r[attribute: "roles"] ?? ""),
            perimeter: try Perimeter(parsing: r[attribute: "perimeter"] ?? "*"),
            protected: try Validation.protected(r[attribute: "protected"] ?? "no"),
            created: try time(r[attribute: "created"], "created", optional: true) ?? now,
            createdBy: try Validation.text(r[attribute: "created-by"] ?? "", field: "created-by", length: 0...128),
            updated: try time(r[attribute: "updated"], "updated", optional: true) ?? now)
    }

    static func key(_ r: Request) throws(ValidationError) -> KeyRecord {
        guard let id = KeyID(r[attribute: "id"] ?? "") else { throw ValidationError(field: "id", problem: "must be k_ and 16 of [a-z0-9]") }
        guard let machine = MachineID(r[attribute: "machine"] ?? "") else { throw ValidationError(field: "machine", problem: "must be a machine id") }
        guard let bytes = Hex.decode(r[attribute: "hash"] ?? ""), let hash = SecretHash(stored: bytes) else {
            throw ValidationError(field: "hash", problem: "must be 64 hexadecimal digits (a SHA-256)")
        }
        guard let uses = UInt64(r[attribute: "uses"] ?? "0") else { throw ValidationError(field: "uses", problem: "must be a count") }
        let now = Timestamp.now()
        return KeyRecord(
            id: id, machine: machine, label: try Validation.label(r[attribute: "label"] ?? ""), status: try status(r[attribute: "status"]),
            created: try time(r[attribute: "created"], "created", optional: true) ?? now,
            createdBy: try Validation.text(r[attribute: "created-by"] ?? "", field: "created-by", length: 0...128),
            updated: try time(r[attribute: "updated"], "updated", optional: true) ?? now,
            expires: try time(r[attribute: "expires"], "expires", optional: true),
            lastUsed: try time(r[attribute: "last-used"], "last-used", optional: true), uses: uses,
            lastIP: try Validation.text(r[attribute: "last-ip"] ?? "", field: "last-ip", length: 0...256), hash: hash)
    }

    static func event(_ r: Request) throws(ValidationError) -> AuditEvent {
        guard let seq = UInt64(r[attribute: "seq"] ?? ""), seq > 0 else { throw ValidationError(field: "seq", problem: "must be a positive sequence number") }
        guard let action = AuditAction(rawValue: r[attribute: "action"] ?? "") else {
            throw ValidationError(field: "action", problem: "must be one of " + AuditAction.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let uid = UInt32(r[attribute: "uid"] ?? "0") else { throw ValidationError(field: "uid", problem: "must be a uid") }
        var machine: MachineID?
        if let text = r[attribute: "machine"], !text.isEmpty {
            guard let id = MachineID(text) else { throw ValidationError(field: "machine", problem: "must be a machine id") }
            machine = id
        }
        var changes: [FieldChange] = []
        for field in (r[attribute: "changed"] ?? "").split(separator: ",").map(String.init) {
            guard let old = r[attribute: "old-" + field], let new = r[attribute: "new-" + field] else {
                throw ValidationError(field: "changed", problem: "names \(field) without old-\(field)= and new-\(field)=")
            }
            changes.append(FieldChange(field: field, old: old, new: new))
        }
        guard changes.count <= 64 else { throw ValidationError(field: "changed", problem: "must name at most 64 fields") }
        return AuditEvent(seq: seq, time: try time(r[attribute: "time"], "time")!, uid: uid,
                          user: try Validation.text(r[attribute: "user"] ?? "", field: "user", length: 0...128), action: action,
                          target: try Validation.text(r[attribute: "target"] ?? "", field: "target", length: 0...256),
                          machine: machine, details: r[attribute: "details"] ?? "", changes: changes)
    }
}
