// swift-tools-version:6.0
import PackageDescription

// Strict settings applied to every Swift target in one place.
let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "papaours",
    products: [
        .executable(name: "papaoursd", targets: ["papaoursd"]),
        .executable(name: "papaoursctl", targets: ["papaoursctl"]),
        .library(name: "PapaoursClient", targets: ["PapaoursClient"]),
    ],
    targets: [
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "CPapaoursSystem", cSettings: [.define("_GNU_SOURCE")]),
        .target(name: "PapaoursCore", dependencies: ["CSodium"]),
        .target(name: "PapaoursStore", dependencies: ["PapaoursCore", "CLMDB", "CPapaoursSystem"]),
        .target(name: "PapaoursProtocol", dependencies: ["PapaoursCore"]),
        .target(name: "PapaoursHTTP"),
        .target(name: "PapaoursServer", dependencies: ["PapaoursProtocol", "PapaoursHTTP", "PapaoursStore", "PapaoursCore", "CPapaoursSystem"]),
        .target(name: "PapaoursClient", dependencies: ["PapaoursProtocol", "PapaoursCore", "CPapaoursSystem"]),
        .target(name: "PapaoursFleet", dependencies: ["PapaoursStore", "PapaoursCore", "CLibPQ"]),
        .executableTarget(name: "papaoursd", dependencies: ["PapaoursServer", "PapaoursFleet", "PapaoursStore", "PapaoursCore", "CPapaoursSystem"]),
        .target(name: "PapaoursCtlKit", dependencies: ["PapaoursClient", "PapaoursProtocol", "PapaoursCore"]),
        .executableTarget(name: "papaoursctl", dependencies: ["PapaoursCtlKit"]),
        .executableTarget(name: "papaours-bench", dependencies: ["PapaoursStore", "PapaoursCore", "CPapaoursSystem"]),
        .testTarget(name: "PapaoursCoreTests", dependencies: ["PapaoursCore"]),
        .testTarget(name: "PapaoursStoreTests", dependencies: ["PapaoursStore", "PapaoursCore"], exclude: ["Fixtures"]),
        .testTarget(name: "PapaoursServerTests", dependencies: ["PapaoursServer", "PapaoursStore", "PapaoursProtocol", "PapaoursCore"]),
        .testTarget(name: "PapaoursProtocolTests", dependencies: ["PapaoursProtocol", "PapaoursCore"]),
        // A throwaway PostgreSQL (initdb + pg_ctl) for the fleet's tests and the end-to-end ones.
        .target(name: "PostgresHarness", dependencies: ["PapaoursFleet"], path: "Tests/PostgresHarness"),
        .testTarget(name: "PapaoursFleetTests", dependencies: ["PapaoursFleet", "PapaoursStore", "PapaoursCore", "PostgresHarness"]),
        .testTarget(name: "PapaoursHTTPTests", dependencies: ["PapaoursHTTP"]),
        .testTarget(name: "CtlTests", dependencies: ["PapaoursCtlKit", "PapaoursClient", "PapaoursProtocol", "PapaoursCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["PapaoursClient", "PapaoursProtocol", "PapaoursStore", "PapaoursCore", "CPapaoursSystem", "PostgresHarness"]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system && target.type != .binary {
    if target.name.hasPrefix("C") { continue }
    target.swiftSettings = (target.swiftSettings ?? []) + strictSwift
}
