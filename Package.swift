// swift-tools-version: 6.0
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "ChatVault",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chatvault", targets: ["chatvault"]),
        .executable(name: "chatvault-bench", targets: ["chatvault-bench"]),
        .library(name: "ChatVaultCore", targets: ["ChatVaultCore"]),
        .library(name: "ChatVaultRedaction", targets: ["ChatVaultRedaction"]),
        .library(name: "ChatVaultArchive", targets: ["ChatVaultArchive"]),
        .library(name: "ChatVaultExport", targets: ["ChatVaultExport"]),
        .library(name: "ChatVaultIngest", targets: ["ChatVaultIngest"]),
        .library(name: "ChatVaultPolicy", targets: ["ChatVaultPolicy"]),
        .library(name: "ChatVaultCapture", targets: ["ChatVaultCapture"]),
        .library(name: "ChatVaultServer", targets: ["ChatVaultServer"]),
        .library(name: "ChatVaultPostgres", targets: ["ChatVaultPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "ChatVaultCore", swiftSettings: upcoming),
        .target(
            name: "ChatVaultRedaction",
            dependencies: [
                "ChatVaultCore", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Names/NOTICE.md"],
            swiftSettings: upcoming
        ),
        .target(
            name: "ChatVaultPolicy",
            dependencies: [
                "ChatVaultCore", "ChatVaultRedaction", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ChatVaultArchive",
            dependencies: [
                "ChatVaultCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ChatVaultPostgres",
            dependencies: [
                "ChatVaultCore", "ChatVaultArchive",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ChatVaultExport",
            dependencies: [
                "ChatVaultCore", "ChatVaultArchive", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ChatVaultIngest",
            dependencies: [
                "ChatVaultCore", "ChatVaultRedaction", "ChatVaultPolicy", "ChatVaultArchive",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ChatVaultCapture",
            dependencies: [
                "ChatVaultCore", "ChatVaultArchive", "ChatVaultIngest",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "ChatVaultServer",
            dependencies: [
                "ChatVaultCore", "ChatVaultRedaction", "ChatVaultPolicy", "ChatVaultArchive", "ChatVaultIngest", "ChatVaultCapture",
                "ChatVaultExport", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "chatvault",
            dependencies: [
                "ChatVaultServer",
                "ChatVaultCore", "ChatVaultRedaction", "ChatVaultPolicy", "ChatVaultArchive", "ChatVaultIngest", "ChatVaultExport",
                "ChatVaultCapture", .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "chatvault-bench",
            dependencies: [
                "ChatVaultCore", "ChatVaultRedaction", "ChatVaultPolicy", "ChatVaultArchive", "ChatVaultIngest", "ChatVaultExport", "ChatVaultServer",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "chatvault-fuzz",
            dependencies: ["ChatVaultCore", "ChatVaultIngest", "ChatVaultCapture"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ChatVaultPolicyTests",
            dependencies: [
                "ChatVaultCore", "ChatVaultRedaction", "ChatVaultPolicy", "ChatVaultArchive", "ChatVaultIngest",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ChatVaultCaptureTests",
            dependencies: ["ChatVaultCore", "ChatVaultArchive", "ChatVaultIngest", "ChatVaultCapture"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ChatVaultLiveTests",
            dependencies: ["chatvault", "ChatVaultCore", "ChatVaultArchive", "ChatVaultIngest", "ChatVaultCapture"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ChatVaultServerTests",
            dependencies: [
                "ChatVaultCore", "ChatVaultArchive", "ChatVaultIngest", "ChatVaultServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(name: "ChatVaultCoreTests", dependencies: ["ChatVaultCore"], swiftSettings: upcoming),
        .testTarget(
            name: "ChatVaultExportTests",
            dependencies: ["ChatVaultCore", "ChatVaultArchive", "ChatVaultExport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ChatVaultRedactionTests",
            dependencies: [
                "ChatVaultCore", "ChatVaultRedaction", .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ChatVaultArchiveTests",
            dependencies: [
                "ChatVaultCore", "ChatVaultArchive", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ChatVaultIngestTests",
            dependencies: [
                "ChatVaultCore", "ChatVaultRedaction", "ChatVaultArchive", "ChatVaultIngest",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ChatVaultPostgresTests",
            dependencies: ["ChatVaultCore", "ChatVaultArchive", "ChatVaultPostgres", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ChatVaultCLITests",
            dependencies: ["chatvault", "ChatVaultCore", "ChatVaultArchive", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: upcoming
        ),
    ]
)
