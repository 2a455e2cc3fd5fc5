/// The fleet's tables in PostgreSQL, in a schema of their own (`papaours` by default), at
/// `version` (kept in `meta`, with the fleet's id, so that a host can tell a foreign database).
///
/// The records are kept as the bytes the local store keeps them in (StoredRecord), with the
/// few columns beside them that constraints, indexes and people reading with psql need. The
/// bytes are the truth: a host that copies the fleet gets records byte-identical to every
/// other host's, with no conversion to drift (times, rights, perimeters). Usage alone is in
/// columns, since hosts add to it in SQL (`uses = uses + …`), never overwriting.
///
/// There are no foreign keys and the unique constraints are deferred to COMMIT: change sets
/// are applied here as mechanically as in LMDB, in their own order (a key deleted after its
/// machine), and must not be refused for an order the local store accepts.
public struct FleetSchema: Sendable {
    public static let version = 1
    public static let defaultName = "papaours"
    /// The channel writers NOTIFY after committing changes, and followers LISTEN to.
    public static let channel = "papaours_changes"

    public let name: String

    public struct InvalidName: Error, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String {
            "schema name \"\(name)\" must be 1 to 63 lower-case letters, digits and underscores, not starting with a digit nor pg_"
        }
    }

    public init(name: String = FleetSchema.defaultName) throws(InvalidName) {
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        guard (1...63).contains(bytes.count), allowed, !(bytes[0] >= 0x30 && bytes[0] <= 0x39), !name.hasPrefix("pg_") else {
            throw InvalidName(name: name)
        }
        self.name = name
    }

    /// `table` qualified by the schema: `"papaours".machines`.
    public func table(_ table: String) -> String { PGConnection.identifier(name) + "." + table }

    /// What the database holds under the schema's name.
    public enum State: Sendable, Equatable {
        case absent
        case fleet(id: String, version: Int)
        /// The schema exists but holds no fleet that can be read: never touched.
        case foreign
    }

    public func state(on connection: PGConnection) throws(PGError) -> State {
        let schema = try connection.exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(name)])
        guard schema.rows == 1 else { return .absent }
        let meta = try connection.exec("SELECT to_regclass($1) IS NOT NULL", [.text(table("meta"))])
        guard meta.text(0, 0) == "t" else { return .foreign }
        let row = try connection.exec("SELECT fleet_id::text, schema_version FROM \(table("meta"))")
        guard row.rows == 1, let version = row.int64(0, 1) else { return .foreign }
        return .fleet(id: row.text(0, 0), version: Int(version))
    }

    /// Creates the schema and its tables at `version`, with the counter at `sequence` (the
    /// change sequence the fleet starts from: `changes` holds every change after it), in the
    /// transaction given; the fleet's new id.
    public func create(in txn: borrowing PGTransaction, startingAt sequence: UInt64, by host: String) throws(PGError) -> String {
        try txn.exec("CREATE SCHEMA \(PGConnection.identifier(name))")
        try txn.exec("""
            CREATE TABLE \(table("meta")) (
                one boolean PRIMARY KEY DEFAULT true CHECK (one),
                schema_version integer NOT NULL,
                fleet_id uuid NOT NULL DEFAULT gen_random_uuid(),
                created timestamptz NOT NULL DEFAULT now(),
                created_by text NOT NULL,
                kept_after bigint NOT NULL
            );
            -- The change sequence, gap-free: a writer takes its numbers with
            -- UPDATE … SET seq = seq + n RETURNING seq in its own transaction. The row lock it
            -- takes is held until that transaction ends, so writers are serialised on it: the
            -- next one reads the committed value (or the old one, after a rollback, which gives
            -- its numbers back). Numbers are thus committed in order and without holes, which a
            -- follower reading "seq > mine" depends on. A sequence (bigserial) would not do:
            -- nextval is not rolled back (holes) and 7 can commit before 6, so a follower that
            -- read 7 would never see 6. Writers must run READ COMMITTED: in REPEATABLE READ the
            -- second one would fail with a serialisation error instead of waiting.
            CREATE TABLE \(table("counter")) (
                one boolean PRIMARY KEY DEFAULT true CHECK (one),
                seq bigint NOT NULL CHECK (seq >= 0)
            );
            CREATE TABLE \(table("changes")) (
                seq bigint PRIMARY KEY,
                host text NOT NULL,
                set bytea NOT NULL,
                committed timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            -- The usage history the first host had at --cluster-init, as one change set: a host
            -- copying the fleet applies it, then the history changes of every row of changes.
            CREATE TABLE \(table("history_start")) (
                one boolean PRIMARY KEY DEFAULT true CHECK (one),
                set bytea NOT NULL
            );
            CREATE TABLE \(table("machines")) (
                id text PRIMARY KEY,
                name_key text NOT NULL UNIQUE DEFERRABLE INITIALLY DEFERRED,
                name text NOT NULL,
                organization text NOT NULL,
                active boolean NOT NULL,
                record bytea NOT NULL
            );
            CREATE TABLE \(table("keys")) (
                id text PRIMARY KEY,
                machine text NOT NULL,
                hash bytea NOT NULL UNIQUE DEFERRABLE INITIALLY DEFERRED CHECK (length(hash) = 32),
                active boolean NOT NULL,
                record bytea NOT NULL
            );
            CREATE INDEX ON \(table("keys")) (machine);
            CREATE TABLE \(table("usage")) (
                key text PRIMARY KEY,
                uses bigint NOT NULL CHECK (uses >= 0),
                last_used timestamptz,
                last_ip text NOT NULL
            );
            CREATE TABLE \(table("roles")) (name text PRIMARY KEY, record bytea NOT NULL);
            CREATE TABLE \(table("groups")) (name text PRIMARY KEY, record bytea NOT NULL);
            CREATE TABLE \(table("audit")) (
                seq bigint PRIMARY KEY,
                time timestamptz NOT NULL,
                action text NOT NULL,
                target text NOT NULL,
                machine text,
                host text NOT NULL,
                event bytea NOT NULL
            );
            CREATE INDEX ON \(table("audit")) (machine, seq) WHERE machine IS NOT NULL
            """)
        let start = Int64(clamping: sequence)
        try txn.exec("INSERT INTO \(table("counter")) (seq) VALUES ($1)", [.int64(start)])
        let meta = try txn.exec("INSERT INTO \(table("meta")) (schema_version, created_by, kept_after) VALUES ($1, $2, $3) RETURNING fleet_id::text",
                                [.int64(Int64(FleetSchema.version)), .text(host), .int64(start)])
        return meta.text(0, 0)
    }

    /// Every table of the schema, in the order they are created.
    public static let tables = ["meta", "counter", "changes", "history_start", "machines", "keys", "usage", "roles", "groups", "audit"]
}
