/// `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t))`, from libFuzzer
/// (linked in by `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target's per-input function; set once before libFuzzer starts, read by `oneInput` on its thread.
nonisolated(unsafe) private var target: (@convention(c) (UnsafePointer<UInt8>?, Int) -> Void)?

/// libFuzzer's runtime refers to this symbol even when its driver is given the callback.
@_cdecl("LLVMFuzzerTestOneInput")
public func oneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    target?(start, count)
    return 0
}

/// Runs libFuzzer with the process's arguments and `body` as the target (a C function: no captures).
public func runLibFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Void
) -> CInt {
    target = body
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, oneInput)
}
