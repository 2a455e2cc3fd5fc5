/// The named databases of the store and the schema version written in `meta`.
///
/// - machines: machine id → machine record
/// - machine-names: name folded for case → machine id
/// - keys: key id → key record (with its secret's hash)
/// - key-hashes: SHA-256 of the secret → key id
/// - machine-keys: machine id + key id → (empty), a machine's keys in id order
/// - audit: sequence (big-endian) → event
/// - audit-by-machine: machine id + sequence → (empty), since schema 2
/// - meta: "schema-version" → UInt32 big-endian
enum Schema {
    static let version: UInt32 = 2
    static let versionKey = Array("schema-version".utf8)

    static let names = ["meta", "machines", "machine-names", "keys", "key-hashes", "machine-keys", "audit", "audit-by-machine"]
}
