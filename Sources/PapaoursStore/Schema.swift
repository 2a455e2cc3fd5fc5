import PapaoursCore

/// The named databases of the store (schema 4) and what `meta` holds.
///
/// - secrets: SHA-256 of the secret → key record: VERIFY's one lookup
/// - key-ids: key id → the first 16 bytes of its secret's SHA-256 (found in `secrets` by a range seek)
/// - machine-key-ids: machine id → its key ids (sorted duplicates, id order)
/// - key-usage: key id → uses, last use, last address (a usage flush rewrites these, not keys)
/// - machines: machine id → machine record
/// - machine-names: name folded for case → machine id
/// - roles: role name → role record; groups: group name → group record
/// - role-machines, group-machines: a role's or group's name → the ids of the machines that
///   hold it directly (sorted duplicates): who to recompute when it changes
/// - audit: sequence (big-endian) → event, appended in order
/// - audit-machines: machine id → sequences of its events (sorted duplicates)
/// - meta: "schema-version" → UInt32, "change-sequence" → UInt64, both big-endian; "restored"
///   → what a restore brought back, until the restored daemon journals it; "fleet-id" → the
///   fleet it replicates, when it is one's
enum Schema {
    /// What `key-ids` keeps of a hash: enough to find the key record, half the bytes.
    static func hashPrefix(_ hash: SecretHash) -> [UInt8] { Array(hash.bytes.prefix(16)) }

    static let version: UInt32 = 4
    static let versionKey = Array("schema-version".utf8)
    static let changeSequenceKey = Array("change-sequence".utf8)
    /// Set by `papaoursd --restore` in the restored copy, cleared when its first start journals it.
    static let restoredKey = Array("restored".utf8)
    /// The fleet this store is a replica of (its PostgreSQL's `meta.fleet_id`); absent alone.
    static let fleetKey = Array("fleet-id".utf8)

    /// Every database of the current schema, and whether it holds sorted duplicates.
    static let databases: [(name: String, duplicates: Bool)] = [
        ("meta", false), ("secrets", false), ("key-ids", false), ("machine-key-ids", true), ("key-usage", false),
        ("machines", false), ("machine-names", false), ("audit", false), ("audit-machines", true),
        ("roles", false), ("groups", false), ("role-machines", true), ("group-machines", true),
        // The usage history (UsageHistory.swift): created when absent, no schema change.
        ("usage-days", false), ("usage-hours", false), ("key-addresses", false), ("alerts", false),
    ]

    /// Schema 2's databases that schema 3 replaced: key id → key record (usage inside),
    /// SHA-256 → key id, machine id + key id → (empty), machine id + sequence → (empty).
    static let version2Databases = ["keys", "key-hashes", "machine-keys", "audit-by-machine"]
}
