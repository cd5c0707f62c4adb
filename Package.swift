// swift-tools-version:6.0
import PackageDescription

/// Release builds generate code for the building machine's vector instructions (AVX2/FMA/F16C and wider):
/// the hand-written SIMD kernels run about 3× faster than with the baseline x86-64 target, where
/// `SIMD8<Float>` arithmetic can fall back to per-lane calls. `NNTOP_PORTABLE=1` builds for any x86-64 (a
/// binary for other machines, or nntop as a versioned dependency, which SwiftPM refuses unsafe flags for).
///
/// The same release builds leave out the runtime exclusivity checks of the compute code (each checked
/// access records itself in a thread-local set: 5–10 % of a small model's forward and of every hook call,
/// measured with perf on seed_mlp and LeNet-5). Debug builds, which the tests run, keep them.
let hostVectorCode: [SwiftSetting] = Context.environment["NNTOP_PORTABLE"].map { !$0.isEmpty && $0 != "0" } == true
    ? [] : [.unsafeFlags(["-target-cpu", "native", "-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "nntop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nntop", targets: ["nntop"]),
        .library(name: "NNModules", targets: ["NNModules"]),
        // The readers the fuzz targets (Fuzz/, a package of its own built with libFuzzer) link against.
        .library(name: "Checkpoints", targets: ["Checkpoints"]),
        .library(name: "ModelView", targets: ["ModelView"]),
        .library(name: "NNTopUI", targets: ["NNTopUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CNCurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "Checkpoints",
            dependencies: [
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .target(
            name: "NNModules",
            dependencies: [
                "Checkpoints", "COpenBLAS",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: hostVectorCode
        ),
        .target(name: "ExportedModels", dependencies: ["Checkpoints", "NNModules"]),
        .target(
            name: "ModelZoo",
            dependencies: ["NNModules"],
            path: "samples",
            swiftSettings: hostVectorCode
        ),
        .target(
            name: "Profiler",
            dependencies: [
                "NNModules", "ModelView",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: hostVectorCode
        ),
        .target(name: "ModelView"),
        .target(
            name: "ModelSources",
            dependencies: ["Checkpoints", "NNModules", "ExportedModels", "ModelZoo", "Profiler", "ModelView"]
        ),
        .target(name: "NNTopUI", dependencies: ["ModelView"]),
        .executableTarget(
            name: "nntop",
            dependencies: [
                "Checkpoints", "NNModules", "ExportedModels", "ModelZoo", "Profiler", "ModelView", "ModelSources", "NNTopUI", "CNCurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "GoldenSupport", dependencies: ["Checkpoints", "NNModules", "ModelView", "Profiler"], path: "Tests/GoldenSupport"),
        .testTarget(name: "NNModulesTests", dependencies: ["NNModules", "Checkpoints", "GoldenSupport"]),
        .testTarget(name: "ExportedModelsTests", dependencies: ["ExportedModels", "NNModules", "Checkpoints", "Profiler", "GoldenSupport"]),
        .testTarget(name: "CheckpointsTests", dependencies: ["Checkpoints", "GoldenSupport"]),
        .testTarget(name: "ModelViewTests", dependencies: ["ModelView"]),
        .testTarget(name: "ModelSourcesTests", dependencies: [
            "ModelSources", "ModelView", "NNTopUI", "Profiler", "ModelZoo", "NNModules", "Checkpoints", "GoldenSupport",
        ]),
        .testTarget(name: "NNTopUITests", dependencies: ["NNTopUI", "ModelView"], exclude: ["__Snapshots__"]),
        .testTarget(name: "ModelZooTests", dependencies: ["ModelZoo", "NNModules", "Profiler", "ModelView", "Checkpoints", "GoldenSupport"]),
        .testTarget(name: "CLITests", dependencies: ["nntop", "ModelSources", "ModelView", "NNTopUI", "Profiler", "ModelZoo", "NNModules", "Checkpoints", "GoldenSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["GoldenSupport"]),
        .testTarget(name: "ProfilerTests", dependencies: ["Profiler", "ModelView", "NNModules", "ModelZoo", "GoldenSupport",
                                                              .product(name: "Histogram", package: "hdrhistogram-swift")]),
    ]
)
