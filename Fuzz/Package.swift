// swift-tools-version:6.0
import PackageDescription

/// Coverage-guided fuzz targets (libFuzzer) for every reader of untrusted bytes, one executable per target.
/// Built by `scripts/fuzz` with `-sanitize=fuzzer,address`, which instruments the readers for coverage and
/// lets libFuzzer supply `main`; a package of its own so that nntop's normal builds never need libFuzzer.
let targets = [
    "FuzzSafetensorsHeader", "FuzzWeightsOnlyUnpickler", "FuzzRecordingUnpickler", "FuzzTorchFile",
    "FuzzExportedProgramJSON", "FuzzAttachProtocol",
]

let package = Package(
    name: "nntop-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "nntop", path: "..")],
    targets: [
        .target(
            name: "FuzzTargets",
            dependencies: [
                .product(name: "Checkpoints", package: "nntop"),
                .product(name: "ModelView", package: "nntop"),
                .product(name: "NNTopUI", package: "nntop"),
            ]
        ),
    ] + targets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzTargets"], path: "Sources/Targets/\(name)")
    }
)
