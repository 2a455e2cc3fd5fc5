import CSodium

/// libsodium must be initialised once before use; every entry point goes through here.
enum Sodium {
    static let ready: Bool = sodium_init() >= 0

    static func ensureReady() {
        precondition(ready, "libsodium failed to initialise")
    }
}
