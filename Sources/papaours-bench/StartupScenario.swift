/// Time from spawning papaoursd to its READY=1 on $NOTIFY_SOCKET, with the loaded database.
struct StartupScenario {
    static let starts = 5
    let launcher: Launcher

    /// Seconds per start.
    func run() throws -> [Double] {
        var times: [Double] = []
        for i in 0..<StartupScenario.starts {
            let (daemon, seconds) = try launcher.startDaemon()
            daemon.stop()
            times.append(seconds)
            progress("start \(i + 1)/\(StartupScenario.starts): ready in \(fixed(seconds * 1000, 1)) ms")
        }
        return times
    }
}
