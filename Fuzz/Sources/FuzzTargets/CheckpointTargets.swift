import Checkpoints
import Foundation

/// What each fuzz target does with one input: read it as the real loader would, then touch everything the
/// reader accepted (every element of every tensor), so a reader that accepts a bad record is caught where a
/// later consumer would trip over it. Refusals (`CheckpointError`) are the expected outcome for most inputs.
public enum CheckpointTargets {
    /// `.safetensors`: the 8-byte length, the JSON header, and every tensor's data range.
    public static func safetensorsHeader(_ data: UnsafeRawBufferPointer) {
        let file = FileBytes(copying: data, label: "fuzz.safetensors")
        guard let reader = try? SafetensorsFile(bytes: file) else { return }
        touch(reader.records)
    }

    /// The weights-only unpickler (`torch.load(weights_only=True)`'s allowlist).
    public static func weightsOnlyUnpickler(_ data: UnsafeRawBufferPointer) {
        _ = try? PickleMachine.run(data, file: "fuzz.pkl", source: "data.pkl")
    }

    /// The recording unpickler (whole-model pickles, TorchScript `data.pkl`): builds objects, imports nothing.
    public static func recordingUnpickler(_ data: UnsafeRawBufferPointer) {
        _ = try? PickleMachine.run(data, file: "fuzz.pkl", source: "data.pkl", recordsObjects: true)
    }

    /// `torch.save` files: the zip reader (central directory, ZIP64, entries) and the legacy format, in both
    /// unpickler modes.
    public static func torchFile(_ data: UnsafeRawBufferPointer) {
        let file = FileBytes(copying: data, label: "fuzz.pt")
        if let checkpoint = try? TorchCheckpoint(bytes: file) { touch(checkpoint.records) }
        if let checkpoint = try? TorchCheckpoint(bytes: file, recordsObjects: true) { touch(checkpoint.records) }
    }

    /// A `.pt2` archive's `models/<name>.json` (torch/_export/serde/schema.py).
    public static func exportedProgramJSON(_ data: UnsafeRawBufferPointer) {
        guard let program = try? ExportedProgramArchive.program(json: Data(data), file: "fuzz.json") else { return }
        // What the interpreter reads first: every node's target, arguments and module stack.
        var names = 0
        for node in program.nodes {
            names &+= node.target.utf8.count &+ node.inputs.count &+ node.outputs.count &+ node.moduleStack.count
        }
        _ = names &+ program.moduleNames.count &+ program.outputNames.count &+ program.tensorValues.count
    }

    static func touch(_ records: [TensorRecord]) {
        for record in records { _ = record.elementValues() }
    }
}
