import FuzzTargets

/// SwiftPM links an executable with `main` aliased to `<target>_main`: here it hands the command line to
/// libFuzzer's driver with this target's per-input function.
@_cdecl("FuzzSafetensorsHeader_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { start, count in CheckpointTargets.safetensorsHeader(UnsafeRawBufferPointer(start: start, count: count)) }
}
