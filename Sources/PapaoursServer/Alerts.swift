import PapaoursCore
import PapaoursStore

/// The alerts the writer raised (UsageHistory.swift decides them): each is logged once, as a
/// warning, when its commit is done. Nothing in an alert is a secret.
enum Alerts {
    static func log(_ alert: Alert) {
        var words = "alert \(alert.seq) \(alert.kind.rawValue)"
        if let key = alert.key { words += " key \(key.value)" }
        if let machine = alert.machine { words += " machine \(machine.value)" }
        if !alert.ip.isEmpty { words += " ip \(Log.token(alert.ip))" }
        Log.warning(words + ": " + alert.details)
    }
}
