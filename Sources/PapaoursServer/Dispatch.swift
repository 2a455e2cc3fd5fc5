import PapaoursCore
import PapaoursProtocol
import PapaoursStore
import Synchronization

/// What a request leads to.
enum Outcome {
    case reply([UInt8])
    /// A change for the writer; the reply comes after its commit.
    case write(WriteOperation)
    /// Reply, then close the connection.
    case close([UInt8])
    /// Copy the store into this file descriptor, then reply.
    case backup(Int32)
    /// Send this listing part by part as the output drains.
    case stream(Listing)
}

/// Answers the requests an event loop can answer itself (all but the writes), from
/// its read session.
struct Dispatcher {
    let store: Store
    let session: Snapshot
    let stats: ServerStats
    let version: String
    let importStaging: ImportStaging
    let verifyCache = VerifyCache()
    let machineCache = MachineCache<MachineReply>()

    /// Verbs that read a whole database, or a long part of one.
    static let walking: Set<Verb> = [.machineList, .keyList, .export, .audit, .backup]

    static let auditDefaultLimit = 100
    static let auditMaxLimit = 1000

    func respond(to request: Request, from connection: Connection, usage: inout UsageTally) -> Outcome {
        let verb = request.verb
        let needed = verb.requiredPermission
        if !connection.permissions.isSuperset(of: needed) {
            let reply = ReplyFormat.no("forbidden", "\(verb.rawValue) needs permission \(needed), which \(connection.peer.user) (uid \(connection.peer.uid)) does not hold")
            if verb.isWrite {
                // The refusal leaves once the `denied` event is committed, so an AUDIT sent after it sees it.
                let machineRef = verb == .keyEdit || verb == .importCommit ? nil : request.arguments.first
                return .write(.denied(attempted: verb.actionName, machineRef: machineRef,
                                      missing: needed.subtracting(connection.permissions), reply: reply))
            }
            return .reply(reply)
        }
        if let refusal = stats.storeCheck.refusal(walksOrWrites: verb.isWrite || Dispatcher.walking.contains(verb)) {
            return .reply(refusal)
        }
        do {
            switch verb {
            case .hello:
                return .reply(ReplyFormat.ok {
                    $0.attribute("server", "papaoursd")
                    $0.attribute("version", version)
                    $0.attribute("protocol", "1.1")
                    $0.attribute("user", connection.peer.user)
                    $0.attribute("uid", String(connection.peer.uid))
                    // A fleet's hosts say which one answers; before permissions, which ends the line as in 1.0.
                    if stats.fleet.link != .off { $0.attribute("host", stats.fleet.hostName) }
                    $0.attribute("permissions", connection.permissions.description)
                })
            case .ping:
                return .reply(ReplyFormat.ok())
            case .quit:
                return .close(ReplyFormat.ok())
            case .machineCreate:
                return .write(.createMachine(MachineDraft(
                    name: request.arguments[0], description: request[attribute: "description"] ?? "",
                    organization: request[attribute: "organization"] ?? "", roles: request[attribute: "roles"] ?? "",
                    groups: request[attribute: "groups"] ?? "", protected: request[attribute: "protected"] ?? "no")))
            case .machineEdit:
                return .write(.editMachine(ref: request.arguments[0], MachineChanges(
                    name: request[attribute: "name"], description: request[attribute: "description"],
                    organization: request[attribute: "organization"], roles: request[attribute: "roles"],
                    status: request[attribute: "status"], groups: request[attribute: "groups"],
                    protected: request[attribute: "protected"])))
            case .roleCreate, .groupCreate:
                let draft = RoleDraft(name: request.arguments[0], description: request[attribute: "description"] ?? "",
                                      members: request[attribute: verb == .roleCreate ? "rights" : "roles"] ?? "",
                                      perimeter: request[attribute: "perimeter"] ?? "*", protected: request[attribute: "protected"] ?? "no")
                return .write(verb == .roleCreate ? .createRole(draft) : .createGroup(draft))
            case .roleEdit, .groupEdit:
                let changes = RoleChanges(name: request[attribute: "name"], description: request[attribute: "description"],
                                          members: request[attribute: verb == .roleEdit ? "rights" : "roles"],
                                          perimeter: request[attribute: "perimeter"], protected: request[attribute: "protected"])
                let name = request.arguments[0]
                return .write(verb == .roleEdit ? .editRole(name: name, changes) : .editGroup(name: name, changes))
            case .roleDelete:
                return .write(.deleteRole(name: request.arguments[0]))
            case .groupDelete:
                return .write(.deleteGroup(name: request.arguments[0]))
            case .roleList, .roleShow, .groupList, .groupShow:
                return .reply(try rights(request))
            case .machineDelete:
                return .write(.deleteMachine(ref: request.arguments[0]))
            case .keyCreate:
                return .write(.createKey(machine: request.arguments[0], label: request[attribute: "label"] ?? "",
                                         expires: request[attribute: "expires"] ?? ""))
            case .keyRotate:
                return .write(.rotateKey(ref: request.arguments[0], grace: request[attribute: "grace"] ?? Decisions.defaultGrace,
                                         label: request[attribute: "label"]))
            case .usage:
                return .reply(try self.usage(request))
            case .alerts:
                return .reply(try alerts(request))
            case .keyEdit:
                return .write(.editKey(ref: request.arguments[0], KeyChanges(label: request[attribute: "label"], status: request[attribute: "status"])))
            case .machineList:
                return .stream(try Listing(.machines, store: store, scope: connection.access.scope(of: .machinesRead)))
            case .machineShow:
                try session.refresh()
                guard let m = try visibleMachine(request.arguments[0], to: connection) else {
                    return .reply(ReplyFormat.no("not-found", "no machine \(request.arguments[0])"))
                }
                let keys = try session.keyCount(machine: m.id)
                return .reply(ReplyFormat.ok { ReplyFormat.machine(m, keys: keys, into: &$0) })
            case .keyList:
                try session.refresh()
                guard let m = try visibleMachine(request.arguments[0], to: connection) else {
                    return .reply(ReplyFormat.no("not-found", "no machine \(request.arguments[0])"))
                }
                return .stream(try Listing(.keys(m.id), store: store))
            case .keyShow:
                try session.refresh()
                guard let k = try session.key(ref: request.arguments[0]),
                      try session.machine(id: k.machine).map({ connection.access.sees($0.organization, through: .machinesRead) }) ?? false else {
                    return .reply(ReplyFormat.no("not-found", "no key \(request.arguments[0])"))
                }
                return .reply(ReplyFormat.ok { ReplyFormat.key(k, into: &$0) })
            case .verify:
                return .reply(try verify(request, uid: connection.peer.uid, usage: &usage))
            case .backup:
                guard connection.access.scope(of: verb.requiredPermission) == nil else {
                    if let passed = connection.takeLineDescriptor() { SystemCall.close(passed) }
                    return .reply(ReplyFormat.no("forbidden", "a backup holds the machines of every organisation: BACKUP needs grants that are not limited to organisations"))
                }
                guard let fd = connection.takeLineDescriptor() else {
                    return .reply(ReplyFormat.no("invalid", "BACKUP needs an open file passed with the request (SCM_RIGHTS), as papaoursctl backup does"))
                }
                return .backup(fd)
            case .export:
                return .stream(try Listing(.export, store: store, scope: connection.access.scope(of: .machinesWrite)))
            case .keyImport:
                let presented = Array(request.arguments[1].utf8)
                guard case .success = Secret.classify(presented), let secret = try? Secret(validating: presented) else {
                    return .reply(ReplyFormat.no("invalid", "the key to import is not a valid key (papaours form, or 20 to 256 printable ASCII characters)"))
                }
                let bits = SecretStrength.estimatedBits(presented)
                guard bits >= SecretStrength.minimumImportBits else {
                    return .reply(ReplyFormat.no("invalid", "the key to import is too weak: about \(Int(bits)) bits judged by its length and alphabet, at least \(Int(SecretStrength.minimumImportBits)) needed"))
                }
                return .write(.importKey(machine: request.arguments[0], label: request[attribute: "label"] ?? "",
                                         expires: request[attribute: "expires"] ?? "", secret: secret))
            case .importBegin:
                guard connection.importBatch == nil else { return .reply(ReplyFormat.no("invalid", "an import is already open on this connection")) }
                connection.importBatch = ImportBatch()
                return .reply(ReplyFormat.ok())
            case .importMachine, .importKey, .importEvent, .importRole, .importGroup, .importDay, .importAddress, .importAlert:
                return .reply(stage(request, on: connection))
            case .importCommit:
                guard let batch = connection.importBatch else { return .reply(ReplyFormat.no("invalid", "no import is open: send IMPORT BEGIN first")) }
                connection.endImport(releasing: importStaging)
                return .write(.importRecords(batch))
            case .importAbort:
                let dropped = connection.importBatch?.count ?? 0
                connection.endImport(releasing: importStaging)
                return .reply(ReplyFormat.ok { $0.attribute("dropped", String(dropped)) })
            case .audit:
                return .reply(try audit(request, scope: connection.access.scope(of: .auditRead)))
            case .stats:
                try session.refresh()
                let counts = try session.counts()
                return .reply(ReplyFormat.ok {
                    $0.attribute("uptime", String(max(0, Timestamp.now().seconds - stats.started)))
                    $0.attribute("connections", String(stats.connections.load(ordering: .relaxed)))
                    $0.attribute("machines", String(counts.machines))
                    $0.attribute("keys", String(counts.keys))
                    $0.attribute("verify-ok", String(stats.verifyOK.load(ordering: .relaxed)))
                    $0.attribute("verify-denied", String(stats.verifyDenied.load(ordering: .relaxed)))
                    $0.attribute("writes", String(stats.writes.load(ordering: .relaxed)))
                    $0.attribute("commits", String(stats.commitLatency.count))
                    $0.attribute("store-check", stats.storeCheck.state.rawValue)
                    $0.attribute("cluster", stats.fleet.link.name)
                    $0.attribute("cluster-seq", String(store.changeSequence))
                    $0.attribute("cluster-lag-ms", String(stats.fleet.lagMilliseconds))
                    $0.attribute("version", version)
                })
            }
        } catch {
            let failure = StoreError(any: error)
            Log.error("\(verb.rawValue) failed: \(failure)")
            return .reply(ReplyFormat.no(failure))
        }
    }

    static let maxImportRecords = 5_000_000

    /// Adds one record to the connection's open import, checked now so a bad one is named at once.
    func stage(_ request: Request, on connection: Connection) -> [UInt8] {
        guard connection.importBatch != nil else { return ReplyFormat.no("invalid", "no import is open: send IMPORT BEGIN first") }
        guard connection.importBatch!.count < Dispatcher.maxImportRecords else {
            return ReplyFormat.no("invalid", "an import holds at most \(Dispatcher.maxImportRecords) records")
        }
        guard let cost = importStaging.charge(lineBytes: request.encoded().count) else {
            return ReplyFormat.no("busy", "the imports being staged hold import-staging-limit (\(importStaging.limit.load(ordering: .relaxed)) bytes) already: record \(connection.importBatch!.count + 1) is not taken; try again when they are committed, or raise the limit")
        }
        connection.importCharge += cost
        do {
            switch request.verb {
            case .importMachine: connection.importBatch!.machines.append(try ImportParsing.machine(request))
            case .importKey:
                let key = try ImportParsing.key(request)
                connection.importBatch!.keys.append(key)
                connection.importBatch!.keyIDs.insert(key.id)
            case .importRole: connection.importBatch!.roles.append(try ImportParsing.role(request))
            case .importGroup: connection.importBatch!.groups.append(try ImportParsing.group(request))
            case .importDay:
                let day = try ImportParsing.day(request)
                try requireKnown(day.key, on: connection)
                connection.importBatch!.days.append(day)
            case .importAddress:
                let address = try ImportParsing.address(request)
                try requireKnown(address.key, on: connection)
                connection.importBatch!.addresses.append(address)
            case .importAlert: connection.importBatch!.alerts.append(try ImportParsing.alert(request))
            default: connection.importBatch!.events.append(try ImportParsing.event(request))
            }
        } catch {
            return ReplyFormat.no("invalid", "record \(connection.importBatch!.count + 1): \(error)")
        }
        return ReplyFormat.ok()
    }

    /// A history line names a key staged before it in the import, or one of the store.
    private func requireKnown(_ key: KeyID, on connection: Connection) throws {
        guard !connection.importBatch!.keyIDs.contains(key) else { return }
        try session.refresh()
        guard try session.key(id: key) == nil else { return }
        throw ValidationError(field: "key", problem: "names \(key), a key neither in the store nor earlier in the import")
    }

    /// VERIFY cut by the fast path: the same checks and answers as the general one.
    func verify(_ plain: PlainVerify, in line: UnsafeRawBufferPointer, from connection: Connection,
                usage: inout UsageTally) -> [UInt8] {
        guard connection.permissions.contains(.keysVerify) else {
            return ReplyFormat.no("forbidden", "VERIFY needs permission keys.verify, which \(connection.peer.user) (uid \(connection.peer.uid)) does not hold")
        }
        do {
            let ip = plain.ip.isEmpty ? "" : String(decoding: UnsafeRawBufferPointer(rebasing: line[plain.ip]), as: UTF8.self)
            let required = UnsafeRawBufferPointer(rebasing: line[plain.require])
            if !plain.require.isEmpty && !RequiredRights.isWellFormed(required) { return Dispatcher.malformedRequire }
            return try verify(secret: UnsafeRawBufferPointer(rebasing: line[plain.secret]), ip: ip, requiring: required, uid: connection.peer.uid, usage: &usage)
        } catch {
            return ReplyFormat.no(StoreError(any: error))
        }
    }

    static let malformedRequire = ReplyFormat.bad(ProtocolError(
        .syntax, "require= must list rights such as contrats:read,factures:write (read, write, delete or archive)"))

    func verify(_ request: Request, uid: UInt32, usage: inout UsageTally) throws -> [UInt8] {
        let required = Array((request[attribute: "require"] ?? "").utf8)
        if request[attribute: "require"] != nil && !required.withUnsafeBytes(RequiredRights.isWellFormed) { return Dispatcher.malformedRequire }
        var secret = Array(request.arguments[0].utf8)
        defer { Wipe.zero(&secret) }
        return try secret.withUnsafeBytes { presented in
            try required.withUnsafeBytes {
                try verify(secret: presented, ip: request[attribute: "ip"] ?? "", requiring: $0, uid: uid, usage: &usage)
            }
        }
    }

    /// Form first (no store access), then key, status, expiry, machine status.
    /// With `required` rights (a well-formed list, or empty), a valid key whose machine lacks one
    /// is `NO missing-right` (HTTP's 403).
    func verify(secret presented: UnsafeRawBufferPointer, ip: String, requiring required: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                uid: UInt32, usage: inout UsageTally) throws -> [UInt8] {
        let decided = verdict(secret: presented, ip: ip)
        if case .storeFailure(let error) = decided { throw error }
        if let missing = decided.missingRight(of: required) {
            count(decided, as: .missingRight, ip: ip, uid: uid, usage: &usage)
            return ReplyFormat.no(VerifyResult.missingRight.rawValue, VerifyVerdict.missingRightMessage(missing))
        }
        count(decided, ip: ip, uid: uid, usage: &usage)
        return decided.reply
    }

    /// VERIFY's checks as a typed verdict, for the line reply above and the HTTP gate alike.
    /// Not counted yet: the caller counts it (count(_:as:ip:usage:)) once its own checks are done.
    func verdict(secret presented: UnsafeRawBufferPointer, ip: String) -> VerifyVerdict {
        if !ip.isEmpty {
            do { _ = try Validation.text(ip, field: "ip", length: 0...256) } catch {
                return .invalidIP(error.description)
            }
        }
        if case .failure(let why) = Secret.classify(presented) { return .malformed(why) }
        if stats.fleet.isStale { return .storeFailure(Dispatcher.staleReplica(stats.fleet)) }
        let tag = PresentedTag(of: presented)
        let now = Timestamp.now()
        if let hit = verifyCache.lookup(tag, commits: store.commits.load(ordering: .acquiring), now: now.seconds) {
            return .decided(hit, at: now)
        }
        let hash = SecretHash(of: presented)
        do {
            try session.refresh()
            let entry = try session.verify(hash, at: now, machines: machineCache, describe: MachineReply.init,
                                           isActive: \.active) { outcome, key, machine in
                VerifyCache.Entry(outcome, key: key, machine: machine)
            }
            // Unknown keys are not kept: random ones would only push known keys out.
            if !entry.isUnknown { verifyCache.remember(tag, entry, snapshot: session.generation) }
            return .decided(entry, at: now)
        } catch {
            return .storeFailure(StoreError(any: error))
        }
    }

    /// `cluster-max-stale` passed with nothing heard from PostgreSQL: VERIFY fails closed.
    static func staleReplica(_ fleet: FleetStatus) -> StoreError {
        StoreError(.unavailable, "this host has heard nothing from the store of record (PostgreSQL) for \(fleet.silentMilliseconds / 1000) s, more than cluster-max-stale allows: its keys may be out of date")
    }

    /// Counts a verdict by its result (or `result`, when the caller refused it after): STATS,
    /// /metrics, a use of the key when accepted, its history (UsageTally), and for an unknown
    /// or malformed key its source (`ip`, else the peer's `uid`).
    func count(_ verdict: VerifyVerdict, as result: VerifyResult? = nil, ip: String, uid: UInt32, usage: inout UsageTally) {
        guard let result = result ?? verdict.result else { return }
        stats.record(result)
        switch verdict {
        case .decided(let entry, let now):
            if result == .ok, let key = entry.key {
                usage.accepted(key, slot: entry, ip: ip, at: now)
            } else if let key = entry.named {
                usage.refused(key, slot: entry, as: result, ip: ip, at: now)
            } else {
                usage.failed(from: FailureSource(ip: ip, uid: uid), at: now)
            }
        case .malformed:
            if usage.history { usage.failed(from: FailureSource(ip: ip, uid: uid), at: Timestamp.now()) }
        case .invalidIP, .storeFailure:
            break
        }
    }

    /// AUDIT: `after=` (or neither, as in version 1) pages forward from the oldest, `before=` back
    /// from the newest end.
    /// A scoped auditor's page: the events of its organisations' machines that still exist, read
    /// on until the page is full or the journal ends (at most 100 pages of the journal a request).
    func scopedEvents(_ range: Snapshot.EventRange, machine: MachineID?, limit: Int, _ reach: Authority) throws -> [AuditEvent] {
        var found: [AuditEvent] = []
        var range = range
        for _ in 0..<100 {
            let page = try session.auditEvents(range, machine: machine, limit: limit)
            let seen = try page.filter { event in
                guard let id = event.machine, let m = try session.machine(id: id) else { return false }
                return reach.covers(m.organization)
            }
            switch range {
            case .after:
                found += seen.prefix(limit - found.count)
                range = .after(page.last?.seq ?? 0)
            case .before:
                found = Array(seen.suffix(limit - found.count)) + found
                range = .before(page.first?.seq ?? 0)
            }
            if found.count >= limit || page.count < limit { break }
        }
        return found
    }

    /// A machine as a peer's read grant sees it: outside its scope, absent.
    func visibleMachine(_ ref: String, to connection: Connection) throws -> MachineRecord? {
        guard let m = try session.machine(ref: ref), connection.access.sees(m.organization, through: .machinesRead) else { return nil }
        return m
    }

    /// ROLE LIST / SHOW, GROUP LIST / SHOW: few records, answered whole.
    func rights(_ request: Request) throws -> [UInt8] {
        try session.refresh()
        switch request.verb {
        case .roleShow:
            guard let role = try session.role(name: request.arguments[0]) else {
                return ReplyFormat.no("not-found", "no role \(Log.token(request.arguments[0]))")
            }
            let machines = try session.holderCount(role: role.name)
            return ReplyFormat.ok { ReplyFormat.role(role, machines: machines, into: &$0) }
        case .groupShow:
            guard let group = try session.group(name: request.arguments[0]) else {
                return ReplyFormat.no("not-found", "no group \(Log.token(request.arguments[0]))")
            }
            let machines = try session.holderCount(group: group.name)
            return ReplyFormat.ok { ReplyFormat.group(group, machines: machines, into: &$0) }
        case .roleList:
            var out: [UInt8] = []
            let roles = try session.allRoles()
            for role in roles {
                let machines = try session.holderCount(role: role.name)
                out += ReplyFormat.item("ROLE") { ReplyFormat.role(role, machines: machines, into: &$0) }
            }
            return out + ReplyFormat.ok { $0.attribute("count", String(roles.count)) }
        default:
            var out: [UInt8] = []
            let groups = try session.allGroups()
            for group in groups {
                let machines = try session.holderCount(group: group.name)
                out += ReplyFormat.item("GROUP") { ReplyFormat.group(group, machines: machines, into: &$0) }
            }
            return out + ReplyFormat.ok { $0.attribute("count", String(groups.count)) }
        }
    }

    func audit(_ request: Request, scope: Set<String>? = nil) throws -> [UInt8] {
        func sequence(_ name: String) -> Result<UInt64?, Never>? {
            guard let text = request[attribute: name] else { return .success(nil) }
            guard let n = UInt64(text) else { return nil }
            return .success(n)
        }
        guard case .success(let after)? = sequence("after") else {
            return ReplyFormat.no("invalid", "after must be a sequence number, got \(Log.token(request[attribute: "after"] ?? ""))")
        }
        guard case .success(let before)? = sequence("before") else {
            return ReplyFormat.no("invalid", "before must be a sequence number, got \(Log.token(request[attribute: "before"] ?? ""))")
        }
        if after != nil && before != nil { return ReplyFormat.no("invalid", "after= and before= cannot be used together") }
        var limit = Dispatcher.auditDefaultLimit
        if let text = request[attribute: "limit"] {
            guard let n = Int(text), (1...Dispatcher.auditMaxLimit).contains(n) else {
                return ReplyFormat.no("invalid", "limit must be from 1 to \(Dispatcher.auditMaxLimit), got \(Log.token(text))")
            }
            limit = n
        }
        try session.refresh()
        let reach = Authority(rightsAdmin: false, scope: scope)
        var machine: MachineID?
        if let ref = request[attribute: "machine"] {
            // A deleted machine's events stay reachable by its id (unscoped peers only: its organisation is gone).
            let found = try session.machine(ref: ref)
            guard let id = found?.id ?? (reach.isScoped ? nil : MachineID(ref)), found.map({ reach.covers($0.organization) }) ?? true else {
                return ReplyFormat.no("not-found", "no machine \(Log.token(ref))")
            }
            machine = id
        }
        let range: Snapshot.EventRange = before.map { .before($0) } ?? .after(after ?? 0)
        let events = try reach.isScoped ? scopedEvents(range, machine: machine, limit: limit, reach)
                                        : session.auditEvents(range, machine: machine, limit: limit)
        var out: [UInt8] = []
        for e in events { out += ReplyFormat.item("EVENT") { ReplyFormat.event(e, into: &$0) } }
        return out + ReplyFormat.ok { $0.attribute("count", String(events.count)) }
    }
}
